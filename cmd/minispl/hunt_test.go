package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// seedYAML is the project's seed detection with its tags.
var seedYAML = filepath.Join("..", "..", "testdata", "examples", "rms_seed.yml")

// sharedRoot is ../shared beside the checkout.
var sharedRoot = filepath.Join("..", "..", "..", "shared")

func needShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedRoot, "escu", "security_content")); err != nil {
		t.Skipf("../shared not available: %v", err)
	}
}

func TestHuntSeed(t *testing.T) {
	dir := t.TempDir()
	tl, rep := filepath.Join(dir, "t.jsonl"), filepath.Join(dir, "r.html")
	status, stdout, stderr := invoke(t, "", "hunt", seedYAML, "--sample", "--timeline", tl, "--report", rep)
	if status != exitOK {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	// The seed over the sample: 10 rows (README), on both hosts.
	for _, want := range []string{
		"90    Windows Remote Access Software RMS Registry  TTP   T1219            WS-FIN-07.corp.example.com win-dc-01.attackrange.local  10       2024-09-30 14:05:09  2024-09-30 15:31:00\n",
		"1 of 1 detection fired; 0 could not run\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "1 of 1 detection selected") {
		t.Errorf("stderr %q", stderr)
	}
	lines := jsonLines(t, tl)
	if len(lines) != 10 || lines[0]["detection"] != "Windows Remote Access Software RMS Registry" || lines[0]["_time"] != "2024-09-30T14:05:09Z" {
		t.Errorf("timeline %v", lines)
	}
	page, err := os.ReadFile(rep)
	if err != nil || !strings.Contains(string(page), `<section id="timeline">`) {
		t.Errorf("report: %v", err)
	}
}

func TestHuntScheduled(t *testing.T) {
	tl := filepath.Join(t.TempDir(), "t.csv")
	status, stdout, stderr := invoke(t, "", "hunt", seedYAML, "--sample", "--as-scheduled", "--from", "2024-09-30T00:00:00Z", "--to", "2024-10-01T00:00:00Z", "--timeline", tl)
	if status != exitOK || !strings.Contains(stdout, "24 scheduled runs, 2 with results: 10 notable events, 10 risk events\n") {
		t.Fatalf("status %d\n%s%s", status, stdout, stderr)
	}
	data, err := os.ReadFile(tl)
	if err != nil {
		t.Fatal(err)
	}
	// 10 notables and 10 risk events under one header
	// (hunt/testdata/rms_seed_scheduled.golden has them one by one).
	if n := strings.Count(string(data), "\n"); n != 21 || !strings.Contains(string(data), ",risk,") {
		t.Errorf("timeline has %d lines:\n%s", n, data)
	}
}

func TestHuntStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		want   string
	}{
		{"no detections", []string{"hunt", "--sample"}, exitError, "expected"},
		{"unknown detection", []string{"hunt", seedYAML, "--sample", "--detection", "Nope"}, exitError, `--detection "Nope": no such detection`},
		{"nothing selected", []string{"hunt", seedYAML, "--sample", "--type", "Hunting"}, exitError, "no detection selected"},
		{"from without as-scheduled", []string{"hunt", seedYAML, "--sample", "--from", "-1d"}, exitError, "--as-scheduled needs --from and --to"},
		{"as-scheduled without to", []string{"hunt", seedYAML, "--sample", "--as-scheduled", "--from", "-1d"}, exitError, "--as-scheduled needs --from and --to"},
		{"bad timeline name", []string{"hunt", seedYAML, "--sample", "--timeline", "t.txt"}, exitError, "want a .jsonl or .csv file name"},
		{"missing path", []string{"hunt", "no/such.yml", "--sample"}, exitError, "no/such.yml"},
		// A window without events: the detection ran and found nothing.
		{"no findings", []string{"hunt", seedYAML, "--sample", "--earliest", "2030-01-01T00:00:00Z"}, exitNoResults, "0 of 1 detection fired; 0 could not run"},
		{"test needs attack data", []string{"test", seedYAML}, exitError, "--attack-data DIR is needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := invoke(t, "", tt.args...)
			if status != tt.status || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("status %d, want %d; output lacks %q:\n%s%s", status, tt.status, tt.want, stdout, stderr)
			}
		})
	}
}

func jsonLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: not a JSON object: %v: %s", path, err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// TestHuntSharedAcceptance is issue 10's hunt acceptance: the ESCU
// checkout over attack_data prints the summary, and every timeline line is
// a JSON object with detection and id.
func TestHuntSharedAcceptance(t *testing.T) {
	needShared(t)
	tl := filepath.Join(t.TempDir(), "t.jsonl")
	status, stdout, stderr := invoke(t, "", "hunt", filepath.Join(sharedRoot, "escu", "security_content"),
		"--data", filepath.Join(sharedRoot, "datasets", "attack_data"), "--timeline", tl)
	if status != exitOK || !strings.Contains(stdout, " of 1,613 detections fired; ") {
		t.Fatalf("status %d\n%s%s", status, stdout, stderr)
	}
	lines := jsonLines(t, tl)
	if len(lines) == 0 {
		t.Fatal("empty timeline")
	}
	for i, m := range lines {
		if m["detection"] == nil || m["id"] == nil {
			t.Fatalf("line %d lacks detection or id: %v", i+1, m)
		}
	}
}

// TestTestSharedAcceptance is issue 10's test acceptance through the
// command line (ctest.TestSharedCheckout checks each outcome): the
// totals (17 passed, 3 failed, 0 errors), Certipy's FAIL with its reason,
// valid JUnit XML, and exit status 1 (a test failed, none errored).
func TestTestSharedAcceptance(t *testing.T) {
	needShared(t)
	junit := filepath.Join(t.TempDir(), "j.xml")
	status, stdout, stderr := invoke(t, "", "test", "--attack-data", filepath.Join(sharedRoot, "datasets", "attack_data"),
		filepath.Join(sharedRoot, "escu", "security_content"), "--junit", junit)
	if !strings.Contains(stdout, "1,716 tests: 17 passed, 3 failed, 0 errors, 1,696 skipped") ||
		!strings.Contains(stdout, "FAIL    Detect Certipy File Modifications") ||
		!strings.Contains(stdout, "the search returned no results; the test data has 23 events") {
		t.Fatalf("stdout:\n%s%s", stdout, stderr)
	}
	if status != exitNoResults {
		t.Errorf("status %d, want 1 (failures, no error)", status)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Tests != 1716 || len(doc.Suites[0].Cases) != 1716 || doc.Failures != 3 {
		t.Errorf("JUnit: %v, %d tests", err, doc.Tests)
	}
	// One detection whose test passes: exit 0.
	status, stdout, _ = invoke(t, "", "test", "--attack-data", filepath.Join(sharedRoot, "datasets", "attack_data"),
		filepath.Join(sharedRoot, "escu", "security_content"), "--detection", "Windows AD DSRM Account Changes")
	if status != exitOK || !strings.Contains(stdout, "1 test: 1 passed, 0 failed, 0 errors, 0 skipped") {
		t.Errorf("status %d:\n%s", status, stdout)
	}
}

// TestRunFiles: -f is repeatable and takes folders; several searches as
// JSON are one JSON-lines stream whose rows name their search.
func TestRunFiles(t *testing.T) {
	noRowsYAML := filepath.Join("testdata", "escu", "detections", "no_rows.yml")
	status, stdout, stderr := invoke(t, "", "run", "--sample", "--format", "json", "-f", seedYAML, "-f", noRowsYAML)
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	// The seed's 10 rows; No Rows adds none.
	if len(lines) != 10 {
		t.Fatalf("%d lines:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["search_name"] != "Windows Remote Access Software RMS Registry" {
			t.Fatalf("line %q: %v", l, err)
		}
	}
	// Only searches without rows: status 1.
	if status, _, stderr := invoke(t, "", "run", "--sample", "-f", noRowsYAML); status != exitNoResults {
		t.Errorf("no rows: status %d: %s", status, stderr)
	}
	// A folder of detections: some do not compile, status 2, each error
	// placed in its file.
	status, _, stderr = invoke(t, "", "run", "--sample", "-f", filepath.Join("testdata", "escu", "detections"))
	if status != exitError || !strings.Contains(stderr, filepath.Join("testdata", "escu", "detections", "syntax_error.yml")+":") {
		t.Errorf("folder: status %d: %s", status, stderr)
	}
}

// huntOutputs runs hunt with args plus --timeline and --report and returns
// what it wrote: the status, stdout, stderr, the timeline and the report
// without its generation time.
func huntOutputs(t *testing.T, args ...string) []string {
	t.Helper()
	dir := t.TempDir()
	tl, rep := filepath.Join(dir, "t.jsonl"), filepath.Join(dir, "r.html")
	status, stdout, stderr := invoke(t, "", append(append([]string{"hunt"}, args...), "--timeline", tl, "--report", rep)...)
	timeline, err := os.ReadFile(tl)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	page, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	generated := regexp.MustCompile(`Generated [^ ]+\. `)
	if !generated.Match(page) {
		t.Fatal("the report names no generation time")
	}
	return []string{strconv.Itoa(status), stdout, stderr, string(timeline), generated.ReplaceAllString(string(page), "")}
}

// TestHuntNarrowed: a hunt loads only the event fields and datasets its
// compiled detections read (HuntCmd.Run, session.narrow); with --load-all
// it loads everything, as before the narrowing. Every output is the same
// either way (status, findings as JSON, stderr with its warnings, errors
// and ingest summary, timeline, report), over the ESCU checkout and
// attack_data of ../shared, for all of it (which reads every field and
// may read any dataset: a map) and for two selections that narrow, and for
// the seed run as scheduled over the sample (one dataset, no event store).
func TestHuntNarrowed(t *testing.T) {
	what := []string{"status", "stdout", "stderr", "timeline", "report"}
	same := func(name string, args ...string) {
		t.Helper()
		narrow := huntOutputs(t, args...)
		all := huntOutputs(t, append(args, "--load-all")...)
		for i := range narrow {
			if narrow[i] != all[i] {
				t.Errorf("%s: the narrowed hunt's %s differs from --load-all's:\n%s\n--- --load-all:\n%s", name, what[i], narrow[i], all[i])
			}
		}
		if name != "scheduled seed" && !strings.Contains(narrow[1], `"detection"`) {
			t.Errorf("%s: nothing fired:\n%s%s", name, narrow[1], narrow[2])
		}
	}
	same("scheduled seed", seedYAML, "--sample", "--as-scheduled", "--from", "2024-09-30T00:00:00Z", "--to", "2024-10-01T00:00:00Z")
	needShared(t)
	escu := filepath.Join(sharedRoot, "escu", "security_content")
	data := filepath.Join(sharedRoot, "datasets", "attack_data")
	same("ESCU", escu, "--data", data, "--format", "json", "-v")
	// These two narrow: Sysmon's 840 detections read 209 event fields and
	// four datasets, PowerShell's 104 no dataset.
	same("Sysmon ESCU", escu, "--data", data, "--format", "json", "-v", "--data-source", "Sysmon*")
	same("PowerShell ESCU", escu, "--data", data, "--format", "json", "-v", "--data-source", "Powershell*")
}
