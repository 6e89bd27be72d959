package spl

import (
	"io"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// handLexer is a lexer.Definition that lexes regexLexer's rules by hand.
// The rules are tried in order and the first that matches wins, so each
// byte that can start a token decides its rule:
//
//   - Root: whitespace (Go's \s: tab, LF, FF, CR, space) is skipped; | is
//     Pipe; ` is MacroOpen and enters Macro; " starts a String up to the
//     next " not taken by a backslash (a backslash takes the byte after
//     it), or, with no such ", a BadString up to the end or to a final
//     lone backslash; ' an SQuote in the same way, or with no closing '
//     the Other token '; != <= >= = < > are Op; ( ) [ ] , their tokens;
//     a Word is a run of word elements (below), and any other byte (a '!'
//     or '\' that starts no word, a lone ') is Other.
//   - Macro: ` is MacroClose and leaves Macro; anything else up to the
//     next ` (or the end) is MacroBody.
//
// A word element is a backslash and the byte after it, a byte that is not
// whitespace nor one of | " ` ( ) [ ] , = < > ! \ (nor ' for the first
// element), or a run of '!' followed by an element of the first two
// kinds. Multi-byte UTF-8 runes need no decoding: their bytes are never
// among those listed, so a rune is taken byte by byte where the regular
// expressions take it whole, and invalid bytes are word bytes as they are
// there (each reads as U+FFFD).
type handLexer struct {
	symbols map[string]lexer.TokenType
	types   handTypes
}

// handTypes are the token types handLexer emits.
type handTypes struct {
	pipe, macroOpen, macroClose, macroBody, str, badStr, squote, op,
	lparen, rparen, lbrack, rbrack, comma, word, other lexer.TokenType
}

func newHandLexer(symbols map[string]lexer.TokenType) *handLexer {
	return &handLexer{symbols: symbols, types: handTypes{
		pipe: symbols["Pipe"], macroOpen: symbols["MacroOpen"], macroClose: symbols["MacroClose"],
		macroBody: symbols["MacroBody"], str: symbols["String"], badStr: symbols["BadString"],
		squote: symbols["SQuote"], op: symbols["Op"], lparen: symbols["LParen"], rparen: symbols["RParen"],
		lbrack: symbols["LBrack"], rbrack: symbols["RBrack"], comma: symbols["Comma"],
		word: symbols["Word"], other: symbols["Other"],
	}}
}

// Symbols returns regexLexer's symbols.
func (d *handLexer) Symbols() map[string]lexer.TokenType { return d.symbols }

// Lex lexes the text of r.
func (d *handLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return nil, err
	}
	return d.LexString(filename, b.String())
}

// LexString lexes s.
func (d *handLexer) LexString(filename, s string) (lexer.Lexer, error) {
	return &handScanner{t: &d.types, data: s, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}, nil
}

// handScanner is one lexing of a text.
type handScanner struct {
	t     *handTypes
	data  string
	off   int
	pos   lexer.Position
	macro bool // in the Macro state
}

// isRESpace is Go's regexp \s.
func isRESpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// wordStop reports the bytes a word element cannot be (besides
// whitespace): | " ` ( ) [ ] , = < > ! \.
func wordStop(c byte) bool {
	switch c {
	case '|', '"', '`', '(', ')', '[', ']', ',', '=', '<', '>', '!', '\\':
		return true
	}
	return isRESpace(c)
}

// Next returns the next token.
func (l *handScanner) Next() (lexer.Token, error) {
	s := l.data
	if !l.macro {
		start := l.off
		for l.off < len(s) && isRESpace(s[l.off]) {
			l.off++
		}
		if l.off > start {
			l.pos.Advance(s[start:l.off])
		}
	}
	if l.off >= len(s) {
		return lexer.EOFToken(l.pos), nil
	}
	i := l.off
	c := s[i]
	var typ lexer.TokenType
	end := i + 1
	switch {
	case l.macro:
		if c == '`' {
			typ, l.macro = l.t.macroClose, false
		} else {
			typ = l.t.macroBody
			if j := strings.IndexByte(s[i:], '`'); j >= 0 {
				end = i + j
			} else {
				end = len(s)
			}
		}
	case c == '|':
		typ = l.t.pipe
	case c == '`':
		typ, l.macro = l.t.macroOpen, true
	case c == '"':
		var closed bool
		end, closed = quoted(s, i, '"')
		typ = l.t.str
		if !closed {
			typ = l.t.badStr
		}
	case c == '\'':
		typ = l.t.other
		if e, closed := quoted(s, i, '\''); closed {
			typ, end = l.t.squote, e
		}
	case (c == '!' || c == '<' || c == '>') && i+1 < len(s) && s[i+1] == '=':
		typ, end = l.t.op, i+2
	case c == '=' || c == '<' || c == '>':
		typ = l.t.op
	case c == '(':
		typ = l.t.lparen
	case c == ')':
		typ = l.t.rparen
	case c == '[':
		typ = l.t.lbrack
	case c == ']':
		typ = l.t.rbrack
	case c == ',':
		typ = l.t.comma
	default:
		typ = l.t.other
		if e := wordElement(s, i); e > i {
			typ, end = l.t.word, e
			for {
				e := wordElement(s, end)
				if e == end {
					break
				}
				end = e
			}
		}
	}
	tok := lexer.Token{Type: typ, Value: s[i:end], Pos: l.pos}
	l.off = end
	l.pos.Advance(tok.Value)
	return tok, nil
}

// quoted scans a quoted text opening at s[i] == q: each backslash takes
// the byte after it, and the text ends at the next q (closed, end just
// after it) or, without one, at the end of s or before a backslash that
// ends s.
func quoted(s string, i int, q byte) (end int, closed bool) {
	j := i + 1
	for j < len(s) {
		switch s[j] {
		case q:
			return j + 1, true
		case '\\':
			if j+1 >= len(s) {
				return j, false
			}
			j += 2
		default:
			j++
		}
	}
	return j, false
}

// wordElement returns the end of the word element at s[i] (i when there
// is none there): a backslash pair, a word byte, or a run of '!' followed
// by one of those. A single quote is a word byte: the first element of a
// word cannot be one, but Next never starts a word at a quote (it is an
// SQuote or Other there).
func wordElement(s string, i int) int {
	j := i
	for j < len(s) && s[j] == '!' {
		j++
	}
	if j >= len(s) {
		return i
	}
	switch c := s[j]; {
	case c == '\\':
		if j+1 >= len(s) {
			return i
		}
		return j + 2
	case wordStop(c):
		return i
	}
	return j + 1
}
