package datamodel

import (
	"errors"
	"fmt"
	"sort"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/s2"
)

// This file keeps event texts compressed: the kept texts of an ingest
// (rawLog) and the _raw column of every event store chunk are blocks of
// about textBlockSize bytes of consecutive texts, each compressed on its
// own with S2 (github.com/klauspost/compress/s2, the block format: no
// stream framing). A text is never cut: one longer than a block is a
// block by itself. A reader decompresses a whole block and keeps the last
// few it decompressed (a blockCache, one per reader, never shared), so
// that reading consecutive texts decompresses each block once.
//
// The generated Sysmon XML compresses 7.9 times in blocks of 256 KiB (6.8
// in 64 KiB, 4.7 in 16 KiB) at about 1 GB/s each way on one core; zstd
// compresses it 12.8 times but three times slower, and S2 needs no
// encoder or decoder state.

// Block sizes: the kept texts of an ingest are read once, in about their
// order, by the event store's build; a chunk's _raw is read by searches,
// often a few rows at a time, so its blocks are smaller.
const (
	logBlockSize   = 256 << 10
	chunkBlockSize = 128 << 10
)

// textBlock is one block of consecutive event texts.
type textBlock struct {
	// data is the block compressed with s2.Encode, or the texts
	// themselves when plain (S2 did not make them smaller).
	data  []byte
	size  int32
	plain bool
}

// blockWriter fills blocks of at most size bytes (but for a longer text,
// which makes a block by itself) from consecutive texts.
type blockWriter struct {
	size   int
	blocks []textBlock
	open   []byte // the texts of the block being filled
	enc    []byte // compression scratch
}

// add appends text and returns the block it is in (the open block's
// index is len(w.blocks) until it is sealed) and its offset there.
func (w *blockWriter) add(text []byte) (block, off int32) {
	if len(w.open) > 0 && len(w.open)+len(text) > w.size {
		w.seal()
	}
	if w.open == nil {
		w.open = make([]byte, 0, max(w.size, len(text)))
	}
	off = int32(len(w.open))
	w.open = append(w.open, text...)
	return int32(len(w.blocks)), off
}

// seal compresses the open block into w.blocks.
func (w *blockWriter) seal() {
	if len(w.open) == 0 {
		return
	}
	if n := s2.MaxEncodedLen(len(w.open)); cap(w.enc) < n {
		w.enc = make([]byte, n)
	}
	enc := s2.Encode(w.enc[:cap(w.enc)], w.open)
	b := textBlock{size: int32(len(w.open))}
	if len(enc) < len(w.open) {
		b.data = append(make([]byte, 0, len(enc)), enc...)
	} else {
		b.data, b.plain = append(make([]byte, 0, len(w.open)), w.open...), true
	}
	w.blocks = append(w.blocks, b)
	if cap(w.open) > 2*w.size {
		w.open = nil // a long text's block: do not keep it as scratch
	} else {
		w.open = w.open[:0]
	}
}

// cacheBlocks is how many decompressed blocks a blockCache keeps.
const cacheBlocks = 16

// blockCache decompresses blocks and keeps the last cacheBlocks of them.
// The zero value is ready; it is not safe for concurrent use.
type blockCache struct {
	ents [cacheBlocks]cacheEntry
	tick uint64
}

// cacheEntry is one decompressed block; src holds on to the compressed
// data, so that its address (the key) cannot be reused by another block
// while the entry lives.
type cacheEntry struct {
	src  []byte
	text []byte
	used uint64
}

// errCorruptBlock reports a block that does not decompress to its size
// (memory damaged: the blocks are written by this package only).
var errCorruptBlock = errors.New("event text block does not decompress to its size")

// block returns the texts of b, valid until cacheBlocks other blocks have
// been decompressed through c.
func (c *blockCache) block(b *textBlock) ([]byte, error) {
	if b.plain {
		return b.data, nil
	}
	c.tick++
	key := unsafe.SliceData(b.data)
	victim := 0
	for i := range c.ents {
		e := &c.ents[i]
		if e.src != nil && unsafe.SliceData(e.src) == key && len(e.src) == len(b.data) {
			e.used = c.tick
			return e.text, nil
		}
		if e.used < c.ents[victim].used {
			victim = i
		}
	}
	e := &c.ents[victim]
	buf := e.text[:0]
	if cap(buf) < int(b.size) || cap(buf) > 4*int(b.size)+chunkBlockSize {
		buf = make([]byte, b.size)
	}
	text, err := s2.Decode(buf[:cap(buf)], b.data)
	if err != nil {
		e.src, e.text = nil, nil
		return nil, fmt.Errorf("%w: %v", errCorruptBlock, err)
	}
	if len(text) != int(b.size) {
		e.src, e.text = nil, nil
		return nil, errCorruptBlock
	}
	e.src, e.text, e.used = b.data, text, c.tick
	return text, nil
}

// rawColumn is the _raw column of one event store chunk: the rows' texts
// in row order, in blocks of about chunkBlockSize bytes. first[b] is the
// first row of block b (and first[len(blocks)] the number of rows); ends[r]
// is the end of row r's text in its block.
type rawColumn struct {
	blocks []textBlock
	first  []int32
	ends   []int32
	bytes  int64
}

// rawColumnWriter builds a rawColumn.
type rawColumnWriter struct {
	w     blockWriter
	first []int32
	ends  []int32
	bytes int64
}

// add appends the next row's text.
func (cw *rawColumnWriter) add(text []byte) {
	if cw.w.size == 0 {
		cw.w.size = chunkBlockSize
	}
	b, off := cw.w.add(text)
	if int(b) == len(cw.first) {
		cw.first = append(cw.first, int32(len(cw.ends)))
	}
	cw.ends = append(cw.ends, off+int32(len(text)))
	cw.bytes += int64(len(text))
}

// column seals the writer's rows into a rawColumn and empties it, keeping
// its scratch buffers.
func (cw *rawColumnWriter) column() rawColumn {
	cw.w.seal()
	if len(cw.first) > len(cw.w.blocks) {
		// The last rows' texts are all empty: seal skipped their block,
		// which their rows still name.
		cw.w.blocks = append(cw.w.blocks, textBlock{plain: true})
	}
	c := rawColumn{
		blocks: cw.w.blocks,
		first:  append(cw.first, int32(len(cw.ends))),
		ends:   cw.ends,
		bytes:  cw.bytes,
	}
	cw.w.blocks, cw.first, cw.ends, cw.bytes = nil, nil, nil, 0
	return c
}

// rows returns the number of rows.
func (c *rawColumn) rows() int { return len(c.ends) }

// blockOf returns the block row r is in.
func (c *rawColumn) blockOf(r int) int {
	return sort.Search(len(c.blocks), func(b int) bool { return int(c.first[b+1]) > r })
}

// text returns row r's text through cache (see blockCache.block).
func (c *rawColumn) text(r int, cache *blockCache) ([]byte, error) {
	b := c.blockOf(r)
	data, err := cache.block(&c.blocks[b])
	if err != nil {
		return nil, err
	}
	return c.rowText(data, b, r), nil
}

// rowText returns row r's text out of data, the decoded block b that
// holds it.
func (c *rawColumn) rowText(data []byte, b, r int) []byte {
	start := int32(0)
	if r > int(c.first[b]) {
		start = c.ends[r-1]
	}
	end := c.ends[r]
	return data[start:end:end]
}

// RawReader reads event texts from the event store's compressed _raw
// columns (EventChunk.Raw), keeping the last few blocks it decompressed.
// A search uses one of its own: it is not safe for concurrent use. The
// zero value is ready.
type RawReader struct {
	cache blockCache
}

// Raw returns the _raw of row r of the chunk, decompressing its block
// through rd. The text stays valid until rd has decompressed 16 more
// blocks; copy it to keep it. The error is a damaged block, which cannot
// happen but for damaged memory.
func (c *EventChunk) Raw(r int, rd *RawReader) ([]byte, error) {
	if r < 0 || r >= c.raw.rows() {
		return nil, fmt.Errorf("event chunk %s EventCode %s: row %d of %d", c.Source, c.EventCode, r, c.raw.rows())
	}
	t, err := c.raw.text(r, &rd.cache)
	if err != nil {
		return nil, fmt.Errorf("event chunk %s EventCode %s, row %d: %w", c.Source, c.EventCode, r, err)
	}
	return t, nil
}

// RawColumn returns the chunk's _raw as a utf8 array of its rows,
// decompressing every block into the array's own buffer, with no copy
// (RawView.Column); the array is over Go memory, not mem's (kept for the
// callers). The caller releases it.
func (c *EventChunk) RawColumn(mem memory.Allocator) (*array.String, error) {
	var v RawView
	if err := v.Reset(c); err != nil {
		return nil, err
	}
	return v.Column()
}

// RawBytes returns the size of the chunk's texts, and what they take
// compressed.
func (c *EventChunk) RawBytes() (text, stored int64) {
	for _, b := range c.raw.blocks {
		stored += int64(len(b.data))
	}
	return c.raw.bytes, stored
}

// rawType is the type of the _raw column RawColumn returns.
var rawType arrow.DataType = arrow.BinaryTypes.String
