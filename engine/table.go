package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/spl"
)

// tableNode is `table f1 f2 ...`: the listed fields, in the listed order.
// Columns are shared with the input, not copied.
//
// A wildcard expands to the matching present fields in their input order
// (case-sensitive, like every field name). A non-wildcard field that is
// absent is still a column, all null: Splunk's table shows a column for
// every field it is given, and a result set's columns are the union of the
// fields of its rows. A field listed twice (directly or through a
// wildcard) appears once, at its first place.
type tableNode struct {
	in  node
	pat []string
	out []string
}

func (*tableNode) isNode()            {}
func (n *tableNode) fields() []string { return n.out }
func (n *tableNode) input() node      { return n.in }
func (n *tableNode) describe() string { return "Table " + strings.Join(n.pat, " ") }

func planTable(c *spl.Table, in node) (node, error) {
	n := &tableNode{in: in}
	for _, f := range c.Fields {
		n.pat = append(n.pat, spl.Word(f.Text))
	}
	n.out = expandFieldList(c.Fields, in.fields(), true)
	return n, nil
}

// expandFieldList expands patterns against present fields, dropping
// duplicates; absent plain names are kept when keepAbsent is set.
func expandFieldList(pats []spl.Value, present []string, keepAbsent bool) []string {
	var out []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, p := range pats {
		if !strings.Contains(p.Text, "*") {
			if keepAbsent || slices.Index(present, p.Text) >= 0 {
				add(p.Text)
			}
			continue
		}
		for _, f := range present {
			if _, ok := matchName(p.Text, f); ok {
				add(f)
			}
		}
	}
	return out
}

func (n *tableNode) newOperator(env *execEnv, in operator) operator {
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		return projectBatch(env.mem, b, n.out), false, nil
	}}
}
