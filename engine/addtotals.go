package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// addtotalsNode is `addtotals [fieldname=<f>] [row=true] [<field>...]`. The
// Search Reference (addtotals, 10.0): "The addtotals command computes the
// arithmetic sum of all numeric fields for each search result"; "Only the
// fields specified in the <field-list> are summed. If a <field-list> is not
// specified, all numeric fields are included in the sum"; "You can use
// wildcards in the field names"; the sum "is placed in a new field"
// (fieldname, default Total).
//
//   - A value is numeric when it reads as a number, field text included
//     (eval's "4" is 4, as every Splunk value is text); other values, and
//     nulls, are left out. A multivalue adds each of its numeric values.
//     [uncertain: the reference does not say how multivalues count]
//   - Without a field list every field is summed except those starting
//     with "_" (internal fields such as _time) and the result field itself.
//     [uncertain]
//   - A row with no numeric value among the summed fields gets no total
//     (null) rather than 0. [uncertain]
//   - The total is written in place when the field exists, else appended
//     at the end. The field list may be separated by spaces or commas (ESCU
//     writes commas).
//   - col=true (the column totals row), labelfield= and label= are plan
//     errors: only row totals are implemented (use stats sum()).
type addtotalsNode struct {
	in   node
	name string
	pats []string
	cols []int // input columns summed
	out  []string
	dst  int
}

func (*addtotalsNode) isNode()            {}
func (n *addtotalsNode) fields() []string { return n.out }
func (n *addtotalsNode) input() node      { return n.in }
func (n *addtotalsNode) describe() string {
	fs := make([]string, len(n.cols))
	for i, c := range n.cols {
		fs[i] = spl.Word(n.in.fields()[c])
	}
	return "Addtotals fieldname=" + spl.Word(n.name) + " fields=[" + strings.Join(fs, " ") + "]"
}

func planAddtotals(c *spl.Addtotals, in node) (node, error) {
	n := &addtotalsNode{in: in, name: "Total", pats: c.Fields}
	for _, o := range c.Options {
		switch o.Key {
		case "fieldname":
			n.name = o.Value.Text
		case "row":
			b, err := boolOption("addtotals", o)
			if err != nil {
				return nil, err
			}
			if !b {
				return nil, &spl.Error{Pos: o.Pos, Msg: "addtotals row=false is not supported (only row totals are implemented)"}
			}
		case "col":
			b, err := boolOption("addtotals", o)
			if err != nil {
				return nil, err
			}
			if b {
				return nil, &spl.Error{Pos: o.Pos, Msg: "addtotals col=true is not supported (only row totals are implemented; use stats sum())"}
			}
		case "labelfield", "label":
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("addtotals %s= is not supported (it labels the col=true row, which is not implemented)", o.Key)}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown addtotals option %q", o.Key)}
		}
	}
	inf := in.fields()
	for i, f := range inf {
		if f == n.name {
			continue
		}
		if len(c.Fields) == 0 {
			if !strings.HasPrefix(f, "_") {
				n.cols = append(n.cols, i)
			}
			continue
		}
		for _, p := range c.Fields {
			if _, ok := matchName(p, f); ok || p == f {
				n.cols = append(n.cols, i)
				break
			}
		}
	}
	n.out = append([]string(nil), inf...)
	n.dst = slices.Index(n.out, n.name)
	if n.dst < 0 {
		n.dst = len(n.out)
		n.out = append(n.out, n.name)
	}
	return n, nil
}

func (n *addtotalsNode) newOperator(env *execEnv, in operator) operator {
	var v, out value.Vector
	var vals []string
	names := n.in.fields()
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		sum := make([]float64, rows)
		seen := make([]bool, rows)
		for _, ci := range n.cols {
			a := value.ColumnByName(b, names[ci])
			if a == nil {
				continue
			}
			rd, err := value.NewColumn(a)
			if err != nil {
				return nil, false, fmt.Errorf("addtotals %s: %w", names[ci], err)
			}
			rd.Load(&v)
			for r := 0; r < rows; r++ {
				switch v.Kinds[r] {
				case value.KindNull:
				case value.KindMulti:
					for _, s := range v.Values(r, vals[:0]) {
						if f, ok := value.ParseNumber(s); ok {
							sum[r] += f
							seen[r] = true
						}
					}
				default:
					if f, ok := v.Num(r); ok {
						sum[r] += f
						seen[r] = true
					} else if s, ok := v.Str(r); ok {
						if f, ok := value.ParseNumber(s); ok {
							sum[r] += f
							seen[r] = true
						}
					}
				}
			}
		}
		out.Reset(rows)
		for r := 0; r < rows; r++ {
			if seen[r] {
				out.SetNum(r, sum[r])
			}
		}
		col := out.Build(env.mem)
		defer col.Release()
		return value.SetColumn(b, n.name, col), false, nil
	}}
}
