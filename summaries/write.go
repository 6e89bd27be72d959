package summaries

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"golang.org/x/sys/unix"

	"github.com/minispl/minispl/datamodel"
)

// Key-value metadata of every part file.
const (
	MetaMinisplVersion = "minispl.version"
	MetaMappingVersion = "minispl.mapping_version"
	MetaDataset        = "minispl.dataset"
)

// RowGroupRows is the default of WriteOptions.RowGroupRows.
const RowGroupRows = 65536

// dictPageLimit is the dictionary page size limit of the files written:
// half of what pages.go reads.
const dictPageLimit = maxPageBytes / 2

// WriteOptions tune a commit.
type WriteOptions struct {
	// MinisplVersion is recorded in the files and the manifest ("" is
	// "(unknown)").
	MinisplVersion string
	// MappingVersion is recorded likewise; "" means MappingVersion(cat).
	MappingVersion string
	// RowGroupRows bounds the rows of one row group; 0 means RowGroupRows,
	// more than MaxRowGroupRows means MaxRowGroupRows.
	RowGroupRows int
	// Now is the commit's time; zero means time.Now().
	Now time.Time
	// NoSync leaves out the syncs to disk (for tests and throwaway
	// summaries): the steps are the same, but a machine that crashes may
	// lose a commit it reported.
	NoSync bool

	// dataPageSize and dictPageLimit, when set (tests), override the
	// data page size and the dictionary page size limit.
	dataPageSize, dictPageLimit int64

	// stop, when set (tests), is called at each step of the commit; an
	// error stops the commit there as a killed process would, leaving
	// every file as it is.
	stop func(step string) error
}

// Writer appends commits to a summaries folder. It holds the folder's
// lock until Close.
type Writer struct {
	root string
	m    Manifest
	lock *os.File
	// Recovered counts what Create repaired: parts of a committed run
	// renamed to their final names, and temporary files of a run killed
	// before its commit removed.
	RolledForward, RemovedTemps int
}

// Create opens (making it if needed) the summaries folder root for
// writing: it takes the folder's lock, failing at once when another
// writer holds it, reads the manifest and repairs what a killed writer
// left (see the package doc).
func Create(root string) (*Writer, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(root, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("summaries: %s is being written by another minispl accelerate (%v)", root, err)
	}
	w := &Writer{root: root, lock: lock}
	m, exists, err := readManifest(root)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("summaries: %w", err)
	}
	if !exists {
		if n, _ := countParquet(root); n > 0 {
			w.Close()
			return nil, fmt.Errorf("summaries: %s holds Parquet files but no %s: not written by minispl accelerate", root, ManifestName)
		}
	}
	w.m = m
	if !exists {
		// An empty manifest: the folder is valid summaries, of no rows.
		if err := writeManifest(root, m, false); err != nil {
			w.Close()
			return nil, fmt.Errorf("summaries: %w", err)
		}
	}
	if err := w.recover(); err != nil {
		w.Close()
		return nil, fmt.Errorf("summaries: %w", err)
	}
	return w, nil
}

// Manifest returns the manifest as of the last commit.
func (w *Writer) Manifest() *Manifest { return &w.m }

// Close releases the lock.
func (w *Writer) Close() error {
	if w.lock == nil {
		return nil
	}
	err := w.lock.Close() // closing the file releases the flock
	w.lock = nil
	return err
}

// recover finishes the renames of the last commit and removes the
// temporary files of a commit that never happened.
func (w *Writer) recover() error {
	listed := map[string]bool{}
	for _, p := range w.m.Parts() {
		final := filepath.Join(w.root, filepath.FromSlash(p.File))
		listed[tempName(final)] = true
		if _, err := os.Stat(final); err == nil {
			continue
		}
		tmp := tempName(final)
		if _, err := os.Stat(tmp); err != nil {
			return fmt.Errorf("the manifest lists %s, which is missing", p.File)
		}
		if err := os.Rename(tmp, final); err != nil {
			return err
		}
		w.RolledForward++
	}
	os.Remove(filepath.Join(w.root, manifestTemp))
	return walkParts(w.root, func(p string, temp bool) error {
		if temp && !listed[p] {
			if err := os.Remove(p); err != nil {
				return err
			}
			w.RemovedTemps++
		}
		return nil
	})
}

// walkParts calls fn for every part-like file in root's partition
// folders (root/*/dt=*/): final names and temporary ones.
func walkParts(root string, fn func(path string, temp bool) error) error {
	dsDirs, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, ds := range dsDirs {
		if !ds.IsDir() {
			continue
		}
		days, err := os.ReadDir(filepath.Join(root, ds.Name()))
		if err != nil {
			return err
		}
		for _, day := range days {
			if !day.IsDir() {
				continue
			}
			dir := filepath.Join(root, ds.Name(), day.Name())
			files, err := os.ReadDir(dir)
			if err != nil {
				return err
			}
			for _, f := range files {
				name := f.Name()
				switch {
				case isTemp(name):
					err = fn(filepath.Join(dir, name), true)
				case filepath.Ext(name) == ".parquet":
					err = fn(filepath.Join(dir, name), false)
				}
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// countParquet counts the .parquet files under root's partition folders.
func countParquet(root string) (int, error) {
	n := 0
	err := walkParts(root, func(_ string, temp bool) error {
		if !temp {
			n++
		}
		return nil
	})
	return n, err
}

// CommitStats is what a commit wrote.
type CommitStats struct {
	Seq   int
	Parts []Part
	Rows  int64
	// Skipped counts rows without a _time, not written.
	Skipped int
}

// Commit writes every dataset of cat that has rows in store as one new
// commit recording inputs (see the package doc for the steps). With no
// rows and no inputs nothing is written.
func (w *Writer) Commit(cat *datamodel.Catalog, store *datamodel.Store, inputs []Input, opt WriteOptions) (CommitStats, error) {
	seq := len(w.m.Commits)
	if n := len(w.m.Commits); n > 0 {
		seq = w.m.Commits[n-1].Seq + 1
	}
	st := CommitStats{Seq: seq}
	if opt.MinisplVersion == "" {
		opt.MinisplVersion = "(unknown)"
	}
	if opt.MappingVersion == "" {
		opt.MappingVersion = MappingVersion(cat)
	}
	if opt.RowGroupRows <= 0 {
		opt.RowGroupRows = RowGroupRows
	}
	opt.RowGroupRows = min(opt.RowGroupRows, MaxRowGroupRows) // what Read accepts
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	stop := opt.stop
	if stop == nil {
		stop = func(string) error { return nil }
	}
	var temps []string
	for _, ds := range cat.Datasets() {
		parts, skipped, tmps, err := writeDataset(w.root, ds, store.Batches(ds), seq, &opt)
		temps = append(temps, tmps...)
		if err != nil {
			removeAll(temps)
			return st, fmt.Errorf("summaries: %s: %w", ds.FullName(), err)
		}
		st.Parts = append(st.Parts, parts...)
		st.Skipped += skipped
		if err := stop("part written"); err != nil {
			return st, err
		}
	}
	for _, p := range st.Parts {
		st.Rows += p.Rows
	}
	if len(st.Parts) == 0 && len(inputs) == 0 {
		return st, nil
	}
	if err := stop("parts written"); err != nil {
		return st, err
	}
	m := w.m
	m.Format = manifestFormat
	m.Commits = append(slices.Clone(m.Commits), Commit{Seq: seq, Time: opt.Now.UTC(), MinisplVersion: opt.MinisplVersion,
		MappingVersion: opt.MappingVersion, Inputs: inputs, Parts: st.Parts})
	if err := writeManifest(w.root, m, !opt.NoSync); err != nil {
		removeAll(temps)
		return st, fmt.Errorf("summaries: %w", err)
	}
	w.m = m
	if err := stop("manifest written"); err != nil {
		return st, err
	}
	dirs := map[string]bool{}
	for i, p := range st.Parts {
		final := filepath.Join(w.root, filepath.FromSlash(p.File))
		if err := os.Rename(tempName(final), final); err != nil {
			return st, fmt.Errorf("summaries: %w (committed: the next accelerate finishes the renames)", err)
		}
		dirs[filepath.Dir(final)] = true
		if i == 0 {
			if err := stop("part renamed"); err != nil {
				return st, err
			}
		}
	}
	for d := range dirs {
		if opt.NoSync {
			break
		}
		if err := syncDir(d); err != nil {
			return st, fmt.Errorf("summaries: %w", err)
		}
	}
	return st, nil
}

func removeAll(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}

// Write writes every dataset of cat that has rows in store under dir as
// one commit with no inputs recorded, without syncing to disk (the
// differential tests use it). A row without a _time is not written; the
// count of such rows is returned, so that no row is lost silently.
func Write(dir string, cat *datamodel.Catalog, store *datamodel.Store) (skipped int, err error) {
	w, err := Create(dir)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	st, err := w.Commit(cat, store, nil, WriteOptions{NoSync: true})
	return st.Skipped, err
}

// rowRef is one row of a dataset's batches.
type rowRef struct {
	t     int64
	batch int32
	row   int32
}

// writeDataset writes one dataset's rows, one temporary part per UTC
// day, sorted by _time (stable), and returns the parts, the rows without
// a time, and the temporary files made.
func writeDataset(root string, ds *datamodel.Dataset, batches []arrow.RecordBatch, seq int, opt *WriteOptions) ([]Part, int, []string, error) {
	schema := ds.Schema()
	tcol := schema.FieldIndices(datamodel.FieldTime)
	if len(tcol) == 0 {
		return nil, 0, nil, fmt.Errorf("no %s column", datamodel.FieldTime)
	}
	var refs []rowRef
	skipped := 0
	for bi, b := range batches {
		if !b.Schema().Equal(schema) {
			return nil, 0, nil, fmt.Errorf("batch %d: schema %s, want %s", bi, b.Schema(), schema)
		}
		ts := b.Column(tcol[0]).(*array.Timestamp)
		for i := 0; i < int(b.NumRows()); i++ {
			if ts.IsNull(i) {
				skipped++
				continue
			}
			refs = append(refs, rowRef{t: int64(ts.Value(i)), batch: int32(bi), row: int32(i)})
		}
	}
	if len(refs) == 0 {
		return nil, skipped, nil, nil
	}
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].t < refs[j].t })
	var parts []Part
	var temps []string
	for start := 0; start < len(refs); {
		day := dayOf(refs[start].t)
		end := start + 1
		for end < len(refs) && dayOf(refs[end].t) == day {
			end++
		}
		rel := ds.FullName() + "/dt=" + day + "/" + partName(seq)
		final := filepath.Join(root, filepath.FromSlash(rel))
		tmp := tempName(final)
		temps = append(temps, tmp)
		if err := writePart(tmp, schema, tcol[0], batches, refs[start:end], ds.FullName(), opt); err != nil {
			return parts, skipped, temps, fmt.Errorf("dt=%s: %w", day, err)
		}
		parts = append(parts, Part{Dataset: ds.FullName(), Day: day, File: rel, Rows: int64(end - start),
			MinTime: refs[start].t, MaxTime: refs[end-1].t})
		start = end
	}
	return parts, skipped, temps, nil
}

// dayOf is the UTC day of a Unix-ms time.
func dayOf(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.DateOnly)
}

// writePart writes the rows refs (sorted) of batches to a new Parquet
// file at p, synced.
func writePart(p string, schema *arrow.Schema, tcol int, batches []arrow.RecordBatch, refs []rowRef, dataset string, opt *WriteOptions) (err error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	// The dictionary page limit is high, so that a column chunk keeps
	// its dictionary (a chunk past the limit goes on in PLAIN pages,
	// which pages.go leaves to pqarrow).
	dictLimit, pageSize := int64(dictPageLimit), parquet.DefaultDataPageSize
	if opt.dictPageLimit > 0 {
		dictLimit = opt.dictPageLimit
	}
	if opt.dataPageSize > 0 {
		pageSize = opt.dataPageSize
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(true), parquet.WithStats(true),
		parquet.WithMaxRowGroupLength(int64(opt.RowGroupRows)),
		parquet.WithDictionaryPageSizeLimit(dictLimit), parquet.WithDataPageSize(pageSize))
	var sink io.WriteCloser = syncFile{f}
	if opt.NoSync {
		sink = f
	}
	fw, err := pqarrow.NewFileWriter(schema, sink, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	for _, kv := range [][2]string{{MetaMinisplVersion, opt.MinisplVersion}, {MetaMappingVersion, opt.MappingVersion}, {MetaDataset, dataset}} {
		if err := fw.AppendKeyValueMetadata(kv[0], kv[1]); err != nil {
			return err
		}
	}
	mem := memory.NewGoAllocator()
	for start := 0; start < len(refs); start += opt.RowGroupRows {
		end := min(start+opt.RowGroupRows, len(refs))
		rec := buildRows(mem, schema, tcol, batches, refs[start:end])
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	err = fw.Close() // syncs and closes f
	f = nil
	return err
}

// syncFile is a file whose Close syncs it first (pqarrow closes the file
// it writes).
type syncFile struct{ *os.File }

// Close syncs and closes the file.
func (f syncFile) Close() error {
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		return err
	}
	return f.File.Close()
}

// buildRows copies the rows refs of batches into one record batch of
// schema, in refs order.
func buildRows(mem memory.Allocator, schema *arrow.Schema, tcol int, batches []arrow.RecordBatch, refs []rowRef) arrow.RecordBatch {
	cols := make([]arrow.Array, schema.NumFields())
	for c := range cols {
		if c == tcol {
			b := array.NewTimestampBuilder(mem, schema.Field(c).Type.(*arrow.TimestampType))
			b.Reserve(len(refs))
			for _, r := range refs {
				b.Append(arrow.Timestamp(r.t))
			}
			cols[c] = b.NewArray()
			b.Release()
			continue
		}
		b := array.NewDictionaryBuilder(mem, schema.Field(c).Type.(*arrow.DictionaryType)).(*array.BinaryDictionaryBuilder)
		b.Reserve(len(refs))
		// Per source batch: its dictionary's values.
		dicts := make([]*array.String, len(batches))
		for _, r := range refs {
			d := batches[r.batch].Column(c).(*array.Dictionary)
			if d.IsNull(int(r.row)) {
				b.AppendNull()
				continue
			}
			vals := dicts[r.batch]
			if vals == nil {
				vals = d.Dictionary().(*array.String)
				dicts[r.batch] = vals
			}
			_ = b.AppendString(vals.Value(d.GetValueIndex(int(r.row))))
		}
		cols[c] = b.NewArray()
		b.Release()
	}
	rec := array.NewRecordBatch(schema, cols, int64(len(refs)))
	for _, c := range cols {
		c.Release()
	}
	return rec
}
