package engine

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/expr"
)

// DefaultRowIndexBytes is the memory budget of NewRowIndex(0): 256 MiB,
// the postings of 64 million rows.
const DefaultRowIndexBytes = 256 << 20

// RowIndex is an inverted index of the dictionary columns of a store's
// batches, built lazily and shared by the searches of one batch of
// searches over one store (a hunt: Options.Index, query.Cache), in the
// spirit of Splunk's tsidx files: for one column of one batch, the rows
// of each dictionary entry (expr.Postings). A tstats WHERE test over
// every row of a batch then reads the rows of the entries it passes
// instead of every row's dictionary index, so a selective WHERE costs the
// rows it matches (expr.Select; the rows are the same with and without
// the index, TestSelectMatchesEval).
//
// A column's postings are built the second time a search asks for them
// (a column one search reads is scanned as before: building costs about
// two scans), at 4 bytes per row and per dictionary entry, while the
// postings built stay within the budget; past it, the scan reads every
// row. The memory is bounded by the budget plus a small entry per column
// asked for; the index keeps the batches it has seen alive, so it is for
// the lifetime of one store. A RowIndex is safe for concurrent use.
type RowIndex struct {
	mu   sync.Mutex
	cols map[arrow.ArrayData]*postingsEntry
	used int64
	max  int64
}

// postingsEntry is the index's state of one column of one batch.
type postingsEntry struct {
	asked int
	// reserved is set once the budget holds the postings' memory.
	reserved bool
	once     sync.Once
	p        *expr.Postings
}

// NewRowIndex returns an empty index that builds at most maxBytes of
// postings; 0 means DefaultRowIndexBytes.
func NewRowIndex(maxBytes int64) *RowIndex {
	if maxBytes <= 0 {
		maxBytes = DefaultRowIndexBytes
	}
	return &RowIndex{cols: map[arrow.ArrayData]*postingsEntry{}, max: maxBytes}
}

// Bytes returns the memory the postings built so far take.
func (x *RowIndex) Bytes() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.used
}

// Postings returns the postings of c, building them the second time
// they are asked for; nil the first time and past the budget.
func (x *RowIndex) Postings(c *array.Dictionary) *expr.Postings {
	key := c.Data()
	x.mu.Lock()
	e := x.cols[key]
	if e == nil {
		e = &postingsEntry{}
		x.cols[key] = e
	}
	e.asked++
	if e.asked == 2 {
		need := expr.PostingsBytes(c.Len(), c.Dictionary().Len())
		if x.used+need <= x.max {
			x.used += need
			e.reserved = true
		}
	}
	reserved := e.reserved
	x.mu.Unlock()
	if !reserved {
		return nil
	}
	// The goroutines asking while the first builds wait for it.
	e.once.Do(func() { e.p = expr.BuildPostings(c) })
	return e.p
}
