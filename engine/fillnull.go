package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// fillnullNode is `fillnull [value=X] [fields]`: null cells of the fields
// become X (default "0"). Without a field list every column of the result
// set is filled, which is Splunk's "every field present in at least one
// result" since a column exists when some row has the field. With a list,
// a listed field that is absent is created (appended at the end, in list
// order) and filled on every row. X is a field value: "0" is the number 0
// (so it compares and sums as a number) and keeps its text. Wildcards in
// the list are not expanded (Splunk's fillnull takes plain field names).
// Multivalue cells are never null, so they are left as they are.
type fillnullNode struct {
	in    node
	value string
	cols  []int // output columns to fill
	out   []string
}

func (*fillnullNode) isNode()            {}
func (n *fillnullNode) fields() []string { return n.out }
func (n *fillnullNode) input() node      { return n.in }
func (n *fillnullNode) describe() string {
	var fs []string
	for _, c := range n.cols {
		fs = append(fs, spl.Word(n.out[c]))
	}
	return "Fillnull value=" + spl.Quote(n.value) + " fields=[" + strings.Join(fs, " ") + "]"
}

func planFillnull(c *spl.Fillnull, in node) (node, error) {
	n := &fillnullNode{in: in, value: "0"}
	if c.Value != nil {
		n.value = c.Value.Text
	}
	n.out = append([]string(nil), in.fields()...)
	if len(c.Fields) == 0 {
		for i := range n.out {
			n.cols = append(n.cols, i)
		}
		return n, nil
	}
	for _, f := range c.Fields {
		i := slices.Index(n.out, f)
		if i < 0 {
			i = len(n.out)
			n.out = append(n.out, f)
		}
		if !slices.Contains(n.cols, i) {
			n.cols = append(n.cols, i)
		}
	}
	return n, nil
}

func (n *fillnullNode) newOperator(env *execEnv, in operator) operator {
	var v value.Vector
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		cols := make([]arrow.Array, len(n.out))
		for i, name := range n.out {
			a := value.ColumnByName(b, name)
			if !slices.Contains(n.cols, i) {
				a.Retain()
				cols[i] = a
				continue
			}
			if a == nil {
				v.Reset(rows)
			} else {
				if _, isList := a.(*array.List); a.NullN() == 0 && !isList {
					a.Retain()
					cols[i] = a
					continue
				}
				rd, err := value.NewColumn(a)
				if err != nil {
					releaseAll(cols)
					return nil, false, fmt.Errorf("fillnull %s: %w", name, err)
				}
				rd.Load(&v)
			}
			for r := 0; r < rows; r++ {
				if v.IsNull(r) {
					v.SetText(r, n.value)
				}
			}
			cols[i] = v.Build(env.mem)
		}
		return newBatch(n.out, cols, rows), false, nil
	}}
}
