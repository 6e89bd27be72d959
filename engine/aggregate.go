package engine

import (
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/engine/internal/agg"
	"github.com/minispl/minispl/engine/internal/value"
)

// aggregator is tstats' hash aggregation: the group table and function
// states that stats uses (engine/internal/agg), fed from the store's
// dictionary columns. Each BY column maps a batch's dictionary entries to
// key codes once per dictionary (not per row), and a row's key code is a
// lookup by its dictionary index; argument values likewise are parsed and
// interned once per dictionary entry.
type aggregator struct {
	n       *tstatsNode
	keys    []*tstatsKey
	groups  *agg.GroupTable
	codes   [][]int32 // per key, per selected row
	tuple   []int32
	gids    []int32 // per selected row; -1 = dropped (null key)
	readers []*agg.ArgReader
	states  []agg.State
	batch   agg.Batch
	needT   bool    // some state reads batch.times
	needMs  bool    // some state reads batch.tms
	tms     []int64 // batch.TimesMs when loadTimes reads the column
}

func newAggregator(n *tstatsNode) *aggregator {
	a := &aggregator{n: n}
	kcs := make([]*agg.KeyCol, len(n.keys))
	for i, k := range n.keys {
		kcs[i] = agg.NewKeyCol()
		tk := &tstatsKey{ref: k, kc: kcs[i], fill: n.fill}
		if k.isTime {
			tk.span = n.span
		}
		a.keys = append(a.keys, tk)
	}
	a.groups = agg.NewGroupTable(kcs)
	a.codes = make([][]int32, len(a.keys))
	a.tuple = make([]int32, len(a.keys))
	for _, s := range n.aggs {
		if s.arg.isTime && !s.bare && (s.kind == agg.Min || s.kind == agg.Max || s.kind == agg.Earliest || s.kind == agg.Latest) {
			// _time fast path: no value entries.
			a.readers = append(a.readers, nil)
			a.states = append(a.states, &agg.TimeExtremeState{Max: s.kind == agg.Max || s.kind == agg.Latest})
			a.needMs = true
			continue
		}
		var r *agg.ArgReader
		if !s.bare {
			r = agg.NewArgReader(s.kind)
		}
		a.readers = append(a.readers, r)
		a.states = append(a.states, agg.NewState(s.kind, s.pct, r))
		a.needT = a.needT || s.kind.NeedsTime()
	}
	for _, s := range a.states {
		s.Grow(a.groups.Len())
	}
	return a
}

// gatherSpec is what a scan gathers for consume: the BY columns that are
// not _time and, when a state reads it, the _time column.
func (a *aggregator) gatherSpec() *gatherSpec {
	g := &gatherSpec{timeCol: -1}
	for _, tk := range a.keys {
		col := tk.ref.col
		if tk.ref.isTime {
			col = -1
		}
		g.keyCols = append(g.keyCols, col)
	}
	if a.needT || a.needMs {
		g.timeCol = a.n.timeCol
	}
	return g
}

// consume adds the selected rows of b, p.sel, reading what the scan
// gathered (p) where it did.
func (a *aggregator) consume(b arrow.RecordBatch, p *picked) error {
	sel := p.sel
	for k, tk := range a.keys {
		var ix []int32
		if k < len(p.gotKey) && p.gotKey[k] {
			ix = p.keys[k]
		}
		c, err := tk.codesFor(b, sel, ix, a.codes[k][:0])
		if err != nil {
			return err
		}
		a.codes[k] = c
	}
	a.gids = a.gids[:0]
	switch len(a.keys) {
	case 0:
		for range sel {
			a.gids = append(a.gids, 0)
		}
	case 1:
		for _, c := range a.codes[0] {
			g := int32(-1)
			if c >= 0 {
				g = a.groups.One(c)
			}
			a.gids = append(a.gids, g)
		}
	case 2:
		c0, c1 := a.codes[0], a.codes[1]
		for j := range sel {
			g := int32(-1)
			if c0[j] >= 0 && c1[j] >= 0 {
				g = a.groups.Two(c0[j], c1[j])
			}
			a.gids = append(a.gids, g)
		}
	default:
	rows:
		for j := range sel {
			for k := range a.keys {
				c := a.codes[k][j]
				if c < 0 {
					a.gids = append(a.gids, -1)
					continue rows
				}
				a.tuple[k] = c
			}
			a.gids = append(a.gids, a.groups.ID(a.tuple))
		}
	}
	for _, s := range a.states {
		s.Grow(a.groups.Len())
	}
	for i, r := range a.readers {
		if r == nil {
			continue
		}
		arg := a.n.aggs[i].arg
		if arg.col < 0 {
			r.LoadNull(len(sel))
			continue
		}
		if err := r.LoadArrow(b.Column(arg.col), sel); err != nil {
			return fmt.Errorf("%s: %w", arg.name, err)
		}
	}
	if a.needT || a.needMs {
		if err := a.loadTimes(b, p); err != nil {
			return err
		}
	}
	for _, s := range a.states {
		s.Add(&a.batch, nil, a.gids)
	}
	return nil
}

// loadTimes loads the _time of the selected rows into a.batch: times in
// epoch seconds when a.needT, tms in epoch milliseconds when a.needMs;
// from p.tms when the scan gathered them.
func (a *aggregator) loadTimes(b arrow.RecordBatch, p *picked) error {
	// TimesMs is p.tms (the scan's buffer, read during consume only) or
	// a.tms, never a buffer of an earlier batch's picked.
	a.batch.Times, a.batch.TimesMs = a.batch.Times[:0], a.tms[:0]
	if p.gotTms {
		if a.needMs {
			a.batch.TimesMs = p.tms
		}
		if a.needT {
			for _, ms := range p.tms {
				t := math.NaN()
				if ms != agg.NoTime {
					t = float64(ms) / 1000
				}
				a.batch.Times = append(a.batch.Times, t)
			}
		}
		return nil
	}
	sel := p.sel
	if a.n.timeCol < 0 {
		return fmt.Errorf("dataset %s has no _time column", a.n.ds.FullName())
	}
	ts, ok := b.Column(a.n.timeCol).(*array.Timestamp)
	if !ok {
		return fmt.Errorf("_time column has type %s, want timestamp", b.Column(a.n.timeCol).DataType())
	}
	unit := ts.DataType().(*arrow.TimestampType).Unit
	toMs := value.TimestampToMs(unit)
	vals := ts.TimestampValues()
	nulls := ts.NullN() > 0
	if a.needMs {
		tms := slices.Grow(a.batch.TimesMs, len(sel))[:len(sel)]
		switch {
		case unit == arrow.Millisecond && !nulls:
			for j, r := range sel {
				tms[j] = int64(vals[r])
			}
		default:
			for j, r := range sel {
				tms[j] = agg.NoTime
				if !nulls || ts.IsValid(int(r)) {
					tms[j] = toMs(int64(vals[r]))
				}
			}
		}
		a.batch.TimesMs, a.tms = tms, tms
	}
	if a.needT {
		for _, r := range sel {
			t := math.NaN()
			if !nulls || ts.IsValid(int(r)) {
				t = float64(toMs(int64(vals[r]))) / 1000
			}
			a.batch.Times = append(a.batch.Times, t)
		}
	}
	return nil
}

// finish sorts the groups by their BY values and builds the output batches.
// count and dc give int64 columns, values a list<utf8> column; the other
// functions the narrowest column of their results (Vector.Build).
func (a *aggregator) finish(env *execEnv) ([]arrow.RecordBatch, error) {
	order := a.groups.Order()
	mem := env.mem
	var cols []arrow.Array
	codes := a.groups.Columns(order)
	for k, tk := range a.keys {
		if tk.ref.isTime {
			bld := array.NewFloat64Builder(mem)
			bld.Reserve(len(order))
			for _, c := range codes[k] {
				bld.UnsafeAppend(float64(tk.kc.Times[c]) / 1000)
			}
			cols = append(cols, bld.NewArray())
			bld.Release()
			continue
		}
		cols = append(cols, stringColumn(mem, tk.kc.Strs, codes[k]))
	}
	var v value.Vector
	for i, s := range a.states {
		v.Reset(len(order))
		for j, g := range order {
			s.Result(g, &v, j)
		}
		switch a.n.aggs[i].kind {
		case agg.Count, agg.DC: // dc, distinct_count and estdc
			bld := array.NewInt64Builder(mem)
			bld.Reserve(len(order))
			for j := range order {
				bld.UnsafeAppend(int64(v.Nums[j]))
			}
			cols = append(cols, bld.NewArray())
			bld.Release()
		case agg.Values:
			cols = append(cols, value.BuildList(mem, &v))
		default:
			cols = append(cols, v.Build(mem))
		}
	}
	n := len(order)
	rec := newBatch(a.n.out, cols, n)
	defer rec.Release()
	var out []arrow.RecordBatch
	for i := 0; i < n; i += env.batchSize {
		out = append(out, rec.NewSlice(int64(i), int64(min(i+env.batchSize, n))))
	}
	return out, nil
}

// stringColumn returns the utf8 column of strs[c] for each code c of
// codes (no nulls), its offsets and bytes written in two passes into
// buffers of their final size (a StringBuilder grows its data buffer as
// it appends: keys repeated over groups hold more bytes than the
// distinct values).
func stringColumn(mem memory.Allocator, strs []string, codes []int32) arrow.Array {
	size := 0
	for _, c := range codes {
		size += len(strs[c])
	}
	if size > math.MaxInt32 {
		// Past the offsets of utf8; the builder reports it.
		bld := array.NewStringBuilder(mem)
		defer bld.Release()
		for _, c := range codes {
			bld.Append(strs[c])
		}
		return bld.NewArray()
	}
	n := len(codes)
	offs := memory.NewResizableBuffer(mem)
	offs.Resize(arrow.Int32Traits.BytesRequired(n + 1))
	data := memory.NewResizableBuffer(mem)
	data.Resize(size)
	defer offs.Release()
	defer data.Release()
	o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
	d := data.Bytes()
	pos := 0
	for j, c := range codes {
		o[j] = int32(pos)
		pos += copy(d[pos:], strs[c])
	}
	o[n] = int32(pos)
	ad := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offs, data}, nil, 0, 0)
	defer ad.Release()
	return array.NewStringData(ad)
}

// unresolved marks a dictionary entry not interned yet.
const unresolved = -2

// tstatsKey reads the key codes of one tstats BY field.
type tstatsKey struct {
	ref  fieldRef
	kc   *agg.KeyCol
	fill *string
	span *value.Span
	// Dictionary cache: codes of the entries of the last dictionary seen.
	dict     arrow.ArrayData
	dictCode []int32
	fillCode int32
	hasFill  bool
}

// nullCode is the code for a null key: the fillnull_value, or -1 (drop).
func (k *tstatsKey) nullCode() int32 {
	if k.fill == nil {
		return -1
	}
	if !k.hasFill {
		k.fillCode, k.hasFill = k.kc.Code(*k.fill), true
	}
	return k.fillCode
}

// codesFor appends the code of every selected row to out. ix, when not
// nil, holds the dictionary index of each selected row (-1 for a null),
// gathered by the scan from the row's dictionary column.
func (k *tstatsKey) codesFor(b arrow.RecordBatch, sel, ix []int32, out []int32) ([]int32, error) {
	if k.ref.col < 0 {
		nc := k.nullCode()
		for range sel {
			out = append(out, nc)
		}
		return out, nil
	}
	col := b.Column(k.ref.col)
	switch c := col.(type) {
	case *array.Timestamp:
		toMs := value.TimestampToMs(c.DataType().(*arrow.TimestampType).Unit)
		vals := c.TimestampValues()
		for _, r := range sel {
			if c.IsNull(int(r)) {
				out = append(out, -1)
				continue
			}
			ms := toMs(int64(vals[r]))
			if k.span != nil {
				ms = k.span.Bucket(ms)
			}
			out = append(out, k.kc.TimeCode(ms))
		}
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("BY %s: unsupported dictionary value type %s", k.ref.name, c.Dictionary().DataType())
		}
		if k.dict != dict.Data() {
			// Entries are interned when a selected row first uses them,
			// so a selective WHERE does not intern whole dictionaries.
			k.dict = dict.Data()
			k.dictCode = slices.Grow(k.dictCode[:0], dict.Len())[:dict.Len()]
			for i := range k.dictCode {
				k.dictCode[i] = unresolved
			}
		}
		code := func(ix int) int32 {
			c := k.dictCode[ix]
			if c == unresolved {
				if dict.IsNull(ix) {
					c = k.nullCode()
				} else {
					c = k.kc.Code(dict.Value(ix))
				}
				k.dictCode[ix] = c
			}
			return c
		}
		nc := k.nullCode()
		if ix != nil {
			for _, v := range ix {
				switch {
				case v < 0:
					out = append(out, nc)
				case k.dictCode[v] != unresolved:
					out = append(out, k.dictCode[v])
				default:
					out = append(out, code(int(v)))
				}
			}
			break
		}
		noNulls := c.NullN() == 0
		if idx, ok := c.Indices().(*array.Int32); ok {
			vals := idx.Int32Values()
			for _, r := range sel {
				switch {
				case !noNulls && c.IsNull(int(r)):
					out = append(out, nc)
				case k.dictCode[vals[r]] != unresolved:
					out = append(out, k.dictCode[vals[r]])
				default:
					out = append(out, code(int(vals[r])))
				}
			}
			break
		}
		for _, r := range sel {
			if c.IsValid(int(r)) {
				out = append(out, code(c.GetValueIndex(int(r))))
			} else {
				out = append(out, nc)
			}
		}
	case *array.String:
		nc := k.nullCode()
		for _, r := range sel {
			if c.IsValid(int(r)) {
				out = append(out, k.kc.Code(c.Value(int(r))))
			} else {
				out = append(out, nc)
			}
		}
	default:
		return nil, fmt.Errorf("BY %s: unsupported column type %s", k.ref.name, col.DataType())
	}
	return out, nil
}
