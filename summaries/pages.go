package summaries

import (
	"encoding/binary"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/klauspost/compress/zstd"
)

// This file reads the column chunks that minispl's writer makes straight
// into Arrow arrays: a dictionary page of PLAIN values followed by data
// pages (version 1) of RLE_DICTIONARY indices, uncompressed or zstd. A
// string column's Parquet dictionary becomes the Arrow dictionary as it is
// (the writer's dictionary holds each value once) and its indices the
// Arrow indices, without the hash table through which pqarrow rebuilds
// every dictionary; a timestamp column's values are looked up in its
// dictionary. Anything else (another encoding, a PLAIN page after a
// dictionary that grew too large, data page version 2, another codec,
// repeated fields, sizes past maxPageBytes, any inconsistency) makes
// readChunk answer ok=false, and the caller reads the file with pqarrow
// instead, so this path changes nothing about what a damaged or foreign
// file gives. TestFastChunksMatchPqarrow compares both readers on every
// column chunk of the shared datasets' and generated events' summaries.

// maxPageBytes bounds a page's uncompressed size on this path; larger
// pages (never written by minispl) go to pqarrow.
const maxPageBytes = 64 << 20

// Parquet page types and encodings (parquet.thrift).
const (
	pageData       = 0
	pageDictionary = 2
	encPlain       = 0
	encPlainDict   = 2
	encRLE         = 3
	encRLEDict     = 8
)

// maxChunkBytes bounds the uncompressed pages of one column chunk on this
// path, which holds them all at once: each page is at most maxPageBytes,
// but a few bytes of zstd make one, so a small damaged file could
// declare thousands. minispl's chunks are a dictionary page (at most
// about 32 MiB) and the indices of at most RowGroupRows rows.
const maxChunkBytes = 2 * maxPageBytes

// chunkReader reads column chunks on the fast path; one per goroutine
// (its zstd decoder is used by one at a time).
type chunkReader struct {
	zd  *zstd.Decoder
	buf []byte // the chunk's bytes, reused
	// maxChunk is maxChunkBytes (tests set less).
	maxChunk int
	// pageBufs are the uncompressed pages of the chunk being read, their
	// storage reused from chunk to chunk: no array built keeps a
	// reference to them (stringChunk copies the dictionary's bytes).
	pageBufs [][]byte
}

// newChunkReader makes a chunkReader.
func newChunkReader() (*chunkReader, error) {
	zd, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxPageBytes), zstd.WithDecoderLowmem(false))
	if err != nil {
		return nil, err
	}
	return &chunkReader{zd: zd, maxChunk: maxChunkBytes}, nil
}

// close frees the decoder.
func (cr *chunkReader) close() { cr.zd.Close() }

// pageHeader is what the fast path reads of a Parquet PageHeader.
type pageHeader struct {
	typ                    int32
	uncompressed, compress int32
	numValues              int32
	encoding, defEncoding  int32
	hasData, hasDict       bool
}

// chunk is one column chunk's decoded pages: the dictionary page's bytes
// and entry count, and per data page its value count and bytes.
type chunk struct {
	// dataAt is the offset in the chunk of its first data page.
	dataAt  int
	hasDict bool
	dict    []byte
	nDict   int
	data    [][]byte
	nVals   []int
}

// readChunk reads column col of row group rg as an array of type dt (a
// dictionary of strings for BYTE_ARRAY, a timestamp for INT64); ok is
// false when the chunk is not in the layout this file reads.
func (cr *chunkReader) readChunk(r io.ReaderAt, size int64, md *metadata.FileMetaData, rg, col int, dt arrow.DataType, mem memory.Allocator) (arrow.Array, bool) {
	descr := md.Schema.Column(col)
	if descr.MaxRepetitionLevel() != 0 || descr.MaxDefinitionLevel() > 1 {
		return nil, false
	}
	cc, err := md.RowGroup(rg).ColumnChunk(col)
	if err != nil || !cc.HasDictionaryPage() {
		return nil, false
	}
	rows := md.RowGroup(rg).NumRows()
	if cc.NumValues() != rows || rows < 0 || rows > 1<<31-1 {
		return nil, false
	}
	codec := cc.Compression()
	if codec != compress.Codecs.Zstd && codec != compress.Codecs.Uncompressed {
		return nil, false
	}
	start, n := cc.DictionaryPageOffset(), cc.TotalCompressedSize()
	if start <= 0 || n <= 0 || start > size || n > size-start {
		return nil, false
	}
	if int64(cap(cr.buf)) < n {
		cr.buf = make([]byte, n)
	}
	buf := cr.buf[:n]
	if _, err := r.ReadAt(buf, start); err != nil {
		return nil, false
	}
	ch, ok := cr.pages(buf, codec, int(rows))
	if !ok || len(ch.data) == 0 || cc.DataPageOffset() != start+int64(ch.dataAt) {
		return nil, false
	}
	maxDef := descr.MaxDefinitionLevel()
	switch {
	case cc.Type() == parquet.Types.ByteArray:
		d, isDict := dt.(*arrow.DictionaryType)
		if !isDict || !arrow.TypeEqual(d.ValueType, arrow.BinaryTypes.String) || !arrow.TypeEqual(d.IndexType, arrow.PrimitiveTypes.Int32) {
			return nil, false
		}
		return stringChunk(ch, d, int(rows), maxDef, mem)
	case cc.Type() == parquet.Types.Int64:
		ts, isTS := dt.(*arrow.TimestampType)
		if !isTS {
			return nil, false
		}
		return timeChunk(ch, ts, int(rows), maxDef)
	}
	return nil, false
}

// pages splits buf (a whole column chunk) into its dictionary page
// and data pages, uncompressed, checking that they hold rows values.
func (cr *chunkReader) pages(buf []byte, codec compress.Compression, rows int) (chunk, bool) {
	var ch chunk
	total, kept := 0, 0
	for k, pos := 0, 0; pos < len(buf); k++ {
		at := pos
		h, hn, ok := readPageHeader(buf[pos:])
		if !ok || h.compress < 0 || int(h.compress) > len(buf)-pos-hn || h.uncompressed < 0 || h.uncompressed > maxPageBytes {
			return ch, false
		}
		if kept += int(h.uncompressed); kept > cr.maxChunk {
			return ch, false // pqarrow reads the pages one at a time
		}
		body := buf[pos+hn : pos+hn+int(h.compress)]
		pos += hn + int(h.compress)
		if codec == compress.Codecs.Zstd {
			if k == len(cr.pageBufs) {
				cr.pageBufs = append(cr.pageBufs, nil)
			}
			dst := cr.pageBufs[k]
			if cap(dst) < int(h.uncompressed) {
				dst = make([]byte, 0, h.uncompressed)
			}
			out, err := cr.zd.DecodeAll(body, dst[:0])
			if err != nil {
				return ch, false
			}
			cr.pageBufs[k] = out
			body = out
		}
		if len(body) != int(h.uncompressed) || h.numValues < 0 {
			return ch, false
		}
		switch {
		case h.typ == pageDictionary && h.hasDict && !ch.hasDict && (h.encoding == encPlain || h.encoding == encPlainDict):
			ch.hasDict, ch.dict, ch.nDict = true, body, int(h.numValues)
		case h.typ == pageData && h.hasData && ch.hasDict && (h.encoding == encRLEDict || h.encoding == encPlainDict):
			if h.defEncoding != encRLE || int(h.numValues) > rows-total {
				return ch, false
			}
			if ch.data == nil {
				ch.dataAt = at
			}
			ch.data = append(ch.data, body)
			ch.nVals = append(ch.nVals, int(h.numValues))
			total += int(h.numValues)
		default:
			return ch, false
		}
	}
	return ch, ch.hasDict && total == rows
}

// indices decodes the data pages of ch: each row's dictionary index (0
// for a null) and, when some row is null, the validity bitmap. maxDef is
// the column's maximum definition level (0 or 1).
func (ch *chunk) indices(rows int, maxDef int16) (idx []int32, valid []byte, nulls int, ok bool) {
	idx = make([]int32, rows)
	var defs []int32
	at := 0
	for p, body := range ch.data {
		n := ch.nVals[p]
		out := idx[at : at+n]
		nonNull := n
		if maxDef == 1 {
			if len(body) < 4 {
				return nil, nil, 0, false
			}
			dl := int(binary.LittleEndian.Uint32(body))
			if dl > len(body)-4 {
				return nil, nil, 0, false
			}
			if cap(defs) < n {
				defs = make([]int32, n)
			}
			defs = defs[:n]
			if !hybrid(body[4:4+dl], 1, defs) {
				return nil, nil, 0, false
			}
			body = body[4+dl:]
			nonNull = 0
			for _, d := range defs {
				nonNull += int(d)
			}
		}
		if nonNull > 0 {
			if len(body) < 1 {
				return nil, nil, 0, false
			}
			bw := int(body[0])
			if bw > 31 || !hybrid(body[1:], bw, out[:nonNull]) {
				return nil, nil, 0, false
			}
			for _, v := range out[:nonNull] {
				if v < 0 || int(v) >= ch.nDict {
					return nil, nil, 0, false
				}
			}
		}
		if nonNull < n {
			// Spread the non-null indices to their rows, from the end.
			if valid == nil {
				valid = make([]byte, bitutil.BytesForBits(int64(rows)))
				bitutil.SetBitsTo(valid, 0, int64(at), true)
			}
			j := nonNull - 1
			for i := n - 1; i >= 0; i-- {
				if defs[i] == 1 {
					out[i] = out[j]
					j--
				} else {
					out[i] = 0
					nulls++
				}
			}
			for i, d := range defs {
				if d == 1 {
					bitutil.SetBit(valid, at+i)
				}
			}
		} else if valid != nil {
			bitutil.SetBitsTo(valid, int64(at), int64(n), true)
		}
		at += n
	}
	return idx, valid, nulls, true
}

// stringChunk builds the dictionary array of a BYTE_ARRAY chunk.
func stringChunk(ch chunk, dt *arrow.DictionaryType, rows int, maxDef int16, mem memory.Allocator) (arrow.Array, bool) {
	if ch.nDict < 0 || ch.nDict > len(ch.dict)/4 {
		return nil, false
	}
	offsets := make([]int32, ch.nDict+1)
	data := make([]byte, 0, len(ch.dict)-4*ch.nDict)
	b := ch.dict
	for i := 0; i < ch.nDict; i++ {
		if len(b) < 4 {
			return nil, false
		}
		l := binary.LittleEndian.Uint32(b)
		if uint64(l) > uint64(len(b)-4) {
			return nil, false
		}
		data = append(data, b[4:4+l]...)
		offsets[i+1] = int32(len(data))
		b = b[4+l:]
	}
	if len(b) != 0 {
		return nil, false
	}
	idx, valid, nulls, ok := ch.indices(rows, maxDef)
	if !ok {
		return nil, false
	}
	dict := array.NewStringData(array.NewData(arrow.BinaryTypes.String, ch.nDict,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)}, nil, 0, 0))
	defer dict.Release()
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	ind := array.NewData(arrow.PrimitiveTypes.Int32, rows, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(idx))}, nil, nulls, 0)
	defer ind.Release()
	_ = mem // the buffers are Go memory, as the Go allocator's are
	return array.NewDictionaryArray(dt, array.MakeFromData(ind), dict), true
}

// timeChunk builds the timestamp array of an INT64 chunk.
func timeChunk(ch chunk, dt *arrow.TimestampType, rows int, maxDef int16) (arrow.Array, bool) {
	if ch.nDict < 0 || len(ch.dict) != 8*ch.nDict {
		return nil, false
	}
	idx, valid, nulls, ok := ch.indices(rows, maxDef)
	if !ok {
		return nil, false
	}
	vals := make([]int64, rows)
	for i, x := range idx {
		vals[i] = int64(binary.LittleEndian.Uint64(ch.dict[8*int(x):]))
	}
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	d := array.NewData(dt, rows, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), true
}

// hybrid decodes len(out) values of bit width bw (0 to 32) from the
// RLE/bit-packed hybrid stream b; false when b is short or malformed.
// Values past len(out) in the last run are ignored (bit-packed runs are
// padded to a multiple of eight).
func hybrid(b []byte, bw int, out []int32) bool {
	n, i, pos := len(out), 0, 0
	byteW := (bw + 7) / 8
	mask := uint64(1)<<bw - 1
	for i < n {
		h, k := binary.Uvarint(b[pos:])
		if k <= 0 {
			return false
		}
		pos += k
		if h&1 == 0 {
			cnt := h >> 1
			if cnt == 0 || pos+byteW > len(b) {
				return false
			}
			var v uint64
			for j := 0; j < byteW; j++ {
				v |= uint64(b[pos+j]) << (8 * j)
			}
			pos += byteW
			if v > mask {
				return false
			}
			m := int(min(cnt, uint64(n-i)))
			for j := range m {
				out[i+j] = int32(v)
			}
			i += m
			continue
		}
		groups := h >> 1
		if groups == 0 || groups > uint64(len(b)) {
			return false
		}
		nb := int(groups) * bw
		if nb > len(b)-pos {
			return false
		}
		run := b[pos : pos+nb]
		pos += nb
		m := min(int(groups)*8, n-i)
		unpack(run, bw, mask, out[i:i+m])
		i += m
	}
	return true
}

// unpack reads len(out) values of bw bits, least significant first, from
// run (which holds at least len(out)*bw bits).
func unpack(run []byte, bw int, mask uint64, out []int32) {
	if bw == 0 {
		clear(out)
		return
	}
	bit := 0
	for j := range out {
		byteAt, shift := bit>>3, uint(bit&7)
		var w uint64
		if byteAt+8 <= len(run) {
			w = binary.LittleEndian.Uint64(run[byteAt:])
		} else {
			for k := 0; byteAt+k < len(run); k++ {
				w |= uint64(run[byteAt+k]) << (8 * k)
			}
		}
		out[j] = int32((w >> shift) & mask)
		bit += bw
	}
}

// readPageHeader parses a Thrift compact PageHeader at the start of b and
// returns it with its length in bytes. It is stricter than Thrift: a
// known field of another type, a repeated one or a missing required one
// is malformed.
func readPageHeader(b []byte) (pageHeader, int, bool) {
	t := thriftReader{b: b}
	var h pageHeader
	// fields reads a struct whose fields 1 to len(dst) are i32s, the
	// first req of them required; other fields are skipped.
	fields := func(dst []*int32, req int) bool {
		seen := 0
		ok := t.readStruct(func(id int16, typ byte) bool {
			if id >= 1 && int(id) <= len(dst) {
				if typ != tI32 || seen&(1<<id) != 0 {
					return false
				}
				seen |= 1 << id
				*dst[id-1] = t.i32()
				return !t.bad
			}
			return t.skip(typ, 0)
		})
		return ok && seen&(1<<(req+1)-2) == 1<<(req+1)-2
	}
	var rep int32
	seen := 0
	ok := t.readStruct(func(id int16, typ byte) bool {
		if seen&(1<<id) != 0 && id >= 1 && id <= 8 {
			return false
		}
		if id >= 1 && id <= 8 {
			seen |= 1 << id
		}
		switch id {
		case 1, 2, 3:
			if typ != tI32 {
				return false
			}
			*[]*int32{&h.typ, &h.uncompressed, &h.compress}[id-1] = t.i32()
			return !t.bad
		case 5:
			h.hasData = true
			return typ == tStruct && fields([]*int32{&h.numValues, &h.encoding, &h.defEncoding, &rep}, 4)
		case 7:
			h.hasDict = true
			return typ == tStruct && fields([]*int32{&h.numValues, &h.encoding}, 2)
		}
		return t.skip(typ, 0)
	})
	if !ok || t.bad || seen&0b1110 != 0b1110 || h.hasData && rep != encRLE && rep != 4 {
		return h, 0, false
	}
	return h, t.pos, true
}

// Thrift compact protocol types.
const (
	tStop, tTrue, tFalse, tI8, tI16, tI32, tI64, tDouble, tBinary, tList, tSet, tMap, tStruct = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
)

// thriftReader reads the Thrift compact protocol from b; bad is set on
// any malformed or short input.
type thriftReader struct {
	b   []byte
	pos int
	bad bool
}

func (t *thriftReader) byte1() byte {
	if t.pos >= len(t.b) {
		t.bad = true
		return 0
	}
	c := t.b[t.pos]
	t.pos++
	return c
}

func (t *thriftReader) uvarint() uint64 {
	if t.pos >= len(t.b) {
		t.bad = true
		return 0
	}
	v, k := binary.Uvarint(t.b[t.pos:])
	if k <= 0 {
		t.bad = true
		return 0
	}
	t.pos += k
	return v
}

func (t *thriftReader) varint() int64 {
	u := t.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (t *thriftReader) i32() int32 {
	v := t.varint()
	if v < -1<<31 || v > 1<<31-1 {
		t.bad = true
	}
	return int32(v)
}

// readStruct calls field for each field of a struct until its stop byte;
// field reads or skips the value and returns false to stop on error.
func (t *thriftReader) readStruct(field func(id int16, typ byte) bool) bool {
	var last int16
	for !t.bad {
		c := t.byte1()
		if t.bad {
			return false
		}
		if c == tStop {
			return true
		}
		typ, delta := c&0x0f, int16(c>>4)
		id := last + delta
		if delta == 0 {
			v := t.varint()
			if v < -1<<15 || v > 1<<15-1 {
				return false
			}
			id = int16(v)
		}
		last = id
		if !field(id, typ) {
			return false
		}
	}
	return false
}

// skip skips a value of type typ (depth bounds the nesting).
func (t *thriftReader) skip(typ byte, depth int) bool {
	if depth > 16 {
		return false
	}
	switch typ {
	case tTrue, tFalse:
	case tI8:
		t.byte1()
	case tI16, tI32, tI64:
		t.uvarint()
	case tDouble:
		t.advance(8)
	case tBinary:
		t.advance(t.uvarint())
	case tList, tSet:
		c := t.byte1()
		size, et := uint64(c>>4), c&0x0f
		if size == 15 {
			size = t.uvarint()
		}
		if size > uint64(len(t.b)) {
			return false
		}
		for range size {
			if et == tTrue || et == tFalse {
				t.byte1()
			} else if !t.skip(et, depth+1) {
				return false
			}
			if t.bad {
				return false
			}
		}
	case tMap:
		size := t.uvarint()
		if size > uint64(len(t.b)) {
			return false
		}
		if size > 0 {
			c := t.byte1()
			for range size {
				if !t.skip(c>>4, depth+1) || !t.skip(c&0x0f, depth+1) {
					return false
				}
			}
		}
	case tStruct:
		return t.readStruct(func(_ int16, typ byte) bool { return t.skip(typ, depth+1) })
	default:
		return false
	}
	return !t.bad
}

func (t *thriftReader) advance(n uint64) {
	if n > uint64(len(t.b)-t.pos) {
		t.bad = true
		return
	}
	t.pos += int(n)
}
