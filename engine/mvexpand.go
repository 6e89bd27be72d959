package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// mvexpandNode is `mvexpand [limit=N] field`: every row becomes one row
// per value of field (the first N values with limit=N), each a copy of the
// row with field set to that single value, in value order. A single-valued
// row is kept as it is. A row where the field is null or absent produces no
// row: Splunk's documentation does not say, and this follows the commonly
// reported behaviour that mvexpand drops events lacking the field (put a
// fillnull before it to keep them).
type mvexpandNode struct {
	in    node
	field string
	col   int
	limit int // 0: all values
}

func (*mvexpandNode) isNode()            {}
func (n *mvexpandNode) fields() []string { return n.in.fields() }
func (n *mvexpandNode) input() node      { return n.in }
func (n *mvexpandNode) describe() string {
	return "Mvexpand " + spl.Word(n.field) + " limit=" + strconv.Itoa(n.limit)
}

func planMvexpand(c *spl.Mvexpand, in node) (node, error) {
	n := &mvexpandNode{in: in, field: c.Field}
	for _, o := range c.Options {
		if o.Key != "limit" {
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown mvexpand option %q (use limit)", o.Key)}
		}
		k, err := strconv.Atoi(o.Value.Text)
		if err != nil || k < 0 {
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("mvexpand: limit=%s is not a non-negative integer", o.Value.Text)}
		}
		n.limit = k
	}
	n.col = slices.Index(in.fields(), c.Field)
	return n, nil
}

func (n *mvexpandNode) newOperator(env *execEnv, in operator) operator {
	fields := n.in.fields()
	var src []rowRef
	var vals []string
	var expanded []string
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		if n.col < 0 {
			return nil, false, nil
		}
		s := newRowStore(fields)
		b.Retain()
		s.add(b)
		defer s.release()
		v, err := s.vec(0, n.col)
		if err != nil {
			return nil, false, fmt.Errorf("mvexpand: %w", err)
		}
		src, expanded = src[:0], expanded[:0]
		for r := 0; r < v.Len(); r++ {
			vals = v.Values(r, vals[:0])
			if n.limit > 0 && len(vals) > n.limit {
				vals = vals[:n.limit]
			}
			for _, x := range vals {
				src = append(src, rowRef{0, int32(r)})
				expanded = append(expanded, x)
			}
		}
		if len(src) == 0 {
			return nil, false, nil
		}
		cols := make([]arrow.Array, len(fields))
		var tmp value.Vector
		for c := range fields {
			tmp.Reset(len(src))
			if c == n.col {
				for k, x := range expanded {
					tmp.SetText(k, x)
				}
			} else {
				cv, err := s.vec(0, c)
				if err != nil {
					releaseAll(cols)
					return nil, false, fmt.Errorf("mvexpand: %w", err)
				}
				for k, ref := range src {
					tmp.CopyRow(k, cv, int(ref.r))
				}
			}
			cols[c] = tmp.Build(env.mem)
		}
		return newBatch(fields, cols, len(src)), false, nil
	}}
}
