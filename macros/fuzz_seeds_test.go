package macros

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// escuShared is ../shared/escu next to the module root; ok is false when
// it is absent (the fuzz targets then run on their own seeds only).
func escuShared() (dir string, ok bool) {
	dir = filepath.Join("..", "..", "shared", "escu")
	_, err := os.Stat(filepath.Join(dir, "macros.jsonl"))
	return dir, err == nil
}

// escuSearches returns the search of every detection in the shared ESCU
// corpora (Endpoint and raw-event), unexpanded.
func escuSearches(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	for _, name := range []string{"detections_processes.jsonl", "detections_registry.jsonl", "detections_filesystem.jsonl", "detections_raw.jsonl"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var d struct {
				Search string `json:"search"`
			}
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, d.Search)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
