package spl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// lookahead is the participle lookahead: `field IN (` needs three tokens to
// tell an IN list from a comparison or a bare term.
const lookahead = 4

// splParser is the compiled grammar; a participle Parser is immutable and
// safe for concurrent use.
var splParser = participle.MustBuild[pipelineNode](
	participle.Lexer(splLexer),
	commandUnion,
	participle.CaseInsensitive("Word"),
	participle.Map(boolOpMapper(splLexer.Symbols()["BoolOp"]), "Word"),
	participle.UseLookahead(lookahead),
)

// Parse parses an SPL search into a Pipeline. Macro calls are kept as
// MacroCall nodes (expand them first to run the search). Errors are *Error
// values whose Text is the search text.
func Parse(text string) (p *Pipeline, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = nil
			err = &Error{Pos: Span{0, len(text)}, Msg: fmt.Sprintf("internal parser error: %v", r), Text: text}
		}
	}()
	if strings.TrimSpace(text) == "" {
		return nil, Errorf(text, Span{len(text), len(text)}, "empty search")
	}
	if err := checkNesting(text); err != nil {
		return nil, err
	}
	tree, err := splParser.ParseString("", text)
	if err != nil {
		return nil, explain(text, err)
	}
	c := converter{text: text}
	p = c.pipeline(tree)
	if c.err != nil {
		return nil, c.err
	}
	return p, nil
}

// ParseSearchExpr parses the text of a search command's expression (the
// terms after "search"), as go/parser's ParseExpr parses one expression:
// the engine uses it for the values of a subsearch's search and query
// fields, which Splunk reads as search text. A text holding a pipe is an
// error. Positions in the expression and in errors are offsets in text.
func ParseSearchExpr(text string) (SearchExpr, error) {
	const prefix = "search "
	p, err := Parse(prefix + text)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			c := *se
			c.Pos = Span{max(se.Pos.Start-len(prefix), 0), max(se.Pos.End-len(prefix), 0)}
			c.Text = text
			return nil, &c
		}
		return nil, err
	}
	s, ok := p.Commands[0].(*Search)
	if len(p.Commands) != 1 || !ok {
		return nil, &Error{Pos: Span{0, len(text)}, Msg: "a search expression cannot hold a pipe", Text: text}
	}
	return s.Expr, nil
}

// converter turns the parse tree into the AST. It records the first error.
type converter struct {
	text string
	err  *Error
}

func (c *converter) fail(span Span, format string, args ...any) {
	if c.err == nil {
		c.err = Errorf(c.text, span, format, args...)
	}
}

// span returns [start, end) for a node running from pos to the token at
// end, without the whitespace before that token.
func (c *converter) span(pos, end lexer.Position) Span {
	e := end.Offset
	if e > len(c.text) {
		e = len(c.text)
	}
	for e > pos.Offset && isSpace(c.text[e-1]) {
		e--
	}
	return Span{pos.Offset, e}
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

func (c *converter) pipeline(n *pipelineNode) *Pipeline {
	p := &Pipeline{Pos: c.span(n.Pos, n.EndPos)}
	if n.Leading != nil {
		p.LeadingPipe = true
		p.Commands = append(p.Commands, c.command(n.Leading))
	} else if n.Implicit != nil {
		s := &Search{Implicit: !n.Implicit.Explicit, Pos: c.span(n.Implicit.Pos, n.Implicit.EndPos)}
		switch {
		case n.Implicit.Expr != nil:
			s.Expr = c.and(n.Implicit.Expr)
		case n.Implicit.ExplicitExpr != nil:
			s.Expr = c.and(n.Implicit.ExplicitExpr)
		}
		p.Commands = append(p.Commands, s)
	}
	for _, cmd := range n.Rest {
		p.Commands = append(p.Commands, c.command(cmd))
	}
	return p
}

func (c *converter) command(n cmdNode) Command { return n.convert(c) }

// convert converts a macro call standing as a whole stage.
func (n *macroCmd) convert(c *converter) Command {
	call := c.macro(n.Call)
	return &MacroCommand{Call: call, Pos: call.Pos}
}

// convert converts a command with no typed node: its name and raw
// arguments.
func (n *genericCmd) convert(c *converter) Command {
	sp := c.span(n.Pos, n.EndPos)
	args := ""
	if start := n.Pos.Offset + len(n.Name); start < sp.End {
		args = strings.TrimSpace(c.text[start:sp.End])
	}
	return &Generic{CommandName: strings.ToLower(string(n.Name)), Args: args, Pos: sp}
}

func (c *converter) option(n *optionNode) Option {
	sp := c.span(n.Pos, n.EndPos)
	if n.Macro != nil {
		call := c.macro(n.Macro)
		return Option{Macro: &call, Pos: sp}
	}
	return Option{Key: strings.ToLower(n.Key), Value: c.value(n.Value), Pos: sp}
}

// value converts a literal, resolving escapes.
func (c *converter) value(n *valueNode) Value {
	switch {
	case n.Str != nil:
		return Value{Text: unescape((*n.Str)[1 : len(*n.Str)-1]), Quoted: true, Pos: Span{n.Pos.Offset, n.Pos.Offset + len(*n.Str)}}
	case n.Word != nil:
		return Value{Text: unescapeWord(n.Word.Raw), Pos: Span{n.Pos.Offset, n.Pos.Offset + len(n.Word.Raw)}}
	case n.SQuote != nil:
		return Value{Text: unescape(*n.SQuote), Pos: Span{n.Pos.Offset, n.Pos.Offset + len(*n.SQuote)}}
	case n.Macro != nil:
		call := c.macro(n.Macro)
		return Value{Text: call.String(), Macro: &call, Pos: call.Pos}
	}
	return Value{}
}

// field converts a field name (quotes removed, escapes resolved).
func (c *converter) field(n *fieldNode) string {
	switch {
	case n.Str != nil:
		return unescape((*n.Str)[1 : len(*n.Str)-1])
	case n.Word != nil:
		return unescapeWord(*n.Word)
	case n.SQuote != nil:
		return unescape(*n.SQuote)
	}
	return ""
}

func (c *converter) fieldSpan(n *fieldNode) Span {
	l := 0
	switch {
	case n.Str != nil:
		l = len(*n.Str)
	case n.Word != nil:
		l = len(*n.Word)
	case n.SQuote != nil:
		l = len(*n.SQuote)
	}
	return Span{n.Pos.Offset, n.Pos.Offset + l}
}

// macro converts a backtick call, splitting its arguments.
func (c *converter) macro(n *macroNode) MacroCall {
	sp := Span{n.Pos.Offset, n.Pos.Offset + len(n.Body) + 2}
	call, msg := parseMacroBody(n.Body)
	if msg != "" {
		c.fail(sp, "%s", msg)
	}
	call.Pos = sp
	return call
}

// parseMacroBody splits the text between backticks into a name and
// arguments. It returns a non-empty message when the call is malformed.
func parseMacroBody(body string) (MacroCall, string) {
	open := strings.IndexByte(body, '(')
	if open < 0 {
		name := strings.TrimSpace(body)
		if name == "" {
			return MacroCall{}, "empty macro call: expected a macro name between the backticks"
		}
		return MacroCall{MacroName: name}, ""
	}
	name := strings.TrimSpace(body[:open])
	if name == "" {
		return MacroCall{}, "macro call without a name: expected a name before \"(\""
	}
	rest := strings.TrimRightFunc(body[open+1:], func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
	if !strings.HasSuffix(rest, ")") {
		return MacroCall{MacroName: name}, fmt.Sprintf("macro call %q: expected \")\" after the arguments", name)
	}
	return MacroCall{MacroName: name, Args: SplitMacroArgs(rest[:len(rest)-1]), HasParens: true}, ""
}

// SplitMacroArgs splits the text between the parentheses of a macro call
// into its arguments: on commas outside double quotes and parentheses, each
// argument trimmed; blank text is no argument at all (nil). Inside a string a
// backslash escapes the next byte, so `\"` does not end it; outside, `\"`
// and `\\` are pairs, so `\"` does not start one. The parser and package
// macros both use it, so that a call has the same arguments whether it is
// printed or expanded.
func SplitMacroArgs(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var args []string
	depth, start, inQuote := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (inQuote || s[i+1] == '"' || s[i+1] == '\\'):
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth = max(depth-1, 0)
		case c == ',' && depth == 0:
			args = append(args, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(args, strings.TrimSpace(s[start:]))
}

// Search expressions.

func (c *converter) and(n *sAnd) SearchExpr {
	x := c.or(n.Left)
	for _, r := range n.Rest {
		y := c.or(r)
		x = &SearchAnd{Left: x, Right: y, Pos: Span{x.Span().Start, y.Span().End}}
	}
	return x
}

func (c *converter) or(n *sOr) SearchExpr {
	x := c.not(n.Left)
	for _, r := range n.Rest {
		y := c.not(r)
		x = &SearchOr{Left: x, Right: y, Pos: Span{x.Span().Start, y.Span().End}}
	}
	return x
}

func (c *converter) not(n *sNot) SearchExpr {
	if n.Not != nil {
		x := c.not(n.Not)
		return &SearchNot{X: x, Pos: Span{n.Pos.Offset, x.Span().End}}
	}
	return c.prim(n.Prim)
}

func (c *converter) prim(n *sPrim) SearchExpr {
	sp := c.span(n.Pos, n.EndPos)
	switch {
	case n.Group != nil:
		return c.and(n.Group)
	case n.Sub != nil:
		return &SearchSubsearch{Pipeline: c.pipeline(n.Sub), Pos: sp}
	case n.Macro != nil:
		call := c.macro(n.Macro)
		return &SearchMacro{Call: call, Pos: sp}
	case n.In != nil:
		in := &SearchIn{Field: c.field(n.In.Field), Values: []Value{}, Pos: sp}
		for _, v := range n.In.Values {
			x := c.value(v)
			if d := strings.SplitN(x.Text, "(", 2)[0]; !x.Quoted && (d == string(DirTerm) || d == string(DirCase)) && strings.HasSuffix(x.Text, ")") {
				// A glued word such as CASE(x) would silently be the
				// literal value "CASE(x)".
				c.fail(x.Pos, "%s() is not supported inside IN (...); write %s=%s(...) OR ... instead", d, Word(in.Field), d)
			}
			in.Values = append(in.Values, x)
		}
		return in
	case n.Cmp != nil:
		cmp := &SearchCompare{Field: c.field(n.Cmp.Field), Op: CompareOp(n.Cmp.Op), Pos: sp}
		if n.Cmp.Dir != nil {
			cmp.Directive, cmp.Value = c.directive(n.Cmp.Dir)
		} else {
			cmp.Value = c.value(n.Cmp.Value)
		}
		return cmp
	case n.Dir != nil:
		d, v := c.directive(n.Dir)
		return &SearchTerm{Value: v, Directive: d, Pos: sp}
	case n.Term != nil:
		var w *wordNode
		if n.Term.Word != nil {
			w = &wordNode{Pos: n.Term.Pos, Raw: *n.Term.Word}
		}
		v := c.value(&valueNode{Pos: n.Term.Pos, Str: n.Term.Str, Word: w, SQuote: n.Term.SQuote})
		return &SearchTerm{Value: v, Pos: sp}
	}
	panic("spl: empty search primary")
}
