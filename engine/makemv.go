package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// makemvNode is `makemv [delim=<string> | tokenizer=<regex>]
// [allowempty=<bool>] [setsv=<bool>] field`: each value of field is split
// into the values of a multivalue field.
//
//   - delim splits on every occurrence of the string (default a single
//     space; several characters allowed). tokenizer is repeat-matched
//     against the value and each match's first capturing group is a value
//     (a regex without a group is a plan error; the regex is Go's RE2 with
//     the same PCRE checks as rex and match()). Giving both is a plan
//     error.
//   - Empty values (repeated delimiters, zero-length matches, or a group
//     that did not take part in a match) are dropped unless allowempty=true.
//   - A row whose field is null, or that ends with no value, is null. One
//     value is a single value (typed as any field value: "42" is a
//     number); several make a multivalue. A field that is already
//     multivalue has each value split in turn (an assumption: the
//     documentation only speaks of single values).
//   - setsv=true: the documentation says the decided values are "combined
//     into a single value, which is set on the same field", without the
//     separator; minispl joins them with a newline, the separator nomv
//     uses, so the row holds one value. [UNCERTAIN]
//   - An absent field stays absent. An internal field (leading "_") is a
//     plan error: makemv does not apply to internal fields.
type makemvNode struct {
	in         node
	field      string
	delim      string
	tokenizer  *pcre.Regexp
	allowEmpty bool
	setsv      bool
}

func (*makemvNode) isNode()            {}
func (n *makemvNode) fields() []string { return n.in.fields() }
func (n *makemvNode) input() node      { return n.in }
func (n *makemvNode) describe() string {
	var b strings.Builder
	b.WriteString("Makemv " + spl.Word(n.field))
	if n.tokenizer != nil {
		b.WriteString(" tokenizer=" + spl.Quote(n.tokenizer.String()))
	} else {
		b.WriteString(" delim=" + spl.Quote(n.delim))
	}
	fmt.Fprintf(&b, " allowempty=%t setsv=%t", n.allowEmpty, n.setsv)
	return b.String()
}

func planMakemv(c *spl.Makemv, in node) (node, error) {
	n := &makemvNode{in: in, field: c.Field, delim: " "}
	if strings.HasPrefix(c.Field, "_") {
		return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("makemv does not apply to internal fields such as %s", c.Field)}
	}
	hasDelim := false
	for _, o := range c.Options {
		switch o.Key {
		case "delim":
			if o.Value.Text == "" {
				return nil, &spl.Error{Pos: o.Pos, Msg: "makemv: delim= must not be empty"}
			}
			n.delim, hasDelim = o.Value.Text, true
		case "tokenizer":
			re, err := pcre.Compile(o.Value.Text)
			if err != nil {
				return nil, &spl.Error{Pos: o.Value.Pos, Msg: "makemv tokenizer: " + err.Error()}
			}
			if re.NumSubexp() == 0 {
				return nil, &spl.Error{Pos: o.Value.Pos, Msg: "makemv: tokenizer needs a capturing group, e.g. tokenizer=\"([^,]+),?\""}
			}
			n.tokenizer = re
		case "allowempty", "setsv":
			v, err := boolOption("makemv", o)
			if err != nil {
				return nil, err
			}
			if o.Key == "allowempty" {
				n.allowEmpty = v
			} else {
				n.setsv = v
			}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown makemv option %q (use delim, tokenizer, allowempty or setsv)", o.Key)}
		}
	}
	if hasDelim && n.tokenizer != nil {
		return nil, &spl.Error{Pos: c.Pos, Msg: "makemv takes delim= or tokenizer=, not both"}
	}
	return n, nil
}

// split appends the values of s to dst.
func (n *makemvNode) split(dst []string, s string) []string {
	if n.tokenizer == nil {
		for _, p := range strings.Split(s, n.delim) {
			if p != "" || n.allowEmpty {
				dst = append(dst, p)
			}
		}
		return dst
	}
	for _, m := range n.tokenizer.FindAllStringSubmatchIndex(s, -1) {
		v := ""
		if m[2] >= 0 {
			v = s[m[2]:m[3]]
		}
		if v != "" || n.allowEmpty {
			dst = append(dst, v)
		}
	}
	return dst
}

func (n *makemvNode) newOperator(env *execEnv, in operator) operator {
	var out value.Vector
	var vals []string
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		a := value.ColumnByName(b, n.field)
		if a == nil {
			b.Retain()
			return b, false, nil
		}
		rd, err := value.NewColumn(a)
		if err != nil {
			return nil, false, fmt.Errorf("makemv %s: %w", n.field, err)
		}
		rows := int(b.NumRows())
		out.Reset(rows)
		for r := 0; r < rows; r++ {
			vals = rd.Values(r, vals[:0])
			if len(vals) == 0 {
				continue
			}
			// SetValues keeps the slice: each row gets its own.
			var split []string
			for _, v := range vals {
				split = n.split(split, v)
			}
			if n.setsv && len(split) > 1 {
				split = []string{strings.Join(split, "\n")}
			}
			out.SetValues(r, split)
		}
		col := out.Build(env.mem)
		defer col.Release()
		return value.SetColumn(b, n.field, col), false, nil
	}}
}
