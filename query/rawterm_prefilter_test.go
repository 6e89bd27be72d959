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

// TestRawTermPrefilter checks the ingest pre-filter of searches over raw
// events against the unfiltered path: for each search the events of
// testdata/events/{term_case,windows_raw}.xml are ingested with and
// without query.RawFilter, and the results (field names and every cell)
// must be the same. A search whose terms have a literal of three bytes or
// more must get a filter that leaves events out, so that the comparison
// can fail; the others must get none.
func TestRawTermPrefilter(t *testing.T) {
	files := []string{filepath.Join("..", "testdata", "events", "term_case.xml"), filepath.Join("..", "testdata", "events", "windows_raw.xml")}
	cases := []struct {
		search string
		drops  bool // the filter leaves events out
	}{
		{"TERM(10.0.0.1) | table _time EventCode IpAddress", true},
		{"TERM(10.0.0.*) | table IpAddress", true},
		{"TERM(host=10.0.0.1) | table CommandLine", true},
		// CASE() is filtered case-insensitively: admin and ADMIN events
		// are kept by the filter and dropped by the search.
		{"CASE(Admin) | table TargetUserName WorkstationName", true},
		{"CASE(PING.EXE) OR CASE(certutil.exe) | table EventCode", true},
		{`"auto start" | table param2`, true},
		{"EventCode=4624 TERM(admin) | stats count by TargetUserName", true},
		// Every field of the matched events: the field names come from
		// every event read, so there is no filter.
		{"TERM(10.0.0.1)", false},
		{"CASE(Admin) EventCode=4624 | head 5", false},
		// Nothing required: NOT, a short literal, an OR with an
		// unfiltered side, field tests.
		{"NOT CASE(Admin) | stats count", false},
		{"TERM(WS*) | table WorkstationName", false},
		{"TERM(10.0.0.1) OR EventCode=4688 | table EventCode", false},
		{"TargetUserName=CASE(Admin) | table TargetUserName", false},
	}
	env := query.NewEnv(query.Options{Macros: macros.Default(), Catalog: datamodel.DefaultCatalog()})
	ingest := func(f *datamodel.RawFilter) (*datamodel.Store, int) {
		st := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
		dropped := 0
		for _, p := range files {
			added, err := st.IngestPath(context.Background(), p, datamodel.IngestOptions{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			dropped += added.Skipped[datamodel.SkipFiltered]
		}
		return st, dropped
	}
	full, _ := ingest(nil)
	defer full.Release()
	for _, c := range cases {
		q, err := env.Compile(c.search)
		if err != nil {
			t.Errorf("%s: %v", c.search, err)
			continue
		}
		f := query.RawFilter(q)
		if (f != nil) != c.drops {
			t.Errorf("%s: filter %v, want one: %v", c.search, f != nil, c.drops)
		}
		if f == nil {
			continue
		}
		fs, dropped := ingest(f)
		if dropped == 0 {
			t.Errorf("%s: the filter left no event out", c.search)
		}
		want, got := rowsOrError(q, full, true), rowsOrError(q, fs, true)
		if strings.Count(want, "\n") < 2 {
			t.Errorf("%s: no rows to compare", c.search)
		}
		if got != want {
			t.Errorf("%s: results differ with the pre-filter\n got: %.800s\nwant: %.800s", c.search, got, want)
		}
		fs.Release()
	}
}
