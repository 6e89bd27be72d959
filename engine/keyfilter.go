package engine

import (
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// This file holds the key filter of a tstats scan: the `where` commands
// right after a tstats (through rename and eval) that read only its BY
// fields, run over the dataset's rows before the aggregation, so that
// rows of groups the where drops are not aggregated (ESCU's Windows
// Registry Payload Injection groups every Registry row by seven fields,
// then keeps the groups whose value data is longer than 512 bytes).
//
// Why the result is the same: every row of a group has the group's BY
// values, which are the values the where sees on the group's result row
// (the dataset's text for a text field, the fillnull_value for a null).
// A where that reads only those values, through evals that read only
// those values and row-local, deterministic functions, gives one answer
// for the group and its rows: a group it drops loses all its rows, a
// group it keeps none, so the groups that reach the where are unchanged,
// with the same aggregates; the where and the evals still run after the
// tstats as planned. Only these are pushed: BY fields that are dataset
// text columns (not _time, whose result is the span's bucket, nor a name
// that is not a field of the dataset), and
// expressions without now() and time(). A row that is null in a BY field
// the filter reads is kept whatever the filter says (its group's value
// is the fillnull_value, which the row does not hold; without
// fillnull_value the row is in no group). A filter that fails on a batch
// is not applied to it (the where, after the tstats, reports its own
// errors).

// keyFilter is the pushed part of the commands after a tstats.
type keyFilter struct {
	// cols maps the tstats output columns (keys, then aggregates) to the
	// dataset column that stands for it in the filter, -1 for a null
	// column (aggregates, _time, fields that are not the dataset's, whose
	// result is the fillnull_value or null: none of them is read).
	cols  []int
	steps []keyStep
	// nullKeep are the dataset columns of the BY fields the pushed
	// wheres read: a row null in one of them is kept.
	nullKeep []int
}

// keyStep is one command of a keyFilter: exactly one field is set.
type keyStep struct {
	rename *renameNode
	eval   *evalNode
	where  *whereNode
}

// keyFilterMinShare is the share of a batch's rows the scan must keep
// (after WHERE and the time window) for the key filter to run on the
// batch: it evaluates every row of the batch, so on a selective scan it
// would cost more than the aggregation it saves.
const keyFilterMinShare = 4

// pushKeyFilter gives the tstats at the bottom of the chain ending at root
// the key filter of the commands above it, when some where can be pushed.
func pushKeyFilter(root node) {
	var chain []node
	for n := root; n != nil; n = n.input() {
		chain = append(chain, n)
	}
	slices.Reverse(chain)
	ts, ok := chain[0].(*tstatsNode)
	if !ok || len(chain) < 2 {
		return
	}
	kf := &keyFilter{}
	// pure[i] is whether column i of the rows at this point holds a BY
	// text field's values, or a value computed from them only; deps[i]
	// the dataset columns of the BY fields it is computed from.
	var pure []bool
	var deps [][]int
	for i := range ts.out {
		col, p := -1, false
		var d []int
		if i < len(ts.keys) && !ts.keys[i].isTime && ts.keys[i].col >= 0 {
			col, p, d = ts.keys[i].col, true, []int{ts.keys[i].col}
		}
		kf.cols = append(kf.cols, col)
		pure = append(pure, p)
		deps = append(deps, d)
	}
	var read []int
	var steps []keyStep
	pushed := 0
chain:
	for _, n := range chain[1:] {
		switch x := n.(type) {
		case *renameNode:
			next, nextDeps := make([]bool, len(x.src)), make([][]int, len(x.src))
			for i, s := range x.src {
				next[i], nextDeps[i] = pure[s], deps[s]
			}
			pure, deps = next, nextDeps
			steps = append(steps, keyStep{rename: x})
		case *evalNode:
			cur := slices.Clone(x.in.fields())
			for _, a := range x.assigns {
				ok, d := pureExpr(a.src, cur, pure, deps)
				if i := slices.Index(cur, a.field); i >= 0 {
					pure[i], deps[i] = ok, d
				} else {
					cur = append(cur, a.field)
					pure, deps = append(pure, ok), append(deps, d)
				}
			}
			steps = append(steps, keyStep{eval: x})
		case *whereNode:
			ok, d := pureExpr(x.src, x.in.fields(), pure, deps)
			if !ok {
				break chain
			}
			steps = append(steps, keyStep{where: x})
			pushed = len(steps)
			read = append(read, d...)
		default:
			break chain
		}
	}
	if pushed == 0 {
		return
	}
	kf.steps = steps[:pushed]
	slices.Sort(read)
	kf.nullKeep = slices.Compact(read)
	ts.keyFilter = kf
}

// pureExpr reports whether e reads only the fields of fields marked pure
// (a field absent from fields is null everywhere, also pure) and calls no
// function whose value is not a function of its arguments, and returns
// the deps of the fields it reads.
func pureExpr(e spl.Expr, fields []string, pure []bool, deps [][]int) (bool, []int) {
	ok := true
	var read []int
	spl.Inspect(e, func(n spl.Node) bool {
		switch x := n.(type) {
		case *spl.FieldRef:
			if i := slices.Index(fields, x.Name); i >= 0 {
				ok = ok && pure[i]
				read = append(read, deps[i]...)
			}
		case *spl.Call:
			if x.Func == "now" || x.Func == "time" {
				ok = false
			}
		}
		return ok
	})
	return ok, read
}

// keyFilterState is a key filter's execution state in one tstats scan.
type keyFilterState struct {
	kf    *keyFilter
	ctxs  []*expr.Ctx // per step, for evals and wheres
	names []string
	mask  []bool
}

// newKeyFilterState returns the state of one goroutine of a scan. The
// evals build their columns with memory.DefaultAllocator (they are
// released before filter returns) and no reference time (the filter has
// no now()).
func newKeyFilterState(kf *keyFilter, n *tstatsNode) *keyFilterState {
	st := &keyFilterState{kf: kf, names: n.out}
	for _, s := range kf.steps {
		var c *expr.Ctx
		switch {
		case s.eval != nil:
			c = expr.NewCtx(s.eval.nodes, time.Time{}, s.eval.loc)
		case s.where != nil:
			c = expr.NewCtx(s.where.nodes, time.Time{}, s.where.loc)
		}
		st.ctxs = append(st.ctxs, c)
	}
	return st
}

// filter returns the rows of sel (rows of the dataset batch b) that the
// pushed wheres keep; sel itself when the filter does not run on b.
func (st *keyFilterState) filter(b arrow.RecordBatch, sel []int32) []int32 {
	mem := memory.DefaultAllocator
	rows := int(b.NumRows())
	if len(sel)*keyFilterMinShare < rows {
		return sel
	}
	cols := make([]arrow.Array, len(st.kf.cols))
	for i, c := range st.kf.cols {
		if c >= 0 {
			cols[i] = b.Column(c)
			cols[i].Retain()
		} else {
			cols[i] = array.NewNull(rows)
		}
	}
	cur := newBatch(st.names, cols, rows)
	defer func() { cur.Release() }()
	if cap(st.mask) < rows {
		st.mask = make([]bool, rows)
	}
	mask := st.mask[:rows]
	for i := range mask {
		mask[i] = true
	}
	for k, s := range st.kf.steps {
		switch {
		case s.rename != nil:
			fields := make([]arrow.Field, len(s.rename.src))
			out := make([]arrow.Array, len(s.rename.src))
			for i, src := range s.rename.src {
				fields[i] = cur.Schema().Field(src)
				fields[i].Name = s.rename.out[i]
				out[i] = cur.Column(src)
			}
			next := array.NewRecordBatch(arrow.NewSchema(fields, nil), out, int64(rows))
			cur.Release()
			cur = next
		case s.eval != nil:
			ec := st.ctxs[k]
			for _, a := range s.eval.assigns {
				ec.SetBatch(cur)
				v, err := a.expr.Eval(ec)
				if err != nil {
					return sel
				}
				col := v.Build(mem)
				next := value.SetColumn(cur, a.field, col)
				col.Release()
				cur.Release()
				cur = next
			}
		case s.where != nil:
			ec := st.ctxs[k]
			ec.SetBatch(cur)
			v, err := s.where.pred.Eval(ec)
			if err != nil {
				return sel
			}
			for i := range mask {
				t, ok := v.Bool(i)
				mask[i] = mask[i] && ok && t && v.Kinds[i] == value.KindBool
			}
		}
	}
	for _, c := range st.kf.nullKeep {
		keepNulls(b.Column(c), mask)
	}
	out := sel[:0]
	for _, r := range sel {
		if mask[r] {
			out = append(out, r)
		}
	}
	return out
}

// keepNulls sets mask[i] for every row i of a that tstats reads as a null
// key: a null row, or a dictionary entry that is null (tstatsKey).
func keepNulls(a arrow.Array, mask []bool) {
	d, _ := a.(*array.Dictionary)
	var dict arrow.Array
	if d != nil {
		dict = d.Dictionary()
	}
	if a.NullN() == 0 && (dict == nil || dict.NullN() == 0) {
		return
	}
	for i := range mask {
		if a.IsNull(i) || (dict != nil && dict.IsNull(d.GetValueIndex(i))) {
			mask[i] = true
		}
	}
}
