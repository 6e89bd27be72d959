package datamodel

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"testing"
)

// eventStoreDump writes the event store of s as text: per chunk its
// source, EventCode, positions and every column as laid out (a dictionary
// column's dictionary and indices, a plain or list column's values, nulls
// as -), then each row's _raw. Two event stores dump alike exactly when
// their chunks are cut at the same rows and hold the same columns,
// dictionaries and texts.
func eventStoreDump(t testing.TB, w io.Writer, s *Store) {
	t.Helper()
	ev := s.Events()
	fmt.Fprintf(w, "events %d, fields %q\n", ev.Len(), ev.FieldNames())
	var rd RawReader
	for ci := range ev.Chunks() {
		ch := &ev.Chunks()[ci]
		b := ch.Batch
		fmt.Fprintf(w, "chunk %d: %q %q %d rows pos %v\n", ci, ch.Source, ch.EventCode, b.NumRows(), ch.Pos)
		for j, c := range b.Columns() {
			dumpColumn(t, w, b.ColumnName(j), c)
		}
		for r := 0; r < int(b.NumRows()); r++ {
			text, err := ch.Raw(r, &rd)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, "_raw %d: %q\n", r, text)
		}
	}
}

// TestEventStoreDump writes the eventStoreDump of every layoutInputs
// input, at the default batch size and at 1,000 rows, with every field
// and with a few, as a SHA-256 per case into the file
// MINISPL_EVENTS_DUMP names: the before-and-after proof of a change to
// how the event store is built (run it on both commits and compare the
// files). Without the variable the shared inputs are left out and
// nothing is written.
func TestEventStoreDump(t *testing.T) {
	out := os.Getenv("MINISPL_EVENTS_DUMP")
	tmp := t.TempDir()
	inputs := layoutInputs(t, tmp)
	var report bytes.Buffer
	for _, name := range dumpCases(inputs, out != "") {
		for _, batch := range []int{0, 1000} {
			for _, fields := range [][]string{nil, {"host", "EventCode", "Image", "TargetObject", "eventtype", "tag", "process_name", "UtcTime"}} {
				s := NewStore(DefaultCatalog(), Options{BatchSize: batch})
				s.SetEventFields(fields)
				if _, err := s.IngestPaths(t.Context(), inputs[name], IngestOptions{}); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var b bytes.Buffer
				eventStoreDump(t, &b, s)
				s.Release()
				dump := bytes.ReplaceAll(b.Bytes(), []byte(tmp), []byte("TMP"))
				fmt.Fprintf(&report, "%s batch %d fields %d: %x (%d bytes of dump)\n", name, batch, len(fields), sha256.Sum256(dump), len(dump))
			}
		}
	}
	if out != "" {
		if err := os.WriteFile(out, report.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
