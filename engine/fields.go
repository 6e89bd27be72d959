package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/spl"
)

// fieldsNode is `fields [+|-] f1, f2 ...`. Columns are shared, not copied.
//
//   - `fields - list` removes the matching fields and keeps the others in
//     their order. The internal fields _time and _raw go only when a
//     pattern beginning with "_" names them (`_time`, `_raw`, `_*`):
//     `fields - *` keeps them (spl-semantics §6.1: fields "does not remove
//     _raw or _time unless you explicitly write fields - _* or fields -
//     _raw").
//   - `fields [+] list` keeps the matching present fields, in the order of
//     the list (a wildcard's matches in input order); absent fields are not
//     created. The internal fields _time and _raw are kept even when not
//     listed (spl-semantics §6.1, Splunk's fields page), ahead of the
//     listed ones, in their input order.
type fieldsNode struct {
	in    node
	shown string
	out   []string
}

func (*fieldsNode) isNode()            {}
func (n *fieldsNode) fields() []string { return n.out }
func (n *fieldsNode) input() node      { return n.in }
func (n *fieldsNode) describe() string { return "Fields " + n.shown }

func planFields(c *spl.Fields, in node) (node, error) {
	var pats []string
	for _, f := range c.Fields {
		pats = append(pats, spl.Word(f.Text))
	}
	n := &fieldsNode{in: in}
	present := in.fields()
	if c.Remove {
		n.shown = "- " + strings.Join(pats, " ")
		for _, f := range present {
			if !removedByFields(c.Fields, f) {
				n.out = append(n.out, f)
			}
		}
		return n, nil
	}
	n.shown = "+ " + strings.Join(pats, " ")
	listed := expandFieldList(c.Fields, present, false)
	for _, f := range present {
		if (f == "_time" || f == "_raw") && slices.Index(listed, f) < 0 {
			n.out = append(n.out, f)
		}
	}
	n.out = append(n.out, listed...)
	return n, nil
}

// removedByFields reports whether `fields - pats` removes field f: some
// pattern matches it, and for _time and _raw that pattern begins with "_".
func removedByFields(pats []spl.Value, f string) bool {
	internal := f == "_time" || f == "_raw"
	for _, p := range pats {
		if internal && !strings.HasPrefix(p.Text, "_") {
			continue
		}
		if _, ok := matchName(p.Text, f); ok {
			return true
		}
	}
	return false
}

func (n *fieldsNode) newOperator(env *execEnv, in operator) operator {
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		return projectBatch(env.mem, b, n.out), false, nil
	}}
}
