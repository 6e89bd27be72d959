package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/summaries"
)

// summaryNeeds is what a search asks of the summaries (its tstats
// options).
type summaryNeeds struct {
	// only is summariesonly=true: the summaries alone, not the --data not
	// yet summarised.
	only bool
	// allowOld is allow_old_summaries=true: also the files of another
	// mapping version.
	allowOld bool
	// wide is set when a tstats has its own earliest= or latest=, which
	// override the window: its summaries are read without time pruning.
	wide bool
}

// errRawOverSummaries is the error of a search over raw events with
// --summaries.
var errRawOverSummaries = errors.New("this search reads raw events, and summaries hold only the CIM datasets (accelerate does not summarise raw events yet): run it with --data and without --summaries")

// needsOf reads the tstats options of q. A search that reads raw events
// (a pipeline that starts with a search command, anywhere in it) is
// errRawOverSummaries: the summaries cannot answer it, and an empty
// result would be a silent wrong answer. Tstats of one search that
// disagree on summariesonly or allow_old_summaries are an error too: one
// search reads one set of rows.
func needsOf(q *query.Query) (summaryNeeds, error) {
	var n summaryNeeds
	var err error
	seen := false
	spl.Inspect(q.Pipeline, func(node spl.Node) bool {
		if err != nil {
			return false
		}
		switch x := node.(type) {
		case *spl.Pipeline:
			if len(x.Commands) > 0 {
				if _, ok := x.Commands[0].(*spl.Search); ok {
					err = errRawOverSummaries
				}
			}
		case *spl.Tstats:
			t := summaryNeeds{}
			for _, o := range x.Options {
				switch strings.ToLower(o.Key) {
				case "summariesonly":
					t.only = isTrueOption(o.Value.Text)
				case "allow_old_summaries":
					t.allowOld = isTrueOption(o.Value.Text)
				}
			}
			if x.Where != nil {
				spl.Inspect(x.Where, func(w spl.Node) bool {
					if c, ok := w.(*spl.SearchCompare); ok {
						if f := strings.ToLower(c.Field); f == "earliest" || f == "latest" {
							t.wide = true
						}
					}
					return true
				})
			}
			if seen && (t.only != n.only || t.allowOld != n.allowOld) {
				err = errors.New("the tstats of this search disagree on summariesonly or allow_old_summaries; with --summaries one search reads one set of rows")
				return false
			}
			n.only, n.allowOld, n.wide, seen = t.only, t.allowOld, n.wide || t.wide, true
		}
		return true
	})
	return n, err
}

// isTrueOption is a tstats boolean option's truth, as the engine reads
// them.
func isTrueOption(s string) bool {
	switch strings.ToLower(strings.Trim(s, `"`)) {
	case "t", "true", "1", "yes", "y":
		return true
	}
	return false
}

// summarySource serves the stores searches run over with --summaries:
// the summaries' rows, read once per time window (the session's, or
// unbounded for a tstats with its own earliest=/latest=), plus the rows
// of the --data not yet summarised (tail) unless summariesonly=true. It
// is safe for concurrent use (hunt asks from its workers); each store is
// built once and only read afterwards.
type summarySource struct {
	sum     *summaries.Summaries
	cat     *datamodel.Catalog
	tail    *datamodel.Store
	window  timeWindow
	version string // this minispl's mapping version
	// columns, when set, are the only columns read (ReadOptions.Columns):
	// those the session's searches read, known before the first read.
	columns map[string][]string
	batch   int
	stderr  io.Writer

	mu     sync.Mutex
	loaded map[bool][]summaries.Batch // by wide
	stores map[summaryNeeds]*datamodel.Store
	// rows counts the rows read, over every load, for the summary line.
	stats []summaries.ReadStats
}

// newSummarySource opens the summaries of root.
func newSummarySource(root string, cat *datamodel.Catalog, tail *datamodel.Store, w timeWindow, batch int, stderr io.Writer) (*summarySource, error) {
	sum, err := summaries.Open(root)
	if err != nil {
		return nil, err
	}
	return &summarySource{sum: sum, cat: cat, tail: tail, window: w, version: summaries.MappingVersion(cat), batch: batch,
		stderr: stderr, loaded: map[bool][]summaries.Batch{}, stores: map[summaryNeeds]*datamodel.Store{}}, nil
}

// storeFor returns the store q runs over.
func (s *summarySource) storeFor(ctx context.Context, q *query.Query) (*datamodel.Store, error) {
	n, err := needsOf(q)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.stores[n]; st != nil {
		return st, nil
	}
	batches, ok := s.loaded[n.wide]
	if !ok {
		ro := summaries.ReadOptions{Columns: s.columns}
		if !n.wide {
			ro.Earliest, ro.Latest = s.window.Earliest, s.window.Latest
		}
		var rs summaries.ReadStats
		batches, rs, err = s.sum.Read(ctx, s.cat, ro)
		if err != nil {
			return nil, err
		}
		s.loaded[n.wide] = batches
		s.stats = append(s.stats, rs)
		fmt.Fprintf(s.stderr, "summaries %s: %s%s\n", s.sum.Root(), rs.String(), windowNote(ro))
	}
	st := datamodel.NewStore(s.cat, datamodel.Options{BatchSize: s.batch})
	skipped := map[string]int{}
	for _, b := range batches {
		if !n.allowOld && b.MappingVersion != s.version {
			skipped[b.MappingVersion] += int(b.Record.NumRows())
			continue
		}
		d, _ := s.cat.Lookup(b.Dataset)
		st.AddBatch(d, b.Record)
	}
	if len(skipped) > 0 {
		vs := slices.Sorted(maps.Keys(skipped))
		total := 0
		for _, v := range vs {
			total += skipped[v]
		}
		fmt.Fprintf(s.stderr, "summaries %s: allow_old_summaries=false: skipped %s of mapping version %s (this minispl maps with %s; accelerate again, or allow_old_summaries=true)\n",
			s.sum.Root(), english.Plural(total, "row"), strings.Join(vs, ", "), s.version)
	}
	tailRows := 0
	for _, d := range s.cat.Datasets() {
		for _, b := range s.tail.Batches(d) {
			tailRows += int(b.NumRows())
			if !n.only {
				st.AddBatch(d, b)
			}
		}
	}
	if n.only && tailRows > 0 {
		fmt.Fprintf(s.stderr, "summaries %s: summariesonly=true: %s of --data not yet summarised not searched\n", s.sum.Root(), english.Plural(tailRows, "row"))
	}
	s.stores[n] = st
	return st, nil
}

// windowNote names the time window a read pruned by.
func windowNote(ro summaries.ReadOptions) string {
	if ro.Earliest.IsZero() && ro.Latest.IsZero() {
		return ""
	}
	f := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return " [" + f(ro.Earliest) + ", " + f(ro.Latest) + ")"
}

// invalidate drops the stores built so far (not the summaries read):
// the tail changed. No search may be running.
func (s *summarySource) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.stores {
		st.Release()
		delete(s.stores, k)
	}
}

// release releases every store and batch read.
func (s *summarySource) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.stores {
		st.Release()
		delete(s.stores, k)
	}
	for k, bs := range s.loaded {
		summaries.Release(bs)
		delete(s.loaded, k)
	}
}
