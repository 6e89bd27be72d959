package query

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
)

// TestHugeINList runs searches with IN lists of 100,000 values, in the
// search language (tstats WHERE) and in eval (where IN(...)): they must
// expand, parse, plan and run, and count what the one matching value
// counts alone (a list of non-matching values counts 0).
func TestHugeINList(t *testing.T) {
	store := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	defer store.Release()
	if _, err := store.IngestPath(context.Background(), filepath.Join("..", "testdata", "events", "rms_registry.xml"), datamodel.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	env := NewEnv(Options{})
	count := func(t *testing.T, text string) string {
		t.Helper()
		q, err := env.Compile(text)
		if err != nil {
			t.Fatalf("%.80s...: %v", text, err)
		}
		res, err := q.Run(context.Background(), store)
		if err != nil {
			t.Fatalf("%.80s...: %v", text, err)
		}
		defer res.Release()
		if res.NumRows() != 1 {
			t.Fatalf("%.80s...: %d rows, want 1", text, res.NumRows())
		}
		return strings.Join(res.Cell(0, 0), ",")
	}
	const dest = "win-dc-01.attackrange.local"
	list := func(withDest bool, quote string) string {
		vals := make([]string, 100000)
		for i := range vals {
			vals[i] = fmt.Sprintf("%shost-%06d.example%s", quote, i, quote)
		}
		if withDest {
			vals[50000] = quote + dest + quote
		}
		return strings.Join(vals, ", ")
	}
	for _, tc := range []struct{ name, one, many, none string }{
		{"tstats WHERE IN",
			`| tstats count from datamodel=Endpoint.Registry where Registry.dest="` + dest + `"`,
			`| tstats count from datamodel=Endpoint.Registry where Registry.dest IN (` + list(true, "") + `)`,
			`| tstats count from datamodel=Endpoint.Registry where Registry.dest IN (` + list(false, "") + `)`},
		{"eval IN",
			`| tstats count from datamodel=Endpoint.Registry by Registry.dest | where 'Registry.dest'="` + dest + `" | stats sum(count)`,
			`| tstats count from datamodel=Endpoint.Registry by Registry.dest | where in('Registry.dest', ` + list(true, `"`) + `) | stats sum(count)`,
			`| tstats count from datamodel=Endpoint.Registry by Registry.dest | where in('Registry.dest', ` + list(false, `"`) + `) | stats sum(count) | fillnull value=0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			one := count(t, tc.one)
			if one == "" || one == "0" {
				t.Fatalf("the single value counts %q: the test needs rows of %s", one, dest)
			}
			if got := count(t, tc.many); got != one {
				t.Errorf("100,000-value list counts %s, the one value %s", got, one)
			}
			if got := count(t, tc.none); got != "0" {
				t.Errorf("list without the value counts %s, want 0", got)
			}
		})
	}
}
