package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
)

// sampleXML is a small set of Sysmon events, searched when asked for
// (run --sample, or the REPL started without --data), so that the README's
// first command works out of the box.
//
//go:embed sample/sysmon_sample.xml
var sampleXML string

// sampleName names the embedded sample in ingest problems.
const sampleName = "embedded-sample.xml"

// maxProblems is how many ingest problems are printed after a summary.
const maxProblems = 5

// sessionOptions configure a session.
type sessionOptions struct {
	Macros    []string // macro files or folders, loaded after the built-ins
	BatchSize int      // rows per batch (0: the packages' defaults)
	// Lookups are ESCU-style lookup folders (*.yml definitions and their
	// *.csv files).
	Lookups []string
	// Time is the resolved --now, --tz, --earliest and --latest.
	Time timeWindow
	// Progress, when it is a terminal, gets a progress bar while inputs of
	// ProgressMin bytes or more are ingested; nil means never.
	Progress    io.Writer
	ProgressMin int64
}

// session holds what searches run against: the front door's Env (macro
// library, data model catalog, engine options) and the event store. run
// and repl share it.
type session struct {
	env   *query.Env
	store *datamodel.Store
	// lookups are the --lookups folders.
	lookups []string
	// window is the time window of searches.
	window      timeWindow
	progress    io.Writer
	progressMin int64
	// filter, when set, leaves out at ingest the events no search of the
	// command can match (run sets it from its compiled searches).
	filter *datamodel.RawFilter
	// noEvents, when set, loads the events without their texts: none of
	// the searches reads raw events (datamodel.IngestOptions.NoEventStore).
	noEvents bool
	// sum, with --summaries, serves the stores searches run over: the
	// summaries plus store, which then holds only the --data not yet
	// summarised.
	sum *summarySource
	// columns, when set, are the columns per dataset the command's
	// searches read (query.DatasetColumns): the summaries are read with
	// only these (summaries.ReadOptions.Columns).
	columns map[string][]string
}

// newSession builds a session with the built-in macros plus opt.Macros and
// an empty store.
func newSession(opt sessionOptions) (*session, error) {
	lib := macros.Default()
	for _, p := range opt.Macros {
		if err := lib.Load(p); err != nil {
			return nil, fmt.Errorf("--macros %s: %w", p, err)
		}
	}
	for _, d := range opt.Lookups {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("--lookups %s: %w", d, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("--lookups %s: not a folder (want a folder of lookup *.yml and *.csv files)", d)
		}
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{BatchSize: opt.BatchSize})
	env := query.NewEnv(query.Options{Macros: lib, Catalog: cat, Engine: engineOptions(opt)})
	return &session{env: env, store: store, lookups: opt.Lookups, window: opt.Time,
		progress: opt.Progress, progressMin: opt.ProgressMin}, nil
}

// narrow makes the next loads keep only what the compiled queries qs
// read: no event texts when none of them reads raw events, else only the
// event fields they read (engine.EventFields), and only the datasets they
// read (engine.Datasets), unless summaries is set: with --summaries the
// --data not yet summarised is loaded whole, and what summariesonly=true
// leaves out of it is reported, and the summaries are read with only the
// dataset columns the searches read (engine.DatasetColumns: a column
// left out is null, which no search of qs reads). A search that reads
// what was left out of the events fails, never sees it empty. It does
// not set the pre-filter (filter).
func (s *session) narrow(qs []*query.Query, summaries bool) {
	s.noEvents = !query.ReadsEvents(qs...)
	if names, all := query.EventFields(qs...); !all {
		if names == nil {
			names = []string{} // none, not every one
		}
		s.store.SetEventFields(names)
	}
	if names, known := query.Datasets(qs...); known && !summaries {
		s.store.SetDatasets(names)
	}
	if cols, ok := query.DatasetColumns(qs...); ok && summaries {
		s.columns = cols
	}
}

// stdinName names standard input in ingest reports.
const stdinName = "stdin"

// loadData ingests every path (a file or a folder, read through
// datamodel's one entry point) and returns what this call added. Every
// path is resolved to files before any is read, so a bad path loads
// nothing. A progress bar is shown when the session's progress writer is a
// terminal and the files are large enough.
func (s *session) loadData(paths []string) (datamodel.Stats, error) {
	return s.loadDataCtx(context.Background(), paths)
}

// loadDataCtx is loadData stopped by ctx (Ctrl-C during the REPL's
// .data): reading stops at once, the events read so far stay loaded (an
// event cut in the middle counts as malformed), and the error is
// errIngestCancelled.
func (s *session) loadDataCtx(ctx context.Context, paths []string) (datamodel.Stats, error) {
	return s.loadInputs(ctx, paths, nil)
}

// loadInputs is loadDataCtx where the path "-" reads stdin (named
// "stdin" in reports), after the files: they are all resolved before
// anything is read, so that a bad path reads nothing, not even stdin.
func (s *session) loadInputs(ctx context.Context, paths []string, stdin io.Reader) (datamodel.Stats, error) {
	before := s.store.Stats()
	var files []string
	for _, p := range paths {
		if p != "-" {
			files = append(files, p)
		}
	}
	prog := &barProgress{open: func(total int64) *ingestProgress { return startProgress(s.progress, total, s.progressMin) }}
	defer prog.finish()
	opt := datamodel.IngestOptions{Progress: prog, Filter: s.filter, NoEventStore: s.noEvents}
	var err error
	if len(files) > 0 {
		_, err = s.store.IngestPaths(ctx, files, opt)
	}
	if err == nil && len(files) < len(paths) {
		_, err = s.store.IngestReader(ctx, stdin, stdinName, opt)
	}
	st := s.store.Stats().Since(before)
	if err != nil {
		if ctx.Err() != nil {
			return st, errIngestCancelled
		}
		return st, fmt.Errorf("load data: %w", err)
	}
	return st, nil
}

// barProgress shows a progress bar (open decides whether there is one, from
// the total size) while datamodel ingests.
type barProgress struct {
	open func(total int64) *ingestProgress
	bar  *ingestProgress
}

// Start implements datamodel.Progress.
func (b *barProgress) Start(total int64) {
	b.bar.finish()
	b.bar = b.open(total)
}

// Add implements datamodel.Progress.
func (b *barProgress) Add(chunk []byte) {
	if b.bar != nil {
		b.bar.add(chunk)
	}
}

// finish removes the bar.
func (b *barProgress) finish() { b.bar.finish() }

// errIngestCancelled reports an ingest stopped by Ctrl-C.
var errIngestCancelled = errors.New("loading cancelled; the events read before it are kept")

// loadSample ingests the embedded sample events.
func (s *session) loadSample() (datamodel.Stats, error) {
	st, err := s.store.IngestReader(context.Background(), strings.NewReader(sampleXML), sampleName, datamodel.IngestOptions{})
	if err != nil {
		return st, fmt.Errorf("embedded sample: %w", err)
	}
	return st, nil
}

// problemLines returns the first ingest problems, indented, with a count of
// the rest.
func problemLines(st datamodel.Stats) []string {
	var out []string
	for i, p := range st.Problems {
		if i == maxProblems {
			out = append(out, fmt.Sprintf("  ... and %d more", len(st.Problems)-maxProblems))
			break
		}
		out = append(out, "  "+p)
	}
	return out
}

// compile takes text through the front door (expand, parse, plan); the
// Query holds the stages that passed, and every error that has a place is
// an *spl.Error positioned in text, the search as the user wrote it.
func (s *session) compile(text string) (*query.Query, error) {
	return s.env.Compile(text)
}

// run does expand -> parse -> plan -> execute. Every error that has a place
// is an *spl.Error positioned in text. The plan is returned when the search
// planned, for its warnings. The caller releases the result.
func (s *session) run(ctx context.Context, text string) (*query.Result, *engine.Plan, error) {
	q, err := s.compile(text)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.executeQuery(ctx, q)
	if err != nil {
		return nil, q.Plan, err
	}
	return res, q.Plan, nil
}

// executeQuery runs a compiled query over the session's store; a search
// stopped by ctx (Ctrl-C) is errCancelled. The caller releases the result.
func (s *session) executeQuery(ctx context.Context, q *query.Query) (*query.Result, error) {
	store, err := s.storeFor(ctx, q)
	if err != nil {
		return nil, err
	}
	res, err := q.Run(ctx, store)
	if err != nil {
		if ctx.Err() != nil {
			return nil, errCancelled
		}
		return nil, fmt.Errorf("execute: %w", err)
	}
	return res, nil
}

// storeFor returns the store q runs over: the session's, or with
// --summaries the summaries' store for q's tstats options.
func (s *session) storeFor(ctx context.Context, q *query.Query) (*datamodel.Store, error) {
	if s.sum == nil {
		return s.store, nil
	}
	st, err := s.sum.storeFor(ctx, q)
	if err != nil {
		if ctx.Err() != nil {
			return nil, errCancelled
		}
		return nil, fmt.Errorf("summaries: %w", err)
	}
	return st, nil
}

// execute runs a compiled query, releases its result and returns its row
// count.
func (s *session) execute(ctx context.Context, q *query.Query) (int, error) {
	res, err := s.executeQuery(ctx, q)
	if err != nil {
		return 0, err
	}
	defer res.Release()
	return res.NumRows(), nil
}

// errCancelled reports a search stopped by Ctrl-C.
var errCancelled = errors.New("search cancelled")
