package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/spl"
)

// TestXMLBlockFields checks the block fields of the add-on's generic XML
// extraction (EventData_Xml, System_Props_Xml), which a raw search
// computes from each batch's _raw, against datamodel.XMLBlock on the
// event's text, at store batch sizes 1, 2, 7 and the default: every
// event has its blocks, read in place from its batch. (No test had
// named a block field before.) A search that keeps some events computes
// the blocks of those only, or of every event when its terms read a
// block: both give the whole run's rows that pass the search's test.
func TestXMLBlockFields(t *testing.T) {
	var in bytes.Buffer
	for _, f := range []string{"windows_raw.xml", "rms_registry.xml", "processes_filesystem.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "events", f))
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	for _, bs := range []int{1, 2, 7, 0} {
		t.Run(fmt.Sprintf("batch%d", bs), func(t *testing.T) {
			cat := datamodel.DefaultCatalog()
			store := datamodel.NewStore(cat, datamodel.Options{BatchSize: bs})
			if err := store.Ingest(bytes.NewReader(in.Bytes()), "events"); err != nil {
				t.Fatal(err)
			}
			defer store.Release()
			eng := New(cat, store, Options{BatchSize: bs, ParseSearch: spl.Parse})
			run := func(q string) *Result {
				pl, err := eng.Plan(parse(t, q))
				if err != nil {
					t.Fatal(err)
				}
				res, err := eng.Execute(context.Background(), pl)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(res.Release)
				return res
			}
			res := run(`search * | table _raw EventData_Xml System_Props_Xml EventCode`)
			// The blocks are computed only for the events a search keeps,
			// unless its terms read a block: both give the rows of the
			// whole run that pass the same test.
			for _, sub := range []struct {
				q    string
				keep func(r int) bool
			}{
				{`search EventCode=13 | table _raw EventData_Xml System_Props_Xml EventCode`,
					func(r int) bool { c := res.Cell(r, 3); return len(c) == 1 && c[0] == "13" }},
				{`search EventData_Xml="*TargetObject*" | table _raw EventData_Xml System_Props_Xml EventCode`,
					func(r int) bool { c := res.Cell(r, 1); return len(c) == 1 && strings.Contains(c[0], "TargetObject") }},
			} {
				var want []string
				for r := 0; r < res.NumRows(); r++ {
					if sub.keep(r) {
						want = append(want, strings.Join(rowCells(res, r), "\x00"))
					}
				}
				got := run(sub.q)
				var lines []string
				for r := 0; r < got.NumRows(); r++ {
					lines = append(lines, strings.Join(rowCells(got, r), "\x00"))
				}
				if len(want) == 0 || strings.Join(lines, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s: %d rows, want the %d of the whole run that pass its test, the same cells", sub.q, len(lines), len(want))
				}
			}
			if res.NumRows() < 20 {
				t.Fatalf("%d events, want the test files' (at least 20)", res.NumRows())
			}
			withData := 0
			for r := 0; r < res.NumRows(); r++ {
				raw := res.Cell(r, 0)[0]
				for c, f := range []string{"EventData_Xml", "System_Props_Xml"} {
					want := datamodel.XMLBlock(f, []byte(raw))
					got := res.Cell(r, c+1)
					switch {
					case want == nil && got != nil:
						t.Errorf("row %d %s = %q, want null", r, f, got)
					case want != nil && (len(got) != 1 || got[0] != string(want)):
						t.Errorf("row %d %s = %q, want %q", r, f, got, want)
					case want != nil && f == "EventData_Xml":
						withData++
					}
				}
			}
			if withData == 0 {
				t.Fatal("no event has an EventData block")
			}
		})
	}
}

// rowCells returns row r's cells, each value list joined by ";", null
// as "<null>".
func rowCells(res *Result, r int) []string {
	out := make([]string, len(res.Fields()))
	for c := range out {
		if v := res.Cell(r, c); v == nil {
			out[c] = "<null>"
		} else {
			out[c] = strings.Join(v, ";")
		}
	}
	return out
}
