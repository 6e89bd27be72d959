package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHuntFromSummaries: the ESCU Endpoint detections hunted over the
// summaries of attack_data, read with only the dataset columns the
// compiled detections read (session.narrow), find what they find with
// --load-all (every column read). (That the tstats ones find from
// summaries what they find from the events is summaries'
// TestESCUFromSummaries; the raw-event ones cannot run from summaries.)
func TestHuntFromSummaries(t *testing.T) {
	needShared(t)
	data := filepath.Join(sharedRoot, "datasets", "attack_data")
	escu := filepath.Join(sharedRoot, "escu", "security_content", "detections", "endpoint")
	macros := filepath.Join(sharedRoot, "escu", "security_content", "macros")
	lookups := filepath.Join(sharedRoot, "escu", "security_content", "lookups")
	dir := filepath.Join(t.TempDir(), "sum")
	accelerate(t, dir, data)
	hunt := func(args ...string) string {
		t.Helper()
		status, stdout, stderr := invoke(t, "", append([]string{"hunt", escu, "-m", macros, "--lookups", lookups, "--format", "json"}, args...)...)
		if status != exitOK && status != exitNoResults {
			t.Fatalf("hunt %v: status %d, stderr:\n%s", args, status, stderr)
		}
		return stdout
	}
	got := hunt("--summaries", dir)
	if !strings.Contains(got, `"detection"`) {
		t.Fatalf("nothing fired from the summaries:\n%s", got)
	}
	if all := hunt("--summaries", dir, "--load-all"); got != all {
		t.Errorf("from summaries, columns read:\n%s\nevery column:\n%s", got, all)
	}
}
