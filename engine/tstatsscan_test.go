package engine

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// smallBatchStore ingests n generated events into batches of batchSize
// rows, so that a tstats scan has many batches to share out.
func smallBatchStore(t *testing.T, n, batchSize int) (*datamodel.Catalog, *datamodel.Store, *datamodel.Dataset) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, n, seedSeed); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{BatchSize: batchSize})
	t.Cleanup(store.Release)
	if err := store.Ingest(&buf, "sysmongen"); err != nil {
		t.Fatal(err)
	}
	ds, _ := cat.Lookup("Endpoint.Registry")
	if got := len(store.Batches(ds)); got < 10 {
		t.Fatalf("%d Registry batches; the test needs many", got)
	}
	return cat, store, ds
}

// tstatsOf returns the tstats node at the bottom of q's plan.
func tstatsOf(t *testing.T, eng *Engine, q string) *tstatsNode {
	t.Helper()
	pl, err := eng.Plan(parse(t, q))
	if err != nil {
		t.Fatal(err)
	}
	nd := pl.root
	for nd.input() != nil {
		nd = nd.input()
	}
	ts, ok := nd.(*tstatsNode)
	if !ok {
		t.Fatalf("%s: the plan starts with %T", q, nd)
	}
	return ts
}

// TestTstatsParallelScan checks that the parallel scan hands the
// aggregation the serial scan's selections, batch by batch and in order,
// for WHERE clauses of every shape (a dictionary glob, AND, OR, NOT, a
// comparison, a time window, none), at several worker counts.
func TestTstatsParallelScan(t *testing.T) {
	cat, store, ds := smallBatchStore(t, 20_000, 700)
	eng := New(cat, store, Options{})
	batches := store.Batches(ds)
	queries := []string{
		seedQuery,
		`| tstats count from datamodel=Endpoint.Registry by Registry.dest`,
		`| tstats count from datamodel=Endpoint.Registry where Registry.registry_path="*\\Run*" Registry.action=modified`,
		`| tstats count from datamodel=Endpoint.Registry where Registry.registry_path="*\\Services\\*" OR Registry.user=SYSTEM`,
		`| tstats count from datamodel=Endpoint.Registry where NOT Registry.registry_path="HKLM*"`,
		`| tstats count from datamodel=Endpoint.Registry where Registry.registry_path!="*\\Software\\*"`,
		`| tstats count from datamodel=Endpoint.Registry where Registry.process_id>2000`,
		`| tstats count from datamodel=Endpoint.Registry where Registry.registry_path=*Run* earliest=1 latest=1900000000`,
	}
	type step struct {
		batch int
		sel   []int32
		keys  [][]int32 // nil where not gathered
		tms   []int64
	}
	record := func(n *tstatsNode, workers int, ix *RowIndex) ([]step, int) {
		var steps []step
		rows := 0
		index := map[arrow.RecordBatch]int{}
		for i, b := range batches {
			index[b] = i
		}
		g := newAggregator(n).gatherSpec()
		err := n.scanWith(context.Background(), batches, workers, ix, g, func(b arrow.RecordBatch, p *picked) error {
			st := step{batch: index[b], sel: slices.Clone(p.sel)}
			for k := range g.keyCols {
				var ix []int32
				if p.gotKey[k] {
					ix = slices.Clone(p.keys[k])
					if len(ix) != len(p.sel) {
						t.Fatalf("key %d: %d indices for %d rows", k, len(ix), len(p.sel))
					}
				}
				st.keys = append(st.keys, ix)
			}
			if p.gotTms {
				st.tms = slices.Clone(p.tms)
			}
			steps = append(steps, st)
			rows += len(p.sel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return steps, rows
	}
	for _, q := range queries {
		n := tstatsOf(t, eng, q)
		want, rows := record(n, 1, nil)
		if total := int(sumRows(batches)); n.where != nil && (rows == 0 || rows == total) {
			t.Errorf("%s: %d of %d rows selected; the case needs a WHERE that keeps some and drops some", q, rows, total)
		}
		// An index shared by the runs: it builds postings at the second
		// ask, so the later runs read them.
		ix := NewRowIndex(0)
		for _, run := range []struct {
			workers int
			ix      *RowIndex
		}{{2, nil}, {3, nil}, {8, nil}, {1, ix}, {2, ix}, {3, ix}} {
			workers := run.workers
			got, _ := record(n, workers, run.ix)
			if len(got) != len(want) {
				t.Fatalf("%s, %d workers, index %v: %d batches consumed, serial %d", q, workers, run.ix != nil, len(got), len(want))
			}
			for i := range want {
				if got[i].batch != want[i].batch || !slices.Equal(got[i].sel, want[i].sel) {
					t.Fatalf("%s, %d workers, index %v: step %d is batch %d with %d rows, serial batch %d with %d", q, workers, run.ix != nil, i, got[i].batch, len(got[i].sel), want[i].batch, len(want[i].sel))
				}
				if !slices.EqualFunc(got[i].keys, want[i].keys, slices.Equal) || !slices.Equal(got[i].tms, want[i].tms) {
					t.Fatalf("%s, %d workers, index %v: step %d (batch %d): gathered keys or times differ from the serial scan's", q, workers, run.ix != nil, i, got[i].batch)
				}
			}
		}
		if n.where != nil && ix.Bytes() == 0 {
			t.Errorf("%s: the index built no postings", q)
		}
	}
}

func sumRows(bs []arrow.RecordBatch) int64 {
	var n int64
	for _, b := range bs {
		n += b.NumRows()
	}
	return n
}

// TestTstatsParallelScanStops checks that the parallel scan returns the
// aggregation's first error and the context's, and consumes nothing after.
func TestTstatsParallelScanStops(t *testing.T) {
	cat, store, ds := smallBatchStore(t, 20_000, 700)
	eng := New(cat, store, Options{})
	batches := store.Batches(ds)
	n := tstatsOf(t, eng, `| tstats count from datamodel=Endpoint.Registry by Registry.dest`)
	boom := errors.New("boom")
	calls := 0
	g := newAggregator(n).gatherSpec()
	err := n.scanWith(context.Background(), batches, 3, nil, g, func(arrow.RecordBatch, *picked) error {
		calls++
		if calls == 4 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 4 {
		t.Fatalf("error %v after %d calls, want boom after 4", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = n.scanWith(ctx, batches, 3, nil, g, func(arrow.RecordBatch, *picked) error {
		calls++
		if calls == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 2 {
		t.Fatalf("error %v after %d calls, want context.Canceled after 2", err, calls)
	}
}

// TestTstatsParallelResults runs searches through Execute with the scan
// on one goroutine and on three (Options.ScanWorkers) and compares their
// rows.
func TestTstatsParallelResults(t *testing.T) {
	cat, store, _ := smallBatchStore(t, 20_000, 700)
	serial := New(cat, store, Options{ScanWorkers: 1})
	parallel := New(cat, store, Options{ScanWorkers: 3})
	for _, q := range []string{
		seedQuery,
		`| tstats count dc(Registry.registry_path) min(_time) values(Registry.action) from datamodel=Endpoint.Registry by Registry.dest Registry.user Registry.action`,
		`| tstats earliest(Registry.registry_value_data) latest(Registry.registry_path) values(Registry.user) from datamodel=Endpoint.Registry where Registry.registry_path="*\\Run*" by Registry.dest`,
	} {
		_, want := searchRows(t, serial, q)
		_, got := searchRows(t, parallel, q)
		if len(want) < 2 {
			t.Fatalf("%s: %d rows; the comparison needs several", q, len(want))
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s: %d rows with 3 workers differ from the %d of one", q, len(got), len(want))
		}
	}
}
