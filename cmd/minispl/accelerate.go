package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/summaries"
)

// AccelerateCmd is `minispl accelerate`.
type AccelerateCmd struct {
	Data []string `short:"d" required:"" placeholder:"PATH" help:"Evidence to summarise: files or folders, read recursively, of any kind run reads (repeatable). Files already in the summaries (same path, size and time, or the same content) are skipped."`
	Out  string   `required:"" placeholder:"DIR" help:"The summaries folder; made if needed, appended to if it exists."`
	// BatchSize is for tests: results must not depend on it.
	BatchSize int    `name:"batch-size" placeholder:"N" help:"Rows per Arrow record batch while ingesting (0: default)."`
	StatsJSON string `name:"stats-json" placeholder:"FILE" help:"Write what loading read as JSON to FILE (- for stderr)."`
}

// Run summarises the evidence not yet in --out as one commit (see package
// summaries: parts under temporary names, the manifest, the renames), so
// that a killed accelerate leaves the summaries as they were or complete.
func (c *AccelerateCmd) Run(e *env) int {
	if slices.Contains(c.Data, "-") {
		fmt.Fprintln(e.stderr, "minispl: accelerate reads files, not standard input (--data -): the summaries record each input by path, size and content")
		return exitError
	}
	w, err := summaries.Create(c.Out)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	defer w.Close()
	if w.RolledForward > 0 || w.RemovedTemps > 0 {
		fmt.Fprintf(e.stderr, "accelerate: %s: repaired after an interrupted accelerate: %s renamed to their final names (committed), %s removed (not committed)\n",
			c.Out, english.Plural(w.RolledForward, "part file"), english.Plural(w.RemovedTemps, "temporary file"))
	}
	files, err := summaries.ListFiles(c.Data)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: --data: %v\n", err)
		return exitError
	}
	status, err := w.Manifest().Classify(files)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	var todo []string
	var inputs []summaries.Input
	for _, st := range status {
		if !st.Done {
			todo = append(todo, st.File)
			inputs = append(inputs, st.Input)
		}
	}
	fmt.Fprintf(e.stderr, "accelerate: %s: %s already summarised, %s to summarise\n", english.Plural(len(files), "file"),
		english.Thousands(len(files)-len(todo)), english.Thousands(len(todo)))
	if len(todo) == 0 {
		fmt.Fprintf(e.stderr, "accelerate: %s is up to date\n", c.Out)
		return exitOK
	}
	s, code := newSessionFrom(e, sourceFlags{BatchSize: c.BatchSize})
	if code != exitOK {
		return code
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	st, err := s.loadInputs(ctx, todo, nil)
	fmt.Fprintln(e.stderr, st.String())
	for _, p := range problemLines(st) {
		fmt.Fprintln(e.stderr, p)
	}
	if c.StatsJSON != "" {
		if werr := writeStatsJSON(ctx, c.StatsJSON, e.stderr, st); werr != nil {
			fmt.Fprintf(e.stderr, "error: --stats-json: %v\n", werr)
			return exitError
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v; nothing written\n", err)
		return loadStatus(err)
	}
	cs, err := w.Commit(s.env.Catalog(), s.store, inputs, summaries.WriteOptions{MinisplVersion: versionText()})
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	byDS := map[string]int64{}
	days := map[string]bool{}
	for _, p := range cs.Parts {
		byDS[p.Dataset] += p.Rows
		days[p.Day] = true
	}
	var per []string
	for _, d := range s.env.Catalog().Datasets() {
		if n := byDS[d.FullName()]; n > 0 {
			per = append(per, fmt.Sprintf("%s %s", d.FullName(), english.Thousands(int(n))))
		}
	}
	fmt.Fprintf(e.stderr, "accelerate: wrote %s in %s (%s) to %s, commit %d", english.Plural(int(cs.Rows), "row"),
		english.Plural(len(cs.Parts), "part file"), english.Plural(len(days), "day"), c.Out, cs.Seq)
	if len(per) > 0 {
		fmt.Fprintf(e.stderr, ": %s", strings.Join(per, ", "))
	}
	fmt.Fprintln(e.stderr)
	if cs.Skipped > 0 {
		fmt.Fprintf(e.stderr, "warning: %s without a _time not written\n", english.Plural(cs.Skipped, "row"))
	}
	return exitOK
}

// loadSummaries is loadSource with --summaries: the --data files already
// in the summaries are not read (their rows come from the summaries), the
// others are ingested into the session's store, and the session serves
// the summaries' stores from then on.
func loadSummaries(e *env, s *session, src sourceFlags) error {
	sum, err := newSummarySource(src.Summaries, s.env.Catalog(), s.store, s.window, src.BatchSize, e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return err
	}
	sum.columns = s.columns
	s.sum = sum
	if src.Sample {
		if _, err := s.loadSample(); err != nil {
			fmt.Fprintf(e.stderr, "error: %v\n", err)
			return err
		}
	}
	st, err := s.loadTail(e.ctx, src.Data, e.stdin)
	if err == nil && src.StatsJSON != "" {
		err = writeStatsJSON(e.ctx, src.StatsJSON, e.stderr, st)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return err
	}
	return nil
}

// loadTail ingests the paths of --data (or the REPL's .data) that the
// summaries do not hold, saying on stderr which were skipped, and returns
// what was read.
func (s *session) loadTail(ctx context.Context, paths []string, stdin io.Reader) (datamodel.Stats, error) {
	var files []string
	stdinToo := false
	for _, p := range paths {
		if p == "-" {
			stdinToo = true
		} else {
			files = append(files, p)
		}
	}
	if len(files) == 0 && !stdinToo {
		return datamodel.Stats{}, nil
	}
	list, err := summaries.ListFiles(files)
	if err != nil {
		return datamodel.Stats{}, fmt.Errorf("--data: %w", err)
	}
	status, err := s.sum.sum.Manifest().Classify(list)
	if err != nil {
		return datamodel.Stats{}, fmt.Errorf("--data: %w", err)
	}
	var tail []string
	for _, st := range status {
		if !st.Done {
			tail = append(tail, st.File)
		}
	}
	if stdinToo {
		tail = append(tail, "-")
	}
	fmt.Fprintf(s.sum.stderr, "summaries %s: --data: %s already summarised (not read), %s not yet summarised (read now)\n", s.sum.sum.Root(),
		english.Plural(countDone(status), "file"), english.Plural(len(tail), "input"))
	if len(tail) == 0 {
		return datamodel.Stats{}, nil
	}
	st, err := s.loadInputs(ctx, tail, stdin)
	fmt.Fprintln(s.sum.stderr, st.String())
	for _, p := range problemLines(st) {
		fmt.Fprintln(s.sum.stderr, p)
	}
	s.sum.invalidate()
	return st, err
}

func countDone(st []summaries.Status) int {
	n := 0
	for _, s := range st {
		if s.Done {
			n++
		}
	}
	return n
}
