package engine

import (
	"bytes"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// globsQuery is a persistence-style tstats: an OR of ten globs on
// registry_path (one leaf of ten globs: eight *abc* and two general ones)
// grouped by four fields.
const globsQuery = `| tstats count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Registry where (Registry.registry_path="*\\CurrentVersion\\Run*" OR Registry.registry_path="*\\Winlogon\\*" OR Registry.registry_path="*\\Services\\*\\ImagePath" OR Registry.registry_path="*\\Policies\\Explorer\\*" OR Registry.registry_path="*Image File Execution Options*" OR Registry.registry_path="*\\Control\\Lsa*" OR Registry.registry_path="*\\Shell Folders\\*" OR Registry.registry_path="*\\AppInit_DLLs*" OR Registry.registry_path="*\\Environment\\*" OR Registry.registry_path="*\\Office\\*\\Addins\\*") by Registry.dest Registry.user Registry.registry_path Registry.registry_key_name`

// BenchmarkTstatsWhereGlobs runs globsQuery over the Registry rows of
// 300,000 generated events (BenchmarkTstatsGroupBy's input).
func BenchmarkTstatsWhereGlobs(b *testing.B) {
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
	out := benchSearch(b, eng, globsQuery, -1, rows, "rows/s")
	b.ReportMetric(float64(out), "output_rows")
}
