package engine

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// makeresultsNode is `| makeresults [count=N] [annotate=<bool>]`. The
// Search Reference (makeresults, 9.4): "If you do not specify any of the
// optional arguments, this command runs on the local machine and generates
// one result with only the _time field"; count is "The number of results to
// generate" (default 1); "If annotate=true, generates results with the
// fields shown in the table below": _raw, _time, host, source, sourcetype,
// splunk_server and splunk_server_group, all "None." except _time ("Date and
// time that you run the makeresults command") and splunk_server ("The name
// of the server that the makeresults command is run on").
//
//   - _time is Options.Now (the search's reference time) in whole epoch
//     seconds, the same on every row, as the documented examples show.
//   - With annotate=true the fields come in that table's order; the "None."
//     fields are null and splunk_server is "minispl" (there is no server).
//   - splunk_server=, splunk_server_group=, format= and data= are plan
//     errors: they name servers or inline data minispl does not have.
type makeresultsNode struct {
	count    int
	annotate bool
	out      []string
}

func (*makeresultsNode) isNode()            {}
func (n *makeresultsNode) fields() []string { return n.out }
func (n *makeresultsNode) input() node      { return nil }
func (n *makeresultsNode) describe() string {
	return fmt.Sprintf("Makeresults count=%d annotate=%t", n.count, n.annotate)
}

// makeresultsServer is the splunk_server value of annotated rows.
const makeresultsServer = "minispl"

func planMakeresults(c *spl.Makeresults) (node, error) {
	n := &makeresultsNode{count: 1}
	for _, o := range c.Options {
		switch o.Key {
		case "count":
			k, err := strconv.Atoi(o.Value.Text)
			if err != nil || k < 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("makeresults count=%s: want a whole number, 0 or more", o.Value.Text)}
			}
			n.count = k
		case "annotate":
			b, err := boolOption("makeresults", o)
			if err != nil {
				return nil, err
			}
			n.annotate = b
		case "splunk_server", "splunk_server_group", "format", "data":
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported makeresults option %s= (only count= and annotate= are implemented)", o.Key)}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown makeresults option %q", o.Key)}
		}
	}
	n.out = []string{"_time"}
	if n.annotate {
		n.out = []string{"_raw", "_time", "host", "source", "sourcetype", "splunk_server", "splunk_server_group"}
	}
	return n, nil
}

func (n *makeresultsNode) newOperator(env *execEnv, _ operator) operator {
	return &genOp{make: func(context.Context) ([]arrow.RecordBatch, error) {
		now := math.Floor(float64(env.eng.now().UnixMilli()) / 1000)
		var out []arrow.RecordBatch
		var v value.Vector
		for start := 0; start < n.count; start += env.batchSize {
			rows := min(env.batchSize, n.count-start)
			cols := make([]arrow.Array, len(n.out))
			for i, f := range n.out {
				v.Reset(rows)
				for r := 0; r < rows; r++ {
					switch f {
					case "_time":
						v.SetNum(r, now)
					case "splunk_server":
						v.SetStr(r, makeresultsServer)
					}
				}
				cols[i] = v.Build(env.mem)
			}
			out = append(out, newBatch(n.out, cols, rows))
		}
		return out, nil
	}}
}

// genOp is a generating operator whose batches are made at the first Next
// (makeresults, and the replayed input of appendpipe's subpipeline).
type genOp struct {
	make func(ctx context.Context) ([]arrow.RecordBatch, error)
	q    batchQueue
	done bool
}

func (o *genOp) Open(context.Context) error { return nil }

func (o *genOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.done {
		o.done = true
		out, err := o.make(ctx)
		if err != nil {
			return nil, err
		}
		o.q.out = out
	}
	if b := o.q.next(); b != nil {
		return b, nil
	}
	return nil, io.EOF
}

func (o *genOp) Close() { o.q.release() }
