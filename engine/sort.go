package engine

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// defaultSortLimit is sort's implicit count (spl-semantics §6.1, SHIPPED
// limits.conf): rows beyond it are dropped unless `sort 0` or `sort N`.
const defaultSortLimit = 10000

// sortNode is `sort [N] [+|-][func(]field[)] ... [d|desc]`, a stable sort
// of all its input, cut to N rows (default 10000; 0 means no limit).
//
// Choices on points Splunk's documentation leaves open:
//   - auto (the default) follows searchbnf's sort description: "If the
//     field takes on numeric values, the collating sequence is numeric. If
//     the field takes on IP address values, the collating sequence is for
//     IPs. Otherwise, the collating sequence is lexicographic ordering."
//     So two numbers compare numerically, two IP addresses (IPv4 or IPv6
//     text, netip.ParseAddr) as addresses (10.0.0.9 before 10.0.0.10, IPv4
//     before IPv6), strings byte-wise, so upper case sorts before lower
//     case (spl-semantics §1.4). Between kinds, IP addresses sort before
//     numbers and numbers before strings: Splunk's per-pair rule made into
//     a total order (the per-pair rule is not transitive on mixed values).
//   - num() is auto without the IP order: an address is a string.
//   - str() compares every value as a string, numbers by their text.
//   - ip() is auto (addresses first, then the other values as auto).
//   - A row missing the field sorts last whatever the direction: Splunk
//     treats it as the largest value in ascending order and the smallest in
//     descending order.
//   - A multivalue field sorts by its first value.
//   - A trailing d or desc reverses every key; missing values stay last.
type sortNode struct {
	in    node
	keys  []sortKey
	limit int
	shown string
}

// sortKey is one resolved key: column index in the input (-1: absent).
type sortKey struct {
	col  int
	desc bool
	fn   string
}

func (*sortNode) isNode()            {}
func (n *sortNode) fields() []string { return n.in.fields() }
func (n *sortNode) input() node      { return n.in }
func (n *sortNode) describe() string {
	return "Sort limit=" + strconv.Itoa(n.limit) + " " + n.shown
}

func planSort(c *spl.Sort, in node) (node, error) {
	n := &sortNode{in: in, limit: defaultSortLimit}
	if c.Limit != nil {
		if *c.Limit < 0 {
			return nil, &spl.Error{Pos: c.Pos, Msg: "sort: the count must not be negative"}
		}
		n.limit = *c.Limit
	}
	if len(c.Keys) == 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "sort needs at least one field"}
	}
	keys, shown, err := resolveSortKeys(c.Keys, in.fields(), c.Pos)
	if err != nil {
		return nil, err
	}
	if c.Reverse {
		for i := range keys {
			keys[i].desc = !keys[i].desc
		}
		shown += " reversed"
	}
	n.keys, n.shown = keys, shown
	return n, nil
}

// resolveSortKeys maps written keys to input columns.
func resolveSortKeys(ks []spl.SortKey, fields []string, pos spl.Span) ([]sortKey, string, error) {
	var out []sortKey
	var shown []string
	for _, k := range ks {
		switch k.Func {
		case "", "auto", "num", "str", "ip":
		default:
			return nil, "", &spl.Error{Pos: pos, Msg: fmt.Sprintf("sort: unknown function %s() (use auto, num, str or ip)", k.Func)}
		}
		if strings.Contains(k.Field, "*") {
			return nil, "", &spl.Error{Pos: pos, Msg: fmt.Sprintf("sort: wildcards are not allowed in sort fields: %s", k.Field)}
		}
		out = append(out, sortKey{col: slices.Index(fields, k.Field), desc: k.Desc, fn: k.Func})
		s := "+"
		if k.Desc {
			s = "-"
		}
		if k.Func != "" {
			s += k.Func + "(" + spl.Word(k.Field) + ")"
		} else {
			s += spl.Word(k.Field)
		}
		shown = append(shown, s)
	}
	return out, strings.Join(shown, " "), nil
}

// sortVal is one key value of one row, ready for comparison.
type sortVal struct {
	rank uint8 // 0 ip, 1 number, 2 string, 3 missing
	num  float64
	str  string
	ip   netip.Addr
}

func makeSortVal(v *value.Vector, i int, fn string) sortVal {
	s, ok := v.Str(i)
	if !ok {
		return sortVal{rank: 3}
	}
	if fn == "str" {
		return sortVal{rank: 2, str: s}
	}
	if fn != "num" && v.Kinds[i] != value.KindNumber {
		if a, err := netip.ParseAddr(s); err == nil {
			return sortVal{rank: 0, ip: a}
		}
	}
	if f, ok := v.Num(i); ok && v.Kinds[i] != value.KindMulti {
		return sortVal{rank: 1, num: f}
	}
	if v.Kinds[i] == value.KindMulti {
		if f, ok := value.ParseNumber(s); ok {
			return sortVal{rank: 1, num: f}
		}
	}
	return sortVal{rank: 2, str: s}
}

// compareSortVals orders two values ascending; missing values are
// handled by the caller.
func compareSortVals(a, b *sortVal) int {
	if a.rank != b.rank {
		return cmp.Compare(a.rank, b.rank)
	}
	switch a.rank {
	case 0:
		return a.ip.Compare(b.ip)
	case 1:
		return cmp.Compare(a.num, b.num)
	case 2:
		return strings.Compare(a.str, b.str)
	}
	return 0
}

// sortRows returns the rows of s in key order (stable).
func sortRows(s *rowStore, keys []sortKey) ([]rowRef, error) {
	var refs []rowRef
	for bi, b := range s.batches {
		for r := 0; r < int(b.NumRows()); r++ {
			refs = append(refs, rowRef{int32(bi), int32(r)})
		}
	}
	vals := make([][]sortVal, len(keys))
	for k, key := range keys {
		vals[k] = make([]sortVal, 0, len(refs))
		for bi, b := range s.batches {
			if key.col < 0 {
				for range int(b.NumRows()) {
					vals[k] = append(vals[k], sortVal{rank: 3})
				}
				continue
			}
			v, err := s.vec(bi, key.col)
			if err != nil {
				return nil, fmt.Errorf("sort: %w", err)
			}
			for r := 0; r < v.Len(); r++ {
				vals[k] = append(vals[k], makeSortVal(v, r, key.fn))
			}
		}
	}
	order := make([]int32, len(refs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int {
		for k, key := range keys {
			a, b := &vals[k][x], &vals[k][y]
			switch {
			case a.rank == 3 && b.rank == 3:
				continue
			case a.rank == 3:
				return 1
			case b.rank == 3:
				return -1
			}
			c := compareSortVals(a, b)
			if key.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	out := make([]rowRef, len(order))
	for i, o := range order {
		out[i] = refs[o]
	}
	return out, nil
}

func (n *sortNode) newOperator(env *execEnv, in operator) operator {
	return &blockingOp{in: in, env: env, fields: n.fields(), run: func(_ context.Context, s *rowStore) ([]arrow.RecordBatch, error) {
		refs, err := sortRows(s, n.keys)
		if err != nil {
			return nil, err
		}
		if n.limit > 0 && len(refs) > n.limit {
			refs = refs[:n.limit]
		}
		return s.emit(env.mem, refs, env.batchSize)
	}}
}
