package spl

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds two hand-written participle.Parseable nodes: exprNode, a
// Pratt (precedence-climbing) parser for eval expressions, and wordNode, a
// bare word that may carry balanced parentheses written without spaces.
//
// Why hand-written: participle has no left recursion, and seven precedence
// layers written as grammar structs would cost a struct per layer and a
// lookahead per operator. More importantly, the pipeline lexer reads
// `avg+stdev*4`, `-1` and `RTLO_command_1.RTLO_command_2` as single Word
// tokens (search-language words may hold + - * / % .), so eval needs its
// own split of a Word into names, numbers and operators. exprNode does that
// split on the tokens participle hands it and consumes whole tokens only.

// Token types of splLexer, looked up once.
var (
	tokWord   = splLexer.Symbols()["Word"]
	tokBoolOp = splLexer.Symbols()["BoolOp"]
	tokString = splLexer.Symbols()["String"]
	tokSQuote = splLexer.Symbols()["SQuote"]
	tokOp     = splLexer.Symbols()["Op"]
	tokLParen = splLexer.Symbols()["LParen"]
	tokRParen = splLexer.Symbols()["RParen"]
	tokComma  = splLexer.Symbols()["Comma"]
	tokOther  = splLexer.Symbols()["Other"]
)

// Precedence levels of eval expressions, loosest first (ast_expr.go).
const (
	ePrecOr = 1 + iota // OR XOR
	ePrecAnd
	ePrecNot
	ePrecCmp // = == != < <= > >= LIKE IN
	ePrecAdd // + - .
	ePrecMul // * / %
	ePrecUnary
	ePrecPrimary
)

// exprError is a syntax error inside an eval expression. It implements
// participle.Error so that participle passes it up unchanged; explain turns
// it into an *Error with its own message.
type exprError struct {
	span Span
	msg  string
}

func (e *exprError) Error() string            { return e.msg }
func (e *exprError) Message() string          { return e.msg }
func (e *exprError) Position() lexer.Position { return lexer.Position{Offset: e.span.Start} }

var _ participle.Error = (*exprError)(nil)

// exprNode is an eval expression in the grammar; X is the typed AST.
type exprNode struct {
	X Expr
}

// Parse implements participle.Parseable.
func (n *exprNode) Parse(lex *lexer.PeekingLexer) error {
	p := &exprParser{lex: lex}
	x, err := p.expr(ePrecOr)
	if err == nil {
		err = p.finish()
	}
	if err != nil {
		return err
	}
	n.X = x
	return nil
}

// atomKind classifies the pieces of an eval expression.
type atomKind int

const (
	aEnd    atomKind = iota // anything that cannot continue an expression
	aName                   // bare field or function name (may be a keyword)
	aNumber                 // 42, 2.5, 1e3
	aArith                  // + - * / % .
	aString                 // "..."
	aSQuote                 // '...'
	aCmp                    // = == != < <= > >=
	aLParen
	aRParen
	aComma
)

// atom is one piece of an eval expression: a whole token, or a part of a
// Word token split by splitWord.
type atom struct {
	kind       atomKind
	text       string
	start, end int
	// call is set on a name that ends its Word when the next token is
	// "(": the name is then a function call.
	call bool
}

// exprParser is the state of one eval expression parse. Atoms of a Word are
// queued in pending; the Word token itself is consumed from the lexer as soon
// as it is split, and wordCP allows putting it back when none of its atoms
// was used.
type exprParser struct {
	lex     *lexer.PeekingLexer
	pending []atom
	split   int // number of atoms the current Word was split into
	wordCP  lexer.Checkpoint
	// depth counts the prefix calls under way: nested parentheses,
	// function calls, NOT and unary minus. It is bounded by maxNesting.
	depth int
}

// peek returns the next atom without consuming it.
func (p *exprParser) peek() (atom, error) {
	if len(p.pending) > 0 {
		return p.pending[0], nil
	}
	t := p.lex.Peek()
	off := t.Pos.Offset
	end := off + len(t.Value)
	switch t.Type {
	case tokWord, tokBoolOp:
		cp := p.lex.MakeCheckpoint()
		p.lex.Next()
		atoms, err := splitWord(t.Value, off)
		if err != nil {
			return atom{}, err
		}
		if last := &atoms[len(atoms)-1]; last.kind == aName && p.lex.Peek().Type == tokLParen {
			last.call = true
		}
		p.pending, p.split, p.wordCP = atoms, len(atoms), cp
		return atoms[0], nil
	case tokString:
		return atom{kind: aString, text: t.Value, start: off, end: end}, nil
	case tokSQuote:
		return atom{kind: aSQuote, text: t.Value, start: off, end: end}, nil
	case tokOp:
		a := atom{kind: aCmp, text: t.Value, start: off, end: end}
		if t.Value == "=" {
			// "==" lexes as two adjacent "=" tokens.
			cp := p.lex.MakeCheckpoint()
			p.lex.Next()
			if n := p.lex.Peek(); n.Type == tokOp && n.Value == "=" && n.Pos.Offset == end {
				a.text, a.end = "==", end+1
			}
			p.lex.LoadCheckpoint(cp)
		}
		return a, nil
	case tokLParen:
		return atom{kind: aLParen, text: "(", start: off, end: end}, nil
	case tokRParen:
		return atom{kind: aRParen, text: ")", start: off, end: end}, nil
	case tokComma:
		return atom{kind: aComma, text: ",", start: off, end: end}, nil
	}
	text := t.Value
	if t.EOF() {
		text = ""
	}
	return atom{kind: aEnd, text: text, start: off, end: end}, nil
}

// next consumes the atom peek returned.
func (p *exprParser) next(a atom) {
	if len(p.pending) > 0 {
		p.pending = p.pending[1:]
		return
	}
	p.lex.Next()
	if a.kind == aCmp && a.text == "==" {
		p.lex.Next()
	}
}

// finish ends the expression: a Word of which no atom was used goes back to
// the lexer; a Word used in part is an error.
func (p *exprParser) finish() error {
	if len(p.pending) == 0 {
		return nil
	}
	if len(p.pending) == p.split {
		p.lex.LoadCheckpoint(p.wordCP)
		p.pending = nil
		return nil
	}
	a := p.pending[0]
	return p.errorf(a, "unexpected %q in expression: expected an operator, \",\" or \")\"", a.text)
}

func (p *exprParser) errorf(a atom, format string, args ...any) *exprError {
	end := a.end
	if end <= a.start && a.kind != aEnd {
		end = a.start + 1
	}
	return &exprError{span: Span{a.start, end}, msg: fmt.Sprintf(format, args...)}
}

// describeAtom names an atom for a message.
func describeAtom(a atom) string {
	if a.kind == aEnd && a.text == "" {
		return "end of search"
	}
	return fmt.Sprintf("%q", a.text)
}

// binaryOp returns the operator and precedence of a, or "" when a cannot
// continue an expression as a binary operator.
func binaryOp(a atom) (string, int) {
	switch a.kind {
	case aArith:
		switch a.text {
		case "*", "/", "%":
			return a.text, ePrecMul
		}
		return a.text, ePrecAdd
	case aCmp:
		return a.text, ePrecCmp
	case aName:
		switch w := strings.ToUpper(a.text); w {
		case "OR", "XOR":
			return w, ePrecOr
		case "AND":
			return w, ePrecAnd
		case "LIKE", "IN":
			if a.call && w == "LIKE" {
				// `x like(...)` is not an operator use; stop.
				return "", 0
			}
			return w, ePrecCmp
		}
	}
	return "", 0
}

// expr parses an expression whose binary operators bind at least as tight
// as min (precedence climbing; all binary operators are left-associative).
func (p *exprParser) expr(min int) (Expr, error) {
	left, err := p.prefix()
	if err != nil {
		return nil, err
	}
	for {
		a, err := p.peek()
		if err != nil {
			return nil, err
		}
		op, prec := binaryOp(a)
		if op == "" || prec < min {
			return left, nil
		}
		p.next(a)
		if op == "IN" {
			left, err = p.inList(left)
			if err != nil {
				return nil, err
			}
			continue
		}
		right, err := p.expr(prec + 1)
		if err != nil {
			return nil, err
		}
		left = &Binary{Op: lookupBinaryOp(op), Left: left, Right: right, Pos: Span{left.Span().Start, right.Span().End}}
	}
}

// inList parses the "(v1, v2, ...)" after IN.
func (p *exprParser) inList(x Expr) (Expr, error) {
	a, err := p.peek()
	if err != nil {
		return nil, err
	}
	if a.kind != aLParen {
		return nil, p.errorf(a, "unexpected %s: expected \"(\" after IN", describeAtom(a))
	}
	p.next(a)
	vals, end, err := p.args("IN list")
	if err != nil {
		return nil, err
	}
	if len(vals) == 0 {
		return nil, &exprError{span: Span{a.start, end}, msg: "empty IN list: expected at least one value"}
	}
	return &InList{X: x, Values: vals, Pos: Span{x.Span().Start, end}}, nil
}

// args parses "expr, expr, ...)" after an opening parenthesis and returns the
// end offset of the closing one.
func (p *exprParser) args(what string) ([]Expr, int, error) {
	var out []Expr
	a, err := p.peek()
	if err != nil {
		return nil, 0, err
	}
	if a.kind == aRParen {
		p.next(a)
		return out, a.end, nil
	}
	for {
		x, err := p.expr(ePrecOr)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, x)
		a, err := p.peek()
		if err != nil {
			return nil, 0, err
		}
		switch a.kind {
		case aComma:
			p.next(a)
		case aRParen:
			p.next(a)
			return out, a.end, nil
		default:
			return nil, 0, p.errorf(a, "unexpected %s in %s: expected \",\" or \")\"", describeAtom(a), what)
		}
	}
}

// prefix parses a primary or a prefix operator (NOT, unary minus).
func (p *exprParser) prefix() (Expr, error) {
	a, err := p.peek()
	if err != nil {
		return nil, err
	}
	if p.depth >= maxNesting {
		return nil, p.errorf(a, "expression nested more than %d levels deep", maxNesting)
	}
	p.depth++
	defer func() { p.depth-- }()
	switch a.kind {
	case aName:
		switch strings.ToUpper(a.text) {
		case "NOT":
			p.next(a)
			x, err := p.expr(ePrecNot)
			if err != nil {
				return nil, err
			}
			return &Unary{Op: UnaryNot, X: x, Pos: Span{a.start, x.Span().End}}, nil
		case "AND", "OR", "XOR":
			return nil, p.errorf(a, "unexpected %s: expected an expression", strings.ToUpper(a.text))
		}
		p.next(a)
		if !a.call {
			return &FieldRef{Name: a.text, Pos: Span{a.start, a.end}}, nil
		}
		open, err := p.peek()
		if err != nil {
			return nil, err
		}
		p.next(open)
		args, end, err := p.args("the arguments of " + a.text + "()")
		if err != nil {
			return nil, err
		}
		return &Call{Func: strings.ToLower(a.text), Args: args, Pos: Span{a.start, end}}, nil
	case aNumber:
		p.next(a)
		return &Literal{Kind: LitNumber, Text: a.text, Pos: Span{a.start, a.end}}, nil
	case aString:
		p.next(a)
		return &Literal{Kind: LitString, Text: unescapeEval(a.text[1 : len(a.text)-1]), Pos: Span{a.start, a.end}}, nil
	case aSQuote:
		p.next(a)
		return &FieldRef{Name: unescapeSQuote(a.text[1 : len(a.text)-1]), Quoted: true, Pos: Span{a.start, a.end}}, nil
	case aArith:
		if a.text == "-" {
			p.next(a)
			x, err := p.expr(ePrecUnary)
			if err != nil {
				return nil, err
			}
			return &Unary{Op: UnaryNeg, X: x, Pos: Span{a.start, x.Span().End}}, nil
		}
	case aLParen:
		p.next(a)
		x, err := p.expr(ePrecOr)
		if err != nil {
			return nil, err
		}
		c, err := p.peek()
		if err != nil {
			return nil, err
		}
		if c.kind != aRParen {
			return nil, p.errorf(c, "unexpected %s in expression: expected an operator or \")\"", describeAtom(c))
		}
		p.next(c)
		return x, nil
	}
	return nil, p.errorf(a, "unexpected %s: expected an expression", describeAtom(a))
}

// splitWord splits a Word token at offset off into eval atoms: names
// ([A-Za-z_][A-Za-z0-9_]* with dotted parts), numbers and the operators
// + - * / % . (a dot joins name parts only between name characters).
func splitWord(w string, off int) ([]atom, error) {
	var out []atom
	i := 0
	for i < len(w) {
		c := w[i]
		start := i
		switch {
		case isNameStart(c):
			i++
			for i < len(w) {
				if !isNameChar(w[i]) {
					break
				}
				i++
			}
			out = append(out, atom{kind: aName, text: w[start:i], start: off + start, end: off + i})
		case isDigit(c):
			i = scanNumber(w, i)
			if i < len(w) && (isNameChar(w[i]) || w[i] == '.') {
				j := i
				for j < len(w) && (isNameChar(w[j]) || w[j] == '.') {
					j++
				}
				return nil, &exprError{span: Span{off + start, off + j}, msg: fmt.Sprintf("invalid number %q in expression", w[start:j])}
			}
			out = append(out, atom{kind: aNumber, text: w[start:i], start: off + start, end: off + i})
		case strings.IndexByte("+-*/%.", c) >= 0:
			i++
			out = append(out, atom{kind: aArith, text: w[start:i], start: off + start, end: off + i})
		case c == '\'':
			// A single-quoted field name inside a word, as in
			// "text: ".'RequestId'."." (a word may hold a quote that
			// does not start it; ESCU's ESC1 detections write this).
			i++
			for i < len(w) && w[i] != '\'' {
				if w[i] == '\\' && i+1 < len(w) {
					i++
				}
				i++
			}
			if i == len(w) {
				return nil, &exprError{span: Span{off + start, off + i}, msg: "unterminated single-quoted field name in expression"}
			}
			i++
			out = append(out, atom{kind: aSQuote, text: w[start:i], start: off + start, end: off + i})
		default:
			return nil, &exprError{span: Span{off + start, off + start + 1}, msg: fmt.Sprintf("unexpected %q in expression: field names with such characters need single quotes", w[start:start+1])}
		}
	}
	return out, nil
}

// scanNumber returns the end of the number starting at w[i]: digits, an
// optional fraction and an optional exponent.
func scanNumber(w string, i int) int {
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	if i+1 < len(w) && w[i] == '.' && isDigit(w[i+1]) {
		i++
		for i < len(w) && isDigit(w[i]) {
			i++
		}
	}
	if i+1 < len(w) && (w[i] == 'e' || w[i] == 'E') {
		j := i + 1
		if j < len(w) && (w[j] == '+' || w[j] == '-') {
			j++
		}
		if j < len(w) && isDigit(w[j]) {
			for j < len(w) && isDigit(w[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || isDigit(c) }

// unescapeEval resolves the escapes of an eval string literal (without its
// quotes): `\\` is a backslash, `\"` a quote and `\t` a tab; any other
// backslash pair stays as written, so regexes such as "\d+" keep `\d`.
func unescapeEval(s string) string { return unescapeMap(s, `\"t`, "\\\"\t") }

// escapeEval is the inverse of unescapeEval with as few backslashes as
// possible: a backslash is doubled only where unescapeEval would otherwise
// read it as an escape (before \ " t or at the end).
func escapeEval(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) || s[i+1] == '\\' || s[i+1] == '"' || s[i+1] == 't' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '"':
			b.WriteString(`\"`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeSQuote resolves the escapes of a single-quoted field name (without
// its quotes): `\\` is a backslash and `\'` a quote; other pairs stay.
func unescapeSQuote(s string) string { return unescapeSet(s, "\\'") }

// escapeSQuote is the inverse of unescapeSQuote.
func escapeSQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) || s[i+1] == '\\' || s[i+1] == '\'' {
				b.WriteByte('\\')
			}
		case '\'':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// wordNode is a bare word in value position. It may carry balanced
// parentheses written without whitespace, as in
// `Processes.process=*GetCurrent()*`: a "(" touching the word starts a group
// that runs to its matching ")" with no whitespace inside, and a word
// touching the ")" continues the value. Raw is the text as written.
type wordNode struct {
	Pos lexer.Position
	Raw string
}

// Parse implements participle.Parseable.
func (w *wordNode) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokWord {
		return participle.NextMatch
	}
	lex.Next()
	w.Pos = t.Pos
	var b strings.Builder
	b.WriteString(t.Value)
	end := t.Pos.Offset + len(t.Value)
	for {
		n := lex.Peek()
		if n.Type != tokLParen || n.Pos.Offset != end {
			break
		}
		cp := lex.MakeCheckpoint()
		group, gend, ok := glueGroup(lex, end)
		if !ok {
			lex.LoadCheckpoint(cp)
			break
		}
		b.WriteString(group)
		end = gend
		if n := lex.Peek(); n.Type == tokWord && n.Pos.Offset == end {
			lex.Next()
			b.WriteString(n.Value)
			end += len(n.Value)
		}
	}
	w.Raw = b.String()
	return nil
}

// glueGroup consumes a balanced parenthesis group starting at offset end
// whose tokens all touch; it reports false (having consumed some tokens)
// when the group is not balanced, holds whitespace or a token that cannot be
// part of a word.
func glueGroup(lex *lexer.PeekingLexer, end int) (string, int, bool) {
	var b strings.Builder
	depth := 0
	for {
		t := lex.Peek()
		if t.EOF() || t.Pos.Offset != end {
			return "", 0, false
		}
		switch t.Type {
		case tokLParen:
			depth++
		case tokRParen:
			depth--
		case tokWord, tokComma, tokOp, tokOther:
		default:
			return "", 0, false
		}
		lex.Next()
		b.WriteString(t.Value)
		end += len(t.Value)
		if depth == 0 {
			return b.String(), end, true
		}
	}
}

// gluedWord reports whether s (already escaped for a bare word) reads back
// through wordNode as exactly one value, so that the printer may leave it
// unquoted.
func gluedWord(s string) bool {
	toks, err := tokenize(s)
	if err != nil || len(toks) < 2 || toks[0].Type != tokWord {
		return false
	}
	lex, err := lexer.Upgrade(&sliceLexer{toks: toks})
	if err != nil {
		return false
	}
	var w wordNode
	if err := w.Parse(lex); err != nil {
		return false
	}
	return lex.Peek().EOF() && w.Raw == s
}

// sliceLexer replays a token slice as a lexer.Lexer.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return lexer.EOFToken(lexer.Position{}), nil
	}
	t := l.toks[l.i]
	l.i++
	return t, nil
}
