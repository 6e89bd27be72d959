package spl

import (
	"regexp"
	"strings"
)

// This file prints AST nodes as canonical SPL: lower-case command names,
// upper-case keywords (FROM datamodel=, WHERE, BY, AS, IN, AND, OR, NOT),
// one space between tokens, explicit AND, and parentheses only where the
// search precedence (NOT > OR > AND) needs them. Parsing the printed text
// gives the same AST (ignoring spans) for every AST that Parse returns.
//
// Literals keep their quoting: a Value with Quoted set prints in double
// quotes with `\` and `"` escaped; a bare value prints bare unless it
// cannot be read back as one word (then it is quoted). Field names carry no
// quoting flag and print bare whenever they can.

// sQuoteRE matches a text that lexes as one SQuote token.
var sQuoteRE = regexp.MustCompile(`^'(?:\\[\s\S]|[^'\\])*'$`)

// quote returns s as a double-quoted SPL string.
func quote(s string) string { return `"` + escape(s) + `"` }

// escapeMin escapes s for use as a bare word with as few backslashes as
// possible: a backslash is doubled only before another backslash, before a
// quote or at the end, so `\|` stays `\|` (which unescape keeps as is).
func escapeMin(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) || s[i+1] == '\\' || s[i+1] == '"' {
				b.WriteByte('\\')
			}
		case '"':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// bare returns the bare-word spelling of s and true, or "" and false when s
// cannot be written as one bare word (it holds a space, a pipe, a
// parenthesis, ..., or is a boolean operator).
func bare(s string) (string, bool) {
	if s == "" || isBoolOp(s) {
		return "", false
	}
	for _, w := range []string{escape(s), escapeMin(s)} {
		if bareWordRE.MatchString(w) || sQuoteRE.MatchString(w) {
			return w, true
		}
	}
	return "", false
}

// fieldString prints a field name, bare when possible.
func fieldString(s string) string {
	if w, ok := bare(s); ok {
		return w
	}
	return quote(s)
}

// String returns the value as written in canonical SPL.
func (v Value) String() string {
	if v.Macro != nil {
		return v.Macro.String()
	}
	if v.Quoted {
		return quote(v.Text)
	}
	return fieldString(v.Text)
}

// String returns the call in canonical form, e.g. "`m(a, b)`".
func (m MacroCall) String() string {
	var b strings.Builder
	b.WriteByte('`')
	b.WriteString(m.MacroName)
	if m.HasParens {
		b.WriteByte('(')
		b.WriteString(strings.Join(m.Args, ", "))
		b.WriteByte(')')
	}
	b.WriteByte('`')
	return b.String()
}

// String returns "key=value" or the macro call.
func (o Option) String() string {
	if o.Macro != nil {
		return o.Macro.String()
	}
	return o.Key + "=" + o.Value.String()
}

// String returns "func(field) AS alias".
func (a Aggregate) String() string {
	s := a.Func
	if a.Field != "" {
		s += "(" + fieldString(a.Field) + ")"
	}
	if a.Alias != "" {
		s += " AS " + fieldString(a.Alias)
	}
	return s
}

// String returns "From AS To".
func (r RenamePair) String() string { return r.From.String() + " AS " + r.To.String() }

// String returns "func(field) AS name".
func (f ConvertFunc) String() string {
	s := f.Func + "(" + f.Field.String() + ")"
	if f.As != nil {
		s += " AS " + f.As.String()
	}
	return s
}

// String returns the whole search. A search that does not start with '|'
// prints its first stage as a bare search expression.
func (p *Pipeline) String() string {
	var b strings.Builder
	for i, c := range p.Commands {
		switch {
		case i > 0:
			b.WriteString(" | ")
		case p.LeadingPipe:
			b.WriteString("| ")
		}
		if s, ok := c.(*Search); ok && i == 0 && !p.LeadingPipe && s.Implicit {
			b.WriteString(implicitString(s.Expr))
			continue
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// implicitString prints the expression of an implicit search. A leading bare
// term "search" would be read back as the search command, so the expression
// is then put in parentheses.
func implicitString(e SearchExpr) string {
	if e == nil {
		return ""
	}
	s := exprString(e, 0)
	leaf := e
	for {
		switch x := leaf.(type) {
		case *SearchAnd:
			leaf = x.Left
			continue
		case *SearchOr:
			leaf = x.Left
			continue
		case *SearchTerm:
			if !x.Value.Quoted && strings.EqualFold(x.Value.Text, "search") {
				return "(" + s + ")"
			}
		}
		return s
	}
}

// String returns "tstats options aggregates FROM datamodel=M WHERE expr BY
// fields span=s". Every option prints before the aggregates.
func (c *Tstats) String() string {
	var b strings.Builder
	b.WriteString("tstats")
	for _, o := range c.Options {
		b.WriteByte(' ')
		b.WriteString(o.String())
	}
	for _, a := range c.Aggs {
		b.WriteByte(' ')
		b.WriteString(a.String())
	}
	if c.Datamodel != "" {
		b.WriteString(" FROM datamodel=")
		b.WriteString(keywordSafe(c.Datamodel))
	}
	if c.Where != nil {
		b.WriteString(" WHERE ")
		b.WriteString(exprString(c.Where, 0))
	}
	if len(c.By) > 0 || c.BySpan != "" {
		b.WriteString(" BY")
		for _, f := range c.By {
			b.WriteByte(' ')
			b.WriteString(fieldString(f))
		}
		if c.BySpan != "" {
			b.WriteString(" span=")
			b.WriteString(fieldString(c.BySpan))
		}
	}
	return b.String()
}

// keywordSafe prints a value that must not read back as a keyword.
func keywordSafe(s string) string {
	if isKeyword(s) {
		return quote(s)
	}
	return fieldString(s)
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "by", "groupby", "where", "from":
		return true
	}
	return false
}

// String returns "rename A AS B, C AS D".
func (c *Rename) String() string {
	parts := make([]string, len(c.Pairs))
	for i, p := range c.Pairs {
		parts[i] = p.String()
	}
	return "rename " + strings.Join(parts, ", ")
}

// String returns `convert timeformat="..." ctime(f) AS g`.
func (c *Convert) String() string {
	var b strings.Builder
	b.WriteString("convert")
	if c.Timeformat != nil {
		b.WriteString(" timeformat=")
		b.WriteString(c.Timeformat.String())
	}
	for _, f := range c.Funcs {
		b.WriteByte(' ')
		b.WriteString(f.String())
	}
	return b.String()
}

// String returns "search expr" (also for an implicit search; Pipeline
// drops the word for its first stage).
func (c *Search) String() string {
	if c.Expr == nil {
		return "search"
	}
	return "search " + exprString(c.Expr, 0)
}

// String returns the macro call.
func (c *MacroCommand) String() string { return c.Call.String() }

// String returns the command name and its raw arguments.
func (c *Generic) String() string {
	if c.Args == "" {
		return c.CommandName
	}
	return c.CommandName + " " + c.Args
}

// Precedence levels of search expressions, loosest first.
const (
	precAnd = 1 + iota
	precOr
	precNot
	precPrimary
)

func precedence(e SearchExpr) int {
	switch e.(type) {
	case *SearchAnd:
		return precAnd
	case *SearchOr:
		return precOr
	case *SearchNot:
		return precNot
	}
	return precPrimary
}

// exprString prints e, in parentheses when its precedence is not above min.
func exprString(e SearchExpr, min int) string {
	s := e.String()
	if precedence(e) <= min {
		return "(" + s + ")"
	}
	return s
}

// String returns "L AND R".
func (e *SearchAnd) String() string {
	return exprString(e.Left, 0) + " AND " + exprString(e.Right, precAnd)
}

// String returns "L OR R".
func (e *SearchOr) String() string {
	return exprString(e.Left, precAnd) + " OR " + exprString(e.Right, precOr)
}

// String returns "NOT X".
func (e *SearchNot) String() string { return "NOT " + exprString(e.X, precOr) }

// String returns "field op value".
func (e *SearchCompare) String() string {
	return fieldString(e.Field) + string(e.Op) + e.Value.String()
}

// String returns "field IN (v1, v2)".
func (e *SearchIn) String() string {
	parts := make([]string, len(e.Values))
	for i, v := range e.Values {
		parts[i] = v.String()
	}
	return fieldString(e.Field) + " IN (" + strings.Join(parts, ", ") + ")"
}

// String returns the term; a bare term that would read back as a keyword
// (BY, GROUPBY) or an operator is quoted.
func (e *SearchTerm) String() string {
	v := e.Value
	if !v.Quoted && v.Macro == nil && (strings.EqualFold(v.Text, "by") || strings.EqualFold(v.Text, "groupby")) {
		return quote(v.Text)
	}
	return v.String()
}

// String returns the macro call.
func (e *SearchMacro) String() string { return e.Call.String() }

// String returns "[pipeline]".
func (e *SearchSubsearch) String() string { return "[" + e.Pipeline.String() + "]" }
