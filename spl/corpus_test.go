package spl

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns ../shared relative to the module root, skipping the test
// when it is absent.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return dir
}

// readSearches returns the "search" field of every JSON line of path.
func readSearches(t testing.TB, path string) (names, searches []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		var d struct {
			Name   string `json:"name"`
			Search string `json:"search"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		names = append(names, d.Name)
		searches = append(searches, d.Search)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return names, searches
}

// TestCorpus parses every ESCU search of the three Endpoint corpora
// unexpanded, and checks that each parse round-trips through the printer.
// The registry corpus must parse completely.
func TestCorpus(t *testing.T) {
	dir := sharedDir(t, "escu")
	// minShare is the share of searches that must parse and round-trip.
	for _, tc := range []struct {
		file     string
		minShare float64
	}{
		{"detections_registry.jsonl", 1},
		{"detections_processes.jsonl", 1},
		{"detections_filesystem.jsonl", 1},
	} {
		file := tc.file
		t.Run(file, func(t *testing.T) {
			names, searches := readSearches(t, filepath.Join(dir, file))
			if len(searches) == 0 {
				t.Fatalf("%s: no searches", file)
			}
			ok := 0
			for i, s := range searches {
				p, err := Parse(s)
				if err != nil {
					t.Logf("%s: %q does not parse:\n%s", file, names[i], err.(*Error).Format())
					continue
				}
				if err := roundTrip(p); err != "" {
					t.Errorf("%s: %q: %s", file, names[i], err)
					continue
				}
				ok++
			}
			t.Logf("%s: %d of %d searches parse and round-trip", file, ok, len(searches))
			if share := float64(ok) / float64(len(searches)); share < tc.minShare {
				t.Errorf("%s: %.1f%% parse, want at least %.1f%%", file, 100*share, 100*tc.minShare)
			}
		})
	}
}
