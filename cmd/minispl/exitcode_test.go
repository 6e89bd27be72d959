package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exitDetection is a detection YAML whose one test replays
// datasets/exit/rms_registry.xml of an attack_data folder.
func exitDetection(name, id, search string) string {
	return `name: ` + name + `
id: ` + id + `
type: TTP
status: production
search: '` + search + `'
tags:
  observable:
  - name: dest
    type: Hostname
    role:
    - Victim
  risk_score: 50
tests:
- name: True Positive Test
  attack_data:
  - data: https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/exit/rms_registry.xml
    source: XmlWinEventLog:Microsoft-Windows-Sysmon/Operational
    sourcetype: xmlwineventlog
`
}

// TestExitCodes is the README's "Exit codes" table, command by command:
// 0 success with results, 1 ran but found nothing (or a test failed), 2
// an error in the usage, the input or a search, 130 interrupted. The
// interrupted runs get a context that is already cancelled, as Ctrl-C
// cancels it (TestSIGINT sends the signal itself to the binary); each
// command with a loading or searching phase must stop with 130, not
// report the cancellation as an error or as no results. Commands that
// have nothing to find (datamodels, sql, --version) have no status 1,
// nor a phase to interrupt; repl handles Ctrl-C itself (it cancels the
// running search and goes on). TestRunUsage, TestRunFailOnEmpty and
// TestHuntStatus check more of the error and no-result cases.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	events, err := os.ReadFile(filepath.Join("..", "..", "testdata", "events", "rms_registry.xml"))
	if err != nil {
		t.Fatal(err)
	}
	ad := filepath.Join(dir, "attack_data")
	write := func(path, text string) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	evFile := write(filepath.Join(ad, "datasets", "exit", "rms_registry.xml"), string(events))
	byDest := "| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename Registry.dest as dest"
	pass := write(filepath.Join(dir, "pass.yml"), exitDetection("Exit Pass", "00000000-0000-0000-0000-0000000e0001", byDest))
	fail := write(filepath.Join(dir, "fail.yml"), exitDetection("Exit Fail", "00000000-0000-0000-0000-0000000e0002",
		`| tstats count from datamodel=Endpoint.Registry where Registry.dest="no-such-host" by Registry.dest | rename Registry.dest as dest`))
	broken := write(filepath.Join(dir, "broken.yml"), exitDetection("Exit Error", "00000000-0000-0000-0000-0000000e0003",
		`| tstats count from datamodel=Web by Web.dest`))
	empty := "| tstats count from datamodel=Endpoint.Registry where Registry.dest=no-such-host by Registry.dest"
	badSPL := "| tstats count frm datamodel=Endpoint.Registry by Registry.dest"

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	background := context.Background()
	tests := []struct {
		name   string
		ctx    context.Context
		stdin  string
		args   []string
		status int
	}{
		{"run results", background, "", []string{"run", "--data", evFile, byActionDest}, exitOK},
		{"run no results", background, "", []string{"run", "--data", evFile, empty}, exitNoResults},
		{"run bad search", background, "", []string{"run", "--data", evFile, badSPL}, exitError},
		{"run bad flag", background, "", []string{"run", "--nosuch", byActionDest}, exitError},
		{"run interrupted", cancelled, "", []string{"run", "--data", evFile, byActionDest}, exitInterrupted},

		{"hunt fired", background, "", []string{"hunt", pass, "--data", evFile}, exitOK},
		{"hunt nothing fired", background, "", []string{"hunt", fail, "--data", evFile}, exitNoResults},
		{"hunt detection does not plan", background, "", []string{"hunt", broken, "--data", evFile}, exitError},
		{"hunt no detections", background, "", []string{"hunt", "--data", evFile}, exitError},
		{"hunt interrupted", cancelled, "", []string{"hunt", pass, "--data", evFile}, exitInterrupted},

		{"test passed", background, "", []string{"test", "--attack-data", ad, pass}, exitOK},
		{"test failed", background, "", []string{"test", "--attack-data", ad, pass, fail}, exitNoResults},
		{"test error", background, "", []string{"test", "--attack-data", ad, pass, fail, broken}, exitError},
		{"test no attack data", background, "", []string{"test", pass}, exitError},
		{"test interrupted", cancelled, "", []string{"test", "--attack-data", ad, pass}, exitInterrupted},

		{"check ok", background, "", []string{"check", byActionDest}, exitOK},
		{"check bad search", background, "", []string{"check", badSPL}, exitError},
		{"check run ok", background, "", []string{"check", "--run", "--data", evFile, byActionDest}, exitOK},
		{"check escu run", background, "", []string{"check", "--escu", pass, "--run", "--data", evFile}, exitOK},
		{"check escu error", background, "", []string{"check", "--escu", broken}, exitError},
		{"check run interrupted", cancelled, "", []string{"check", "--run", "--data", evFile, byActionDest}, exitInterrupted},
		{"check escu run interrupted", cancelled, "", []string{"check", "--escu", pass, "--run", "--data", evFile}, exitInterrupted},

		{"explain results", background, "", []string{"explain", "--data", evFile, byActionDest}, exitOK},
		{"explain no results", background, "", []string{"explain", "--data", evFile, empty}, exitNoResults},
		{"explain bad search", background, "", []string{"explain", "--data", evFile, badSPL}, exitError},
		{"explain interrupted", cancelled, "", []string{"explain", "--data", evFile, byActionDest}, exitInterrupted},

		{"accelerate", background, "", []string{"accelerate", "--data", evFile, "--out", filepath.Join(dir, "sum")}, exitOK},
		{"accelerate missing input", background, "", []string{"accelerate", "--data", filepath.Join(dir, "nosuch.xml"), "--out", filepath.Join(dir, "sum2")}, exitError},
		{"accelerate interrupted", cancelled, "", []string{"accelerate", "--data", evFile, "--out", filepath.Join(dir, "sum3")}, exitInterrupted},

		{"repl", background, byActionDest + "\n", []string{"repl", "--data", evFile}, exitOK},
		{"repl bail", background, badSPL + "\n", []string{"repl", "--data", evFile, "--bail"}, exitError},

		{"datamodels", background, "", []string{"datamodels"}, exitOK},
		{"datamodels bad format", background, "", []string{"datamodels", "--format", "xml"}, exitError},
		{"sql", background, "", []string{"sql", "--dialect", "duckdb", byActionDest}, exitOK},
		{"sql bad dialect", background, "", []string{"sql", "--dialect", "nosuch", byActionDest}, exitError},
		{"version", background, "", []string{"--version"}, exitOK},
		{"no command", background, "", nil, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			status := runContext(tt.ctx, tt.args, strings.NewReader(tt.stdin), &out, &errOut)
			if status != tt.status {
				t.Errorf("minispl %s: status %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), status, tt.status, out.String(), errOut.String())
			}
		})
	}
}
