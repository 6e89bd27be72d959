package sqlgen

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode"

	"github.com/minispl/minispl/engine"
)

// Regular expressions: minispl matches with Go's RE2 (engine's
// CompileRegex); DuckDB and ClickHouse use C++ RE2, Spark Java's
// java.util.regex and Trino Joni. The same pattern text means different
// things there: Java's $ also matches before a final line terminator and
// its . excludes \r, \u0085, \u2028 and \u2029 too; Java's \s includes
// \x0B; case-insensitive matching is ASCII-only in Java and Unicode
// simple folding in RE2; ClickHouse 18 ignores a leading (?i) (issue
// #11101). (Its match() reads UTF-8, whatever its documentation says:
// match('é', '^.$') is 1 on 18.16.1.) So a pattern is never passed
// through: it is parsed with Go's regexp/syntax (the parse minispl runs)
// and printed back in explicit constructs every engine reads alike: a
// case-folded letter becomes the class of its simple-fold orbit, . is
// [^\n], ^ and $ are \A and \z, classes are ranges of code points written
// \x{...}. What has no such form in a dialect is refused: multi-line
// anchors and word boundaries in Spark and Trino (their rules differ from
// RE2's).

// regexPattern prints the parsed pattern re (Go syntax) for dialect d.
func (d Dialect) regexPattern(re string) (string, error) {
	t, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", unsupported("a regular expression Go cannot parse", "%s", err)
	}
	var b strings.Builder
	if err := d.printRegex(&b, t); err != nil {
		return "", err
	}
	return b.String(), nil
}

// regexMatch is true when the string x matches the printed pattern pat
// anywhere.
func (d Dialect) regexMatch(x, pat string) string {
	switch d {
	case DuckDB:
		return "regexp_matches(" + x + ", " + d.str(pat) + ")"
	case ClickHouse, ClickHouse18:
		return "(match(" + x + ", " + d.str(pat) + ") = 1)"
	case Spark:
		return "(" + x + " RLIKE " + d.str(pat) + ")"
	}
	return "regexp_like(" + x + ", " + d.str(pat) + ")"
}

func (d Dialect) refuseRegex(what string) error {
	return unsupported("regular expression "+what+" in "+d.String(), "")
}

// regexRune writes one code point, escaped so that it is literal inside
// and outside a class in every dialect.
func (d Dialect) regexRune(b *strings.Builder, r rune) error {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		b.WriteRune(r)
	case r > ' ' && r < unicode.MaxASCII:
		b.WriteByte('\\')
		b.WriteRune(r)
	default:
		fmt.Fprintf(b, `\x{%X}`, r)
	}
	return nil
}

// foldOrbit is r and the runes it folds to (unicode.SimpleFold), as Go's
// (?i) matches them.
func foldOrbit(r rune) []rune {
	out := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, f)
	}
	return out
}

func (d Dialect) printRegex(b *strings.Builder, t *syntax.Regexp) error {
	switch t.Op {
	case syntax.OpNoMatch:
		return d.refuseRegex("that matches nothing")
	case syntax.OpEmptyMatch:
		b.WriteString("(?:)")
	case syntax.OpLiteral:
		for _, r := range t.Rune {
			orbit := []rune{r}
			if t.Flags&syntax.FoldCase != 0 {
				orbit = foldOrbit(r)
			}
			if len(orbit) == 1 {
				if err := d.regexRune(b, r); err != nil {
					return err
				}
				continue
			}
			b.WriteByte('[')
			for _, o := range orbit {
				if err := d.regexRune(b, o); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		}
	case syntax.OpCharClass:
		if len(t.Rune) == 0 {
			return d.refuseRegex("that matches nothing")
		}
		b.WriteByte('[')
		for i := 0; i+1 < len(t.Rune); i += 2 {
			lo, hi := t.Rune[i], t.Rune[i+1]
			if err := d.regexRune(b, lo); err != nil {
				return err
			}
			if hi != lo {
				b.WriteByte('-')
				if err := d.regexRune(b, hi); err != nil {
					return err
				}
			}
		}
		b.WriteByte(']')
	case syntax.OpAnyCharNotNL:
		b.WriteString(`[^\n]`)
	case syntax.OpAnyChar:
		b.WriteString(`[\s\S]`)
	case syntax.OpBeginText:
		b.WriteString(`\A`)
	case syntax.OpEndText:
		b.WriteString(`\z`)
	case syntax.OpBeginLine, syntax.OpEndLine:
		if d == Spark || d == Trino {
			return d.refuseRegex("with a multi-line anchor")
		}
		if t.Op == syntax.OpBeginLine {
			b.WriteString("(?m:^)")
		} else {
			b.WriteString("(?m:$)")
		}
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		if d == Spark || d == Trino {
			return d.refuseRegex(`with a word boundary \b or \B`)
		}
		if t.Op == syntax.OpWordBoundary {
			b.WriteString(`\b`)
		} else {
			b.WriteString(`\B`)
		}
	case syntax.OpCapture:
		b.WriteByte('(')
		if err := d.printRegex(b, t.Sub[0]); err != nil {
			return err
		}
		b.WriteByte(')')
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if err := d.printAtom(b, t.Sub[0]); err != nil {
			return err
		}
		switch t.Op {
		case syntax.OpStar:
			b.WriteByte('*')
		case syntax.OpPlus:
			b.WriteByte('+')
		case syntax.OpQuest:
			b.WriteByte('?')
		default:
			switch {
			case t.Max == t.Min:
				fmt.Fprintf(b, "{%d}", t.Min)
			case t.Max < 0:
				fmt.Fprintf(b, "{%d,}", t.Min)
			default:
				fmt.Fprintf(b, "{%d,%d}", t.Min, t.Max)
			}
		}
		if t.Flags&syntax.NonGreedy != 0 {
			b.WriteByte('?')
		}
	case syntax.OpConcat:
		for _, s := range t.Sub {
			if err := d.printRegex(b, s); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i, s := range t.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			if err := d.printRegex(b, s); err != nil {
				return err
			}
		}
		b.WriteByte(')')
	default:
		return d.refuseRegex("construct " + t.Op.String())
	}
	return nil
}

// printAtom prints the operand of a repetition, grouped unless it is one
// character, class or group.
func (d Dialect) printAtom(b *strings.Builder, t *syntax.Regexp) error {
	single := t.Op == syntax.OpCharClass || t.Op == syntax.OpAnyChar || t.Op == syntax.OpAnyCharNotNL ||
		t.Op == syntax.OpCapture || (t.Op == syntax.OpLiteral && len(t.Rune) == 1)
	if single {
		return d.printRegex(b, t)
	}
	b.WriteString("(?:")
	if err := d.printRegex(b, t); err != nil {
		return err
	}
	b.WriteByte(')')
	return nil
}

// regex compiles the regex command: a row filter, true when the text
// field matches anywhere; a null or absent field never matches, so
// field!= keeps it.
func (q *query) regex(s *engine.RegexStep) error {
	d := q.d
	match := d.boolLit(false)
	if s.Col >= 0 {
		c := q.cols[s.Col]
		switch c.kind {
		case kNull:
		case kString, kText:
			pat, err := d.regexPattern(s.Regex.String())
			if err != nil {
				return err
			}
			match = "(" + c.sql + " IS NOT NULL AND " + d.regexMatch(c.sql, pat) + ")"
		case kList:
			// Any value matches (engine/regex.go); a null or empty list
			// never does.
			pat, err := d.regexPattern(s.Regex.String())
			if err != nil {
				return err
			}
			match = "(" + d.listNonEmpty(c.sql) + " AND " + d.listAny(c.sql, d.regexMatch(elem, pat)) + ")"
		default:
			return unsupported("regex on a field that is not text", "%s", s.Field)
		}
	}
	switch {
	case s.Negate && match == d.boolLit(false):
		return nil
	case s.Negate:
		q.post = append(q.post, "(NOT "+match+")")
	default:
		q.post = append(q.post, match)
	}
	return nil
}
