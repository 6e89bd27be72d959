package datamodel

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/s2"
)

// RawView reads the _raw texts of one event store chunk by row for a
// search that filters the chunk (a raw term over the rows its field
// terms keep): it decompresses a block the first time one of its rows is
// read, straight into one buffer that holds the chunk's texts back to
// back (block b at the sum of the sizes of the blocks before it), so a
// block is decompressed at most once per chunk, a text is never copied
// after its block is decoded, and a block none of whose rows is read is
// never decompressed. Column hands that buffer to a utf8 array without
// copying it.
//
// A view is one search's (it is not safe for concurrent use); its buffer
// is kept from one chunk to the next (Reset), so it holds at most the
// texts of the largest chunk it has read. The zero value is ready for
// Reset.
type RawView struct {
	c    *EventChunk
	buf  []byte  // the chunk's texts, block b at base[b] once done[b]
	base []int32 // per block, where it starts in buf; base[len] = the chunk's bytes
	done []bool
	cur  int // the block of the last row read, to skip the search
	// decoded counts the blocks decompressed since the view was made.
	decoded int
}

// Reset makes v read chunk c; the texts it returned before are no longer
// valid. It returns an error when the chunk's texts exceed what a utf8
// array (32-bit offsets) can hold.
func (v *RawView) Reset(c *EventChunk) error {
	v.c, v.cur = c, 0
	if c.raw.bytes > math.MaxInt32 {
		return fmt.Errorf("event chunk %s EventCode %s: %d bytes of text, more than one utf8 column holds", c.Source, c.EventCode, c.raw.bytes)
	}
	n := len(c.raw.blocks)
	v.base = append(v.base[:0], make([]int32, n+1)...)
	at := int32(0)
	for b := range c.raw.blocks {
		v.base[b] = at
		at += c.raw.blocks[b].size
	}
	v.base[n] = at
	v.done = append(v.done[:0], make([]bool, n)...)
	if cap(v.buf) < int(at) {
		// Not zeroed again for the next chunks: every byte read is
		// first decoded into it.
		v.buf = make([]byte, at)
	}
	v.buf = v.buf[:at]
	return nil
}

// Decoded returns the number of blocks v has decompressed since it was
// made (across Resets).
func (v *RawView) Decoded() int { return v.decoded }

// Rows returns the number of rows of the chunk v reads.
func (v *RawView) Rows() int { return v.c.raw.rows() }

// block makes block b's texts present in v.buf.
func (v *RawView) block(b int) error {
	if v.done[b] {
		return nil
	}
	blk := &v.c.raw.blocks[b]
	dst := v.buf[v.base[b]:v.base[b+1]:v.base[b+1]]
	if blk.plain {
		copy(dst, blk.data)
	} else {
		text, err := s2.Decode(dst, blk.data)
		if err != nil {
			return fmt.Errorf("event chunk %s EventCode %s, block %d: %w: %v", v.c.Source, v.c.EventCode, b, errCorruptBlock, err)
		}
		if len(text) != len(dst) {
			return fmt.Errorf("event chunk %s EventCode %s, block %d: %w", v.c.Source, v.c.EventCode, b, errCorruptBlock)
		}
		v.decoded++
	}
	v.done[b] = true
	return nil
}

// Text returns row r's text, valid until the next Reset or Column (it
// points into v's buffer); the error is a row out of range, a damaged
// block, or no chunk (a view must be Reset after Column).
func (v *RawView) Text(r int) ([]byte, error) {
	if v.c == nil {
		return nil, errors.New("event text view: no chunk (Reset after Column)")
	}
	c := &v.c.raw
	if r < 0 || r >= c.rows() {
		return nil, fmt.Errorf("event chunk %s EventCode %s: row %d of %d", v.c.Source, v.c.EventCode, r, c.rows())
	}
	b := v.cur
	if b >= len(c.blocks) || r < int(c.first[b]) || r >= int(c.first[b+1]) {
		b = c.blockOf(r)
		v.cur = b
	}
	if err := v.block(b); err != nil {
		return nil, err
	}
	start := v.base[b]
	if r > int(c.first[b]) {
		start += c.ends[r-1]
	}
	end := v.base[b] + c.ends[r]
	return v.buf[start:end:end], nil
}

// Column returns the chunk's _raw as a utf8 array of its rows,
// decompressing the blocks not yet read. The array is over v's buffer,
// not a copy (its offsets are the only thing computed), and Go memory,
// not mem's: v lets the buffer go to it and allocates another for the
// next chunk. The caller releases the array.
func (v *RawView) Column() (*array.String, error) {
	c := &v.c.raw
	for b := range c.blocks {
		if err := v.block(b); err != nil {
			return nil, err
		}
	}
	offs := make([]int32, c.rows()+1)
	for b := range c.blocks {
		base := v.base[b]
		for r := c.first[b]; r < c.first[b+1]; r++ {
			offs[r+1] = base + c.ends[r]
		}
	}
	data := array.NewData(rawType, c.rows(), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(v.buf)}, nil, 0, 0)
	defer data.Release()
	v.buf, v.c = nil, nil
	return array.NewStringData(data), nil
}
