package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

// escuDir holds a few ESCU-style detections, one per outcome (passes, fails
// to expand, parse or plan, runs with no rows), and a lookup definition
// that is skipped.
var escuDir = filepath.Join("testdata", "escu")

// TestCheckESCUGolden checks a folder of detections with --run and
// --verbose over the embedded sample.
func TestCheckESCUGolden(t *testing.T) {
	status, stdout, stderr := invoke(t, "", "check", "--escu", escuDir, "--run", "--sample", "-v")
	if status != exitError {
		t.Errorf("status %d, want %d (some searches fail)", status, exitError)
	}
	checkGolden(t, filepath.Join("testdata", "check_escu.golden"), stdout)
	wantNote := "note: skipped 1 file holding no detection, e.g. " + filepath.Join(escuDir, "lookups", "remote_access_software.yml") + ": not an ESCU detection: no search: key\n"
	if !strings.HasPrefix(stderr, wantNote) {
		t.Errorf("stderr %q does not start with %q", stderr, wantNote)
	}
}

// TestCheckESCU checks the line formats, totals and exit status of check
// --escu with and without --run and --verbose.
func TestCheckESCU(t *testing.T) {
	failLines := []string{
		"FAIL Syntax Error (" + filepath.Join(escuDir, "detections", "syntax_error.yml") + ":5): parse: 1:16: unexpected \"frm\"",
		"FAIL Undefined Macro (" + filepath.Join(escuDir, "detections", "undefined_macro.yml") + ":3): expand: 1:68: macro 'no_such_macro' cannot be found",
		"FAIL Unknown Dataset (" + filepath.Join(escuDir, "detections", "unknown_dataset.yml") + ":3): plan: 1:3: unknown datamodel dataset \"Endpoint.Nope\"",
		"FAIL Unsupported Command (" + filepath.Join(escuDir, "detections", "unsupported_command.yml") + ":3): plan: 1:102: unsupported command \"outputlookup\"",
	}
	tests := []struct {
		name      string
		args      []string
		wantTotal string
		wantOK    []string
	}{
		{
			name:      "plan only",
			wantTotal: "6 searches: 5 expanded, 4 parsed, 2 planned (33.3%)",
		},
		{
			name:      "plan only, verbose",
			args:      []string{"--verbose"},
			wantTotal: "6 searches: 5 expanded, 4 parsed, 2 planned (33.3%)",
			wantOK: []string{
				"ok No Rows (" + filepath.Join(escuDir, "detections", "no_rows.yml") + ":3): planned",
				"ok Windows Remote Access Software RMS Registry (" + filepath.Join(escuDir, "detections", "windows_remote_access_software_rms_registry.yml") + ":5): planned",
			},
		},
		{
			name:      "run over events",
			args:      []string{"--run", "--data", eventsFile},
			wantTotal: "6 searches: 5 expanded, 4 parsed, 2 planned (33.3%), 2 ran, 1 with results",
		},
		{
			name:      "run, verbose",
			args:      []string{"--run", "-v", "--data", eventsFile},
			wantTotal: "6 searches: 5 expanded, 4 parsed, 2 planned (33.3%), 2 ran, 1 with results",
			wantOK: []string{
				"ok No Rows (" + filepath.Join(escuDir, "detections", "no_rows.yml") + ":3): 0 rows",
				"ok Windows Remote Access Software RMS Registry (" + filepath.Join(escuDir, "detections", "windows_remote_access_software_rms_registry.yml") + ":5): 10 rows",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := invoke(t, "", append([]string{"check", "--escu", escuDir}, tt.args...)...)
			if status != exitError {
				t.Errorf("status %d, want %d; stderr %s", status, exitError, stderr)
			}
			var fails, oks []string
			total := ""
			for _, line := range strings.Split(stdout, "\n") {
				switch {
				case strings.HasPrefix(line, "FAIL "):
					fails = append(fails, line)
				case strings.HasPrefix(line, "ok "):
					oks = append(oks, line)
				case strings.Contains(line, " searches: "):
					total = line
				}
			}
			if len(fails) != len(failLines) {
				t.Fatalf("%d FAIL lines, want %d:\n%s", len(fails), len(failLines), stdout)
			}
			for i, f := range fails {
				if !strings.HasPrefix(f, failLines[i]) {
					t.Errorf("FAIL line %d:\n%s\nwant prefix\n%s", i, f, failLines[i])
				}
			}
			if strings.Join(oks, "\n") != strings.Join(tt.wantOK, "\n") {
				t.Errorf("ok lines:\n%s\nwant\n%s", strings.Join(oks, "\n"), strings.Join(tt.wantOK, "\n"))
			}
			if total != tt.wantTotal {
				t.Errorf("totals %q, want %q", total, tt.wantTotal)
			}
		})
	}
}

// TestCheckESCUAllPass checks exit status 0 when every detection passes,
// for a single YAML file.
func TestCheckESCUAllPass(t *testing.T) {
	file := filepath.Join(escuDir, "detections", "windows_remote_access_software_rms_registry.yml")
	status, stdout, stderr := invoke(t, "", "check", "--escu", file, "--run", "--sample")
	if status != exitOK || stdout != "1 searches: 1 expanded, 1 parsed, 1 planned (100.0%), 1 ran, 1 with results\n" {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestCheckUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantErr    string
	}{
		{"escu and a search", []string{"check", "--escu", escuDir, "| tstats count"}, exitError, "give one of --escu PATH, -f FILE or a search"},
		{"escu and -f", []string{"check", "--escu", escuDir, "-f", "x.spl"}, exitError, "give one of"},
		{"escu and --ast", []string{"check", "--escu", escuDir, "--ast"}, exitError, "--ast is not available with --escu"},
		{"data without run", []string{"check", "--data", eventsFile, byActionDest}, exitError, "--data and --sample are only read with --run"},
		{"sample without run", []string{"check", "--sample", byActionDest}, exitError, "--data and --sample are only read with --run"},
		{"missing escu path", []string{"check", "--escu", "no/such/dir"}, exitError, "error: --escu: read detections: stat no/such/dir"},
		{"escu file with no detection", []string{"check", "--escu", filepath.Join(escuDir, "lookups", "remote_access_software.yml")}, exitError, "not an ESCU detection"},
		{"folder with no detection", []string{"check", "--escu", filepath.Join(escuDir, "lookups")}, exitError, "no detection found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, stderr := invoke(t, "", tt.args...)
			if status != tt.wantStatus || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("status %d, stderr %q; want %d and %q", status, stderr, tt.wantStatus, tt.wantErr)
			}
		})
	}
}

// TestCheckFileRun checks that -f with several searches keeps its
// per-search output, and that --run adds the row counts.
func TestCheckFileRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "two.spl")
	if err := os.WriteFile(file, []byte("# name: rows\n"+byActionDest+"\n\n# name: bad\n| tstats count | `nosuch`\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := invoke(t, "", "check", "--run", "--data", eventsFile, "-f", file)
	wantOut := "# rows\n" + byActionDest + "\nrows: 4\n\n# bad\n"
	if status != exitError || stdout != wantOut {
		t.Errorf("status %d, stdout\n%s\nwant\n%s", status, stdout, wantOut)
	}
	if !strings.Contains(stderr, "error: "+file+":5:18: macro 'nosuch' cannot be found") {
		t.Errorf("stderr %q", stderr)
	}
	status, stdout, _ = invoke(t, "", "check", "-f", file)
	if status != exitError || strings.Contains(stdout, "rows:") || !strings.HasPrefix(stdout, "# rows\n"+byActionDest+"\n\n# bad\n") {
		t.Errorf("without --run: status %d, stdout\n%s", status, stdout)
	}
}

// TestCheckCorpusCancelled checks that searches not reached after a
// cancel count as failures.
func TestCheckCorpusCancelled(t *testing.T) {
	s, err := newSession(sessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	tot := checkCorpus(ctx, s, []script{{Name: "a", Text: byActionDest, File: "f.spl", Line: 1}}, checkOptions{Run: true}, &out)
	want := "FAIL a (f.spl:1): expand: search cancelled\n1 searches: 0 expanded, 0 parsed, 0 planned (0.0%), 0 ran, 0 with results\nmost frequent failures:\n     1  expand: search cancelled\n"
	if out.String() != want || tot.failed() != 1 {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestCheckTotals(t *testing.T) {
	tests := []struct {
		name   string
		totals checkTotals
		want   string
		failed int
	}{
		{"empty", checkTotals{}, "0 searches: 0 expanded, 0 parsed, 0 planned (100.0%)", 0},
		{"plan", checkTotals{Searches: 783, Expanded: 783, Parsed: 783, Planned: 760}, "783 searches: 783 expanded, 783 parsed, 760 planned (97.1%)", 23},
		{"run", checkTotals{Searches: 783, Expanded: 783, Parsed: 783, Planned: 760, Ran: 758, WithResults: 12, run: true}, "783 searches: 783 expanded, 783 parsed, 760 planned (97.1%), 758 ran, 12 with results", 25},
	}
	for _, tt := range tests {
		if got := tt.totals.String(); got != tt.want || tt.totals.failed() != tt.failed {
			t.Errorf("%s: %q (failed %d), want %q (failed %d)", tt.name, got, tt.totals.failed(), tt.want, tt.failed)
		}
	}
}

func TestFailReasons(t *testing.T) {
	se := &spl.Error{Msg: "unsupported command \"x\"", Text: "a\n| x", Pos: spl.Span{Start: 4, End: 5}}
	tests := []struct {
		err       error
		line, why string
	}{
		{se, "2:3: unsupported command \"x\"", "unsupported command \"x\""},
		{errors.New("execute: a\nb"), "execute: a b", "execute: a b"},
	}
	for _, tt := range tests {
		if got := oneLine(tt.err.Error()); got != tt.line {
			t.Errorf("oneLine(%q) = %q, want %q", tt.err, got, tt.line)
		}
		if got := oneLine(reasonOf(tt.err)); got != tt.why {
			t.Errorf("reasonOf(%q) = %q, want %q", tt.err, got, tt.why)
		}
	}
}
