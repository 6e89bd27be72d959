package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/spl"
)

// renameNode is `rename A as B, ...`. It only changes the schema: output
// column i is input column src[i] under a new name; no data is copied.
type renameNode struct {
	in    node
	pairs []string
	out   []string
	src   []int
}

func (*renameNode) isNode()            {}
func (n *renameNode) fields() []string { return n.out }
func (n *renameNode) input() node      { return n.in }
func (n *renameNode) describe() string { return "Rename " + strings.Join(n.pairs, ", ") }

// planRename applies the pairs in order to the input's field list, with the
// semantics of spl-semantics §3: B := A, A removed; an existing B is
// overwritten (and dropped when A is absent); a renamed column keeps A's
// position; '*' captures carry over when both sides have the same number of
// wildcards. When several sources of one wildcard pair land on the same
// name, the rightmost column wins. A capture yielding an empty name leaves
// that column alone.
func planRename(r *spl.Rename, in node) (node, error) {
	type col struct {
		name string
		src  int
	}
	var cur []col
	for i, f := range in.fields() {
		cur = append(cur, col{f, i})
	}
	n := &renameNode{in: in}
	for _, p := range r.Pairs {
		from, to := p.From.Text, p.To.Text
		nf, nt := strings.Count(from, "*"), strings.Count(to, "*")
		if nf != nt {
			return nil, &spl.Error{Pos: spl.Span{Start: p.From.Pos.Start, End: p.To.Pos.End},
				Msg: fmt.Sprintf("wildcard mismatch: %s has %d wildcards but %s has %d", spl.Word(from), nf, spl.Word(to), nt)}
		}
		n.pairs = append(n.pairs, spl.Word(from)+" AS "+spl.Word(to))
		newName := make([]string, len(cur))
		matched := make([]bool, len(cur))
		targets := map[string]int{} // new name -> last column renamed to it
		for i, c := range cur {
			caps, ok := matchName(from, c.name)
			if !ok {
				continue
			}
			nn := substituteName(to, caps)
			if nn == "" {
				continue
			}
			matched[i], newName[i] = true, nn
			targets[nn] = i
		}
		if len(targets) == 0 {
			if nf == 0 && from != to {
				// A absent: an existing B loses its data.
				var next []col
				for _, c := range cur {
					if c.name != to {
						next = append(next, c)
					}
				}
				cur = next
			}
			continue
		}
		var next []col
		for i, c := range cur {
			switch last, isTarget := targets[c.name]; {
			case matched[i]:
				if targets[newName[i]] == i {
					next = append(next, col{newName[i], c.src})
				}
			case isTarget && last != i:
				// Overwritten by a renamed column.
			default:
				next = append(next, c)
			}
		}
		cur = next
	}
	for _, c := range cur {
		n.out = append(n.out, c.name)
		n.src = append(n.src, c.src)
	}
	return n, nil
}

func (n *renameNode) newOperator(_ *execEnv, in operator) operator {
	var schema, inSch *arrow.Schema
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		if schema == nil || !inSch.Equal(b.Schema()) {
			fields := make([]arrow.Field, len(n.src))
			for i, s := range n.src {
				f := b.Schema().Field(s)
				f.Name = n.out[i]
				fields[i] = f
			}
			schema, inSch = arrow.NewSchema(fields, nil), b.Schema()
		}
		cols := make([]arrow.Array, len(n.src))
		for i, s := range n.src {
			cols[i] = b.Column(s)
		}
		return array.NewRecordBatch(schema, cols, b.NumRows()), false, nil
	}}
}
