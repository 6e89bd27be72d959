package query

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
)

// Options configure an Env.
type Options struct {
	// Macros is the macro library searches expand with; nil means
	// macros.Default(). The Env keeps the library, so definitions loaded
	// into it later are seen by later compilations.
	Macros *macros.Library
	// Catalog is the data model catalog searches plan against; nil means
	// datamodel.DefaultCatalog().
	Catalog *datamodel.Catalog
	// Engine holds the engine options: lookup folders, time window,
	// reference time, time zone and batch size.
	Engine engine.Options
	// Cache, when set, memoises the compilations of one batch (a hunt's
	// searches); nil compiles every search from scratch. The results are
	// the same either way (Cache).
	Cache *Cache
}

// Cache keeps what the compilations of one batch of searches share: the
// parse of each pipeline stage by its text (spl.Memo: ESCU's searches end
// with the same rename, converts and filter) and each lookup table
// (engine.PlanCache: resolving a table name reads every definition of the
// lookup folders). A compiled query is the same with and without it
// (TestCacheSamePlans). It also holds the row index the searches' tstats
// scans share (engine.RowIndex: the rows of each dictionary entry of the
// columns their WHERE clauses test, built when a second search asks,
// within engine.DefaultRowIndexBytes; the rows selected are the same
// without it). A Cache holds every distinct stage and table it has seen,
// reads a lookup file once and keeps the batches it indexed alive, so it
// is for one batch over one store, a hunt or a schedule, and the Envs of
// the batch share it; it is safe for concurrent use.
type Cache struct {
	memo  *spl.Memo
	plan  *engine.PlanCache
	index *engine.RowIndex
}

// NewCache returns an empty Cache.
func NewCache() *Cache {
	return &Cache{memo: spl.NewMemo(), plan: engine.NewPlanCache(), index: engine.NewRowIndex(0)}
}

// Env is what searches compile against. It is cheap to build and safe for
// concurrent compilations as long as its macro library is not being
// loaded into.
type Env struct {
	macros *macros.Library
	cat    *datamodel.Catalog
	opt    engine.Options
	// planner plans searches; it has no store, since planning needs the
	// catalog and the lookup folders but no events.
	planner *engine.Engine
	// parse is the front door's one call of the SPL parser: spl.Parse,
	// or the Cache's memo.
	parse func(text string) (*spl.Pipeline, error)
}

// NewEnv returns an Env with opt's macros, catalog and engine options.
func NewEnv(opt Options) *Env {
	if opt.Macros == nil {
		opt.Macros = macros.Default()
	}
	if opt.Catalog == nil {
		opt.Catalog = datamodel.DefaultCatalog()
	}
	e := &Env{macros: opt.Macros, cat: opt.Catalog, parse: spl.Parse}
	if opt.Cache != nil {
		e.parse = opt.Cache.memo.Parse
		opt.Engine.Cache = opt.Cache.plan
		if opt.Engine.Index == nil {
			opt.Engine.Index = opt.Cache.index
		}
	}
	opt.Engine.ParseSearch = e.parseSearch
	e.opt = opt.Engine
	e.planner = engine.New(opt.Catalog, nil, opt.Engine)
	return e
}

// parseSearch expands and parses a search that the engine makes while it
// plans or runs (map's search= with its $tokens$ replaced): the one place
// besides Compile where text becomes a pipeline. Errors are positioned in
// the expanded text.
func (e *Env) parseSearch(text string) (*spl.Pipeline, error) {
	x, err := e.macros.Expand(text)
	if err != nil {
		return nil, err
	}
	return e.parse(x.Text)
}

// Macros returns the Env's macro library.
func (e *Env) Macros() *macros.Library { return e.macros }

// Catalog returns the Env's data model catalog.
func (e *Env) Catalog() *datamodel.Catalog { return e.cat }

// Lookups lists the lookup definitions of the engine options' lookup
// folders, by the rules planning uses to find them (engine.Engine.Lookups).
func (e *Env) Lookups() ([]engine.LookupInfo, error) { return e.planner.Lookups() }

// Stage is a step from text to rows; a search fails at one of them.
type Stage string

// The stages, in order.
const (
	StageExpand Stage = "expand"
	StageParse  Stage = "parse"
	StagePlan   Stage = "plan"
	StageRun    Stage = "run"
)

// Error is an error of one stage of a search. Its text is that of Err,
// which for the compile stages is usually an *spl.Error positioned in the
// user's text.
type Error struct {
	Stage Stage
	Err   error
}

// Error returns Err's text.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// StageOf returns the stage an error of this package failed at, "" for
// any other error.
func StageOf(err error) Stage {
	var qe *Error
	if errors.As(err, &qe) {
		return qe.Stage
	}
	return ""
}

// Query is a compiled search.
type Query struct {
	// Text is the search as the user wrote it.
	Text string
	// Expansion is the macro-expanded text with its source map back to
	// Text; nil when expansion failed.
	Expansion *macros.Expansion
	// Pipeline is the parsed expanded search; nil when expansion or
	// parsing failed.
	Pipeline *spl.Pipeline
	// Plan is the checked, executable search; nil when any stage failed.
	Plan *engine.Plan

	env *Env
}

// Result is the rows of a search (the engine's result: columns in order,
// Arrow batches, cells as strings). The caller releases it.
type Result = engine.Result

// Expand expands the macros of text. An error is a *query.Error of
// StageExpand positioned in text.
func (e *Env) Expand(text string) (*macros.Expansion, error) {
	x, err := e.macros.Expand(text)
	if err != nil {
		return nil, &Error{Stage: StageExpand, Err: withText(err, text)}
	}
	return x, nil
}

// Compile expands, parses and plans text. It always returns a Query,
// filled as far as the stages got, so that a caller can show the expanded
// text or the AST of a search that fails to plan; the error, if any, is a
// *query.Error naming the failed stage, and its *spl.Error (found with
// errors.As) is positioned in text.
func (e *Env) Compile(text string) (*Query, error) {
	q := &Query{Text: text, env: e}
	x, err := e.Expand(text)
	if err != nil {
		return q, err
	}
	q.Expansion = x
	p, err := e.parse(x.Text)
	if err != nil {
		return q, &Error{Stage: StageParse, Err: relocate(x, err)}
	}
	q.Pipeline = p
	if err := e.expandMapSearches(p); err != nil {
		return q, &Error{Stage: StageExpand, Err: relocate(x, err)}
	}
	plan, err := e.planner.Plan(p)
	if err != nil {
		return q, &Error{Stage: StagePlan, Err: relocate(x, err)}
	}
	q.Plan = plan
	return q, nil
}

// Run executes a compiled query over store's events. The error of a
// cancelled ctx wraps ctx's error; any error is a *query.Error of
// StageRun. The caller releases the result.
func (q *Query) Run(ctx context.Context, store *datamodel.Store) (*Result, error) {
	if q.Plan == nil {
		return nil, &Error{Stage: StageRun, Err: errors.New("run: the search did not compile")}
	}
	res, err := engine.New(q.env.cat, store, q.env.opt).Execute(ctx, q.Plan)
	if err != nil {
		return nil, &Error{Stage: StageRun, Err: err}
	}
	return res, nil
}

// Profile is what an execution counted: rows in and out and time per
// stage, and per tstats scan its window, WHERE predicates and fields.
type Profile = engine.Profile

// ScanProfile is what a tstats scan found (engine.ScanProfile).
type ScanProfile = engine.ScanProfile

// Explain executes a compiled query as Run does and also returns its
// Profile (engine.Engine.ExecuteProfile): what "why did this return
// nothing?" needs. The caller releases the result.
func (q *Query) Explain(ctx context.Context, store *datamodel.Store) (*Result, *Profile, error) {
	if q.Plan == nil {
		return nil, nil, &Error{Stage: StageRun, Err: errors.New("explain: the search did not compile")}
	}
	res, prof, err := engine.New(q.env.cat, store, q.env.opt).ExecuteProfile(ctx, q.Plan)
	if err != nil {
		return nil, prof, &Error{Stage: StageRun, Err: err}
	}
	return res, prof, nil
}

// Location is the time zone the Env's searches render and snap times in
// (engine.Options.Location; UTC when unset).
func (e *Env) Location() *time.Location {
	if e.opt.Location == nil {
		return time.UTC
	}
	return e.opt.Location
}

// relocate moves an error found in the expanded text x.Text to the place
// in x.Original it came from. An *spl.Error without Text is taken to be
// about x.Text (the engine leaves Text empty).
func relocate(x *macros.Expansion, err error) error {
	return withText(x.Relocate(withText(err, x.Text)), x.Original)
}

// withText sets the Text of an *spl.Error that has none to text, on a
// copy.
func withText(err error, text string) error {
	var se *spl.Error
	if errors.As(err, &se) && se.Text == "" {
		c := *se
		c.Text = text
		return &c
	}
	return err
}

// expandMapSearches expands the macros of the quoted search= text of every
// map command of p, in place: the macros package leaves quoted strings
// alone, but Splunk runs map's search as a search of its own, with its
// macros (ESCU writes map search="search `wineventlog_security` ...").
// An expansion error is positioned at the quoted text.
func (e *Env) expandMapSearches(p *spl.Pipeline) error {
	var err error
	spl.Inspect(p, func(n spl.Node) bool {
		m, ok := n.(*spl.Map)
		if !ok || err != nil {
			return err == nil
		}
		for i := range m.Options {
			o := &m.Options[i]
			if o.Key != "search" || !strings.Contains(o.Value.Text, "`") {
				continue
			}
			x, xerr := e.macros.Expand(o.Value.Text)
			if xerr != nil {
				msg := xerr.Error()
				var se *spl.Error
				if errors.As(xerr, &se) {
					msg = se.Msg
				}
				err = &spl.Error{Pos: o.Value.Pos, Msg: "map search: " + msg}
				return false
			}
			o.Value.Text = x.Text
		}
		return true
	})
	return err
}

// ReadsEvents reports whether some compiled query may search raw events
// (engine.ReadsEvents); when none does, ingest may leave the events' texts
// out (datamodel.IngestOptions.NoEventStore). A query that did not compile
// counts as reading them.
func ReadsEvents(qs ...*Query) bool {
	plans := make([]*engine.Plan, 0, len(qs))
	for _, q := range qs {
		if q == nil || q.Plan == nil {
			return true
		}
		plans = append(plans, q.Plan)
	}
	return engine.ReadsEvents(plans...)
}

// EventFields returns the fields the compiled queries' searches over raw
// events can read from the event store (engine.EventFields): an event
// store that keeps only these (datamodel.Store.SetEventFields) gives them
// the same results. all is set when some query needs every field, or did
// not compile.
func EventFields(qs ...*Query) (names []string, all bool) {
	plans := make([]*engine.Plan, 0, len(qs))
	for _, q := range qs {
		if q == nil || q.Plan == nil {
			return nil, true
		}
		plans = append(plans, q.Plan)
	}
	return engine.EventFields(plans...)
}

// Datasets returns the datasets the compiled queries read
// (engine.Datasets): ingest may leave the others' rows out
// (datamodel.Store.SetDatasets). ok is false when a query may read any,
// or did not compile.
func Datasets(qs ...*Query) (names []string, ok bool) {
	plans := make([]*engine.Plan, 0, len(qs))
	for _, q := range qs {
		if q == nil || q.Plan == nil {
			return nil, false
		}
		plans = append(plans, q.Plan)
	}
	return engine.Datasets(plans...)
}

// DatasetColumns returns, per dataset, the columns the compiled queries
// read (engine.DatasetColumns): summaries read with only these
// (summaries.ReadOptions.Columns) give the queries the same results. A
// dataset absent from the map, or every dataset when ok is false, is
// read whole; queries that did not compile are left out.
func DatasetColumns(qs ...*Query) (cols map[string][]string, ok bool) {
	var plans []*engine.Plan
	for _, q := range qs {
		if q != nil && q.Plan != nil {
			plans = append(plans, q.Plan)
		}
	}
	return engine.DatasetColumns(plans...)
}

// RawFilter returns the ingest pre-filter of the compiled queries
// (engine.RawFilter, see its soundness argument): ingesting with it leaves
// out events that none of the queries can match. It returns nil (keep
// every event) when a query did not compile or may match any event.
func RawFilter(qs ...*Query) *datamodel.RawFilter {
	plans := make([]*engine.Plan, 0, len(qs))
	for _, q := range qs {
		if q == nil || q.Plan == nil {
			return nil
		}
		plans = append(plans, q.Plan)
	}
	if len(qs) == 0 {
		return nil
	}
	return engine.RawFilter(qs[0].env.cat, plans...)
}
