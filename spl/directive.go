package spl

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds dirNode, the hand-written participle.Parseable node of
// the TERM(x) and CASE(x) directives of the search language, and their
// conversion.

// dirNode is TERM(...) or CASE(...): the upper-case Word TERM or CASE, a
// "(" touching it, then every token up to the matching ")". The text
// between the parentheses is taken from the search text as written (see
// converter.directive), so TERM(user=bob) keeps its "=". Any other
// spelling (term(x), TERM (x)) is no directive: Parse leaves it to the
// other alternatives, which read a term and a group as before.
type dirNode struct {
	Pos         lexer.Position
	Name        string
	Open, Close int // offsets of "(" and ")"
}

func (d *dirNode) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokWord || (t.Value != string(DirTerm) && t.Value != string(DirCase)) {
		return participle.NextMatch
	}
	cp := lex.MakeCheckpoint()
	lex.Next()
	open := lex.Peek()
	if open.Type != tokLParen || open.Pos.Offset != t.Pos.Offset+len(t.Value) {
		lex.LoadCheckpoint(cp)
		return participle.NextMatch
	}
	lex.Next()
	d.Pos, d.Name, d.Open = t.Pos, t.Value, open.Pos.Offset
	depth := 0
	for {
		x := lex.Peek()
		switch x.Type {
		case tokLParen:
			depth++
		case tokRParen:
			if depth == 0 {
				lex.Next()
				d.Close = x.Pos.Offset
				return nil
			}
			depth--
		case tokWord, tokBoolOp, tokString, tokSQuote, tokOp, tokComma, tokOther:
		default:
			// EOF, a pipe, a bracket or a macro: the directive is not
			// closed.
			return &exprError{span: Span{t.Pos.Offset, open.Pos.Offset + 1},
				msg: fmt.Sprintf("%s( has no closing parenthesis", t.Value)}
		}
		lex.Next()
	}
}

// quotedRE matches a text that is exactly one double-quoted string.
var quotedRE = regexp.MustCompile(`^"(?:\\[\s\S]|[^"\\])*"$`)

// directive converts d: the directive and the value inside the
// parentheses, a quoted string (Quoted, escapes resolved) or the text as
// written, trimmed, with a bare word's escapes resolved.
func (c *converter) directive(d *dirNode) (Directive, Value) {
	inner := c.text[d.Open+1 : d.Close]
	start := d.Open + 1 + len(inner) - len(strings.TrimLeft(inner, " \t\r\n"))
	inner = strings.TrimSpace(inner)
	pos := Span{start, start + len(inner)}
	dir := Directive(d.Name)
	if inner == "" {
		c.fail(Span{d.Pos.Offset, d.Close + 1}, "%s() needs a term inside the parentheses", d.Name)
		return dir, Value{Pos: pos}
	}
	if quotedRE.MatchString(inner) {
		return dir, Value{Text: unescape(inner[1 : len(inner)-1]), Quoted: true, Pos: pos}
	}
	return dir, Value{Text: unescapeWord(inner), Pos: pos}
}

// directiveString prints d(v): an unquoted v bare, with escapeMin's
// backslashes, when it holds no parenthesis, bracket, backtick or
// whitespace (so that it reads back as the same text), otherwise quoted.
func directiveString(d Directive, v Value) string {
	if !v.Quoted && v.Text != "" && !strings.ContainsAny(v.Text, "()[]`\x00 \t\r\n\v\f") {
		return string(d) + "(" + escapeMin(v.Text) + ")"
	}
	return string(d) + "(" + Quote(v.Text) + ")"
}
