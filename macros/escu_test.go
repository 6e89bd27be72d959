package macros_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/escu"
)

// sharedDir returns ../shared next to the module root, skipping the test
// when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "escu", "macros.jsonl")); err != nil {
		t.Skipf("ESCU corpus not available: %v", err)
	}
	return shared
}

func readDetections(t testing.TB, path string) []escu.Detection {
	t.Helper()
	ds, err := escu.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestESCU expands every Endpoint detection search of the ESCU corpus with
// the built-in macros plus ESCU's macros.jsonl, then parses the expanded text
// with spl.Parse; parse errors are relocated onto the original search. The
// floors are the counts reached; a regression below them fails.
func TestESCU(t *testing.T) {
	shared := sharedDir(t)
	lib := macros.Default()
	if err := lib.Load(filepath.Join(shared, "escu", "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	if lib.Len() < 189 {
		t.Errorf("library has %d macros after loading macros.jsonl, want at least 189", lib.Len())
	}
	files := []struct {
		file                 string
		total, expand, parse int // floors
	}{
		{"detections_registry.jsonl", 154, 154, 154},
		{"detections_processes.jsonl", 564, 564, 564},
		{"detections_filesystem.jsonl", 65, 65, 65},
	}
	for _, f := range files {
		t.Run(f.file, func(t *testing.T) {
			ds := readDetections(t, filepath.Join(shared, "escu", f.file))
			if len(ds) < f.total {
				t.Fatalf("%d detections, want %d", len(ds), f.total)
			}
			expanded, parsed := 0, 0
			for _, d := range ds {
				x, err := lib.Expand(d.Search)
				if err != nil {
					var se *spl.Error
					if errors.As(err, &se) {
						t.Logf("FAIL expand %q:\n%s", d.Name, se.Format())
					} else {
						t.Logf("FAIL expand %q: %v", d.Name, err)
					}
					continue
				}
				if bytesIndexBacktickOutsideQuotes(x.Text) {
					t.Errorf("%q: backtick call left after expansion:\n%s", d.Name, x.Text)
					continue
				}
				expanded++
				if _, err := spl.Parse(x.Text); err != nil {
					err = x.Relocate(err)
					var se *spl.Error
					if errors.As(err, &se) {
						t.Logf("FAIL parse %q:\n%s", d.Name, se.Format())
					} else {
						t.Logf("FAIL parse %q: %v", d.Name, err)
					}
					continue
				}
				parsed++
			}
			t.Logf("%s: %d/%d expanded, %d parsed", f.file, expanded, len(ds), parsed)
			if expanded < f.expand {
				t.Errorf("%s: %d searches expanded, want at least %d", f.file, expanded, f.expand)
			}
			if parsed < f.parse {
				t.Errorf("%s: %d searches parsed, want at least %d", f.file, parsed, f.parse)
			}
		})
	}
}

// bytesIndexBacktickOutsideQuotes reports whether s has a backtick outside
// double-quoted strings, which a full expansion must not leave.
func bytesIndexBacktickOutsideQuotes(s string) bool {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case '`':
			if !inQuote {
				return true
			}
		}
	}
	return false
}

// BenchmarkExpandESCU expands the 783 Endpoint detection searches; it
// reports searches/s besides bytes/s.
func BenchmarkExpandESCU(b *testing.B) {
	shared := sharedDir(b)
	lib := macros.Default()
	if err := lib.Load(filepath.Join(shared, "escu", "macros.jsonl")); err != nil {
		b.Fatal(err)
	}
	var searches []string
	size := 0
	for _, f := range []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"} {
		for _, d := range readDetections(b, filepath.Join(shared, "escu", f)) {
			searches = append(searches, d.Search)
			size += len(d.Search)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range searches {
			if _, err := lib.Expand(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(searches))/b.Elapsed().Seconds(), "searches/s")
}
