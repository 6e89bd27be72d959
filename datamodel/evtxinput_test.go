package datamodel

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/minispl/minispl/evtx"
)

// evtxPairs are project event files kept both as XmlWinEventLog text and
// as EVTX (written from the text by package evtx's TestTestdataEVTX).
var evtxPairs = []string{"rms_registry", "processes_filesystem"}

func ingestPath(t testing.TB, path string, opt Options) *Store {
	t.Helper()
	s := NewStore(DefaultCatalog(), opt)
	if err := s.IngestFile(path); err != nil {
		t.Fatalf("IngestFile: %v", err)
	}
	return s
}

// allRows returns every dataset's rows.
func allRows(t testing.TB, s *Store) map[string][]map[string]string {
	out := map[string][]map[string]string{}
	for _, d := range DefaultCatalog().Datasets() {
		out[d.FullName()] = rows(t, s, d.FullName())
	}
	return out
}

func sameRows(t *testing.T, what string, a, b map[string][]map[string]string) {
	t.Helper()
	for name, ra := range a {
		rb := b[name]
		if len(ra) != len(rb) {
			t.Errorf("%s: %s has %d rows vs %d", what, name, len(ra), len(rb))
			continue
		}
		for i := range ra {
			if !reflect.DeepEqual(ra[i], rb[i]) {
				for k, v := range ra[i] {
					if rb[i][k] != v {
						t.Errorf("%s: %s row %d: %s = %q vs %q", what, name, i, k, v, rb[i][k])
					}
				}
			}
		}
	}
}

// TestEVTXMatchesXML: the same events as XmlWinEventLog text and as EVTX
// give the same counts and the same rows, column by column, in every
// dataset, at any batch size and whether the EVTX is read from a file or a
// stream.
func TestEVTXMatchesXML(t *testing.T) {
	for _, name := range evtxPairs {
		for _, bs := range []int{1, 3, 0} {
			opt := Options{BatchSize: bs}
			x := ingestPath(t, filepath.Join("..", "testdata", "events", name+".xml"), opt)
			e := ingestPath(t, filepath.Join("..", "testdata", "events", name+".evtx"), opt)
			xs, es := x.Stats(), e.Stats()
			if xs.Events != es.Events || !reflect.DeepEqual(xs.Used, es.Used) || !reflect.DeepEqual(xs.Skipped, es.Skipped) || len(es.Problems) != 0 {
				t.Errorf("%s: stats differ:\nxml  %+v\nevtx %+v", name, xs, es)
			}
			if xs.Events == 0 || es.Used["Endpoint.Processes"] == 0 {
				t.Fatalf("%s: nothing read: %+v", name, es)
			}
			sameRows(t, name, allRows(t, x), allRows(t, e))

			data, err := os.ReadFile(filepath.Join("..", "testdata", "events", name+".evtx"))
			if err != nil {
				t.Fatal(err)
			}
			st := NewStore(DefaultCatalog(), opt)
			if err := st.Ingest(bytes.NewReader(data), name+".evtx"); err != nil {
				t.Fatal(err)
			}
			sameRows(t, name+" (stream)", allRows(t, x), allRows(t, st))
		}
	}
}

// recordOffsets lists the chunk-relative offsets of the records of the
// EVTX file b, as package evtx reads them.
func recordOffsets(t *testing.T, b []byte) []int {
	f, err := evtx.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var offs []int
	if _, err := f.Records(func(r evtx.Record) error { offs = append(offs, r.Offset); return nil }); err != nil {
		t.Fatal(err)
	}
	return offs
}

// TestEVTXDamaged: a damaged EVTX file yields its readable records, and
// every lost record or chunk is a counted malformed event with a
// "file:chunk N: reason" problem; a checksum mismatch is listed only.
func TestEVTXDamaged(t *testing.T) {
	clean, err := os.ReadFile(filepath.Join("..", "testdata", "events", "rms_registry.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	offs := recordOffsets(t, clean)
	if len(offs) != 17 {
		t.Fatalf("%d records in the test file, want 17", len(offs))
	}
	cases := []struct {
		name      string
		damage    func(b []byte) []byte
		events    int
		skipped   string
		problem   string
		usedTotal int
	}{
		{"torn record", func(b []byte) []byte {
			c := b[4096:]
			off := offs[16] // the last record: an EID 13 of Endpoint.Registry
			size := int(binary.LittleEndian.Uint32(c[off+4:]))
			binary.LittleEndian.PutUint32(c[off+size-4:], 1)
			return b
		}, 17, "malformed: unreadable EVTX record (torn record)", "x.evtx:chunk 0: record 17 at offset 0x", 16},
		{"truncated", func(b []byte) []byte {
			return b[:4096+offs[10]+100]
		}, 11, "malformed: unreadable EVTX record (record cut off by end of file)", "x.evtx:chunk 0: record 11 at offset 0x", -1},
		{"bad chunk signature", func(b []byte) []byte {
			copy(b[4096:], "ElfChnkX")
			return b
		}, 1, "malformed: unreadable EVTX chunk (bad chunk signature)", `x.evtx:chunk 0: unreadable EVTX chunk (bad chunk signature): bad signature "ElfChnkX"`, 0},
		{"bad data checksum", func(b []byte) []byte {
			b[4096+offs[3]+16] ^= 1 // a record header's written time
			return b
		}, 17, "", "x.evtx:chunk 0: bad data checksum (records read anyway)", 17},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.damage(bytes.Clone(clean))
			path := filepath.Join(t.TempDir(), "x.evtx")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			s := NewStore(DefaultCatalog(), Options{})
			if err := s.IngestFile(path); err != nil {
				t.Fatal(err)
			}
			st := s.Stats()
			used := 0
			for _, n := range st.Used {
				used += n
			}
			skipped := 0
			for _, n := range st.Skipped {
				skipped += n
			}
			if st.Events != c.events || st.Kept+skipped != st.Events {
				t.Errorf("events %d (kept %d + skipped %d), want %d: %+v", st.Events, st.Kept, skipped, c.events, st)
			}
			if c.usedTotal >= 0 && used != c.usedTotal {
				t.Errorf("used %d, want %d", used, c.usedTotal)
			}
			if c.skipped != "" && st.Skipped[c.skipped] != 1 {
				t.Errorf("skipped %v, want one %q", st.Skipped, c.skipped)
			}
			found := false
			for _, p := range st.Problems {
				if strings.HasPrefix(p, filepath.Dir(path)+"/"+c.problem) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %q, want one starting %q", st.Problems, c.problem)
			}
		})
	}
}

// TestSharedEVTXMatchesEvtxexport is the acceptance of issue 8 for the
// shared RDP-tampering file: read natively, and as the XML that libevtx's
// evtxexport writes for it, it gives the same rows in every dataset (the
// banner line of evtxexport is recognised, not an event).
func TestSharedEVTXMatchesEvtxexport(t *testing.T) {
	path := filepath.Join(sharedDir(t), "datasets", "evtx", "EAS_sysmon_13_rdp_settings_tampering.evtx")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared EVTX file absent: %v", err)
	}
	bin, err := exec.LookPath("evtxexport")
	if err != nil {
		t.Skip("evtxexport is not installed (Debian libevtx-utils)")
	}
	out, err := exec.Command(bin, "-f", "xml", path).Output()
	if err != nil {
		t.Fatalf("evtxexport: %v", err)
	}
	xmlPath := filepath.Join(t.TempDir(), "rdp.xml")
	if err := os.WriteFile(xmlPath, out, 0o644); err != nil {
		t.Fatal(err)
	}
	e := ingestPath(t, path, Options{})
	x := ingestPath(t, xmlPath, Options{})
	es, xs := e.Stats(), x.Stats()
	if es.Events != 20 || xs.Events != 20 || !reflect.DeepEqual(es.Used, xs.Used) || !reflect.DeepEqual(es.Skipped, xs.Skipped) {
		t.Errorf("stats:\nevtx %+v\nxml  %+v", es, xs)
	}
	// 10 EID 1, 6 EID 11, 4 EID 13 (shared/reference/evtx-format.md §11).
	if es.Used["Endpoint.Processes"] != 10 || es.Used["Endpoint.Filesystem"] != 6 || es.Used["Endpoint.Registry"] != 4 {
		t.Errorf("used %v", es.Used)
	}
	sameRows(t, "rdp", allRows(t, e), allRows(t, x))
}

// TestEVTXParallelOrder: the rows of a many-chunk file come in file order
// whatever the number of cores.
func TestEVTXParallelOrder(t *testing.T) {
	path := filepath.Join(sharedDir(t), "datasets", "evtx", "EAS_PanacheSysmon_vs_AtomicRedTeam01.evtx")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared EVTX file absent: %v", err)
	}
	prev := runtime.GOMAXPROCS(1)
	one := allRows(t, ingestPath(t, path, Options{}))
	runtime.GOMAXPROCS(4) // more workers than cores: chunks finish out of order
	four := allRows(t, ingestPath(t, path, Options{}))
	runtime.GOMAXPROCS(prev)
	sameRows(t, "GOMAXPROCS 1 vs 4", one, four)
	// evtx-format.md §11: EIDs 1:511, 5:1, 7:5, 10:1 go to Processes
	// (catalog: 1, 5, 6, 7, 8, 10, 25), 511+1+5+1 = 518.
	if n := len(one["Endpoint.Processes"]); n != 518 {
		t.Errorf("%d Processes rows, want 518", n)
	}
}

// BenchmarkIngestEVTX ingests the 8 MB shared EVTX file (4,746 records of
// Security, Sysmon, System and PowerShell events) through IngestFile:
// chunks rendered on GOMAXPROCS goroutines, mapped in file order (-cpu 1,2
// for the scaling). evtx's BenchmarkEvtxexport is the baseline.
func BenchmarkIngestEVTX(b *testing.B) {
	path := filepath.Join("..", "..", "shared", "datasets", "evtx", "E2MA_synthetic_120_full_chunks_8MB.evtx")
	fi, err := os.Stat(path)
	if err != nil {
		b.Skipf("benchmark file absent: %v", err)
	}
	var events int
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := NewStore(DefaultCatalog(), Options{})
		if err := s.IngestFile(path); err != nil {
			b.Fatal(err)
		}
		events = s.Stats().Events
		s.Release()
	}
	if events != 4746 {
		b.Fatalf("%d events, want 4746", events)
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
