package datamodel

import (
	"bytes"
	"hash/maphash"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file builds the dictionary<int32, utf8> columns of the datasets.
// See doc.go, "CPU per event".

// dictBuilder builds one dictionary<int32, utf8> column of a batch: the
// dictionary holds each distinct value once, in the order of its first
// row, and each row is its value's index or null. That is the array
// arrow's BinaryDictionaryBuilder makes from the same appends
// (TestDictBuilderMatchesArrow), at a fraction of the cost: the memo is
// an open-addressing table of 64-bit slots over the dictionary's own
// bytes, hashed with maphash, kept (cleared) from batch to batch, and a
// value equal to the row before's skips it (while such repeats are not
// rare in the column).
type dictBuilder struct {
	idx   []int32 // the rows' indices (0 for a null row)
	valid []byte  // validity bitmap; nil while no row is null
	nulls int
	data  []byte  // the dictionary's values, back to back
	offs  []int32 // offs[k], offs[k+1] bound value k; offs[0] = 0
	// table is the memo: a slot is 0 when empty, else the low 32 bits of
	// the value's hash above the value's index plus one.
	table []uint64
	seed  maphash.Seed
	// last is the index of the last non-null row's value, -1 before any.
	last int32
	// tries and hits count the rows of the current window of lastWindow
	// appends that compared with last, and those that were equal; skip
	// is set for the next window when few were (a column of distinct
	// values, where the compare is wasted).
	tries, hits int32
	skip        bool
	// rowHint and dataHint are the capacities the last batch needed: the
	// next batch's buffers are made that size at its first row, so that
	// they do not grow by copying (and a batch that never comes costs
	// nothing).
	rowHint, dataHint, entryHint int
	// nullRun counts the null rows of a batch before its buffers are made
	// (start): a column that stays null, as many do for a given EventID,
	// costs a count per row.
	nullRun int
}

// lastWindow is how many appends a dictBuilder counts before it decides
// whether comparing with the row before is worth it.
const lastWindow = 512

// newDictBuilder returns an empty builder.
func newDictBuilder() *dictBuilder {
	return &dictBuilder{seed: maphash.MakeSeed(), last: -1}
}

// value returns dictionary value k.
func (b *dictBuilder) value(k int32) []byte { return b.data[b.offs[k]:b.offs[k+1]] }

// start makes the buffers of a batch, at its first non-null row: the
// rows before it (nullRun) are nulls.
func (b *dictBuilder) start() {
	n := b.nullRun
	b.idx = make([]int32, n, max(b.rowHint, n+8))
	b.data = make([]byte, 0, max(b.dataHint, 64))
	b.offs = make([]int32, 1, max(b.entryHint, 8))
	if n > 0 {
		b.valid = make([]byte, (cap(b.idx)+8)/8) // n zero bits: null
		b.nulls = n
	}
	b.nullRun = 0
}

// appendNull appends a null row.
func (b *dictBuilder) appendNull() {
	if cap(b.idx) == 0 {
		b.nullRun++ // no buffer yet: a column null so far only counts
		return
	}
	if b.valid == nil {
		b.valid = make([]byte, (cap(b.idx)+8)/8)
		bitutil.SetBitsTo(b.valid, 0, int64(len(b.idx)), true)
	}
	b.growValid(len(b.idx) + 1)
	bitutil.ClearBit(b.valid, len(b.idx))
	b.idx = append(b.idx, 0)
	b.nulls++
}

// growValid makes the bitmap hold n bits.
func (b *dictBuilder) growValid(n int) {
	if need := (n + 7) / 8; need > len(b.valid) {
		nv := make([]byte, max(need, 2*len(b.valid)))
		copy(nv, b.valid)
		b.valid = nv
	}
}

// append appends a row of value v (nil is the empty string, not null:
// appendNull makes a null).
func (b *dictBuilder) append(v []byte) {
	if cap(b.idx) == 0 {
		b.start()
	}
	if b.valid != nil {
		b.growValid(len(b.idx) + 1)
		bitutil.SetBit(b.valid, len(b.idx))
	}
	if b.tries++; b.tries == lastWindow {
		b.skip = b.hits < lastWindow/8
		b.tries, b.hits = 0, 0
	}
	if !b.skip && b.last >= 0 && bytes.Equal(b.value(b.last), v) {
		b.hits++
		b.idx = append(b.idx, b.last)
		return
	}
	k := b.lookup(v)
	b.last = k
	b.idx = append(b.idx, k)
}

// lookup returns the index of v in the dictionary, adding it when new.
func (b *dictBuilder) lookup(v []byte) int32 {
	if len(b.table) == 0 {
		// Room for the last batch's values at half load: a batch of a
		// few rows (Options.BatchSize 1) clears a few slots, not 1024.
		size := 16
		for size < 4*b.entryHint {
			size *= 2
		}
		b.table = make([]uint64, size)
	}
	h := uint32(maphash.Bytes(b.seed, v))
	mask := uint32(len(b.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := b.table[i]
		if s == 0 {
			k := int32(len(b.offs) - 1)
			b.data = append(b.data, v...)
			b.offs = append(b.offs, int32(len(b.data)))
			b.table[i] = uint64(h)<<32 | uint64(k+1)
			if 2*int(k+1) > len(b.table) {
				b.grow()
			}
			return k
		}
		if uint32(s>>32) == h {
			if k := int32(uint32(s)) - 1; bytes.Equal(b.value(k), v) {
				return k
			}
		}
	}
}

// grow doubles the memo table.
func (b *dictBuilder) grow() {
	nt := make([]uint64, 2*len(b.table))
	mask := uint32(len(nt) - 1)
	for _, s := range b.table {
		if s == 0 {
			continue
		}
		i := uint32(s>>32) & mask
		for nt[i] != 0 {
			i = (i + 1) & mask
		}
		nt[i] = s
	}
	b.table = nt
}

// newArray returns the rows appended so far as a dictionary array with a
// dictionary of its own, and starts the next batch empty: the returned
// array owns the builder's buffers, the builder makes new ones at the
// next batch's first row (keeping its memo table, cleared).
func (b *dictBuilder) newArray() *array.Dictionary {
	if cap(b.idx) == 0 {
		b.start()
	}
	n := len(b.idx)
	if b.nulls > 0 {
		b.growValid(n) // a column of nulls only has no bits beyond them
	}
	values := array.NewData(arrow.BinaryTypes.String, len(b.offs)-1,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(b.offs)), memory.NewBufferBytes(b.data)}, nil, 0, 0)
	var valid *memory.Buffer
	if b.nulls > 0 {
		valid = memory.NewBufferBytes(b.valid[:(n+7)/8])
	}
	data := array.NewDataWithDictionary(dictType(), n,
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(b.idx))}, b.nulls, 0, values)
	values.Release()
	arr := array.NewDictionaryData(data)
	data.Release()
	b.rowHint, b.dataHint, b.entryHint = n, len(b.data), len(b.offs)
	b.idx, b.valid, b.nulls, b.data, b.offs = nil, nil, 0, nil, nil
	if entries := b.entryHint - 1; len(b.table) > 16 && 16*entries < len(b.table) {
		b.table = nil // far too big for this batch's values: sized anew
	} else {
		clear(b.table)
	}
	b.last = -1
	return arr
}
