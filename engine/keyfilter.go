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
// (the dataset's text for a text field). A where that reads only those
// values, through evals that read only those values and row-local,
// deterministic functions, gives one answer for the group and its rows:
// a group it drops loses all its rows, a group it keeps none, so the
// groups that reach the where are unchanged, with the same aggregates;
// the where and the evals still run after the tstats as planned. Only
// these are pushed: BY fields that are dataset text columns (not _time,
// whose result is the span's bucket), no fillnull_value (a null key
// becomes a text the rows do not hold; without it a row with a null key
// is in no group, whatever the filter says), and expressions without
// now() and time(). A filter that fails on a batch is not applied to it
// (the where, after the tstats, reports its own errors).

// keyFilter is the pushed part of the commands after a tstats.
type keyFilter struct {
	// cols maps the tstats output columns (keys, then aggregates) to the
	// dataset column that stands for it in the filter, -1 for a null
	// column (aggregates, _time, fields that are not the dataset's: none
	// of them is read).
	cols  []int
	steps []keyStep
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
	if !ok || ts.fill != nil || len(chain) < 2 {
		return
	}
	kf := &keyFilter{}
	// pure[i] is whether column i of the rows at this point holds a BY
	// text field's values, or a value computed from them only.
	var pure []bool
	for i := range ts.out {
		col, p := -1, false
		if i < len(ts.keys) && !ts.keys[i].isTime {
			col, p = ts.keys[i].col, true
		}
		kf.cols = append(kf.cols, col)
		pure = append(pure, p)
	}
	var steps []keyStep
	pushed := 0
chain:
	for _, n := range chain[1:] {
		switch x := n.(type) {
		case *renameNode:
			next := make([]bool, len(x.src))
			for i, s := range x.src {
				next[i] = pure[s]
			}
			pure = next
			steps = append(steps, keyStep{rename: x})
		case *evalNode:
			cur := slices.Clone(x.in.fields())
			for _, a := range x.assigns {
				ok := pureExpr(a.src, cur, pure)
				if i := slices.Index(cur, a.field); i >= 0 {
					pure[i] = ok
				} else {
					cur = append(cur, a.field)
					pure = append(pure, ok)
				}
			}
			steps = append(steps, keyStep{eval: x})
		case *whereNode:
			if !pureExpr(x.src, x.in.fields(), pure) {
				break chain
			}
			steps = append(steps, keyStep{where: x})
			pushed = len(steps)
		default:
			break chain
		}
	}
	if pushed == 0 {
		return
	}
	kf.steps = steps[:pushed]
	ts.keyFilter = kf
}

// pureExpr reports whether e reads only the fields of fields marked pure
// (a field absent from fields is null everywhere, also pure) and calls no
// function whose value is not a function of its arguments.
func pureExpr(e spl.Expr, fields []string, pure []bool) bool {
	ok := true
	spl.Inspect(e, func(n spl.Node) bool {
		switch x := n.(type) {
		case *spl.FieldRef:
			if i := slices.Index(fields, x.Name); i >= 0 && !pure[i] {
				ok = false
			}
		case *spl.Call:
			if x.Func == "now" || x.Func == "time" {
				ok = false
			}
		}
		return ok
	})
	return ok
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
	out := sel[:0]
	for _, r := range sel {
		if mask[r] {
			out = append(out, r)
		}
	}
	return out
}
