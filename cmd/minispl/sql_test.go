package main

import (
	"strings"
	"testing"
)

// TestSQL: minispl sql prints the dialect's SQL over --summaries, and a
// search without an exact translation exits 2 naming the construct.
func TestSQL(t *testing.T) {
	status, out, errOut := invoke(t, "", "sql", "--dialect", "spark", "--summaries", "/lake/cim",
		`| tstats count FROM datamodel=Endpoint.Processes where Processes.process_name="cmd.exe" by Processes.dest | rename Processes.dest as dest`)
	if status != exitOK {
		t.Fatalf("status %d, stderr %s", status, errOut)
	}
	// Spark reads the dataset's folder; the BY field is renamed in the
	// outer SELECT; the glob is lowered on both sides with ESCAPE '^'.
	for _, want := range []string{"FROM parquet.`/lake/cim/Endpoint.Processes`", "AS `dest`",
		"lower(`process_name`) LIKE lower('cmd.exe') ESCAPE '^'", "ORDER BY __k0"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	status, _, errOut = invoke(t, "", "sql", `| tstats count FROM datamodel=Endpoint.Processes by Processes.dest | sort - count`)
	if status != exitError || !strings.Contains(errOut, "unsupported: sort") {
		t.Errorf("sort: status %d, stderr %q; want 2 and the construct", status, errOut)
	}
}
