package sqlgen

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// This file checks the two escaping layers of every dialect against
// readers written from the engines' documented rules (scale-out.md §8.1),
// not from the escaper: a string literal must read back as exactly its
// value and end where the printer says it ends (nothing after it can be
// read as SQL), and a compiled glob must match exactly the values that
// minispl's whole-value, case-insensitive glob matches.

// readLiteral reads one string literal of dialect d at the start of sql
// and returns its value and the rest of sql after the closing quote.
//   - DuckDB and Trino: two quotes in a row are one; a backslash is an ordinary
//     character.
//   - ClickHouse and Spark: a backslash escapes the next character (\\ is
//     a backslash, \' a quote; the escaper emits no other escape, so any
//     other is an error here).
func readLiteral(d Dialect, sql string) (value, rest string, err error) {
	if !strings.HasPrefix(sql, "'") {
		return "", "", fmt.Errorf("no opening quote in %q", sql)
	}
	var b strings.Builder
	backslash := d.isClickHouse() || d == Spark
	for i := 1; i < len(sql); i++ {
		c := sql[i]
		switch {
		case backslash && c == '\\':
			if i+1 >= len(sql) {
				return "", "", fmt.Errorf("backslash at the end of %q", sql)
			}
			next := sql[i+1]
			if next != '\\' && next != '\'' {
				return "", "", fmt.Errorf("escape \\%c in %q has a meaning of its own", next, sql)
			}
			b.WriteByte(next)
			i++
		case c == '\'' && !backslash && i+1 < len(sql) && sql[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\'':
			return b.String(), sql[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated literal %q", sql)
}

// wildTok is one item of a wildcard pattern: a literal rune, or (when
// lit is false) one character (any false) or any run of them (any true).
type wildTok struct {
	r        rune
	lit, any bool
}

// wildMatch reports whether toks match all of value. It fills one row of
// the match table per token (row k, column j: whether toks[:k] match
// value[:j]), so its cost is the product of the lengths; a backtracking
// matcher took seconds on a glob of six stars over 64 characters.
func wildMatch(value []rune, toks []wildTok) bool {
	cur, next := make([]bool, len(value)+1), make([]bool, len(value)+1)
	cur[0] = true
	for _, t := range toks {
		clear(next)
		for j := range cur {
			switch {
			case t.any:
				// Any run: toks[:k+1] match value[:j] when toks[:k]
				// match some value[:i], i <= j.
				next[j] = cur[j] || (j > 0 && next[j-1])
			case j == 0:
			case t.lit:
				next[j] = cur[j-1] && value[j-1] == t.r
			default:
				next[j] = cur[j-1]
			}
		}
		cur, next = next, cur
	}
	return cur[len(value)]
}

// likeMatch is LIKE over runes: % any run, _ one character, esc makes the
// next character literal (ClickHouse: esc is the backslash, and a
// backslash before any other character is also literal; an esc at the
// end is itself).
func likeMatch(value, pattern []rune, esc rune) bool {
	var toks []wildTok
	for i := 0; i < len(pattern); i++ {
		switch p := pattern[i]; {
		case p == esc && i+1 < len(pattern):
			toks = append(toks, wildTok{r: pattern[i+1], lit: true})
			i++
		case p == '%':
			toks = append(toks, wildTok{any: true})
		case p == '_':
			toks = append(toks, wildTok{})
		default:
			toks = append(toks, wildTok{r: p, lit: true})
		}
	}
	return wildMatch(value, toks)
}

// globMatch is minispl's whole-value glob: * any run, everything else
// literal, compared after lower-casing both sides as the compiled SQL
// does.
func globMatch(value, glob string) bool {
	var toks []wildTok
	for _, g := range strings.ToLower(glob) {
		toks = append(toks, wildTok{r: g, lit: g != '*', any: g == '*'})
	}
	return wildMatch([]rune(strings.ToLower(value)), toks)
}

// readGlobLike takes globLike's output apart: lower(x) LIKE
// lower('<pattern>') followed by the dialect's escape clause, and returns
// the pattern's value.
func readGlobLike(d Dialect, sql string) (string, error) {
	prefix := d.lower("x") + " LIKE " + strings.TrimSuffix(d.lower(""), ")")
	rest, ok := strings.CutPrefix(sql, prefix)
	if !ok {
		return "", fmt.Errorf("%q does not start with %q", sql, prefix)
	}
	pat, rest, err := readLiteral(d, rest)
	if err != nil {
		return "", err
	}
	if want := ")" + d.escapeClause(); rest != want {
		return "", fmt.Errorf("after the pattern %q, want %q", rest, want)
	}
	return pat, nil
}

// FuzzSQLLiteral: in every dialect, str(s) reads back as s and ends at
// its closing quote, and globLike(x, glob) matches a value exactly when
// minispl's glob does (for values and globs without NUL, which no event
// field holds).
func FuzzSQLLiteral(f *testing.F) {
	for _, s := range [][2]string{
		{`C:\Win'x`, `*\SYSTEM\Remote Manipulator System*`},
		{`a_b%c^d\e`, `*a_b%c^d\e*`},
		{`''\\'`, `*'*`},
		{`HKLM\SYSTEM\Remote Manipulator System\v4`, `*\system\remote manipulator system*`},
		{`100%_done`, `100%*`},
		{`^^`, `^*`},
		// Each fails if one LIKE metacharacter is left unescaped.
		{`aXb`, `a_b`},
		{`100 done`, `100%*`},
		{`ab`, `a^b`},
		{`a\b`, `a\\b`},
		// Took the backtracking reference matchers of before seconds.
		{strings.Repeat("a", 64), "*a*a*a*a*a*a*b"},
		{strings.Repeat("%_", 500), strings.Repeat("*_%", 300) + "x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, glob string) {
		if !utf8.ValidString(value) || !utf8.ValidString(glob) ||
			strings.ContainsRune(value, 0) || strings.ContainsRune(glob, 0) {
			t.Skip("not a field value")
		}
		if len(value) > 1024 || len(glob) > 1024 {
			t.Skip("keeps the reference matchers quick (their cost is the product of the lengths)")
		}
		want := globMatch(value, glob)
		for _, d := range Dialects() {
			lit := d.str(value)
			got, rest, err := readLiteral(d, lit+" AND 1=1")
			if err != nil || got != value || rest != " AND 1=1" {
				t.Fatalf("%s: str(%q) = %s reads as %q, rest %q, err %v", d, value, lit, got, rest, err)
			}
			pat, err := readGlobLike(d, d.globLike("x", glob))
			if err != nil {
				t.Fatalf("%s: globLike(%q): %v", d, glob, err)
			}
			esc := rune(likeEscape)
			if d.isClickHouse() {
				esc = '\\'
			}
			lowered := []rune(strings.ToLower(pat))
			if got := likeMatch([]rune(strings.ToLower(value)), lowered, esc); got != want {
				t.Fatalf("%s: %q LIKE %q (from glob %q) is %v, the glob says %v", d, value, pat, glob, got, want)
			}
		}
	})
}
