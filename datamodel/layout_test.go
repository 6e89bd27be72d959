package datamodel

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// layoutDump writes the physical contents of every batch of every
// dataset of s to w: each batch's row count and, per column, the
// timestamps, or the dictionary's values in order and each row's index
// (or null); then the Stats. Two stores dump alike exactly when their
// batches are cut at the same rows and hold the same dictionaries and
// indices, which is stricter than equal rows (storeDump).
func layoutDump(t testing.TB, w io.Writer, s *Store) {
	t.Helper()
	for _, d := range DefaultCatalog().Datasets() {
		fmt.Fprintf(w, "== %s\n", d.FullName())
		for bi, b := range s.Batches(d) {
			fmt.Fprintf(w, "batch %d: %d rows\n", bi, b.NumRows())
			for j, c := range b.Columns() {
				dumpColumn(t, w, b.ColumnName(j), c)
			}
		}
	}
	st := s.Stats()
	fmt.Fprintf(w, "stats: files %d bytes %d events %d kept %d\n", st.Files, st.Bytes, st.Events, st.Kept)
	for _, m := range []map[string]int{st.Used, st.Skipped, st.FileKinds, st.FilesSkipped} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s=%d\n", k, m[k])
		}
	}
	for _, p := range st.Problems {
		fmt.Fprintf(w, "  problem %s\n", p)
	}
}

// dumpColumn writes one line: the column's name, then, for a dictionary
// column, its dictionary and each row's index; for a timestamp, string or
// list of strings column, each row's value; "-" for a null.
func dumpColumn(t testing.TB, w io.Writer, name string, c arrow.Array) {
	t.Helper()
	fmt.Fprintf(w, "%s:", name)
	switch c := c.(type) {
	case *array.Dictionary:
		dict := c.Dictionary().(*array.String)
		fmt.Fprintf(w, " dict %d [", dict.Len())
		for k := 0; k < dict.Len(); k++ {
			fmt.Fprintf(w, "%q ", dict.Value(k))
		}
		fmt.Fprint(w, "] idx")
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				fmt.Fprint(w, " -")
			} else {
				fmt.Fprintf(w, " %d", c.GetValueIndex(i))
			}
		}
	case *array.Timestamp:
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				fmt.Fprint(w, " -")
			} else {
				fmt.Fprintf(w, " %d", int64(c.Value(i)))
			}
		}
	case *array.String:
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				fmt.Fprint(w, " -")
			} else {
				fmt.Fprintf(w, " %q", c.Value(i))
			}
		}
	case *array.List:
		vals := c.ListValues().(*array.String)
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				fmt.Fprint(w, " -")
				continue
			}
			lo, hi := c.ValueOffsets(i)
			fmt.Fprint(w, " [")
			for k := lo; k < hi; k++ {
				fmt.Fprintf(w, "%q ", vals.Value(int(k)))
			}
			fmt.Fprint(w, "]")
		}
	default:
		t.Fatalf("column %s: unexpected type %T", name, c)
	}
	fmt.Fprintln(w)
}

// layoutInputs are the inputs whose store layout layoutDump pins: the
// framing corners of parallelInputs, every test event file, 30,000
// generated events, and the shared attack_data and OTRF files when
// present; the inputs written are put under dir.
func layoutInputs(t *testing.T, dir string) map[string][]string {
	in := map[string][]string{}
	for name, text := range parallelInputs(t) {
		in[name] = []string{writeInput(t, dir, name, text)}
	}
	gen, _ := generated(t, 30000)
	in["generated 30k"] = []string{writeInput(t, dir, "generated 30k", gen)}
	in["test events"] = []string{filepath.Join("..", "testdata", "events")}
	shared := filepath.Join("..", "..", "shared", "datasets")
	if dirExists(shared) {
		in["shared attack_data"] = []string{filepath.Join(shared, "attack_data")}
		in["shared otrf"] = []string{filepath.Join(shared, "otrf")}
	}
	return in
}

// writeInput writes text as the only file of a folder of its own under
// dir, and returns the folder: read through it, problems name the file
// alone, not the temporary path.
func writeInput(t *testing.T, dir, name string, text []byte) string {
	sub := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "input.log"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestLayoutDump writes the layoutDump of every layoutInputs input, read
// serially and on two workers, at the default batch size and at 1,000
// rows, as a SHA-256 per case into the file MINISPL_LAYOUT_DUMP names:
// the before-and-after proof of a change to the ingest's speed (run it
// on both commits and compare the files; a parallel read cuts batches at
// its parts' ends, so its layout is compared with the parallel read's).
// Without the variable the shared inputs are left out and nothing is
// written.
func TestLayoutDump(t *testing.T) {
	out := os.Getenv("MINISPL_LAYOUT_DUMP")
	tmp := t.TempDir()
	inputs := layoutInputs(t, tmp)
	var report bytes.Buffer
	for _, name := range dumpCases(inputs, out != "") {
		for _, batch := range []int{0, 1000} {
			for _, workers := range []int{1, 2} {
				s := NewStore(DefaultCatalog(), Options{BatchSize: batch})
				s.impl.workers = workers
				if workers > 1 {
					s.impl.partSize = 256 << 10
				}
				if _, err := s.IngestPaths(t.Context(), inputs[name], IngestOptions{}); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var b bytes.Buffer
				layoutDump(t, &b, s)
				s.Release()
				dump := bytes.ReplaceAll(b.Bytes(), []byte(tmp), []byte("TMP")) // problems name the path
				fmt.Fprintf(&report, "%s batch %d workers %d: %x (%d bytes of dump)\n", name, batch, workers, sha256.Sum256(dump), len(dump))
			}
		}
	}
	if out != "" {
		if err := os.WriteFile(out, report.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// dumpCases returns the names of inputs in order, the shared ones only
// when withShared (a dump is written to a file).
func dumpCases(inputs map[string][]string, withShared bool) []string {
	var names []string
	for n := range inputs {
		if withShared || !strings.HasPrefix(n, "shared") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
