package agg

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/value"
)

// This file holds the aggregate function states shared by tstats, stats
// and eventstats (statsfuncs.go names the functions and lists the choices
// made on their semantics).
//
// A function's argument is read per batch by an ArgReader, which maps each
// input row to the entries of its values: a dictionary column (tstats'
// store columns) gives one entry per dictionary entry, so number parsing
// and string interning run once per distinct value and the per-row work is
// an index copy; a Vector (the columns other operators produce) gives one
// entry per value. States keep their data in slices indexed by group id
// and consume a batch at a time: pairs of (row, group) from the group
// table, rows nil meaning row i for pair i.

// valEntry is one value of an aggregated argument.
type valEntry struct {
	s     string // text; "" for a computed number until rendered
	num   float64
	isNum bool
	// computed marks a number without text of its own (a time, an eval
	// result): results keep it a number.
	computed bool
	code     int32 // interned code, when the reader interns
}

// ArgReader maps the rows of a batch to the value entries of one
// function's argument. Row j's values are idx[j] (one value, -1 = null)
// or, when off is set, idx[off[j]:off[j+1]].
type ArgReader struct {
	needNum     bool
	needCode    bool
	internTable // the values, when needCode
	dict        arrow.ArrayData
	dictEnts    []valEntry
	dictDone    []bool // dictEnts[i] is complete
	ents        []valEntry
	idx         []int32
	off         []int32
}

func NewArgReader(k Func) *ArgReader {
	r := &ArgReader{}
	switch k {
	case Count, EarliestTime, LatestTime:
	case Min, Max, Sum, Avg, Range, Var, Varp, Stdev, Stdevp, Sumsq, Median, Perc, Rate:
		r.needNum = true
	default:
		r.needCode = true
	}
	return r
}

// values returns the entries of row j.
func (r *ArgReader) values(j int) []int32 {
	if r.off != nil {
		return r.idx[r.off[j]:r.off[j+1]]
	}
	if r.idx[j] < 0 {
		return nil
	}
	return r.idx[j : j+1]
}

// text returns the display text of entry e.
func (r *ArgReader) text(e *valEntry) string {
	if e.s == "" && e.computed {
		return value.FormatNumber(e.num)
	}
	return e.s
}

// finish completes entry e as the reader's functions need: the number
// its text parses as (when parse is set; a Vector value's kind is already
// decided) and its interned code.
func (r *ArgReader) finish(e valEntry, parse bool) valEntry {
	if r.needNum && parse {
		e.num, e.isNum = value.ParseNumber(e.s)
	}
	if r.needCode {
		e.code = r.Code(r.text(&e))
	}
	return e
}

// LoadNull makes every one of n rows null.
func (r *ArgReader) LoadNull(n int) {
	r.off = nil
	r.idx = slices.Grow(r.idx[:0], n)[:n]
	for j := range r.idx {
		r.idx[j] = -1
	}
}

// LoadArrow reads the rows sel of a store column (tstats): a dictionary
// of strings, a timestamp (epoch seconds, a computed number) or strings.
func (r *ArgReader) LoadArrow(col arrow.Array, sel []int32) error {
	r.off = nil
	r.idx = r.idx[:0]
	switch c := col.(type) {
	case *array.Dictionary:
		dict, ok := c.Dictionary().(*array.String)
		if !ok {
			return fmt.Errorf("unsupported dictionary value type %s", c.Dictionary().DataType())
		}
		if r.dict != dict.Data() {
			// Entries are completed when a selected row first uses them.
			r.dict = dict.Data()
			r.dictEnts = slices.Grow(r.dictEnts[:0], dict.Len())[:dict.Len()]
			r.dictDone = slices.Grow(r.dictDone[:0], dict.Len())[:dict.Len()]
			clear(r.dictDone)
		}
		r.ents = r.dictEnts
		nulls := c.NullN() > 0 || dict.NullN() > 0
		ix, _ := c.Indices().(*array.Int32)
		for _, j := range sel {
			if nulls && (c.IsNull(int(j)) || dict.IsNull(c.GetValueIndex(int(j)))) {
				r.idx = append(r.idx, -1)
				continue
			}
			var e int32
			if ix != nil {
				e = ix.Value(int(j))
			} else {
				e = int32(c.GetValueIndex(int(j)))
			}
			if !r.dictDone[e] {
				r.dictEnts[e] = r.finish(valEntry{s: dict.Value(int(e))}, true)
				r.dictDone[e] = true
			}
			r.idx = append(r.idx, e)
		}
	case *array.Timestamp:
		r.dict, r.ents = nil, r.ents[:0]
		toMs := value.TimestampToMs(c.DataType().(*arrow.TimestampType).Unit)
		vals := c.TimestampValues()
		for _, j := range sel {
			if c.IsNull(int(j)) {
				r.idx = append(r.idx, -1)
				continue
			}
			f := float64(toMs(int64(vals[j]))) / 1000
			r.ents = append(r.ents, r.finish(valEntry{num: f, isNum: true, computed: true}, false))
			r.idx = append(r.idx, int32(len(r.ents)-1))
		}
	case *array.String:
		r.dict, r.ents = nil, r.ents[:0]
		for _, j := range sel {
			if c.IsNull(int(j)) {
				r.idx = append(r.idx, -1)
				continue
			}
			r.ents = append(r.ents, r.finish(valEntry{s: c.Value(int(j))}, true))
			r.idx = append(r.idx, int32(len(r.ents)-1))
		}
	default:
		return fmt.Errorf("unsupported column type %s", col.DataType())
	}
	return nil
}

// LoadVector reads every row of v (stats, eventstats). Each value of a
// multivalue row is an entry.
func (r *ArgReader) LoadVector(v *value.Vector) {
	n := v.Len()
	r.dict, r.ents, r.idx = nil, r.ents[:0], r.idx[:0]
	r.off = nil
	multi := slices.Contains(v.Kinds, value.KindMulti)
	if multi {
		r.off = append(r.off[:0], 0)
	}
	for j := 0; j < n; j++ {
		switch v.Kinds[j] {
		case value.KindNull:
			if !multi {
				r.idx = append(r.idx, -1)
			}
		case value.KindMulti:
			for _, x := range v.Multi[j] {
				r.ents = append(r.ents, r.finish(valEntry{s: x}, true))
				r.idx = append(r.idx, int32(len(r.ents)-1))
			}
		default:
			e := valEntry{}
			if f, ok := v.Num(j); ok {
				e.num, e.isNum = f, true
				e.s = v.Strs[j]
				e.computed = e.s == ""
			} else {
				e.s, _ = v.Str(j)
			}
			r.ents = append(r.ents, r.finish(e, false))
			r.idx = append(r.idx, int32(len(r.ents)-1))
		}
		if multi {
			r.off = append(r.off, int32(len(r.idx)))
		}
	}
}

// Batch is what every state of one batch shares: the _time of each row
// in epoch seconds (NaN when absent), loaded when a function needs it, and
// (tstats only, for timeExtremeState) in epoch milliseconds, noTime when
// absent.
type Batch struct {
	Times   []float64
	TimesMs []int64
}

// NoTime marks a row without _time in Batch.TimesMs.
const NoTime = math.MinInt64

// State is the per-group state of one aggregate function.
type State interface {
	// Grow makes room for n groups.
	Grow(n int)
	// Add feeds pair i: row rows[i] (i when rows is nil) of the batch to
	// group gids[i]; a negative group is skipped.
	Add(b *Batch, rows, gids []int32)
	// Result writes group g's result into row i of out (left null when
	// there is none).
	Result(g int32, out *value.Vector, i int)
}

// NewState returns the state of function k (percentile pct) reading
// its argument through r (nil for a bare count).
func NewState(k Func, pct float64, r *ArgReader) State {
	switch k {
	case Count:
		return &CountState{r: r}
	case DC, Values:
		return &distinctState{r: r, values: k == Values}
	case List:
		return &listState{r: r}
	case Min, Max:
		return &minMaxState{r: r, max: k == Max}
	case Median, Perc:
		return &percState{r: r, median: k == Median, pct: pct}
	case Mode:
		return &modeState{r: r, counts: map[uint64]int64{}}
	case First, Last, Earliest, Latest:
		return &rowState{r: r, k: k}
	case EarliestTime, LatestTime, Rate:
		return &timeState{r: r, k: k}
	default:
		return &numState{r: r, k: k}
	}
}

func rowOf(rows []int32, i int) int {
	if rows == nil {
		return i
	}
	return int(rows[i])
}

func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}

// CountState is count (rows; r nil), count(f) (values of f: a multivalue
// row counts once per value) and count(eval(cond)) (rows where cond is
// true; cond is set per batch).
type CountState struct {
	r    *ArgReader
	Cond *value.Vector
	n    []int64
}

func (s *CountState) Grow(n int) { s.n = growTo(s.n, n) }

func (s *CountState) Add(_ *Batch, rows, gids []int32) {
	switch {
	case s.Cond != nil:
		for i, g := range gids {
			if g >= 0 {
				if t, ok := s.Cond.Bool(rowOf(rows, i)); ok && t {
					s.n[g]++
				}
			}
		}
	case s.r == nil:
		for _, g := range gids {
			if g >= 0 {
				s.n[g]++
			}
		}
	case s.r.off == nil:
		for i, g := range gids {
			if g >= 0 && s.r.idx[rowOf(rows, i)] >= 0 {
				s.n[g]++
			}
		}
	default:
		for i, g := range gids {
			if g >= 0 {
				s.n[g] += int64(len(s.r.values(rowOf(rows, i))))
			}
		}
	}
}

func (s *CountState) Result(g int32, out *value.Vector, i int) { out.SetNum(i, float64(s.n[g])) }

// distinctState is dc(f) and values(f): the set of (group, value code).
type distinctState struct {
	r      *ArgReader
	values bool
	seen   pairTable // keys (group, code); the slot's g is 1 once seen
	n      []int64
	lists  [][]int32
}

func (s *distinctState) Grow(n int) {
	s.n = growTo(s.n, n)
	if s.values {
		s.lists = growTo(s.lists, n)
	}
}

func (s *distinctState) Add(_ *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		for _, e := range s.r.values(rowOf(rows, i)) {
			code := s.r.ents[e].code
			slot := s.seen.find(uint64(g)<<32 | uint64(uint32(code)))
			if slot.g != 0 {
				continue
			}
			slot.key, slot.g = uint64(g)<<32|uint64(uint32(code)), 1
			s.seen.added()
			s.n[g]++
			if s.values {
				s.lists[g] = append(s.lists[g], code)
			}
		}
	}
}

func (s *distinctState) Result(g int32, out *value.Vector, i int) {
	if !s.values {
		out.SetNum(i, float64(s.n[g]))
		return
	}
	if len(s.lists[g]) == 0 {
		return
	}
	vals := make([]string, len(s.lists[g]))
	for k, c := range s.lists[g] {
		vals[k] = s.r.Strs[c]
	}
	slices.Sort(vals) // byte-wise, Splunk's lexicographic order
	out.SetValues(i, vals)
}

// listCap is list()'s value limit.
const listCap = 100

// listState is list(f): every value in input order, the first listCap.
type listState struct {
	r     *ArgReader
	lists [][]int32
}

func (s *listState) Grow(n int) { s.lists = growTo(s.lists, n) }

func (s *listState) Add(_ *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		for _, e := range s.r.values(rowOf(rows, i)) {
			if len(s.lists[g]) < listCap {
				s.lists[g] = append(s.lists[g], s.r.ents[e].code)
			}
		}
	}
}

func (s *listState) Result(g int32, out *value.Vector, i int) {
	out.SetValues(i, codeStrings(s.r, s.lists[g]))
}

func codeStrings(r *ArgReader, codes []int32) []string {
	if len(codes) == 0 {
		return nil
	}
	vals := make([]string, len(codes))
	for k, c := range codes {
		vals[k] = r.Strs[c]
	}
	return vals
}

// minMaxState is min(f) and max(f) under Splunk's order: numbers (compared
// numerically) before strings (compared byte-wise). So min is the smallest
// number when there is any, max the greatest string when there is any.
type minMaxState struct {
	r      *ArgReader
	max    bool
	hasNum []bool
	num    []float64
	hasStr []bool
	str    []string
}

func (s *minMaxState) Grow(n int) {
	s.hasNum, s.num = growTo(s.hasNum, n), growTo(s.num, n)
	s.hasStr, s.str = growTo(s.hasStr, n), growTo(s.str, n)
}

func (s *minMaxState) Add(_ *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		for _, ei := range s.r.values(rowOf(rows, i)) {
			e := &s.r.ents[ei]
			if e.isNum {
				if !s.hasNum[g] || (s.max && e.num > s.num[g]) || (!s.max && e.num < s.num[g]) {
					s.hasNum[g], s.num[g] = true, e.num
				}
				continue
			}
			if !s.hasStr[g] || (s.max && e.s > s.str[g]) || (!s.max && e.s < s.str[g]) {
				s.hasStr[g], s.str[g] = true, strings.Clone(e.s)
			}
		}
	}
}

func (s *minMaxState) Result(g int32, out *value.Vector, i int) {
	switch {
	case !s.max && s.hasNum[g], s.max && s.hasNum[g] && !s.hasStr[g]:
		out.SetNum(i, s.num[g])
	case s.hasStr[g]:
		out.SetStr(i, s.str[g])
	}
}

// numState is sum, avg, sumsq, range, var, varp, stdev and stdevp over the
// numeric values; non-numeric values are ignored and a group without
// numbers gives null. The variances keep the values and are computed in
// two passes (mean first).
type numState struct {
	r      *ArgReader
	k      Func
	n      []int64
	sum    []float64
	sumsq  []float64
	lo, hi []float64
	nums   [][]float64
}

func (s *numState) keepsValues() bool {
	return s.k == Var || s.k == Varp || s.k == Stdev || s.k == Stdevp
}

func (s *numState) Grow(n int) {
	s.n, s.sum, s.sumsq = growTo(s.n, n), growTo(s.sum, n), growTo(s.sumsq, n)
	s.lo, s.hi = growTo(s.lo, n), growTo(s.hi, n)
	if s.keepsValues() {
		s.nums = growTo(s.nums, n)
	}
}

func (s *numState) Add(_ *Batch, rows, gids []int32) {
	keep := s.keepsValues()
	for i, g := range gids {
		if g < 0 {
			continue
		}
		for _, ei := range s.r.values(rowOf(rows, i)) {
			e := &s.r.ents[ei]
			if !e.isNum {
				continue
			}
			f := e.num
			if s.n[g] == 0 || f < s.lo[g] {
				s.lo[g] = f
			}
			if s.n[g] == 0 || f > s.hi[g] {
				s.hi[g] = f
			}
			s.n[g]++
			s.sum[g] += f
			s.sumsq[g] += f * f
			if keep {
				s.nums[g] = append(s.nums[g], f)
			}
		}
	}
}

func (s *numState) Result(g int32, out *value.Vector, i int) {
	if s.n[g] == 0 {
		return
	}
	n := float64(s.n[g])
	switch s.k {
	case Sum:
		out.SetNum(i, s.sum[g])
	case Avg:
		out.SetNum(i, s.sum[g]/n)
	case Sumsq:
		out.SetNum(i, s.sumsq[g])
	case Range:
		out.SetNum(i, s.hi[g]-s.lo[g])
	default: // var, varp, stdev, stdevp
		sample := s.k == Var || s.k == Stdev
		if sample && s.n[g] < 2 {
			return
		}
		mean, m2 := s.sum[g]/n, 0.0
		for _, x := range s.nums[g] {
			m2 += (x - mean) * (x - mean)
		}
		if sample {
			n--
		}
		v := m2 / n
		if s.k == Stdev || s.k == Stdevp {
			v = math.Sqrt(v)
		}
		out.SetNum(i, v)
	}
}

// percState is median(f) and percN(f) over the numeric values.
type percState struct {
	r      *ArgReader
	median bool
	pct    float64
	nums   [][]float64
}

func (s *percState) Grow(n int) { s.nums = growTo(s.nums, n) }

func (s *percState) Add(_ *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		for _, ei := range s.r.values(rowOf(rows, i)) {
			if e := &s.r.ents[ei]; e.isNum {
				s.nums[g] = append(s.nums[g], e.num)
			}
		}
	}
}

func (s *percState) Result(g int32, out *value.Vector, i int) {
	xs := s.nums[g]
	if len(xs) == 0 {
		return
	}
	slices.Sort(xs)
	if s.median {
		out.SetNum(i, xs[len(xs)/2])
		return
	}
	out.SetNum(i, percentile(xs, s.pct))
}

// percentile interpolates linearly at rank p/100*(n-1) of sorted xs.
func percentile(xs []float64, p float64) float64 {
	rank := p / 100 * float64(len(xs)-1)
	lo := int(math.Floor(rank))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (rank-float64(lo))*(xs[hi]-xs[lo])
}

// modeState is mode(f): the most frequent value as text, ties to the value
// seen first.
type modeState struct {
	r      *ArgReader
	counts map[uint64]int64 // (group, code) → count
	order  [][]int32        // per group: codes in first-seen order
}

func (s *modeState) Grow(n int) { s.order = growTo(s.order, n) }

func (s *modeState) Add(_ *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		for _, ei := range s.r.values(rowOf(rows, i)) {
			code := s.r.ents[ei].code
			key := uint64(g)<<32 | uint64(uint32(code))
			c := s.counts[key]
			if c == 0 {
				s.order[g] = append(s.order[g], code)
			}
			s.counts[key] = c + 1
		}
	}
}

func (s *modeState) Result(g int32, out *value.Vector, i int) {
	best, bc := int32(-1), int64(0)
	for _, c := range s.order[g] {
		if n := s.counts[uint64(g)<<32|uint64(uint32(c))]; n > bc {
			best, bc = c, n
		}
	}
	if best >= 0 {
		out.SetText(i, s.r.Strs[best])
	}
}

// rowState is first, last, earliest and latest: the values of one row
// (every value of a multivalue). first/last take the first/last row with a
// value in input order; earliest/latest the row with the least/greatest
// _time (ties: the first row for earliest, the last for latest), rows
// without _time being skipped. A kept number without text of its own (a
// time) stays a number.
type rowState struct {
	r        *ArgReader
	k        Func
	has      []bool
	t        []float64
	vals     [][]int32
	num      []float64
	computed []bool
}

func (s *rowState) Grow(n int) {
	s.has, s.t, s.vals = growTo(s.has, n), growTo(s.t, n), growTo(s.vals, n)
	s.num, s.computed = growTo(s.num, n), growTo(s.computed, n)
}

func (s *rowState) Add(b *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		j := rowOf(rows, i)
		es := s.r.values(j)
		if len(es) == 0 {
			continue
		}
		var t float64
		switch s.k {
		case First:
			if s.has[g] {
				continue
			}
		case Earliest, Latest:
			t = b.Times[j]
			if math.IsNaN(t) || (s.has[g] && ((s.k == Earliest && t >= s.t[g]) || (s.k == Latest && t < s.t[g]))) {
				continue
			}
		}
		s.has[g], s.t[g] = true, t
		s.vals[g] = s.vals[g][:0]
		for _, ei := range es {
			s.vals[g] = append(s.vals[g], s.r.ents[ei].code)
		}
		e := &s.r.ents[es[0]]
		s.computed[g] = len(es) == 1 && e.computed
		s.num[g] = e.num
	}
}

func (s *rowState) Result(g int32, out *value.Vector, i int) {
	switch {
	case !s.has[g]:
	case s.computed[g]:
		out.SetNum(i, s.num[g])
	default:
		out.SetValues(i, codeStrings(s.r, s.vals[g]))
	}
}

// timeState is earliest_time(f), latest_time(f) and rate(f). It keeps, per
// group, the _time and the first value of the row that earliest(f) and
// latest(f) would pick (rows where f is not null and _time is known; ties
// go to the first row for earliest and the last for latest). The value is
// NaN when it is not a number. earliest_time and latest_time are the two
// times in epoch seconds; rate is (latest - earliest) / (latest_time -
// earliest_time), null unless both values are numbers and the times
// differ (Splunk's time functions page).
type timeState struct {
	r      *ArgReader
	k      Func
	has    []bool
	lo, hi []float64 // times
	vlo    []float64 // value at lo
	vhi    []float64 // value at hi
}

func (s *timeState) Grow(n int) {
	s.has, s.lo, s.hi = growTo(s.has, n), growTo(s.lo, n), growTo(s.hi, n)
	s.vlo, s.vhi = growTo(s.vlo, n), growTo(s.vhi, n)
}

func (s *timeState) Add(b *Batch, rows, gids []int32) {
	for i, g := range gids {
		if g < 0 {
			continue
		}
		j := rowOf(rows, i)
		es := s.r.values(j)
		t := b.Times[j]
		if len(es) == 0 || math.IsNaN(t) {
			continue
		}
		v := math.NaN()
		if e := &s.r.ents[es[0]]; e.isNum {
			v = e.num
		}
		if !s.has[g] {
			s.has[g] = true
			s.lo[g], s.vlo[g], s.hi[g], s.vhi[g] = t, v, t, v
			continue
		}
		if t < s.lo[g] {
			s.lo[g], s.vlo[g] = t, v
		}
		if t >= s.hi[g] {
			s.hi[g], s.vhi[g] = t, v
		}
	}
}

func (s *timeState) Result(g int32, out *value.Vector, i int) {
	switch {
	case !s.has[g]:
	case s.k == EarliestTime:
		out.SetNum(i, s.lo[g])
	case s.k == LatestTime:
		out.SetNum(i, s.hi[g])
	case !math.IsNaN(s.vlo[g]) && !math.IsNaN(s.vhi[g]) && s.hi[g] != s.lo[g]:
		out.SetNum(i, (s.vhi[g]-s.vlo[g])/(s.hi[g]-s.lo[g]))
	}
}

// TimeExtremeState is tstats' min, max, earliest and latest of _time
// itself, read straight from the timestamp column (Batch.TimesMs) instead of
// through an ArgReader's value entries: min(_time) and earliest(_time) are
// the least _time of the group, max(_time) and latest(_time) the
// greatest, in epoch seconds with a millisecond fraction.
type TimeExtremeState struct {
	Max bool
	has []bool
	ms  []int64
}

func (s *TimeExtremeState) Grow(n int) { s.has, s.ms = growTo(s.has, n), growTo(s.ms, n) }

func (s *TimeExtremeState) Add(b *Batch, rows, gids []int32) {
	tms := b.TimesMs
	for i, g := range gids {
		if g < 0 {
			continue
		}
		t := tms[rowOf(rows, i)]
		if t == NoTime {
			continue
		}
		switch {
		case !s.has[g]:
			s.has[g], s.ms[g] = true, t
		case s.Max && t > s.ms[g], !s.Max && t < s.ms[g]:
			s.ms[g] = t
		}
	}
}

func (s *TimeExtremeState) Result(g int32, out *value.Vector, i int) {
	if s.has[g] {
		out.SetNum(i, float64(s.ms[g])/1000)
	}
}
