package engine

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// BenchmarkSeedSearch runs the expanded ESCU RMS detection over about one
// million Registry rows ingested from generated Sysmon events.
func BenchmarkSeedSearch(b *testing.B) {
	const events = 1_100_000
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, events, 1); err != nil {
		b.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{})
	defer store.Release()
	if err := store.Ingest(&buf, "sysmongen"); err != nil {
		b.Fatal(err)
	}
	ds, _ := cat.Lookup("Endpoint.Registry")
	rows := 0
	for _, rb := range store.Batches(ds) {
		rows += int(rb.NumRows())
	}
	eng := New(cat, store, Options{})
	const q = `| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= "*\\SYSTEM\\Remote Manipulator System*" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | rename "Registry.*" as * | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(lastTime) | search *`
	out := benchSearch(b, eng, q, -1, rows, "rows/s")
	b.ReportMetric(float64(rows), "input_rows")
	b.ReportMetric(float64(out), "output_rows")
}

// BenchmarkTstatsGroupBy aggregates every Registry row by three keys, the
// worst case for the hash aggregation (no WHERE).
func BenchmarkTstatsGroupBy(b *testing.B) {
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, 300_000, 2); err != nil {
		b.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{})
	defer store.Release()
	if err := store.Ingest(&buf, "sysmongen"); err != nil {
		b.Fatal(err)
	}
	ds, _ := cat.Lookup("Endpoint.Registry")
	rows := 0
	for _, rb := range store.Batches(ds) {
		rows += int(rb.NumRows())
	}
	eng := New(cat, store, Options{})
	benchSearch(b, eng, `| tstats count dc(Registry.registry_path) min(_time) values(Registry.action) from datamodel=Endpoint.Registry by Registry.dest Registry.user Registry.action`, -1, rows, "rows/s")
}

// BenchmarkSeedSearch10M runs the seed search of BenchmarkSeedSearch over
// ten times its Registry rows (10,782,270 rows): the batches of 1.1M
// generated events, copied ten times into buffers of their own
// (array.Concatenate of one array copies it; the batches of a copy share
// its dictionaries, as those of one ingest do), so that the rows in
// memory are ten times as many, not the same buffers read again. The copies hold the same values, so the search returns the
// same groups as over one copy, each counted ten times; the benchmark
// checks both before timing.
func BenchmarkSeedSearch10M(b *testing.B) {
	const copies = 10
	cat, one, ds := seedStore(b, seedEvents, seedSeed)
	defer one.Release()
	fields, want := searchRows(b, New(cat, one, Options{}), seedQuery)
	store := datamodel.NewStore(cat, datamodel.Options{})
	defer store.Release()
	rows := 0
	mem := memory.DefaultAllocator
	copyOf := func(a arrow.Array) arrow.Array {
		cp, err := array.Concatenate([]arrow.Array{a}, mem)
		if err != nil {
			b.Fatal(err)
		}
		return cp
	}
	for range copies {
		// The batches of one ingest share their dictionaries; so do
		// those of one copy.
		dicts := map[arrow.ArrayData]arrow.Array{}
		for _, rb := range one.Batches(ds) {
			cols := make([]arrow.Array, rb.NumCols())
			for j, c := range rb.Columns() {
				d, ok := c.(*array.Dictionary)
				if !ok {
					cols[j] = copyOf(c)
					continue
				}
				nd, ok := dicts[d.Dictionary().Data()]
				if !ok {
					nd = copyOf(d.Dictionary())
					dicts[d.Dictionary().Data()] = nd
				}
				idx := copyOf(d.Indices())
				cols[j] = array.NewDictionaryArray(d.DataType(), idx, nd)
				idx.Release()
			}
			cp := array.NewRecordBatch(rb.Schema(), cols, rb.NumRows())
			for _, c := range cols {
				c.Release()
			}
			store.AddBatch(ds, cp)
			cp.Release()
			rows += int(rb.NumRows())
		}
		for _, d := range dicts {
			d.Release()
		}
	}
	eng := New(cat, store, Options{})
	_, got := searchRows(b, eng, seedQuery)
	if len(got) != len(want) {
		b.Fatalf("%d rows over %d copies, %d over one", len(got), copies, len(want))
	}
	for i := range want {
		for j, f := range fields {
			w := want[i][j]
			if f == "count" {
				n, err := strconv.Atoi(w)
				if err != nil {
					b.Fatalf("row %d: count %q", i, w)
				}
				w = strconv.Itoa(copies * n)
			}
			if got[i][j] != w {
				b.Fatalf("row %d, %s over %d copies: %q, want %q", i, f, copies, got[i][j], w)
			}
		}
	}
	runtime.GC()
	out := benchSearch(b, eng, seedQuery, len(want), rows, "rows/s")
	b.ReportMetric(float64(rows), "input_rows")
	b.ReportMetric(float64(out), "output_rows")
}

// searchRows runs q and returns its fields and its rows, each cell's
// values joined with newlines.
func searchRows(b testing.TB, eng *Engine, q string) ([]string, [][]string) {
	b.Helper()
	pl, err := eng.Plan(parse(b, q))
	if err != nil {
		b.Fatal(err)
	}
	res, err := eng.Execute(b.Context(), pl)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Release()
	rows := make([][]string, res.NumRows())
	for i := range rows {
		for j := range res.Fields() {
			rows[i] = append(rows[i], strings.Join(res.Cell(i, j), "\n"))
		}
	}
	return res.Fields(), rows
}
