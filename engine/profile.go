package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// Profile is what one execution of a plan counted, for explaining a
// result (minispl's .explain, as Splunk's Job Inspector and duckdb's
// EXPLAIN ANALYZE): rows in and out and time per stage, and for each
// tstats scan what its time window and each WHERE predicate kept.
type Profile struct {
	// Stages are the plan's stages in Plan.String's order: the last
	// command first, each input (and subsearch) indented under its
	// consumer.
	Stages []StageProfile
	// Scans are the tstats scans, in the order they ran.
	Scans []ScanProfile
}

// StageProfile is one stage of a profiled execution.
type StageProfile struct {
	// Depth is the indentation of Plan.String.
	Depth int
	// Text is the stage's line of Plan.String.
	Text string
	// RowsIn are the rows the stage read: its input's rows out, or for a
	// tstats the rows of its dataset; -1 when it reads none (inputlookup).
	RowsIn int64
	// RowsOut are the rows it returned.
	RowsOut int64
	// Time is the time spent in the stage itself, its inputs' excluded.
	Time time.Duration
	// Ran is false for a stage that never ran (a subsearch of a search
	// stopped before it).
	Ran bool
}

// ScanProfile is what a tstats scan found in its dataset. Each count is
// over every row of the dataset, independently of the others, so that
// each filter's effect shows on its own.
type ScanProfile struct {
	// Dataset is the dataset's full name.
	Dataset string
	// Rows are its rows in the store.
	Rows int64
	// First and Last are the earliest and latest _time of those rows
	// (zero when there are none).
	First, Last time.Time
	// Window is set when the search has a time window, [Earliest,
	// Latest) (a zero bound is open); InWindow are the rows inside it.
	Window           bool
	Earliest, Latest time.Time
	InWindow         int64
	// Where is the WHERE clause as planned ("" when there is none) and
	// WhereRows the rows it matches; Selected are the rows that match it
	// inside the window, the rows aggregated.
	Where     string
	WhereRows int64
	Selected  int64
	// Predicates are the top-level conjuncts of WHERE with the rows each
	// matches on its own (none for a WHERE with subsearch terms).
	Predicates []PredicateCount
	// Fields are the fields the tstats names (WHERE, BY, aggregates), in
	// order of appearance.
	Fields []FieldCount
}

// PredicateCount is one top-level predicate of a tstats WHERE and the
// rows of the dataset it matches.
type PredicateCount struct {
	Text    string
	Matched int64
}

// FieldCount says what the loaded rows hold in one field a tstats names.
type FieldCount struct {
	// Name is the field as written.
	Name string
	// Known is false when it is not a field of the dataset; Suggestion is
	// then the nearest field name, "" when none is near.
	Known      bool
	Suggestion string
	// Values are the rows with a value (not null, not empty); Unknown
	// those whose value is "unknown", CIM's fill value for a field the
	// event did not give.
	Values, Unknown int64
}

// ExecuteProfile runs p as Execute does and also returns its Profile.
// Counting costs little per batch; each tstats scan is read once more to
// count its predicates, window and fields.
func (e *Engine) ExecuteProfile(ctx context.Context, p *Plan) (*Result, *Profile, error) {
	if p == nil || p.root == nil {
		return nil, nil, errors.New("execute: empty plan")
	}
	prof := &profiler{stats: map[node]*opStats{}}
	res, err := e.execute(ctx, p, prof)
	return res, prof.profile(p), err
}

// profiler collects the counts of one execution.
type profiler struct {
	mu    sync.Mutex
	stats map[node]*opStats
	scans []ScanProfile
	// scanRows are the rows read per tstats node (its origin for a bound
	// one).
	scanRows map[*tstatsNode]int64
}

// opStats are the counts of one node.
type opStats struct {
	rows int64
	incl time.Duration // time in Open and Next, the inputs' included
	ran  bool
}

// wrap returns op counting into n's stats.
func (p *profiler) wrap(n node, op operator) operator {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.stats[n]
	if st == nil {
		st = &opStats{}
		p.stats[n] = st
	}
	return &profiledOp{op: op, st: st, mu: &p.mu}
}

// profiledOp counts the rows and time of an operator.
type profiledOp struct {
	op operator
	st *opStats
	mu *sync.Mutex
}

func (o *profiledOp) Open(ctx context.Context) error {
	start := time.Now()
	err := o.op.Open(ctx)
	o.add(0, time.Since(start))
	return err
}

func (o *profiledOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	start := time.Now()
	b, err := o.op.Next(ctx)
	var rows int64
	if err == nil && b != nil {
		rows = b.NumRows()
	}
	o.add(rows, time.Since(start))
	return b, err
}

func (o *profiledOp) Close() { o.op.Close() }

func (o *profiledOp) add(rows int64, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.st.rows += rows
	o.st.incl += d
	o.st.ran = true
}

// profile assembles the Profile of p from the counts.
func (p *profiler) profile(pl *Plan) *Profile {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := &Profile{Scans: p.scans}
	var walk func(n node, depth int)
	walk = func(n node, depth int) {
		for ; n != nil; n = n.input() {
			st := p.stats[n]
			if st == nil {
				st = &opStats{}
			}
			sp := StageProfile{Depth: depth, Text: n.describe(), RowsOut: st.rows, Time: st.incl, Ran: st.ran, RowsIn: -1}
			children := []node{}
			if in := n.input(); in != nil {
				children = append(children, in)
				if c := p.stats[in]; c != nil {
					sp.RowsIn = c.rows
				}
			}
			if s, ok := n.(subplanner); ok {
				children = append(children, s.subplans()...)
			}
			for _, c := range children {
				if cs := p.stats[c]; cs != nil {
					sp.Time -= cs.incl
				}
			}
			sp.Time = max(sp.Time, 0)
			switch t := n.(type) {
			case *tstatsNode:
				sp.RowsIn = p.scanRows[t]
			case *tstatsTermsNode:
				sp.RowsIn = p.scanRows[t.ts]
			}
			out.Stages = append(out.Stages, sp)
			if s, ok := n.(subplanner); ok {
				for _, sub := range s.subplans() {
					walk(sub, depth+2)
				}
			}
			depth++
		}
	}
	walk(pl.root, 0)
	return out
}

// scan counts what a tstats finds in its dataset (see ScanProfile); its
// operator calls it before aggregating when the execution is profiled.
func (p *profiler) scan(ctx context.Context, env *execEnv, n *tstatsNode) error {
	batches := env.eng.store.Batches(n.ds)
	sp := ScanProfile{Dataset: n.ds.FullName(), Window: n.window.bounded(), Earliest: n.window.earliest, Latest: n.window.latest}
	type conj struct {
		p       expr.Pred
		nleaves int
	}
	var conjs []conj
	scratch := &Plan{}
	schema := n.ds.Schema()
	resolve := func(f string) int { return resolveField(n.ds, schema, f, scratch).col }
	if n.whereExpr != nil {
		for _, x := range spl.Conjuncts(n.whereExpr) {
			pc := &expr.SearchCompiler{Mode: expr.ModeTstats, Resolve: resolve}
			c, err := pc.Compile(x)
			if err != nil {
				return fmt.Errorf("explain: %w", err)
			}
			conjs = append(conjs, conj{c, pc.NLeaves})
			sp.Predicates = append(sp.Predicates, PredicateCount{Text: c.String()})
		}
	}
	if n.where != nil {
		sp.Where = n.where.String()
	}
	names := n.fieldNames()
	cols := make([]int, len(names))
	for i, f := range names {
		cols[i] = resolve(f)
		fc := FieldCount{Name: f, Known: cols[i] >= 0}
		if !fc.Known {
			fc.Suggestion = nearestField(n.ds, f)
		}
		sp.Fields = append(sp.Fields, fc)
	}
	var st *expr.PredState
	if n.where != nil {
		st = expr.NewPredState(n.nleaves)
	}
	var mask []bool
	var all, sel []int32
	first, last := int64(maxInt64), int64(minInt64)
	for _, b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := int(b.NumRows())
		sp.Rows += int64(rows)
		if cap(mask) < rows {
			mask = make([]bool, rows)
		}
		mask = mask[:rows]
		all = all[:0]
		for i := 0; i < rows; i++ {
			all = append(all, int32(i))
		}
		inWin, err := n.window.filterTime(b, n.timeCol, slices.Clone(all))
		if err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		sp.InWindow += int64(len(inWin))
		sel = append(sel[:0], all...)
		if n.where != nil {
			if err := n.where.Eval(st, b, mask); err != nil {
				return fmt.Errorf("explain: %w", err)
			}
			sel = sel[:0]
			for i, m := range mask {
				if m {
					sel = append(sel, int32(i))
				}
			}
		}
		sp.WhereRows += int64(len(sel))
		if sel, err = n.window.filterTime(b, n.timeCol, sel); err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		sp.Selected += int64(len(sel))
		for i, c := range conjs {
			if err := c.p.Eval(expr.NewPredState(c.nleaves), b, mask); err != nil {
				return fmt.Errorf("explain: %w", err)
			}
			for _, m := range mask {
				if m {
					sp.Predicates[i].Matched++
				}
			}
		}
		for i, col := range cols {
			if col >= 0 {
				v, u := countValues(b.Column(col))
				sp.Fields[i].Values += v
				sp.Fields[i].Unknown += u
			}
		}
		if n.timeCol >= 0 {
			if ts, ok := b.Column(n.timeCol).(*array.Timestamp); ok {
				toMs := value.TimestampToMs(ts.DataType().(*arrow.TimestampType).Unit)
				for i := 0; i < rows; i++ {
					if !ts.IsNull(i) {
						ms := toMs(int64(ts.Value(i)))
						first, last = min(first, ms), max(last, ms)
					}
				}
			}
		}
	}
	if first <= last {
		sp.First, sp.Last = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scans = append(p.scans, sp)
	if p.scanRows == nil {
		p.scanRows = map[*tstatsNode]int64{}
	}
	key := n
	if n.origin != nil {
		key = n.origin
	}
	p.scanRows[key] += sp.Rows
	return nil
}

// fieldNames lists the fields a tstats names, in order of appearance
// (WHERE, then BY, then aggregates), once each.
func (n *tstatsNode) fieldNames() []string {
	var out []string
	add := func(f string) {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if n.whereExpr != nil {
		spl.Inspect(n.whereExpr, func(x spl.Node) bool {
			switch x := x.(type) {
			case *spl.SearchCompare:
				add(x.Field)
			case *spl.SearchIn:
				add(x.Field)
			}
			return true
		})
	}
	for _, k := range n.keys {
		add(k.name)
	}
	for _, a := range n.aggs {
		if !a.bare {
			add(a.arg.name)
		}
	}
	return out
}

// countValues counts the rows of a with a value (not null, not "") and
// those holding "unknown".
func countValues(a arrow.Array) (values, unknown int64) {
	var str func(i int) string
	switch c := a.(type) {
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		if !ok {
			return int64(a.Len() - a.NullN()), 0
		}
		str = func(i int) string { return dict.Value(c.GetValueIndex(i)) }
	case *array.String:
		str = c.Value
	default:
		return int64(a.Len() - a.NullN()), 0
	}
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			continue
		}
		switch str(i) {
		case "":
		case "unknown":
			values++
			unknown++
		default:
			values++
		}
	}
	return values, unknown
}

// nearestField returns the field of ds nearest to name by edit distance
// (ignoring case), as written in tstats (Dataset.field, or _time and the
// other inherited fields bare), when it is at most a third of name's
// length (at least 1) away; "" otherwise.
func nearestField(ds *datamodel.Dataset, name string) string {
	cands := []string{datamodel.FieldTime, datamodel.FieldHost, datamodel.FieldSource, datamodel.FieldSourcetype}
	for _, f := range ds.Fields {
		cands = append(cands, ds.Name+"."+f.Name)
	}
	best, bestD := "", max(len(name)/3, 1)+1
	lower := strings.ToLower(name)
	for _, c := range cands {
		if d := levenshtein.ComputeDistance(lower, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
