package engine

import (
	"bytes"
	"testing"

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
