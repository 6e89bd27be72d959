package engine

import (
	"io"
	"sync"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// rawTermsBench is the store of BenchmarkRawSearchTerms: 200,000
// generated events, built once per test binary and never released.
var rawTermsBench struct {
	once  sync.Once
	cat   *datamodel.Catalog
	store *datamodel.Store
	err   error
}

// BenchmarkRawSearchTerms runs raw searches with a bare term over an
// in-memory store of 200,000 generated events (built once, outside the
// timer; the generator's mix: 71% Registry, about 0.6% process
// creations): the term behind a field term that keeps the 1,200
// EventCode=1 events ("selective"), behind one that keeps none
// ("rejects"), and alone, tested on every event ("every"); and an OR of
// field globs over the EventCode=13 events (about half), no raw term
// ("globs": TargetObject and Details are plain string columns); and
// ESCU's wineventlog_security macro, whose eventtype= (a list column)
// is tested on every event ("eventtype"). cpu-ms/op is the process's CPU
// time per search.
func BenchmarkRawSearchTerms(b *testing.B) {
	const events = 200_000
	rawTermsBench.once.Do(func() {
		rawTermsBench.cat = datamodel.DefaultCatalog()
		rawTermsBench.store = datamodel.NewStore(rawTermsBench.cat, datamodel.Options{})
		pr, pw := io.Pipe()
		go func() {
			_, err := sysmongen.Write(pw, events, 3)
			pw.CloseWithError(err)
		}()
		if err := rawTermsBench.store.Ingest(pr, "sysmongen"); err != nil {
			rawTermsBench.err = err
			return
		}
		rawTermsBench.store.Events()
	})
	if rawTermsBench.err != nil {
		b.Fatal(rawTermsBench.err)
	}
	n := rawTermsBench.store.Events().Len()
	eng := New(rawTermsBench.cat, rawTermsBench.store, Options{})
	for _, bc := range []struct{ name, q string }{
		{"selective", `search EventCode=1 whoami | stats count by host`},
		{"rejects", `search EventCode=4688 whoami | stats count`},
		{"every", `search whoami | stats count`},
		{"eventtype", `search (eventtype=wineventlog_security OR Channel=security OR source=XmlWinEventLog:Security) EventCode=4624 | stats count`},
		{"globs", `search EventCode=13 (TargetObject="*\\CurrentVersion\\Run*" OR TargetObject="*Winlogon*" OR Details="*.exe*" OR Image="*\\reg.exe") | stats count`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			benchSearch(b, eng, bc.q, 1, n, "events/s")
		})
	}
}
