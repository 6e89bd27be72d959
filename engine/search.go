package engine

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/spl"
)

// searchNode is the search command over result rows. Subsearch terms
// (subsearch_term.go) are placeholders in where until an execution binds
// them.
type searchNode struct {
	in      node
	where   pred
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
	w, err := pc.compile(x)
	if err != nil {
		return nil, err
	}
	return &searchNode{in: in, where: w, nleaves: pc.nleaves, terms: terms}, nil
}

// searchCompiler returns the predicate compiler of the search command over
// rows with the given fields.
func searchCompiler(fields []string) *predCompiler {
	return &predCompiler{mode: modeResults, resolve: func(f string) int { return fieldIndex(fields, f) }}
}

type searchOp struct {
	n     *searchNode
	env   *execEnv
	in    operator
	where pred
	st    *evalState
	mask  []bool
	mem   memory.Allocator
}

func (n *searchNode) newOperator(env *execEnv, in operator) operator {
	return &searchOp{n: n, env: env, in: in, mem: env.mem}
}

// Open opens the input, then runs the subsearch terms, if any, and binds
// them for this execution.
func (o *searchOp) Open(ctx context.Context) error {
	if err := o.in.Open(ctx); err != nil {
		return err
	}
	o.where, o.st = o.n.where, newEvalState(o.n.nleaves)
	if len(o.n.terms) == 0 {
		return nil
	}
	pc := searchCompiler(o.n.in.fields())
	pc.nleaves = o.n.nleaves
	w, err := bindTerms(ctx, o.env, o.n.where, o.n.terms, pc)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	o.where, o.st = w, newEvalState(pc.nleaves)
	return nil
}

func (o *searchOp) Close() { o.in.Close() }

func (o *searchOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		b, err := o.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		rows := int(b.NumRows())
		if cap(o.mask) < rows {
			o.mask = make([]bool, rows)
		}
		mask := o.mask[:rows]
		if err := o.where.eval(o.st, b, mask); err != nil {
			b.Release()
			return nil, fmt.Errorf("search: %w", err)
		}
		out, err := maskBatch(ctx, o.mem, b, mask)
		b.Release()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if out == nil {
			continue
		}
		return out, nil
	}
}
