package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// dedupNode is `dedup [N] fields [keepempty=] [consecutive=] [sortby keys]`:
// it keeps the first N rows (default 1) of every combination of the fields'
// values, in input order, streaming. A row where any field is null is
// dropped, unless keepempty=true, which keeps every such row. Values are
// compared as rendered text, case-sensitively; a multivalue field's
// combination is all its values in order. With consecutive=true only runs
// of adjacent rows with the same combination are cut to N. sortby sorts
// the rows first (a sort without limit, see sortNode) and dedup then keeps
// the first N of each combination in that order, as the Search Reference
// says of <sort-by-clause>: "The <sort-by-clause> determines which of the
// duplicate events to keep. When the list of events is sorted, the
// top-most event, of the duplicate events in the sorted list, is
// retained." The output is in the sorted order. keepevents=true is a plan
// error (unsupported).
type dedupNode struct {
	in          node
	n           int
	cols        []int // -1: absent (always null)
	names       []string
	keepEmpty   bool
	consecutive bool
}

func (*dedupNode) isNode()            {}
func (n *dedupNode) fields() []string { return n.in.fields() }
func (n *dedupNode) input() node      { return n.in }
func (n *dedupNode) describe() string {
	return fmt.Sprintf("Dedup %d %s keepempty=%t consecutive=%t", n.n, strings.Join(n.names, " "), n.keepEmpty, n.consecutive)
}

func planDedup(c *spl.Dedup, in node) (node, error) {
	n := &dedupNode{in: in, n: 1}
	if c.Count < 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "dedup: the count must be positive"}
	}
	if c.Count > 0 {
		n.n = c.Count
	}
	if len(c.Fields) == 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "dedup needs at least one field"}
	}
	for _, o := range c.Options {
		switch o.Key {
		case "keepempty", "consecutive", "keepevents":
			b, err := boolOption("dedup", o)
			if err != nil {
				return nil, err
			}
			switch {
			case o.Key == "keepempty":
				n.keepEmpty = b
			case o.Key == "consecutive":
				n.consecutive = b
			case b:
				return nil, &spl.Error{Pos: o.Pos, Msg: "unsupported dedup option keepevents=true"}
			}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown dedup option %q (use keepempty, consecutive or keepevents)", o.Key)}
		}
	}
	fields := in.fields()
	for _, f := range c.Fields {
		if strings.Contains(f, "*") {
			return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("dedup: wildcards are not allowed in dedup fields: %s", f)}
		}
		n.cols = append(n.cols, slices.Index(fields, f))
		n.names = append(n.names, spl.Word(f))
	}
	if len(c.SortBy) == 0 {
		return n, nil
	}
	keys, shown, err := resolveSortKeys(c.SortBy, fields, c.Pos)
	if err != nil {
		return nil, err
	}
	n.in = &sortNode{in: in, keys: keys, limit: 0, shown: shown}
	return n, nil
}

func (n *dedupNode) newOperator(env *execEnv, in operator) operator {
	counts := map[string]int{}
	var prev string
	run := 0
	var key []byte
	var vals []string
	vecs := make([]value.Vector, len(n.cols))
	var mask []bool
	return &streamOp{in: in, step: func(ctx context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		for k, c := range n.cols {
			if c < 0 {
				vecs[k].Reset(rows)
				continue
			}
			rd, err := value.NewColumn(b.Column(c))
			if err != nil {
				return nil, false, fmt.Errorf("dedup: %w", err)
			}
			rd.Load(&vecs[k])
		}
		mask = mask[:0]
	rowLoop:
		for r := 0; r < rows; r++ {
			key = key[:0]
			for k := range vecs {
				if vecs[k].IsNull(r) {
					mask = append(mask, n.keepEmpty)
					continue rowLoop
				}
				vals = vecs[k].Values(r, vals[:0])
				key = binary.AppendUvarint(key, uint64(len(vals)))
				for _, v := range vals {
					key = value.AppendKeyPart(key, v)
				}
			}
			keep := false
			if n.consecutive {
				if run > 0 && prev == string(key) {
					run++
				} else {
					prev, run = string(key), 1
				}
				keep = run <= n.n
			} else {
				c := counts[string(key)]
				if c < n.n {
					counts[string(key)] = c + 1
					keep = true
				}
			}
			mask = append(mask, keep)
		}
		out, err := maskBatch(ctx, env.mem, b, mask)
		if err != nil {
			return nil, false, fmt.Errorf("dedup: %w", err)
		}
		return out, false, nil
	}}
}
