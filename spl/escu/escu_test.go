package escu

import (
	"strings"
	"testing"
)

func TestParseJSONL(t *testing.T) {
	data := []byte(`{"name": "A", "search": "| tstats count", "attack_data": [{"data": "u", "source": "s", "sourcetype": "st"}]}

{"name": "B", "search": "search x"}
`)
	ds, err := ParseJSONL("f.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Name != "A" || ds[1].Origin != "f.jsonl:3" || ds[0].AttackData[0].Sourcetype != "st" {
		t.Fatalf("got %+v", ds)
	}
	_, err = ParseJSONL("f.jsonl", []byte("{\"name\": \"A\", \"search\": \"x\"}\n{broken\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "f.jsonl:2: ") {
		t.Fatalf("want an error at f.jsonl:2, got %v", err)
	}
	_, err = ParseJSONL("f.jsonl", []byte(`{"name": "A"}`))
	if err == nil || !strings.Contains(err.Error(), `"A" has no search`) {
		t.Fatalf("want a no-search error, got %v", err)
	}
}

func TestParseYAML(t *testing.T) {
	data := []byte(`name: Windows Thing
id: 1234
search: '| tstats count from datamodel=Endpoint.Registry by Registry.dest
  | ` + "`drop_dm_object_name(Registry)`" + `'
tags:
  observable:
  - name: dest
    type: Endpoint
    role:
    - Victim
tests:
- name: True Positive Test
  attack_data:
  - data: https://example.com/a.log
    source: XmlWinEventLog:Microsoft-Windows-Sysmon/Operational
    sourcetype: xmlwineventlog
`)
	d, err := ParseYAML("d.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "Windows Thing" || d.Origin != "d.yml:3" || !strings.HasSuffix(d.Search, "`drop_dm_object_name(Registry)`") {
		t.Fatalf("got %+v", d)
	}
	if len(d.Observables) != 1 || d.Observables[0].Role[0] != "Victim" || len(d.AttackData) != 1 {
		t.Fatalf("observables/attack data: %+v", d)
	}
	if _, err := ParseYAML("x.yml", []byte("name: x\n")); err == nil || !strings.Contains(err.Error(), "no search") {
		t.Fatalf("want a no-search error, got %v", err)
	}
	if _, err := ParseYAML("x.yml", []byte("- a\n- b\n")); err == nil {
		t.Fatal("want an error for a YAML list")
	}
}
