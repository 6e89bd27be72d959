package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/spl"
)

// searchNode is the search command over result rows. Subsearch terms
// (subsearch_term.go) are placeholders in where until an execution binds
// them.
type searchNode struct {
	in      node
	where   expr.Pred
	nleaves int
	terms   []*subsearchTerm
}

func (*searchNode) isNode()            {}
func (n *searchNode) fields() []string { return n.in.fields() }
func (n *searchNode) input() node      { return n.in }
func (n *searchNode) subplans() []node { return termsSubplans(n.terms) }
func (n *searchNode) describe() string { return showTerms("Search "+n.where.String(), n.terms) }

// planSearch compiles the expression against the input's fields (names are
// case-sensitive; an unknown field is null) and plans its subsearch terms.
func (e *Engine) planSearch(s *spl.Search, in node, pl *Plan) (node, error) {
	x, terms, err := e.planTerms(s.Expr, pl)
	if err != nil {
		return nil, err
	}
	pc := searchCompiler(in.fields())
	w, err := pc.Compile(x)
	if err != nil {
		return nil, err
	}
	return &searchNode{in: in, where: w, nleaves: pc.NLeaves, terms: terms}, nil
}

// searchCompiler returns the predicate compiler of the search command over
// rows with the given fields.
func searchCompiler(fields []string) *expr.SearchCompiler {
	return &expr.SearchCompiler{Mode: expr.ModeResults, Resolve: func(f string) int { return slices.Index(fields, f) }}
}

// newOperator filters each batch through the compiled expression. When the
// expression has subsearch terms, Open runs them and binds their rows into
// this execution's predicate (the node stays immutable).
func (n *searchNode) newOperator(env *execEnv, in operator) operator {
	where, st := n.where, expr.NewPredState(n.nleaves)
	var mask []bool
	op := &streamOp{in: in, step: func(ctx context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		if cap(mask) < rows {
			mask = make([]bool, rows)
		}
		mask = mask[:rows]
		if err := where.Eval(st, b, mask); err != nil {
			return nil, false, fmt.Errorf("search: %w", err)
		}
		out, err := maskBatch(ctx, env.mem, b, mask)
		if err != nil {
			return nil, false, fmt.Errorf("search: %w", err)
		}
		return out, false, nil
	}}
	if len(n.terms) > 0 {
		op.open = func(ctx context.Context) error {
			pc := searchCompiler(n.in.fields())
			pc.NLeaves = n.nleaves
			w, err := bindTerms(ctx, env, n.where, n.terms, pc)
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			where, st = w, expr.NewPredState(pc.NLeaves)
			return nil
		}
	}
	return op
}
