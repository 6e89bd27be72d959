package engine

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
)

// This file holds the group keys shared by tstats, stats and eventstats.
//
// Each BY field has a keyCol that interns its values into dense codes: a
// string key maps text to a code (the text is copied out of the Arrow
// buffers once, when first seen), a time key (tstats `BY _time`) maps an
// epoch-millisecond bucket to a code. A groupTable maps a tuple of codes
// to a dense group id: through a slice indexed by the code (one key), a
// map keyed by the two codes packed into a uint64 (two keys), or a map
// keyed by the tuple's bytes in a reused buffer (more keys); no lookup of
// an existing group allocates.
//
// Sorting the groups by their BY values compares strings only once per
// distinct value: each key column's distinct values are sorted once and
// ranked, and groups are then ordered by their tuples of ranks, packed
// into one uint64 when the ranks fit (an integer sort), else compared
// rank by rank.

// keyCol interns the values of one BY field.
type keyCol struct {
	// numeric makes string values that both parse as numbers compare as
	// numbers (stats' `BY _time`).
	numeric bool
	intern  map[string]int32
	strs    []string // code → value (string keys)
	tintern map[int64]int32
	times   []int64 // code → epoch ms (time keys)
}

func newKeyCol() *keyCol {
	return &keyCol{intern: map[string]int32{}, tintern: map[int64]int32{}}
}

// code returns the code of s, interning a copy of it when new.
func (k *keyCol) code(s string) int32 {
	c, ok := k.intern[s]
	if !ok {
		c = int32(len(k.strs))
		s = strings.Clone(s)
		k.strs = append(k.strs, s)
		k.intern[s] = c
	}
	return c
}

// timeCode returns the code of the time ms.
func (k *keyCol) timeCode(ms int64) int32 {
	c, ok := k.tintern[ms]
	if !ok {
		c = int32(len(k.times))
		k.times = append(k.times, ms)
		k.tintern[ms] = c
	}
	return c
}

// size returns the number of codes.
func (k *keyCol) size() int { return len(k.strs) + len(k.times) }

// isTime reports whether the column holds time codes.
func (k *keyCol) isTime() bool { return len(k.times) > 0 }

// ranks returns, per code, the rank of its value in ascending order:
// byte-wise for strings (numerically for numeric columns when both values
// parse as numbers), numeric for times. Values that compare equal share a
// rank. It also returns the number of distinct ranks.
func (k *keyCol) ranks() ([]int32, int) {
	n := k.size()
	ord := make([]int32, n)
	for i := range ord {
		ord[i] = int32(i)
	}
	var compare func(x, y int32) int
	switch {
	case k.isTime():
		compare = func(x, y int32) int { return cmp.Compare(k.times[x], k.times[y]) }
	case k.numeric:
		nums := make([]float64, n)
		isNum := make([]bool, n)
		for i, s := range k.strs {
			nums[i], isNum[i] = parseNumber(s)
		}
		compare = func(x, y int32) int {
			if isNum[x] && isNum[y] {
				return cmp.Compare(nums[x], nums[y])
			}
			return strings.Compare(k.strs[x], k.strs[y])
		}
	default:
		// Sorting (string, code) pairs keeps the compared headers
		// contiguous in memory; codes are distinct values, so every rank
		// is distinct.
		type entry struct {
			s string
			c int32
		}
		es := make([]entry, n)
		for i, s := range k.strs {
			es[i] = entry{s, int32(i)}
		}
		slices.SortFunc(es, func(x, y entry) int { return strings.Compare(x.s, y.s) })
		rank := make([]int32, n)
		for i, e := range es {
			rank[e.c] = int32(i)
		}
		return rank, n
	}
	slices.SortFunc(ord, compare)
	rank := make([]int32, n)
	r := int32(-1)
	for i, c := range ord {
		if i == 0 || compare(ord[i-1], c) != 0 {
			r++
		}
		rank[c] = r
	}
	return rank, int(r + 1)
}

// groupTable maps tuples of key codes to dense group ids.
type groupTable struct {
	keys   []*keyCol
	n      int
	gkeys  []int32          // n × len(keys) codes
	direct []int32          // one key: code → group id + 1 (0: none yet)
	pair   map[uint64]int32 // two keys
	tuples map[string]int32 // three keys or more
	buf    []byte
}

func newGroupTable(keys []*keyCol) *groupTable {
	t := &groupTable{keys: keys}
	switch len(keys) {
	case 0:
		// No BY clause: exactly one group, even when nothing matches.
		t.n = 1
	case 1:
	case 2:
		t.pair = map[uint64]int32{}
	default:
		t.tuples = map[string]int32{}
	}
	return t
}

// len returns the number of groups.
func (t *groupTable) len() int { return t.n }

// key returns code k of group g's tuple.
func (t *groupTable) key(g int32, k int) int32 { return t.gkeys[int(g)*len(t.keys)+k] }

// one returns the group of the single-key code c.
func (t *groupTable) one(c int32) int32 {
	if int(c) >= len(t.direct) {
		t.direct = append(t.direct, make([]int32, int(c)+1-len(t.direct))...)
	}
	g := t.direct[c] - 1
	if g < 0 {
		g = t.add(c)
		t.direct[c] = g + 1
	}
	return g
}

// two returns the group of the codes (a, b) of a two-key table.
func (t *groupTable) two(a, b int32) int32 {
	k := uint64(uint32(a))<<32 | uint64(uint32(b))
	g, ok := t.pair[k]
	if !ok {
		g = t.add(a, b)
		t.pair[k] = g
	}
	return g
}

// id returns the group of the tuple of codes, creating it when new.
func (t *groupTable) id(tuple []int32) int32 {
	switch len(tuple) {
	case 0:
		return 0
	case 1:
		return t.one(tuple[0])
	case 2:
		return t.two(tuple[0], tuple[1])
	}
	t.buf = t.buf[:0]
	for _, c := range tuple {
		t.buf = append(t.buf, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
	}
	g, ok := t.tuples[string(t.buf)]
	if !ok {
		g = t.add(tuple...)
		t.tuples[string(t.buf)] = g
	}
	return g
}

func (t *groupTable) add(tuple ...int32) int32 {
	g := int32(t.n)
	t.n++
	t.gkeys = append(t.gkeys, tuple...)
	return g
}

// order returns the group ids sorted ascending by their key values, key by
// key; groups whose values compare equal keep their creation order.
func (t *groupTable) order() []int32 {
	ord := make([]int32, t.n)
	nk := len(t.keys)
	if nk == 0 {
		for i := range ord {
			ord[i] = int32(i)
		}
		return ord
	}
	ranks := make([][]int32, nk)
	width := make([]int, nk)
	total := 0
	for k, kc := range t.keys {
		var nr int
		ranks[k], nr = kc.ranks()
		width[k] = bits.Len(uint(nr))
		total += width[k]
	}
	if total <= 64 {
		type packed struct {
			key uint64
			g   int32
		}
		ps := make([]packed, t.n)
		for g := range ps {
			var key uint64
			for k := range nk {
				key = key<<width[k] | uint64(ranks[k][t.gkeys[g*nk+k]])
			}
			ps[g] = packed{key, int32(g)}
		}
		slices.SortFunc(ps, func(x, y packed) int {
			if c := cmp.Compare(x.key, y.key); c != 0 {
				return c
			}
			return cmp.Compare(x.g, y.g)
		})
		for i, p := range ps {
			ord[i] = p.g
		}
		return ord
	}
	for i := range ord {
		ord[i] = int32(i)
	}
	slices.SortFunc(ord, func(x, y int32) int {
		for k := range nk {
			if c := cmp.Compare(ranks[k][t.gkeys[int(x)*nk+k]], ranks[k][t.gkeys[int(y)*nk+k]]); c != 0 {
				return c
			}
		}
		return cmp.Compare(x, y)
	})
	return ord
}
