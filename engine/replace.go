package engine

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// replaceNode is `replace <wc-string> WITH <wc-string> [, ...] IN
// <field>...`. The Search Reference (replace, 9.3): it "Replaces field
// values in your search results with the values that you specify";
// "Non-wildcard replacement values specified later take precedence over
// those replacements specified earlier. For a wildcard replacement, fuller
// matches take precedence over lesser matches."; "When using wildcard
// replacements, the result must have the same number of wildcards, or none
// at all."
//
//   - A pattern matches a whole value; `*` matches any run of characters
//     (none included) and, when the replacement has as many `*`, the
//     matched runs are put in its `*` in order ("* localhost" WITH
//     "localhost *" turns "a localhost" into "localhost a"). A replacement
//     with another number of `*` than its pattern (other than none) is a
//     plan error.
//   - Precedence: a pattern without `*` that equals the value beats every
//     wildcard pattern, the last such pair winning; among wildcard
//     patterns the fuller match wins, taken as the one with the most
//     literal (non-`*`) characters, then the first written. [uncertain:
//     the reference does not say how "fuller" is measured]
//   - Matching is case-sensitive, on the value as rendered (a number by
//     its text). [uncertain: the reference does not say]
//   - Each value of a multivalue field is replaced on its own; null stays
//     null; an absent field stays absent. A replaced value is a field value
//     (text that reads as a number is a number).
//   - Without IN, Splunk replaces in "all non-generated fields" (not those
//     made by stats or eval), which minispl does not track: that form is a
//     plan error, as is a `*` in a field name.
type replaceNode struct {
	in    node
	pairs []replaceRule
	cols  []int
	text  string
}

// replaceRule is one compiled pattern and its replacement.
type replaceRule struct {
	from, to string
	re       *regexp.Regexp // nil for a pattern without `*`
	literal  int            // literal characters of the pattern
	order    int
}

func (*replaceNode) isNode()            {}
func (n *replaceNode) fields() []string { return n.in.fields() }
func (n *replaceNode) input() node      { return n.in }
func (n *replaceNode) describe() string { return n.text }

func planReplace(c *spl.Replace, in node) (node, error) {
	if len(c.Fields) == 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "replace needs IN <field>...: without it Splunk replaces in every field not made by stats or eval, which minispl does not track"}
	}
	n := &replaceNode{in: in, text: "Replace" + strings.TrimPrefix(c.String(), "replace")}
	for i, p := range c.Pairs {
		nf, nt := strings.Count(p.From.Text, "*"), strings.Count(p.To.Text, "*")
		if nt != 0 && nt != nf {
			return nil, &spl.Error{Pos: p.To.Pos, Msg: fmt.Sprintf("replace: %s has %d wildcards and its pattern %s has %d; the replacement needs the same number or none", p.To.String(), nt, p.From.String(), nf)}
		}
		r := replaceRule{from: p.From.Text, to: p.To.Text, literal: len(p.From.Text) - nf, order: i}
		if nf > 0 {
			parts := strings.Split(p.From.Text, "*")
			for j := range parts {
				parts[j] = regexp.QuoteMeta(parts[j])
			}
			r.re = regexp.MustCompile(`(?s)^` + strings.Join(parts, `(.*?)`) + `$`)
		}
		n.pairs = append(n.pairs, r)
	}
	for _, f := range c.Fields {
		if strings.Contains(f, "*") {
			return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("replace: wildcards are not allowed in the field list: %s", f)}
		}
		if i := slices.Index(in.fields(), f); i >= 0 && !slices.Contains(n.cols, i) {
			n.cols = append(n.cols, i)
		}
	}
	return n, nil
}

// apply returns the replacement of s, or ok false when no pattern matches.
func (n *replaceNode) apply(s string) (string, bool) {
	best := -1
	var groups []string
	for i := range n.pairs {
		r := &n.pairs[i]
		if r.re == nil {
			if r.from == s && (best < 0 || n.pairs[best].re != nil || r.order > n.pairs[best].order) {
				best, groups = i, nil
			}
			continue
		}
		if best >= 0 && (n.pairs[best].re == nil || n.pairs[best].literal >= r.literal) {
			continue
		}
		if m := r.re.FindStringSubmatch(s); m != nil {
			best, groups = i, m[1:]
		}
	}
	if best < 0 {
		return "", false
	}
	r := n.pairs[best]
	if groups == nil || !strings.Contains(r.to, "*") {
		return r.to, true
	}
	var b strings.Builder
	k := 0
	for _, ch := range strings.Split(r.to, "*") {
		if k > 0 {
			b.WriteString(groups[k-1])
		}
		b.WriteString(ch)
		k++
	}
	return b.String(), true
}

func (n *replaceNode) newOperator(env *execEnv, in operator) operator {
	var v, out value.Vector
	var vals []string
	names := n.in.fields()
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		res := b
		res.Retain()
		for _, ci := range n.cols {
			a := value.ColumnByName(b, names[ci])
			if a == nil {
				continue
			}
			rd, err := value.NewColumn(a)
			if err != nil {
				res.Release()
				return nil, false, fmt.Errorf("replace %s: %w", names[ci], err)
			}
			rd.Load(&v)
			out.Reset(rows)
			for r := 0; r < rows; r++ {
				if v.Kinds[r] == value.KindMulti {
					vals = v.Values(r, vals[:0])
					nv := make([]string, len(vals))
					for k, s := range vals {
						if t, ok := n.apply(s); ok {
							s = t
						}
						nv[k] = s
					}
					out.SetValues(r, nv)
					continue
				}
				s, ok := v.Str(r)
				if !ok {
					out.SetNull(r)
					continue
				}
				if t, ok := n.apply(s); ok {
					out.SetText(r, t)
				} else {
					out.CopyRow(r, &v, r)
				}
			}
			col := out.Build(env.mem)
			next := value.SetColumn(res, names[ci], col)
			col.Release()
			res.Release()
			res = next
		}
		return res, false, nil
	}}
}
