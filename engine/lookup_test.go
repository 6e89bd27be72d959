package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/engine/internal/lookup"
)

// TestEngineLookups lists two lookup folders by the planner's rules: *.yml
// and *.yaml in file name order, files without a name skipped, a name of a
// later folder shadowed by the first, a missing CSV flagged, a definition
// without a file kept with File "". Each listed usable lookup must also be
// what lookup.Find resolves.
func TestEngineLookups(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	write := func(dir, name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(d1, "a.yml", "name: alpha\nfilename: alpha.csv\n")
	write(d1, "alpha.csv", "k,v\n1,x\n")
	write(d1, "b.yaml", "name: beta\nfilename: nothere.csv\n")
	write(d1, "c.yml", "description: no name, not a definition\n")
	write(d1, "d.yml", "name: kv\ncollection: some_collection\n")
	write(d2, "a.yml", "name: alpha\nfilename: other.csv\n")
	write(d2, "other.csv", "k,v\n2,y\n")
	write(d2, "g.yml", "name: gamma\nfilename: other.csv\n")
	e := New(nil, nil, Options{LookupDirs: []string{d1, d2}})
	got, err := e.Lookups()
	if err != nil {
		t.Fatal(err)
	}
	want := []LookupInfo{
		{Name: "alpha", File: "alpha.csv", Dir: d1, Definition: filepath.Join(d1, "a.yml")},
		{Name: "beta", File: "nothere.csv", Dir: d1, Definition: filepath.Join(d1, "b.yaml"), Missing: true},
		{Name: "kv", Dir: d1, Definition: filepath.Join(d1, "d.yml")},
		{Name: "gamma", File: "other.csv", Dir: d2, Definition: filepath.Join(d2, "g.yml")},
	}
	if len(got) != len(want) {
		t.Fatalf("Lookups() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Lookups()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	// The planner resolves alpha to the first folder's table, as listed.
	tb, err := lookup.Find(e.opt.LookupDirs, "alpha")
	if err != nil || tb.Path != filepath.Join(d1, "alpha.csv") {
		t.Errorf("lookup.Find(alpha) = %v, %v; want the table of %s", tb, err, d1)
	}
	write(d2, "bad.yml", "name: [unclosed\n")
	if _, err := e.Lookups(); err == nil || !strings.Contains(err.Error(), "bad.yml") {
		t.Errorf("a definition that does not parse: err %v, want one naming bad.yml", err)
	}
}
