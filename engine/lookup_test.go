package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestESCULookupDefinitions loads every CSV-backed definition of the ESCU
// lookups folder and checks that each indexes without error.
func TestESCULookupDefinitions(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "escu", "lookups")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s not available: %v", dir, err)
	}
	defs, err := readLookupDefs(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded := 0
	for name, d := range defs {
		if d.Filename == "" || !strings.HasSuffix(strings.ToLower(d.Filename), ".csv") {
			continue // KV store collections and models
		}
		tb, err := findLookup([]string{dir}, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		tb.matcher([]int{0})
		loaded++
	}
	if loaded < 40 {
		t.Errorf("loaded %d CSV lookups, want at least 40", loaded)
	}
}

func TestLookupMatcher(t *testing.T) {
	dir := filepath.Join("..", "testdata", "lookups")
	tests := []struct {
		table string
		value string
		want  []int32
	}{
		{"rms_hosts.csv", "WS-FIN-07.corp.example.com", []int32{1}},
		{"rms_hosts.csv", "ws-fin-07.CORP.example.com", nil},
		{"rms_owner", "ws-fin-07.CORP.example.com", []int32{1, 2}},
		{"rms_paths", `hklm\system\remote manipulator system\v4\server\parameters\x`, []int32{0, 1}},
		{"rms_paths", `HKLM\Software\Parameters`, []int32{1}},
		{"rms_paths", `HKLM\Software`, nil},
	}
	for _, tt := range tests {
		tb, err := findLookup([]string{dir}, tt.table)
		if err != nil {
			t.Fatal(err)
		}
		m := tb.matcher([]int{0})
		got, _ := m.match([]string{tt.value}, nil, nil, tb.maxMatches)
		if len(got) != len(tt.want) {
			t.Errorf("%s %q: rows %v, want %v", tt.table, tt.value, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s %q: rows %v, want %v", tt.table, tt.value, got, tt.want)
			}
		}
	}
}

func TestLookupGlobCaseSensitive(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"a*c", "abc", true}, {"a*c", "ABC", false}, {"*b*", "abc", true}, {"ab", "ab", true},
		{"a*b*a", "aba", true}, {"a*b*a", "ab", false}, {"a*a", "a", false}, {"*", "", true},
	}
	for _, tt := range tests {
		if got := compileLookupGlob(tt.pat, true)(tt.s); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

// TestEngineLookups lists two lookup folders by the planner's rules: *.yml
// and *.yaml in file name order, files without a name skipped, a name of a
// later folder shadowed by the first, a missing CSV flagged, a definition
// without a file kept with File "". Each listed usable lookup must also be
// what findLookup resolves.
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
	tb, err := findLookup(e.opt.LookupDirs, "alpha")
	if err != nil || tb.path != filepath.Join(d1, "alpha.csv") {
		t.Errorf("findLookup(alpha) = %v, %v; want the table of %s", tb, err, d1)
	}
	write(d2, "bad.yml", "name: [unclosed\n")
	if _, err := e.Lookups(); err == nil || !strings.Contains(err.Error(), "bad.yml") {
		t.Errorf("a definition that does not parse: err %v, want one naming bad.yml", err)
	}
}
