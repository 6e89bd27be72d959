package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// regexNode is `regex [field=|field!=]"re"`: it keeps the rows whose field
// matches re anywhere (unanchored), or with != the rows whose field does
// not match. A multivalue field matches when any value does. A null or
// absent field never matches, so `field!=` keeps such rows. Without a field
// the field is _raw, which results of tstats do not have: `regex "re"`
// after tstats keeps no row (and `regex _raw!="re"` keeps every row). The
// pattern is PCRE, compiled by package pcre (as eval's match() is):
// (?<name>...) groups, lookaround and backreferences are accepted; a
// construct no engine runs is a plan error at the pattern.
type regexNode struct {
	in     node
	field  string
	col    int
	negate bool
	re     *pcre.Regexp
}

func (*regexNode) isNode()            {}
func (n *regexNode) fields() []string { return n.in.fields() }
func (n *regexNode) input() node      { return n.in }
func (n *regexNode) describe() string {
	op := "="
	if n.negate {
		op = "!="
	}
	return "Regex " + spl.Word(n.field) + op + spl.Quote(n.re.String())
}

func planRegex(c *spl.Regex, in node) (node, error) {
	n := &regexNode{in: in, field: c.Field, negate: c.Negate}
	if n.field == "" {
		n.field = "_raw"
	}
	re, err := pcre.Compile(c.Regex.Text)
	if err != nil {
		return nil, &spl.Error{Pos: c.Regex.Pos, Msg: "regex: " + err.Error()}
	}
	n.re = re
	n.col = slices.Index(in.fields(), n.field)
	return n, nil
}

func (n *regexNode) newOperator(env *execEnv, in operator) operator {
	var v value.Vector
	var mask []bool
	var vals []string
	return &streamOp{in: in, step: func(ctx context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		if n.col < 0 {
			v.Reset(rows)
		} else {
			rd, err := value.NewColumn(b.Column(n.col))
			if err != nil {
				return nil, false, fmt.Errorf("regex %s: %w", n.field, err)
			}
			rd.Load(&v)
		}
		mask = mask[:0]
		for r := 0; r < rows; r++ {
			m := false
			vals = v.Values(r, vals[:0])
			for _, s := range vals {
				if n.re.MatchString(s) {
					m = true
					break
				}
			}
			mask = append(mask, m != n.negate)
		}
		out, err := maskBatch(ctx, env.mem, b, mask)
		if err != nil {
			return nil, false, fmt.Errorf("regex: %w", err)
		}
		return out, false, nil
	}}
}
