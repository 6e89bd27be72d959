package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl"
)

// Stages of a search, in order; a search fails at one of them.
const (
	stageExpand = string(query.StageExpand)
	stageParse  = string(query.StageParse)
	stagePlan   = string(query.StagePlan)
	stageRun    = string(query.StageRun)
)

// checkOptions configure checkCorpus.
type checkOptions struct {
	// Run also executes each planned search.
	Run bool
	// Verbose prints a line per search that passed.
	Verbose bool
	// TopReasons is how many of the most frequent failure reasons are
	// listed after the totals; 0 means 10.
	TopReasons int
	// Compiled, when set, holds each search compiled already (in the
	// order of the scripts), so that it is not compiled again.
	Compiled []compiledSearch
}

// compiledSearch is a search's compilation: the query, or why not.
type compiledSearch struct {
	q   *query.Query
	err error
}

// checkTotals counts how far the searches of a corpus got.
type checkTotals struct {
	Searches, Expanded, Parsed, Planned, Ran, WithResults int
	run                                                   bool
	// reasons counts failures by stage and reason without position.
	reasons map[string]int
}

// failed returns the number of searches that failed at some stage.
func (t *checkTotals) failed() int {
	if t.run {
		return t.Searches - t.Ran
	}
	return t.Searches - t.Planned
}

// String returns the totals line, e.g. "783 searches: 783 expanded, 783
// parsed, 760 planned (97.1%), 760 ran, 12 with results".
func (t *checkTotals) String() string {
	pct := 100.0
	if t.Searches > 0 {
		pct = 100 * float64(t.Planned) / float64(t.Searches)
	}
	s := fmt.Sprintf("%d searches: %d expanded, %d parsed, %d planned (%.1f%%)", t.Searches, t.Expanded, t.Parsed, t.Planned, pct)
	if t.run {
		s += fmt.Sprintf(", %d ran, %d with results", t.Ran, t.WithResults)
	}
	return s
}

// checkCorpus expands, parses and plans (and with opt.Run executes) every
// search, writing to w one line per failure:
//
//	FAIL <name> (<file:line>): <stage>: <one-line reason>
//
// with opt.Verbose one line per success ("ok <name> (<file:line>): N
// rows", or "planned" without Run), then the totals line and the most
// frequent failure reasons. A cancelled ctx stops the run; the searches not
// reached count as failed at their first stage.
func checkCorpus(ctx context.Context, s *session, scripts []script, opt checkOptions, w io.Writer) *checkTotals {
	t := &checkTotals{Searches: len(scripts), run: opt.Run, reasons: map[string]int{}}
	for i := range scripts {
		sc := &scripts[i]
		if ctx.Err() != nil {
			t.fail(w, sc, stageExpand, errCancelled)
			continue
		}
		var pre *compiledSearch
		if opt.Compiled != nil {
			pre = &opt.Compiled[i]
		}
		stage, rows, err := checkOne(ctx, s, sc.Text, pre, opt.Run)
		if err != nil {
			t.fail(w, sc, stage, err)
			continue
		}
		t.count(rows)
		if opt.Verbose {
			what := "planned"
			if opt.Run {
				what = fmt.Sprintf("%d rows", rows)
			}
			fmt.Fprintf(w, "ok %s (%s): %s\n", sc.Name, origin(sc), what)
		}
	}
	fmt.Fprintln(w, t.String())
	t.writeReasons(w, opt.TopReasons)
	return t
}

// checkOne takes one search as far as it goes. On error, stage is the
// stage that failed; on success it is the last stage taken, and rows is
// the row count when run. pre, when set, is text compiled already.
func checkOne(ctx context.Context, s *session, text string, pre *compiledSearch, run bool) (stage string, rows int, err error) {
	var q *query.Query
	if pre != nil {
		q, err = pre.q, pre.err
	} else {
		q, err = s.compile(text)
	}
	if err != nil {
		return string(query.StageOf(err)), 0, err
	}
	if !run {
		return stagePlan, 0, nil
	}
	rows, err = s.execute(ctx, q)
	if err != nil {
		return stageRun, 0, err
	}
	return stageRun, rows, nil
}

// fail prints a FAIL line and counts the failure.
func (t *checkTotals) fail(w io.Writer, sc *script, stage string, err error) {
	fmt.Fprintf(w, "FAIL %s (%s): %s: %s\n", sc.Name, origin(sc), stage, oneLine(err.Error()))
	t.reasons[stage+": "+oneLine(reasonOf(err))]++
	t.passed(stage)
}

// passed counts the stages before a failure at stage.
func (t *checkTotals) passed(failedAt string) {
	order := []string{stageExpand, stageParse, stagePlan, stageRun}
	counts := []*int{&t.Expanded, &t.Parsed, &t.Planned, &t.Ran}
	for i, st := range order {
		if st == failedAt {
			return
		}
		*counts[i]++
	}
}

// count counts a search that passed every stage it was taken through.
func (t *checkTotals) count(rows int) {
	t.Expanded++
	t.Parsed++
	t.Planned++
	if t.run {
		t.Ran++
		if rows > 0 {
			t.WithResults++
		}
	}
}

// writeReasons prints the most frequent failure reasons, most frequent
// first.
func (t *checkTotals) writeReasons(w io.Writer, top int) {
	if len(t.reasons) == 0 {
		return
	}
	if top <= 0 {
		top = 10
	}
	keys := make([]string, 0, len(t.reasons))
	for k := range t.reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if t.reasons[keys[i]] != t.reasons[keys[j]] {
			return t.reasons[keys[i]] > t.reasons[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintln(w, "most frequent failures:")
	for i, k := range keys {
		if i == top {
			fmt.Fprintf(w, "  ... and %d more reasons\n", len(keys)-top)
			break
		}
		fmt.Fprintf(w, "%6d  %s\n", t.reasons[k], k)
	}
}

// origin is "file:line" of a script, or its name's place when it has no
// file.
func origin(sc *script) string {
	if sc.File == "" {
		return "command line"
	}
	return fmt.Sprintf("%s:%d", sc.File, sc.Line)
}

// reasonOf is err without its position, for grouping failures.
func reasonOf(err error) string {
	var se *spl.Error
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

// lineBreaks turns line breaks into spaces.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// oneLine folds the lines of s into one.
func oneLine(s string) string {
	return lineBreaks.Replace(strings.TrimSpace(s))
}
