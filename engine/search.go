package engine

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/spl"
)

// searchNode is the search command over result rows.
type searchNode struct {
	in      node
	where   pred
	nleaves int
}

func (*searchNode) isNode()            {}
func (n *searchNode) fields() []string { return n.in.fields() }
func (n *searchNode) input() node      { return n.in }
func (n *searchNode) describe() string { return "Search " + n.where.String() }

// planSearch compiles the expression against the input's fields (names are
// case-sensitive; an unknown field is null).
func planSearch(s *spl.Search, in node) (node, error) {
	fields := in.fields()
	pc := &predCompiler{mode: modeResults, resolve: func(f string) int { return fieldIndex(fields, f) }}
	w, err := pc.compile(s.Expr)
	if err != nil {
		return nil, err
	}
	return &searchNode{in: in, where: w, nleaves: pc.nleaves}, nil
}

type searchOp struct {
	n    *searchNode
	in   operator
	st   *evalState
	mask []bool
	mem  memory.Allocator
}

func (n *searchNode) newOperator(env *execEnv, in operator) operator {
	return &searchOp{n: n, in: in, st: newEvalState(n.nleaves), mem: env.mem}
}

func (o *searchOp) Open(ctx context.Context) error { return o.in.Open(ctx) }
func (o *searchOp) Close()                         { o.in.Close() }

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
		if err := o.n.where.eval(o.st, b, mask); err != nil {
			b.Release()
			return nil, fmt.Errorf("search: %w", err)
		}
		kept := 0
		for _, m := range mask {
			if m {
				kept++
			}
		}
		switch kept {
		case rows:
			return b, nil
		case 0:
			b.Release()
			continue
		}
		bld := array.NewBooleanBuilder(o.mem)
		bld.AppendValues(mask, nil)
		m := bld.NewArray()
		bld.Release()
		out, err := compute.FilterRecordBatch(compute.WithAllocator(ctx, o.mem), b, m, compute.DefaultFilterOptions())
		m.Release()
		b.Release()
		if err != nil {
			return nil, fmt.Errorf("search: filter: %w", err)
		}
		return out, nil
	}
}
