package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// whereNode is `where <expr>`: rows where expr is true are kept; false and
// null (a comparison with a missing field, a failed evaluation) drop the
// row.
type whereNode struct {
	in    node
	src   spl.Expr // the checked expression, for Plan.Steps
	pred  expr.Evaluator
	nodes int
	loc   *time.Location
}

func (*whereNode) isNode()            {}
func (n *whereNode) fields() []string { return n.in.fields() }
func (n *whereNode) input() node      { return n.in }
func (n *whereNode) describe() string { return "Where " + n.pred.String() }

// planWhere compiles the expression against the input's fields. It must be
// boolean: `where f` for a value f is a plan error, as in Splunk.
func (e *Engine) planWhere(w *spl.Where, in node) (node, error) {
	fields := in.fields()
	c := &expr.EvalCompiler{Resolve: func(f string) int { return slices.Index(fields, f) }}
	if w.Expr == nil {
		return nil, &spl.Error{Pos: w.Pos, Msg: "where needs an expression"}
	}
	p, err := c.CompileBool(w.Expr, "the where expression")
	if err != nil {
		return nil, err
	}
	return &whereNode{in: in, src: w.Expr, pred: p, nodes: c.Nodes, loc: e.opt.Location}, nil
}

func (n *whereNode) newOperator(env *execEnv, in operator) operator {
	ec := expr.NewCtx(n.nodes, env.eng.now(), n.loc)
	var mask []bool
	return &streamOp{in: in, step: func(ctx context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		ec.SetBatch(b)
		v, err := n.pred.Eval(ec)
		if err != nil {
			return nil, false, fmt.Errorf("where: %w", err)
		}
		if cap(mask) < rows {
			mask = make([]bool, rows)
		}
		mask = mask[:rows]
		for i := range mask {
			t, ok := v.Bool(i)
			mask[i] = ok && t && v.Kinds[i] == value.KindBool
		}
		out, err := maskBatch(ctx, env.mem, b, mask)
		if err != nil {
			return nil, false, fmt.Errorf("where: %w", err)
		}
		return out, false, nil
	}}
}

// evalNode is `eval f1=e1, f2=e2 ...`: assignments run left to right, each
// seeing the fields the earlier ones wrote. A field that exists is replaced
// in place; a new one is appended at the end. A row where an expression
// fails (null) gets a null field, erasing any earlier value.
type evalNode struct {
	in      node
	assigns []evalAssign
	out     []string
	nodes   int
	loc     *time.Location
}

type evalAssign struct {
	field string
	src   spl.Expr // the checked expression, for Plan.Steps
	expr  expr.Evaluator
}

func (*evalNode) isNode()            {}
func (n *evalNode) fields() []string { return n.out }
func (n *evalNode) input() node      { return n.in }
func (n *evalNode) describe() string {
	parts := make([]string, len(n.assigns))
	for i, a := range n.assigns {
		parts[i] = a.field + "=" + a.expr.String()
	}
	return "Eval " + strings.Join(parts, ", ")
}

// planEval compiles each assignment against the fields as they are after
// the assignments before it. A boolean expression cannot be assigned.
func (e *Engine) planEval(ev *spl.Eval, in node) (node, error) {
	cur := append([]string(nil), in.fields()...)
	c := &expr.EvalCompiler{Resolve: func(f string) int { return slices.Index(cur, f) }}
	n := &evalNode{in: in, loc: e.opt.Location}
	if len(ev.Assignments) == 0 {
		return nil, &spl.Error{Pos: ev.Pos, Msg: "eval needs at least one field=expression"}
	}
	for _, a := range ev.Assignments {
		x, err := c.CompileValue(a.Expr)
		if err != nil {
			return nil, err
		}
		if x.Type() == expr.TypeBool {
			return nil, &spl.Error{Pos: a.Expr.Span(), Msg: fmt.Sprintf("eval cannot assign the boolean %s to %s; use if(%s, ..., ...)", a.Expr.String(), a.Field, a.Expr.String())}
		}
		if a.Field == "" {
			return nil, &spl.Error{Pos: ev.Pos, Msg: "eval: missing field name before ="}
		}
		n.assigns = append(n.assigns, evalAssign{field: a.Field, src: a.Expr, expr: x})
		if slices.Index(cur, a.Field) < 0 {
			cur = append(cur, a.Field)
		}
	}
	n.out = cur
	n.nodes = c.Nodes
	return n, nil
}

func (n *evalNode) newOperator(env *execEnv, in operator) operator {
	ec := expr.NewCtx(n.nodes, env.eng.now(), n.loc)
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		// cur is the batch so far: b (streamOp's to release) until the
		// first assignment replaces it, then each new batch in turn.
		cur := b
		for _, a := range n.assigns {
			ec.SetBatch(cur)
			v, err := a.expr.Eval(ec)
			if err != nil {
				if cur != b {
					cur.Release()
				}
				return nil, false, fmt.Errorf("eval %s: %w", a.field, err)
			}
			col := v.Build(env.mem)
			next := value.SetColumn(cur, a.field, col)
			col.Release()
			if cur != b {
				cur.Release()
			}
			cur = next
		}
		if cur == b {
			b.Retain()
		}
		return cur, false, nil
	}}
}
