package datamodel

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// sharedSeeds returns the small files of ../shared/datasets whose names
// end in one of exts (at most max bytes each), as fuzz seeds; none when
// the shared data is absent (the fuzz target then runs on its own seeds).
func sharedSeeds(tb testing.TB, max int64, exts ...string) [][]byte {
	tb.Helper()
	root := filepath.Join("..", "..", "shared", "datasets")
	if _, err := os.Stat(root); err != nil {
		tb.Logf("no ../shared/datasets: fuzzing on the built-in seeds only")
		return nil
	}
	var seeds [][]byte
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || len(seeds) >= 8 {
			return nil
		}
		ok := false
		for _, e := range exts {
			ok = ok || filepath.Ext(p) == e
		}
		if info, err := d.Info(); ok && err == nil && info.Size() <= max {
			if b, err := os.ReadFile(p); err == nil {
				seeds = append(seeds, b)
			}
		}
		return nil
	})
	return seeds
}

// FuzzIngestArchive feeds arbitrary bytes to the one entry point for an
// input of any kind (sniffing, zip archives, gzip streams nested up to
// maxDepth, then the XML and JSON scanners), with a small decompression
// limit. Properties: no panic; every event read is used or skipped with a
// reason (read = used + skipped), whether or not the input ends in an
// error; the input counts as one file read or at least one file skipped;
// the counts are what the Store holds (checkStoreAccounting); and
// ingesting the same bytes again after a Reset gives the same Stats and
// error (no dependence on state or scheduling, and Reset forgets all).
// One Store is built per process and Reset before each ingest: building
// one cost more than ingesting a small input.
func FuzzIngestArchive(f *testing.F) {
	good := regEvt(13, "SetValue", `HKLM\System\A\B`, kv{"Details", "DWORD (0x00000001)"}).xml() + "\n"
	js := regJSON(12, "CreateKey", `HKLM\SOFTWARE\J`, "") + "\n"
	inner := zipOf(f, [2]string{"x.json", js}, [2]string{"y.xml", good})
	f.Add([]byte(good))
	f.Add(gzipOf(f, good+"junk\n"+good))
	f.Add(inner)
	f.Add(zipOf(f, [2]string{"a.xml", good}, [2]string{"b.gz", string(gzipOf(f, js))}, [2]string{"c/in.zip", string(inner)}, [2]string{"d/", ""}))
	f.Add(gzipOf(f, string(gzipOf(f, string(inner)))))
	f.Add(gzipOf(f, good)[:40])
	for _, s := range sharedSeeds(f, 64<<10, ".zip", ".gz") {
		f.Add(s)
	}
	s := NewStore(DefaultCatalog(), Options{BatchSize: 4})
	defer s.Release()
	ingest := func(t *testing.T, data []byte) (Stats, error) {
		s.Reset()
		st, err := s.IngestReader(context.Background(), bytes.NewReader(data), "fuzz", IngestOptions{MaxDecompressed: 1 << 20})
		checkAccounting(t, st)
		checkStoreAccounting(t, s, st)
		return st, err
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ingest(t, data)
		files := st.Files
		for _, n := range st.FilesSkipped {
			files += n
		}
		if err == nil && files < 1 {
			t.Fatalf("input counted neither read nor skipped: %+v", st)
		}
		st2, err2 := ingest(t, data)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("second ingest: error %v, first %v", err2, err)
		}
		if !reflect.DeepEqual(st, st2) {
			t.Fatalf("second ingest: %+v, first %+v", st2, st)
		}
	})
}
