package expr

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Selection by row sets. Select evaluates a predicate as sets of rows
// rather than as masks over the whole batch: a leaf on a dictionary
// column picks, from the candidate rows, those whose dictionary entry
// passes (the test runs once per entry, as in Eval); AND evaluates its
// right side over the rows its left keeps, so a selective first test
// makes every later one cost the few rows it kept; OR is the union of its
// parts over the same candidates; NOT the candidates its operand does not
// keep. With a row index (PredState.SetIndex) a leaf over every row of a
// batch reads the rows of its passing entries from the column's postings
// instead of every row's dictionary index, so a selective WHERE costs
// the rows it matches and the size of the dictionaries, not the rows of
// the batch. Anything else (a column that is not a dictionary of
// strings, another kind of predicate) is evaluated by Eval over the batch
// and its set rows intersected with the candidates.
//
// The rows are those Eval sets, by construction: a leaf's result per row
// is the same entry result and validity test as Eval's; AND, OR and NOT
// are set intersection (the right side over the left's rows), union and
// difference, where Eval computes the same on masks (its narrowing only
// skips rows whose value cannot change the result). TestSelectMatchesEval
// checks it on every ESCU tstats WHERE, with and without an index.

// Postings is the inverted index of one dictionary column of one batch:
// for each dictionary entry, the rows that hold it, in increasing order
// (null rows hold none). It takes 4 bytes per row and per entry.
type Postings struct {
	off  []int32 // entry e's rows are rows[off[e]:off[e+1]]
	rows []int32
}

// PostingsBytes returns the memory the postings of a column of rows rows and
// entries dictionary entries take.
func PostingsBytes(rows, entries int) int64 { return 4 * int64(rows+entries+1) }

// BuildPostings returns the postings of c, whose indices must be Int32
// (else nil): one counting pass and one filling pass over its rows.
func BuildPostings(c *array.Dictionary) *Postings {
	idx, ok := c.Indices().(*array.Int32)
	if !ok {
		return nil
	}
	n := c.Dictionary().Len()
	vals := idx.Int32Values()
	p := &Postings{off: make([]int32, n+1)}
	nulls := c.NullN() > 0
	for i, v := range vals {
		if nulls && c.IsNull(i) {
			continue
		}
		p.off[v+1]++
	}
	for e := 1; e <= n; e++ {
		p.off[e] += p.off[e-1]
	}
	p.rows = make([]int32, p.off[n])
	next := slices.Clone(p.off[:n])
	for i, v := range vals {
		if nulls && c.IsNull(i) {
			continue
		}
		p.rows[next[v]] = int32(i)
		next[v]++
	}
	return p
}

// rowsOf writes to out the rows whose entry has res set, in increasing
// order, and reports true; it reports false when reading every row's
// index is the cheaper way (the entries set hold more than an eighth of
// the rows; a single entry's rows are copied up to half of them).
func (p *Postings) rowsOf(res []bool, rows int, out []int32) ([]int32, bool) {
	if len(res) != len(p.off)-1 {
		return nil, false
	}
	total, set, last := 0, 0, -1
	for e, ok := range res {
		if ok {
			total += int(p.off[e+1] - p.off[e])
			set++
			last = e
		}
	}
	switch {
	case set == 1 && total <= rows/2:
		return append(out[:0], p.rows[p.off[last]:p.off[last+1]]...), true
	case total > rows/8:
		return nil, false
	}
	out = out[:0]
	for e, ok := range res {
		if ok {
			out = append(out, p.rows[p.off[e]:p.off[e+1]]...)
		}
	}
	slices.Sort(out)
	return out, true
}

// Index gives the postings of a batch's dictionary column, or nil when it
// has none (the index declines to build them: a column asked for once, or
// a full memory budget). It is shared by concurrent selections.
type Index interface {
	Postings(c *array.Dictionary) *Postings
}

// SetIndex makes Select read the rows of a leaf over a whole batch from
// ix's postings when it has them; nil turns that off.
func (st *PredState) SetIndex(ix Index) { st.index = ix }

// selector is one Select over one batch.
type selector struct {
	st   *PredState
	b    arrow.RecordBatch
	rows int
}

// ints returns a pooled row buffer, kept by the PredState; freeInts
// returns the last one taken.
func (st *PredState) ints() *[]int32 {
	if st.idepth == len(st.ipool) {
		st.ipool = append(st.ipool, new([]int32))
	}
	b := st.ipool[st.idepth]
	st.idepth++
	return b
}

func (st *PredState) freeInts() { st.idepth-- }

// sel writes to out (its storage reused) the rows of cand, or of every
// row when all, where p holds, in increasing order. out must not share
// storage with cand.
func (s *selector) sel(p Pred, cand []int32, all bool, out []int32) ([]int32, error) {
	switch x := p.(type) {
	case *leaf:
		return s.leaf(x, cand, all, out)
	case *predAnd:
		tmp := s.st.ints()
		defer s.st.freeInts()
		l, err := s.sel(x.l, cand, all, *tmp)
		*tmp = l
		if err != nil {
			return nil, err
		}
		if len(l) == 0 {
			return out[:0], nil
		}
		return s.sel(x.r, l, false, out)
	case *predAny:
		return s.any(x, cand, all, out)
	case *predNot:
		tmp := s.st.ints()
		defer s.st.freeInts()
		in, err := s.sel(x.x, cand, all, *tmp)
		*tmp = in
		if err != nil {
			return nil, err
		}
		return s.minus(cand, all, in, out), nil
	case *predConst:
		if !x.v {
			return out[:0], nil
		}
		return s.minus(cand, all, nil, out), nil
	}
	return s.evalFilter(p, cand, all, out)
}

// minus writes to out the rows of cand (every row when all) that are not
// in in, a sorted subset of them.
func (s *selector) minus(cand []int32, all bool, in []int32, out []int32) []int32 {
	out = out[:0]
	j := 0
	if all {
		out = slices.Grow(out, s.rows-len(in))
		for r := range int32(s.rows) {
			if j < len(in) && in[j] == r {
				j++
				continue
			}
			out = append(out, r)
		}
		return out
	}
	out = slices.Grow(out, len(cand)-len(in))
	for _, r := range cand {
		if j < len(in) && in[j] == r {
			j++
			continue
		}
		out = append(out, r)
	}
	return out
}

// leaf selects the rows of cand where l holds.
func (s *selector) leaf(l *leaf, cand []int32, all bool, out []int32) ([]int32, error) {
	if l.col < 0 {
		return out[:0], nil // absent field: every test is false (Eval)
	}
	c, ok := s.b.Column(l.col).(*array.Dictionary)
	if !ok {
		return s.evalFilter(l, cand, all, out)
	}
	idx, ok := c.Indices().(*array.Int32)
	if !ok {
		return s.evalFilter(l, cand, all, out)
	}
	res, some, err := l.dictResultsSome(s.st, c)
	if err != nil {
		return nil, err
	}
	if !some {
		return out[:0], nil
	}
	vals := idx.Int32Values()
	nulls := c.NullN() > 0
	if !all {
		out = slices.Grow(out[:0], len(cand))[:len(cand)]
		k := 0
		if !nulls {
			for _, r := range cand {
				out[k] = r
				k += b2i(res[vals[r]])
			}
		} else {
			for _, r := range cand {
				out[k] = r
				k += b2i(c.IsValid(int(r)) && res[vals[r]])
			}
		}
		return out[:k], nil
	}
	if s.st.index != nil {
		if p := s.st.index.Postings(c); p != nil {
			if got, ok := p.rowsOf(res, s.rows, out); ok {
				return got, nil
			}
		}
	}
	out = slices.Grow(out[:0], s.rows)[:s.rows]
	if !nulls {
		return selectByIndex(out, vals, res), nil
	}
	k := 0
	for i, v := range vals {
		out[k] = int32(i)
		k += b2i(c.IsValid(i) && res[v])
	}
	return out[:k], nil
}

// any selects the rows of cand where some part of x holds: the union of
// each part's rows over cand, merged by sorting when they are few and by
// a mask over the batch otherwise.
func (s *selector) any(x *predAny, cand []int32, all bool, out []int32) ([]int32, error) {
	acc := s.st.ints()
	defer s.st.freeInts()
	part := s.st.ints()
	defer s.st.freeInts()
	*acc = (*acc)[:0]
	for _, q := range x.parts {
		got, err := s.sel(q, cand, all, *part)
		*part = got
		if err != nil {
			return nil, err
		}
		*acc = append(*acc, got...)
	}
	u := *acc
	if len(u) <= s.rows/16 {
		slices.Sort(u)
		return append(out[:0], slices.Compact(u)...), nil
	}
	m := s.st.scratch(s.rows)
	defer s.st.release()
	clear(m)
	for _, r := range u {
		m[r] = true
	}
	if all {
		return selectMask(slices.Grow(out[:0], s.rows)[:s.rows], m), nil
	}
	return filterMask(cand, m, out), nil
}

// evalFilter selects the rows of cand where p holds by evaluating p over
// the whole batch with Eval.
func (s *selector) evalFilter(p Pred, cand []int32, all bool, out []int32) ([]int32, error) {
	m := s.st.scratch(s.rows)
	defer s.st.release()
	prev := s.st.care
	s.st.care = nil
	err := p.Eval(s.st, s.b, m)
	s.st.care = prev
	if err != nil {
		return nil, err
	}
	if all {
		return selectMask(slices.Grow(out[:0], s.rows)[:s.rows], m), nil
	}
	return filterMask(cand, m, out), nil
}

// filterMask writes to out the rows of cand with m set.
func filterMask(cand []int32, m []bool, out []int32) []int32 {
	out = slices.Grow(out[:0], len(cand))[:len(cand)]
	k := 0
	for _, r := range cand {
		out[k] = r
		k += b2i(m[r])
	}
	return out[:k]
}
