package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/agg"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// statsNode is `stats aggs [BY fields]` (and, with events set, eventstats).
//
// It is the hash aggregation tstats uses (engine/internal/agg) over
// the input rows read through the value model: BY values are interned
// into codes per field and code tuples into group ids by an agg.GroupTable,
// and every function keeps its per-group state in slices (agg/statsfuncs.go
// lists the functions and the choices made on their open points).
//
//   - BY: a row with a null or absent BY field is dropped (spl-semantics
//     §6.1); a multivalue BY field puts the row in one group per value (the
//     cross product over several multivalue fields); wildcards are a plan
//     error.
//   - Wildcard functions: func(pattern) with `*` in the field applies the
//     function to every input field the pattern matches (case-sensitive,
//     in input field order) that is not a BY field; `*` does not match
//     fields beginning with "_" (_time, _raw: Splunk's wildcards leave
//     internal fields out; the reference does not say, so this is a
//     choice). `AS` with the same number of wildcards names each result by
//     substituting what they matched (`latest(*) as *` keeps the names,
//     `values(*) as v_*` prefixes them); without AS a result is named
//     func(field). An AS without wildcards, or with a different number, is
//     a plan error. A wildcard result named like an earlier function's
//     result is dropped (the earlier one is kept).
//   - Output: BY columns (named as written) then the functions (named by
//     AS, else by the function as written, e.g. "count(eval(x=1))"), rows
//     ascending by the BY values as tstats orders them: byte-wise, except
//     _time, which compares as a number.
//   - Without BY there is one row, also on empty input (count and dc 0,
//     the other functions null).
//   - Output names are unique: a BY field listed twice, a result named
//     like a BY field and two results of one name are plan errors
//     (agg.CheckNames).
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
	kind  agg.Func
	pct   float64
	bare  bool           // count without argument
	col   int            // argument column, -1 when absent or eval
	eval  expr.Evaluator // eval() argument, or nil
	cond  bool           // eval() argument is a boolean (count rows where true)
	name  string
	shown string
	pos   spl.Span // the function as written
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
	n := &statsNode{in: in, events: events, timeCol: slices.Index(fields, "_time")}
	comp := &expr.EvalCompiler{Resolve: func(f string) int { return slices.Index(fields, f) }}
	isBy := map[string]bool{}
	for _, b := range by {
		isBy[b] = true
	}
	for _, a := range aggs {
		kind, pct, err := agg.LookupStats(a.Func)
		if err != nil {
			return nil, &spl.Error{Pos: a.Pos, Msg: err.Error()}
		}
		f := statsFn{kind: kind, pct: pct, col: -1, pos: a.Pos}
		switch {
		case a.Eval != nil:
			ev, err := comp.Compile(a.Eval)
			if err != nil {
				return nil, err
			}
			f.eval, f.cond = ev, ev.Type() == expr.TypeBool
			if f.cond && kind != agg.Count {
				return nil, &spl.Error{Pos: a.Eval.Span(), Msg: fmt.Sprintf("%s(eval(...)) needs a value, not the condition %s; only count(eval(...)) counts a condition", a.Func, a.Eval.String())}
			}
		case a.Field == "":
			if kind != agg.Count {
				return nil, &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("%s function %s() needs a field", cmd, a.Func)}
			}
			f.bare = true
		case strings.Contains(a.Field, "*"):
			fs, err := expandStatsWildcard(cmd, a, f, fields, isBy)
			if err != nil {
				return nil, err
			}
			for _, x := range fs {
				if !slices.ContainsFunc(n.aggs, func(y statsFn) bool { return y.name == x.name }) {
					n.aggs = append(n.aggs, x)
				}
			}
			continue
		default:
			f.col = slices.Index(fields, a.Field)
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
	n.nodes = comp.Nodes
	for _, b := range by {
		if strings.Contains(b, "*") {
			return nil, &spl.Error{Pos: pos, Msg: fmt.Sprintf("%s: wildcards are not allowed in BY fields: %s", cmd, b)}
		}
		n.by = append(n.by, b)
		n.byCols = append(n.byCols, slices.Index(fields, b))
	}
	if events {
		n.out = append([]string(nil), fields...)
		for _, a := range n.aggs {
			if slices.Index(n.out, a.name) < 0 {
				n.out = append(n.out, a.name)
			}
		}
		return n, nil
	}
	n.out = append(n.out, n.by...)
	for _, a := range n.aggs {
		n.out = append(n.out, a.name)
	}
	results := make([]agg.ResultName, len(n.aggs))
	for i, a := range n.aggs {
		results[i] = agg.ResultName{Name: a.name, Shown: a.shown, Pos: a.pos}
	}
	if err := agg.CheckNames(cmd, n.by, results, pos); err != nil {
		return nil, err
	}
	return n, nil
}

// expandStatsWildcard returns one function per input field that a.Field
// (holding `*`) matches, named by substituting the matched text into the
// alias (statsNode's doc gives the rules).
func expandStatsWildcard(cmd string, a spl.StatsAgg, f statsFn, fields []string, isBy map[string]bool) ([]statsFn, error) {
	nw := strings.Count(a.Field, "*")
	if a.Alias != "" && strings.Count(a.Alias, "*") != nw {
		return nil, &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("%s: %s(%s) AS %s: the AS name needs as many wildcards as the field (%d)", cmd, a.Func, a.Field, a.Alias, nw)}
	}
	var out []statsFn
	for i, name := range fields {
		if isBy[name] || (strings.HasPrefix(name, "_") && !strings.HasPrefix(a.Field, "_")) {
			continue
		}
		caps, ok := matchName(a.Field, name)
		if !ok {
			continue
		}
		g := f
		g.col = i
		written := a.Func + "(" + name + ")"
		g.name, g.shown = written, written
		if a.Alias != "" {
			g.name = substituteName(a.Alias, caps)
			g.shown = written + " AS " + g.name
		}
		out = append(out, g)
	}
	return out, nil
}

// statsRun is the aggregation state of one execution.
type statsRun struct {
	n       *statsNode
	keys    []*agg.KeyCol
	groups  *agg.GroupTable
	readers []*agg.ArgReader // per function; nil for a bare or conditional count
	states  []agg.State
	ec      *expr.Ctx
	byVecs  []value.Vector
	argVecs []value.Vector
	tVec    value.Vector
	batch   agg.Batch
	needT   bool
	// Pairs of (row, group) of the current batch.
	rows, gids []int32
	tuple      []int32
	vals       [][]int32 // per key: codes of the row's values
	tmp        []string
	rowGids    []int32
	// rowGroup is, for eventstats, each input row's group: that of its
	// first value(s) (-1: none).
	rowGroup []int32
}

func newStatsRun(n *statsNode, env *execEnv) *statsRun {
	r := &statsRun{n: n, byVecs: make([]value.Vector, len(n.byCols)), argVecs: make([]value.Vector, len(n.aggs)),
		tuple: make([]int32, len(n.byCols)), vals: make([][]int32, len(n.byCols))}
	for _, b := range n.by {
		kc := agg.NewKeyCol()
		kc.Numeric = b == "_time"
		r.keys = append(r.keys, kc)
	}
	r.groups = agg.NewGroupTable(r.keys)
	for _, a := range n.aggs {
		var rd *agg.ArgReader
		if !a.bare && !a.cond {
			rd = agg.NewArgReader(a.kind)
		}
		r.readers = append(r.readers, rd)
		r.states = append(r.states, agg.NewState(a.kind, a.pct, rd))
		r.needT = r.needT || a.kind.NeedsTime()
	}
	if n.nodes > 0 {
		r.ec = expr.NewCtx(n.nodes, env.eng.now(), env.eng.opt.Location)
	}
	for _, s := range r.states {
		s.Grow(r.groups.Len())
	}
	return r
}

// loadCol loads column col of b into v (all null when col < 0).
func loadCol(b arrow.RecordBatch, col int, v *value.Vector) error {
	if col < 0 {
		v.Reset(int(b.NumRows()))
		return nil
	}
	rd, err := value.NewColumn(b.Column(col))
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
		s.ec.SetBatch(b)
	}
	for k, a := range n.aggs {
		var v *value.Vector
		switch {
		case a.eval != nil:
			var err error
			if v, err = a.eval.Eval(s.ec); err != nil {
				return err
			}
		case !a.bare:
			if err := loadCol(b, a.col, &s.argVecs[k]); err != nil {
				return err
			}
			v = &s.argVecs[k]
		}
		switch {
		case a.cond:
			s.states[k].(*agg.CountState).Cond = v
		case s.readers[k] != nil:
			s.readers[k].LoadVector(v)
		}
	}
	if s.needT {
		if err := loadCol(b, n.timeCol, &s.tVec); err != nil {
			return err
		}
		s.batch.Times = s.batch.Times[:0]
		for j := 0; j < rows; j++ {
			t, ok := s.tVec.Num(j)
			if !ok {
				t = math.NaN()
			}
			s.batch.Times = append(s.batch.Times, t)
		}
	}
	s.rows, s.gids = s.rows[:0], s.gids[:0]
	for j := 0; j < rows; j++ {
		g := s.rowGroups(j)
		if n.events {
			s.rowGroup = append(s.rowGroup, g)
		}
	}
	for _, st := range s.states {
		st.Grow(s.groups.Len())
	}
	for _, st := range s.states {
		st.Add(&s.batch, s.rows, s.gids)
	}
	return nil
}

// rowGroups appends the pairs of row j: none when a BY value is null, one
// per distinct combination of values otherwise. It returns the group of
// the combination of the first values (-1 when none).
func (s *statsRun) rowGroups(j int) int32 {
	if len(s.keys) == 0 {
		s.rows, s.gids = append(s.rows, int32(j)), append(s.gids, 0)
		return 0
	}
	multi := false
	for k := range s.keys {
		switch s.byVecs[k].Kinds[j] {
		case value.KindNull:
			return -1
		case value.KindMulti:
			multi = true
		}
	}
	if !multi {
		for k, kc := range s.keys {
			str, _ := s.byVecs[k].Str(j)
			s.tuple[k] = kc.Code(str)
		}
		g := s.groups.ID(s.tuple)
		s.rows, s.gids = append(s.rows, int32(j)), append(s.gids, g)
		return g
	}
	for k, kc := range s.keys {
		s.tmp = s.byVecs[k].Values(j, s.tmp[:0])
		s.vals[k] = s.vals[k][:0]
		for _, v := range s.tmp {
			s.vals[k] = append(s.vals[k], kc.Code(v))
		}
	}
	s.rowGids = s.rowGids[:0]
	var rec func(k int)
	rec = func(k int) {
		if k == len(s.vals) {
			s.rowGids = append(s.rowGids, s.groups.ID(s.tuple))
			return
		}
		for _, c := range s.vals[k] {
			s.tuple[k] = c
			rec(k + 1)
		}
	}
	rec(0)
	first := s.rowGids[0]
	// Duplicate values of a multivalue BY field give the group once.
	slices.Sort(s.rowGids)
	for _, g := range slices.Compact(s.rowGids) {
		s.rows, s.gids = append(s.rows, int32(j)), append(s.gids, g)
	}
	return first
}

// results returns each function's result per group, indexed by group id.
func (s *statsRun) results() []value.Vector {
	res := make([]value.Vector, len(s.states))
	for k, st := range s.states {
		res[k].Reset(s.groups.Len())
		for g := range s.groups.Len() {
			st.Result(int32(g), &res[k], g)
		}
	}
	return res
}

// aggregate runs the functions over every row of st, checking ctx between
// batches; errors name the command (stats or eventstats).
func (n *statsNode) aggregate(ctx context.Context, env *execEnv, st *rowStore) (*statsRun, error) {
	cmd := "stats"
	if n.events {
		cmd = "eventstats"
	}
	run := newStatsRun(n, env)
	for _, b := range st.batches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := run.consume(b); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd, err)
		}
	}
	return run, nil
}

func (n *statsNode) newOperator(env *execEnv, in operator) operator {
	if n.events {
		return n.newEventstatsOperator(env, in)
	}
	return &blockingOp{in: in, env: env, fields: n.in.fields(), run: func(ctx context.Context, st *rowStore) ([]arrow.RecordBatch, error) {
		run, err := n.aggregate(ctx, env, st)
		if err != nil {
			return nil, err
		}
		ord := run.groups.Order()
		var out []arrow.RecordBatch
		var v value.Vector
		for start := 0; start < len(ord); start += env.batchSize {
			part := ord[start:min(start+env.batchSize, len(ord))]
			var cols []arrow.Array
			for k, kc := range run.keys {
				v.Reset(len(part))
				for i, g := range part {
					v.SetText(i, kc.Strs[run.groups.Key(g, k)])
				}
				cols = append(cols, v.Build(env.mem))
			}
			for _, st := range run.states {
				v.Reset(len(part))
				for i, g := range part {
					st.Result(g, &v, i)
				}
				cols = append(cols, v.Build(env.mem))
			}
			out = append(out, newBatch(n.out, cols, len(part)))
		}
		return out, nil
	}}
}
