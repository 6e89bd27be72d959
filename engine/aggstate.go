package engine

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// aggState is the per-group state of one aggregate function.
type aggState interface {
	// grow makes room for n groups.
	grow(n int)
	// consume adds the selected rows of b; gids[j] is the group of row
	// sel[j] (-1: dropped); times[j] its _time in ms when loaded.
	consume(b arrow.RecordBatch, sel, gids []int32, times []int64) error
	// build returns the output column, one value per group in order.
	build(mem memory.Allocator, order []int32) arrow.Array
}

func newAggState(s aggSpec) aggState {
	vr := &valReader{ref: s.arg}
	switch s.fn {
	case "count":
		return &countState{bare: s.bare, vr: vr}
	case "dc", "values":
		vr.needCode = true
		return &distinctState{values: s.fn == "values", vr: vr, seen: map[uint64]struct{}{}}
	case "min", "max":
		vr.needNum = true
		return &minMaxState{max: s.fn == "max", vr: vr}
	case "sum", "avg":
		vr.needNum = true
		return &sumState{avg: s.fn == "avg", vr: vr}
	default: // earliest, latest
		return &extremeState{latest: s.fn == "latest", vr: vr}
	}
}

// valEntry describes one distinct value of an aggregated field: a
// dictionary entry, or a single row for non-dictionary columns.
type valEntry struct {
	s     string
	num   float64
	isNum bool
	code  int32 // interned code, when needCode
}

// valReader maps the selected rows of a batch to value entries, computing
// the per-value work (number parsing, interning) once per dictionary entry.
type valReader struct {
	ref      fieldRef
	needNum  bool
	needCode bool
	dict     arrow.ArrayData
	ents     []valEntry
	idx      []int32 // per selected row: entry, -1 = null
	intern   map[string]int32
	strs     []string
}

func (v *valReader) entry(s string) valEntry {
	e := valEntry{s: s}
	if v.needNum {
		e.num, e.isNum = parseNumber(s)
	}
	if v.needCode {
		if v.intern == nil {
			v.intern = map[string]int32{}
		}
		c, ok := v.intern[s]
		if !ok {
			c = int32(len(v.strs))
			v.strs = append(v.strs, s)
			v.intern[s] = c
		}
		e.code = c
	}
	return e
}

// load fills v.idx (and v.ents) for the selected rows of b.
func (v *valReader) load(b arrow.RecordBatch, sel []int32) error {
	v.idx = v.idx[:0]
	if v.ref.col < 0 {
		for range sel {
			v.idx = append(v.idx, -1)
		}
		return nil
	}
	col := b.Column(v.ref.col)
	switch c := col.(type) {
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		if !ok {
			return fmt.Errorf("%s: unsupported dictionary value type %s", v.ref.name, c.Dictionary().DataType())
		}
		if v.dict != dict.Data() {
			v.dict = dict.Data()
			v.ents = v.ents[:0]
			for i := 0; i < dict.Len(); i++ {
				v.ents = append(v.ents, v.entry(dict.Value(i)))
			}
		}
		for _, r := range sel {
			if c.IsNull(int(r)) || dict.IsNull(c.GetValueIndex(int(r))) {
				v.idx = append(v.idx, -1)
			} else {
				v.idx = append(v.idx, int32(c.GetValueIndex(int(r))))
			}
		}
	case *array.Timestamp:
		// _time: one entry per row, numeric epoch seconds.
		v.dict = nil
		v.ents = v.ents[:0]
		toMs := timestampToMs(c.DataType().(*arrow.TimestampType).Unit)
		vals := c.TimestampValues()
		for j, r := range sel {
			if c.IsNull(int(r)) {
				v.idx = append(v.idx, -1)
				continue
			}
			f := float64(toMs(int64(vals[r]))) / 1000
			e := valEntry{num: f, isNum: true}
			if v.needCode {
				e = v.entry(FormatNumber(f))
				e.num, e.isNum = f, true
			} else {
				e.s = "" // rendered lazily by users that need text
			}
			v.ents = append(v.ents, e)
			v.idx = append(v.idx, int32(j))
		}
	case *array.String:
		v.dict = nil
		v.ents = v.ents[:0]
		for _, r := range sel {
			if c.IsNull(int(r)) {
				v.idx = append(v.idx, -1)
				continue
			}
			v.ents = append(v.ents, v.entry(c.Value(int(r))))
			v.idx = append(v.idx, int32(len(v.ents)-1))
		}
	default:
		return fmt.Errorf("%s: unsupported column type %s", v.ref.name, col.DataType())
	}
	return nil
}

// text returns the display text of an entry (numbers of _time rendered).
func (v *valReader) text(e valEntry) string {
	if v.ref.isTime {
		return FormatNumber(e.num)
	}
	return e.s
}

// countState is count (rows) or count(f) (non-null values).
type countState struct {
	bare   bool
	vr     *valReader
	counts []int64
}

func (s *countState) grow(n int) {
	for len(s.counts) < n {
		s.counts = append(s.counts, 0)
	}
}

func (s *countState) consume(b arrow.RecordBatch, sel, gids []int32, _ []int64) error {
	if s.bare {
		for _, g := range gids {
			if g >= 0 {
				s.counts[g]++
			}
		}
		return nil
	}
	if s.vr.ref.col < 0 {
		return nil
	}
	col := b.Column(s.vr.ref.col)
	for j, g := range gids {
		if g >= 0 && col.IsValid(int(sel[j])) {
			s.counts[g]++
		}
	}
	return nil
}

func (s *countState) build(mem memory.Allocator, order []int32) arrow.Array {
	bld := array.NewInt64Builder(mem)
	defer bld.Release()
	for _, g := range order {
		bld.Append(s.counts[g])
	}
	return bld.NewArray()
}

// distinctState is dc(f) and values(f): the set of (group, value code).
type distinctState struct {
	values bool
	vr     *valReader
	seen   map[uint64]struct{}
	counts []int64
	lists  [][]int32
}

func (s *distinctState) grow(n int) {
	for len(s.counts) < n {
		s.counts = append(s.counts, 0)
		if s.values {
			s.lists = append(s.lists, nil)
		}
	}
}

func (s *distinctState) consume(b arrow.RecordBatch, sel, gids []int32, _ []int64) error {
	if err := s.vr.load(b, sel); err != nil {
		return err
	}
	for j, g := range gids {
		e := s.vr.idx[j]
		if g < 0 || e < 0 {
			continue
		}
		code := s.vr.ents[e].code
		key := uint64(g)<<32 | uint64(uint32(code))
		if _, ok := s.seen[key]; ok {
			continue
		}
		s.seen[key] = struct{}{}
		s.counts[g]++
		if s.values {
			s.lists[g] = append(s.lists[g], code)
		}
	}
	return nil
}

func (s *distinctState) build(mem memory.Allocator, order []int32) arrow.Array {
	if !s.values {
		bld := array.NewInt64Builder(mem)
		defer bld.Release()
		for _, g := range order {
			bld.Append(s.counts[g])
		}
		return bld.NewArray()
	}
	bld := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer bld.Release()
	vb := bld.ValueBuilder().(*array.StringBuilder)
	var vals []string
	for _, g := range order {
		if len(s.lists[g]) == 0 {
			bld.AppendNull()
			continue
		}
		vals = vals[:0]
		for _, c := range s.lists[g] {
			vals = append(vals, s.vr.strs[c])
		}
		slices.Sort(vals) // byte-wise, as Splunk's lexicographic order
		bld.Append(true)
		for _, v := range vals {
			vb.Append(v)
		}
	}
	return bld.NewArray()
}

// minMaxState is min(f) and max(f) under Splunk's order: numbers (compared
// numerically) before strings (compared byte-wise). So min is the smallest
// number when there is any, max the greatest string when there is any.
type minMaxState struct {
	max    bool
	vr     *valReader
	hasNum []bool
	num    []float64
	hasStr []bool
	str    []string
}

func (s *minMaxState) grow(n int) {
	for len(s.hasNum) < n {
		s.hasNum = append(s.hasNum, false)
		s.num = append(s.num, 0)
		s.hasStr = append(s.hasStr, false)
		s.str = append(s.str, "")
	}
}

func (s *minMaxState) consume(b arrow.RecordBatch, sel, gids []int32, _ []int64) error {
	if err := s.vr.load(b, sel); err != nil {
		return err
	}
	for j, g := range gids {
		ei := s.vr.idx[j]
		if g < 0 || ei < 0 {
			continue
		}
		e := &s.vr.ents[ei]
		if e.isNum {
			if !s.hasNum[g] || (s.max && e.num > s.num[g]) || (!s.max && e.num < s.num[g]) {
				s.hasNum[g], s.num[g] = true, e.num
			}
			continue
		}
		if !s.hasStr[g] || (s.max && e.s > s.str[g]) || (!s.max && e.s < s.str[g]) {
			s.hasStr[g], s.str[g] = true, e.s
		}
	}
	return nil
}

func (s *minMaxState) build(mem memory.Allocator, order []int32) arrow.Array {
	// The result is numeric for a group when min finds a number or max
	// finds no string.
	numeric := func(g int32) bool {
		if s.max {
			return !s.hasStr[g]
		}
		return s.hasNum[g]
	}
	allNum := true
	for _, g := range order {
		if (s.hasNum[g] || s.hasStr[g]) && !numeric(g) {
			allNum = false
		}
	}
	if allNum {
		bld := array.NewFloat64Builder(mem)
		defer bld.Release()
		for _, g := range order {
			if s.hasNum[g] {
				bld.Append(s.num[g])
			} else {
				bld.AppendNull()
			}
		}
		return bld.NewArray()
	}
	bld := array.NewStringBuilder(mem)
	defer bld.Release()
	for _, g := range order {
		switch {
		case !s.hasNum[g] && !s.hasStr[g]:
			bld.AppendNull()
		case numeric(g):
			bld.Append(FormatNumber(s.num[g]))
		default:
			bld.Append(s.str[g])
		}
	}
	return bld.NewArray()
}

// sumState is sum(f) and avg(f) over the numeric values of f; non-numeric
// values are ignored and a group without numbers gives null.
type sumState struct {
	avg bool
	vr  *valReader
	sum []float64
	n   []int64
}

func (s *sumState) grow(n int) {
	for len(s.sum) < n {
		s.sum = append(s.sum, 0)
		s.n = append(s.n, 0)
	}
}

func (s *sumState) consume(b arrow.RecordBatch, sel, gids []int32, _ []int64) error {
	if err := s.vr.load(b, sel); err != nil {
		return err
	}
	for j, g := range gids {
		ei := s.vr.idx[j]
		if g < 0 || ei < 0 || !s.vr.ents[ei].isNum {
			continue
		}
		s.sum[g] += s.vr.ents[ei].num
		s.n[g]++
	}
	return nil
}

func (s *sumState) build(mem memory.Allocator, order []int32) arrow.Array {
	bld := array.NewFloat64Builder(mem)
	defer bld.Release()
	for _, g := range order {
		switch {
		case s.n[g] == 0:
			bld.AppendNull()
		case s.avg:
			bld.Append(s.sum[g] / float64(s.n[g]))
		default:
			bld.Append(s.sum[g])
		}
	}
	return bld.NewArray()
}

// extremeState is earliest(f) and latest(f): the value of f on the row with
// the smallest (largest) _time among rows where f is not null. Ties keep the
// first row in store order for earliest and the last for latest.
type extremeState struct {
	latest bool
	vr     *valReader
	has    []bool
	t      []int64
	val    []string
	num    []float64
}

func (s *extremeState) grow(n int) {
	for len(s.has) < n {
		s.has = append(s.has, false)
		s.t = append(s.t, 0)
		s.val = append(s.val, "")
		s.num = append(s.num, 0)
	}
}

func (s *extremeState) consume(b arrow.RecordBatch, sel, gids []int32, times []int64) error {
	if err := s.vr.load(b, sel); err != nil {
		return err
	}
	for j, g := range gids {
		ei := s.vr.idx[j]
		if g < 0 || ei < 0 {
			continue
		}
		t := times[j]
		if s.has[g] && ((s.latest && t < s.t[g]) || (!s.latest && t >= s.t[g])) {
			continue
		}
		e := &s.vr.ents[ei]
		s.has[g], s.t[g], s.val[g], s.num[g] = true, t, e.s, e.num
	}
	return nil
}

func (s *extremeState) build(mem memory.Allocator, order []int32) arrow.Array {
	if s.vr.ref.isTime {
		bld := array.NewFloat64Builder(mem)
		defer bld.Release()
		for _, g := range order {
			if s.has[g] {
				bld.Append(s.num[g])
			} else {
				bld.AppendNull()
			}
		}
		return bld.NewArray()
	}
	bld := array.NewStringBuilder(mem)
	defer bld.Release()
	for _, g := range order {
		if s.has[g] {
			bld.Append(s.val[g])
		} else {
			bld.AppendNull()
		}
	}
	return bld.NewArray()
}
