package summaries

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/minispl/minispl/datamodel"
)

// fuzzTemplate writes the summaries of one event file into a new folder
// and returns the folder, its manifest's bytes and its first part with
// that part's bytes.
func fuzzTemplate(f testing.TB) (dir string, manifest []byte, part Part, partBytes []byte) {
	st := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	if _, err := st.IngestPaths(context.Background(), []string{events[0]}, datamodel.IngestOptions{}); err != nil {
		f.Fatal(err)
	}
	defer st.Release()
	dir = f.TempDir()
	if _, err := Write(dir, datamodel.DefaultCatalog(), st); err != nil {
		f.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		f.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	parts := s.Manifest().Parts()
	if len(parts) < 2 {
		f.Fatalf("%d parts, want several", len(parts))
	}
	part = parts[0]
	if partBytes, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(part.File))); err != nil {
		f.Fatal(err)
	}
	return dir, manifest, part, partBytes
}

// FuzzSummaryPart reads a summaries folder whose one part file holds any
// bytes (seeded with a real part, cut and altered): Read never panics,
// and when it succeeds it returns exactly the rows the manifest lists for
// the part, each with a _time inside the part's range, in batches of the
// dataset's schema; the real part reads back whole.
func FuzzSummaryPart(f *testing.F) {
	_, _, part, good := fuzzTemplate(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[len(good)-64:])
	f.Add([]byte("PAR1"))
	for _, at := range []int{4, 64, len(good) / 2, len(good) - 12, len(good) - 9} {
		b := slices.Clone(good)
		b[at] ^= 0x55
		f.Add(b)
	}
	m := Manifest{Format: manifestFormat, Commits: []Commit{{Seq: 0, Parts: []Part{part}}}}
	manifest, err := json.Marshal(m)
	if err != nil {
		f.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	ds, ok := cat.Lookup(part.Dataset)
	if !ok {
		f.Fatalf("dataset %s not in the catalog", part.Dataset)
	}
	// One folder per process: Open and Read write nothing, so only the
	// part's bytes change from one input to the next.
	dir := f.TempDir()
	p := filepath.Join(dir, filepath.FromSlash(part.File))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), manifest, 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		bs, rst, err := s.Read(context.Background(), cat, ReadOptions{Workers: 1})
		if err != nil {
			if bytes.Equal(data, good) {
				t.Fatalf("the real part: %v", err)
			}
			if !strings.Contains(err.Error(), part.File) {
				t.Errorf("error %q does not name the part", err)
			}
			return
		}
		defer Release(bs)
		var rows int64
		for _, b := range bs {
			if !b.Record.Schema().Equal(ds.Schema()) {
				t.Fatalf("batch schema %s, want %s", b.Record.Schema(), ds.Schema())
			}
			ts := b.Record.Column(0).(*array.Timestamp)
			for i := 0; i < ts.Len(); i++ {
				if ts.IsNull(i) || int64(ts.Value(i)) < part.MinTime || int64(ts.Value(i)) > part.MaxTime {
					t.Fatalf("row %d: _time %v outside %d..%d", i, ts.ValueStr(i), part.MinTime, part.MaxTime)
				}
			}
			rows += b.Record.NumRows()
		}
		if rows != part.Rows || rst.Rows != part.Rows {
			t.Fatalf("read %d rows (stats %d), the manifest lists %d", rows, rst.Rows, part.Rows)
		}
	})
}

// FuzzManifest opens, reads and writes a summaries folder whose manifest
// holds any bytes (seeded with a real one and with parts that lead out
// of the folder or are listed twice), inside a sandbox folder: nothing
// panics, nothing outside the folder is touched (a writer renames the
// parts a manifest lists), and a manifest that opens lists only parts at
// their own place, DATASET/dt=DAY/part-SEQ.parquet, once each; a read
// that succeeds returns exactly the rows the manifest lists.
func FuzzManifest(f *testing.F) {
	tmpl, manifest, _, _ := fuzzTemplate(f)
	f.Add(manifest)
	var m Manifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		f.Fatal(err)
	}
	evil := m
	evil.Commits = slices.Clone(m.Commits)
	c := evil.Commits[0]
	c.Parts = slices.Clone(c.Parts)
	c.Parts[0].File = "../" + c.Parts[0].File
	evil.Commits[0] = c
	b, _ := json.Marshal(evil)
	f.Add(b)
	c.Parts[0].File = "../canary" // a writer would rename ../.canary.tmp to ../canary
	b, _ = json.Marshal(evil)
	f.Add(b)
	c.Parts[0] = c.Parts[1]
	b, _ = json.Marshal(evil)
	f.Add(b)
	f.Add([]byte(`{"format":1,"commits":[{"seq":0,"parts":[{"dataset":"..","dt":"2020-01-01","file":"../dt=2020-01-01/part-00000.parquet","rows":1,"min_time_ms":1577836800000,"max_time_ms":1577836800000}]}]}`))
	f.Add([]byte(`{"format":1,"commits":[]}`))
	f.Add([]byte(`{"format":1}`))
	f.Add([]byte(`[]`))
	// The template's files, copied into every sandbox.
	files := map[string][]byte{}
	if err := filepath.WalkDir(tmpl, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ManifestName || d.Name() == lockName {
			return err
		}
		rel, _ := filepath.Rel(tmpl, p)
		b, err := os.ReadFile(p)
		files[rel] = b
		return err
	}); err != nil {
		f.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	// The sandbox is made once per process and made again only after an
	// input changed what the summaries folder holds (a writer's repair):
	// copying the template's parts for every input cost more than the
	// checks.
	base := f.TempDir()
	var sandbox, dir string
	var inside []string // the folder's files as made
	fresh := func(t testing.TB) {
		if sandbox != "" {
			if err := os.RemoveAll(sandbox); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		if sandbox, err = os.MkdirTemp(base, "sandbox"); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sandbox, ".canary.tmp"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(sandbox, "s")
		for rel, b := range files {
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		inside = nil
	}
	fresh(f)
	before := listTree(f, sandbox, dir)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, ManifestName), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir)
		if err == nil {
			seen := map[string]bool{}
			var want int64
			for _, p := range s.Manifest().Parts() {
				if !filepath.IsLocal(filepath.FromSlash(p.File)) || seen[p.File] || !strings.HasPrefix(p.File, p.Dataset+"/dt="+p.Day+"/part-") {
					t.Fatalf("opened a manifest with part %+v", p)
				}
				seen[p.File] = true
				want += p.Rows
			}
			bs, rst, err := s.Read(context.Background(), cat, ReadOptions{Workers: 1})
			if err == nil {
				var rows int64
				for _, b := range bs {
					rows += b.Record.NumRows()
				}
				Release(bs)
				if rows != want || rst.Rows != want {
					t.Fatalf("read %d rows (stats %d), the manifest lists %d", rows, rst.Rows, want)
				}
			}
		}
		if w, err := Create(dir); err == nil {
			w.Close()
		}
		if after := listTree(t, sandbox, dir); !slices.Equal(before, after) {
			t.Fatalf("files outside the summaries folder changed: %v, then %v", before, after)
		}
		now := listTree(t, dir, "")
		if inside == nil {
			inside = now // the first input's Create made the lock file
		} else if !slices.Equal(inside, now) {
			fresh(t)
			if after := listTree(t, sandbox, dir); !slices.Equal(before, after) {
				t.Fatalf("a new sandbox: %v, the first %v", after, before)
			}
		}
	})
}

// listTree lists every path under root except those under skip, the
// paths relative to root.
func listTree(t testing.TB, root, skip string) []string {
	t.Helper()
	var out []string
	if err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(root, p)
		out = append(out, rel)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
