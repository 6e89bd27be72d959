package engine

import (
	"io"
	"sync"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// rawBench is the store of BenchmarkRawSearch, built once per test binary
// (1M events take seconds to generate and ingest) and never released.
var rawBench struct {
	once  sync.Once
	cat   *datamodel.Catalog
	store *datamodel.Store
	err   error
}

// BenchmarkRawSearch runs a raw search over an in-memory store of one
// million generated events (built once with sync.Once, outside the timer):
// the Sysmon EventCode=1 events whose CommandLine contains "whoami",
// counted by host. It reports events/s over the whole store.
func BenchmarkRawSearch(b *testing.B) {
	const events = 1_000_000
	rawBench.once.Do(func() {
		rawBench.cat = datamodel.DefaultCatalog()
		rawBench.store = datamodel.NewStore(rawBench.cat, datamodel.Options{})
		pr, pw := io.Pipe()
		go func() {
			_, err := sysmongen.Write(pw, events, 3)
			pw.CloseWithError(err)
		}()
		if err := rawBench.store.Ingest(pr, "sysmongen"); err != nil {
			rawBench.err = err
			return
		}
		rawBench.store.Events()
	})
	if rawBench.err != nil {
		b.Fatal(rawBench.err)
	}
	n := rawBench.store.Events().Len()
	eng := New(rawBench.cat, rawBench.store, Options{})
	// One row: the generator writes one host.
	benchSearch(b, eng, `search EventCode=1 CommandLine=*whoami* | stats count by host`, 1, n, "events/s")
	b.ReportMetric(float64(n), "input_events")
}
