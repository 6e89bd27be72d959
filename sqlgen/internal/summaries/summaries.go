// Package summaries writes a datamodel.Store's datasets as the Parquet
// summaries the SQL of package sqlgen reads:
// DIR/<Model.Dataset>/dt=YYYY-MM-DD/part-00000.parquet, one file per UTC
// day of _time, with the schema of Dataset.Schema (scale-out.md §6.1),
// written by arrow-go's pqarrow (zstd, dictionaries and statistics on,
// the Arrow schema stored). It is the differential tests' writer until
// minispl accelerate (the performance issue) lands; it writes the same
// layout.
package summaries

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/minispl/minispl/datamodel"
)

// Write writes every dataset of cat that has rows in store under dir.
// A row without a _time is not written; the count of such rows is
// returned, so that no row is lost silently.
func Write(dir string, cat *datamodel.Catalog, store *datamodel.Store) (skipped int, err error) {
	for _, ds := range cat.Datasets() {
		n, err := writeDataset(dir, ds, store.Batches(ds))
		if err != nil {
			return skipped, fmt.Errorf("summaries: %s: %w", ds.FullName(), err)
		}
		skipped += n
	}
	return skipped, nil
}

func writeDataset(dir string, ds *datamodel.Dataset, batches []arrow.RecordBatch) (int, error) {
	writers := map[string]*pqarrow.FileWriter{}
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	schema := ds.Schema()
	tcol := schema.FieldIndices(datamodel.FieldTime)
	if len(tcol) == 0 {
		return 0, fmt.Errorf("no %s column", datamodel.FieldTime)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(true), parquet.WithStats(true))
	writerFor := func(day string) (*pqarrow.FileWriter, error) {
		if w := writers[day]; w != nil {
			return w, nil
		}
		p := filepath.Join(dir, ds.FullName(), "dt="+day)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
		f, err := os.Create(filepath.Join(p, "part-00000.parquet"))
		if err != nil {
			return nil, err
		}
		files[day] = f
		w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return nil, err
		}
		writers[day] = w
		return w, nil
	}
	skipped := 0
	for _, b := range batches {
		ts := b.Column(tcol[0]).(*array.Timestamp)
		unit := ts.DataType().(*arrow.TimestampType).Unit
		day := func(i int) string {
			if ts.IsNull(i) {
				return ""
			}
			return ts.Value(i).ToTime(unit).UTC().Format(time.DateOnly)
		}
		n := int(b.NumRows())
		for start := 0; start < n; {
			d := day(start)
			end := start + 1
			for end < n && day(end) == d {
				end++
			}
			if d == "" {
				skipped += end - start
				start = end
				continue
			}
			w, err := writerFor(d)
			if err != nil {
				return skipped, err
			}
			s := b.NewSlice(int64(start), int64(end))
			err = w.Write(s)
			s.Release()
			if err != nil {
				return skipped, err
			}
			start = end
		}
	}
	for day, w := range writers {
		if err := w.Close(); err != nil {
			return skipped, fmt.Errorf("dt=%s: %w", day, err)
		}
	}
	return skipped, nil
}
