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

// appendpipeNode is `appendpipe [run_in_preview=<bool>] [<subpipeline>]`.
// The Search Reference (appendpipe, 10.0): it "Appends the result of the
// subpipeline to the search results. Unlike a subsearch, the subpipeline is
// not run first. The subpipeline is run when the search reaches the
// appendpipe command", over "the search results from the commands that
// occur in the search before the appendpipe command".
//
//   - The output is the input rows, then the subpipeline's rows, over the
//     union of their fields (input fields first, then the subpipeline's new
//     ones), a field a side lacks being null, as append does.
//   - The subpipeline is planned over the input's fields; its first command
//     must take rows (a generating command such as tstats there is a plan
//     error). It may be written with or without a leading '|'.
//   - run_in_preview only changes what a live search shows while running;
//     it is accepted and has no effect.
type appendpipeNode struct {
	in, sub node
	leaf    *replayNode
	out     []string
}

func (*appendpipeNode) isNode()            {}
func (n *appendpipeNode) fields() []string { return n.out }
func (n *appendpipeNode) input() node      { return n.in }
func (n *appendpipeNode) subplans() []node { return []node{n.sub} }
func (n *appendpipeNode) describe() string {
	return "Appendpipe fields=[" + strings.Join(n.out, " ") + "]"
}

// replayNode is the input of an appendpipe subpipeline: the rows that
// reached appendpipe, fed in by its operator (buildFrom).
type replayNode struct {
	out []string
}

func (*replayNode) isNode()            {}
func (n *replayNode) fields() []string { return n.out }
func (n *replayNode) input() node      { return nil }
func (n *replayNode) describe() string { return "Rows of appendpipe's input" }

// newOperator is never reached through buildFrom, which puts the replayed
// rows in its place; anywhere else it gives no rows.
func (n *replayNode) newOperator(*execEnv, operator) operator {
	return &genOp{make: func(context.Context) ([]arrow.RecordBatch, error) { return nil, nil }}
}

func (e *Engine) planAppendpipe(c *spl.Appendpipe, in node, pl *Plan, rest []spl.Command) (node, error) {
	for _, o := range c.Options {
		switch o.Key {
		case "run_in_preview":
			if _, err := boolOption("appendpipe", o); err != nil {
				return nil, err
			}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown appendpipe option %q", o.Key)}
		}
	}
	if c.Subpipeline == nil || len(c.Subpipeline.Commands) == 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "appendpipe needs a subpipeline in [...]"}
	}
	leaf := &replayNode{out: in.fields()}
	var cur node = leaf
	sub := c.Subpipeline.Commands
	for j, sc := range sub {
		var err error
		after := append(slices.Clone(sub[j+1:]), rest...)
		if cur, err = e.planCommand(sc, cur, pl, after); err != nil {
			return nil, err
		}
	}
	out := append([]string(nil), in.fields()...)
	for _, f := range cur.fields() {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return &appendpipeNode{in: in, sub: cur, leaf: leaf, out: out}, nil
}

// buildFrom instantiates the operator chain of n as build does, with src in
// the place of the node leaf.
func buildFrom(env *execEnv, n, leaf node, src operator) operator {
	if n == leaf {
		return src
	}
	var in operator
	if c := n.input(); c != nil {
		in = buildFrom(env, c, leaf, src)
	}
	return n.newOperator(env, in)
}

func (n *appendpipeNode) newOperator(env *execEnv, in operator) operator {
	return &appendpipeOp{n: n, env: env, in: in}
}

// appendpipeOp streams its input while keeping it, then runs the
// subpipeline over the kept rows.
type appendpipeOp struct {
	n      *appendpipeNode
	env    *execEnv
	in     operator
	kept   []arrow.RecordBatch
	sub    operator
	inDone bool
}

func (o *appendpipeOp) Open(ctx context.Context) error { return o.in.Open(ctx) }

func (o *appendpipeOp) Close() {
	o.in.Close()
	if o.sub != nil {
		o.sub.Close()
	}
	releaseAll(o.kept)
	o.kept = nil
}

func (o *appendpipeOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.inDone {
		b, err := o.in.Next(ctx)
		switch {
		case errors.Is(err, io.EOF):
			o.inDone = true
		case err != nil:
			return nil, err
		default:
			o.kept = append(o.kept, b)
			return projectBatch(o.env.mem, b, o.n.out), nil
		}
		kept := o.kept
		src := &genOp{make: func(context.Context) ([]arrow.RecordBatch, error) {
			out := make([]arrow.RecordBatch, len(kept))
			for i, b := range kept {
				b.Retain()
				out[i] = b
			}
			return out, nil
		}}
		o.sub = buildFrom(o.env, o.n.sub, o.n.leaf, src)
		if err := o.sub.Open(ctx); err != nil {
			return nil, fmt.Errorf("appendpipe: %w", err)
		}
	}
	b, err := o.sub.Next(ctx)
	if err != nil {
		return nil, err
	}
	out := projectBatch(o.env.mem, b, o.n.out)
	b.Release()
	return out, nil
}
