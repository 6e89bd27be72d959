package sqlgen

import (
	"fmt"
	"regexp/syntax"

	"github.com/minispl/minispl/engine"
)

// rex compiles rex's extraction with max_match=1: each named group's
// column is the group's text when the field matches and the group takes
// part in the match, else the column as it was. Whether a group took part
// is not told apart from an empty match by SQL's extract functions, so a
// group is accepted only when it takes part in every match (it is reached
// from the top of the pattern through concatenation and groups alone), or
// when it cannot match the empty string (then taking part is a non-empty
// text); groups inside a repetition are refused (engines differ on what a
// repeated group holds).
func (q *query) rex(s *engine.RexStep) error {
	d := q.d
	switch {
	case s.Sed:
		return unsupported("rex mode=sed", "")
	case s.MaxMatch != 1:
		return unsupported("rex max_match="+fmt.Sprint(s.MaxMatch), "")
	}
	cols := append([]column(nil), q.cols...)
	for len(cols) < len(s.Out) {
		cols = append(cols, column{name: s.Out[len(cols)], sql: d.nullString(), kind: kNull})
	}
	src := column{kind: kNull}
	if s.Col >= 0 {
		src = q.cols[s.Col]
	}
	switch src.kind {
	case kNull:
		// Nothing matches: every column stays as it was.
		q.cols = cols
		return nil
	case kString, kText:
	case kList:
		return unsupported("rex on a multivalue field", "%s", s.Field)
	default:
		return unsupported("rex on a field that is not text", "%s", s.Field)
	}
	t, err := syntax.Parse(s.Regex.String(), syntax.Perl)
	if err != nil {
		return unsupported("a regular expression Go cannot parse", "%s", err)
	}
	pat, err := d.regexPattern(s.Regex.String())
	if err != nil {
		return err
	}
	matched := src.sql + " IS NOT NULL AND " + d.regexMatch(src.sql, pat)
	seen := map[int]bool{}
	for _, g := range s.Groups {
		if seen[g.Col] {
			return unsupported("rex with two groups of one name", "%s", g.Name)
		}
		seen[g.Col] = true
		old := cols[g.Col]
		if old.kind != kNull && old.kind != kString && old.kind != kText {
			return unsupported("rex into a field that is not text", "%s", g.Name)
		}
		mandatory, ok := groupShape(t, g.Index, true)
		if !ok {
			return unsupported("rex group inside a repetition", "%s", g.Name)
		}
		if g.Index > 9 {
			return unsupported("rex group number above 9", "%s", g.Name)
		}
		ext := d.regexExtract(src.sql, pat, g.Index)
		cond := matched
		if !mandatory {
			sub := findCapture(t, g.Index)
			if sub == nil || minLen(sub) == 0 {
				return unsupported("rex optional group that can match the empty string", "%s", g.Name)
			}
			cond += " AND " + ext + " <> ''"
		}
		x := "CASE WHEN " + cond + " THEN " + ext + " ELSE " + old.sql + " END"
		if old.kind == kNull {
			x = "CASE WHEN " + cond + " THEN " + ext + " END"
		}
		cols[g.Col] = column{name: old.name, sql: x, kind: kString}
	}
	q.cols = cols
	return nil
}

// regexExtract is submatch idx (1..9) of the first match of the printed
// pattern pat in x; the caller has checked that x matches. ClickHouse has
// no extract of a numbered group before 20.5 (extractGroups), so it
// replaces the whole text by the group: the lazy prefix puts the match at
// the leftmost position and the suffix takes any rest, so the group is
// the one of the leftmost-first match, as in RE2.
func (d Dialect) regexExtract(x, pat string, idx int) string {
	switch d {
	case ClickHouse, ClickHouse18:
		return fmt.Sprintf("replaceRegexpOne(%s, %s, %s)", x, d.str(`\A[\s\S]*?(?:`+pat+`)[\s\S]*\z`), d.str(fmt.Sprintf(`\%d`, idx)))
	}
	return fmt.Sprintf("regexp_extract(%s, %s, %d)", x, d.str(pat), idx)
}

// groupShape reports whether capture idx is reached from t through
// concatenation and captures only (mandatory), and ok false when it is
// inside a repetition (*, +, {n,m}).
func groupShape(t *syntax.Regexp, idx int, path bool) (mandatory, ok bool) {
	if t.Op == syntax.OpCapture && t.Cap == idx {
		return path, true
	}
	for _, s := range t.Sub {
		p := path
		switch t.Op {
		case syntax.OpConcat, syntax.OpCapture:
		case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
			if findCapture(s, idx) != nil {
				return false, false
			}
			continue
		default:
			p = false
		}
		if findCapture(s, idx) != nil {
			return groupShape(s, idx, p)
		}
	}
	return false, true
}

// findCapture is capture idx of t, nil when t has none.
func findCapture(t *syntax.Regexp, idx int) *syntax.Regexp {
	if t.Op == syntax.OpCapture && t.Cap == idx {
		return t
	}
	for _, s := range t.Sub {
		if c := findCapture(s, idx); c != nil {
			return c
		}
	}
	return nil
}

// minLen is the fewest characters t can match.
func minLen(t *syntax.Regexp) int {
	switch t.Op {
	case syntax.OpLiteral:
		return len(t.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(t.Sub[0])
	case syntax.OpRepeat:
		return t.Min * minLen(t.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range t.Sub {
			n += minLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range t.Sub {
			if m := minLen(s); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}
