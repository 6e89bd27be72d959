package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// rexNode is `rex [field=f] [max_match=N] "regex"` (extraction) or
// `rex [field=f] mode=sed "s/re/repl/flags"` / "y/abc/xyz/" (edit). The
// field defaults to _raw, which results of tstats lack: rex then extracts
// nothing and its new fields are null.
//
// Extraction: every named group (?<name>...) is a field, replaced in place
// when it exists, else appended in group order. max_match=1 (the default)
// takes the first match; N > 1 takes up to N matches and 0 all of them,
// and a group matched more than once becomes a multivalue. A row whose
// field does not match (or a group that takes no part in the match) leaves
// the target field as it was (null when new). A multivalue source field is
// matched on its first value. A regex without a named group is a plan
// error, as in Splunk.
//
// Sed mode: s/re/repl/ replaces the first match, flag g every match and a
// number N only the N-th; \1..\9 in repl are groups and & is not special.
// y/abc/xyz/ maps each character of the first list to the one at the same
// place in the second (the lists must be as long). The field is edited in
// place, every value of a multivalue; a null field stays null. Any
// delimiter character may replace '/', and "\/" escapes it.
//
// Patterns compile with package pcre (as eval's match() does): RE2 runs
// them, or a backtracking engine for lookaround and backreferences, and a
// construct neither runs is a plan error positioned at the pattern.
type rexNode struct {
	in       node
	field    string
	src      int // input column of field, -1 when absent
	re       *pcre.Regexp
	maxMatch int
	groups   []rexGroup
	sed      *sedEdit
	out      []string
}

// rexGroup is one named group and its output column.
type rexGroup struct {
	name  string
	index int // submatch index
	col   int // output column
}

func (*rexNode) isNode()            {}
func (n *rexNode) fields() []string { return n.out }
func (n *rexNode) input() node      { return n.in }
func (n *rexNode) describe() string {
	if n.sed != nil {
		return "Rex field=" + spl.Word(n.field) + " mode=sed " + spl.Quote(n.sed.text)
	}
	return fmt.Sprintf("Rex field=%s max_match=%d %s", spl.Word(n.field), n.maxMatch, spl.Quote(n.re.String()))
}

func planRex(c *spl.Rex, in node) (node, error) {
	n := &rexNode{in: in, field: "_raw", maxMatch: 1}
	sed := false
	for _, o := range c.Options {
		switch o.Key {
		case "field":
			n.field = o.Value.Text
		case "max_match":
			k, err := strconv.Atoi(o.Value.Text)
			if err != nil || k < 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("rex: max_match=%s is not a non-negative integer", o.Value.Text)}
			}
			n.maxMatch = k
		case "mode":
			if !strings.EqualFold(o.Value.Text, "sed") {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("rex: unknown mode=%s (only mode=sed exists)", o.Value.Text)}
			}
			sed = true
		case "offset_field":
			return nil, &spl.Error{Pos: o.Pos, Msg: "unsupported rex option offset_field"}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown rex option %q (use field, max_match or mode)", o.Key)}
		}
	}
	n.out = append([]string(nil), in.fields()...)
	n.src = slices.Index(n.out, n.field)
	if sed {
		e, err := parseSed(c.Regex.Text)
		if err != nil {
			return nil, &spl.Error{Pos: c.Regex.Pos, Msg: "rex mode=sed: " + err.Error()}
		}
		n.sed = e
		return n, nil
	}
	re, err := pcre.Compile(c.Regex.Text)
	if err != nil {
		return nil, &spl.Error{Pos: c.Regex.Pos, Msg: "rex: " + err.Error()}
	}
	n.re = re
	for i, name := range re.SubexpNames() {
		if name == "" {
			continue
		}
		col := slices.Index(n.out, name)
		if col < 0 {
			col = len(n.out)
			n.out = append(n.out, name)
		}
		n.groups = append(n.groups, rexGroup{name: name, index: i, col: col})
	}
	if len(n.groups) == 0 {
		return nil, &spl.Error{Pos: c.Regex.Pos, Msg: "rex: the regex has no named group (?<name>...), so it extracts no field"}
	}
	return n, nil
}

// sedEdit is a parsed sed expression.
type sedEdit struct {
	text     string
	re       *pcre.Regexp // s mode
	repl     string       // Go template form
	global   bool
	nth      int    // replace only the nth match (1-based); 0: first or all
	from, to []rune // y mode
}

// parseSed parses "s/re/repl/flags" or "y/from/to/".
func parseSed(s string) (*sedEdit, error) {
	if len(s) < 2 || (s[0] != 's' && s[0] != 'y') {
		return nil, fmt.Errorf("%q: want s/regex/replacement/flags or y/chars/chars/", s)
	}
	delim := s[1]
	var parts []string
	var cur strings.Builder
	for i := 2; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == delim:
			cur.WriteByte(delim)
			i++
		case s[i] == '\\' && i+1 < len(s):
			cur.WriteByte('\\')
			cur.WriteByte(s[i+1])
			i++
		case s[i] == delim:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	parts = append(parts, cur.String())
	if len(parts) != 3 {
		return nil, fmt.Errorf("%q: want three %c-separated parts after %c", s, delim, s[0])
	}
	e := &sedEdit{text: s}
	if s[0] == 'y' {
		e.from, e.to = []rune(parts[0]), []rune(parts[1])
		if len(e.from) != len(e.to) {
			return nil, fmt.Errorf("%q: y needs two lists of the same length", s)
		}
		if parts[2] != "" {
			return nil, fmt.Errorf("%q: y takes no flags", s)
		}
		return e, nil
	}
	re, err := pcre.Compile(parts[0])
	if err != nil {
		return nil, err
	}
	e.re, e.repl = re, expr.GoReplacement(parts[1])
	for _, f := range parts[2] {
		switch {
		case f == 'g':
			e.global = true
		case f >= '0' && f <= '9':
			e.nth = e.nth*10 + int(f-'0')
		default:
			return nil, fmt.Errorf("%q: unknown flag %q (use g or a number)", s, f)
		}
	}
	return e, nil
}

// apply edits one value.
func (e *sedEdit) apply(s string) string {
	if e.re == nil {
		return strings.Map(func(r rune) rune {
			for i, f := range e.from {
				if f == r {
					return e.to[i]
				}
			}
			return r
		}, s)
	}
	if e.global {
		return e.re.ReplaceAllString(s, e.repl)
	}
	nth := max(e.nth, 1)
	locs := e.re.FindAllStringSubmatchIndex(s, nth)
	if len(locs) < nth {
		return s
	}
	m := locs[nth-1]
	dst := e.re.ExpandString(nil, e.repl, s, m)
	return s[:m[0]] + string(dst) + s[m[1]:]
}

func (n *rexNode) newOperator(env *execEnv, in operator) operator {
	var src value.Vector
	outs := make([]value.Vector, len(n.groups))
	var caps [][]string
	var vals []string
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		if n.src < 0 {
			if n.sed != nil {
				b.Retain()
				return b, false, nil
			}
			src.Reset(rows)
		} else {
			rd, err := value.NewColumn(b.Column(n.src))
			if err != nil {
				return nil, false, fmt.Errorf("rex %s: %w", n.field, err)
			}
			rd.Load(&src)
		}
		if n.sed != nil {
			var out value.Vector
			out.Reset(rows)
			for r := 0; r < rows; r++ {
				vals = src.Values(r, vals[:0])
				if len(vals) == 0 {
					continue
				}
				ed := make([]string, len(vals))
				for i, s := range vals {
					ed[i] = n.sed.apply(s)
				}
				out.SetValues(r, ed)
			}
			a := out.Build(env.mem)
			defer a.Release()
			return value.SetColumn(b, n.field, a), false, nil
		}
		// Start from the current values of the target fields.
		for g, grp := range n.groups {
			if grp.col < len(n.in.fields()) {
				rd, err := value.NewColumn(b.Column(grp.col))
				if err != nil {
					return nil, false, fmt.Errorf("rex %s: %w", grp.name, err)
				}
				rd.Load(&outs[g])
			} else {
				outs[g].Reset(rows)
			}
		}
		if len(caps) < len(n.groups) {
			caps = make([][]string, len(n.groups))
		}
		for r := 0; r < rows; r++ {
			s, ok := src.Str(r)
			if !ok {
				continue
			}
			if n.maxMatch == 1 {
				m := n.re.FindStringSubmatchIndex(s)
				if m == nil {
					continue
				}
				for g, grp := range n.groups {
					if lo := m[2*grp.index]; lo >= 0 {
						outs[g].SetText(r, s[lo:m[2*grp.index+1]])
					}
				}
				continue
			}
			lim := n.maxMatch
			if lim == 0 {
				lim = -1
			}
			for g := range caps {
				caps[g] = nil
			}
			for _, m := range n.re.FindAllStringSubmatchIndex(s, lim) {
				for g, grp := range n.groups {
					if lo := m[2*grp.index]; lo >= 0 {
						caps[g] = append(caps[g], s[lo:m[2*grp.index+1]])
					}
				}
			}
			for g := range n.groups {
				if len(caps[g]) > 0 {
					outs[g].SetValues(r, caps[g])
				}
			}
		}
		cur := b
		cur.Retain()
		for g, grp := range n.groups {
			a := outs[g].Build(env.mem)
			next := value.SetColumn(cur, grp.name, a)
			a.Release()
			cur.Release()
			cur = next
		}
		return cur, false, nil
	}}
}
