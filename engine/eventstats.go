package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// planEventstats plans `eventstats aggs [BY fields]`: the functions and
// their choices are those of stats (statsNode), but the results are added
// as columns to every input row, which keep their order. A function whose
// name is already a field replaces it in place; new ones are appended. A
// row with a null BY value belongs to no group and gets null results; a row
// whose BY field is multivalue gets the results of the group of its first
// value(s) (it still counts in the group of every value).
func planEventstats(c *spl.Eventstats, in node) (node, error) {
	return planStatsCommon("eventstats", c.Options, c.Aggs, c.By, c.Pos, in, true)
}

func (n *statsNode) newEventstatsOperator(env *execEnv, in operator) operator {
	return &blockingOp{in: in, env: env, fields: n.in.fields(), run: func(ctx context.Context, st *rowStore) ([]arrow.RecordBatch, error) {
		run, err := n.aggregate(ctx, env, st)
		if err != nil {
			return nil, err
		}
		// Results once per group, then copied to the rows.
		res := run.results()
		var out []arrow.RecordBatch
		var v value.Vector
		row := 0
		for _, b := range st.batches {
			rows := int(b.NumRows())
			cur := projectBatch(env.mem, b, n.in.fields())
			for k, a := range n.aggs {
				v.Reset(rows)
				for r := 0; r < rows; r++ {
					if g := run.rowGroup[row+r]; g >= 0 {
						v.CopyRow(r, &res[k], int(g))
					}
				}
				col := v.Build(env.mem)
				next := value.SetColumn(cur, a.name, col)
				col.Release()
				cur.Release()
				cur = next
			}
			row += rows
			out = append(out, cur)
		}
		return out, nil
	}}
}
