package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// aggregator is tstats' hash aggregation. Group keys are tuples of per-key
// global codes: each BY column interns its strings once per dictionary
// entry (not per row), rows map to codes through the dictionary indices,
// and a code tuple maps to a group id through a slice (one key) or a map
// keyed by the tuple's bytes (several keys; the lookup does not allocate).
// Aggregate states are slices indexed by group id.
type aggregator struct {
	n       *tstatsNode
	keys    []*keyCol
	ngroups int
	gkeys   []int32 // ngroups × len(keys) codes
	gmap    map[string]int32
	direct  []int32 // one key: code → group id + 1 (0 = none yet)
	keybuf  []byte
	codes   [][]int32 // per key, per selected row
	gids    []int32   // per selected row; -1 = dropped (null key)
	times   []int64   // per selected row _time in ms, when needed
	aggs    []aggState
	needT   bool
}

func newAggregator(n *tstatsNode) *aggregator {
	a := &aggregator{n: n, gmap: map[string]int32{}}
	for _, k := range n.keys {
		kc := &keyCol{ref: k, fill: n.fill, intern: map[string]int32{}, tintern: map[int64]int32{}}
		if k.isTime {
			kc.span = n.span
		}
		a.keys = append(a.keys, kc)
	}
	a.codes = make([][]int32, len(a.keys))
	for _, s := range n.aggs {
		st := newAggState(s)
		a.needT = a.needT || s.fn == "earliest" || s.fn == "latest"
		a.aggs = append(a.aggs, st)
	}
	if len(a.keys) == 0 {
		// No BY clause: exactly one group, even when nothing matches.
		a.ngroups = 1
		for _, s := range a.aggs {
			s.grow(1)
		}
	}
	return a
}

// consume adds the selected rows of b.
func (a *aggregator) consume(b arrow.RecordBatch, sel []int32) error {
	for k, kc := range a.keys {
		c, err := kc.codesFor(b, sel, a.codes[k][:0])
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
			if c < 0 {
				a.gids = append(a.gids, -1)
				continue
			}
			for int(c) >= len(a.direct) {
				a.direct = append(a.direct, 0)
			}
			g := a.direct[c] - 1
			if g < 0 {
				g = a.newGroup([]int32{c})
				a.direct[c] = g + 1
			}
			a.gids = append(a.gids, g)
		}
	default:
		nk := len(a.keys)
		if cap(a.keybuf) < 4*nk {
			a.keybuf = make([]byte, 4*nk)
		}
		buf := a.keybuf[:4*nk]
		tuple := make([]int32, nk)
	rows:
		for j := range sel {
			for k := 0; k < nk; k++ {
				c := a.codes[k][j]
				if c < 0 {
					a.gids = append(a.gids, -1)
					continue rows
				}
				tuple[k] = c
				buf[4*k], buf[4*k+1], buf[4*k+2], buf[4*k+3] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
			}
			g, ok := a.gmap[string(buf)]
			if !ok {
				g = a.newGroup(tuple)
				a.gmap[string(buf)] = g
			}
			a.gids = append(a.gids, g)
		}
	}
	for _, s := range a.aggs {
		s.grow(a.ngroups)
	}
	if a.needT {
		if err := a.loadTimes(b, sel); err != nil {
			return err
		}
	}
	for _, s := range a.aggs {
		if err := s.consume(b, sel, a.gids, a.times); err != nil {
			return err
		}
	}
	return nil
}

func (a *aggregator) newGroup(tuple []int32) int32 {
	g := int32(a.ngroups)
	a.ngroups++
	a.gkeys = append(a.gkeys, tuple...)
	return g
}

func (a *aggregator) loadTimes(b arrow.RecordBatch, sel []int32) error {
	a.times = a.times[:0]
	if a.n.timeCol < 0 {
		return fmt.Errorf("dataset %s has no _time column", a.n.ds.FullName())
	}
	ts, ok := b.Column(a.n.timeCol).(*array.Timestamp)
	if !ok {
		return fmt.Errorf("_time column has type %s, want timestamp", b.Column(a.n.timeCol).DataType())
	}
	toMs := timestampToMs(ts.DataType().(*arrow.TimestampType).Unit)
	vals := ts.TimestampValues()
	for _, r := range sel {
		a.times = append(a.times, toMs(int64(vals[r])))
	}
	return nil
}

// finish sorts the groups by their BY values and builds the output batches.
func (a *aggregator) finish(env *execEnv) ([]arrow.RecordBatch, error) {
	order := make([]int32, a.ngroups)
	for i := range order {
		order[i] = int32(i)
	}
	nk := len(a.keys)
	slices.SortStableFunc(order, func(x, y int32) int {
		for k, kc := range a.keys {
			cx, cy := a.gkeys[int(x)*nk+k], a.gkeys[int(y)*nk+k]
			if cx == cy {
				continue
			}
			if kc.ref.isTime {
				return compareInt(kc.times[cx], kc.times[cy])
			}
			return strings.Compare(kc.strs[cx], kc.strs[cy])
		}
		return 0
	})
	mem := env.mem
	var cols []arrow.Array
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	for k, kc := range a.keys {
		if kc.ref.isTime {
			bld := array.NewFloat64Builder(mem)
			for _, g := range order {
				bld.Append(float64(kc.times[a.gkeys[int(g)*nk+k]]) / 1000)
			}
			cols = append(cols, bld.NewArray())
			bld.Release()
			continue
		}
		bld := array.NewStringBuilder(mem)
		for _, g := range order {
			bld.Append(kc.strs[a.gkeys[int(g)*nk+k]])
		}
		cols = append(cols, bld.NewArray())
		bld.Release()
	}
	for _, s := range a.aggs {
		cols = append(cols, s.build(mem, order))
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: a.n.out[i], Type: c.DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(a.ngroups))
	release()
	defer rec.Release()
	var out []arrow.RecordBatch
	for i := 0; i < a.ngroups; i += env.batchSize {
		out = append(out, rec.NewSlice(int64(i), int64(min(i+env.batchSize, a.ngroups))))
	}
	return out, nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// keyCol interns the values of one BY field.
type keyCol struct {
	ref  fieldRef
	fill *string
	span *timeSpan
	// String keys: code → value.
	intern map[string]int32
	strs   []string
	// Time keys: code → bucket start in ms.
	tintern map[int64]int32
	times   []int64
	// Dictionary cache: codes of the entries of the last dictionary seen.
	dict     arrow.ArrayData
	dictCode []int32
	fillCode int32
	hasFill  bool
}

func (k *keyCol) internStr(s string) int32 {
	c, ok := k.intern[s]
	if !ok {
		c = int32(len(k.strs))
		k.strs = append(k.strs, s)
		k.intern[s] = c
	}
	return c
}

// nullCode is the code for a null key: the fillnull_value, or -1 (drop).
func (k *keyCol) nullCode() int32 {
	if k.fill == nil {
		return -1
	}
	if !k.hasFill {
		k.fillCode, k.hasFill = k.internStr(*k.fill), true
	}
	return k.fillCode
}

// codesFor appends the code of every selected row to out.
func (k *keyCol) codesFor(b arrow.RecordBatch, sel []int32, out []int32) ([]int32, error) {
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
		toMs := timestampToMs(c.DataType().(*arrow.TimestampType).Unit)
		vals := c.TimestampValues()
		for _, r := range sel {
			ms := toMs(int64(vals[r]))
			if k.span != nil {
				ms = k.span.bucket(ms)
			}
			code, ok := k.tintern[ms]
			if !ok {
				code = int32(len(k.times))
				k.times = append(k.times, ms)
				k.tintern[ms] = code
			}
			out = append(out, code)
		}
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("BY %s: unsupported dictionary value type %s", k.ref.name, c.Dictionary().DataType())
		}
		if k.dict != dict.Data() {
			k.dict = dict.Data()
			k.dictCode = k.dictCode[:0]
			for i := 0; i < dict.Len(); i++ {
				if dict.IsNull(i) {
					k.dictCode = append(k.dictCode, k.nullCode())
				} else {
					k.dictCode = append(k.dictCode, k.internStr(dict.Value(i)))
				}
			}
		}
		nc := k.nullCode()
		noNulls := c.NullN() == 0
		if idx, ok := c.Indices().(*array.Int32); ok {
			vals := idx.Int32Values()
			for _, r := range sel {
				if noNulls || c.IsValid(int(r)) {
					out = append(out, k.dictCode[vals[r]])
				} else {
					out = append(out, nc)
				}
			}
			break
		}
		for _, r := range sel {
			if c.IsValid(int(r)) {
				out = append(out, k.dictCode[c.GetValueIndex(int(r))])
			} else {
				out = append(out, nc)
			}
		}
	case *array.String:
		nc := k.nullCode()
		for _, r := range sel {
			if c.IsValid(int(r)) {
				out = append(out, k.internStr(c.Value(int(r))))
			} else {
				out = append(out, nc)
			}
		}
	default:
		return nil, fmt.Errorf("BY %s: unsupported column type %s", k.ref.name, col.DataType())
	}
	return out, nil
}
