package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eventsFile holds the project's RMS registry events (17 events: 14
// Endpoint.Registry, 1 Endpoint.Processes, 1 Network_Traffic.All_Traffic,
// 1 skipped).
var eventsFile = filepath.Join("..", "..", "testdata", "events", "rms_registry.xml")

// seedSearch is the ESCU seed detection, literally.
const seedSearch = "| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= \"*\\\\SYSTEM\\\\Remote Manipulator System*\" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | `drop_dm_object_name(Registry)` | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_remote_access_software_rms_registry_filter`"

// byActionDest and its CSV result, hand-checked in
// testdata/golden/rms_seed.test.
const (
	byActionDest    = "| tstats count from datamodel=Endpoint.Registry by Registry.action Registry.dest"
	byActionDestCSV = `Registry.action,Registry.dest,count
created,win-dc-01.attackrange.local,2
deleted,WS-FIN-07.corp.example.com,2
modified,WS-FIN-07.corp.example.com,6
modified,win-dc-01.attackrange.local,4
`
	// noRows matches no event.
	noRows = `| tstats count from datamodel=Endpoint.Registry where Registry.dest="no-such-host" by Registry.dest`
)

// invoke runs the command line and returns its status and output.
func invoke(t *testing.T, stdin string, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(args, strings.NewReader(stdin), &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestRunUsage(t *testing.T) {
	emptyDir, evtxDir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(evtxDir, "a.evtx"), []byte("ElfFile\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantErr    string
	}{
		{"no command", nil, exitError, "expected one of"},
		{"unknown command", []string{"frobnicate"}, exitError, "unexpected argument frobnicate"},
		{"no search", []string{"run"}, exitError, "no search given"},
		{"file and search", []string{"run", "-f", "x.spl", "| tstats count"}, exitError, "either -f FILE or a search"},
		{"bad format", []string{"run", "--format", "xml", "x"}, exitError, `--format must be one of`},
		{"bad batch size", []string{"run", "--batch-size", "many", "x"}, exitError, "--batch-size"},
		{"check without search", []string{"check"}, exitError, "no search given"},
		{"missing data", []string{"run", "--data", "no/such/file.xml", byActionDest}, exitError, "error: load data: no/such/file.xml: no such file or folder\n"},
		// Nothing to read, or nothing usable read: an error, not "0 results".
		{"folder without event files", []string{"run", "--data", emptyDir, byActionDest}, exitError, "ingested 0 files, 0 events\nerror: no events read from " + emptyDir + "\n"},
		// An EVTX signature and no header: one unreadable file, counted.
		{"folder of a damaged evtx file", []string{"run", "--data", evtxDir, byActionDest}, exitError, "ingested 1 file, 1 event: 1 skipped (1 malformed: unreadable EVTX file)\n  " +
			filepath.Join(evtxDir, "a.evtx") + ":file header: unreadable EVTX file: file of 8 bytes is shorter than the 128-byte file header\n" +
			"error: none of the 1 event read from " + evtxDir + " can be searched (see the reasons above)\n"},
		{"stdin twice", []string{"run", "--data", "-", "--data", "-", byActionDest}, exitError, "error: --data - (standard input) can be given once\n"},
		{"empty stdin", []string{"run", byActionDest}, exitError, "ingested 0 files, 0 events\n1 file skipped: stdin (empty)\nerror: no events read from standard input\n"},
		{"missing macros", []string{"run", "--macros", "no/such.conf", "x"}, exitError, "--macros no/such.conf"},
		{"missing script", []string{"run", "-f", "no/such.spl"}, exitError, "no/such.spl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := invoke(t, "", tt.args...)
			if status == exitError && strings.Contains(stderr, "no search given") && !strings.Contains(stderr, "Usage: minispl ") {
				t.Errorf("no search: stderr %q does not show the usage", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if status != tt.wantStatus || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("status %d, stderr %q; want %d and %q", status, stderr, tt.wantStatus, tt.wantErr)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	status, stdout, _ := invoke(t, "", "--help")
	if status != exitOK || !strings.Contains(stdout, "Usage: minispl <command>") || !strings.Contains(stdout, "repl") {
		t.Errorf("status %d, help %q", status, stdout)
	}
	status, stdout, _ = invoke(t, "", "run", "--help")
	if status != exitOK || !strings.Contains(stdout, "--fail-on-empty") || !strings.Contains(stdout, "--expect-results") {
		t.Errorf("status %d, run help %q", status, stdout)
	}
}

func TestRunCSV(t *testing.T) {
	for _, bs := range []string{"0", "1", "3"} {
		t.Run("batch-size="+bs, func(t *testing.T) {
			status, stdout, stderr := invoke(t, "", "run", "--data", eventsFile, "--format", "csv", "--batch-size", bs, byActionDest)
			if status != exitOK || stdout != byActionDestCSV {
				t.Errorf("status %d, stdout\n%s\nwant\n%s\nstderr %s", status, stdout, byActionDestCSV, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "ingested 1 file, 17 events: 2 Endpoint.Processes, 14 Endpoint.Registry, ") {
				t.Errorf("stderr %q, want one summary line", stderr)
			}
		})
	}
}

func TestRunSeedOverSample(t *testing.T) {
	status, stdout, stderr := invoke(t, "", "run", "--sample", "--format", "json", seedSearch)
	if status != exitOK {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	if !strings.Contains(stderr, "(embedded sample; use --data for your own events)") {
		t.Errorf("stderr %q does not say the sample was searched", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d rows, want the 10 of testdata/golden/rms_seed.test:\n%s", len(lines), stdout)
	}
	var first map[string]string
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"registry_key_name": `HKLM\SYSTEM\Remote Manipulator System`, "user": "SYSTEM",
		"registry_path": `HKLM\SYSTEM\Remote Manipulator System`, "registry_value_data": "unknown",
		"action": "created", "dest": "win-dc-01.attackrange.local", "count": "1",
		"firstTime": "2024-09-30T14:05:09", "lastTime": "2024-09-30T14:05:09",
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("first row %s = %q, want %q", k, first[k], v)
		}
	}
	if !strings.HasPrefix(lines[0], `{"registry_key_name":`) {
		t.Errorf("keys not in column order: %s", lines[0])
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(conf, []byte("[bad]\ndefinition = nosuchcmd x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		search string
		want   string // stderr after the summary line
	}{
		{
			name:   "undefined macro",
			search: "| tstats count | `nosuch`",
			want:   "error: 1:18: macro 'nosuch' cannot be found (no definition for nosuch with 0 arguments)\n  | | tstats count | `nosuch`\n  |                  ^~~~~~~~\n",
		},
		{
			name:   "syntax error",
			search: "| tstats count frm datamodel=Endpoint.Registry",
			want:   "error: 1:16: unexpected \"frm\": expected an aggregate, FROM, WHERE, BY or \"|\"\n  | | tstats count frm datamodel=Endpoint.Registry\n  |                ^~~\n",
		},
		{
			// The engine finds the error in the expanded text; it is
			// shown at the macro call in the text as written.
			name:   "plan error inside a macro",
			args:   []string{"--macros", conf},
			search: "| tstats count from datamodel=Endpoint.Registry\n| `bad`",
			want:   "error: 2:3: unsupported command \"nosuchcmd\"\n  | | `bad`\n  |   ^~~~~\n  note: in expansion of `bad`: \"nosuchcmd x\"\n",
		},
		{
			// A plan error after a macro call: the engine's span in the
			// expanded text was copied from the text as written, so it
			// maps back to column 101 (worked out by hand in
			// testdata/golden/errors.test, which holds the same case).
			name:   "plan error after a macro",
			search: macroPlanError,
			want:   macroPlanErrorWant,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A search that does not plan fails before any event is
			// read: no ingest summary.
			args := append(append([]string{"run", "--data", eventsFile}, tt.args...), tt.search)
			status, stdout, stderr := invoke(t, "", args...)
			if status != exitError || stdout != "" || stderr != tt.want {
				t.Errorf("status %d, stdout %q, stderr:\n%s\nwant\n%s", status, stdout, stderr, tt.want)
			}
		})
	}
}

func TestRunScript(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "searches.spl")
	script := "# name: by action and dest\n" + byActionDest + "\n\n" +
		"| tstats count from datamodel=Endpoint.Registry\n| `nosuch`;\n" +
		"# name: nothing\n" + noRows + "\n"
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := invoke(t, "", "run", "--data", eventsFile, "--format", "csv", "-f", file)
	wantOut := "# by action and dest\n" + byActionDestCSV + "\n# search at " + file + ":4\n\n# nothing\nRegistry.dest,count\n"
	if status != exitError || stdout != wantOut {
		t.Errorf("status %d, stdout\n%s\nwant\n%s", status, stdout, wantOut)
	}
	if !strings.Contains(stderr, "error: "+file+":5:3: macro 'nosuch' cannot be found") {
		t.Errorf("stderr %q does not place the error at file:line:col", stderr)
	}
}

func TestRunFailOnEmpty(t *testing.T) {
	tests := []struct {
		name   string
		flag   string
		search string
		want   int
	}{
		{"rows, no flag", "", byActionDest, exitOK},
		// No rows: the search ran and found nothing, status 1 (issue 10).
		{"no rows, no flag", "", noRows, exitNoResults},
		{"rows, --fail-on-empty", "--fail-on-empty", byActionDest, exitOK},
		{"no rows, --fail-on-empty", "--fail-on-empty", noRows, exitNoResults},
		{"rows, --expect-results", "--expect-results", byActionDest, exitOK},
		{"no rows, --expect-results", "--expect-results", noRows, exitNoResults},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"run", "--data", eventsFile}
			if tt.flag != "" {
				args = append(args, tt.flag)
			}
			status, stdout, stderr := invoke(t, "", append(args, tt.search)...)
			if status != tt.want {
				t.Errorf("status %d, want %d; stderr %s", status, tt.want, stderr)
			}
			if tt.search == noRows && stdout != "0 results\n" {
				t.Errorf("stdout %q, want 0 results", stdout)
			}
			if tt.flag != "" && tt.want == exitNoResults && !strings.Contains(stderr, "returned no results") {
				t.Errorf("stderr %q does not say why", stderr)
			}
		})
	}
	// Without the flag, a script with one search that returns rows
	// succeeds; with it, one empty search is enough to fail.
	file := filepath.Join(t.TempDir(), "two.spl")
	if err := os.WriteFile(file, []byte(byActionDest+";\n"+noRows+";\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if status, _, stderr := invoke(t, "", "run", "--data", eventsFile, "-f", file); status != exitOK {
		t.Errorf("script without --fail-on-empty: status %d, stderr %s", status, stderr)
	}
	if status, _, stderr := invoke(t, "", "run", "--data", eventsFile, "--fail-on-empty", "-f", file); status != exitNoResults || !strings.Contains(stderr, "search at "+file+":2 returned no results") {
		t.Errorf("script: status %d, stderr %s", status, stderr)
	}
}

// TestRunDetectionYAML runs an ESCU detection YAML: the seed detection as
// ESCU writes it (single-quoted, so backslashes are literal).
func TestRunDetectionYAML(t *testing.T) {
	file := filepath.Join(t.TempDir(), "windows_remote_access_software_rms_registry.yml")
	yml := "name: Windows Remote Access Software RMS Registry\nid: e5b7b5a9-e471-4be8-8c5d-4083983ba329\nsearch: '" +
		strings.ReplaceAll(seedSearch, "'", "''") + "'\nhow_to_implement: x\n"
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	status, yamlOut, stderr := invoke(t, "", "run", "--data", eventsFile, "--format", "csv", "-f", file)
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr)
	}
	_, direct, _ := invoke(t, "", "run", "--data", eventsFile, "--format", "csv", seedSearch)
	if yamlOut != direct || strings.Count(yamlOut, "\n") != 11 {
		t.Errorf("YAML run printed\n%s\nthe search itself\n%s", yamlOut, direct)
	}
}

// TestRunESCUDetection runs the seed detection's literal text from the
// shared ESCU extract, with ESCU's own macros, when it is present.
func TestRunESCUDetection(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "escu")
	data, err := os.ReadFile(filepath.Join(shared, "detections_registry.jsonl"))
	if err != nil {
		t.Skipf("shared ESCU content not available: %v", err)
	}
	var search string
	for _, line := range strings.Split(string(data), "\n") {
		var d struct{ Name, Search string }
		if json.Unmarshal([]byte(line), &d) == nil && d.Name == "Windows Remote Access Software RMS Registry" {
			search = d.Search
		}
	}
	if search == "" {
		t.Fatal("seed detection not found in detections_registry.jsonl")
	}
	status, stdout, stderr := invoke(t, "", "run", "--data", eventsFile, "--macros", filepath.Join(shared, "macros.jsonl"), "--format", "csv", search)
	if status != exitOK || strings.Count(stdout, "\n") != 11 {
		t.Errorf("status %d, %d lines, stderr %s", status, strings.Count(stdout, "\n"), stderr)
	}
}

// macroPlanError is a search with a plan error after a macro call, and
// macroPlanErrorWant its error as run and check print it: at 1:101, under
// "frobnicate x" (testdata/golden/errors.test works the column out).
var (
	macroPlanError = "| tstats `security_content_summariesonly` count from datamodel=Endpoint.Registry by Registry.dest | frobnicate x"
	// The caret line: "  | ", 100 columns before column 101, then a
	// caret under the 12 characters of "frobnicate x".
	macroPlanErrorWant = "error: 1:101: unsupported command \"frobnicate\"\n" +
		"  | " + macroPlanError + "\n" +
		"  | " + strings.Repeat(" ", 100) + "^" + strings.Repeat("~", 11) + "\n"
)

// TestCheckMacroPlanError checks that check places a plan error after a
// macro where run and the golden harness place it, after printing the
// expanded search.
func TestCheckMacroPlanError(t *testing.T) {
	status, stdout, stderr := invoke(t, "", "check", macroPlanError)
	wantOut := "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count from datamodel=Endpoint.Registry by Registry.dest | frobnicate x\n"
	if status != exitError || stdout != wantOut || stderr != macroPlanErrorWant {
		t.Errorf("status %d, stdout %q, stderr:\n%s\nwant\n%s", status, stdout, stderr, macroPlanErrorWant)
	}
}

func TestCheck(t *testing.T) {
	status, stdout, stderr := invoke(t, "", "check", "--ast", "| tstats count from datamodel=Endpoint.Registry by Registry.dest | `drop_dm_object_name(Registry)`")
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 2 || lines[0] != `| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename "Registry.*" as *` || !strings.HasPrefix(lines[1], "ast: | tstats count") {
		t.Errorf("check printed %q", stdout)
	}
	status, _, stderr = invoke(t, "", "check", "| tstats count from datamodel=Endpoint.Nope")
	if status != exitError || !strings.Contains(stderr, "^") {
		t.Errorf("unknown dataset: status %d, stderr %q", status, stderr)
	}
}

func TestDatamodels(t *testing.T) {
	status, stdout, _ := invoke(t, "", "datamodels", "--format", "csv")
	if status != exitOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"dataset,field,type,notes\n", "Endpoint.Registry,_time,time,inherited\n", "Endpoint.Registry,Registry.registry_path,string,\"\"\"unknown\"\" when null or empty\"\n", "Endpoint.Processes,Processes.process_name,"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("datamodels output lacks %q", want)
		}
	}
}
