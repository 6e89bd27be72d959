package querytest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/query/querytest"
)

// caseFile is a small corpus: rms_registry.xml holds 14 Sysmon registry
// events (EventIDs 12 x4, 13 x9, 14 x1), so the count is 14; the second
// block's expected output is left empty for Update to fill in.
const caseFile = `# header comment
load events/rms_registry.xml

run
| tstats count from datamodel=Endpoint.Registry
----
count
14

# filled in by Update
run
| tstats count from datamodel=Endpoint.Registry | frobnicate
`

// writeCase writes text as a case file in a temporary folder.
func writeCase(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "case.test")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBackend runs a case file through a back end of its own, which
// delegates to the engine: every run block reaches it once per batch size,
// compiled by the front door. Update fills in the second block from the
// output: the plan error of the front door, positioned with its caret.
func TestBackend(t *testing.T) {
	path := writeCase(t, caseFile)
	calls := 0
	querytest.RunFile(t, path, querytest.Options{
		Testdata: filepath.Join("..", "..", "testdata"),
		Update:   true,
		Backend: func(ctx context.Context, q *query.Query, store *datamodel.Store) (querytest.Result, error) {
			calls++
			if q.Plan == nil || q.Expansion == nil {
				t.Errorf("the back end got a query that did not compile: %+v", q)
			}
			return q.Run(ctx, store)
		},
	})
	// One run block compiles (3 batch sizes); the other fails to plan and
	// never reaches the back end.
	if calls != 3 {
		t.Errorf("back end called %d times, want 3", calls)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := caseFile + `----
error: 1:51: unsupported command "frobnicate"
  | | tstats count from datamodel=Endpoint.Registry | frobnicate
  |                                                   ^~~~~~~~~~
`
	if string(got) != want {
		t.Errorf("Update wrote\n%s\nwant\n%s", got, want)
	}
}

// TestLoadSharedSkips checks that a case file naming a path missing under
// Shared is skipped, not failed.
func TestLoadSharedSkips(t *testing.T) {
	path := writeCase(t, "load-shared no/such/file.log\n\nrun\n| tstats count from datamodel=Endpoint.Registry\n----\ncount\n0\n")
	skipped := false
	t.Run("case", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		querytest.RunFile(t, path, querytest.Options{Shared: t.TempDir()})
	})
	if !skipped {
		t.Error("a case file with a missing load-shared path was not skipped")
	}
}
