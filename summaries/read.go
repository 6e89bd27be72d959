package summaries

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/minispl/minispl/datamodel"
)

// Summaries is a summaries folder opened for reading.
type Summaries struct {
	root string
	m    Manifest
}

// Open opens the summaries folder root for reading (it needs no lock: a
// reader sees the last commit). A folder without a manifest is an error.
func Open(root string) (*Summaries, error) {
	m, exists, err := readManifest(root)
	if err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	if !exists {
		if _, err := os.Stat(root); err != nil {
			return nil, fmt.Errorf("summaries: %w", err)
		}
		return nil, fmt.Errorf("summaries: %s has no %s (write it with minispl accelerate --out %s)", root, ManifestName, root)
	}
	return &Summaries{root: root, m: m}, nil
}

// Root is the folder.
func (s *Summaries) Root() string { return s.root }

// Manifest returns the manifest read by Open.
func (s *Summaries) Manifest() *Manifest { return &s.m }

// ReadOptions select what Read returns.
type ReadOptions struct {
	// Earliest and Latest bound the time window [Earliest, Latest); a
	// zero bound is open. Partitions and row groups wholly outside it are
	// not read; rows of the others are all returned.
	Earliest, Latest time.Time
	// Datasets are the full names to read; nil reads every dataset.
	Datasets []string
	// Workers is how many files are read at once; 0 means GOMAXPROCS.
	Workers int
	// Allocator allocates the batches; nil means a Go allocator.
	Allocator memory.Allocator
	// Columns, when a dataset (full name) is in it, are the columns of
	// that dataset to read (_time is always read): the others are null
	// in the batches, which keep the dataset's schema. A search that
	// reads only these columns (engine.DatasetColumns) gives the same
	// result as over every column. Datasets not in it, and nil, read
	// every column.
	Columns map[string][]string
	// Pqarrow reads every file with pqarrow's record reader instead of
	// the direct reader of pages.go (tests compare the two).
	Pqarrow bool
}

// Batch is one record batch read from a part, with the mapping version
// of its file.
type Batch struct {
	Dataset        string
	MappingVersion string
	Record         arrow.RecordBatch
}

// ReadStats counts what Read read and left out.
type ReadStats struct {
	// Partitions are the (dataset, day) partitions of the datasets asked
	// for; PartitionsPruned those outside the window, not opened.
	Partitions, PartitionsPruned int
	// Files are the part files opened; Direct those read by the direct
	// reader (pages.go), the others by pqarrow.
	Files, Direct int
	// RowGroups are the row groups of the files opened; RowGroupsPruned
	// those whose _time statistics lie outside the window, not read.
	RowGroups, RowGroupsPruned int
	// Rows counts the rows returned.
	Rows int64
	// Ignored counts the files in partition folders that the manifest
	// does not list (temporary files of an accelerate killed before its
	// commit, or files put there by hand): never read.
	Ignored int
	// Versions counts the files read by mapping version.
	Versions map[string]int
}

// Read reads the parts of the datasets asked for that may hold rows in
// the window, in manifest order within a dataset (commits, then days),
// each file checked against the dataset's schema in cat. The caller
// releases the batches (Release).
func (s *Summaries) Read(ctx context.Context, cat *datamodel.Catalog, opt ReadOptions) ([]Batch, ReadStats, error) {
	st := ReadStats{Versions: map[string]int{}}
	want := map[string]bool{}
	for _, d := range opt.Datasets {
		want[d] = true
	}
	listed := map[string]bool{}
	type job struct {
		part Part
		path string
		ds   *datamodel.Dataset
		out  []Batch
		st   ReadStats
		err  error
	}
	var jobs []*job
	parts := s.m.Parts()
	for _, p := range parts {
		final := filepath.Join(s.root, filepath.FromSlash(p.File))
		listed[final], listed[tempName(final)] = true, true
		if opt.Datasets != nil && !want[p.Dataset] {
			continue
		}
		ds, ok := cat.Lookup(p.Dataset)
		if !ok {
			return nil, st, fmt.Errorf("summaries: %s: dataset %s is not in the catalog", p.File, p.Dataset)
		}
		st.Partitions++
		if !dayInWindow(p.Day, opt.Earliest, opt.Latest) || !timesInWindow(p.MinTime, p.MaxTime, opt.Earliest, opt.Latest) {
			st.PartitionsPruned++
			continue
		}
		path := final
		if _, err := os.Stat(final); err != nil {
			// Committed, not renamed yet (a writer killed after its
			// commit): the temporary file is complete.
			path = tempName(final)
			if _, err := os.Stat(path); err != nil {
				return nil, st, fmt.Errorf("summaries: the manifest lists %s, which is missing", p.File)
			}
		}
		jobs = append(jobs, &job{part: p, path: path, ds: ds})
	}
	if err := walkParts(s.root, func(p string, _ bool) error {
		if !listed[p] {
			st.Ignored++
		}
		return nil
	}); err != nil {
		return nil, st, fmt.Errorf("summaries: %w", err)
	}
	mem := opt.Allocator
	if mem == nil {
		mem = memory.NewGoAllocator()
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan *job)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cr, err := newChunkReader()
			if err == nil {
				defer cr.close()
			}
			for j := range next {
				if err != nil {
					j.err = err
					continue
				}
				if err := ctx.Err(); err != nil {
					j.err = err
					continue
				}
				j.out, j.st, j.err = readPart(ctx, j.path, j.part, j.ds, opt, mem, cr)
				if j.err != nil {
					j.err = fmt.Errorf("summaries: %s: %w", j.part.File, j.err)
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	// Dataset order of the catalog, then manifest order.
	order := map[string]int{}
	for i, d := range cat.Datasets() {
		order[d.FullName()] = i
	}
	sort.SliceStable(jobs, func(a, b int) bool { return order[jobs[a].part.Dataset] < order[jobs[b].part.Dataset] })
	var out []Batch
	var firstErr error
	for _, j := range jobs {
		if j.err != nil && firstErr == nil {
			firstErr = j.err
		}
		out = append(out, j.out...)
		st.Files++
		st.Direct += j.st.Direct
		st.RowGroups += j.st.RowGroups
		st.RowGroupsPruned += j.st.RowGroupsPruned
		st.Rows += j.st.Rows
		for v, n := range j.st.Versions {
			st.Versions[v] += n
		}
	}
	if firstErr != nil {
		Release(out)
		return nil, st, firstErr
	}
	return out, st, nil
}

// Release releases the records of batches.
func Release(batches []Batch) {
	for _, b := range batches {
		b.Record.Release()
	}
}

// dayInWindow reports whether UTC day (YYYY-MM-DD) meets [earliest,
// latest).
func dayInWindow(day string, earliest, latest time.Time) bool {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return true // not prunable; read it
	}
	end := d.AddDate(0, 0, 1)
	if !earliest.IsZero() && !end.After(earliest) {
		return false
	}
	if !latest.IsZero() && !d.Before(latest) {
		return false
	}
	return true
}

// timesInWindow reports whether [minMs, maxMs] meets [earliest, latest).
func timesInWindow(minMs, maxMs int64, earliest, latest time.Time) bool {
	if !earliest.IsZero() && maxMs < earliest.UnixMilli() {
		// maxMs < earliest in ms; a sub-millisecond earliest is rounded
		// down, which only keeps more.
		return false
	}
	if !latest.IsZero() && minMs >= ceilMs(latest) {
		return false
	}
	return true
}

// ceilMs is t in Unix ms rounded up.
func ceilMs(t time.Time) int64 {
	ms := t.UnixMilli()
	if time.UnixMilli(ms).Before(t) {
		ms++
	}
	return ms
}

// readPart reads the row groups of one file (part p of the manifest)
// that may hold rows in the window. The file must hold the rows the
// manifest says, each with a _time between the part's first and last
// (pruning trusts both): a file damaged or replaced since its commit is
// an error, not rows silently lost or gained.
func readPart(ctx context.Context, path string, p Part, ds *datamodel.Dataset, opt ReadOptions, mem memory.Allocator, cr *chunkReader) (_ []Batch, _ ReadStats, err error) {
	st := ReadStats{Versions: map[string]int{}}
	var out []Batch
	// arrow-go's Parquet reader panics on some damaged files (FuzzSummaryPart
	// found a dictionary page whose size makes a slice out of range): such a
	// file is an error like any other damage.
	defer func() {
		if r := recover(); r != nil {
			Release(out)
			out = nil
			err = fmt.Errorf("damaged Parquet file: %v", r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, st, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, st, err
	}
	pr, err := file.NewParquetReader(f, file.WithReadProps(readerProperties(fi.Size())))
	if err != nil {
		return nil, st, err
	}
	defer pr.Close()
	md := pr.MetaData()
	if md.NumRows != p.Rows {
		return nil, st, fmt.Errorf("the file holds %d rows, the manifest says %d", md.NumRows, p.Rows)
	}
	kv := md.KeyValueMetadata()
	version := kv.FindValue(MetaMappingVersion)
	if version == nil {
		return nil, st, fmt.Errorf("no %s in the file metadata", MetaMappingVersion)
	}
	if d := kv.FindValue(MetaDataset); d == nil || *d != ds.FullName() {
		return nil, st, fmt.Errorf("the file metadata does not name dataset %s", ds.FullName())
	}
	want := ds.Schema()
	props := pqarrow.ArrowReadProperties{BatchSize: RowGroupRows}
	tcol := -1
	for i := 0; i < md.Schema.NumColumns(); i++ {
		name := md.Schema.Column(i).Name()
		if name == datamodel.FieldTime {
			tcol = i
			continue
		}
		props.SetReadDict(i, true)
	}
	if tcol < 0 {
		return nil, st, fmt.Errorf("no %s column", datamodel.FieldTime)
	}
	if err := checkStoredSchema(kv, storedSchema(want)); err != nil {
		return nil, st, err
	}
	fr, err := pqarrow.NewFileReader(pr, props, mem)
	if err != nil {
		return nil, st, err
	}
	schema, err := fr.Schema()
	if err != nil {
		return nil, st, err
	}
	if !sameFields(schema, want) {
		return nil, st, fmt.Errorf("schema %s, want %s (written by another mapping; accelerate again)", schema, want)
	}
	var groups []int
	var groupRows, sumRows int64
	for g := 0; g < pr.NumRowGroups(); g++ {
		st.RowGroups++
		n := md.RowGroup(g).NumRows()
		if n < 0 || n > MaxRowGroupRows || sumRows+n < sumRows {
			// Both readers allocate by a row group's rows (at most
			// MaxRowGroupRows: no more than a few bytes a row).
			return nil, st, fmt.Errorf("row group %d: %d rows (at most %d)", g, n, MaxRowGroupRows)
		}
		sumRows += n
		if lo, hi, ok := timeStats(md.RowGroup(g), tcol); ok && !timesInWindow(lo, hi, opt.Earliest, opt.Latest) {
			st.RowGroupsPruned++
			continue
		}
		groups = append(groups, g)
		groupRows += n
	}
	if sumRows != p.Rows {
		return nil, st, fmt.Errorf("the row groups hold %d rows, the manifest says %d", sumRows, p.Rows)
	}
	st.Versions[*version]++
	if len(groups) == 0 {
		return nil, st, nil
	}
	wantTime := want.FieldIndices(datamodel.FieldTime)[0]
	if !opt.Pqarrow {
		if fi, ferr := f.Stat(); ferr == nil {
			if out, ok := readDirect(f, fi.Size(), md, groups, ds, want, opt, mem, cr, *version); ok {
				for _, b := range out {
					st.Rows += b.Record.NumRows()
					if err := checkTimes(b.Record.Column(wantTime), p); err != nil {
						Release(out)
						return nil, st, err
					}
				}
				if st.Rows != groupRows {
					Release(out)
					return nil, st, fmt.Errorf("read %d rows from row groups of %d", st.Rows, groupRows)
				}
				st.Direct++
				return out, st, nil
			}
		}
	}
	// pqarrow trusts the dictionary counts (the direct reader checks
	// its own).
	if err := checkColumnChunks(f, fi.Size(), md, groups); err != nil {
		return nil, st, err
	}
	rr, err := fr.GetRecordReader(ctx, nil, groups)
	if err != nil {
		return nil, st, err
	}
	defer rr.Release()
	defer func() {
		if err != nil {
			Release(out)
			out = nil
		}
	}()
	for {
		rec, err := rr.Read()
		if rec != nil && rec.NumRows() > 0 {
			b := array.NewRecordBatch(want, rec.Columns(), rec.NumRows())
			out = append(out, Batch{Dataset: ds.FullName(), MappingVersion: *version, Record: b})
			st.Rows += b.NumRows()
			if err := checkTimes(b.Column(wantTime), p); err != nil {
				return nil, st, err
			}
			primeDictionaries(b)
		}
		if errors.Is(err, io.EOF) || (err == nil && rec == nil) {
			break
		}
		if err != nil {
			return nil, st, err
		}
	}
	if st.Rows != groupRows {
		return nil, st, fmt.Errorf("read %d rows from row groups of %d", st.Rows, groupRows)
	}
	return out, st, nil
}

// readDirect reads the row groups groups of a file with the direct
// reader (pages.go), one batch per row group, the columns opt.Columns
// leaves out as nulls; ok is false when a column chunk is not in the
// layout it reads (the caller then reads the file with pqarrow).
func readDirect(f io.ReaderAt, size int64, md *metadata.FileMetaData, groups []int, ds *datamodel.Dataset, want *arrow.Schema, opt ReadOptions, mem memory.Allocator, cr *chunkReader, version string) (_ []Batch, ok bool) {
	if md.Schema.NumColumns() != want.NumFields() {
		return nil, false
	}
	read := make([]bool, want.NumFields())
	cols, projected := opt.Columns[ds.FullName()]
	for i, fld := range want.Fields() {
		if md.Schema.Column(i).Name() != fld.Name {
			return nil, false
		}
		read[i] = !projected || fld.Name == datamodel.FieldTime
	}
	for _, c := range cols {
		for _, i := range want.FieldIndices(c) {
			read[i] = true
		}
	}
	var out []Batch
	nulls := map[[2]int64]arrow.Array{} // by (column, rows)
	defer func() {
		for _, a := range nulls {
			a.Release()
		}
		if !ok {
			Release(out)
		}
	}()
	for _, g := range groups {
		rows := md.RowGroup(g).NumRows()
		arrs := make([]arrow.Array, want.NumFields())
		release := func() {
			for _, a := range arrs {
				if a != nil {
					a.Release()
				}
			}
		}
		for i, fld := range want.Fields() {
			if !read[i] {
				k := [2]int64{int64(i), rows}
				if nulls[k] == nil {
					nulls[k] = array.MakeArrayOfNull(mem, fld.Type, int(rows))
				}
				arrs[i] = nulls[k]
				arrs[i].Retain()
				continue
			}
			a, ok := cr.readChunk(f, size, md, g, i, fld.Type, mem)
			if !ok {
				release()
				return nil, false
			}
			arrs[i] = a
		}
		b := array.NewRecordBatch(want, arrs, rows)
		release()
		primeDictionaries(b)
		out = append(out, Batch{Dataset: ds.FullName(), MappingVersion: version, Record: b})
	}
	return out, true
}

// checkTimes verifies that every _time of col lies in part p's range.
func checkTimes(col arrow.Array, p Part) error {
	ts, ok := col.(*array.Timestamp)
	if !ok {
		return fmt.Errorf("%s column of type %s", datamodel.FieldTime, col.DataType())
	}
	for i := 0; i < ts.Len(); i++ {
		if ts.IsNull(i) {
			return fmt.Errorf("a row without %s", datamodel.FieldTime)
		}
		if v := int64(ts.Value(i)); v < p.MinTime || v > p.MaxTime {
			return fmt.Errorf("a row at %d ms, outside the part's %d to %d", v, p.MinTime, p.MaxTime)
		}
	}
	return nil
}

// sameFields reports whether got has want's field names and types (the
// metadata may differ).
func sameFields(got, want *arrow.Schema) bool {
	if got.NumFields() != want.NumFields() {
		return false
	}
	for i := range want.Fields() {
		g, w := got.Field(i), want.Field(i)
		if g.Name != w.Name || !arrow.TypeEqual(g.Type, w.Type) {
			return false
		}
	}
	return true
}

// timeStats returns the min and max of the _time column chunk of a row
// group, in Unix ms, when the file has them.
func timeStats(rg *metadata.RowGroupMetaData, col int) (lo, hi int64, ok bool) {
	cc, err := rg.ColumnChunk(col)
	if err != nil {
		return 0, 0, false
	}
	set, err := cc.StatsSet()
	if err != nil || !set {
		return 0, 0, false
	}
	s, err := cc.Statistics()
	if err != nil || s == nil || !s.HasMinMax() {
		return 0, 0, false
	}
	is, isInt := s.(*metadata.Int64Statistics)
	if !isInt {
		return 0, 0, false
	}
	return is.Min(), is.Max(), true
}

// primeDictionaries builds each dictionary column's dictionary array now:
// arrow makes it lazily on the first Dictionary() call, a write that
// would race between searches reading one batch at once (hunt runs them
// in parallel).
func primeDictionaries(b arrow.RecordBatch) {
	for _, c := range b.Columns() {
		if d, ok := c.(*array.Dictionary); ok {
			d.Dictionary()
		}
	}
}

// String is the summary of what was read, for a command's stderr.
func (st ReadStats) String() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("read %d rows from %d files (%d of %d row groups)", st.Rows, st.Files, st.RowGroups-st.RowGroupsPruned, st.RowGroups))
	parts = append(parts, fmt.Sprintf("pruned %d of %d partitions and %d row groups outside the time window", st.PartitionsPruned, st.Partitions, st.RowGroupsPruned))
	if st.Ignored > 0 {
		parts = append(parts, fmt.Sprintf("ignored %d files not in the manifest", st.Ignored))
	}
	return strings.Join(parts, "; ")
}
