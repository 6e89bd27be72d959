package datamodel

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eventTexts frames text into its events, from a line starting "<Event"
// to the first "</Event>", as the scanner does for well-formed input.
func eventTexts(text []byte) [][]byte {
	var out [][]byte
	for {
		i := bytes.Index(text, []byte("<Event"))
		if i < 0 {
			return out
		}
		text = text[i:]
		j := bytes.Index(text, []byte("</Event>"))
		if j < 0 {
			return out
		}
		out = append(out, text[:j+len("</Event>")])
		text = text[j:]
	}
}

// rawFieldInputs are the events the pre-filter's premise is checked on:
// generated events, the test events and, when present, the shared
// attack_data XmlWinEventLog files.
func rawFieldInputs(t *testing.T) [][]byte {
	gen, _ := generated(t, 1500)
	evs := eventTexts(gen)
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "events", "*.xml"))
	root := filepath.Join("..", "..", "shared", "datasets", "attack_data")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
			files = append(files, p)
		}
		return nil
	})
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, eventTexts(b)...)
	}
	return evs
}

// TestRawFieldsAreSubstrings checks the premise of the pre-filter: every
// value of a field RawField accepts is null, one of its constants, or a
// substring of its event's text up to ASCII case.
func TestRawFieldsAreSubstrings(t *testing.T) {
	cat := DefaultCatalog()
	checked := 0
	s := NewStore(cat, Options{})
	for _, text := range rawFieldInputs(t) {
		s.Reset()
		if err := s.Ingest(bytes.NewReader(text), "ev.xml"); err != nil {
			t.Fatal(err)
		}
		for _, d := range cat.Datasets() {
			for _, b := range s.Batches(d) {
				for _, row := range batchRows(t, b) {
					for name, v := range row {
						consts, ok := cat.RawField(d, name)
						if !ok || v == null || v == "" || strings.Contains(strings.Join(consts, "\x00"), v) {
							continue
						}
						checked++
						l := rawLiteral{lit: []byte(strings.ToLower(v))}
						if strings.ToLower(v) != string(bytes.ToLower([]byte(v))) || !containsFold(text, &l) {
							t.Errorf("%s.%s = %q is not in its event's text:\n%s", d.FullName(), name, v, text)
						}
					}
				}
			}
		}
	}
	if checked < 5000 {
		t.Fatalf("only %d values checked; the inputs are not what the test means", checked)
	}
}

// TestRawFieldCalcs checks RawField against the catalog's calculations:
// fields with only copies of event text, and the constants of their
// calculations.
func TestRawFieldCalcs(t *testing.T) {
	cat := DefaultCatalog()
	reg, _ := cat.Lookup("Endpoint.Registry")
	net, _ := cat.Lookup("Network_Traffic.All_Traffic")
	for _, c := range []struct {
		d      *Dataset
		field  string
		consts string
		ok     bool
	}{
		{reg, "registry_path", "unknown", true}, // fillUnknown
		{reg, "registry_hive", "", false},       // built from HKLM
		{reg, "action", "", false},              // constants by EventID
		{reg, "host", "", false},                // Options.Host
		{net, "dest_port", "0", true},           // if(isnum(X),X,0)
		{net, "transport", "unknown", true},     // lower, or unknown
		{net, "bytes", "", false},               // sums
		{reg, "no_such_field", "", false},
	} {
		consts, ok := cat.RawField(c.d, c.field)
		if ok != c.ok || strings.Join(consts, ",") != c.consts {
			t.Errorf("RawField(%s, %s) = %q, %v; want %q, %v", c.d.FullName(), c.field, consts, ok, c.consts, c.ok)
		}
	}
}

// TestRawFilterKeep checks the filter's matching: ASCII case folded, every
// clause of a scan, any scan, and the non-ASCII runes that fold to k and s.
func TestRawFilterKeep(t *testing.T) {
	f := NewRawFilter([][][]string{
		{{`\SYSTEM\Remote Manipulator System`}},
		{{"mimikatz", "procdump"}, {"lsass"}},
	})
	for _, c := range []struct {
		text string
		keep bool
	}{
		{`<Data Name='TargetObject'>HKLM\system\remote manipulator SYSTEM\x</Data>`, true},
		{`HKLM\SYSTEM\Remote Manipulator Syste`, false},
		{`procdump.exe -ma LSASS.exe`, true},
		{`procdump.exe -ma`, false},
		{`lsass`, false},
		{"HKLM\\SYSTEM\\Remote Manipulator \u017fystem", true}, // long s folds to s
		{"", false},
	} {
		if got := f.Keep([]byte(c.text)); got != c.keep {
			t.Errorf("Keep(%q) = %v, want %v", c.text, got, c.keep)
		}
	}
	if NewRawFilter([][][]string{{{"x"}}, {}}) != nil {
		t.Error("a scan without clauses must keep every event (nil filter)")
	}
	if NewRawFilter(nil).Keep([]byte("anything")) != true {
		t.Error("a nil filter must keep every event")
	}
}

// TestFilteredIngestCounts checks that filtered events are counted, and
// that the rows kept are those of the unfiltered read that hold the
// literal.
func TestFilteredIngestCounts(t *testing.T) {
	text, counts := generated(t, 3000)
	f := NewRawFilter([][][]string{{{`remote manipulator system`}}})
	for _, workers := range []int{1, 2} {
		s := NewStore(DefaultCatalog(), Options{})
		s.impl.workers, s.impl.partSize = workers, 64<<10
		st, err := s.IngestReader(t.Context(), bytes.NewReader(text), "gen.log", IngestOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != 3000 || st.Used["Endpoint.Registry"] != counts.RMS || st.Skipped[SkipFiltered] != 3000-counts.RMS {
			t.Errorf("workers %d: %d events, %d registry rows, %d filtered; want 3000, %d, %d", workers, st.Events, st.Used["Endpoint.Registry"], st.Skipped[SkipFiltered], counts.RMS, 3000-counts.RMS)
		}
	}
}
