package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// joinNode is `join [type=inner|left|outer] [max=N] [overwrite=bool]
// [fields] [subsearch]`, a hash join of the input (left side) with the
// subsearch's rows (at most 50,000, subsearch.go).
//
// Semantics, with the choices made where the reference is silent:
//   - The join fields are the listed ones, or every field the two sides
//     share (by plan-time field lists). A row joins only when each join
//     field is non-null on both sides and the values are equal as strings,
//     case-sensitively (a multivalue joins on its first value).
//   - Each input row joins with up to max subsearch rows (default 1, 0
//     unlimited), in subsearch order, one output row per pair. type=inner
//     (the default) drops an input row without a match; left and outer
//     keep it once, with the subsearch's fields null.
//   - Output fields: the input's, then the subsearch's new ones. For a
//     shared non-join field the subsearch value wins (overwrite=true, the
//     default) unless it is null; overwrite=false keeps the input's value
//     unless that is null.
//   - Output rows keep the input's order.
type joinNode struct {
	in, sub   node
	keys      []string
	typ       string // inner, left
	max       int
	overwrite bool
	out       []string
}

func (*joinNode) isNode()            {}
func (n *joinNode) fields() []string { return n.out }
func (n *joinNode) input() node      { return n.in }
func (n *joinNode) subplans() []node { return []node{n.sub} }
func (n *joinNode) describe() string {
	return fmt.Sprintf("Join type=%s max=%d overwrite=%t on=[%s] subsearch_maxout=%d", n.typ, n.max, n.overwrite,
		strings.Join(n.keys, " "), joinSubsearchMax)
}

func (e *Engine) planJoin(c *spl.Join, in node, pl *Plan) (node, error) {
	n := &joinNode{in: in, typ: "inner", max: 1, overwrite: true}
	for _, o := range c.Options {
		v := o.Value.Text
		switch o.Key {
		case "type":
			switch strings.ToLower(v) {
			case "inner":
				n.typ = "inner"
			case "left", "outer":
				n.typ = "left"
			default:
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("join type=%s: want inner, left or outer", v)}
			}
		case "max":
			m, err := strconv.Atoi(v)
			if err != nil || m < 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("join max=%s: want a non-negative integer", v)}
			}
			n.max = m
		case "overwrite":
			b, err := boolOption("join", o)
			if err != nil {
				return nil, err
			}
			n.overwrite = b
		case "usetime", "earlier":
			if b, ok := parseBool(v); !ok || b {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported join option %s=%s", o.Key, v)}
			}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown join option %q", o.Key)}
		}
	}
	if c.Subsearch == nil {
		return nil, &spl.Error{Pos: c.Pos, Msg: "join needs a subsearch [...]"}
	}
	sub, err := e.planSubsearch(c.Subsearch, c.Pos, pl)
	if err != nil {
		return nil, err
	}
	n.sub = sub
	n.keys = c.Fields
	if len(n.keys) == 0 {
		for _, f := range in.fields() {
			if slices.Index(sub.fields(), f) >= 0 {
				n.keys = append(n.keys, f)
			}
		}
		if len(n.keys) == 0 {
			return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("join without fields needs fields common to both sides; the search has [%s], the subsearch [%s]",
				strings.Join(in.fields(), " "), strings.Join(sub.fields(), " "))}
		}
	}
	for _, k := range n.keys {
		if slices.Index(in.fields(), k) < 0 {
			pl.warn(fmt.Sprintf("join field %s is not a field of the search: no row will join", k))
		} else if slices.Index(sub.fields(), k) < 0 {
			pl.warn(fmt.Sprintf("join field %s is not a field of the subsearch: no row will join", k))
		}
	}
	n.out = append([]string(nil), in.fields()...)
	for _, f := range sub.fields() {
		if slices.Index(n.out, f) < 0 {
			n.out = append(n.out, f)
		}
	}
	return n, nil
}

func (n *joinNode) newOperator(env *execEnv, in operator) operator {
	o := &blockingOp{in: in, env: env, fields: n.in.fields()}
	o.run = func(ctx context.Context, left *rowStore) ([]arrow.RecordBatch, error) {
		subOp := build(env, n.sub)
		defer subOp.Close()
		right, err := drain(ctx, subOp, n.sub.fields(), joinSubsearchMax)
		defer right.release()
		if err != nil {
			return nil, fmt.Errorf("join subsearch: %w", err)
		}
		return n.run(env, left, right)
	}
	return o
}

// joinPair is one output row: a left row and a right row (b < 0: none).
type joinPair struct{ l, r rowRef }

func (n *joinNode) run(env *execEnv, left, right *rowStore) ([]arrow.RecordBatch, error) {
	keyCols := func(s *rowStore) []int {
		cols := make([]int, len(n.keys))
		for i, k := range n.keys {
			cols[i] = slices.Index(s.fields, k)
		}
		return cols
	}
	// rowKey builds the key of row r of batch bi; ok is false when a join
	// field is absent or null.
	rowKey := func(s *rowStore, cols []int, bi, r int, key []byte) ([]byte, bool, error) {
		key = key[:0]
		for _, c := range cols {
			if c < 0 {
				return key, false, nil
			}
			v, err := s.vec(bi, c)
			if err != nil {
				return key, false, err
			}
			str, ok := v.Str(r)
			if !ok {
				return key, false, nil
			}
			key = value.AppendKeyPart(key, str)
		}
		return key, true, nil
	}
	index := map[string][]rowRef{}
	rcols := keyCols(right)
	var key []byte
	for bi, b := range right.batches {
		for r := 0; r < int(b.NumRows()); r++ {
			var ok bool
			var err error
			if key, ok, err = rowKey(right, rcols, bi, r, key); err != nil {
				return nil, fmt.Errorf("join: %w", err)
			} else if ok {
				index[string(key)] = append(index[string(key)], rowRef{int32(bi), int32(r)})
			}
		}
	}
	var pairs []joinPair
	lcols := keyCols(left)
	for bi, b := range left.batches {
		for r := 0; r < int(b.NumRows()); r++ {
			var ok bool
			var err error
			if key, ok, err = rowKey(left, lcols, bi, r, key); err != nil {
				return nil, fmt.Errorf("join: %w", err)
			}
			var matches []rowRef
			if ok {
				matches = index[string(key)]
			}
			if n.max > 0 && len(matches) > n.max {
				matches = matches[:n.max]
			}
			l := rowRef{int32(bi), int32(r)}
			for _, m := range matches {
				pairs = append(pairs, joinPair{l, m})
			}
			if len(matches) == 0 && n.typ == "left" {
				pairs = append(pairs, joinPair{l, rowRef{-1, -1}})
			}
		}
	}
	// Columns: for each output field, where it comes from on each side.
	type src struct{ l, r int }
	srcs := make([]src, len(n.out))
	for i, f := range n.out {
		srcs[i] = src{slices.Index(left.fields, f), slices.Index(right.fields, f)}
	}
	var out []arrow.RecordBatch
	var tmp value.Vector
	for start := 0; start < len(pairs); start += env.batchSize {
		part := pairs[start:min(start+env.batchSize, len(pairs))]
		cols := make([]arrow.Array, len(n.out))
		for c, s := range srcs {
			tmp.Reset(len(part))
			for k, p := range part {
				var lv, rv *value.Vector
				var err error
				if s.l >= 0 {
					if lv, err = left.vec(int(p.l.b), s.l); err != nil {
						releaseAll(cols)
						releaseAll(out)
						return nil, fmt.Errorf("join: %w", err)
					}
				}
				if s.r >= 0 && p.r.b >= 0 {
					if rv, err = right.vec(int(p.r.b), s.r); err != nil {
						releaseAll(cols)
						releaseAll(out)
						return nil, fmt.Errorf("join: %w", err)
					}
				}
				lNull := lv == nil || lv.IsNull(int(p.l.r))
				rNull := rv == nil || rv.IsNull(int(p.r.r))
				switch {
				case !rNull && (n.overwrite || lNull):
					tmp.CopyRow(k, rv, int(p.r.r))
				case !lNull:
					tmp.CopyRow(k, lv, int(p.l.r))
				}
			}
			cols[c] = tmp.Build(env.mem)
		}
		out = append(out, newBatch(n.out, cols, len(part)))
	}
	return out, nil
}
