package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// binNode is `bin` / `bucket` `span=S field [as name]`.
//
//   - A span with a time unit (s, m, h, d, mon as in tstats' span=) reads
//     the field as epoch seconds and replaces it by the start of its
//     bucket, aligned as tstats aligns (s, m, h on the epoch; d and mon on
//     midnight and the first of the month in Options.Location). A plain
//     number span on _time is a span in seconds.
//   - A plain number span on any other field gives Splunk's range text
//     "lo-hi", lo = floor(v/span)*span, hi = lo+span (numbers rendered by
//     value.FormatNumber).
//   - A value that is not a number is left unchanged; null stays null.
//   - Without AS the field is replaced in place (nothing happens when it is
//     absent); with AS the named field is written in place when present,
//     else appended.
//   - bins=, minspan=, start=, end= and aligntime= are plan errors: only
//     span= is implemented.
type binNode struct {
	in     node
	field  string
	src    int
	dst    string
	span   string
	tspan  *value.Span // time buckets, or nil
	num    float64     // numeric span
	isTime bool        // numeric span applied to _time: seconds
	out    []string
}

func (*binNode) isNode()            {}
func (n *binNode) fields() []string { return n.out }
func (n *binNode) input() node      { return n.in }
func (n *binNode) describe() string {
	return "Bin span=" + n.span + " " + spl.Word(n.field) + " AS " + spl.Word(n.dst)
}

func (e *Engine) planBin(c *spl.Bin, in node) (node, error) {
	n := &binNode{in: in, field: c.Field, dst: c.Field}
	if c.As != "" {
		n.dst = c.As
	}
	var spanOpt *spl.Option
	for i, o := range c.Options {
		switch o.Key {
		case "span":
			spanOpt = &c.Options[i]
		case "bins", "minspan", "start", "end", "aligntime":
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported %s option %s= (only span= is implemented)", c.CommandName, o.Key)}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown %s option %q", c.CommandName, o.Key)}
		}
	}
	if spanOpt == nil {
		return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("%s needs span= (bins= is not implemented)", c.CommandName)}
	}
	n.span = spanOpt.Value.Text
	if f, err := strconv.ParseFloat(n.span, 64); err == nil {
		if !(f > 0) || math.IsInf(f, 0) {
			return nil, &spl.Error{Pos: spanOpt.Pos, Msg: fmt.Sprintf("%s: span=%s must be a positive number", c.CommandName, n.span)}
		}
		n.num = f
		n.isTime = c.Field == "_time"
	} else {
		sp, err := value.ParseSpan(n.span)
		if err != nil {
			return nil, &spl.Error{Pos: spanOpt.Pos, Msg: c.CommandName + ": " + err.Error()}
		}
		sp.Loc = e.opt.Location
		n.tspan = sp
	}
	if strings.Contains(c.Field, "*") {
		return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("%s: wildcards are not allowed in the field: %s", c.CommandName, c.Field)}
	}
	n.out = append([]string(nil), in.fields()...)
	n.src = slices.Index(n.out, n.field)
	if c.As != "" && slices.Index(n.out, n.dst) < 0 {
		n.out = append(n.out, n.dst)
	}
	return n, nil
}

// bucket returns the binned value of one number.
func (n *binNode) bucket(f float64, out *value.Vector, r int) {
	switch {
	case n.tspan != nil:
		ms := int64(math.Floor(f * 1000))
		out.SetNum(r, float64(n.tspan.Bucket(ms))/1000)
	case n.isTime:
		out.SetNum(r, math.Floor(f/n.num)*n.num)
	default:
		lo := math.Floor(f/n.num) * n.num
		out.SetStr(r, value.FormatNumber(lo)+"-"+value.FormatNumber(lo+n.num))
	}
}

func (n *binNode) newOperator(env *execEnv, in operator) operator {
	var v, out value.Vector
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		if n.src < 0 {
			if n.dst == n.field {
				b.Retain()
				return b, false, nil
			}
			v.Reset(rows)
		} else {
			rd, err := value.NewColumn(b.Column(n.src))
			if err != nil {
				return nil, false, fmt.Errorf("bin %s: %w", n.field, err)
			}
			rd.Load(&v)
		}
		out.Reset(rows)
		for r := 0; r < rows; r++ {
			if f, ok := v.Num(r); ok {
				n.bucket(f, &out, r)
			} else {
				out.CopyRow(r, &v, r)
			}
		}
		a := out.Build(env.mem)
		defer a.Release()
		return value.SetColumn(b, n.dst, a), false, nil
	}}
}
