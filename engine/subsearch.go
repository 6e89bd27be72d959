package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/spl"
)

// This file plans subsearches `[...]` as their own pipelines, which makes
// the plan a tree: join and append nodes hold the subsearch's root as a
// second child, and Plan.String prints it indented under a "subsearch:"
// line.
//
// Subsearch result limits (limits.conf): join reads at most 50,000
// subsearch rows ([join] subsearch_maxout), append at most 50,000 ([append]
// maxout); rows past the limit are dropped, as in Splunk. A subsearch used
// as a search term (`search [| inputlookup t | fields f]`) is in
// subsearch_term.go.
const (
	joinSubsearchMax   = 50_000
	appendSubsearchMax = 50_000
)

// planSubsearch plans a subsearch pipeline as a plan of its own, sharing
// pl's warnings. Time modifiers of the main search do not propagate into
// it; Options.Earliest/Latest do (they are the dispatch window).
func (e *Engine) planSubsearch(sub *spl.Pipeline, where spl.Span, pl *Plan) (node, error) {
	if sub == nil || len(sub.Commands) == 0 {
		return nil, &spl.Error{Pos: where, Msg: "empty subsearch"}
	}
	return e.planPipeline(sub, pl)
}

// drain runs op to the end, keeping at most limit rows in a rowStore with
// the given fields.
func drain(ctx context.Context, op operator, fields []string, limit int) (*rowStore, error) {
	s := newRowStore(fields)
	if err := op.Open(ctx); err != nil {
		return s, err
	}
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err != nil {
			return s, err
		}
		rows := int(b.NumRows())
		if n+rows > limit {
			cut := b.NewSlice(0, int64(limit-n))
			b.Release()
			b, rows = cut, limit-n
		}
		n += rows
		if rows == 0 {
			b.Release()
			continue
		}
		s.add(b)
		if n >= limit {
			return s, nil
		}
	}
}

// appendNode is `append [subsearch]`: the input's rows, then the
// subsearch's, over the union of their fields (input fields first, then
// the subsearch's new ones); a field a side lacks is null.
type appendNode struct {
	in, sub node
	out     []string
}

func (*appendNode) isNode()            {}
func (n *appendNode) fields() []string { return n.out }
func (n *appendNode) input() node      { return n.in }
func (n *appendNode) subplans() []node { return []node{n.sub} }
func (n *appendNode) describe() string {
	return fmt.Sprintf("Append maxout=%d fields=[%s]", appendSubsearchMax, strings.Join(n.out, " "))
}

func (e *Engine) planAppend(c *spl.Append, in node, pl *Plan) (node, error) {
	for _, o := range c.Options {
		switch o.Key {
		case "extendtimerange", "maxtime", "maxout", "timeout":
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported append option %q", o.Key)}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown append option %q", o.Key)}
		}
	}
	sub, err := e.planSubsearch(c.Subsearch, c.Pos, pl)
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), in.fields()...)
	for _, f := range sub.fields() {
		if slices.Index(out, f) < 0 {
			out = append(out, f)
		}
	}
	return &appendNode{in: in, sub: sub, out: out}, nil
}

func (n *appendNode) newOperator(env *execEnv, in operator) operator {
	return &appendOp{n: n, env: env, in: in, sub: build(env, n.sub)}
}

// appendOp streams the input, then the subsearch, each batch projected on
// the output fields.
type appendOp struct {
	n       *appendNode
	env     *execEnv
	in, sub operator
	inDone  bool
	subRows int
}

func (o *appendOp) Open(ctx context.Context) error {
	if err := o.in.Open(ctx); err != nil {
		return err
	}
	return o.sub.Open(ctx)
}

func (o *appendOp) Close() {
	o.in.Close()
	o.sub.Close()
}

func (o *appendOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for !o.inDone {
		b, err := o.in.Next(ctx)
		if errors.Is(err, io.EOF) {
			o.inDone = true
			break
		}
		if err != nil {
			return nil, err
		}
		out := projectBatch(o.env.mem, b, o.n.out)
		b.Release()
		return out, nil
	}
	if o.subRows >= appendSubsearchMax {
		return nil, io.EOF
	}
	b, err := o.sub.Next(ctx)
	if err != nil {
		return nil, err
	}
	if left := appendSubsearchMax - o.subRows; int(b.NumRows()) > left {
		cut := b.NewSlice(0, int64(left))
		b.Release()
		b = cut
	}
	o.subRows += int(b.NumRows())
	out := projectBatch(o.env.mem, b, o.n.out)
	b.Release()
	return out, nil
}
