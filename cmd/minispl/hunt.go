package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/ctest"
	"github.com/minispl/minispl/hunt"
	"github.com/minispl/minispl/hunt/report"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/spl/timemod"
)

// contentFlags name detections and select among them (package content).
type contentFlags struct {
	Paths      []string `arg:"" name:"detections" placeholder:"PATH" help:"Detections: a security_content checkout (its macros/ and lookups/ are used), a folder of detection .yml files, a detection .yml or a detections .jsonl (repeatable)."`
	Detection  []string `name:"detection" sep:"none" placeholder:"NAME|ID" help:"Only the detection of this name (* wildcards allowed) or id (repeatable)."`
	Type       []string `name:"type" placeholder:"TYPE" help:"Only detections of these types: TTP, Anomaly, Hunting, Correlation (repeatable, or comma-separated)."`
	Status     []string `name:"status" placeholder:"STATUS" help:"Only detections of these statuses: production, experimental, deprecated (repeatable, or comma-separated)."`
	Tag        []string `name:"tag" sep:"none" placeholder:"[KEY=]VALUE" help:"Only detections with this tag value, e.g. Azorult or analytic_story=Azorult (repeatable)."`
	MITRE      []string `name:"mitre" placeholder:"ID" help:"Only detections of these ATT&CK ids; a technique includes its sub-techniques (repeatable, or comma-separated)."`
	DataSource []string `name:"data-source" sep:"none" placeholder:"NAME" help:"Only detections reading this data source, e.g. 'Sysmon EventID 13' or 'Sysmon*' (repeatable)."`
	Workers    int      `name:"workers" placeholder:"N" help:"Detections run at once (0: one per CPU)."`
}

// filter returns the selection; without --status, skip lists the statuses
// left out.
func (f *contentFlags) filter(skip ...string) content.Filter {
	cf := content.Filter{Detections: f.Detection, Types: f.Type, Statuses: f.Status, Tags: f.Tag, MITRE: f.MITRE, DataSources: f.DataSource}
	if len(f.Status) == 0 {
		cf.ExcludeStatuses = skip
	}
	return cf
}

// HuntCmd is `minispl hunt`.
type HuntCmd struct {
	Content     contentFlags `embed:""`
	Source      sourceFlags  `embed:""`
	Timeline    string       `placeholder:"FILE" help:"Write every result row (with --as-scheduled: every notable and risk event), sorted by time, to FILE.jsonl (JSON lines) or FILE.csv."`
	Report      string       `placeholder:"FILE.html" help:"Write a self-contained HTML report: summary, timeline chart, hosts, each finding's SPL and rows."`
	AsScheduled bool         `name:"as-scheduled" help:"Run each detection as Enterprise Security schedules it (its cron, earliest and latest, ESCU's 0 * * * *, -70m@m, -10m@m by default) at every run time in [--from, --to), with its notable and risk events."`
	From        timeSpec     `placeholder:"TIME" help:"With --as-scheduled: the first run time considered (ISO 8601, epoch or a modifier relative to --now)."`
	To          timeSpec     `placeholder:"TIME" help:"With --as-scheduled: run times are before TIME."`
	Format      string       `enum:"table,csv,json,markdown" default:"table" help:"Format of the findings summary."`
	Verbose     bool         `short:"v" help:"List every detection that could not run (by default the first 5)."`
	// LoadAll loads every event field and dataset, as if every detection
	// read them all (the results are the same; for comparing).
	LoadAll bool `name:"load-all" hidden:"" help:"Load every event field and dataset, not only those the detections read (the results are the same)."`
}

// TestCmd is `minispl test`.
type TestCmd struct {
	Content    contentFlags `embed:""`
	AttackData string       `name:"attack-data" placeholder:"DIR" help:"Local checkout of splunk/attack_data: attack_data URLs map to files under DIR."`
	JUnit      string       `name:"junit" placeholder:"FILE" help:"Write the outcomes as JUnit XML to FILE."`
	Macros     []string     `short:"m" placeholder:"PATH" help:"More macro definitions (the checkout's macros/ is read already)."`
	Lookups    []string     `placeholder:"DIR" help:"More lookup folders (the checkout's lookups/ is read already)."`
	Verbose    bool         `short:"v" help:"Also list the skipped tests."`
}

// loadDetections loads and selects the detections of f, printing what it
// found on stderr. The status is exitOK or exitError.
func loadDetections(e *env, f *contentFlags, skip ...string) (*content.Corpus, int) {
	c, err := content.Load(f.Paths...)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return nil, exitError
	}
	sel, err := content.Select(c.Detections, f.filter(skip...))
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return nil, exitError
	}
	note := ""
	if len(f.Status) == 0 && len(skip) > 0 {
		note = fmt.Sprintf(" (%s left out; --status selects them)", strings.Join(skip, ", "))
	}
	from := ""
	if len(c.Checkouts) > 0 {
		from = fmt.Sprintf(", with the macros and lookups of %s", strings.Join(c.Checkouts, ", "))
	}
	fmt.Fprintf(e.stderr, "%s of %s selected%s%s\n", english.Thousands(len(sel)), english.Plural(len(c.Detections), "detection"), note, from)
	if len(sel) == 0 {
		fmt.Fprintln(e.stderr, "error: no detection selected")
		return nil, exitError
	}
	c.Detections = sel
	return c, exitOK
}

// Run hunts: every selected detection over the same events, in parallel.
func (c *HuntCmd) Run(e *env) int {
	corpus, status := loadDetections(e, &c.Content, "deprecated")
	if status != exitOK {
		return status
	}
	if c.AsScheduled != (c.From != "" || c.To != "") || c.AsScheduled && (c.From == "" || c.To == "") {
		fmt.Fprintln(e.stderr, "minispl: --as-scheduled needs --from and --to, and they need it")
		return exitError
	}
	if c.AsScheduled && (c.Source.Time.Earliest != "" || c.Source.Time.Latest != "") {
		fmt.Fprintln(e.stderr, "minispl: --earliest/--latest do not apply with --as-scheduled: each run has its detection's window")
		return exitError
	}
	var tlFormat render.Format
	if c.Timeline != "" {
		var err error
		if tlFormat, err = hunt.TimelineFormat(c.Timeline); err != nil {
			fmt.Fprintf(e.stderr, "minispl: --%v\n", err)
			return exitError
		}
	}
	src := c.Source
	src.Macros = append(append([]string{}, corpus.MacroPaths...), src.Macros...)
	src.Lookups = append(append([]string{}, corpus.LookupDirs...), src.Lookups...)
	s, status := newSessionFrom(e, src)
	if status != exitOK {
		return status
	}
	var from, to time.Time
	if c.AsScheduled {
		var err error
		if from, to, err = c.window(s.window); err != nil {
			fmt.Fprintf(e.stderr, "minispl: %v\n", err)
			return exitError
		}
	}
	if c.AsScheduled && src.Summaries != "" {
		// Each run has its own window: the summaries are read whole.
		s.window.Earliest, s.window.Latest = time.Time{}, time.Time{}
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	opt := hunt.Options{Macros: s.env.Macros(), Catalog: s.env.Catalog(), Corpus: corpus, Workers: c.Content.Workers,
		Engine: engineOptions(sessionOptions{BatchSize: src.BatchSize, Lookups: src.Lookups, Time: s.window})}
	if src.Summaries != "" {
		opt.StoreFor = s.storeFor // the summaries are loaded below
	}
	// Every detection is compiled before any event is read, and the
	// events are loaded with only what the compiled ones read.
	var compiled *hunt.Compiled
	if c.AsScheduled {
		compiled = hunt.CompileSchedule(ctx, corpus.Detections, from, to, opt)
	} else {
		compiled = hunt.Compile(ctx, corpus.Detections, opt)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "error: interrupted")
		return exitInterrupted
	}
	if !c.LoadAll {
		s.narrow(compiled.Queries(), src.Summaries != "")
	}
	if err := loadSource(e, s, src); err != nil {
		return loadStatus(err)
	}
	results := compiled.Run(ctx, s.store)
	if ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "error: interrupted")
		return exitInterrupted
	}
	c.printProblems(e, results)
	findings := hunt.Findings(results)
	if err := render.Write(e.stdout, findingsTable(findings, s.window.Location), render.Format(c.Format), render.Options{Width: terminalWidth(e.stdout)}); err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	tot := hunt.Summarize(results)
	fmt.Fprintln(e.stdout, tot.String())
	if c.AsScheduled {
		fmt.Fprintln(e.stdout, scheduledLine(results))
	}
	if c.Timeline != "" {
		if err := writeFile(ctx, c.Timeline, func(w *bufio.Writer) error {
			return hunt.NewTimeline(results, s.window.Location).Write(w, tlFormat)
		}); err != nil {
			fmt.Fprintf(e.stderr, "error: --timeline: %v\n", err)
			return writeStatus(err)
		}
	}
	if c.Report != "" {
		ropt := report.Options{Generated: time.Now(), Evidence: s.store.Stats().String(), Location: s.window.Location,
			Scheduled: c.AsScheduled, From: from, To: to}
		if err := writeFile(ctx, c.Report, func(w *bufio.Writer) error { return report.Write(w, results, ropt) }); err != nil {
			fmt.Fprintf(e.stderr, "error: --report: %v\n", err)
			return writeStatus(err)
		}
	}
	switch {
	case tot.Failed == tot.Detections:
		return exitError
	case tot.Fired == 0:
		return exitNoResults
	}
	return exitOK
}

// window resolves --from and --to against --now.
func (c *HuntCmd) window(w timeWindow) (time.Time, time.Time, error) {
	ref := w.Now
	if ref.IsZero() {
		ref = time.Now()
	}
	from, err := timemod.Resolve(string(c.From), ref, w.Location)
	if err != nil {
		return from, from, fmt.Errorf("--from %s: %w", c.From, err)
	}
	to, err := timemod.Resolve(string(c.To), ref, w.Location)
	if err != nil {
		return from, to, fmt.Errorf("--to %s: %w", c.To, err)
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("--from %s is not before --to %s", c.From, c.To)
	}
	return from, to, nil
}

// printProblems prints each warning, and the errors of detections that
// could not run (the first five without -v), naming the detection and
// its file:line.
func (c *HuntCmd) printProblems(e *env, results []hunt.Result) {
	failed := 0
	for i := range results {
		r := &results[i]
		for _, w := range r.Warnings {
			fmt.Fprintf(e.stderr, "warning: %s (%s): %s\n", r.Detection.Name, r.Detection.Origin, w)
		}
		if r.Err == nil {
			continue
		}
		failed++
		if c.Verbose || failed <= 5 {
			fmt.Fprintf(e.stderr, "error: %s (%s): %s: %s\n", r.Detection.Name, r.Detection.Origin, r.Stage, oneLine(r.Err.Error()))
		}
	}
	if failed > 5 && !c.Verbose {
		fmt.Fprintf(e.stderr, "  ... and %s more that could not run (-v lists them all)\n", english.Thousands(failed-5))
	}
}

// maxHosts is how many hosts a summary row lists; the report and the
// timeline have them all.
const maxHosts = 3

// findingsTable is the summary: one row per detection that fired.
func findingsTable(fs []hunt.Finding, loc *time.Location) *stringTable {
	t := &stringTable{fields: []string{"risk", "detection", "type", "mitre_attack_id", "hosts", "results", "first", "last"}}
	tm := func(x time.Time) string {
		if x.IsZero() {
			return ""
		}
		return x.In(loc).Format("2006-01-02 15:04:05")
	}
	for _, f := range fs {
		r := f.Result
		hosts := f.Hosts
		if len(hosts) > maxHosts {
			hosts = append(hosts[:maxHosts:maxHosts], fmt.Sprintf("(+%d)", len(f.Hosts)-maxHosts))
		}
		t.rows = append(t.rows, []string{strconv.Itoa(r.Score), r.Detection.Name, r.Detection.Type, strings.Join(r.Risk.MITRE, " "),
			strings.Join(hosts, " "), strconv.Itoa(len(r.Rows)), tm(f.First), tm(f.Last)})
	}
	return t
}

// scheduledLine counts the runs, notables and risk events.
func scheduledLine(results []hunt.Result) string {
	var runs, withRows, notables, risks int
	for _, r := range results {
		for _, run := range r.Runs {
			runs++
			if run.Rows > 0 {
				withRows++
			}
			notables += len(run.Notables)
			risks += len(run.Risks)
		}
	}
	return fmt.Sprintf("%s, %s with results: %s, %s", english.Plural(runs, "scheduled run"), english.Thousands(withRows),
		english.Plural(notables, "notable event"), english.Plural(risks, "risk event"))
}

// writeFile writes a file through a buffer into a temporary file beside
// it, renamed to name once complete, so that name never holds a partial
// output: an error of writing, flushing or closing, or ctx done (Ctrl-C)
// before the rename, removes the temporary file and leaves name as it was.
// The error is the first of those (errInterrupted when ctx is done).
func writeFile(ctx context.Context, name string, fn func(*bufio.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriter(f)
	err = fn(w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		err = f.Chmod(0o644) // as os.Create would give with umask 022
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && ctx.Err() != nil {
		err = errInterrupted
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// errInterrupted reports an output file not written because of Ctrl-C.
var errInterrupted = errors.New("interrupted; the file was not written")

// writeStatus is the exit status of a writeFile error.
func writeStatus(err error) int {
	if errors.Is(err, errInterrupted) {
		return exitInterrupted
	}
	return exitError
}

// Run tests the detections as contentctl test does, offline.
func (c *TestCmd) Run(e *env) int {
	start := time.Now()
	corpus, status := loadDetections(e, &c.Content)
	if status != exitOK {
		return status
	}
	if c.AttackData == "" {
		fmt.Fprintln(e.stderr, "minispl: --attack-data DIR is needed (a local checkout of splunk/attack_data)")
		return exitError
	}
	if st, err := os.Stat(c.AttackData); err != nil || !st.IsDir() {
		fmt.Fprintf(e.stderr, "minispl: --attack-data %s: not a folder\n", c.AttackData)
		return exitError
	}
	s, status := newSessionFrom(e, sourceFlags{Macros: append(append([]string{}, corpus.MacroPaths...), c.Macros...),
		Lookups: append(append([]string{}, corpus.LookupDirs...), c.Lookups...)})
	if status != exitOK {
		return status
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	out := ctest.Run(ctx, corpus.Detections, ctest.Options{AttackData: c.AttackData, Macros: s.env.Macros(), Catalog: s.env.Catalog(),
		Workers: c.Content.Workers, Engine: engineOptions(sessionOptions{Lookups: s.lookups, Time: s.window})})
	if ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "error: interrupted")
		return exitInterrupted
	}
	t := &stringTable{fields: []string{"status", "detection", "test", "results", "reason"}}
	for _, o := range out {
		if o.Status == ctest.Skip && !c.Verbose {
			continue
		}
		rows := ""
		if o.Status == ctest.Pass || o.Status == ctest.Fail {
			rows = strconv.Itoa(o.Rows)
		}
		reason := o.Reason
		if o.Status == ctest.Fail || o.Status == ctest.Error {
			reason = o.Detection.Origin + ": " + reason
		}
		t.rows = append(t.rows, []string{string(o.Status), o.Detection.Name, o.Test, rows, reason})
	}
	if err := render.Write(e.stdout, t, render.FormatTable, render.Options{Width: terminalWidth(e.stdout)}); err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	tot := ctest.Count(out)
	fmt.Fprintln(e.stdout, tot)
	fmt.Fprintf(e.stderr, "tested in %.1fs\n", time.Since(start).Seconds())
	if c.JUnit != "" {
		if err := writeFile(ctx, c.JUnit, func(w *bufio.Writer) error { return ctest.WriteJUnit(w, "minispl test", out) }); err != nil {
			fmt.Fprintf(e.stderr, "error: --junit: %v\n", err)
			return writeStatus(err)
		}
	}
	switch {
	case tot.Errors > 0:
		return exitError
	case tot.Failed > 0:
		return exitNoResults
	}
	return exitOK
}
