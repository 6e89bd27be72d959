package summaries_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/spl/escu"
	"github.com/minispl/minispl/summaries"
)

// sharedDir is ../shared beside the checkout, seen from this package.
var sharedDir = filepath.Join("..", "..", "shared")

// escuTstats are the ESCU detection files of tstats searches.
var escuTstats = []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"}

// fromSummaries writes store's datasets as summaries under a temporary
// folder, reads them back whole and returns a store of them.
func fromSummaries(tb testing.TB, cat *datamodel.Catalog, store *datamodel.Store) *datamodel.Store {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "sum")
	if _, err := summaries.Write(dir, cat, store); err != nil {
		tb.Fatal(err)
	}
	return readStore(tb, cat, dir, summaries.ReadOptions{})
}

// readStore reads the summaries of dir into a new store.
func readStore(tb testing.TB, cat *datamodel.Catalog, dir string, opt summaries.ReadOptions) *datamodel.Store {
	tb.Helper()
	sum, err := summaries.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	batches, _, err := sum.Read(context.Background(), cat, opt)
	if err != nil {
		tb.Fatal(err)
	}
	st := datamodel.NewStore(cat, datamodel.Options{})
	for _, b := range batches {
		d, _ := cat.Lookup(b.Dataset)
		st.AddBatch(d, b.Record)
	}
	summaries.Release(batches)
	tb.Cleanup(st.Release)
	return st
}

// csvOf runs q over store and renders its rows as CSV (or the error).
func csvOf(q *query.Query, store *datamodel.Store) string {
	res, err := q.Run(context.Background(), store)
	if err != nil {
		return "error: " + err.Error()
	}
	defer res.Release()
	var b strings.Builder
	if err := render.WriteCSV(&b, res); err != nil {
		return "error: " + err.Error()
	}
	return b.String()
}

// TestESCUFromSummaries runs every ESCU tstats detection (Registry,
// Processes, Filesystem) that plans over the shared datasets
// (../shared/datasets/attack_data) twice, from the ingested events and
// from their summaries: every result must be the same, byte for byte;
// and again from the summaries read with only the columns the
// detections read (query.DatasetColumns, as hunt --summaries reads them).
// Skipped without ../shared, and under the race detector: it runs one
// search at a time, so -race adds nothing but ten times the time.
func TestESCUFromSummaries(t *testing.T) {
	if raceEnabled {
		t.Skip("-race: serial corpus run, checked by go test ./... without -race")
	}
	escuDir := filepath.Join(sharedDir, "escu")
	if _, err := os.Stat(filepath.Join(escuDir, escuTstats[0])); err != nil {
		t.Skipf("../shared absent: %v", err)
	}
	lib := macros.Default()
	if err := lib.Load(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	raw := datamodel.NewStore(cat, datamodel.Options{})
	t.Cleanup(raw.Release)
	if _, err := raw.IngestPath(context.Background(), filepath.Join(sharedDir, "datasets", "attack_data"), datamodel.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sum")
	if _, err := summaries.Write(dir, cat, raw); err != nil {
		t.Fatal(err)
	}
	sum := readStore(t, cat, dir, summaries.ReadOptions{})
	env := query.NewEnv(query.Options{Macros: lib, Catalog: cat})
	planned, withRows, rows := 0, 0, 0
	type ran struct {
		name string
		q    *query.Query
		want string
	}
	var runs []ran
	for _, f := range escuTstats {
		ds, err := escu.Read(filepath.Join(escuDir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			q, err := env.Compile(d.Search)
			if err != nil || readsRaw(q) {
				continue
			}
			planned++
			want, got := csvOf(q, raw), csvOf(q, sum)
			runs = append(runs, ran{d.Name, q, want})
			if got != want {
				t.Errorf("%s (%s): from summaries\n%s\nfrom events\n%s", d.Name, d.Origin, got, want)
				continue
			}
			if n := strings.Count(want, "\n") - 1; n > 0 && !strings.HasPrefix(want, "error: ") {
				withRows++
				rows += n
			}
		}
	}
	t.Logf("%d detections planned, all identical from summaries; %d returned rows (%d rows)", planned, withRows, rows)
	// The summaries read with only the columns the detections read (as
	// hunt --summaries does) give every detection the same rows.
	var qs []*query.Query
	for _, r := range runs {
		qs = append(qs, r.q)
	}
	cols, ok := query.DatasetColumns(qs...)
	if !ok {
		t.Fatal("DatasetColumns: the tstats detections read the store otherwise")
	}
	projected := 0
	for name, cs := range cols {
		if d, _ := cat.Lookup(name); d != nil && len(cs) < d.Schema().NumFields() {
			projected++
			t.Logf("%s: %d of %d columns read", name, len(cs), d.Schema().NumFields())
		}
	}
	if projected == 0 {
		t.Errorf("DatasetColumns leaves no column out: %v", cols)
	}
	proj := readStore(t, cat, dir, summaries.ReadOptions{Columns: cols})
	for _, r := range runs {
		if got := csvOf(r.q, proj); got != r.want {
			t.Errorf("%s: from summaries of the columns read\n%s\nfrom events\n%s", r.name, got, r.want)
		}
	}
	// Floors as measured (so that a change that stops detections from
	// planning or finding rows shows).
	if planned < 757 || withRows < 37 {
		t.Errorf("planned %d, with rows %d; want at least 757 and 37 (as measured)", planned, withRows)
	}
}
