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
// read, into a buffer of the block's own, so a block is decompressed at
// most once per chunk, a text is never copied after its block is
// decoded, and a block none of whose rows is read is never decompressed
// (nor is memory for it taken). Column decodes the whole chunk into one
// buffer that becomes a utf8 array's, without copying it.
//
// A view is one search's (it is not safe for concurrent use). It holds
// the decoded blocks of one chunk at a time (Reset lets them go), and
// keeps up to viewSpare of their buffers for the next chunks' blocks, so
// it holds at most the decoded blocks read in one chunk plus viewSpare
// blocks of chunkBlockSize (128 KiB) bytes. The zero value is ready for
// Reset.
type RawView struct {
	c *EventChunk
	// texts[b] is block b's decoded texts, nil until read.
	texts [][]byte
	spare [][]byte
	cur   int // the block of the last row read, to skip the search
	// decoded counts the blocks decompressed since the view was made.
	decoded int
}

// viewSpare is how many block buffers a RawView keeps between chunks.
const viewSpare = 64

// Reset makes v read chunk c; the texts it returned before are no longer
// valid. It returns an error when the chunk's texts exceed what a utf8
// array (32-bit offsets) can hold.
func (v *RawView) Reset(c *EventChunk) error {
	for i, t := range v.texts {
		if t != nil && len(v.spare) < viewSpare && cap(t) <= 2*chunkBlockSize && !v.c.raw.blocks[i].plain {
			v.spare = append(v.spare, t[:0])
		}
	}
	v.c, v.cur = c, 0
	if c.raw.bytes > math.MaxInt32 {
		return fmt.Errorf("event chunk %s EventCode %s: %d bytes of text, more than one utf8 column holds", c.Source, c.EventCode, c.raw.bytes)
	}
	n := len(c.raw.blocks)
	v.texts = append(v.texts[:0], make([][]byte, n)...)
	return nil
}

// Decoded returns the number of blocks v has decompressed since it was
// made (across Resets).
func (v *RawView) Decoded() int { return v.decoded }

// decode decompresses block b into dst (len(dst) is the block's size).
func (v *RawView) decode(b int, dst []byte) error {
	blk := &v.c.raw.blocks[b]
	if blk.plain {
		copy(dst, blk.data)
		return nil
	}
	text, err := s2.Decode(dst, blk.data)
	if err != nil {
		return fmt.Errorf("event chunk %s EventCode %s, block %d: %w: %v", v.c.Source, v.c.EventCode, b, errCorruptBlock, err)
	}
	if len(text) != len(dst) {
		return fmt.Errorf("event chunk %s EventCode %s, block %d: %w", v.c.Source, v.c.EventCode, b, errCorruptBlock)
	}
	v.decoded++
	return nil
}

// block returns block b's texts, decoding them on the first call.
func (v *RawView) block(b int) ([]byte, error) {
	if t := v.texts[b]; t != nil {
		return t, nil
	}
	blk := &v.c.raw.blocks[b]
	if blk.plain {
		v.texts[b] = blk.data[:blk.size:blk.size]
		return v.texts[b], nil
	}
	var buf []byte
	for i := len(v.spare) - 1; i >= 0; i-- {
		if cap(v.spare[i]) >= int(blk.size) {
			buf = v.spare[i][:blk.size]
			v.spare[i] = v.spare[len(v.spare)-1]
			v.spare = v.spare[:len(v.spare)-1]
			break
		}
	}
	if buf == nil {
		buf = make([]byte, blk.size, max(int(blk.size), chunkBlockSize))
	}
	if err := v.decode(b, buf); err != nil {
		return nil, err
	}
	v.texts[b] = buf
	return buf, nil
}

// Text returns row r's text, valid until the next Reset or Column (it
// points into v's buffers); the error is a row out of range, a damaged
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
	data, err := v.block(b)
	if err != nil {
		return nil, err
	}
	return c.rowText(data, b, r), nil
}

// Column returns the chunk's _raw as a utf8 array of its rows: every
// block decoded (or, if Text decoded it already, copied) into one buffer
// of the chunk's texts that the array is over, not a copy of it (its
// offsets are the only thing computed); Go memory, not an allocator's.
// v must be Reset before it reads again. The caller releases the array.
func (v *RawView) Column() (*array.String, error) {
	if v.c == nil {
		return nil, errors.New("event text view: no chunk (Reset after Column)")
	}
	c := &v.c.raw
	buf := make([]byte, c.bytes)
	offs := make([]int32, c.rows()+1)
	at := int32(0)
	for b := range c.blocks {
		size := c.blocks[b].size
		dst := buf[at : at+size : at+size]
		if t := v.texts[b]; t != nil {
			copy(dst, t)
		} else if err := v.decode(b, dst); err != nil {
			return nil, err
		}
		for r := c.first[b]; r < c.first[b+1]; r++ {
			offs[r+1] = at + c.ends[r]
		}
		at += size
	}
	data := array.NewData(rawType, c.rows(), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(buf)}, nil, 0, 0)
	defer data.Release()
	if err := v.Reset(v.c); err != nil {
		return nil, err
	}
	v.c = nil
	return array.NewStringData(data), nil
}
