package querytest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
)

func TestCheckNonNull(t *testing.T) {
	res := &resultSnapshot{
		fields: []string{"dest", "user", "guid"},
		rows: [][][]string{
			{{"h1"}, {"unknown"}, {"null"}},
			{{"h2"}, nil, {"g"}},
		},
	}
	for _, tc := range []struct {
		name   string
		r      *resultSnapshot
		fields []string
		want   []string
	}{
		{"non-null and unknown pass", res, []string{"dest"}, nil},
		{"no run", nil, []string{"dest"}, []string{"the previous run returned no results"}},
		{"no rows", &resultSnapshot{fields: []string{"dest"}}, []string{"dest"},
			[]string{"the previous run returned no results"}},
		{"null cell", res, []string{"user"}, []string{"field user is null in result row 2"}},
		{"string null", res, []string{"guid"}, []string{"field guid is null in result row 1"}},
		{"absent column", res, []string{"dest", "src"},
			[]string{"field src is not a column of the result (dest,user,guid)"}},
		{"multivalue is a value", &resultSnapshot{fields: []string{"f"}, rows: [][][]string{{{"null", "x"}}}},
			[]string{"f"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkNonNull(tc.r, tc.fields)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("checkNonNull(%v) = %q, want %q", tc.fields, got, tc.want)
			}
		})
	}
}

// TestCheckRows: checkRows passes on a store loaded from events and fails,
// naming the dataset, when a batch holds rows no event was counted for.
func TestCheckRows(t *testing.T) {
	store := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	defer store.Release()
	if _, err := store.IngestPath(context.Background(), filepath.Join("..", "..", "testdata", "events", "rms_registry.xml"), datamodel.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := checkRows(store); err != nil {
		t.Fatalf("a loaded store: %v", err)
	}
	d, _ := datamodel.DefaultCatalog().Lookup("Endpoint.Registry")
	b := store.Batches(d)[0]
	store.AddBatch(d, b) // rows that no event was counted used for
	if err := checkRows(store); err == nil || !strings.Contains(err.Error(), "Endpoint.Registry holds") {
		t.Errorf("a batch added by hand: %v, want the rows counted twice named", err)
	}
}
