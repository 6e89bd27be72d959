package summaries

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"

	"github.com/minispl/minispl/datamodel"
)

// readOnePart writes a summaries folder whose manifest lists part alone,
// with data as its file, reads it, and returns Read's error and the bytes
// the read allocated (runtime.MemStats.TotalAlloc, which the race
// detector's shadow memory does not count).
func readOnePart(t *testing.T, part Part, data []byte) (error, uint64) {
	t.Helper()
	manifest, err := json.Marshal(Manifest{Format: manifestFormat, Commits: []Commit{{Seq: 0, Parts: []Part{part}}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, filepath.FromSlash(part.File))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	bs, _, err := s.Read(context.Background(), datamodel.DefaultCatalog(), ReadOptions{Workers: 1})
	runtime.ReadMemStats(&after)
	Release(bs)
	return err, after.TotalAlloc - before.TotalAlloc
}

// corpusBytes reads the []byte of a go test fuzz corpus file.
func corpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
		t.Fatalf("%s is not a corpus file of one []byte", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// readBound is what the damaged parts below may make Read allocate: the
// real part's read takes about 1 MB; the first finding took over 16 GB.
const readBound = 64 << 20

// TestDamagedArrowSchema reads FuzzSummaryPart's finding, a part whose
// stored Arrow schema (ARROW:schema) was damaged so that a field declares
// about 200 million children, which pqarrow allocated before reading
// them (16.9 GB under the race detector; the CI's race run was killed
// for memory): the read fails naming the part and the key, and allocates
// under readBound.
func TestDamagedArrowSchema(t *testing.T) {
	_, _, part, good := fuzzTemplate(t)
	err, alloc := readOnePart(t, part, good)
	if err != nil {
		t.Fatalf("the real part: %v", err)
	}
	t.Logf("the real part: %d bytes allocated", alloc)
	bad := corpusBytes(t, filepath.Join("testdata", "fuzz", "FuzzSummaryPart", "16a1546dd358746a"))
	err, alloc = readOnePart(t, part, bad)
	t.Logf("the damaged part: %v; %d bytes allocated", err, alloc)
	if err == nil || !strings.Contains(err.Error(), part.File) || !strings.Contains(err.Error(), arrowSchemaKey) {
		t.Errorf("error %v, want one naming %s and %s", err, part.File, arrowSchemaKey)
	}
	if alloc > readBound {
		t.Errorf("the read allocated %d bytes, more than %d", alloc, readBound)
	}
}

// TestDamagedDictionaryCount reads the real part with its first
// dictionary page's value count raised from 12 to 63 (arrow-go makes a
// slice of the declared count before decoding the values; a count of
// 2^31-1 would make one of 48 GB): the read fails naming the part and
// the page, within readBound.
func TestDamagedDictionaryCount(t *testing.T) {
	_, _, part, good := fuzzTemplate(t)
	// The first column chunk's dictionary page starts after "PAR1".
	h, ok := parsePageHeader(good[4:])
	if !ok || !h.dictionary || h.values >= 63 {
		t.Fatalf("the real part's first page: %+v (parsed %v), want a dictionary page of under 63 values", h, ok)
	}
	// In the Thrift compact encoding: field 7 (dictionary_page_header,
	// a struct: 0x4c after field 3), its field 1 (i32: 0x15) and the
	// count in zigzag, one byte.
	old := []byte{0x4c, 0x15, byte(h.values << 1)}
	at := bytes.Index(good[4:4+32], old)
	if at < 0 {
		t.Fatalf("no %x in the first page header % x", old, good[4:4+32])
	}
	bad := bytes.Clone(good)
	bad[4+at+2] = 63 << 1
	err, alloc := readOnePart(t, part, bad)
	t.Logf("%v; %d bytes allocated", err, alloc)
	if err == nil || !strings.Contains(err.Error(), part.File) || !strings.Contains(err.Error(), "declares 63 values") {
		t.Errorf("error %v, want one naming %s and the 63 values declared", err, part.File)
	}
	if alloc > readBound {
		t.Errorf("the read allocated %d bytes, more than %d", alloc, readBound)
	}
}

// TestReaderPageLimits checks the page limits Read gives arrow-go.
func TestReaderPageLimits(t *testing.T) {
	p := readerProperties(12345)
	if p.GetMaxCompressedPageSize() != 12345 || p.GetMaxUncompressedPageSize() != MaxPageBytes {
		t.Errorf("limits %d and %d, want 12345 and %d", p.GetMaxCompressedPageSize(), p.GetMaxUncompressedPageSize(), MaxPageBytes)
	}
}

// compactPageHeader encodes a Parquet PageHeader in the Thrift compact
// protocol: type, sizes, and a dictionary page header (field 7: values,
// PLAIN) or a data page header (field 5: values, RLE_DICTIONARY, RLE
// levels).
func compactPageHeader(typ, uncompressed, compressed, values int32) []byte {
	zz := func(b []byte, v int32) []byte { return binary.AppendUvarint(b, uint64(uint32((v<<1)^(v>>31)))) }
	b := []byte{0x15}
	b = zz(b, typ)
	b = append(b, 0x15)
	b = zz(b, uncompressed)
	b = append(b, 0x15)
	b = zz(b, compressed)
	if typ == pageDictionary {
		b = append(b, 0x4c, 0x15) // field 7, a struct; its field 1
		b = zz(b, values)
		b = append(b, 0x15)
		b = zz(b, encPlain)
	} else {
		b = append(b, 0x2c, 0x15) // field 5, a struct; its field 1
		b = zz(b, values)
		for _, e := range []int32{encRLEDict, encRLE, encRLE} {
			b = append(b, 0x15)
			b = zz(b, e)
		}
	}
	return append(b, 0, 0) // the ends of both structs
}

// TestDirectChunkBomb gives the direct reader a zstd column chunk of a
// one-value dictionary and ten data pages of 1 MiB each, compressed to
// a few hundred bytes: the reader holds every page of a chunk, so it
// stops (and leaves the chunk to pqarrow, which reads a page at a time)
// once they pass its bound instead of decompressing them all.
func TestDirectChunkBomb(t *testing.T) {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	dict := make([]byte, 8)
	page := make([]byte, 1<<20)
	zd, zp := enc.EncodeAll(dict, nil), enc.EncodeAll(page, nil)
	buf := append(compactPageHeader(pageDictionary, int32(len(dict)), int32(len(zd)), 1), zd...)
	for range 10 {
		buf = append(buf, compactPageHeader(pageData, int32(len(page)), int32(len(zp)), 0)...)
		buf = append(buf, zp...)
	}
	t.Logf("a chunk of %d bytes declaring %d MiB", len(buf), 10*len(page)>>20)
	cr, err := newChunkReader()
	if err != nil {
		t.Fatal(err)
	}
	defer cr.close()
	if _, ok := cr.pages(buf, compress.Codecs.Zstd, 0); !ok {
		t.Fatal("the direct reader refuses the chunk under its default bound: the test does not test the bound")
	}
	cr.maxChunk = 3 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, ok := cr.pages(buf, compress.Codecs.Zstd, 0)
	runtime.ReadMemStats(&after)
	if ok {
		t.Error("the direct reader took 10 MiB of pages past its bound of 3 MiB")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("the direct reader allocated %d bytes, past its bound of 3 MiB", alloc)
	}
}
