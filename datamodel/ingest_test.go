package datamodel

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// gzipOf compresses text.
func gzipOf(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, text); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeFiles writes files (path relative to dir -> content) under dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
}

// fakeEVTX is the start of an EVTX file: its signature, then no valid
// header (only the signature is sniffed).
const fakeEVTX = "ElfFile\x00\x00\x00\x00\x00\x00\x00\x00\x00rest of a header"

// TestIngestMixedFolder reads a folder as an incident responder has it:
// events as text and gzip, an EVTX file and a damaged one, a notes file, a
// licence, an empty file and an image. Each is read or listed as skipped
// with its kind.
func TestIngestMixedFolder(t *testing.T) {
	good := regEvt(13, "SetValue", `HKLM\SOFTWARE\A`, kv{"Details", "DWORD (0x00000001)"}).xml()
	other := regEvt(12, "CreateKey", `HKLM\SOFTWARE\B`).xml()
	realEVTX, err := os.ReadFile(filepath.Join("..", "testdata", "events", "rms_registry.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.xml":          good + "\n",
		"sub/b.log.gz":   string(gzipOf(t, other+"\n")),
		"c.evtx":         string(realEVTX),
		"notes.md":       "# Notes\n\nHost WS-01 was imaged at 10:00.\nLook for <Event> elements.\n",
		"LICENSE.txt":    "Apache License\nVersion 2.0, January 2004\n",
		"empty.log":      "",
		"blank.log":      "\n  \n",
		"image.png":      "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"data.json":      `{"name":"minispl","version":1}` + "\n",
		"sub/c.xml.gz":   string(gzipOf(t, "just some text\n")),
		"sub/d.evtx.bak": fakeEVTX, // sniffed, not named: still EVTX, damaged
	})
	s := NewStore(DefaultCatalog(), Options{})
	st, err := s.IngestPath(context.Background(), dir, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, st)
	// Two text events, both Registry rows, and rms_registry.evtx's 17 (14
	// Registry, 1 Processes, 1 Network_Traffic, 1 Security event: see
	// testdata/golden/evtx_rms_seed.test); the damaged EVTX file's header
	// is one malformed event. Nothing else is malformed: the notes, the
	// licence and the JSON object are not event data.
	if st.Files != 4 || st.Events != 20 || st.Used["Endpoint.Registry"] != 16 || st.Skipped["malformed: unreadable EVTX file"] != 1 || len(st.Problems) != 1 {
		t.Errorf("stats %+v, want 4 files, 20 events, 16 Registry rows, 1 unreadable EVTX file", st)
	}
	if want := filepath.Join(dir, "sub", "d.evtx.bak") + ":file header: unreadable EVTX file: file of 32 bytes is shorter than the 128-byte file header"; len(st.Problems) != 1 || st.Problems[0] != want {
		t.Errorf("problems %q, want %q", st.Problems, want)
	}
	if want := map[string]int{"XmlWinEventLog": 1, "gzip": 1, "EVTX": 2}; !reflect.DeepEqual(st.FileKinds, want) {
		t.Errorf("file kinds %v, want %v", st.FileKinds, want)
	}
	// In name order, as WalkDir gives them: upper case first.
	want := []SkippedFile{
		{"LICENSE.txt", "not event data"},
		{"blank.log", "empty"},
		{"data.json", "not event data"},
		{"empty.log", "empty"},
		{"image.png", "binary, not event data"},
		{"notes.md", "not event data"},
		{filepath.Join("sub", "c.xml.gz"), "gzip: not event data"},
	}
	if !reflect.DeepEqual(st.SkippedFiles, want) {
		t.Errorf("skipped files\n%v\nwant\n%v", st.SkippedFiles, want)
	}
	// The Security 4688 is kept and is a second Endpoint.Processes row.
	wantLine := "ingested 4 files (2 EVTX, 1 XmlWinEventLog, 1 gzip), 20 events: 2 Endpoint.Processes, 16 Endpoint.Registry, 1 Network_Traffic.All_Traffic, " +
		"1 skipped (1 malformed: unreadable EVTX file)\n" +
		"7 files skipped: LICENSE.txt (not event data), blank.log (empty), " +
		"data.json (not event data), empty.log (empty), image.png (binary, not event data), notes.md (not event data), " +
		"sub/c.xml.gz (gzip: not event data)"
	if got := st.String(); got != wantLine {
		t.Errorf("String()\n%s\nwant\n%s", got, wantLine)
	}
}

// TestSkippedFilesLine checks the short form of a long skip list.
func TestSkippedFilesLine(t *testing.T) {
	st := Stats{FilesSkipped: map[string]int{"not event data": 11, "empty": 1}}
	for i := range 12 {
		r := "not event data"
		if i == 3 {
			r = "empty"
		}
		st.SkippedFiles = append(st.SkippedFiles, SkippedFile{Name: string(rune('a' + i)), Reason: r})
	}
	want := "12 files skipped (11 not event data, 1 empty): a (not event data), b (not event data), c (not event data), d (empty), " +
		"e (not event data), f (not event data), g (not event data), h (not event data), i (not event data), " +
		"j (not event data), ... and 2 more"
	if got := st.SkippedFilesLine(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := (Stats{}).SkippedFilesLine(); got != "" {
		t.Errorf("no skipped file: %q, want empty", got)
	}
}

// TestIngestDecoder plugs a reader in for EVTX, as package evtx does:
// its events are mapped like text events and its skipped parts counted
// with their position.
func TestIngestDecoder(t *testing.T) {
	good := regEvt(13, "SetValue", `HKLM\SOFTWARE\A`, kv{"Details", "DWORD (0x00000001)"}).xml()
	badTime := regEvt(12, "CreateKey", `HKLM\X`)
	badTime.data[2].v = "later"
	dec := func(ctx context.Context, ra io.ReaderAt, size int64, sink EventSink) error {
		head := make([]byte, 8)
		if _, err := ra.ReadAt(head, 0); err != nil || string(head) != evtxMagic {
			t.Errorf("decoder got %q, %v; want the file from its start", head, err)
		}
		if size != int64(len(fakeEVTX)) {
			t.Errorf("size %d, want %d", size, len(fakeEVTX))
		}
		sink.Event([]byte(good), "record 1")
		sink.Skip("chunk 1", "bad header checksum")
		sink.Event([]byte(badTime.xml()), "record 7")
		return nil
	}
	dir := t.TempDir()
	inner := zipOf(t, [2]string{"x.evtx", fakeEVTX})
	writeFiles(t, dir, map[string]string{"a.evtx": fakeEVTX, "b.zip": string(inner), "c.evtx.gz": string(gzipOf(t, fakeEVTX))})
	s := NewStore(DefaultCatalog(), Options{})
	st, err := s.IngestPath(context.Background(), dir, IngestOptions{Decoders: map[Kind]Decoder{KindEVTX: dec}})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, st)
	// Three EVTX inputs (a file, a zip member, a gzip stream), each 3
	// events: 1 used, 1 bad chunk, 1 bad UtcTime.
	if st.Files != 3 || st.Events != 9 || st.Used["Endpoint.Registry"] != 3 ||
		st.Skipped["malformed: bad header checksum"] != 3 || st.Skipped["malformed: bad UtcTime"] != 3 {
		t.Errorf("stats %+v", st)
	}
	a := filepath.Join(dir, "a.evtx")
	wantProblems := []string{a + ":chunk 1: bad header checksum", a + `:record 7: bad UtcTime: "later"`}
	if !reflect.DeepEqual(st.Problems[:2], wantProblems) {
		t.Errorf("problems %q, want %q first", st.Problems, wantProblems)
	}
	if want := filepath.Join(dir, "b.zip") + ":x.evtx:chunk 1: bad header checksum"; st.Problems[2] != want {
		t.Errorf("problem %q, want %q", st.Problems[2], want)
	}
	if want := map[string]int{"EVTX": 1, "zip": 1, "gzip": 1}; !reflect.DeepEqual(st.FileKinds, want) {
		t.Errorf("file kinds %v, want %v", st.FileKinds, want)
	}
}

// TestIngestNested reads gzip inside zip, zip inside gzip, gzip inside
// gzip, and stops at maxDepth.
func TestIngestNested(t *testing.T) {
	ev := func(key string) string {
		return regEvt(12, "CreateKey", `HKLM\SOFTWARE\`+key).xml() + "\n"
	}
	gzInZip := zipOf(t, [2]string{"x.xml.gz", string(gzipOf(t, ev("GzInZip")))},
		[2]string{"y.json.gz", string(gzipOf(t, regJSON(12, "CreateKey", `HKLM\SOFTWARE\JSONGzInZip`, "")+"\n"))},
		[2]string{"z.txt.gz", string(gzipOf(t, "readme\n"))})
	zipInGz := gzipOf(t, string(zipOf(t, [2]string{"a.xml", ev("ZipInGz")})))
	gzInGz := gzipOf(t, string(gzipOf(t, ev("GzInGz"))))
	deep := ev("Deep")
	for range maxDepth + 1 {
		deep = string(gzipOf(t, deep))
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"1.zip": string(gzInZip), "2.zip.gz": string(zipInGz), "3.gz": string(gzInGz), "4.gz": deep})
	s := NewStore(DefaultCatalog(), Options{})
	st, err := s.IngestPath(context.Background(), dir, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, st)
	var got []string
	for _, r := range rows(t, s, "Endpoint.Registry") {
		got = append(got, r["registry_path"])
	}
	want := []string{`HKLM\SOFTWARE\GzInZip`, `HKLM\SOFTWARE\JSONGzInZip`, `HKLM\SOFTWARE\ZipInGz`, `HKLM\SOFTWARE\GzInGz`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	wantSkipped := []SkippedFile{
		{"1.zip:z.txt.gz", "gzip: not event data"},
		{"4.gz", strings.Repeat("gzip: ", maxDepth) + "archive nested too deep"},
	}
	// Zip members are named by the path opened, top-level files by the
	// name under the folder.
	wantSkipped[0].Name = filepath.Join(dir, "1.zip") + ":z.txt.gz"
	if !reflect.DeepEqual(st.SkippedFiles, wantSkipped) {
		t.Errorf("skipped %v, want %v", st.SkippedFiles, wantSkipped)
	}
}

// TestIngestBomb checks that decompression is bounded: by the ratio of
// decompressed to stored bytes, and by MaxDecompressed.
func TestIngestBomb(t *testing.T) {
	// 80 MiB of line ends gzip to about 80 KB (1,000:1): past ratioFloor
	// (64 MiB) it expands more than 200 times its size.
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	chunk := bytes.Repeat([]byte("A\n"), 1<<20)
	for range 40 {
		w.Write(chunk)
	}
	w.Close()
	bomb := b.Bytes()
	s := NewStore(DefaultCatalog(), Options{})
	_, err := s.IngestReader(context.Background(), bytes.NewReader(bomb), "bomb.gz", IngestOptions{})
	var be *errBomb
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "bomb.gz: it decompresses to more than 200 times its") {
		t.Errorf("gzip bomb: %v, want a bomb error", err)
	}
	// The absolute limit, on a zip member and on gzip.
	text := strings.Repeat(regEvt(12, "CreateKey", `HKLM\X`).xml()+"\n", 200)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.zip": string(zipOf(t, [2]string{"a.xml", text})), "b.gz": string(gzipOf(t, text))})
	for _, f := range []string{"a.zip", "b.gz"} {
		s := NewStore(DefaultCatalog(), Options{})
		_, err := s.IngestPath(context.Background(), filepath.Join(dir, f), IngestOptions{MaxDecompressed: 10000})
		if !errors.As(err, &be) || !strings.Contains(err.Error(), "more than 10,000 bytes decompressed") {
			t.Errorf("%s: %v, want the limit error", f, err)
		}
		if _, err := s.IngestPath(context.Background(), filepath.Join(dir, f), IngestOptions{}); err != nil {
			t.Errorf("%s within the limit: %v", f, err)
		}
	}
}

// TestLineReaderLongLine checks that a line longer than maxLine comes in
// pieces, counted as one line.
func TestLineReaderLongLine(t *testing.T) {
	lr := newLineReader(strings.NewReader(strings.Repeat("x", 100)+"\nshort\n"), 8)
	lr.maxLine = 32
	var pieces, conts []int
	for {
		l, ok := lr.next()
		if !ok {
			break
		}
		pieces = append(pieces, len(l))
		if lr.cont {
			conts = append(conts, lr.line)
		}
	}
	total := 0
	for _, n := range pieces {
		total += n
		if n > 2*32 {
			t.Errorf("piece of %d bytes, want at most twice maxLine", n)
		}
	}
	if total != 107 || lr.line != 2 || len(conts) != len(pieces)-2 {
		t.Errorf("pieces %v (continuations on lines %v), %d lines; want 107 bytes, 2 lines", pieces, conts, lr.line)
	}
	// A long line of junk is one malformed event, inside an input with
	// events; an event on a long line is one "event longer than" event.
	good := regEvt(12, "CreateKey", `HKLM\X`).xml()
	s := NewStore(DefaultCatalog(), Options{})
	s.impl.maxEvent = 1000
	text := good + "\n" + strings.Repeat("junk ", maxLineSize/4) + "\n" + good + "\n"
	if err := s.Ingest(strings.NewReader(text), "long.log"); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	checkAccounting(t, st)
	if st.Events != 3 || st.Skipped["malformed: text outside an <Event> element"] != 1 {
		t.Errorf("stats %+v, want 2 used and 1 malformed", st)
	}
}

// TestIngestDuplicateAndReset: a file loaded twice (by any path) is
// skipped the second time; Reset empties the store and forgets it.
func TestIngestDuplicateAndReset(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.xml": regEvt(12, "CreateKey", `HKLM\X`).xml() + "\n"})
	a := filepath.Join(dir, "a.xml")
	link := filepath.Join(dir, "link.xml")
	if err := os.Symlink(a, link); err != nil {
		t.Skip("no symbolic links:", err)
	}
	s := NewStore(DefaultCatalog(), Options{})
	ctx := context.Background()
	st, err := s.IngestPaths(ctx, []string{a, link}, IngestOptions{})
	if err != nil || st.Files != 1 || st.Events != 1 || !reflect.DeepEqual(st.SkippedFiles, []SkippedFile{{link, "already loaded"}}) {
		t.Fatalf("first load: %+v, %v", st, err)
	}
	st, err = s.IngestPath(ctx, dir, IngestOptions{})
	want := []SkippedFile{{"a.xml", "already loaded"}, {"link.xml", "already loaded"}}
	if err != nil || st.Files != 0 || st.Events != 0 || !reflect.DeepEqual(st.SkippedFiles, want) {
		t.Errorf("second load: %+v, %v", st, err)
	}
	if all := s.Stats(); all.Events != 1 || all.Used["Endpoint.Registry"] != 1 || s.Events().Len() != 1 {
		t.Errorf("store %+v, %d in the event store, want the one event once", all, s.Events().Len())
	}
	s.Reset()
	if all := s.Stats(); all.Events != 0 || all.Files != 0 || all.Used["Endpoint.Registry"] != 0 || len(all.SkippedFiles) != 0 || len(rows(t, s, "Endpoint.Registry")) != 0 {
		t.Errorf("after Reset: %+v", all)
	}
	// The event store is emptied too (it kept the events read before
	// Reset, so a raw search after the REPL's .clear found them).
	if n := s.Events().Len(); n != 0 {
		t.Errorf("after Reset: %d events in the event store, want 0", n)
	}
	if st, err := s.IngestPath(ctx, a, IngestOptions{}); err != nil || st.Events != 1 || len(rows(t, s, "Endpoint.Registry")) != 1 || s.Events().Len() != 1 {
		t.Errorf("after Reset, load again: %+v, %v, %d in the event store", st, err, s.Events().Len())
	}
}

// TestIngestReaderKinds: a stream is sniffed like a file and counts as one
// file read (or skipped), as IngestFile counts a file.
func TestIngestReaderKinds(t *testing.T) {
	good := regEvt(12, "CreateKey", `HKLM\X`).xml() + "\n"
	tests := []struct {
		name, data string
		files      int
		kind       string
		skipped    string
	}{
		{"text", good, 1, "XmlWinEventLog", ""},
		{"gzip", string(gzipOf(t, good)), 1, "gzip", ""},
		{"zip", string(zipOf(t, [2]string{"a.xml", good})), 1, "zip", ""},
		{"banner", "evtxexport 20181227\n\n" + good + "\n", 1, "XmlWinEventLog", ""},
		{"UTF-16", "\xff\xfe<\x00E\x00v\x00", 0, "", "UTF-16 text is not read; convert it to UTF-8"},
		{"licence", "MIT License\n\nCopyright (c) 2020\n", 0, "", "not event data"},
		{"JSON not events", `{"a":1}` + "\n" + `{"b":2}` + "\n", 0, "", "not event data"},
		{"banner only", "evtxexport 20181227\n\n", 0, "", "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore(DefaultCatalog(), Options{})
			st, err := s.IngestReader(context.Background(), strings.NewReader(tc.data), "-", IngestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkAccounting(t, st)
			if st.Files != tc.files || st.FileKinds[tc.kind] != tc.files || len(st.Problems) != 0 {
				t.Errorf("stats %+v, want %d file of kind %q, no problem", st, tc.files, tc.kind)
			}
			if tc.skipped == "" {
				if st.Events != 1 || len(st.SkippedFiles) != 0 {
					t.Errorf("stats %+v, want 1 event", st)
				}
			} else if want := []SkippedFile{{"-", tc.skipped}}; !reflect.DeepEqual(st.SkippedFiles, want) || st.Events != 0 {
				t.Errorf("skipped %v (%d events), want %v", st.SkippedFiles, st.Events, want)
			}
		})
	}
}

// TestIngestJSONHeldLines: lines that are no Windows event before the
// first one that is are counted once the input shows it holds events.
func TestIngestJSONHeldLines(t *testing.T) {
	text := "{oops\n" + `{"a":1}` + "\n" + regJSON(12, "CreateKey", `HKLM\X`, "") + "\n"
	st := ingestText(t, text, Options{}).Stats()
	checkAccounting(t, st)
	if st.Events != 3 || st.Used["Endpoint.Registry"] != 1 || st.Skipped["malformed: bad JSON"] != 1 ||
		st.Skipped["malformed: not a Windows event: no EventID"] != 1 || len(st.Problems) != 2 ||
		!strings.HasPrefix(st.Problems[0], "test.log:1: bad JSON") || st.Problems[1] != "test.log:2: not a Windows event: no EventID" {
		t.Errorf("stats %+v", st)
	}
}

// TestIngestPathsErrors: a missing path reads nothing; a cancelled
// context stops reading.
func TestIngestPathsErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.xml": regEvt(12, "CreateKey", `HKLM\X`).xml() + "\n"})
	s := NewStore(DefaultCatalog(), Options{})
	_, err := s.IngestPaths(context.Background(), []string{filepath.Join(dir, "a.xml"), filepath.Join(dir, "nope")}, IngestOptions{})
	if err == nil || !strings.Contains(err.Error(), "nope: no such file or folder") || s.Stats().Events != 0 {
		t.Errorf("missing path: %v, %+v; want an error and nothing read", err, s.Stats())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.IngestPath(ctx, dir, IngestOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// progressRecorder records what a Progress is told.
type progressRecorder struct {
	total, read int64
}

func (p *progressRecorder) Start(total int64) { p.total = total }
func (p *progressRecorder) Add(chunk []byte)  { p.read += int64(len(chunk)) }

func TestIngestProgress(t *testing.T) {
	good := regEvt(12, "CreateKey", `HKLM\X`).xml() + "\n"
	dir := t.TempDir()
	files := map[string]string{"a.xml": good, "b.zip": string(zipOf(t, [2]string{"a.xml", good}))}
	writeFiles(t, dir, files)
	var p progressRecorder
	s := NewStore(DefaultCatalog(), Options{})
	if _, err := s.IngestPath(context.Background(), dir, IngestOptions{Progress: &p}); err != nil {
		t.Fatal(err)
	}
	size := int64(len(files["a.xml"]) + len(files["b.zip"]))
	// The zip is read through random access: its directory and members,
	// at least every byte once.
	if p.total != size || p.read < size {
		t.Errorf("progress told total %d, read %d; want %d and at least that", p.total, p.read, size)
	}
}

// TestIngestSharedEVTXFolder reads ../shared/datasets/evtx: its licence
// and README files are not event data (not 122 malformed events), and its
// .evtx files are read, or skipped as "EVTX reader not available" until a
// reader is wired in.
func TestIngestSharedEVTXFolder(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "datasets", "evtx")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/datasets/evtx is absent:", err)
	}
	s := NewStore(DefaultCatalog(), Options{})
	st, err := s.IngestPath(context.Background(), dir, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, st)
	if n := st.Skipped["malformed: "+garbageReason]; n != 0 {
		t.Errorf("%d runs of text outside events: %q", n, st.Problems)
	}
	names := map[string]bool{}
	for _, f := range st.SkippedFiles {
		names[f.Name] = true
		switch {
		case strings.HasPrefix(f.Name, "LICENSE") || f.Name == "README.md" || strings.HasSuffix(f.Name, ".tsv"):
			if f.Reason != skipNotEvents {
				t.Errorf("%s: %s, want %s", f.Name, f.Reason, skipNotEvents)
			}
		default:
			t.Errorf("%s: skipped: %s", f.Name, f.Reason)
		}
	}
	if !names["LICENSE.MIT_omerbenamram-evtx.txt"] {
		t.Errorf("LICENSE.MIT_omerbenamram-evtx.txt not listed as skipped: %v", st.SkippedFiles)
	}
}

// TestIngestEvtxexportOutput reads what evtxexport -f xml prints (banner
// line included) for a file of ../shared/datasets/evtx: every event is
// framed, none is text outside events.
func TestIngestEvtxexportOutput(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "datasets", "evtx", "EAS_sysmon_13_rdp_settings_tampering.evtx")
	if _, err := os.Stat(path); err != nil {
		t.Skip("../shared/datasets/evtx is absent:", err)
	}
	if _, err := exec.LookPath("evtxexport"); err != nil {
		t.Skip("evtxexport (libevtx-utils) is not installed")
	}
	out, err := exec.Command("evtxexport", "-f", "xml", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("evtxexport ")) {
		t.Fatalf("no banner line: %q", out[:min(len(out), 40)])
	}
	s := NewStore(DefaultCatalog(), Options{})
	st, err := s.IngestReader(context.Background(), bytes.NewReader(out), "rdp.xml", IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, st)
	if st.Events == 0 || st.Used["Endpoint.Registry"] == 0 || len(st.Problems) != 0 {
		t.Errorf("stats %+v, want registry rows and no malformed event", st)
	}
}
