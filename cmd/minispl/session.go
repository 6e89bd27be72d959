package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
)

// sampleXML is a small set of Sysmon events searched when no --data is
// given, so that `minispl run '...'` works out of the box.
//
//go:embed sample/sysmon_sample.xml
var sampleXML string

// sampleName names the embedded sample in ingest problems.
const sampleName = "embedded-sample.xml"

// dataExts are the file name extensions read from a --data folder: XmlWinEventLog text, JSON
// lines (OTRF/NXLog shape) and zip archives of either; datamodel sniffs each file's format.
var dataExts = []string{".log", ".txt", ".xml", ".json", ".jsonl", ".zip"}

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

// loadData ingests every path (a file, or a folder searched recursively
// for the dataExts files) and returns what this call added. Every
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
	before := s.store.Stats()
	var (
		files []string
		total int64
	)
	for _, p := range paths {
		fs, err := dataFiles(p)
		if err != nil {
			return datamodel.Stats{}, fmt.Errorf("load data: %w", err)
		}
		for _, f := range fs {
			if st, err := os.Stat(f); err == nil {
				total += st.Size()
			}
		}
		files = append(files, fs...)
	}
	prog := startProgress(s.progress, total, s.progressMin)
	defer prog.finish()
	read := 0 // files ingested through Ingest, which does not count them
	var err error
	for _, f := range files {
		read++
		if err = s.ingestFile(ctx, f, prog); err != nil {
			break
		}
	}
	st := s.store.Stats().Since(before)
	st.Files += read
	return st, err
}

// ingestFile ingests one file, through the progress bar's counting reader
// when there is a bar, stopping when ctx is done.
func (s *session) ingestFile(ctx context.Context, path string, prog *ingestProgress) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("load data: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if ctx.Done() != nil {
		r = &ctxReader{ctx: ctx, r: r}
	}
	if prog != nil {
		r = prog.reader(r)
	}
	if err := s.store.Ingest(r, path); err != nil {
		if ctx.Err() != nil {
			return errIngestCancelled
		}
		return fmt.Errorf("load data: %s: %w", path, err)
	}
	return nil
}

// ctxReader fails its reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c *ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}

// errIngestCancelled reports an ingest stopped by Ctrl-C.
var errIngestCancelled = errors.New("loading cancelled; the events read before it are kept")

// loadSample ingests the embedded sample events.
func (s *session) loadSample() (datamodel.Stats, error) {
	before := s.store.Stats()
	if err := s.store.Ingest(strings.NewReader(sampleXML), sampleName); err != nil {
		return datamodel.Stats{}, fmt.Errorf("embedded sample: %w", err)
	}
	st := s.store.Stats().Since(before)
	st.Files++ // Ingest on a reader does not count files
	return st, nil
}

// dataFiles returns the files to read for a --data path. Errors name the
// path and say what was wanted: a missing path, a binary .evtx file (only
// Splunk's XmlWinEventLog text is read) and a folder holding no event file
// (saying when it holds .evtx files) are each a clear error rather than an
// empty result.
func dataFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file or folder", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(path), ".evtx") {
			return nil, fmt.Errorf("%s: %s", path, evtxNote)
		}
		return []string{path}, nil
	}
	var (
		files []string
		evtx  int
	)
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch ext := strings.ToLower(filepath.Ext(p)); {
		case slices.Contains(dataExts, ext):
			files = append(files, p)
		case ext == ".evtx":
			evtx++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(files) == 0 {
		msg := fmt.Sprintf("%s: no %s file in the folder or below it", path, strings.Join(dataExts, ", "))
		if evtx > 0 {
			msg += fmt.Sprintf(" (it holds %s: %s)", english.Plural(evtx, ".evtx file"), evtxNote)
		}
		return nil, errors.New(msg)
	}
	return files, nil
}

// evtxNote explains why .evtx files are not read.
const evtxNote = "binary .evtx files are not read; export the events as XmlWinEventLog text (one <Event> element per event, as Splunk indexes them)"

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
	res, err := q.Run(ctx, s.store)
	if err != nil {
		if ctx.Err() != nil {
			return nil, errCancelled
		}
		return nil, fmt.Errorf("execute: %w", err)
	}
	return res, nil
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
