package summaries

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// directInputs are the stores the direct reader is checked over: the
// repository's test events, 20,000 generated events, and the shared
// datasets when ../shared is there.
func directInputs(t *testing.T) map[string]*datamodel.Store {
	t.Helper()
	out := map[string]*datamodel.Store{"testdata": ingest(t, 0, events...)}
	gen := filepath.Join(t.TempDir(), "gen.xml")
	f, err := os.Create(gen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sysmongen.Write(f, 20000, 7); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out["sysmongen"] = ingest(t, 0, gen)
	shared := filepath.Join("..", "..", "shared", "datasets", "attack_data")
	if raceOn {
		t.Log("-race: the shared datasets are checked by the plain run")
	} else if _, err := os.Stat(shared); err == nil {
		out["shared"] = ingest(t, 0, shared)
	} else {
		t.Logf("../shared absent (%v): checked over the test and generated events only", err)
	}
	return out
}

// TestDirectMatchesPqarrow reads summaries with the direct reader
// (pages.go) and with pqarrow: every row of every dataset must be the
// same, at several row-group and page sizes (several data pages per
// chunk), and every file must have been read directly. With a tiny
// dictionary page limit the writer falls back to PLAIN pages: those files
// go to pqarrow, with the same rows. With Columns, the columns left out
// are null and the others as read whole.
func TestDirectMatchesPqarrow(t *testing.T) {
	cat := datamodel.DefaultCatalog()
	for name, store := range directInputs(t) {
		for _, c := range []struct {
			name     string
			opt      WriteOptions
			fallback bool
		}{
			{"default", WriteOptions{}, false},
			{"small", WriteOptions{RowGroupRows: 1000, dataPageSize: 2048}, false},
			{"plain", WriteOptions{RowGroupRows: 5000, dictPageLimit: 64}, true},
		} {
			dir := filepath.Join(t.TempDir(), "sum")
			w, err := Create(dir)
			if err != nil {
				t.Fatal(err)
			}
			c.opt.NoSync = true
			_, err = w.Commit(cat, store, nil, c.opt)
			w.Close()
			if err != nil {
				t.Fatal(err)
			}
			want, wst := readRows(t, dir, ReadOptions{Pqarrow: true})
			got, gst := readRows(t, dir, ReadOptions{})
			if wst.Direct != 0 || gst.Files == 0 || (gst.Direct == gst.Files) == c.fallback {
				t.Errorf("%s/%s: %d of %d files read directly (pqarrow: %d); fallback expected: %v", name, c.name, gst.Direct, gst.Files, wst.Direct, c.fallback)
			}
			if !mapsEqual(got, want) {
				t.Errorf("%s/%s: the direct reader's rows differ from pqarrow's", name, c.name)
				continue
			}
			if c.fallback {
				continue
			}
			// Projection: only registry_path (and _time) of Registry.
			proj := readCells(t, dir, ReadOptions{Columns: map[string][]string{"Endpoint.Registry": {"registry_path"}}})
			full := readCells(t, dir, ReadOptions{Pqarrow: true})
			ds, _ := cat.Lookup("Endpoint.Registry")
			for d, rows := range full {
				if d == "Endpoint.Registry" {
					for _, r := range rows {
						for i, f := range ds.Schema().Fields() {
							if f.Name != datamodel.FieldTime && f.Name != "registry_path" {
								r[i] = `\N`
							}
						}
					}
				}
				if !slices.EqualFunc(proj[d], rows, slices.Equal) {
					t.Errorf("%s/%s: %s projected: rows differ", name, c.name, d)
				}
			}
		}
	}
}

// readCells reads every dataset of dir: per dataset, each row's cells.
func readCells(t *testing.T, dir string, opt ReadOptions) map[string][][]string {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	bs, _, err := s.Read(context.Background(), datamodel.DefaultCatalog(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer Release(bs)
	out := map[string][][]string{}
	for _, b := range bs {
		rec := b.Record
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for c := 0; c < int(rec.NumCols()); c++ {
				cells = append(cells, rec.Column(c).ValueStr(i))
				if rec.Column(c).IsNull(i) {
					cells[c] = `\N`
				}
			}
			out[b.Dataset] = append(out[b.Dataset], cells)
		}
	}
	return out
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestHybrid decodes RLE/bit-packed hybrid streams written by hand
// (parquet-format Encodings.md): a run of 5 threes at width 2, then a
// bit-packed group of 0..7 at width 3; and rejects short or malformed
// ones.
func TestHybrid(t *testing.T) {
	// RLE run: header 5<<1, value 3 (one byte). Bit-packed: header
	// 1<<1|1, then 0..7 at 3 bits, LSB first: 0b10001000, 0b11000110,
	// 0b11111010.
	stream := []byte{10, 3, 3, 0x88, 0xc6, 0xfa}
	out := make([]int32, 13)
	if !hybrid(stream, 3, out) {
		t.Fatal("hybrid failed")
	}
	want := []int32{3, 3, 3, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7}
	if !slices.Equal(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
	for _, bad := range [][]byte{{}, {10}, {3, 0x88}, {0}, {10, 9}} {
		if hybrid(bad, 3, make([]int32, 5)) {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// TestDirectDamaged flips every eleventh byte of a part in turn: the direct reader
// either reads the rows pqarrow reads or leaves the file to pqarrow, and
// Read never panics (the recover in readPart covers pqarrow only).
func TestDirectDamaged(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("-short or -race: a sweep of reads, slow under either")
	}
	store := ingest(t, 0, events[1])
	dir := filepath.Join(t.TempDir(), "sum")
	if _, err := Write(dir, datamodel.DefaultCatalog(), store); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Manifest().Parts()[0]
	path := filepath.Join(dir, filepath.FromSlash(p.File))
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := datamodel.DefaultCatalog().Lookup(p.Dataset)
	cr, err := newChunkReader()
	if err != nil {
		t.Fatal(err)
	}
	defer cr.close()
	mem := memory.NewGoAllocator()
	directOnly := 0
	for i := 4; i < len(orig)-8; i += 11 { // every eleventh byte: the test stays within seconds
		b := slices.Clone(orig)
		b[i] ^= 0x5a
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, _, err := readPart(context.Background(), path, p, ds, ReadOptions{}, mem, cr)
		wantOut, _, wantErr := readPart(context.Background(), path, p, ds, ReadOptions{Pqarrow: true}, mem, cr)
		if err == nil && wantErr != nil {
			directOnly++
			t.Logf("byte %d: read directly, pqarrow: %v", i, wantErr)
		}
		if err == nil && wantErr == nil {
			// Both read it: a damaged byte that both decode alike
			// (or that neither looks at).
			if !slices.Equal(rowsOfBatches(out), rowsOfBatches(wantOut)) {
				t.Errorf("byte %d: the direct reader's rows differ from pqarrow's", i)
			}
		}
		Release(out)
		Release(wantOut)
	}
	if directOnly > 0 {
		t.Errorf("%d damaged files read directly that pqarrow rejects", directOnly)
	}
}

func rowsOfBatches(bs []Batch) []string {
	var rs []arrow.RecordBatch
	for _, b := range bs {
		rs = append(rs, b.Record)
	}
	return rowsOf(rs)
}
