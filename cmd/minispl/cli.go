package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/render"
)

// CLI is the command line, parsed by kong.
type CLI struct {
	Run        RunCmd        `cmd:"" help:"Run searches over events and print their results."`
	Check      CheckCmd      `cmd:"" help:"Expand and parse searches without data; print the expanded search."`
	Hunt       HuntCmd       `cmd:"" help:"Run many detections over the same events; print what fired, by risk (--timeline, --report, --as-scheduled)."`
	Test       TestCmd       `cmd:"" help:"Run detections' own tests on their attack data, as contentctl test does, offline."`
	Datamodels DatamodelsCmd `cmd:"" help:"List the data model datasets and their fields."`
	Repl       ReplCmd       `cmd:"" help:"Interactive shell (reads lines from stdin when it is not a terminal)."`
	Explain    ExplainCmd    `cmd:"" help:"Run searches with the engine's counters and print, per stage, rows in and out and time; per tstats, what its time window and each WHERE predicate keep."`
	Version    versionFlag   `name:"version" help:"Print the version and exit."`
	SQL        SQLCmd        `cmd:"" name:"sql" help:"Print the SQL of a search over the Parquet summaries, in a dialect (duckdb, clickhouse, clickhouse-18, spark, trino)."`
	Export     ExportCmd     `cmd:"" help:"Write a conformance kit: a copy of the summaries, each search's SQL in every dialect and minispl's expected rows, to run on another engine and diff."`
	Accelerate AccelerateCmd `cmd:"" help:"Summarise evidence: write every CIM dataset as Parquet under --out (DIR/<Model.Dataset>/dt=YYYY-MM-DD/part-*.parquet), for --summaries; new evidence adds files, evidence already summarised is skipped."`
}

// sourceFlags are the inputs shared by run, check and repl.
type sourceFlags struct {
	Data    []string  `short:"d" placeholder:"PATH" help:"Sysmon events: a file (XmlWinEventLog text, JSON lines, .zip, .gz, .evtx; told apart by content), a folder, read recursively, or - for standard input (repeatable). Without --data or --sample, run reads standard input when it is not a terminal."`
	Sample  bool      `help:"Search the small embedded sample of Sysmon events (also with --data); the REPL uses it when started without --data."`
	Macros  []string  `short:"m" placeholder:"PATH" help:"Macro definitions: macros.conf, ESCU macro .yml, macros.jsonl, or a folder of them (repeatable)."`
	Lookups []string  `placeholder:"DIR" help:"Lookup folder in the ESCU layout: *.yml lookup definitions and their *.csv files (repeatable)."`
	Time    timeFlags `embed:""`
	// BatchSize is for tests and experiments: results must not depend on it.
	BatchSize int    `name:"batch-size" placeholder:"N" help:"Rows per Arrow record batch (0: default)."`
	StatsJSON string `name:"stats-json" placeholder:"FILE" help:"Write what loading read as JSON to FILE (- for stderr): files read by kind and skipped by reason, events read, used by dataset and skipped by reason (the REPL: the loading at its start)."`
	Summaries string `placeholder:"DIR" help:"Search the summaries of DIR (written by minispl accelerate) as the datasets, read only for the time window; --data adds the evidence not yet summarised (tstats summariesonly=true leaves it out; allow_old_summaries=false, the default, leaves out files of another mapping version). Raw-event searches are an error."`
}

// RunCmd is `minispl run`.
type RunCmd struct {
	Source      sourceFlags `embed:""`
	Format      string      `enum:"table,csv,json,jsonl,ndjson,markdown" default:"table" help:"Output format: table, csv, json (also jsonl, ndjson: JSON lines) or markdown."`
	Explain     bool        `help:"After each search, print on stderr what its stages counted (as minispl explain)."`
	Bail        bool        `help:"Stop at the first search that fails, with status 2."`
	File        []string    `short:"f" placeholder:"FILE" help:"Run the searches of FILE: a script (searches separated by blank lines or ';', # comments, '# name: NAME' names the next search), an ESCU detection .yml, a detections .jsonl, or a folder of detections (repeatable; a security_content checkout's macros and lookups are used)."`
	FailOnEmpty bool        `name:"fail-on-empty" aliases:"expect-results" help:"Exit with status 1 when any search returns no rows (alias --expect-results: every search must return rows; without it, status 1 means that no search returned rows)."`
	Engine      string      `enum:"minispl,duckdb" default:"minispl" help:"Who runs the searches: minispl, or duckdb (embedded DuckDB over the Parquet of --summaries, each search compiled to SQL as minispl sql prints it; the same rows, in the same order; a binary built with -tags duckdb)."`
	Search      []string    `arg:"" optional:"" name:"spl" help:"The search (quote it); several arguments are joined with spaces."`
}

// CheckCmd is `minispl check`.
type CheckCmd struct {
	Source  sourceFlags `embed:""`
	ESCU    []string    `name:"escu" placeholder:"PATH" help:"Check every ESCU detection of PATH (a detections .jsonl, a detection .yml or a folder of them; repeatable, the corpora are checked as one): one FAIL line per failure, then totals per stage."`
	Execute bool        `name:"run" help:"Also execute each search over the events of --data, --sample or standard input (as run reads them)."`
	Verbose bool        `short:"v" help:"With --escu, also print one line per search that passed, with its row count."`
	AST     bool        `name:"ast" help:"Also print the parsed search in canonical SPL (not with --escu)."`
	File    []string    `short:"f" placeholder:"FILE" help:"Check the searches of FILE (script, ESCU detection .yml or detections .jsonl; repeatable)."`
	Search  []string    `arg:"" optional:"" name:"spl" help:"The search (quote it)."`
	// LoadAll loads every event field and dataset with --escu --run, as
	// if every search read them all (the results are the same; for
	// comparing).
	LoadAll bool `name:"load-all" hidden:"" help:"With --escu --run, load every event field and dataset, not only those the searches read (the results are the same)."`
}

// DatamodelsCmd is `minispl datamodels`.
type DatamodelsCmd struct {
	Format string `enum:"table,csv,json,jsonl,ndjson,markdown" default:"table" help:"Output format."`
}

// ReplCmd is `minispl repl`.
type ReplCmd struct {
	Source sourceFlags `embed:""`
	Format string      `enum:"table,csv,json,jsonl,ndjson,markdown" default:"table" help:"Initial output format (.format changes it)."`
	Bail   bool        `help:"For scripted runs: stop at the first error (a search or dot command that fails), with status 2."`
}

// searches returns the searches named by -f or the positional arguments.
func searches(e *env, files []string, args []string) ([]script, int) {
	switch {
	case len(files) > 0 && len(args) > 0:
		fmt.Fprintln(e.stderr, "minispl: give either -f FILE or a search, not both")
		return nil, exitError
	case len(files) > 0:
		var all []script
		for _, f := range files {
			scripts, err := readScripts(f)
			if err != nil {
				fmt.Fprintf(e.stderr, "error: %v\n", err)
				return nil, exitError
			}
			all = append(all, scripts...)
		}
		return all, exitOK
	case len(args) == 0:
		fmt.Fprintln(e.stderr, "minispl: no search given (pass it as an argument or use -f FILE)")
		if e.usage != nil {
			fmt.Fprintln(e.stderr)
			e.usage()
		}
		return nil, exitError
	}
	return []script{{Text: strings.Join(args, " ")}}, exitOK
}

// newSessionFrom builds a session from the flags, without data. The
// status is exitOK, exitError for a bad time flag, or exitError.
func newSessionFrom(e *env, src sourceFlags) (*session, int) {
	w, err := src.Time.resolve(time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "minispl: %v\n", err)
		return nil, exitError
	}
	s, err := newSession(sessionOptions{
		Macros: src.Macros, BatchSize: src.BatchSize, Lookups: src.Lookups, Time: w,
		Progress: e.stderr, ProgressMin: progressMinBytes,
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return nil, exitError
	}
	return s, exitOK
}

// loadSource loads the events run and check --run search: the --data
// paths ("-" is standard input), the embedded sample with --sample, or,
// with neither, standard input when it is not a terminal. It prints the
// ingest summary and problems on stderr. It fails, with the error already
// printed, when there is nothing to read or nothing usable was read: no
// event became a row of any dataset, so every search would say "0
// results" about events it never saw.
func loadSource(e *env, s *session, src sourceFlags) error {
	if src.Summaries != "" {
		return loadSummaries(e, s, src)
	}
	data, err := dataPaths(e, src)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return err
	}
	var st, sample datamodel.Stats
	if src.Sample {
		if sample, err = s.loadSample(); err != nil {
			fmt.Fprintf(e.stderr, "error: %v\n", err)
			return err
		}
	}
	note := ""
	switch {
	case len(data) == 0:
		st, note = sample, " (embedded sample; use --data for your own events)"
	default:
		st, err = s.loadInputs(e.ctx, data, e.stdin)
		if src.Sample {
			st, note = s.store.Stats(), " (with the embedded sample)"
		}
	}
	if err == nil || st.Files > 0 || len(st.SkippedFiles) > 0 {
		fmt.Fprintln(e.stderr, st.String()+note)
	}
	if src.StatsJSON != "" {
		if werr := writeStatsJSON(e.ctx, src.StatsJSON, e.stderr, st); werr != nil {
			fmt.Fprintf(e.stderr, "error: --stats-json: %v\n", werr)
			if err == nil {
				err = werr
			}
		}
	}
	for _, p := range problemLines(st) {
		fmt.Fprintln(e.stderr, p)
	}
	if err == nil {
		err = usable(st, data)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return err
	}
	return nil
}

// loadStatus is the exit status of a loadSource error: exitInterrupted
// when Ctrl-C stopped the loading, else exitError.
func loadStatus(err error) int {
	if errors.Is(err, errIngestCancelled) {
		return exitInterrupted
	}
	return exitError
}

// dataPaths returns the inputs a command reads besides the sample: the
// --data paths, or "-" (standard input) when there are none, no --sample,
// and standard input is not a terminal.
func dataPaths(e *env, src sourceFlags) ([]string, error) {
	n := 0
	for _, p := range src.Data {
		if p == "-" {
			n++
		}
	}
	switch {
	case n > 1:
		return nil, errors.New("--data - (standard input) can be given once")
	case len(src.Data) > 0 || src.Sample:
		return src.Data, nil
	case e.stdin == nil || isTerminal(e.stdin):
		return nil, errors.New("no events to search: give --data PATH (a file or folder, - for standard input), pipe events in, or --sample for the embedded sample")
	}
	return []string{"-"}, nil
}

// usable fails when st, what was loaded, holds no event to search: every
// well-formed event is kept for raw searches, so only malformed or absent
// input is unusable.
func usable(st datamodel.Stats, data []string) error {
	if st.Kept+st.Skipped[datamodel.SkipFiltered] > 0 { // kept, or read and unable to match
		return nil
	}
	from := []string{"the embedded sample"}
	if len(data) > 0 {
		from = make([]string, len(data))
	}
	for i, p := range data {
		from[i] = p
		if p == "-" {
			from[i] = "standard input"
		}
	}
	if st.Events == 0 {
		return fmt.Errorf("no events read from %s", strings.Join(from, ", "))
	}
	return fmt.Errorf("none of the %s read from %s can be searched (see the reasons above)", english.Plural(st.Events, "event"), strings.Join(from, ", "))
}

// Run runs the searches. Every search is expanded, parsed and planned
// before any event is read, since planning needs the data model but no
// events: a typo fails at once instead of after a long ingest, and when no
// search plans, no data is loaded at all. The searches that plan then run
// in file order, each under its header, with the errors of the others
// printed in their place.
func (c *RunCmd) Run(e *env) int {
	scripts, status := searches(e, c.File, c.Search)
	if status != exitOK {
		return status
	}
	src := c.Source
	for _, f := range c.File {
		if root := content.CheckoutOf(f); root != "" {
			src.Macros = append([]string{filepath.Join(root, "macros")}, src.Macros...)
			if lk := filepath.Join(root, "lookups"); isFolder(lk) {
				src.Lookups = append([]string{lk}, src.Lookups...)
			}
		}
	}
	if c.Engine == engineDuckDB {
		if err := c.checkSQLEngine(); err != nil {
			fmt.Fprintf(e.stderr, "minispl: %v\n", err)
			return exitError
		}
	}
	s, status := newSessionFrom(e, src)
	if status != exitOK {
		return status
	}
	queries := make([]*query.Query, len(scripts))
	errs := make([]error, len(scripts))
	planned := 0
	for i := range scripts {
		if queries[i], errs[i] = s.compile(scripts[i].Text); errs[i] == nil {
			planned++
		}
	}
	format, _ := render.ParseFormat(c.Format) // kong checked the name
	width := terminalWidth(e.stdout)
	// Several searches as JSON are one JSON-lines stream: no headers, and
	// each row names its search in search_name.
	stream := format == render.FormatJSON && len(scripts) > 1
	runOne := func(q *query.Query, sc *script, name string) (int, error) {
		return runQuery(e, s, q, sc, name, format, width, c.Explain)
	}
	if c.Engine == engineDuckDB {
		db, err := openDuckDB()
		if err != nil {
			fmt.Fprintf(e.stderr, "minispl: %v\n", err)
			return exitError
		}
		defer db.Close()
		src, err := openSQLSource(c.Source.Summaries, s.env.Catalog())
		if err != nil {
			fmt.Fprintf(e.stderr, "error: %v\n", err)
			return exitError
		}
		runOne = func(q *query.Query, sc *script, name string) (int, error) {
			return runSQLQuery(e, s, db, src, q, sc, name, format, width)
		}
	} else if planned > 0 {
		// Only the searches that compiled run: the events none of them can
		// match need not be parsed.
		var ok []*query.Query
		for i, q := range queries {
			if errs[i] == nil {
				ok = append(ok, q)
			}
		}
		s.filter = query.RawFilter(ok...)
		// The store keeps only the event fields and datasets these
		// searches read.
		s.narrow(ok, c.Source.Summaries != "")
		if err := loadSource(e, s, c.Source); err != nil {
			return loadStatus(err)
		}
	}
	status = exitOK
	withRows, empty := 0, 0
	for i := range scripts {
		sc := &scripts[i]
		if len(scripts) > 1 && !stream {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			fmt.Fprintf(e.stdout, "# %s\n", sc.Name)
		}
		err, n := errs[i], 0
		if err == nil {
			name := ""
			if stream {
				name = sc.Name
			}
			n, err = runOne(queries[i], sc, name)
		}
		switch {
		case errors.Is(err, errCancelled):
			fmt.Fprintln(e.stderr, formatError(err, sc))
			return exitInterrupted
		case err != nil:
			fmt.Fprintln(e.stderr, formatError(err, sc))
			status = exitError
			if c.Bail {
				return exitError
			}
		case n == 0:
			empty++
			if c.FailOnEmpty {
				if sc.Name != "" {
					fmt.Fprintf(e.stderr, "error: %s returned no results (--fail-on-empty)\n", sc.Name)
				} else {
					fmt.Fprintln(e.stderr, "error: the search returned no results (--fail-on-empty)")
				}
			}
		default:
			withRows++
		}
	}
	if status == exitOK && (withRows == 0 || c.FailOnEmpty && empty > 0) {
		return exitNoResults
	}
	return status
}

// isFolder reports whether p is a folder.
func isFolder(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// namedTable is a result with a first column search_name naming its
// search, for a JSON-lines stream of several searches.
type namedTable struct {
	name string
	t    render.Table
}

func (n *namedTable) Fields() []string { return append([]string{"search_name"}, n.t.Fields()...) }
func (n *namedTable) NumRows() int     { return n.t.NumRows() }
func (n *namedTable) Cell(r, c int) []string {
	if c == 0 {
		return []string{n.name}
	}
	return n.t.Cell(r, c-1)
}

// runQuery runs a compiled search with Ctrl-C cancelling it, prints its
// warnings on stderr and its result on stdout (_time as Splunk shows it,
// in --tz), and returns the number of rows. With explain it runs with the
// engine's counters and prints what they found on stderr after the
// result.
func runQuery(e *env, s *session, q *query.Query, sc *script, name string, format render.Format, width int, explain bool) (int, error) {
	warn := func(ws []string) {
		for _, w := range ws {
			if sc != nil && sc.File != "" {
				fmt.Fprintf(e.stderr, "warning: %s (%s): %s\n", sc.Name, origin(sc), w)
			} else {
				fmt.Fprintf(e.stderr, "warning: %s\n", w)
			}
		}
	}
	warn(q.Plan.Warnings())
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	var (
		res  *query.Result
		prof *query.Profile
		err  error
	)
	if explain {
		res, prof, err = s.explainQuery(ctx, q)
	} else {
		res, err = s.executeQuery(ctx, q)
	}
	if err != nil {
		return 0, err
	}
	defer res.Release()
	warn(res.Warnings())
	var t render.Table = res
	if name != "" {
		t = &namedTable{name: name, t: res}
	}
	if err := render.Write(e.stdout, t, format, render.Options{Width: width, Time: s.location()}); err != nil {
		return 0, err
	}
	if prof != nil {
		if err := writeExplain(e.stderr, res.NumRows(), prof, explainOptions{Times: true, Width: terminalWidth(e.stderr), Location: s.location()}); err != nil {
			return 0, err
		}
	}
	return res.NumRows(), nil
}

// Run checks the searches: each is expanded, parsed and planned (and with
// --run executed). With --escu it checks a detection corpus (see
// checkCorpus); otherwise it prints each expanded search, and each error
// with its place.
func (c *CheckCmd) Run(e *env) int {
	if len(c.ESCU) > 0 {
		if len(c.File) > 0 || len(c.Search) > 0 {
			fmt.Fprintln(e.stderr, "minispl: give one of --escu PATH, -f FILE or a search")
			return exitError
		}
		if c.AST {
			fmt.Fprintln(e.stderr, "minispl: --ast is not available with --escu")
			return exitError
		}
	}
	if (len(c.Source.Data) > 0 || c.Source.Sample) && !c.Execute {
		fmt.Fprintln(e.stderr, "minispl: --data and --sample are only read with --run")
		return exitError
	}
	var scripts []script
	if len(c.ESCU) > 0 {
		for _, path := range c.ESCU {
			more, skipped, err := detectionScripts(path)
			if len(skipped) > 0 {
				fmt.Fprintf(e.stderr, "note: skipped %s holding no detection, e.g. %s\n", english.Plural(len(skipped), "file"), skipped[0])
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "error: --escu: %v\n", err)
				return exitError
			}
			scripts = append(scripts, more...)
		}
	} else {
		var status int
		if scripts, status = searches(e, c.File, c.Search); status != exitOK {
			return status
		}
	}
	s, status := newSessionFrom(e, c.Source)
	if status != exitOK {
		return status
	}
	opt := checkOptions{Run: c.Execute, Verbose: c.Verbose}
	if c.Execute && len(c.ESCU) > 0 {
		// Every search is compiled before any event is read, and the
		// events are loaded with only what the compiled ones read.
		opt.Compiled = make([]compiledSearch, len(scripts))
		var ok []*query.Query
		for i := range scripts {
			cs := &opt.Compiled[i]
			if cs.q, cs.err = s.compile(scripts[i].Text); cs.err == nil {
				ok = append(ok, cs.q)
			}
		}
		if !c.LoadAll {
			s.narrow(ok, c.Source.Summaries != "")
		}
	}
	if c.Execute {
		if err := loadSource(e, s, c.Source); err != nil {
			return loadStatus(err)
		}
	}
	if len(c.ESCU) > 0 {
		t := checkCorpus(e.ctx, s, scripts, opt, e.stdout)
		if t.failed() > 0 {
			return exitError
		}
		return exitOK
	}
	return c.checkEach(e, s, scripts)
}

// checkEach checks searches one by one, printing each expanded search (and
// with --ast its canonical form, with --run its row count) on stdout and
// errors with their place on stderr.
func (c *CheckCmd) checkEach(e *env, s *session, scripts []script) int {
	status := exitOK
	for i := range scripts {
		sc := &scripts[i]
		if len(scripts) > 1 {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			fmt.Fprintf(e.stdout, "# %s\n", sc.Name)
		}
		q, err := s.compile(sc.Text)
		if q.Pipeline != nil {
			fmt.Fprintln(e.stdout, strings.TrimSpace(q.Expansion.Text))
			if c.AST {
				fmt.Fprintf(e.stdout, "ast: %s\n", q.Pipeline.String())
			}
		}
		// Planning needs no events: it finds unknown datasets, fields
		// and commands.
		if err == nil {
			for _, w := range q.Plan.Warnings() {
				fmt.Fprintf(e.stderr, "warning: %s\n", w)
			}
			if c.Execute {
				var rows int
				if rows, err = s.execute(e.ctx, q); err == nil {
					fmt.Fprintf(e.stdout, "rows: %d\n", rows)
				}
			}
		}
		if err != nil {
			fmt.Fprintln(e.stderr, formatError(err, sc))
			status = exitError
		}
	}
	return status
}

// Run lists the datasets.
func (c *DatamodelsCmd) Run(e *env) int {
	if err := render.Write(e.stdout, catalogTable(datamodel.DefaultCatalog()), formatNamed(c.Format), render.Options{Width: terminalWidth(e.stdout)}); err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	return exitOK
}

// Run starts the REPL. Its commands come from standard input, so events
// come from --data or, without it, the embedded sample, which the
// summary line says and which the first .data replaces.
func (c *ReplCmd) Run(e *env) int {
	for _, p := range c.Source.Data {
		if p == "-" {
			fmt.Fprintln(e.stderr, "minispl: the REPL reads its commands from standard input; --data - is for run and check --run")
			return exitError
		}
	}
	s, status := newSessionFrom(e, c.Source)
	if status != exitOK {
		return status
	}
	r := newREPL(s, e.stdout, e.stderr)
	r.format, _ = render.ParseFormat(c.Format) // kong checked the name
	r.bail = c.Bail
	if c.Source.Summaries != "" {
		// The summaries are the data; --data adds what they lack.
		if err := loadSummaries(e, s, c.Source); err != nil {
			return exitError
		}
		if isTerminal(e.stdin) && isTerminal(e.stdout) {
			return r.runTerminal(e.ctx)
		}
		return r.runLines(e.ctx, e.stdin)
	}
	var (
		st  datamodel.Stats
		err error
	)
	note := ""
	if len(c.Source.Data) == 0 || c.Source.Sample {
		st, err = s.loadSample()
		note = " (embedded sample; .data PATH loads your events instead)"
		r.sample = len(c.Source.Data) == 0
	}
	if err == nil && len(c.Source.Data) > 0 {
		st, err = s.loadData(c.Source.Data)
		note = ""
		if c.Source.Sample {
			st, note = s.store.Stats(), " (with the embedded sample)"
		}
	}
	if err == nil || st.Files > 0 || len(st.SkippedFiles) > 0 {
		fmt.Fprintln(e.stderr, st.String()+note)
	}
	if c.Source.StatsJSON != "" {
		if werr := writeStatsJSON(e.ctx, c.Source.StatsJSON, e.stderr, st); werr != nil {
			fmt.Fprintf(e.stderr, "error: --stats-json: %v\n", werr)
			if err == nil {
				err = werr
			}
		}
	}
	for _, p := range problemLines(st) {
		fmt.Fprintln(e.stderr, p)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	if err := usable(st, c.Source.Data); err != nil {
		fmt.Fprintf(e.stderr, "warning: %v; .data PATH loads more\n", err)
	}
	if isTerminal(e.stdin) && isTerminal(e.stdout) {
		return r.runTerminal(e.ctx)
	}
	return r.runLines(e.ctx, e.stdin)
}
