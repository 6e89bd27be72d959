package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/render"
)

// location is the zone of the session's times (--tz).
func (s *session) location() *time.Location { return s.env.Location() }

// explain compiles and runs text with the engine's counters
// (query.Query.Explain). The caller releases the result.
func (s *session) explain(ctx context.Context, text string) (*query.Query, *query.Result, *query.Profile, error) {
	q, err := s.compile(text)
	if err != nil {
		return q, nil, nil, err
	}
	res, prof, err := s.explainQuery(ctx, q)
	return q, res, prof, err
}

// explainQuery runs a compiled query with the engine's counters; a
// search stopped by ctx is errCancelled. The caller releases the result.
func (s *session) explainQuery(ctx context.Context, q *query.Query) (*query.Result, *query.Profile, error) {
	store, err := s.storeFor(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	res, prof, err := q.Explain(ctx, store)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, errCancelled
		}
		return nil, nil, fmt.Errorf("execute: %w", err)
	}
	return res, prof, nil
}

// explainOptions tune writeExplain.
type explainOptions struct {
	// Times shows each stage's time; tests leave it out, times vary.
	Times bool
	// Width is the terminal's width for the stage table, 0 for none.
	Width int
	// Location is the zone times are shown in.
	Location *time.Location
}

// writeExplain writes what a profiled run of a search counted: a table of
// its stages with rows in and out (and time), then for each tstats scan
// its dataset's rows and _time span, the rows in the time window, the rows
// WHERE matches and each of WHERE's top-level predicates on its own, and
// notes for what explains an empty or short result: a window that excludes
// every row (with the data's span), a predicate that matches no row, a
// name that is not a field (with the nearest field), a field never
// populated in the loaded data.
func writeExplain(w io.Writer, rows int, prof *query.Profile, opt explainOptions) error {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	bw := bufio.NewWriter(w)
	t := &stringTable{fields: []string{"stage", "rows in", "rows out"}}
	if opt.Times {
		t.fields = append(t.fields, "time")
	}
	for _, st := range prof.Stages {
		in, out := "-", "-"
		if st.Ran {
			out = english.Thousands(int(st.RowsOut))
			if st.RowsIn >= 0 {
				in = english.Thousands(int(st.RowsIn))
			}
		}
		row := []string{strings.Repeat("  ", st.Depth) + st.Text, in, out}
		if opt.Times {
			d := "-"
			if st.Ran {
				d = st.Time.Round(time.Microsecond).String()
			}
			row = append(row, d)
		}
		t.rows = append(t.rows, row)
	}
	if err := render.WriteTable(bw, t, opt.Width); err != nil {
		return err
	}
	fmt.Fprintf(bw, "result: %s\n", english.Plural(rows, "row"))
	var notes []string
	for _, sc := range prof.Scans {
		fmt.Fprintf(bw, "\ntstats over %s: %s", sc.Dataset, english.Plural(int(sc.Rows), "row"))
		span := ""
		if !sc.First.IsZero() {
			span = fmt.Sprintf("%s to %s", fmtTime(sc.First, loc), fmtTime(sc.Last, loc))
			fmt.Fprintf(bw, ", _time from %s", span)
		}
		fmt.Fprintln(bw)
		if sc.Window {
			fmt.Fprintf(bw, "  time window %s: %s\n", fmtWindow(sc, loc), english.Plural(int(sc.InWindow), "row"))
			if sc.InWindow == 0 && sc.Rows > 0 {
				notes = append(notes, fmt.Sprintf("the time window %s excludes all %s of %s, whose _time spans %s", fmtWindow(sc, loc), english.Plural(int(sc.Rows), "row"), sc.Dataset, span))
			}
		}
		if sc.Where != "" {
			fmt.Fprintf(bw, "  WHERE %s: %s", sc.Where, english.Plural(int(sc.WhereRows), "row"))
			if sc.Window {
				fmt.Fprintf(bw, ", %s in the time window", english.Thousands(int(sc.Selected)))
			}
			fmt.Fprintln(bw)
		}
		if len(sc.Predicates) > 1 || (len(sc.Predicates) == 1 && sc.Where == "") {
			fmt.Fprintln(bw, "  each predicate of WHERE on its own (rows of the dataset it matches):")
			wid := 0
			for _, p := range sc.Predicates {
				wid = max(wid, len(english.Thousands(int(p.Matched))))
			}
			for _, p := range sc.Predicates {
				fmt.Fprintf(bw, "    %*s  %s\n", wid, english.Thousands(int(p.Matched)), p.Text)
			}
		}
		for _, p := range sc.Predicates {
			if p.Matched == 0 && sc.Rows > 0 {
				notes = append(notes, fmt.Sprintf("%s matches no row of %s", p.Text, sc.Dataset))
			}
		}
		for _, f := range sc.Fields {
			switch {
			case !f.Known && f.Suggestion != "":
				notes = append(notes, fmt.Sprintf("%s is not a field of %s; did you mean %s?", f.Name, sc.Dataset, f.Suggestion))
			case !f.Known:
				notes = append(notes, fmt.Sprintf("%s is not a field of %s (.fields %s lists them)", f.Name, sc.Dataset, sc.Dataset))
			case sc.Rows > 0 && f.Values == 0:
				notes = append(notes, fmt.Sprintf("%s is never populated in the loaded data (null or empty in all %s)", f.Name, english.Plural(int(sc.Rows), "row")))
			case sc.Rows > 0 && f.Values == f.Unknown:
				notes = append(notes, fmt.Sprintf("%s is never populated in the loaded data (all %s hold unknown, CIM's value for a field the event lacks)", f.Name, english.Plural(int(sc.Rows), "row")))
			}
		}
		if sc.Rows == 0 {
			notes = append(notes, fmt.Sprintf("no row of %s is loaded (.datamodels shows the rows per dataset)", sc.Dataset))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(bw)
	}
	for _, n := range notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	return bw.Flush()
}

// fmtTime shows a time as render shows _time.
func fmtTime(t time.Time, loc *time.Location) string {
	return render.FormatTime(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64), loc)
}

// fmtWindow shows a scan's time window as [earliest, latest).
func fmtWindow(sc query.ScanProfile, loc *time.Location) string {
	lo, hi := "-inf", "+inf"
	if !sc.Earliest.IsZero() {
		lo = fmtTime(sc.Earliest, loc)
	}
	if !sc.Latest.IsZero() {
		hi = fmtTime(sc.Latest, loc)
	}
	return "[" + lo + ", " + hi + ")"
}

// dotExplain runs SEARCH, or else the last search, with the engine's
// counters and prints what they found (writeExplain); the rows are not
// printed.
func (r *repl) dotExplain(ctx context.Context, text string) {
	if text == "" {
		text = r.last
	}
	if text == "" {
		r.errorf(".explain needs a search, or a search run before it")
		return
	}
	q, res, prof, err := r.s.explain(ctx, text)
	if q != nil && q.Plan != nil {
		for _, w := range q.Plan.Warnings() {
			fmt.Fprintf(r.stderr, "warning: %s\n", w)
		}
	}
	if err != nil {
		r.failed = true
		fmt.Fprintln(r.stderr, formatError(err, nil))
		return
	}
	defer res.Release()
	if err := writeExplain(r.stdout, res.NumRows(), prof, explainOptions{Times: !r.hideTimes, Width: r.termWidth(), Location: r.s.location()}); err != nil {
		r.errorf("%v", err)
	}
}

// topValues is how many values .fields shows per field.
const topValues = 3

// fieldSummary is .fields DATASET's table: per field as written in
// tstats, its type, the rows that have a value (not null, not empty; as
// Splunk's field summary counts events with the field) with their share
// of the dataset's rows, the distinct values, and the most frequent
// values with their counts (ties in value order), like Splunk's field
// sidebar and duckdb's SUMMARIZE.
func fieldSummary(ctx context.Context, s *session, d *datamodel.Dataset) (*stringTable, error) {
	batches := s.store.Batches(d)
	total := 0
	for _, b := range batches {
		total += int(b.NumRows())
	}
	t := &stringTable{fields: []string{"field", "type", "rows with a value", "distinct", "top values", "notes"}}
	for _, row := range datasetRows(nil, d) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, typ, note := row[1], row[2], row[3]
		if note == `"unknown" when null or empty` {
			note = "unknown if null" // CIM's fill value
		}
		col := strings.TrimPrefix(name, d.Name+".")
		counts := map[string]int{}
		n := 0
		for _, b := range batches {
			idx := b.Schema().FieldIndices(col)
			if len(idx) == 0 {
				continue
			}
			n += countColumn(b.Column(idx[0]), counts, s.location())
		}
		share := ""
		if total > 0 {
			share = fmt.Sprintf(" (%d%%)", n*100/total)
		}
		t.rows = append(t.rows, []string{name, typ, english.Thousands(n) + share, english.Thousands(len(counts)), top(counts, topValues), note})
	}
	if total == 0 {
		t.fields[2] = "rows with a value (none loaded)"
	}
	return t, nil
}

// countColumn adds the values of a column to counts and returns the rows
// with a value (not null, not empty). Times are counted as rendered.
func countColumn(a arrow.Array, counts map[string]int, loc *time.Location) int {
	n := 0
	add := func(v string) {
		if v != "" {
			counts[v]++
			n++
		}
	}
	switch c := a.(type) {
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				continue
			}
			if ok {
				add(dict.Value(c.GetValueIndex(i)))
			} else {
				add(c.Dictionary().ValueStr(c.GetValueIndex(i)))
			}
		}
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		for i := 0; i < c.Len(); i++ {
			if !c.IsNull(i) {
				add(c.Value(i).ToTime(unit).In(loc).Format("2006-01-02T15:04:05.000-07:00"))
			}
		}
	default:
		for i := 0; i < a.Len(); i++ {
			if !a.IsNull(i) {
				add(a.ValueStr(i))
			}
		}
	}
	return n
}

// top returns the k most frequent values as "value (count)", the most
// frequent first, ties in value order; long values are cut to 40
// characters.
func top(counts map[string]int, k int) string {
	vals := make([]string, 0, len(counts))
	for v := range counts {
		vals = append(vals, v)
	}
	slices.SortFunc(vals, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, v := range vals[:min(k, len(vals))] {
		shown := v
		if r := []rune(v); len(r) > 40 {
			shown = string(r[:39]) + "…"
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", shown, english.Thousands(counts[v])))
	}
	return strings.Join(parts, ", ")
}
