package engine

import (
	"slices"

	"github.com/minispl/minispl/engine/internal/expr"
)

// DatasetColumns returns, per dataset (full name), the columns the
// plans' tstats read from it: their WHERE tests, BY fields and aggregate
// arguments, and _time (subsearches included); a store whose other
// columns are null gives the plans the same results, so summaries need
// not read them (summaries.ReadOptions.Columns). A dataset read by a
// tstats whose WHERE holds subsearch terms (fields known only once the
// subsearch ran) is absent from the map, which means every column. ok
// is false when some plan may read the store otherwise (a command
// storeScans does not know): then every column of every dataset.
func DatasetColumns(plans ...*Plan) (cols map[string][]string, ok bool) {
	cols = map[string][]string{}
	every := map[string]bool{}
	add := func(n *tstatsNode) {
		name := n.ds.FullName()
		schema := n.ds.Schema()
		var idx []int
		if n.timeCol >= 0 {
			idx = append(idx, n.timeCol)
		}
		for _, k := range n.keys {
			idx = append(idx, k.col)
		}
		for _, a := range n.aggs {
			if !a.bare {
				idx = append(idx, a.arg.col)
			}
		}
		if n.where != nil {
			wc, known := expr.Columns(n.where)
			if !known {
				every[name] = true
			}
			idx = append(idx, wc...)
		}
		for _, i := range idx {
			if i < 0 || i >= schema.NumFields() {
				continue
			}
			if f := schema.Field(i).Name; !slices.Contains(cols[name], f) {
				cols[name] = append(cols[name], f)
			}
		}
	}
	for _, p := range plans {
		if p.events != nil {
			return nil, false
		}
		var walk func(n node) bool
		walk = func(n node) bool {
			for ; n != nil; n = n.input() {
				switch x := n.(type) {
				case *tstatsNode:
					add(x)
				case *tstatsTermsNode:
					every[x.ts.ds.FullName()] = true
				case *rawScanNode:
					// reads the event store, no dataset
				case *addtotalsNode, *appendNode, *appendpipeNode, *binNode, *convertNode, *dedupNode, *evalNode,
					*fieldsNode, *fillnullNode, *headNode, *inputlookupNode, *joinNode, *lookupNode,
					*makemvNode, *makeresultsNode, *mvexpandNode, *regexNode, *renameNode,
					*replaceNode, *replayNode, *rexNode, *searchNode, *sortNode, *spathNode, *statsNode,
					*tableNode, *transactionNode, *whereNode, *xmlkvNode:
					// These read their input or a lookup file (storeScans).
				default:
					return false
				}
				if sp, isSub := n.(subplanner); isSub {
					for _, s := range sp.subplans() {
						if !walk(s) {
							return false
						}
					}
				}
			}
			return true
		}
		if !walk(p.root) {
			return nil, false
		}
	}
	for name := range every {
		delete(cols, name)
	}
	return cols, true
}
