package escu

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
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
	if !errors.Is(err, ErrNotDetection) || !strings.HasPrefix(err.Error(), "f.jsonl:1: ") {
		t.Fatalf("want ErrNotDetection at f.jsonl:1, got %v", err)
	}
	_, err = ParseJSONL("f.jsonl", []byte("{\"name\": \"A\", \"search\": \"x\"}\n{\"name\": \"B\"}\n"))
	if err == nil || errors.Is(err, ErrNotDetection) || !strings.Contains(err.Error(), `f.jsonl:2: detection "B" has no search`) {
		t.Fatalf("want a no-search error for B, got %v", err)
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

// TestParseYAMLCases covers the search: forms and errors the command line
// relies on (it was cmd/minispl's own reader before).
func TestParseYAMLCases(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		wantName string
		wantText string
		wantLine int
		wantErr  string
	}{
		{
			name:     "single-quoted search keeps backslashes",
			yaml:     "name: Some Detection\nid: 1\nsearch: '| tstats count where Registry.registry_path=\"*\\\\SYSTEM*\"'\n",
			wantName: "Some Detection", wantText: `| tstats count where Registry.registry_path="*\\SYSTEM*"`, wantLine: 3,
		},
		{
			name:     "folded search",
			yaml:     "search: >-\n  | tstats count\n  by x\nname: N\n",
			wantName: "N", wantText: "| tstats count by x", wantLine: 1,
		},
		{
			name:     "literal block search",
			yaml:     "name: L\nsearch: |-\n  | tstats count\n  | rename a as b\n",
			wantName: "L", wantText: "| tstats count\n| rename a as b", wantLine: 2,
		},
		{name: "no search", yaml: "name: x\n", wantErr: "d.yml: not an ESCU detection: no search: key"},
		{name: "not a mapping", yaml: "- a\n", wantErr: "d.yml: not an ESCU detection"},
		{name: "empty document", yaml: "", wantErr: "d.yml: not an ESCU detection"},
		{name: "search not a string", yaml: "name: x\nsearch: [a]\n", wantErr: "d.yml:2: search: is not a string"},
		{name: "blank search", yaml: "search: '  '\n", wantErr: "d.yml:1: empty search"},
		{name: "bad YAML", yaml: "search: 'x\n", wantErr: "d.yml: yaml:"},
		{name: "wrong type elsewhere", yaml: "search: x\ntests: 3\n", wantErr: "d.yml: not an ESCU detection: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseYAML("d.yml", []byte(tt.yaml))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.wantName || got.Search != tt.wantText || got.Line != tt.wantLine || got.Path != "d.yml" {
				t.Errorf("got %+v, want name %q text %q line %d", got, tt.wantName, tt.wantText, tt.wantLine)
			}
		})
	}
}

func TestReadFolder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"b.yml":          "name: B\nsearch: '| tstats count'\n",
		"sub/a.yaml":     "name: A\nsearch: '| tstats count'\n",
		"c.jsonl":        `{"name": "C1", "search": "x"}` + "\n" + `{"name": "C2", "search": "y"}` + "\n",
		"notes.txt":      "not read",
		"sub/README.md":  "not read",
		"sub/z/skip.csv": "a,b",
		"lookups/l.yml":  "name: l\nfilename: l.csv\n",
		"macros.jsonl":   `{"name": "m", "definition": "x"}` + "\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ds, skipped, err := ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := []string{
		filepath.Join(dir, "lookups", "l.yml") + ": not an ESCU detection: no search: key",
		filepath.Join(dir, "macros.jsonl") + ":1: not an ESCU detection: the object has no search",
	}
	if strings.Join(skipped, "\n") != strings.Join(wantSkipped, "\n") {
		t.Errorf("skipped %q, want %q", skipped, wantSkipped)
	}
	if _, err := Read(filepath.Join(dir, "lookups", "l.yml")); !errors.Is(err, ErrNotDetection) {
		t.Errorf("Read(lookup .yml) error = %v, want ErrNotDetection", err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Name+"@"+filepath.Base(d.Path)+":"+strconv.Itoa(d.Line))
	}
	want := []string{"B@b.yml:2", "C1@c.jsonl:1", "C2@c.jsonl:2", "A@a.yaml:2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Read(folder) = %v, want %v", got, want)
	}
	if _, err := Read(filepath.Join(dir, "notes.txt")); err == nil || !strings.Contains(err.Error(), "not a .jsonl, .yml or .yaml file") {
		t.Errorf("Read(.txt) error = %v", err)
	}
	if _, err := Read(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Read(missing) error = %v", err)
	}
}
