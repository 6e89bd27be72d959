package engine

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/spl"
)

// row is one hand-written event: "_time" is epoch milliseconds (int64),
// every other key a dataset column without prefix; absent keys are null.
type row map[string]any

// buildBatch builds one batch of rows with the dataset's schema, strings
// dictionary-encoded as the datamodel contract says.
func buildBatch(t testing.TB, mem memory.Allocator, ds *datamodel.Dataset, rows []row) arrow.RecordBatch {
	t.Helper()
	schema := ds.Schema()
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		switch ty := f.Type.(type) {
		case *arrow.TimestampType:
			b := array.NewTimestampBuilder(mem, ty)
			for _, r := range rows {
				ms, _ := r[f.Name].(int64)
				b.Append(arrow.Timestamp(ms))
			}
			cols[i] = b.NewArray()
			b.Release()
		case *arrow.DictionaryType:
			b := array.NewDictionaryBuilder(mem, ty).(*array.BinaryDictionaryBuilder)
			for _, r := range rows {
				if v, ok := r[f.Name].(string); ok {
					if err := b.AppendString(v); err != nil {
						t.Fatal(err)
					}
				} else {
					b.AppendNull()
				}
			}
			cols[i] = b.NewArray()
			b.Release()
		default:
			t.Fatalf("unexpected schema type %s", f.Type)
		}
	}
	rec := array.NewRecordBatch(schema, cols, int64(len(rows)))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// testEnv is a Store of Endpoint.Registry rows split into input batches of
// inBatch rows, and an engine producing output batches of outBatch rows.
type testEnv struct {
	cat   *datamodel.Catalog
	store *datamodel.Store
	eng   *Engine
	mem   *memory.CheckedAllocator
}

func newTestEnv(t testing.TB, rows []row, inBatch, outBatch int) *testEnv {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	cat := datamodel.DefaultCatalog()
	ds, ok := cat.Lookup("Endpoint.Registry")
	if !ok {
		t.Fatal("no Endpoint.Registry in the default catalog")
	}
	store := datamodel.NewStore(cat, datamodel.Options{})
	for i := 0; i < len(rows); i += inBatch {
		b := buildBatch(t, mem, ds, rows[i:min(i+inBatch, len(rows))])
		store.AddBatch(ds, b)
		b.Release()
	}
	env := &testEnv{cat: cat, store: store, mem: mem,
		eng: New(cat, store, Options{BatchSize: outBatch, Allocator: mem, ParseSearch: spl.Parse})}
	t.Cleanup(func() {
		store.Release()
		mem.AssertSize(t, 0)
	})
	return env
}

func parse(t testing.TB, q string) *spl.Pipeline {
	t.Helper()
	p, err := spl.Parse(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return p
}

// run plans and executes q and renders the result as lines: a header of
// field names, then one line per row with cells joined by " | ", null as
// "<null>" and multivalue values joined by ";".
func (e *testEnv) run(t testing.TB, q string) []string {
	t.Helper()
	pl, err := e.eng.Plan(parse(t, q))
	if err != nil {
		t.Fatalf("plan %q: %v", q, err)
	}
	res, err := e.eng.Execute(context.Background(), pl)
	if err != nil {
		t.Fatalf("execute %q: %v", q, err)
	}
	defer res.Release()
	return renderResult(res)
}

func renderResult(res *Result) []string {
	out := []string{strings.Join(res.Fields(), " | ")}
	for r := 0; r < res.NumRows(); r++ {
		cells := make([]string, len(res.Fields()))
		for c := range cells {
			v := res.Cell(r, c)
			if v == nil {
				cells[c] = "<null>"
			} else {
				cells[c] = strings.Join(v, ";")
			}
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

func equalLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// benchSearch plans q on eng and executes it in b's loop (the timer
// starts after planning), failing when any result does not have
// wantRows rows (wantRows < 0 checks nothing). It returns the number of
// rows of the last result and reports perInput/s under unit (rows/s or
// events/s) when perInput > 0.
func benchSearch(b *testing.B, eng *Engine, q string, wantRows int, perInput int, unit string) int {
	b.Helper()
	pl, err := eng.Plan(parse(b, q))
	if err != nil {
		b.Fatal(err)
	}
	out := 0
	b.ResetTimer()
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		res, err := eng.Execute(b.Context(), pl)
		if err != nil {
			b.Fatal(err)
		}
		out = res.NumRows()
		res.Release()
		if wantRows >= 0 && out != wantRows {
			b.Fatalf("%d rows, want %d", out, wantRows)
		}
	}
	b.ReportMetric((cpuSeconds(b)-cpu0)*1e3/float64(b.N), "cpu-ms/op")
	if perInput > 0 {
		b.ReportMetric(float64(perInput)*float64(b.N)/b.Elapsed().Seconds(), unit)
	}
	return out
}

// cpuSeconds is the CPU time (user and system) the process has used: on
// a shared machine, the figure that wall time divided by the load hides.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
