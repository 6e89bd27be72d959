package lookup

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestESCULookupDefinitions loads every CSV-backed definition of the ESCU
// lookups folder and checks that each indexes without error.
func TestESCULookupDefinitions(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "escu", "lookups")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s not available: %v", dir, err)
	}
	defs, err := readDefs(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded := 0
	for name, d := range defs {
		if d.Filename == "" || !strings.HasSuffix(strings.ToLower(d.Filename), ".csv") {
			continue // KV store collections and models
		}
		tb, err := Find([]string{dir}, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		tb.Matcher([]int{0})
		loaded++
	}
	if loaded < 40 {
		t.Errorf("loaded %d CSV lookups, want at least 40", loaded)
	}
}

func TestLookupMatcher(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "testdata", "lookups")
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
		tb, err := Find([]string{dir}, tt.table)
		if err != nil {
			t.Fatal(err)
		}
		m := tb.Matcher([]int{0})
		got, _ := m.Match([]string{tt.value}, nil, nil, tb.MaxMatches)
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
		if got := compileGlob(tt.pat, true)(tt.s); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

// TestFinderMatchesFind resolves names with one Finder, twice each, and
// with Find: the same table or the same error, over the project's test
// lookups (a definition, a bare CSV, a name defined nowhere, a path) and
// every definition of the ESCU lookups folder when ../shared holds it.
func TestFinderMatchesFind(t *testing.T) {
	testdata := filepath.Join("..", "..", "..", "testdata", "lookups")
	type query struct {
		dirs []string
		name string
	}
	qs := []query{
		{[]string{testdata}, "rms_paths"}, {[]string{testdata}, "rms_owner"},
		{[]string{testdata}, "rms_hosts.csv"}, {[]string{testdata}, "rms_hosts"},
		{[]string{testdata}, "no_such_table"}, {[]string{testdata}, "../x"}, {nil, "rms_paths"},
		{[]string{t.TempDir(), testdata}, "rms_owner"},
	}
	escu := filepath.Join("..", "..", "..", "..", "shared", "escu", "lookups")
	if defs, err := readDefs(escu); err == nil {
		for name := range defs {
			qs = append(qs, query{[]string{escu, testdata}, name}, query{[]string{testdata, escu}, name})
		}
	}
	f := NewFinder()
	for range 2 {
		for _, q := range qs {
			want, werr := Find(q.dirs, q.name)
			got, gerr := f.Find(q.dirs, q.name)
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Fatalf("%v %q: Find error %v, Finder error %v", q.dirs, q.name, werr, gerr)
			}
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("%v %q: Find and Finder give different tables", q.dirs, q.name)
			}
		}
	}
}
