package hunt

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl/escu"
	"github.com/minispl/minispl/spl/timemod"
)

// Options configure Run and Schedule.
type Options struct {
	// Macros is the macro library (nil: macros.Default()); Catalog the
	// data model catalog (nil: datamodel.DefaultCatalog()).
	Macros  *macros.Library
	Catalog *datamodel.Catalog
	// Engine holds the engine options: lookup folders, zone, batch size,
	// and for Run the time window and reference time. Schedule sets Now,
	// Earliest and Latest per run.
	Engine engine.Options
	// Corpus gives the deployments of Schedule (nil: ESCU's defaults).
	Corpus *content.Corpus
	// Workers is how many detections run at once; 0 means GOMAXPROCS.
	Workers int
	// StoreFor, when set, returns the store a compiled detection runs
	// over instead of the store given to Run or Schedule (the CLI's
	// --summaries picks one by the search's tstats options); its error
	// is the detection's, at StageRun. It is called from the workers at
	// once.
	StoreFor func(ctx context.Context, q *query.Query) (*datamodel.Store, error)
}

// storeFor is the store q runs over.
func (o *Options) storeFor(ctx context.Context, q *query.Query, store *datamodel.Store) (*datamodel.Store, error) {
	if o.StoreFor == nil {
		return store, nil
	}
	return o.StoreFor(ctx, q)
}

// Result is what one detection did.
type Result struct {
	Detection  escu.Detection
	Deployment content.Deployment
	Risk       content.Risk
	// Score is the detection's risk score (content.RiskScore).
	Score int
	// Expanded is the search after macro expansion ("" when expansion
	// failed).
	Expanded string
	// Fields are the result columns; Rows the result rows, of every run
	// for Schedule, in run order.
	Fields []string
	Rows   []Row
	// Runs are the scheduled runs (Schedule only).
	Runs []ScheduledRun
	// Err is why the detection could not run (compile, or the first
	// failed run); Stage is the stage it failed at.
	Err   error
	Stage query.Stage
	// Warnings are the planner's warnings and this package's (a risk
	// message naming a field the rows lack), each once.
	Warnings []string
}

// Fired reports whether the detection returned rows.
func (r *Result) Fired() bool { return r.Err == nil && len(r.Rows) > 0 }

// Row is one result row.
type Row struct {
	// Time is the row's time (see the package doc); zero when it has
	// none.
	Time time.Time
	// Values holds the cells in Fields order: nil for null, one string, or
	// the values of a multivalue cell.
	Values [][]string
	// Run indexes Result.Runs; -1 for Run's rows.
	Run int
}

// Value returns the cell of field name, nil when null or absent.
func (r *Result) Value(row *Row, name string) []string {
	for i, f := range r.Fields {
		if f == name {
			return row.Values[i]
		}
	}
	return nil
}

// ScheduledRun is one scheduled run of a detection.
type ScheduledRun struct {
	// Now is the run's time (the cron fire time), Earliest and Latest its
	// window [Earliest, Latest).
	Now, Earliest, Latest time.Time
	// Rows counts the run's result rows.
	Rows int
	// Notables and Risks are the events the run writes.
	Notables []Notable
	Risks    []RiskEvent
	Err      error
}

// Compiled is a hunt's detections compiled before any event is read
// (Compile, CompileSchedule), so that the events can be loaded with only
// what the detections read (Queries; see the package doc, "Compiling
// first") and the detections then run over them (Run).
type Compiled struct {
	opt     Options
	results []Result
	// queries[i] is detection i's query (its first run's for a schedule);
	// nil when it did not compile or is run as another (same).
	queries []*query.Query
	same    []int
	// sched, cache, times and first are a schedule's: each detection's
	// run times and its first run (its window resolved).
	sched bool
	cache *query.Cache
	times [][]time.Time
	first []ScheduledRun
}

// Compile compiles every detection with opt.Engine's window, on
// opt.Workers goroutines, sharing one query.Cache (a stage written the
// same in many searches is parsed once, a lookup table read once).
// Detections whose search texts are identical are compiled and run once:
// they share the options and the store, so their rows are the same (ESCU
// ships some searches twice, a deprecated copy beside the production
// one); each has its own copy of the rows slice, the cells are shared. A
// detection that does not compile keeps its error and stage, and does not
// run. A cancelled ctx stops the compilations; the detections not
// compiled have ctx's error.
func Compile(ctx context.Context, ds []escu.Detection, opt Options) *Compiled {
	env := query.NewEnv(query.Options{Macros: opt.Macros, Catalog: opt.Catalog, Engine: opt.Engine, Cache: query.NewCache()})
	c := &Compiled{opt: opt, results: newResults(ds, opt), queries: make([]*query.Query, len(ds)), same: make([]int, len(ds))}
	firstOf := make(map[string]int, len(ds))
	for i := range ds {
		j, ok := firstOf[ds[i].Search]
		if !ok {
			j = i
			firstOf[ds[i].Search] = i
		}
		c.same[i] = j
	}
	c.each(ctx, func(i int, r *Result) {
		q, err := env.Compile(r.Detection.Search)
		if r.compiled(q, err) {
			c.queries[i] = q
		}
	})
	return c
}

// CompileSchedule prepares Schedule: for every detection it works out its
// run times in [from, to) and compiles its first run (with that run's
// reference time and window); the later runs are compiled when they run
// (Compiled.Run), each with its own window. A run's plan differs from the
// first's only in its times, so it reads the same fields and datasets
// (Queries); a read of something the loading left out would fail, never
// be empty. A detection whose deployment, window or first run does not
// compile keeps its error and stage, and does not run.
func CompileSchedule(ctx context.Context, ds []escu.Detection, from, to time.Time, opt Options) *Compiled {
	loc := opt.Engine.Location
	if loc == nil {
		loc = time.UTC
	}
	c := &Compiled{opt: opt, results: newResults(ds, opt), queries: make([]*query.Query, len(ds)),
		sched: true, cache: query.NewCache(), times: make([][]time.Time, len(ds)), first: make([]ScheduledRun, len(ds))}
	c.each(ctx, func(i int, r *Result) {
		times, err := r.Deployment.Runs(from, to, loc)
		if err != nil {
			r.Err, r.Stage = fmt.Errorf("deployment (%s): %w", r.Deployment.From, err), query.StagePlan
			return
		}
		c.times[i] = times
		if len(times) == 0 {
			return
		}
		q, run, ok := c.compileRun(r, times[0], loc)
		if ok {
			c.queries[i], c.first[i] = q, run
		}
	})
	return c
}

// compileRun compiles r's run at now; ok is false when it did not (r then
// has the error).
func (c *Compiled) compileRun(r *Result, now time.Time, loc *time.Location) (*query.Query, ScheduledRun, bool) {
	run := ScheduledRun{Now: now}
	eo := c.opt.Engine
	eo.Now, eo.Location = now, loc
	var err error
	if run.Earliest, err = timemod.Resolve(r.Deployment.Earliest, now, loc); err == nil {
		run.Latest, err = timemod.Resolve(r.Deployment.Latest, now, loc)
	}
	if err != nil {
		r.Err, r.Stage = fmt.Errorf("deployment (%s): earliest %q, latest %q: %w", r.Deployment.From, r.Deployment.Earliest, r.Deployment.Latest, err), query.StagePlan
		return nil, run, false
	}
	eo.Earliest, eo.Latest = run.Earliest, run.Latest
	env := query.NewEnv(query.Options{Macros: c.opt.Macros, Catalog: c.opt.Catalog, Engine: eo, Cache: c.cache})
	q, err := env.Compile(r.Detection.Search)
	if !r.compiled(q, err) {
		return nil, run, false
	}
	return q, run, true
}

// Queries returns the compiled queries that will run, each once (for a
// schedule, each detection's first run): what they read is what the
// store must hold (query.ReadsEvents, query.EventFields,
// query.Datasets), the detections that did not compile left out, as
// they never run.
func (c *Compiled) Queries() []*query.Query {
	var out []*query.Query
	for _, q := range c.queries {
		if q != nil {
			out = append(out, q)
		}
	}
	return out
}

// Run runs the compiled detections over store and returns one Result per
// detection, in order, on opt.Workers goroutines: each once with
// opt.Engine's window (Compile), or at each of its run times, with that
// time as now, building each run's notable and risk events
// (CompileSchedule). A cancelled ctx stops the runs; the detections not
// run have ctx's error. Run is called once.
func (c *Compiled) Run(ctx context.Context, store *datamodel.Store) []Result {
	if c.sched {
		c.each(ctx, func(i int, r *Result) { c.schedule(ctx, i, r, store) })
		return c.results
	}
	c.each(ctx, func(i int, r *Result) {
		q := c.queries[i]
		st, err := c.opt.storeFor(ctx, q, store)
		if err != nil {
			r.Err, r.Stage = err, query.StageRun
			return
		}
		rows, fields, err := runQuery(ctx, q, st, -1, c.opt.Engine.Location)
		if err != nil {
			r.Err, r.Stage = err, query.StageRun
			return
		}
		r.Fields, r.Rows = fields, rows
	})
	for i, j := range c.same {
		if j != i {
			c.results[i].sameOutcome(&c.results[j])
		}
	}
	return c.results
}

// Run runs every detection over store with opt.Engine's window and
// returns one Result per detection, in order: Compile, then
// Compiled.Run.
func Run(ctx context.Context, store *datamodel.Store, ds []escu.Detection, opt Options) []Result {
	return Compile(ctx, ds, opt).Run(ctx, store)
}

// Schedule runs every detection as Enterprise Security schedules it: at
// each time in [from, to) its cron fires (in opt.Engine.Location), over
// its window, with that time as now; and builds each run's notable and
// risk events. Every run of every detection compiles with one
// query.Cache, so the stages of a search are parsed once whatever its
// number of runs. It is CompileSchedule, then Compiled.Run.
func Schedule(ctx context.Context, store *datamodel.Store, ds []escu.Detection, from, to time.Time, opt Options) []Result {
	return CompileSchedule(ctx, ds, from, to, opt).Run(ctx, store)
}

// schedule runs detection i's runs.
func (c *Compiled) schedule(ctx context.Context, i int, r *Result, store *datamodel.Store) {
	loc := c.opt.Engine.Location
	if loc == nil {
		loc = time.UTC
	}
	for k, now := range c.times[i] {
		var (
			q   *query.Query
			run ScheduledRun
			ok  bool
		)
		if k == 0 {
			q, run = c.queries[i], c.first[i] // compiled by CompileSchedule
		} else if q, run, ok = c.compileRun(r, now, loc); !ok {
			return
		}
		st, err := c.opt.storeFor(ctx, q, store)
		if err != nil {
			r.Err, r.Stage = err, query.StageRun
			return
		}
		rows, fields, err := runQuery(ctx, q, st, len(r.Runs), loc)
		if r.Fields == nil {
			r.Fields = fields
		}
		if err != nil {
			run.Err = err
			if r.Err == nil {
				r.Err, r.Stage = err, query.StageRun
			}
		}
		for i := range rows {
			if rows[i].Time.IsZero() {
				rows[i].Time = now
			}
		}
		run.Rows = len(rows)
		start := len(r.Rows)
		r.Rows = append(r.Rows, rows...)
		r.events(&run, r.Rows[start:])
		r.Runs = append(r.Runs, run)
		if ctx.Err() != nil {
			return
		}
	}
}

// newResults returns a Result per detection with what the detection
// says: its deployment, risk and score.
func newResults(ds []escu.Detection, opt Options) []Result {
	out := make([]Result, len(ds))
	for i := range ds {
		d := &ds[i]
		out[i] = Result{Detection: *d, Deployment: opt.Corpus.Deployment(d), Risk: content.RiskOf(d), Score: content.RiskScore(d)}
	}
	return out
}

// each runs fn for the results on opt.Workers goroutines, skipping those
// that failed already and, with same, each detection i with same[i] != i
// (it takes the outcome of detection same[i] < i, see sameOutcome). Once
// ctx is done, each result left gets ctx's error instead.
func (c *Compiled) each(ctx context.Context, fn func(int, *Result)) {
	workers := c.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(len(c.results), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := &c.results[i]
				if err := ctx.Err(); err != nil {
					r.Err, r.Stage = err, query.StageRun
					continue
				}
				fn(i, r)
			}
		}()
	}
	for i := range c.results {
		if c.results[i].Err == nil && (c.same == nil || c.same[i] == i) {
			next <- i
		}
	}
	close(next)
	wg.Wait()
}

// sameOutcome copies what running src's search gave (the expansion,
// rows, error and warnings) into r, a detection of the same search text.
// The slices are r's own; the cells are shared.
func (r *Result) sameOutcome(src *Result) {
	r.Expanded = src.Expanded
	r.Fields = slices.Clone(src.Fields)
	r.Rows = slices.Clone(src.Rows)
	r.Err, r.Stage = src.Err, src.Stage
	r.Warnings = slices.Clone(src.Warnings)
}

// compiled records a compilation: the expansion, the warnings, or the
// error. It reports whether the query planned.
func (r *Result) compiled(q *query.Query, err error) bool {
	if q != nil && q.Expansion != nil {
		r.Expanded = q.Expansion.Text
	}
	if err != nil {
		r.Err, r.Stage = err, query.StageOf(err)
		return false
	}
	for _, w := range q.Plan.Warnings() {
		r.warn(w)
	}
	return true
}

// warn adds a warning once.
func (r *Result) warn(w string) {
	for _, have := range r.Warnings {
		if have == w {
			return
		}
	}
	r.Warnings = append(r.Warnings, w)
}

// runQuery executes q and copies its rows out of the Arrow result.
func runQuery(ctx context.Context, q *query.Query, store *datamodel.Store, run int, loc *time.Location) ([]Row, []string, error) {
	res, err := q.Run(ctx, store)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, err
	}
	defer res.Release()
	fields := res.Fields()
	tcols := timeColumns(fields)
	rows := make([]Row, res.NumRows())
	for i := range rows {
		vals := make([][]string, len(fields))
		for c := range fields {
			vals[c] = res.Cell(i, c)
		}
		rows[i] = Row{Values: vals, Run: run, Time: rowTime(vals, tcols, loc)}
	}
	return rows, fields, nil
}

// timeColumns returns the columns of _time, firstTime and lastTime, in
// that order of preference, skipping absent ones.
func timeColumns(fields []string) []int {
	var out []int
	for _, name := range []string{"_time", "firstTime", "lastTime"} {
		for i, f := range fields {
			if f == name {
				out = append(out, i)
			}
		}
	}
	return out
}

// timeLayouts are the text forms of a row's time (see the package doc).
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "01/02/2006 15:04:05", "2006-01-02 15:04:05"}

// rowTime reads the first time column that holds a time.
func rowTime(vals [][]string, cols []int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	for _, c := range cols {
		if len(vals[c]) == 0 {
			continue
		}
		if t, ok := parseTime(vals[c][0], loc); ok {
			return t
		}
	}
	return time.Time{}
}

func parseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, ok := parseISOSeconds(s, loc); ok {
		return t, true
	}
	return parseTimeLayouts(s, loc)
}

// parseTimeLayouts is parseTime without its fast path.
func parseTimeLayouts(s string, loc *time.Location) (time.Time, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.UnixMilli(int64(math.Round(f * 1000))).In(loc), true
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseISOSeconds reads "2006-01-02T15:04:05" and "2006-01-02 15:04:05"
// (ESCU's security_content_ctime format) as parseTimeLayouts does,
// without time.Parse; sure is false when s has another shape or a field
// out of range (left to parseTimeLayouts, which rejects it).
func parseISOSeconds(s string, loc *time.Location) (time.Time, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), true
}

// daysIn is the number of days of month in year.
func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
