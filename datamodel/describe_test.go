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
	st := Stats{Files: 1, Bytes: 10, Events: 3,
		Used:     map[string]int{"Endpoint.Registry": 1},
		Skipped:  map[string]int{"b": 1, "a": 1},
		Problems: []string{"f:1: x"}}
	want := "1 files, 10 bytes, 3 events\n" +
		"  used           1  Endpoint.Registry\n" +
		"  skipped        1  a\n" +
		"  skipped        1  b\n" +
		"  problem f:1: x\n"
	if got := st.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
