package datamodel

import (
	"strings"
	"testing"
)

// TestStatsCheck checks that Check holds on a real ingest and fails, with
// the identity named, on each broken count.
func TestStatsCheck(t *testing.T) {
	good := regEvt(12, "CreateKey", `HKLM\X`).xml()
	st := ingestText(t, good+"\njunk\n"+good+"\n", Options{}).Stats()
	if err := st.Check(); err != nil {
		t.Fatalf("real ingest: %v", err)
	}
	for _, tc := range []struct {
		name string
		st   Stats
		want string
	}{
		{"event lost", Stats{Events: 3, Kept: 1, Used: map[string]int{"a": 1}, Skipped: map[string]int{"r": 1}}, "3 events read, but 1 kept + 1 skipped"},
		{"rows beyond kept events", Stats{Events: 2, Kept: 1, Used: map[string]int{"a": 2}, Skipped: map[string]int{"r": 1}}, "2 dataset rows from 1 kept events"},
		{"file kind lost", Stats{Files: 2, FileKinds: map[string]int{"zip": 1}}, "2 files read, but 1 counted by kind"},
		{"skipped file unlisted", Stats{FilesSkipped: map[string]int{"empty": 2}, SkippedFiles: []SkippedFile{{"a", "empty"}}}, "2 files skipped, but 1 listed"},
	} {
		if err := tc.st.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
