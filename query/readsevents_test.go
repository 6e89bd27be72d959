package query_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
)

// TestReadsEventsNoEventStore checks query.ReadsEvents on compiled
// searches (only searches that read datasets alone may load without the
// event texts), and that over a store loaded with
// IngestOptions.NoEventStore every search that ReadsEvents flags, a
// search that map runs included, fails with the reason instead of
// returning rows short of the events left out, while the others return
// the rows of a store that kept the texts.
func TestReadsEventsNoEventStore(t *testing.T) {
	file := filepath.Join("..", "testdata", "events", "windows_raw.xml")
	cases := []struct {
		search string
		reads  bool
	}{
		{"| tstats count from datamodel=Endpoint.Processes by Processes.process_name", false},
		{"| tstats count from datamodel=Endpoint.Processes by Processes.dest | join Processes.dest [| tstats count as n from datamodel=Endpoint.Processes by Processes.dest]", false},
		{"search EventCode=4688 | stats count by host", true},
		{"EventCode=4624 | table _time TargetUserName", true},
		{"| tstats count from datamodel=Endpoint.Processes | append [search EventCode=4688 | stats count]", true},
		{`| makeresults | eval code=4688 | map search="search EventCode=$code$ | stats count"`, true},
	}
	env := query.NewEnv(query.Options{Macros: macros.Default(), Catalog: datamodel.DefaultCatalog()})
	load := func(noEvents bool) *datamodel.Store {
		st := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
		added, err := st.IngestPath(context.Background(), file, datamodel.IngestOptions{NoEventStore: noEvents})
		if err != nil {
			t.Fatal(err)
		}
		if added.Kept == 0 {
			t.Fatalf("%s: no event kept", file)
		}
		return st
	}
	full, lean := load(false), load(true)
	defer full.Release()
	defer lean.Release()
	if lean.EventsLeftOut() == 0 {
		t.Fatal("NoEventStore left no event out")
	}
	if query.ReadsEvents(nil) != true {
		t.Error("ReadsEvents(nil) = false, want true (a query that did not compile)")
	}
	for _, c := range cases {
		q, err := env.Compile(c.search)
		if err != nil {
			t.Errorf("%s: %v", c.search, err)
			continue
		}
		if got := query.ReadsEvents(q); got != c.reads {
			t.Errorf("%s: ReadsEvents = %v, want %v", c.search, got, c.reads)
		}
		want, err := rowsText(q, full, false)
		if err != nil {
			t.Errorf("%s over the full store: %v", c.search, err)
			continue
		}
		if strings.Count(want, "\n") == 0 {
			t.Errorf("%s: no rows over the full store", c.search)
		}
		got, err := rowsText(q, lean, false)
		switch {
		case c.reads && (err == nil || !strings.Contains(err.Error(), "without their texts")):
			t.Errorf("%s over the store without texts: rows %q, error %v; want the error that the texts were left out", c.search, got, err)
		case !c.reads && err != nil:
			t.Errorf("%s over the store without texts: %v", c.search, err)
		case !c.reads && got != want:
			t.Errorf("%s: rows differ without the texts\n got: %.600s\nwant: %.600s", c.search, got, want)
		}
	}
}
