package datamodel

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// storeDump renders every row of every dataset of s, in order, and its
// Stats, so that two stores can be compared.
func storeDump(t testing.TB, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, d := range DefaultCatalog().Datasets() {
		fmt.Fprintf(&b, "== %s\n", d.FullName())
		for _, bt := range s.Batches(d) {
			for _, r := range batchRows(t, bt) {
				for _, c := range bt.Schema().Fields() {
					fmt.Fprintf(&b, "%s=%q ", c.Name, r[c.Name])
				}
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// ingestWith ingests text into a Store that reads text inputs with the
// given workers and part sizes.
func ingestWith(t testing.TB, text []byte, workers, partSize, maxPart int) *Store {
	t.Helper()
	s := NewStore(DefaultCatalog(), Options{BatchSize: 100})
	s.impl.workers, s.impl.partSize, s.impl.maxPart = workers, partSize, maxPart
	if err := s.Ingest(shortReader{bytes.NewReader(text)}, "in.log"); err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return s
}

// ingestSized is ingestWith over a reader whose size is known (a
// bytes.Reader), so that the parts shrink towards the end (tailPartSize).
func ingestSized(t testing.TB, text []byte, workers, partSize, maxPart int) *Store {
	t.Helper()
	s := NewStore(DefaultCatalog(), Options{BatchSize: 100})
	s.impl.workers, s.impl.partSize, s.impl.maxPart = workers, partSize, maxPart
	if err := s.Ingest(bytes.NewReader(text), "in.log"); err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return s
}

// TestTailPartSize checks the part sizes near an input's end: whole parts
// while at least two per worker remain, then a share per worker, never
// below a quarter part.
func TestTailPartSize(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		left          int64
		workers, want int
	}{
		{-1, 2, 16 * mb},        // size unknown
		{1000 * mb, 2, 16 * mb}, // far from the end
		{64 * mb, 2, 16 * mb},   // two parts per worker left
		{40 * mb, 2, 16 * mb},   // a share of 20 MiB is more than a part
		{24 * mb, 2, 12 * mb},
		{24 * mb, 3, 8 * mb},
		{6 * mb, 2, 4 * mb}, // a quarter part at least
		{0, 2, 4 * mb},
	} {
		if got := tailPartSize(c.left, 16*mb, c.workers); got != c.want {
			t.Errorf("tailPartSize(%d MiB, 16 MiB, %d) = %d MiB, want %d MiB", c.left/mb, c.workers, got/mb, c.want/mb)
		}
	}
	if got := tailPartSize(10, 1, 2); got != 1 {
		t.Errorf("tailPartSize(10, 1, 2) = %d, want 1", got)
	}
}

// shortReader returns at most 700 bytes per Read, as a pipe may, so
// that parts are cut from partial buffers.
type shortReader struct{ r io.Reader }

func (s shortReader) Read(b []byte) (int, error) { return s.r.Read(b[:min(len(b), 700)]) }

// parallelInputs are texts whose parallel reads must equal their serial
// read: generated events, both formats, and every framing corner the
// scanners handle (problems before the first event, held and released;
// events open across a cut; text outside events; long events; a BOM;
// CRLF), with parts small enough that nearly every line is a cut.
func parallelInputs(t *testing.T) map[string][]byte {
	gen, _ := generated(t, 300)
	reg := regEvt(13, "SetValue", `HKLM\System\CurrentControlSet\Services\x`, kv{"Details", "DWORD (0x00000001)"}).xml()
	var garbage strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&garbage, "garbage line %d\n\n", i)
	}
	multi := strings.Replace(reg, "<EventData>", "\n<EventData>\n", 1)
	var js []string
	for _, l := range bytes.Split(bytes.TrimSuffix(gen, []byte("\n")), []byte("\n"))[:200] {
		js = append(js, string(nxlog(t, l, false)))
	}
	var badJS strings.Builder
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&badJS, "{\"bad\": %d\n", i)
	}
	in := map[string][]byte{
		"generated":      gen,
		"crlf":           bytes.ReplaceAll(gen, []byte("\n"), []byte("\r\n")),
		"bom":            append([]byte(bom), gen...),
		"garbage first":  []byte(garbage.String() + reg + "\n" + garbage.String() + reg + "\n"),
		"garbage only":   []byte(garbage.String()),
		"open at cut":    []byte(reg + "\n<Event xmlns='x'><System>\n" + reg + "\n" + reg[:200] + "\n" + multi + "\n" + reg + " trailing\n" + reg + reg + "\n"),
		"open at end":    []byte(reg + "\n" + reg + "\n<Event><System>\nmore\n"),
		"multi-line":     []byte(strings.Repeat(multi+"\n", 40)),
		"long event":     []byte(reg + "\n" + strings.Replace(multi, "\n<EventData>", "\n"+strings.Repeat("x", 200000)+"\n<EventData>", 1) + "\n" + reg + "\ntext after\n" + reg + "\n"),
		"json":           []byte(strings.Join(js, "\n") + "\n"),
		"json bad first": []byte(badJS.String() + strings.Join(js[:50], "\n") + "\n" + badJS.String() + js[51] + "\n\n\n"),
		"json bad only":  []byte(badJS.String()),
		"json no eol":    []byte(strings.Join(js[:30], "\n")),
		"json bom":       []byte(bom + strings.Join(js[:30], "\n") + "\n" + bom + js[31] + "\n"),
	}
	for _, f := range []string{"linebreaks.xml", "processes_filesystem.xml", "rms_registry.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "events", f))
		if err != nil {
			t.Fatal(err)
		}
		in[f] = b
	}
	return in
}

// TestParallelIngestEqualsSerial checks that reading an input on several
// workers, cut into parts of many sizes, gives the rows, row order, counts
// and problems of the serial read.
func TestParallelIngestEqualsSerial(t *testing.T) {
	for name, text := range parallelInputs(t) {
		serial := ingestWith(t, text, 1, 0, 0)
		want, wantSt := storeDump(t, serial), serial.Stats()
		if wantSt.Events == 0 && !strings.Contains(name, "only") {
			t.Fatalf("%s: no events read; the input is not what the test means", name)
		}
		for _, size := range []int{1, 300, 4096} {
			for _, workers := range []int{2, 3} {
				p := ingestWith(t, text, workers, size, 4*size+2000)
				if workers == 2 { // the input's size known: parts shrink before its end
					p = ingestSized(t, text, workers, size, 4*size+2000)
				}
				got, gotSt := storeDump(t, p), p.Stats()
				if got != want {
					t.Errorf("%s, parts of %d, %d workers: rows differ from the serial read\n got: %.2000s\nwant: %.2000s", name, size, workers, got, want)
				}
				if !reflect.DeepEqual(gotSt, wantSt) {
					t.Errorf("%s, parts of %d, %d workers: stats differ\n got: %+v\nwant: %+v", name, size, workers, gotSt, wantSt)
				}
			}
		}
	}
}

// TestParallelIngestShared compares the parallel and serial reads of the
// shared attack_data XmlWinEventLog files and one OTRF zip of JSON lines.
func TestParallelIngestShared(t *testing.T) {
	root := filepath.Join(sharedDir(t), "datasets")
	paths := []string{
		filepath.Join(root, "attack_data"),
		filepath.Join(root, "otrf", "OTRF_empire_persistence_registry_modification_run_keys_standard_user.zip"),
	}
	for _, path := range paths {
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%v", err)
		}
		read := func(workers int) *Store {
			s := NewStore(DefaultCatalog(), Options{})
			s.impl.workers, s.impl.partSize = workers, 256<<10
			if err := s.IngestFile(path); err != nil {
				t.Fatal(err)
			}
			return s
		}
		serial, par := read(1), read(2)
		if storeDump(t, serial) != storeDump(t, par) {
			t.Errorf("%s: rows differ between serial and parallel reads", path)
		}
		if !reflect.DeepEqual(serial.Stats(), par.Stats()) {
			t.Errorf("%s: stats differ\n got: %+v\nwant: %+v", path, par.Stats(), serial.Stats())
		}
	}
}

// TestParallelFilesEqualSerial checks that reading several files at once
// gives the rows, counts, problems and skipped files of reading them one
// by one: the test events, a file given twice (already loaded), files
// that are not event data, a zip and a gzip, and the shared attack_data.
func TestParallelFilesEqualSerial(t *testing.T) {
	dir := t.TempDir()
	gen, _ := generated(t, 400)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("a/events.log")
	w.Write(gen[:len(gen)/2])
	zw.Close()
	var gbuf bytes.Buffer
	gw := gzip.NewWriter(&gbuf)
	gw.Write(gen[len(gen)/2:])
	gw.Close()
	gp := write("gen.log", gen)
	paths := []string{
		filepath.Join("..", "testdata", "events"), gp,
		write("notes.txt", []byte("not events\n")), write("empty.log", nil),
		write("bad.log", []byte("<Event><System><EventID>x</EventID></System></Event>\n")),
		write("e.zip", zbuf.Bytes()), write("e.gz", gbuf.Bytes()), gp,
	}
	if shared := filepath.Join("..", "..", "shared", "datasets", "attack_data"); dirExists(shared) {
		paths = append(paths, shared)
	}
	read := func(workers int) *Store {
		s := NewStore(DefaultCatalog(), Options{BatchSize: 1000})
		s.impl.workers = workers
		if _, err := s.IngestPaths(t.Context(), paths, IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	serial := read(1)
	want, wantSt := storeDump(t, serial), serial.Stats()
	if wantSt.Files < 6 || wantSt.FilesSkipped[SkipAlreadyLoaded] != 1 {
		t.Fatalf("the inputs are not what the test means: %+v", wantSt)
	}
	for _, workers := range []int{2, 3} {
		p := read(workers)
		if got := storeDump(t, p); got != want {
			t.Errorf("%d workers: rows differ from the serial read", workers)
		}
		if gotSt := p.Stats(); !reflect.DeepEqual(gotSt, wantSt) {
			t.Errorf("%d workers: stats differ\n got: %+v\nwant: %+v", workers, gotSt, wantSt)
		}
	}
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
