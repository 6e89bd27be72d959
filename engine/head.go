package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/spl"
)

// headNode is `head [N]`, `head limit=N` or `head (expr)`: the first N
// rows (default 10), or the rows before the first one on which expr is
// false. With an expression, a null result counts as false unless null=true,
// keeplast=true also keeps that first failing row, and limit= (or N) caps
// the count; without limit=, an expression has no count limit. Once the
// head is reached the operator stops pulling its input.
type headNode struct {
	in       node
	limit    int // -1: none
	cond     expr.Evaluator
	nodes    int
	nullTrue bool
	keepLast bool
}

func (*headNode) isNode()            {}
func (n *headNode) fields() []string { return n.in.fields() }
func (n *headNode) input() node      { return n.in }
func (n *headNode) describe() string {
	s := "Head"
	if n.limit >= 0 {
		s += " limit=" + strconv.Itoa(n.limit)
	}
	if n.cond != nil {
		s += fmt.Sprintf(" while=(%s) null=%t keeplast=%t", n.cond.String(), n.nullTrue, n.keepLast)
	}
	return s
}

func planHead(c *spl.Head, in node) (node, error) {
	n := &headNode{in: in, limit: -1}
	if c.Count != nil {
		n.limit = *c.Count
	}
	for _, o := range c.Options {
		switch o.Key {
		case "limit":
			k, err := strconv.Atoi(o.Value.Text)
			if err != nil || k < 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("head: limit=%s is not a non-negative integer", o.Value.Text)}
			}
			n.limit = k
		case "null", "keeplast":
			b, err := boolOption("head", o)
			if err != nil {
				return nil, err
			}
			if o.Key == "null" {
				n.nullTrue = b
			} else {
				n.keepLast = b
			}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown head option %q (use limit, null or keeplast)", o.Key)}
		}
	}
	if c.Expr != nil {
		fields := in.fields()
		comp := &expr.EvalCompiler{Resolve: func(f string) int { return slices.Index(fields, f) }}
		ev, err := comp.CompileBool(c.Expr, "head's condition")
		if err != nil {
			return nil, err
		}
		n.cond, n.nodes = ev, comp.Nodes
	} else if n.limit < 0 {
		n.limit = 10
	}
	return n, nil
}

func (n *headNode) newOperator(env *execEnv, in operator) operator {
	var ec *expr.Ctx
	if n.cond != nil {
		ec = expr.NewCtx(n.nodes, env.eng.now(), env.eng.opt.Location)
	}
	seen := 0
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		keep, stop := rows, false
		if n.limit >= 0 && seen+keep >= n.limit {
			keep, stop = n.limit-seen, true
		}
		if n.cond != nil {
			ec.SetBatch(b)
			v, err := n.cond.Eval(ec)
			if err != nil {
				return nil, false, fmt.Errorf("head: %w", err)
			}
			for i := 0; i < keep; i++ {
				t, ok := v.Bool(i)
				if !ok {
					t = n.nullTrue
				}
				if !t {
					if n.keepLast {
						i++
					}
					keep, stop = i, true
					break
				}
			}
		}
		seen += keep
		if keep == 0 {
			return nil, stop, nil
		}
		if keep == rows {
			b.Retain()
			return b, stop, nil
		}
		return b.NewSlice(0, int64(keep)), stop, nil
	}}
}
