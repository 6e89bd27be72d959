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
	data := []byte(`{"name": "A", "search": "| tstats count", "file": "detections/endpoint/a.yml", "attack_data": [{"data": "u", "source": "s", "sourcetype": "st"}]}

{"name": "B", "search": "search x"}
`)
	ds, err := ParseJSONL("f.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Name != "A" || ds[1].Origin != "f.jsonl:3" || ds[0].AttackData[0].Sourcetype != "st" ||
		ds[0].File != "detections/endpoint/a.yml" || ds[1].File != "" {
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

// TestReadSecurityContent reads the 1,711 detections of the ESCU 4.42
// checkout in ../shared and checks the counts escu-content.md §1 gives,
// which a field read wrongly (or a file failing to decode) would change.
// Skipped without ../shared.
func TestReadSecurityContent(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "escu", "security_content", "detections")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("security_content checkout not available: %v", err)
	}
	ds, skipped, err := ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped %v", skipped)
	}
	status := map[string]int{}
	var withTests, tests, manual, mitre, attackData int
	for _, d := range ds {
		status[d.Status]++
		if len(d.Tests) > 0 {
			withTests++
		}
		tests += len(d.Tests)
		attackData += len(d.AttackData)
		if d.Tags.ManualTest != "" {
			manual++
		}
		if len(d.Tags.MitreAttackID) > 0 {
			mitre++
		}
		if d.Name == "Windows Remote Access Software RMS Registry" {
			// escu-content.md §1: the seed's tags.
			if d.Tags.RiskScore != 90 || d.Tags.Message != "the registry related to RMS tool is created in $dest$" ||
				strings.Join(d.Tags.MitreAttackID, ",") != "T1219" || len(d.Observables) != 1 || d.Observables[0].Name != "dest" ||
				strings.Join(d.Tags.All["analytic_story"], ",") != "Azorult" || d.Version != 3 ||
				strings.Join(d.DataSource, ",") != "Sysmon EventID 12,Sysmon EventID 13" ||
				len(d.Tests) != 1 || d.Tests[0].Name != "True Positive Test" || d.Tests[0].AttackData[0].Test != "True Positive Test" {
				t.Errorf("seed detection read as %+v", d)
			}
		}
	}
	// §1: 1,711 detections (production 1472, experimental 141, deprecated
	// 98), 1,509 with tests, 1,514 test entries, 1,532 attack_data items,
	// manual_test 25, mitre_attack_id 1652.
	if len(ds) != 1711 || status["production"] != 1472 || status["experimental"] != 141 || status["deprecated"] != 98 {
		t.Errorf("%d detections, statuses %v", len(ds), status)
	}
	if withTests != 1509 || tests != 1514 || attackData != 1532 || manual != 25 || mitre != 1652 {
		t.Errorf("with tests %d, tests %d, attack data %d, manual_test %d, mitre %d; want 1509, 1514, 1532, 25, 1652",
			withTests, tests, attackData, manual, mitre)
	}
}

// TestParseJSONLRisk reads the risk keys that detections_raw.jsonl puts at
// top level and groups attack data by test.
func TestParseJSONLRisk(t *testing.T) {
	data := []byte(`{"name": "R", "search": "x", "risk_score": 50, "message": "$user$ did it", "observable": [{"name": "user", "type": "User", "role": ["Victim"]}], "mitre_attack_id": ["T1098"], "attack_data": [{"test": "T1", "data": "a"}, {"test": "T2", "data": "b"}, {"test": "T1", "data": "c"}]}`)
	ds, err := ParseJSONL("r.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if d.Tags.RiskScore != 50 || d.Tags.Message != "$user$ did it" || d.Observables[0].Name != "user" || d.Tags.All["mitre_attack_id"][0] != "T1098" {
		t.Errorf("tags %+v", d.Tags)
	}
	if len(d.Tests) != 2 || d.Tests[0].Name != "T1" || len(d.Tests[0].AttackData) != 2 || d.Tests[0].AttackData[1].Data != "c" || d.Tests[1].AttackData[0].Data != "b" {
		t.Errorf("tests %+v", d.Tests)
	}
}
