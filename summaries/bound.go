package summaries

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/thrift/lib/go/thrift"
)

// The checks of this file bound what reading a damaged or hostile part
// allocates: arrow-go's Parquet reader trusts some sizes and counts that
// a file declares and allocates by them before it reads the bytes they
// describe. Each check runs before the read that would trust the figure.

// MaxPageBytes is the largest uncompressed page that Read accepts (a
// page's header declares its size, and the reader allocates that much
// before decompressing it). minispl's writer writes pages of about
// 1 MiB (arrow-go's default data and dictionary page sizes), larger
// only by the values of the last batch written to it.
const MaxPageBytes = 64 << 20

// MaxRowGroupRows is the most rows a row group may hold, in the files
// Write writes (WriteOptions.RowGroupRows is at most this) and in those
// Read reads: the readers allocate a row group's arrays by its declared
// rows, which a few bytes of RLE can make into billions.
const MaxRowGroupRows = 1 << 20

// arrowSchemaKey is the key-value metadata key under which pqarrow
// stores the Arrow schema (pqarrow.WithStoreSchema).
const arrowSchemaKey = "ARROW:schema"

// readerProperties are the Parquet reader properties of a part of size
// bytes: arrow-go's defaults with the page limits tightened (no
// compressed page is larger than the file; no uncompressed one larger
// than MaxPageBytes).
func readerProperties(size int64) *parquet.ReaderProperties {
	props := parquet.NewReaderProperties(memory.NewGoAllocator())
	props.MaxCompressedPageSize = max(size, 1)
	props.MaxUncompressedPageSize = MaxPageBytes
	return props
}

// storedSchema is the ARROW:schema value that Write stores for a part of
// schema: the Arrow IPC serialization of the schema, in base64, as
// pqarrow writes it.
func storedSchema(schema *arrow.Schema) string {
	return base64.StdEncoding.EncodeToString(flight.SerializeSchema(schema, memory.NewGoAllocator()))
}

// checkStoredSchema verifies that the part's stored Arrow schema is
// exactly the one Write stores for the dataset's schema, before
// pqarrow decodes it. pqarrow trusts the IPC message's counts: a
// damaged one (FuzzSummaryPart's finding: a field's children vector
// declaring about 200 million children) made it allocate a slice of
// that length, over 16 GB under the race detector.
func checkStoredSchema(kv metadata.KeyValueMetadata, want string) error {
	got := kv.FindValue(arrowSchemaKey)
	if got == nil {
		return fmt.Errorf("no %s in the file metadata", arrowSchemaKey)
	}
	if *got != want {
		return fmt.Errorf("the stored Arrow schema (%s, %d bytes) is not the dataset's (damaged, or written by another mapping or arrow-go version; accelerate again)", arrowSchemaKey, len(*got))
	}
	return nil
}

// checkColumnChunks verifies the column chunks of row groups groups of
// the part r (of size bytes, with metadata md) before they are read: each
// holds one value per row (the columns are flat), and its dictionary
// page declares no more values than its bytes can hold (arrow-go makes a
// slice of the declared count before decoding the values). It reads the
// dictionary pages through a reader of its own that streams the column
// chunks: the read's reader would read each chunk whole once more.
func checkColumnChunks(r io.ReaderAt, size int64, md *metadata.FileMetaData, groups []int) error {
	props := readerProperties(size)
	props.BufferedStreamEnabled = true
	// A section reader: the Parquet reader's Close closes a source that
	// has a Close method.
	pr, err := file.NewParquetReader(io.NewSectionReader(r, 0, size), file.WithReadProps(props), file.WithMetadata(md))
	if err != nil {
		return err
	}
	defer pr.Close()
	for _, g := range groups {
		rgm := md.RowGroup(g)
		rg := pr.RowGroup(g)
		for c := 0; c < md.Schema.NumColumns(); c++ {
			name := md.Schema.Column(c).Name()
			cc, err := rgm.ColumnChunk(c)
			if err != nil {
				return fmt.Errorf("row group %d, column %s: %w", g, name, err)
			}
			if cc.NumValues() != rgm.NumRows() {
				return fmt.Errorf("row group %d, column %s: %d values in a row group of %d rows", g, name, cc.NumValues(), rgm.NumRows())
			}
			typ := md.Schema.Column(c).PhysicalType()
			start := cc.DataPageOffset()
			if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 {
				start = cc.DictionaryPageOffset() // where arrow-go's page reader starts
			}
			if h, ok := firstPageHeader(r, start, size); ok && h.dictionary {
				// The common case, without decompressing the page
				// (arrow-go then checks that it decompresses to
				// h.uncompressed bytes).
				if err := checkDictionaryCount(int64(h.values), int64(h.uncompressed), typ); err != nil {
					return fmt.Errorf("row group %d, column %s: %w", g, name, err)
				}
				continue
			}
			if err := checkDictionary(rg, c, typ); err != nil {
				return fmt.Errorf("row group %d, column %s: %w", g, name, err)
			}
		}
	}
	return nil
}

// dictionaryHeader is what firstPageHeader reads of a page header.
type dictionaryHeader struct {
	// dictionary is true for a dictionary page.
	dictionary bool
	// uncompressed is the page's declared uncompressed size; values the
	// number of values its dictionary page header declares.
	uncompressed, values int32
}

// headerWindows are the bytes firstPageHeader reads for a header: a
// dictionary page's header is about 20 bytes, a data page's larger
// with its statistics.
var headerWindows = [...]int64{256, 64 << 10}

// firstPageHeader reads the header of a chunk's first page at off of the
// part r (size bytes), without the page: the Thrift compact PageHeader's
// uncompressed_page_size (field 2) and dictionary_page_header (field 7),
// whose num_values is its field 1. ok is false when the header does not
// parse within the last of headerWindows (the caller then reads the
// pages).
func firstPageHeader(r io.ReaderAt, off, size int64) (h dictionaryHeader, ok bool) {
	if off < 0 || off >= size {
		return h, false
	}
	for _, w := range headerWindows {
		buf := make([]byte, min(size-off, w))
		if n, _ := r.ReadAt(buf, off); n != len(buf) {
			return h, false
		}
		if h, ok = parsePageHeader(buf); ok || int64(len(buf)) == size-off {
			return h, ok
		}
	}
	return h, false
}

// parsePageHeader reads a page header from the start of buf for
// firstPageHeader.
func parsePageHeader(buf []byte) (h dictionaryHeader, ok bool) {
	ctx := context.Background()
	tr := thrift.NewTMemoryBufferLen(len(buf))
	if _, err := tr.Write(buf); err != nil {
		return h, false
	}
	p := thrift.NewTCompactProtocolConf(tr, &thrift.TConfiguration{})
	// fields reads a struct's fields, calling f for each (f reads the
	// field's value or reports that it did not), skipping the others.
	fields := func(f func(id int16, t thrift.TType) (bool, error)) error {
		if _, err := p.ReadStructBegin(ctx); err != nil {
			return err
		}
		for {
			_, t, id, err := p.ReadFieldBegin(ctx)
			if err != nil {
				return err
			}
			if t == thrift.STOP {
				break
			}
			done, err := f(id, t)
			if err != nil {
				return err
			}
			if !done {
				if err := thrift.SkipDefaultDepth(ctx, p, t); err != nil {
					return err
				}
			}
			if err := p.ReadFieldEnd(ctx); err != nil {
				return err
			}
		}
		return p.ReadStructEnd(ctx)
	}
	err := fields(func(id int16, t thrift.TType) (bool, error) {
		var err error
		switch {
		case id == 1 && t == thrift.I32:
			var typ int32
			typ, err = p.ReadI32(ctx)
			h.dictionary = typ == 2 // PageType DICTIONARY_PAGE
		case id == 2 && t == thrift.I32:
			h.uncompressed, err = p.ReadI32(ctx)
		case id == 7 && t == thrift.STRUCT:
			err = fields(func(id int16, t thrift.TType) (bool, error) {
				if id != 1 || t != thrift.I32 {
					return false, nil
				}
				var err error
				h.values, err = p.ReadI32(ctx)
				return true, err
			})
		default:
			return false, nil
		}
		return true, err
	})
	return h, err == nil
}

// checkDictionary verifies the dictionary page of column c of rg, which
// arrow-go accepts once per column chunk: the first page when the chunk
// starts with one (a second is an error in arrow-go before it allocates
// by it), else any page, so the pages of a chunk that does not start
// with a dictionary page are all looked at (minispl's writer
// dictionary-encodes every column: only a damaged file takes that path).
func checkDictionary(rg *file.RowGroupReader, c int, typ parquet.Type) error {
	pgr, err := rg.GetColumnPageReader(c)
	if err != nil {
		return err
	}
	defer pgr.Close()
	for pgr.Next() {
		dp, ok := pgr.Page().(*file.DictionaryPage)
		if !ok {
			continue
		}
		return checkDictionaryCount(int64(dp.NumValues()), int64(len(dp.Data())), typ)
	}
	// The page reader's error, if any, is the column reader's too: it
	// is reported there, with the rows read so far.
	return nil
}

// checkDictionaryCount verifies that a PLAIN dictionary page of size
// bytes can hold the values it declares, values of physical type typ.
func checkDictionaryCount(values, size int64, typ parquet.Type) error {
	var perValue int64
	switch typ {
	case parquet.Types.ByteArray:
		perValue = 4 // a PLAIN value's length prefix
	case parquet.Types.Int64:
		perValue = 8
	default:
		return fmt.Errorf("a dictionary of physical type %s", typ)
	}
	if values < 0 || values > size/perValue {
		return fmt.Errorf("a dictionary page of %d bytes declares %d values", size, values)
	}
	return nil
}
