package datamodel

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	cat := DefaultCatalog()
	d, _ := cat.Lookup("Endpoint.Processes")
	got := cat.Describe(d)
	for _, want := range []string{
		"Endpoint.Processes\n",
		"Sysmon EventIDs: 1, 5, 6, 7, 8, 9, 10, 15, 17, 18, 24, 25\n",
		"base search: eval process_integrity_level=lower(process_integrity_level)\n",
		`process_name                 string  = case(isnotnull(process_name) AND process_name!="",process_name,isnotnull(process)`,
		"process_id                   number\n",
		`dest                         string  = if(isnull(dest) OR dest="","unknown",dest)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Describe lacks %q:\n%s", want, got)
		}
	}
}

func TestStatsString(t *testing.T) {
	tests := []struct {
		st   Stats
		want string
	}{
		{Stats{Files: 1, Events: 1, Used: map[string]int{"Endpoint.Registry": 1}},
			"ingested 1 file, 1 event: 1 Endpoint.Registry"},
		{Stats{Files: 2, Events: 1237,
			Used:     map[string]int{"Endpoint.Registry": 1200, "Endpoint.Processes": 3, "Endpoint.Filesystem": 0},
			Skipped:  map[string]int{"b": 4, "a": 4, "c": 30},
			Problems: []string{"f:1: x"}},
			"ingested 2 files, 1,237 events: 3 Endpoint.Processes, 1,200 Endpoint.Registry, 38 skipped (30 c, 4 a, 4 b)"},
		{Stats{}, "ingested 0 files, 0 events"},
	}
	for _, tt := range tests {
		if got := tt.st.String(); got != tt.want {
			t.Errorf("got\n%s\nwant\n%s", got, tt.want)
		}
	}
}

func TestStatsSince(t *testing.T) {
	before := Stats{Files: 1, Events: 5, Used: map[string]int{"A": 5}, Problems: []string{"p1"}}
	after := Stats{Files: 3, Events: 9, Used: map[string]int{"A": 7, "B": 1}, Skipped: map[string]int{"x": 1}, Problems: []string{"p1", "p2"}}
	d := after.Since(before)
	if got, want := d.String(), "ingested 2 files, 4 events: 2 A, 1 B, 1 skipped (1 x)"; got != want {
		t.Errorf("Since: got %q, want %q", got, want)
	}
	if len(d.Problems) != 1 || d.Problems[0] != "p2" {
		t.Errorf("Since problems: %v", d.Problems)
	}
}
