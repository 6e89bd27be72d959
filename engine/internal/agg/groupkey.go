package agg

import (
	"cmp"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/minispl/minispl/engine/internal/value"
)

// This file holds the group keys shared by tstats, stats and eventstats.
//
// Each BY field has a keyCol that interns its values into dense codes: a
// string key maps text to a code (the text is copied out of the Arrow
// buffers once, when first seen), a time key (tstats `BY _time`) maps an
// epoch-millisecond bucket to a code. A GroupTable maps a tuple of codes
// to a dense group id: through a slice indexed by the code (one key), an
// open-addressing table keyed by the codes packed into a uint64 (two keys,
// or more when each code fits in 64/keys bits), or an open-addressing
// table of the tuples' hashes (other tuples, wideTable); no lookup of an
// existing group allocates.
//
// Sorting the groups by their BY values compares strings only once per
// distinct value: each key column's distinct values are sorted once and
// ranked, and groups are then ordered by their tuples of ranks, packed
// into one uint64 when the ranks fit (an integer sort), else compared
// rank by rank.

// KeyCol interns the values of one BY field.
type KeyCol struct {
	internTable
	// Numeric makes string values that both parse as numbers compare as
	// numbers (stats' `BY _time`).
	Numeric bool
	tintern map[int64]int32
	Times   []int64 // code → epoch ms (time keys)
}

func NewKeyCol() *KeyCol {
	return &KeyCol{tintern: map[int64]int32{}}
}

// internTable interns strings into dense codes (strs[code] is the value).
// It is an open-addressing hash table with linear probing: each slot holds
// the high half of the value's hash and its code + 1 (0: empty), so a
// probe reads the string only when the hash half matches, and an insert
// hashes once (a Go map would hash twice: the failed lookup, then the
// assignment). Values are copied into a stringArena.
type internTable struct {
	Strs   []string
	seed   maphash.Seed
	slots  []uint64
	hashes []uint64 // code → full hash, for growing
	arena  stringArena
}

// Code returns the code of s, interning a copy of it when new.
func (t *internTable) Code(s string) int32 {
	if t.slots == nil {
		t.seed = maphash.MakeSeed()
		t.slots = make([]uint64, 1024)
	}
	h := maphash.String(t.seed, s)
	mask := uint64(len(t.slots) - 1)
	hi := h >> 32 << 32
	for i := h & mask; ; i = (i + 1) & mask {
		sl := t.slots[i]
		if sl == 0 {
			c := int32(len(t.Strs))
			t.Strs = append(t.Strs, t.arena.clone(s))
			t.hashes = append(t.hashes, h)
			t.slots[i] = hi | uint64(c+1)
			if 2*len(t.Strs) > len(t.slots) {
				t.grow()
			}
			return c
		}
		if sl>>32<<32 == hi {
			if c := int32(uint32(sl) - 1); t.Strs[c] == s {
				return c
			}
		}
	}
}

// grow doubles the slots and re-inserts every code.
func (t *internTable) grow() {
	t.slots = make([]uint64, 2*len(t.slots))
	mask := uint64(len(t.slots) - 1)
	for c, h := range t.hashes {
		i := h & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = h>>32<<32 | uint64(c+1)
	}
}

// stringArena copies strings into shared chunks, so that interning many
// distinct values (a million registry paths) costs one allocation per
// chunk rather than one per string.
type stringArena struct {
	chunk []byte
}

// arenaChunk is the size of a stringArena chunk.
const arenaChunk = 64 << 10

// clone returns a copy of s that does not alias s's memory.
func (a *stringArena) clone(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > arenaChunk/4 {
		return strings.Clone(s)
	}
	if len(s) > cap(a.chunk)-len(a.chunk) {
		a.chunk = make([]byte, 0, arenaChunk)
	}
	start := len(a.chunk)
	a.chunk = append(a.chunk, s...)
	// The bytes written are never modified again: later strings are only
	// appended after them, and a full chunk is replaced, not reused.
	return unsafe.String(&a.chunk[start], len(s))
}

// TimeCode returns the code of the time ms.
func (k *KeyCol) TimeCode(ms int64) int32 {
	c, ok := k.tintern[ms]
	if !ok {
		c = int32(len(k.Times))
		k.Times = append(k.Times, ms)
		k.tintern[ms] = c
	}
	return c
}

// size returns the number of codes.
func (k *KeyCol) size() int { return len(k.Strs) + len(k.Times) }

// isTime reports whether the column holds time codes.
func (k *KeyCol) isTime() bool { return len(k.Times) > 0 }

// ranks returns, per code, the rank of its value in ascending order:
// byte-wise for strings (numerically for numeric columns when both values
// parse as numbers), numeric for times. Values that compare equal share a
// rank. It also returns the number of distinct ranks.
func (k *KeyCol) ranks() ([]int32, int) {
	n := k.size()
	ord := make([]int32, n)
	for i := range ord {
		ord[i] = int32(i)
	}
	var compare func(x, y int32) int
	switch {
	case k.isTime():
		compare = func(x, y int32) int { return cmp.Compare(k.Times[x], k.Times[y]) }
	case k.Numeric:
		nums := make([]float64, n)
		isNum := make([]bool, n)
		for i, s := range k.Strs {
			nums[i], isNum[i] = value.ParseNumber(s)
		}
		compare = func(x, y int32) int {
			if isNum[x] && isNum[y] {
				return cmp.Compare(nums[x], nums[y])
			}
			return strings.Compare(k.Strs[x], k.Strs[y])
		}
	default:
		es := make([]strEntry, n)
		for i, s := range k.Strs {
			es[i] = strEntry{s: s, c: int32(i)}
		}
		sortStrEntries(es, 0)
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

// strEntry is a string being sorted: its code and the 8 bytes at the
// current depth.
type strEntry struct {
	s   string
	key uint64
	c   int32
}

// sortStrEntries sorts es byte-wise by s, given that every s shares its
// first depth bytes. It is a radix sort 8 bytes at a time: entries are
// sorted by the big-endian 8 bytes at depth (zero-padded), an integer sort
// that reads each string once, and every run of equal chunks is sorted
// again 8 bytes deeper. In a run, a string that ends within the chunk is a
// prefix of the longer ones (their bytes equal its zero padding), so the
// strings ending there come first, shortest first. This touches string
// memory a few times per string instead of once per comparison.
func sortStrEntries(es []strEntry, depth int) {
	if len(es) < 2 {
		return
	}
	for i := range es {
		es[i].key = chunkAt(es[i].s, depth)
	}
	slices.SortFunc(es, func(x, y strEntry) int { return cmp.Compare(x.key, y.key) })
	for start := 0; start < len(es); {
		end := start + 1
		for end < len(es) && es[end].key == es[start].key {
			end++
		}
		if run := es[start:end]; len(run) > 1 {
			// Strings ending within the chunk first, shortest first; the
			// rest (all longer than depth+8) sorted deeper.
			slices.SortFunc(run, func(x, y strEntry) int {
				return cmp.Compare(min(len(x.s), depth+9), min(len(y.s), depth+9))
			})
			i := 0
			for i < len(run) && len(run[i].s) <= depth+8 {
				i++
			}
			sortStrEntries(run[i:], depth+8)
		}
		start = end
	}
}

// chunkAt returns the 8 bytes of s at depth, big-endian, zero-padded.
func chunkAt(s string, depth int) uint64 {
	var k uint64
	for i := depth; i < depth+8; i++ {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}

// GroupTable maps tuples of key codes to dense group ids.
type GroupTable struct {
	keys   []*KeyCol
	n      int
	gkeys  []int32   // n × len(keys) codes
	direct []int32   // one key: code → group id + 1 (0: none yet)
	pair   pairTable // two keys, or more packed into 64 bits
	wide   wideTable // tuples that do not pack
}

func NewGroupTable(keys []*KeyCol) *GroupTable {
	t := &GroupTable{keys: keys}
	switch len(keys) {
	case 0:
		// No BY clause: exactly one group, even when nothing matches.
		t.n = 1
	case 1:
	}
	return t
}

// Len returns the number of groups.
func (t *GroupTable) Len() int { return t.n }

// Key returns code k of group g's tuple.
func (t *GroupTable) Key(g int32, k int) int32 { return t.gkeys[int(g)*len(t.keys)+k] }

// Columns returns the codes of the groups of order key by key: out[k][j]
// is code k of group order[j]. It reads each group's tuple once (a
// tuple's codes are adjacent), where reading key by key would visit
// every group once per key.
func (t *GroupTable) Columns(order []int32) [][]int32 {
	nk := len(t.keys)
	all := make([]int32, nk*len(order))
	out := make([][]int32, nk)
	for k := range out {
		out[k] = all[k*len(order) : (k+1)*len(order)]
	}
	for j, g := range order {
		for k, c := range t.gkeys[int(g)*nk : int(g+1)*nk] {
			out[k][j] = c
		}
	}
	return out
}

// One returns the group of the single-key code c.
func (t *GroupTable) One(c int32) int32 {
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

// Two returns the group of the codes (a, b) of a two-key table.
func (t *GroupTable) Two(a, b int32) int32 {
	k := uint64(uint32(a))<<32 | uint64(uint32(b))
	slot := t.pair.find(k)
	if slot.g == 0 {
		slot.key, slot.g = k, t.add(a, b)+1
		t.pair.added()
	}
	return slot.g - 1
}

// pairTable maps a uint64 key to a group id: open addressing with linear
// probing over slots of (key, group id + 1; 0 = empty), hashed by a
// Fibonacci multiply, so a lookup is one multiply and usually one cache
// line.
type pairTable struct {
	slots []pairSlot
	shift uint
	n     int
}

type pairSlot struct {
	key uint64
	g   int32
}

// find returns the slot of key: its own, or the empty slot to fill.
func (p *pairTable) find(key uint64) *pairSlot {
	if p.slots == nil {
		p.slots, p.shift = make([]pairSlot, 1024), 64-10
	}
	mask := uint64(len(p.slots) - 1)
	for i := (key * 0x9E3779B97F4A7C15) >> p.shift; ; i = (i + 1) & mask {
		if s := &p.slots[i]; s.g == 0 || s.key == key {
			return s
		}
	}
}

// added records that the slot find returned was filled; it may move the
// slots, so it is called after the slot is written.
func (p *pairTable) added() {
	p.n++
	if 2*p.n <= len(p.slots) {
		return
	}
	old := p.slots
	p.slots, p.shift = make([]pairSlot, 2*len(old)), p.shift-1
	for _, s := range old {
		if s.g != 0 {
			*p.find(s.key) = s
		}
	}
}

// ID returns the group of the tuple of codes, creating it when new. A
// tuple whose codes each fit in 64/len(tuple) bits is packed into a uint64
// key of the pair table (a tuple always lands in the same table, since
// the choice depends on its codes alone); others are keyed by their bytes.
func (t *GroupTable) ID(tuple []int32) int32 {
	switch len(tuple) {
	case 0:
		return 0
	case 1:
		return t.One(tuple[0])
	case 2:
		return t.Two(tuple[0], tuple[1])
	}
	if w := uint(64 / len(tuple)); w < 32 {
		var k uint64
		fits := true
		for _, c := range tuple {
			fits = fits && uint64(c) < 1<<w
			k = k<<w | uint64(c)
		}
		if fits {
			slot := t.pair.find(k)
			if slot.g == 0 {
				slot.key, slot.g = k, t.add(tuple...)+1
				t.pair.added()
			}
			return slot.g - 1
		}
	}
	return t.wideID(tuple)
}

// wideTable maps the tuples that do not pack into 64 bits to group ids:
// open addressing with linear probing over slots holding the tuple's
// 32-bit hash and its group id + 1 (0: empty); a probe compares the
// tuple with the group's codes (gkeys) only when the hashes match, and
// growing re-inserts by the stored hashes. (It replaced a Go map keyed by
// the tuple's bytes, which hashed each tuple twice on insert and rehashed
// every key when growing: the 275,658 groups of seven keys of ESCU's
// Registry Keys Used For Persistence over 1M generated events.)
type wideTable struct {
	slots []uint64
	n     int
}

// tupleHash is a hash of the codes of a tuple.
func tupleHash(tuple []int32) uint32 {
	h := uint64(len(tuple))
	for _, c := range tuple {
		h = (h ^ uint64(uint32(c))) * 0x9E3779B97F4A7C15
		h ^= h >> 29
	}
	return uint32(h >> 32)
}

// wideID is ID for a tuple that does not pack.
func (t *GroupTable) wideID(tuple []int32) int32 {
	w := &t.wide
	if w.slots == nil {
		w.slots = make([]uint64, 1024)
	}
	h := tupleHash(tuple)
	nk := len(t.keys)
	mask := uint32(len(w.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := w.slots[i]
		if s == 0 {
			g := t.add(tuple...)
			w.slots[i] = uint64(h)<<32 | uint64(uint32(g+1))
			w.n++
			if 2*w.n > len(w.slots) {
				w.grow()
			}
			return g
		}
		if uint32(s>>32) == h {
			if g := int32(uint32(s)) - 1; slices.Equal(t.gkeys[int(g)*nk:int(g+1)*nk], tuple) {
				return g
			}
		}
	}
}

// grow doubles the slots and re-inserts every group by its stored hash.
func (w *wideTable) grow() {
	old := w.slots
	w.slots = make([]uint64, 2*len(old))
	mask := uint32(len(w.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := uint32(s>>32) & mask
		for w.slots[i] != 0 {
			i = (i + 1) & mask
		}
		w.slots[i] = s
	}
}

func (t *GroupTable) add(tuple ...int32) int32 {
	g := int32(t.n)
	t.n++
	t.gkeys = append(t.gkeys, tuple...)
	return g
}

// Order returns the group ids sorted ascending by their key values, key by
// key; groups whose values compare equal keep their creation order.
func (t *GroupTable) Order() []int32 {
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
