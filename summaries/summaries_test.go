package summaries

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/minispl/minispl/datamodel"
)

// events are the test inputs, from the repository's testdata.
var events = []string{
	filepath.Join("..", "testdata", "events", "processes_filesystem.xml"),
	filepath.Join("..", "testdata", "events", "rms_registry.xml"),
	filepath.Join("..", "testdata", "events", "certutil_extract.xml"),
}

// ingest reads files into a new store with batches of batchSize rows.
func ingest(t *testing.T, batchSize int, files ...string) *datamodel.Store {
	t.Helper()
	st := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{BatchSize: batchSize})
	if _, err := st.IngestPaths(context.Background(), files, datamodel.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Release)
	return st
}

// rowsOf renders every row of batches as one line of its cells
// (null as \N), in order.
func rowsOf(batches []arrow.RecordBatch) []string {
	var out []string
	for _, b := range batches {
		for i := 0; i < int(b.NumRows()); i++ {
			var cells []string
			for c := 0; c < int(b.NumCols()); c++ {
				col := b.Column(c)
				switch {
				case col.IsNull(i):
					cells = append(cells, `\N`)
				case c == 0:
					cells = append(cells, fmt.Sprint(int64(col.(*array.Timestamp).Value(i))))
				default:
					d := col.(*array.Dictionary)
					cells = append(cells, d.Dictionary().(*array.String).Value(d.GetValueIndex(i)))
				}
			}
			out = append(out, strings.Join(cells, "|"))
		}
	}
	return out
}

// storeRows returns the rows of every dataset of st, by dataset, sorted
// by time (stable).
func storeRows(st *datamodel.Store) map[string][]string {
	out := map[string][]string{}
	for _, d := range datamodel.DefaultCatalog().Datasets() {
		rows := rowsOf(st.Batches(d))
		slices.SortStableFunc(rows, func(a, b string) int {
			ta, _, _ := strings.Cut(a, "|")
			tb, _, _ := strings.Cut(b, "|")
			if len(ta) != len(tb) {
				return len(ta) - len(tb)
			}
			return strings.Compare(ta, tb)
		})
		if len(rows) > 0 {
			out[d.FullName()] = rows
		}
	}
	return out
}

// readRows reads every dataset of dir, by dataset, in file order.
func readRows(t *testing.T, dir string, opt ReadOptions) (map[string][]string, ReadStats) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	bs, st, err := s.Read(context.Background(), datamodel.DefaultCatalog(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer Release(bs)
	out := map[string][]string{}
	for _, b := range bs {
		out[b.Dataset] = append(out[b.Dataset], rowsOf([]arrow.RecordBatch{b.Record})...)
	}
	return out, st
}

func total(m map[string][]string) int {
	n := 0
	for _, r := range m {
		n += len(r)
	}
	return n
}

// TestRoundTrip writes a store and reads it back: the same rows, sorted
// by _time, at several batch and row-group sizes; the files carry the
// versions and the dataset in their metadata and sort by _time.
func TestRoundTrip(t *testing.T) {
	for _, bs := range []int{1, 7, 0} {
		for _, rg := range []int{3, 0} {
			t.Run(fmt.Sprintf("batch%d_rowgroup%d", bs, rg), func(t *testing.T) {
				st := ingest(t, bs, events...)
				want := storeRows(st)
				if total(want) == 0 {
					t.Fatal("no rows ingested")
				}
				dir := t.TempDir()
				w, err := Create(dir)
				if err != nil {
					t.Fatal(err)
				}
				cs, err := w.Commit(datamodel.DefaultCatalog(), st, nil, WriteOptions{MinisplVersion: "test", RowGroupRows: rg})
				w.Close()
				if err != nil {
					t.Fatal(err)
				}
				if cs.Rows != int64(total(want)) {
					t.Errorf("commit wrote %d rows, want %d", cs.Rows, total(want))
				}
				got, rst := readRows(t, dir, ReadOptions{})
				for ds, rows := range want {
					if !slices.Equal(got[ds], rows) {
						t.Errorf("%s: read\n%s\nwant\n%s", ds, strings.Join(got[ds], "\n"), strings.Join(rows, "\n"))
					}
				}
				if len(got) != len(want) || rst.Rows != int64(total(want)) || rst.PartitionsPruned != 0 || rst.RowGroupsPruned != 0 || rst.Ignored != 0 {
					t.Errorf("read %d datasets, stats %+v; want %d datasets, %d rows, nothing pruned", len(got), rst, len(want), total(want))
				}
				for _, p := range cs.Parts {
					checkFile(t, filepath.Join(dir, filepath.FromSlash(p.File)), p)
				}
			})
		}
	}
}

// checkFile checks one part file's metadata and name.
func checkFile(t *testing.T, path string, p Part) {
	t.Helper()
	if !strings.HasPrefix(p.File, p.Dataset+"/dt="+p.Day+"/part-") || !strings.HasSuffix(p.File, ".parquet") {
		t.Errorf("part file %s: not under %s/dt=%s/", p.File, p.Dataset, p.Day)
	}
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	kv := r.MetaData().KeyValueMetadata()
	for k, want := range map[string]string{MetaMinisplVersion: "test", MetaMappingVersion: MappingVersion(datamodel.DefaultCatalog()), MetaDataset: p.Dataset} {
		if v := kv.FindValue(k); v == nil || *v != want {
			t.Errorf("%s: metadata %s = %v, want %q", p.File, k, v, want)
		}
	}
	if r.NumRows() != p.Rows {
		t.Errorf("%s: %d rows, manifest says %d", p.File, r.NumRows(), p.Rows)
	}
	if d := dayOf(p.MinTime); d != p.Day || dayOf(p.MaxTime) != p.Day {
		t.Errorf("%s: times %d..%d are not all on %s", p.File, p.MinTime, p.MaxTime, p.Day)
	}
}

// TestPruning reads with time windows: partitions (days) and row groups
// outside the window are not read, and every row inside it is.
func TestPruning(t *testing.T) {
	st := ingest(t, 0, events...)
	all := storeRows(st)
	dir := t.TempDir()
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := w.Commit(datamodel.DefaultCatalog(), st, nil, WriteOptions{RowGroupRows: 2})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Every distinct time as a window bound.
	var times []int64
	for _, rows := range all {
		for _, r := range rows {
			var ms int64
			fmt.Sscan(strings.SplitN(r, "|", 2)[0], &ms)
			times = append(times, ms)
		}
	}
	slices.Sort(times)
	times = slices.Compact(times)
	if len(cs.Parts) < 2 || len(times) < 4 {
		t.Fatalf("want several partitions and times, have %d parts, %d times", len(cs.Parts), len(times))
	}
	inWindow := func(r string, e, l time.Time) bool {
		var ms int64
		fmt.Sscan(strings.SplitN(r, "|", 2)[0], &ms)
		return (e.IsZero() || ms >= e.UnixMilli()) && (l.IsZero() || ms < l.UnixMilli())
	}
	windows := [][2]time.Time{
		{time.UnixMilli(times[1]), time.UnixMilli(times[len(times)-2])},
		{time.UnixMilli(times[len(times)/2]), {}},
		{{}, time.UnixMilli(times[len(times)/2])},
		{time.UnixMilli(times[len(times)-1] + 1), {}},
		{time.UnixMilli(times[len(times)/2]), time.UnixMilli(times[len(times)/2] + 1)},
	}
	prunedSome := false
	for _, wdw := range windows {
		got, rst := readRows(t, dir, ReadOptions{Earliest: wdw[0], Latest: wdw[1]})
		if rst.PartitionsPruned+rst.RowGroupsPruned > 0 {
			prunedSome = true
		}
		for ds, rows := range all {
			var want, have []string
			for _, r := range rows {
				if inWindow(r, wdw[0], wdw[1]) {
					want = append(want, r)
				}
			}
			for _, r := range got[ds] {
				if inWindow(r, wdw[0], wdw[1]) {
					have = append(have, r)
				}
			}
			if !slices.Equal(have, want) {
				t.Errorf("window %v: %s: %d rows in the window, want %d", wdw, ds, len(have), len(want))
			}
		}
	}
	if !prunedSome {
		t.Error("no window pruned a partition or a row group")
	}
	// A window after every row reads nothing at all.
	_, rst := readRows(t, dir, ReadOptions{Earliest: time.UnixMilli(times[len(times)-1] + 1)})
	if rst.Files != 0 || rst.Rows != 0 || rst.PartitionsPruned != rst.Partitions {
		t.Errorf("window after the last row: %+v, want every partition pruned", rst)
	}
	// Datasets selects.
	got, _ := readRows(t, dir, ReadOptions{Datasets: []string{"Endpoint.Registry"}})
	if len(got) != 1 || len(got["Endpoint.Registry"]) != len(all["Endpoint.Registry"]) {
		t.Errorf("Datasets Endpoint.Registry read %d datasets", len(got))
	}
}

// TestKilled stops a commit at each of its steps, as a killed process
// would stop, and checks that a reader sees either the old summaries or
// the new ones, never part of a commit; that the next writer repairs the
// folder; and that accelerating the same input again adds no row.
func TestKilled(t *testing.T) {
	cat := datamodel.DefaultCatalog()
	first := ingest(t, 0, events[0])
	second := ingest(t, 0, events[1], events[2])
	rowsFirst := total(storeRows(first))
	rowsBoth := rowsFirst + total(storeRows(second))
	for _, step := range []string{"part written", "parts written", "manifest written", "part renamed"} {
		t.Run(strings.ReplaceAll(step, " ", "_"), func(t *testing.T) {
			dir := t.TempDir()
			w, err := Create(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Commit(cat, first, []Input{{Path: "/first"}}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			killed := errors.New("killed")
			_, err = w.Commit(cat, second, []Input{{Path: "/second"}}, WriteOptions{stop: func(s string) error {
				if s == step {
					return killed
				}
				return nil
			}})
			if !errors.Is(err, killed) {
				t.Fatalf("commit: %v, want the stop", err)
			}
			w.Close() // the lock goes with the process
			committed := step == "manifest written" || step == "part renamed"
			want := rowsFirst
			if committed {
				want = rowsBoth
			}
			got, rst := readRows(t, dir, ReadOptions{})
			if total(got) != want {
				t.Errorf("after a stop at %q a reader sees %d rows, want %d", step, total(got), want)
			}
			if !committed && rst.Ignored == 0 {
				t.Errorf("stop at %q: no temporary file counted as ignored", step)
			}
			// The next writer repairs: no temporary file left, renames done.
			w, err = Create(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if committed && w.RolledForward == 0 && step == "manifest written" {
				t.Errorf("stop at %q: nothing rolled forward", step)
			}
			if !committed && w.RemovedTemps == 0 {
				t.Errorf("stop at %q: no temporary file removed", step)
			}
			if err := walkParts(dir, func(p string, temp bool) error {
				if temp {
					t.Errorf("temporary file left after repair: %s", p)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !committed {
				if _, err := w.Commit(cat, second, []Input{{Path: "/second"}}, WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			got, rst = readRows(t, dir, ReadOptions{})
			if total(got) != rowsBoth || rst.Ignored != 0 {
				t.Errorf("after repair: %d rows, %d ignored; want %d rows, none ignored", total(got), rst.Ignored, rowsBoth)
			}
		})
	}
}

// TestClassify: an input is done by path, size and time, or by content
// under another path; a changed input at a recorded path is an error; a
// new one is not done.
func TestClassify(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.xml")
	b := filepath.Join(dir, "b.xml")
	c := filepath.Join(dir, "c.xml")
	for p, text := range map[string]string{a: "aaa", b: "bbb", c: "aaa"} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var m Manifest
	st, err := m.Classify([]string{a, b, c})
	if err != nil {
		t.Fatal(err)
	}
	if st[0].Done || st[1].Done || !st[2].Done || st[0].Input.SHA256 == "" {
		t.Fatalf("empty manifest: done %v %v %v, want false false true (c is a copy of a)", st[0].Done, st[1].Done, st[2].Done)
	}
	m.Commits = []Commit{{Inputs: []Input{st[0].Input}}}
	st, err = m.Classify([]string{a, b, c})
	if err != nil {
		t.Fatal(err)
	}
	if !st[0].Done || st[1].Done || !st[2].Done || st[2].Match.Path != st[0].Input.Path {
		t.Fatalf("a recorded: done %v %v %v, want true false true", st[0].Done, st[1].Done, st[2].Done)
	}
	if err := os.WriteFile(a, []byte("aaaa"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Classify([]string{a}); err == nil || !strings.Contains(err.Error(), "changed since it was summarised") {
		t.Fatalf("a changed: %v, want an error", err)
	}
}

// TestLock: a second writer fails while the first holds the folder.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir); err == nil || !strings.Contains(err.Error(), "another minispl accelerate") {
		t.Errorf("second writer: %v, want the lock error", err)
	}
	w.Close()
	w, err = Create(dir)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	w.Close()
}

// TestOpenErrors: no manifest, and a listed part gone.
func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), ManifestName) {
		t.Errorf("empty folder: %v", err)
	}
	dir := t.TempDir()
	if _, err := Write(dir, datamodel.DefaultCatalog(), ingest(t, 0, events[1])); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Manifest().Parts()[0]
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p.File))); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Read(context.Background(), datamodel.DefaultCatalog(), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("part removed: %v, want missing", err)
	}
}
