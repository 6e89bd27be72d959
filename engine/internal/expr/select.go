package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Select returns sel (its storage reused) holding, in increasing order,
// the rows of b where p holds: the rows Eval sets. A single test on a
// dictionary column without nulls (the common tstats WHERE, such as the
// seed's registry_path glob) is read straight into the selection: the test
// runs once per dictionary entry and each row is a lookup by its
// dictionary index, with no per-row mask, and when no entry passes the
// rows are not read at all. Any other predicate fills
// *mask (grown as needed) with Eval and collects its set rows.
func Select(p Pred, st *PredState, b arrow.RecordBatch, sel []int32, mask *[]bool) ([]int32, error) {
	rows := int(b.NumRows())
	if cap(sel) < rows {
		sel = make([]int32, rows)
	}
	sel = sel[:rows]
	if l, ok := p.(*leaf); ok && l.col >= 0 {
		if c, ok := b.Column(l.col).(*array.Dictionary); ok && c.NullN() == 0 {
			if idx, ok := c.Indices().(*array.Int32); ok {
				res, some, err := l.dictResultsSome(st, c)
				switch {
				case err != nil:
					return nil, err
				case !some:
					// No entry holds: no row is read.
					return sel[:0], nil
				}
				return selectByIndex(sel, idx.Int32Values(), res), nil
			}
		}
	}
	m := *mask
	if cap(m) < rows {
		m = make([]bool, rows)
	}
	m = m[:rows]
	*mask = m
	if err := p.Eval(st, b, m); err != nil {
		return nil, err
	}
	return selectMask(sel, m), nil
}

// selectByIndex writes to sel (len(sel) >= len(idx)) the rows i with
// res[idx[i]] set and returns them. Eight rows are tested at once, and
// skipped together when none is set (a selective WHERE sets few); within
// a group the store is unconditional and the count advances by the
// result, so the loop has no data-dependent branch per row.
func selectByIndex(sel []int32, idx []int32, res []bool) []int32 {
	sel = sel[:len(idx)]
	k, i := 0, 0
	for ; i+8 <= len(idx); i += 8 {
		v := idx[i : i+8 : i+8]
		if !(res[v[0]] || res[v[1]] || res[v[2]] || res[v[3]] || res[v[4]] || res[v[5]] || res[v[6]] || res[v[7]]) {
			continue
		}
		for j, x := range v {
			sel[k] = int32(i + j)
			k += b2i(res[x])
		}
	}
	for ; i < len(idx); i++ {
		sel[k] = int32(i)
		k += b2i(res[idx[i]])
	}
	return sel[:k]
}

// selectMask writes to sel (len(sel) >= len(m)) the rows i with m[i]
// set and returns them, branch-free as selectByIndex.
func selectMask(sel []int32, m []bool) []int32 {
	sel = sel[:len(m)]
	k := 0
	for i, v := range m {
		sel[k] = int32(i)
		k += b2i(v)
	}
	return sel[:k]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
