package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Select returns sel (its storage reused) holding, in increasing order,
// the rows of b where p holds: the rows Eval sets, computed as sets of
// rows (selectset.go): each test runs once per dictionary entry, each
// later side of an AND over the rows the earlier kept, and, with an index
// (PredState.SetIndex), a test over every row reads the rows of its
// passing entries from the column's postings; when no entry passes, the
// rows are not read at all.
func Select(p Pred, st *PredState, b arrow.RecordBatch, sel []int32) ([]int32, error) {
	s := selector{st: st, b: b, rows: int(b.NumRows())}
	return s.sel(p, nil, true, sel)
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
