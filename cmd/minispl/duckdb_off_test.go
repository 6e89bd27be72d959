//go:build !duckdb

package main

import (
	"strings"
	"testing"
)

// TestRunEngineDuckDBNotLinked: without the build tag duckdb, --engine
// duckdb says how to build a binary that has it.
func TestRunEngineDuckDBNotLinked(t *testing.T) {
	dir := t.TempDir()
	accelerate(t, dir, procsFile)
	status, stdout, stderr := invoke(t, "", "run", "--engine", "duckdb", "--summaries", dir, "| tstats count from datamodel=Endpoint.Processes by Processes.dest")
	if status != exitError || stdout != "" || !strings.Contains(stderr, "-tags duckdb") {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}
