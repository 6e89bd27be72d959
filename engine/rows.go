package engine

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/engine/internal/value"
)

// This file holds what the row-shaping commands (stats, eventstats, sort,
// dedup, mvexpand, ...) share: rowStore keeps the batches a blocking
// operator has consumed and reads their cells through the value model, and
// gather builds output batches out of picked rows. Columns of one field may
// have different Arrow types in different batches (Vector.Build picks the
// narrowest type per batch), so rows are copied through Vectors rather than
// with Arrow's typed take kernels, which need one type.

// rowRef names one row of a rowStore: batch index and row within it.
type rowRef struct {
	b, r int32
}

// rowStore holds the input batches of a blocking operator. Every batch has
// the columns fields, in that order (the plan-time field list of the
// input node).
type rowStore struct {
	fields  []string
	batches []arrow.RecordBatch
	vecs    [][]*value.Vector // [batch][column], loaded on first use
}

func newRowStore(fields []string) *rowStore { return &rowStore{fields: fields} }

// add keeps b (the store takes over the caller's reference).
func (s *rowStore) add(b arrow.RecordBatch) {
	s.batches = append(s.batches, b)
	s.vecs = append(s.vecs, make([]*value.Vector, len(s.fields)))
}

// rows returns the number of rows held.
func (s *rowStore) rows() int {
	n := 0
	for _, b := range s.batches {
		n += int(b.NumRows())
	}
	return n
}

// vec returns column col of batch bi as a Vector (loaded once). A column
// that the batch lacks reads as null.
func (s *rowStore) vec(bi, col int) (*value.Vector, error) {
	v := s.vecs[bi][col]
	if v != nil {
		return v, nil
	}
	v = &value.Vector{}
	b := s.batches[bi]
	a := value.ColumnByName(b, s.fields[col])
	if a == nil {
		v.Reset(int(b.NumRows()))
	} else {
		c, err := value.NewColumn(a)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", s.fields[col], err)
		}
		c.Load(v)
	}
	s.vecs[bi][col] = v
	return v, nil
}

// release releases the batches.
func (s *rowStore) release() {
	for _, b := range s.batches {
		b.Release()
	}
	s.batches, s.vecs = nil, nil
}

// emit builds batches of at most size rows holding the rows refs, in
// order, with the store's fields.
func (s *rowStore) emit(mem memory.Allocator, refs []rowRef, size int) ([]arrow.RecordBatch, error) {
	var out []arrow.RecordBatch
	var tmp value.Vector
	for start := 0; start < len(refs); start += size {
		part := refs[start:min(start+size, len(refs))]
		cols := make([]arrow.Array, len(s.fields))
		for c := range s.fields {
			tmp.Reset(len(part))
			for k, ref := range part {
				v, err := s.vec(int(ref.b), c)
				if err != nil {
					releaseAll(cols)
					releaseAll(out)
					return nil, err
				}
				tmp.CopyRow(k, v, int(ref.r))
			}
			cols[c] = tmp.Build(mem)
		}
		out = append(out, newBatch(s.fields, cols, len(part)))
	}
	return out, nil
}

// newBatch makes a batch of the given columns, named names, and releases
// the caller's references to them.
func newBatch(names []string, cols []arrow.Array, rows int) arrow.RecordBatch {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: names[i], Type: c.DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(rows))
	releaseAll(cols)
	return rec
}

// releaseAll releases every non-nil element.
func releaseAll[T interface{ Release() }](xs []T) {
	for _, x := range xs {
		if any(x) != nil {
			x.Release()
		}
	}
}

// nullColumn returns an all-null utf8 column of n rows.
func nullColumn(mem memory.Allocator, n int) arrow.Array {
	bld := array.NewStringBuilder(mem)
	defer bld.Release()
	bld.AppendNulls(n)
	return bld.NewArray()
}

// batchQueue hands out prepared batches one by one; it is the tail of the
// blocking operators.
type batchQueue struct {
	out []arrow.RecordBatch
	pos int
}

// next returns the next batch, or nil at the end.
func (q *batchQueue) next() arrow.RecordBatch {
	if q.pos >= len(q.out) {
		return nil
	}
	b := q.out[q.pos]
	q.out[q.pos] = nil
	q.pos++
	return b
}

// release releases the batches not handed out.
func (q *batchQueue) release() {
	for _, b := range q.out[q.pos:] {
		if b != nil {
			b.Release()
		}
	}
	q.out, q.pos = nil, 0
}

// projectBatch returns a batch with the columns of b named by names, in
// that order; a name b lacks becomes an all-null column. Columns are
// shared, not copied.
func projectBatch(mem memory.Allocator, b arrow.RecordBatch, names []string) arrow.RecordBatch {
	cols := make([]arrow.Array, len(names))
	for i, n := range names {
		if a := value.ColumnByName(b, n); a != nil {
			a.Retain()
			cols[i] = a
		} else {
			cols[i] = nullColumn(mem, int(b.NumRows()))
		}
	}
	return newBatch(names, cols, int(b.NumRows()))
}

// blockingOp is the operator of a blocking node: on the first Next it
// reads its whole input into a rowStore and calls run, then hands out the
// batches run returned.
type blockingOp struct {
	in     operator
	env    *execEnv
	fields []string
	run    func(ctx context.Context, s *rowStore) ([]arrow.RecordBatch, error)
	q      batchQueue
	done   bool
}

func (o *blockingOp) Open(ctx context.Context) error { return o.in.Open(ctx) }

func (o *blockingOp) Close() {
	o.q.release()
	o.in.Close()
}

func (o *blockingOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.done {
		o.done = true
		s := newRowStore(o.fields)
		defer s.release()
		for {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			b, err := o.in.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			s.add(b)
		}
		out, err := o.run(ctx, s)
		if err != nil {
			return nil, err
		}
		o.q.out = out
	}
	if b := o.q.next(); b != nil {
		return b, nil
	}
	return nil, io.EOF
}

// streamOp is the operator of a row-wise node: step turns each input batch
// into an output batch (nil: nothing to emit for this batch) and may end
// the stream early by returning stop. step must not release b (streamOp
// does, after step); a batch it returns is the caller's, so returning b
// itself means retaining it first. open, when set, runs once after the
// input is open, for work that needs the execution's context (search binds
// its subsearch terms there).
type streamOp struct {
	in      operator
	open    func(ctx context.Context) error
	step    func(ctx context.Context, b arrow.RecordBatch) (out arrow.RecordBatch, stop bool, err error)
	stopped bool
}

func (o *streamOp) Open(ctx context.Context) error {
	if err := o.in.Open(ctx); err != nil {
		return err
	}
	if o.open != nil {
		return o.open(ctx)
	}
	return nil
}

func (o *streamOp) Close() { o.in.Close() }

func (o *streamOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for !o.stopped {
		b, err := o.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		out, stop, err := o.step(ctx, b)
		b.Release()
		if err != nil {
			if out != nil {
				out.Release()
			}
			return nil, err
		}
		o.stopped = stop
		if out != nil {
			return out, nil
		}
	}
	return nil, io.EOF
}

// maskBatch is the engine's one row filter (search, where, regex, dedup,
// lookup...): it returns the rows of b whose mask is true, in order; b
// itself, retained, when all are; nil when none are. The caller keeps its
// reference to b. Rows are selected with compute.FilterRecordBatch over
// every column at once (per-column FilterArray is quadratic on strings in
// arrow-go v18.8.0).
func maskBatch(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch, mask []bool) (arrow.RecordBatch, error) {
	if len(mask) != int(b.NumRows()) {
		return nil, fmt.Errorf("filter: mask of %d rows for a batch of %d", len(mask), b.NumRows())
	}
	kept := 0
	for _, m := range mask {
		if m {
			kept++
		}
	}
	switch kept {
	case len(mask):
		b.Retain()
		return b, nil
	case 0:
		return nil, nil
	}
	bld := array.NewBooleanBuilder(mem)
	bld.AppendValues(mask, nil)
	m := bld.NewArray()
	bld.Release()
	defer m.Release()
	out, err := compute.FilterRecordBatch(compute.WithAllocator(ctx, mem), b, m, compute.DefaultFilterOptions())
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	return out, nil
}
