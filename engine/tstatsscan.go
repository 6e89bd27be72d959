package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/agg"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
)

// A tstats scan selects, in each batch of its dataset, the rows that its
// WHERE clause and time window keep, and feeds them to the aggregation.
// Selecting is independent from batch to batch, so it runs on up to
// GOMAXPROCS goroutines; the aggregation stays on the calling goroutine
// and takes the batches in store order, so every group, count, first
// value and list is the one the serial scan gives (the selections are
// the serial ones, only computed elsewhere).

// minParallelRows is the number of dataset rows below which a tstats scan
// selects on the calling goroutine: the goroutines cost more than they
// save on a few batches.
const minParallelRows = 1 << 17

// scanState is one goroutine's mutable state of a tstats scan: the WHERE
// clause's dictionary caches and row buffers.
type scanState struct {
	pred *expr.PredState
	// kf is the key filter's state (keyfilter.go); nil without one.
	kf *keyFilterState
}

// picked is what a scan hands the aggregation for one batch: the selected
// rows and what the aggregation reads of them, gathered by the selecting
// goroutine so that the aggregation reads it in order instead of at
// scattered rows of every column (the selected rows of a selective WHERE
// are far apart, and each read of a column there is a cache miss). keys[k]
// holds, when gotKey[k], the dictionary index of each selected row in BY
// column k (-1 for a null); tms, when gotTms, each selected row's _time in
// milliseconds (agg.NoTime for a null).
type picked struct {
	sel    []int32
	keys   [][]int32
	gotKey []bool
	tms    []int64
	gotTms bool
}

// gatherSpec says what a scan gathers for the aggregation: the dataset
// column of each BY key (-1: nothing to gather) and the _time column
// (-1: not read).
type gatherSpec struct {
	keyCols []int
	timeCol int
}

// gather fills p's gathered columns for p.sel from b.
func (g *gatherSpec) gather(b arrow.RecordBatch, p *picked) {
	if len(p.keys) < len(g.keyCols) {
		p.keys = make([][]int32, len(g.keyCols))
		p.gotKey = make([]bool, len(g.keyCols))
	}
	for k, col := range g.keyCols {
		p.gotKey[k] = false
		if col < 0 {
			continue
		}
		c, ok := b.Column(col).(*array.Dictionary)
		if !ok {
			continue
		}
		idx, ok := c.Indices().(*array.Int32)
		if !ok {
			continue
		}
		vals := idx.Int32Values()
		out := slices.Grow(p.keys[k][:0], len(p.sel))[:len(p.sel)]
		if c.NullN() == 0 {
			for j, r := range p.sel {
				out[j] = vals[r]
			}
		} else {
			for j, r := range p.sel {
				out[j] = -1
				if c.IsValid(int(r)) {
					out[j] = vals[r]
				}
			}
		}
		p.keys[k], p.gotKey[k] = out, true
	}
	p.gotTms = false
	if g.timeCol < 0 {
		return
	}
	ts, ok := b.Column(g.timeCol).(*array.Timestamp)
	if !ok {
		return // the aggregation reports the type
	}
	unit := ts.DataType().(*arrow.TimestampType).Unit
	toMs := value.TimestampToMs(unit)
	vals := ts.TimestampValues()
	tms := slices.Grow(p.tms[:0], len(p.sel))[:len(p.sel)]
	switch {
	case unit == arrow.Millisecond && ts.NullN() == 0:
		for j, r := range p.sel {
			tms[j] = int64(vals[r])
		}
	default:
		for j, r := range p.sel {
			tms[j] = agg.NoTime
			if ts.IsValid(int(r)) {
				tms[j] = toMs(int64(vals[r]))
			}
		}
	}
	p.tms, p.gotTms = tms, true
}

// newScanState returns a goroutine's state of a scan that reads ix's
// postings (nil: none).
func (n *tstatsNode) newScanState(ix *RowIndex) *scanState {
	st := &scanState{}
	if n.where != nil {
		st.pred = expr.NewPredState(n.nleaves)
		if ix != nil {
			st.pred.SetIndex(ix)
		}
	}
	if n.keyFilter != nil {
		st.kf = newKeyFilterState(n.keyFilter, n)
	}
	return st
}

// selectRows returns sel (its storage reused) holding, in increasing
// order, the rows of b that the WHERE clause and the time window keep.
func (n *tstatsNode) selectRows(st *scanState, b arrow.RecordBatch, sel []int32) ([]int32, error) {
	rows := int(b.NumRows())
	sel = sel[:0]
	switch {
	case n.where == nil:
		if cap(sel) < rows {
			sel = make([]int32, 0, rows)
		}
		for i := 0; i < rows; i++ {
			sel = append(sel, int32(i))
		}
	default:
		var err error
		if sel, err = expr.Select(n.where, st.pred, b, sel); err != nil {
			return nil, fmt.Errorf("tstats where: %w", err)
		}
	}
	sel, err := n.window.filterTime(b, n.timeCol, sel)
	if err != nil {
		return nil, fmt.Errorf("tstats: %w", err)
	}
	if st.kf != nil && len(sel) > 0 {
		sel = st.kf.filter(b, sel)
	}
	return sel, nil
}

// scan calls consume with each batch of batches that has selected rows,
// in order, on the calling goroutine, with its rows gathered as g says;
// it returns the first error of selecting or consuming, or ctx's. Batches
// are selected on workers goroutines (Options.ScanWorkers); 0 means
// GOMAXPROCS when they hold minParallelRows rows or more, else one. The
// WHERE reads ix's postings (Options.Index; nil: none).
func (n *tstatsNode) scan(ctx context.Context, workers int, ix *RowIndex, batches []arrow.RecordBatch, g *gatherSpec, consume func(arrow.RecordBatch, *picked) error) error {
	if workers <= 0 {
		rows := 0
		for _, b := range batches {
			rows += int(b.NumRows())
		}
		workers = 1
		if rows >= minParallelRows {
			workers = runtime.GOMAXPROCS(0)
		}
	}
	return n.scanWith(ctx, batches, workers, ix, g, consume)
}

// pick selects the rows of b into p and gathers them.
func (n *tstatsNode) pick(st *scanState, b arrow.RecordBatch, g *gatherSpec, p *picked) error {
	sel, err := n.selectRows(st, b, p.sel)
	if err != nil {
		return err
	}
	p.sel = sel
	if len(sel) > 0 {
		g.gather(b, p)
	}
	return nil
}

// scanWith is scan with at most workers goroutines selecting; with one,
// the calling goroutine selects.
func (n *tstatsNode) scanWith(ctx context.Context, batches []arrow.RecordBatch, workers int, ix *RowIndex, g *gatherSpec, consume func(arrow.RecordBatch, *picked) error) error {
	workers = min(workers, len(batches))
	if workers < 2 {
		st := n.newScanState(ix)
		p := &picked{}
		for _, b := range batches {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := n.pick(st, b, g, p); err != nil {
				return err
			}
			if len(p.sel) == 0 {
				continue
			}
			if err := consume(b, p); err != nil {
				return err
			}
		}
		return nil
	}
	return n.scanParallel(ctx, batches, workers, ix, g, consume)
}

// scanParallel is scan with workers goroutines selecting. A goroutine
// takes a free buffer, then the next batch index, so that the batches in
// flight are those after the one the caller waits for and at most
// 2×workers buffers exist: the batch the caller waits for is always held
// by a goroutine that has its buffer.
func (n *tstatsNode) scanParallel(ctx context.Context, batches []arrow.RecordBatch, workers int, ix *RowIndex, g *gatherSpec, consume func(arrow.RecordBatch, *picked) error) error {
	free := make(chan *picked, 2*workers)
	for range cap(free) {
		free <- &picked{}
	}
	done := make(chan struct{})
	type result struct {
		p   *picked
		err error
	}
	results := make([]chan result, len(batches))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := n.newScanState(ix)
			for {
				var p *picked
				select {
				case p = <-free:
				case <-done:
					return
				}
				select {
				case <-done: // both were ready: stop
					return
				default:
				}
				i := int(next.Add(1) - 1)
				if i >= len(batches) {
					return
				}
				err := n.pick(st, batches[i], g, p)
				results[i] <- result{p, err}
			}
		}()
	}
	defer func() {
		close(done)
		wg.Wait()
	}()
	for i, b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		if len(r.p.sel) > 0 {
			if err := consume(b, r.p); err != nil {
				return err
			}
		}
		free <- r.p
	}
	return nil
}
