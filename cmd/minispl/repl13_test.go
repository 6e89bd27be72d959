package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREPLBail checks --bail: the first error ends a scripted REPL with
// status 2, and what follows it does not run.
func TestREPLBail(t *testing.T) {
	in := "| tstats count from datamodel=Endpoint.Registry\n.nosuch\n| tstats count from datamodel=Endpoint.Processes\n"
	status, stdout, stderr := invoke(t, in, "repl", "--bail", "--data", eventsFile)
	if status != exitError {
		t.Errorf("status %d, want %d", status, exitError)
	}
	if !strings.Contains(stdout, "14") || strings.Count(stdout, "count") != 1 {
		t.Errorf("stdout %q: want the first search only", stdout)
	}
	if !strings.Contains(stderr, "error: unknown command .nosuch") {
		t.Errorf("stderr %q", stderr)
	}
	// Without --bail the REPL goes on and ends with status 0.
	status, stdout, _ = invoke(t, in, "repl", "--data", eventsFile)
	if status != exitOK || strings.Count(stdout, "count") != 2 {
		t.Errorf("without --bail: status %d, stdout %q", status, stdout)
	}
}

// TestREPLSplunkFormatPiped checks that piped input in Splunk's editor
// format (each | command on its own line) is one search, and that a line
// starting with | tstats starts the next one.
func TestREPLSplunkFormatPiped(t *testing.T) {
	in := "| tstats count from datamodel=Endpoint.Registry by Registry.dest\n| rename Registry.dest as dest\n| where count > 7\n| tstats count from datamodel=Endpoint.Registry\n"
	status, stdout, stderr := invoke(t, in, "repl", "--data", eventsFile)
	// By hand: WS-FIN-07 has 8 rows, win-dc-01 6; the store 14.
	want := "dest                        count\n--------------------------  -----\nWS-FIN-07.corp.example.com  8\ncount\n-----\n14\n"
	if status != exitOK || stdout != want {
		t.Errorf("status %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", status, stdout, want, stderr)
	}
}

// TestDotEdit runs .edit with an EDITOR that appends a stage to the file,
// and checks that the edited search is printed and run.
func TestDotEdit(t *testing.T) {
	r, out := loadedREPL(t, sessionOptions{})
	dir := t.TempDir()
	editor := filepath.Join(dir, "ed.sh")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\nprintf '| rename count as n\\n' >> \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", editor)
	r.handle(context.Background(), "| tstats count from datamodel=Endpoint.Registry")
	out.Reset()
	r.handle(context.Background(), ".edit")
	want := "| tstats count from datamodel=Endpoint.Registry\n| rename count as n\nn\n--\n14\n"
	if out.String() != want {
		t.Errorf(".edit printed\n%s\nwant\n%s", out.String(), want)
	}
	t.Setenv("EDITOR", "")
	out.Reset()
	r.handle(context.Background(), ".edit")
	if !strings.Contains(out.String(), "error: .edit needs the EDITOR variable") {
		t.Errorf(".edit without EDITOR: %q", out.String())
	}
}

// TestFooter checks the footer wording by hand: 207,609 rows left of
// 207,619, as the issue writes it, and the singular.
func TestFooter(t *testing.T) {
	if got := footer(10, 207619); got != "… 207,609 more rows (207,619 total); .maxrows 0 for all" {
		t.Errorf("footer = %q", got)
	}
	if got := footer(2, 3); got != "… 1 more row (3 total); .maxrows 0 for all" {
		t.Errorf("footer = %q", got)
	}
}
