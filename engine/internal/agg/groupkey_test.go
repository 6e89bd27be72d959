package agg

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSortStrEntries checks the 8-byte radix sort against a byte-wise
// sort on strings built to hit its edges: shared prefixes longer than a
// chunk, strings ending exactly at a chunk boundary, NUL bytes (equal to
// the padding), bytes above 0x7f, and the empty string.
func TestSortStrEntries(t *testing.T) {
	alphabet := []string{"", "\x00", "a", "b", "\xff", "HKLM\\SOFTWARE\\", "12345678", "x"}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	var strs []string
	for len(strs) < 5000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		if s := b.String(); !seen[s] {
			seen[s] = true
			strs = append(strs, s)
		}
	}
	es := make([]strEntry, len(strs))
	for i, s := range strs {
		es[i] = strEntry{s: s, c: int32(i)}
	}
	sortStrEntries(es, 0)
	want := slices.Clone(strs)
	slices.Sort(want)
	for i := range want {
		if es[i].s != want[i] {
			t.Fatalf("position %d: %q, want %q", i, es[i].s, want[i])
		}
		if strs[es[i].c] != es[i].s {
			t.Fatalf("position %d: code %d is %q, not %q", i, es[i].c, strs[es[i].c], es[i].s)
		}
	}
}

// TestGroupTableOrder checks that groups come out ascending by their key
// values (byte-wise, numeric for a numeric column, integer for time keys)
// for one, two and three keys, and that equal numeric values keep their
// creation order.
func TestGroupTableOrder(t *testing.T) {
	tests := []struct {
		name    string
		numeric []bool
		tuples  [][]string
		want    []int32
	}{
		{name: "one key", numeric: []bool{false}, tuples: [][]string{{"b"}, {"a"}, {"B"}, {"10"}, {"9"}}, want: []int32{3, 4, 2, 1, 0}},
		{name: "two keys", numeric: []bool{false, false}, tuples: [][]string{{"b", "1"}, {"a", "2"}, {"a", "1"}, {"b", "0"}}, want: []int32{2, 1, 3, 0}},
		{name: "three keys", numeric: []bool{false, false, false}, tuples: [][]string{{"x", "b", "2"}, {"x", "b", "1"}, {"w", "z", "9"}, {"x", "a", "5"}}, want: []int32{2, 3, 1, 0}},
		{name: "numeric", numeric: []bool{true, false}, tuples: [][]string{{"10", "a"}, {"9", "a"}, {"9.0", "a"}, {"x", "a"}, {"1e1", "0"}}, want: []int32{1, 2, 4, 0, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var keys []*KeyCol
			for _, num := range tc.numeric {
				k := NewKeyCol()
				k.Numeric = num
				keys = append(keys, k)
			}
			gt := NewGroupTable(keys)
			tuple := make([]int32, len(keys))
			for i, tu := range tc.tuples {
				for k, s := range tu {
					tuple[k] = keys[k].Code(s)
				}
				if g := gt.ID(tuple); g != int32(i) {
					t.Fatalf("tuple %q: group %d, want %d", tu, g, i)
				}
			}
			if g := gt.ID(tuple); g != int32(len(tc.tuples)-1) {
				t.Fatalf("existing tuple: group %d, want %d", g, len(tc.tuples)-1)
			}
			if got := gt.Order(); !slices.Equal(got, tc.want) {
				t.Errorf("order = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestInternTableGrow interns enough values to grow the table several
// times and checks every code maps back to its value.
func TestInternTableGrow(t *testing.T) {
	var it internTable
	const n = 20000
	for round := range 2 {
		for i := range n {
			s := strconv.Itoa(i) + strings.Repeat("x", i%40)
			if c := it.Code(s); c != int32(i) {
				t.Fatalf("round %d: code(%q) = %d, want %d", round, s, c, i)
			}
		}
	}
	if len(it.Strs) != n {
		t.Fatalf("%d values, want %d", len(it.Strs), n)
	}
}

// TestGroupTableTuples checks group ids of three- and four-key tuples
// whose codes pack into 64 bits and of tuples that do not (a code of 2^22
// with three keys), which use the table of hashes: the same tuple gets the
// same group, different tuples different ones, and key returns the codes.
func TestGroupTableTuples(t *testing.T) {
	for _, nk := range []int{3, 4} {
		keys := make([]*KeyCol, nk)
		for i := range keys {
			keys[i] = NewKeyCol()
		}
		gt := NewGroupTable(keys)
		big := int32(1 << 22)
		tuples := [][]int32{{1, 2, 3, 4}, {big, 2, 3, 4}, {3, 2, 1, 0}, {1, big, 3, 4}, {0, 0, 0, 0}, {big, big, big, big}}
		for round := range 2 {
			for want, tu := range tuples {
				tu = tu[:nk]
				if g := gt.ID(tu); g != int32(want) {
					t.Fatalf("%d keys, round %d: id(%v) = %d, want %d", nk, round, tu, g, want)
				}
				for k, c := range tu {
					if got := gt.Key(int32(want), k); got != c {
						t.Fatalf("%d keys: key(%d, %d) = %d, want %d", nk, want, k, got, c)
					}
				}
			}
		}
		if gt.Len() != len(tuples) {
			t.Fatalf("%d keys: %d groups, want %d", nk, gt.Len(), len(tuples))
		}
	}
}

// TestGroupTableWide checks the table of tuples that do not pack
// (wideTable) against a map: 300,000 random seven-key tuples with codes
// up to 2^20, a third of them repeats, so that it grows many times and
// some distinct tuples share a 32-bit hash (the test asserts there are
// such pairs, and that they get different groups); Columns against Key.
func TestGroupTableWide(t *testing.T) {
	const nk = 7
	keys := make([]*KeyCol, nk)
	for i := range keys {
		keys[i] = NewKeyCol()
	}
	gt := NewGroupTable(keys)
	r := rand.New(rand.NewPCG(3, 4))
	want := map[[nk]int32]int32{}
	byHash := map[uint32][nk]int32{}
	var seen [][nk]int32
	collisions := 0
	for range 300_000 {
		var tu [nk]int32
		if len(seen) > 0 && r.IntN(3) == 0 {
			tu = seen[r.IntN(len(seen))]
		} else {
			for k := range tu {
				tu[k] = int32(r.IntN(1 << 20))
			}
			tu[0] |= 1 << 19 // never packs: 64/7 = 9 bits per code
		}
		g := gt.ID(tu[:])
		w, ok := want[tu]
		if !ok {
			w = int32(len(want))
			want[tu] = w
			seen = append(seen, tu)
			h := tupleHash(tu[:])
			if o, ok := byHash[h]; ok && o != tu {
				collisions++
			}
			byHash[h] = tu
		}
		if g != w {
			t.Fatalf("ID(%v) = %d, want %d", tu, g, w)
		}
	}
	if collisions == 0 {
		t.Fatal("no two tuples share a hash: the comparison path is not exercised")
	}
	if gt.Len() != len(want) {
		t.Fatalf("%d groups, want %d", gt.Len(), len(want))
	}
	order := make([]int32, gt.Len())
	for i := range order {
		order[i] = int32(len(order) - 1 - i)
	}
	cols := gt.Columns(order)
	for j, g := range order {
		for k := range nk {
			if cols[k][j] != gt.Key(g, k) {
				t.Fatalf("Columns[%d][%d] = %d, Key(%d, %d) = %d", k, j, cols[k][j], g, k, gt.Key(g, k))
			}
		}
	}
	t.Logf("%d groups, %d hash collisions", len(want), collisions)
}
