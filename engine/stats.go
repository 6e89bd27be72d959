package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/spl"
)

// statsNode is `stats aggs [BY fields]` (and, with events set, eventstats).
//
// It is a hash aggregation over the input rows read through the value
// model: BY values are interned into group ids by a groupInterner, and
// every function keeps one statsAcc per group (statsfuncs.go lists the
// functions and the choices made on their open points). tstats keeps its
// own dictionary-specialised aggregator (aggregate.go), which reads store
// columns by dictionary entry rather than by row; stats reads the columns
// that other operators produce, whose types vary by batch.
//
//   - BY: a row with a null or absent BY field is dropped (spl-semantics
//     §6.1); a multivalue BY field puts the row in one group per value (the
//     cross product over several multivalue fields); wildcards are a plan
//     error.
//   - Output: BY columns (named as written) then the functions (named by
//     AS, else by the function as written, e.g. "count(eval(x=1))"), rows
//     ascending by the BY values as tstats orders them: byte-wise, except
//     _time, which compares as a number.
//   - Without BY there is one row, also on empty input (count and dc 0,
//     the other functions null).
//   - options (partitions, allnum, delim, dedup_splitvals) are plan errors
//     except partitions=, which is ignored.
type statsNode struct {
	in      node
	events  bool // eventstats
	aggs    []statsFn
	by      []string
	byCols  []int
	timeCol int
	nodes   int
	out     []string
}

// statsFn is one planned function.
type statsFn struct {
	kind  statsFuncKind
	pct   float64
	bare  bool      // count without argument
	col   int       // argument column, -1 when absent or eval
	eval  evaluator // eval() argument, or nil
	cond  bool      // eval() argument is a boolean (count rows where true)
	name  string
	shown string
}

func (*statsNode) isNode()            {}
func (n *statsNode) fields() []string { return n.out }
func (n *statsNode) input() node      { return n.in }
func (n *statsNode) describe() string {
	var fs []string
	for _, a := range n.aggs {
		fs = append(fs, a.shown)
	}
	s := "Stats"
	if n.events {
		s = "Eventstats"
	}
	s += " aggs=[" + strings.Join(fs, ", ") + "]"
	if len(n.by) > 0 {
		s += " by=[" + strings.Join(n.by, " ") + "]"
	}
	return s
}

func planStats(c *spl.Stats, in node) (node, error) {
	return planStatsCommon("stats", c.Options, c.Aggs, c.By, c.Pos, in, false)
}

func planStatsCommon(cmd string, opts []spl.Option, aggs []spl.StatsAgg, by []string, pos spl.Span, in node, events bool) (*statsNode, error) {
	for _, o := range opts {
		if o.Key == "partitions" {
			continue
		}
		return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported %s option %s=", cmd, o.Key)}
	}
	if len(aggs) == 0 {
		return nil, &spl.Error{Pos: pos, Msg: cmd + " needs at least one function, e.g. count"}
	}
	fields := in.fields()
	n := &statsNode{in: in, events: events, timeCol: fieldIndex(fields, "_time")}
	comp := &compiler{resolve: func(f string) int { return fieldIndex(fields, f) }}
	for _, a := range aggs {
		kind, pct, err := lookupStatsFunc(a.Func)
		if err != nil {
			return nil, &spl.Error{Pos: a.Pos, Msg: err.Error()}
		}
		f := statsFn{kind: kind, pct: pct, col: -1}
		switch {
		case a.Eval != nil:
			ev, err := comp.compile(a.Eval)
			if err != nil {
				return nil, err
			}
			f.eval, f.cond = ev, ev.typ() == typeBool
			if f.cond && kind != fnCount {
				return nil, &spl.Error{Pos: a.Eval.Span(), Msg: fmt.Sprintf("%s(eval(...)) needs a value, not the condition %s; only count(eval(...)) counts a condition", a.Func, a.Eval.String())}
			}
		case a.Field == "":
			if kind != fnCount {
				return nil, &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("%s function %s() needs a field", cmd, a.Func)}
			}
			f.bare = true
		case strings.Contains(a.Field, "*"):
			return nil, &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("%s: wildcards in function fields are not supported: %s", cmd, a.Field)}
		default:
			f.col = fieldIndex(fields, a.Field)
		}
		written := a.Text
		if written == "" {
			written = a.Func
			if a.Field != "" {
				written += "(" + a.Field + ")"
			}
		}
		f.name, f.shown = written, written
		if a.Alias != "" {
			f.name = a.Alias
			f.shown = written + " AS " + a.Alias
		}
		n.aggs = append(n.aggs, f)
	}
	n.nodes = comp.nodes
	for _, b := range by {
		if strings.Contains(b, "*") {
			return nil, &spl.Error{Pos: pos, Msg: fmt.Sprintf("%s: wildcards are not allowed in BY fields: %s", cmd, b)}
		}
		n.by = append(n.by, b)
		n.byCols = append(n.byCols, fieldIndex(fields, b))
	}
	if events {
		n.out = append([]string(nil), fields...)
		for _, a := range n.aggs {
			if fieldIndex(n.out, a.name) < 0 {
				n.out = append(n.out, a.name)
			}
		}
		return n, nil
	}
	n.out = append(n.out, n.by...)
	for _, a := range n.aggs {
		n.out = append(n.out, a.name)
	}
	return n, nil
}

// statsRun is the aggregation state of one execution.
type statsRun struct {
	n      *statsNode
	groups *groupInterner
	accs   [][]statsAcc // [agg][group]
	ec     *evalCtx
	byVecs []Vector
	argVec []Vector
	tVec   Vector
	tuple  []string
	vals   [][]string
	tmp    []string
	// rowGroup is, for eventstats, each input row's first group (-1: none).
	rowGroup []int32
}

func newStatsRun(n *statsNode, env *execEnv) *statsRun {
	r := &statsRun{n: n, groups: newGroupInterner(), accs: make([][]statsAcc, len(n.aggs)),
		byVecs: make([]Vector, len(n.byCols)), argVec: make([]Vector, len(n.aggs)),
		tuple: make([]string, len(n.byCols)), vals: make([][]string, len(n.byCols))}
	if n.nodes > 0 {
		r.ec = newEvalCtx(n.nodes, env.eng.now(), env.eng.opt.Location)
	}
	if len(n.byCols) == 0 {
		r.groups.id(nil)
		r.grow()
	}
	return r
}

func (s *statsRun) grow() {
	for k := range s.accs {
		for len(s.accs[k]) < s.groups.len() {
			s.accs[k] = append(s.accs[k], statsAcc{})
		}
	}
}

// loadCol loads column col of b into v (all null when col < 0).
func loadCol(b arrow.RecordBatch, col int, v *Vector) error {
	if col < 0 {
		v.Reset(int(b.NumRows()))
		return nil
	}
	rd, err := NewColumn(b.Column(col))
	if err != nil {
		return fmt.Errorf("field %s: %w", b.Schema().Field(col).Name, err)
	}
	rd.Load(v)
	return nil
}

// consume aggregates one batch.
func (s *statsRun) consume(b arrow.RecordBatch) error {
	n := s.n
	rows := int(b.NumRows())
	for k, c := range n.byCols {
		if err := loadCol(b, c, &s.byVecs[k]); err != nil {
			return err
		}
	}
	if s.ec != nil {
		s.ec.setBatch(b)
	}
	args := make([]*Vector, len(n.aggs))
	for k, a := range n.aggs {
		switch {
		case a.eval != nil:
			v, err := a.eval.eval(s.ec)
			if err != nil {
				return err
			}
			args[k] = v
		case !a.bare:
			if err := loadCol(b, a.col, &s.argVec[k]); err != nil {
				return err
			}
			args[k] = &s.argVec[k]
		}
	}
	needT := false
	for _, a := range n.aggs {
		needT = needT || a.kind == fnEarliest || a.kind == fnLatest
	}
	if needT {
		if err := loadCol(b, n.timeCol, &s.tVec); err != nil {
			return err
		}
	}
	var gids []int32
	for r := 0; r < rows; r++ {
		gids = s.rowGroups(r, gids[:0])
		if n.events {
			g := int32(-1)
			if len(gids) > 0 {
				g = gids[0]
			}
			s.rowGroup = append(s.rowGroup, g)
		}
		if len(gids) == 0 {
			continue
		}
		s.grow()
		for k, a := range n.aggs {
			s.addRow(k, a, args[k], r, gids)
		}
	}
	return nil
}

// rowGroups appends the groups of row r: none when a BY value is null, one
// per combination of values otherwise.
func (s *statsRun) rowGroups(r int, out []int32) []int32 {
	if len(s.byVecs) == 0 {
		return append(out, 0)
	}
	for k := range s.byVecs {
		s.vals[k] = s.byVecs[k].Values(r, s.vals[k][:0])
		if len(s.vals[k]) == 0 {
			return out
		}
	}
	var rec func(k int)
	rec = func(k int) {
		if k == len(s.vals) {
			out = append(out, s.groups.id(s.tuple))
			return
		}
		for _, v := range s.vals[k] {
			s.tuple[k] = v
			rec(k + 1)
		}
	}
	rec(0)
	if len(out) > 1 {
		// Duplicate values of a multivalue BY field give the group once.
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// addRow feeds row r of function k's argument to the groups gids.
func (s *statsRun) addRow(k int, a statsFn, v *Vector, r int, gids []int32) {
	accs := s.accs[k]
	if a.bare {
		for _, g := range gids {
			accs[g].n++
		}
		return
	}
	if a.cond {
		if t, ok := v.Bool(r); ok && t {
			for _, g := range gids {
				accs[g].n++
			}
		}
		return
	}
	if v.IsNull(r) {
		return
	}
	if a.kind.rowLevel() {
		s.tmp = v.Values(r, s.tmp[:0])
		t, hasT := 0.0, false
		if a.kind == fnEarliest || a.kind == fnLatest {
			t, hasT = s.tVec.Num(r)
		}
		for _, g := range gids {
			accs[g].addRow(a.kind, s.tmp, t, hasT)
		}
		return
	}
	if v.Kinds[r] == KindMulti {
		for _, x := range v.Multi[r] {
			f, isNum := parseNumber(x)
			for _, g := range gids {
				accs[g].add(a.kind, x, f, isNum)
			}
		}
		return
	}
	str, _ := v.Str(r)
	f, isNum := v.Num(r)
	for _, g := range gids {
		accs[g].add(a.kind, str, f, isNum)
	}
}

// order returns the group ids sorted by their BY values.
func (s *statsRun) order() []int32 {
	ord := make([]int32, s.groups.len())
	for i := range ord {
		ord[i] = int32(i)
	}
	numeric := make([]bool, len(s.n.by))
	for i, b := range s.n.by {
		numeric[i] = b == "_time"
	}
	slices.SortStableFunc(ord, func(x, y int32) int {
		return compareGroupKeys(s.groups.keys[x], s.groups.keys[y], numeric)
	})
	return ord
}

func (n *statsNode) newOperator(env *execEnv, in operator) operator {
	if n.events {
		return n.newEventstatsOperator(env, in)
	}
	return &blockingOp{in: in, env: env, fields: n.in.fields(), run: func(ctx context.Context, st *rowStore) ([]arrow.RecordBatch, error) {
		run := newStatsRun(n, env)
		for _, b := range st.batches {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := run.consume(b); err != nil {
				return nil, fmt.Errorf("stats: %w", err)
			}
		}
		ord := run.order()
		var out []arrow.RecordBatch
		var v Vector
		for start := 0; start < len(ord); start += env.batchSize {
			part := ord[start:min(start+env.batchSize, len(ord))]
			var cols []arrow.Array
			for k := range n.by {
				v.Reset(len(part))
				for i, g := range part {
					v.SetText(i, run.groups.keys[g][k])
				}
				cols = append(cols, v.Build(env.mem))
			}
			for k, a := range n.aggs {
				v.Reset(len(part))
				for i, g := range part {
					run.accs[k][g].result(a.kind, a.pct, &v, i)
				}
				cols = append(cols, v.Build(env.mem))
			}
			out = append(out, newBatch(n.out, cols, len(part)))
		}
		return out, nil
	}}
}
