package spl

import (
	"regexp"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Token kinds of the SPL lexer. Whitespace is skipped. A backtick enters the
// Macro state, in which everything up to the closing backtick is one
// MacroBody token, so pipes, quotes and commas inside macro arguments never
// reach the grammar.
//
// A Word is a run of characters other than whitespace and | " ` ( ) [ ] , =
// < > ; a '!' belongs to a word unless it starts "!=". A backslash always
// takes the next character with it, so `\|` and `\"` stay inside a word (a
// backslash escapes a pipe or a quote, spl-semantics §2.3). A word cannot
// start with a single quote: 'text' is an SQuote token (a single-quoted
// field name in eval and where).
//
// BoolOp has no pattern of its own: the parser's token mapper turns a Word
// that is exactly AND, OR or NOT (upper case) into a BoolOp, so that the
// boolean operators of search expressions are case-sensitive while keywords
// such as FROM and BY, matched on Word, are case-insensitive.
const (
	wordChar      = "\\\\[\\s\\S]|[^\\s|\"`()\\[\\],=<>!\\\\]"
	wordFirstChar = "\\\\[\\s\\S]|[^\\s|\"`()\\[\\],=<>!'\\\\]"
	wordPattern   = "(?:" + wordFirstChar + "|!+(?:" + wordChar + "))(?:" + wordChar + "|!+(?:" + wordChar + "))*"
)

// regexLexer is the stateful participle lexer for SPL pipelines: the
// specification of splLexer, which lexes the same tokens by hand
// (TestLexerMatchesRules, FuzzLexer), and the source of the token types.
var regexLexer = lexer.MustStateful(lexer.Rules{
	"Root": {
		{Name: "whitespace", Pattern: `\s+`},
		{Name: "Pipe", Pattern: `\|`},
		{Name: "MacroOpen", Pattern: "`", Action: lexer.Push("Macro")},
		{Name: "String", Pattern: `"(?:\\[\s\S]|[^"\\])*"`},
		// An unterminated string runs to the end of the text; the
		// grammar never accepts it, and Parse reports it by name.
		{Name: "BadString", Pattern: `"(?:\\[\s\S]|[^"\\])*`},
		{Name: "SQuote", Pattern: `'(?:\\[\s\S]|[^'\\])*'`},
		{Name: "Op", Pattern: `!=|<=|>=|=|<|>`},
		{Name: "LParen", Pattern: `\(`},
		{Name: "RParen", Pattern: `\)`},
		{Name: "LBrack", Pattern: `\[`},
		{Name: "RBrack", Pattern: `\]`},
		{Name: "Comma", Pattern: `,`},
		{Name: "Word", Pattern: wordPattern},
		// Any other single character (a lone '!', a trailing
		// backslash, a lone single quote): Generic commands carry it in
		// their raw text, the search grammar rejects it.
		{Name: "Other", Pattern: `[\s\S]`},
		// Never matched by the lexer; produced by boolOpMapper.
		{Name: "BoolOp", Pattern: `[^\s\S]`},
	},
	"Macro": {
		{Name: "MacroClose", Pattern: "`", Action: lexer.Pop()},
		{Name: "MacroBody", Pattern: "[^`]+"},
	},
})

// splLexer is the lexer Parse uses: regexLexer's tokens, of its types,
// found by a hand-written scanner instead of trying each rule's regular
// expression in turn (which was most of the parse time of ESCU's
// searches).
var splLexer = newHandLexer(regexLexer.Symbols())

// bareWordRE matches a text that lexes as exactly one Word token.
var bareWordRE = regexp.MustCompile(`^` + wordPattern + `$`)

// boolOpMapper returns a mapper that retypes the Words AND, OR and NOT
// (exactly, upper case) as BoolOp tokens. Lower-case and, or and not stay
// plain words: Splunk treats them as search terms (spl-semantics §2.1).
func boolOpMapper(boolOp lexer.TokenType) participle.Mapper {
	return func(t lexer.Token) (lexer.Token, error) {
		if isBoolOp(t.Value) {
			t.Type = boolOp
		}
		return t, nil
	}
}

func isBoolOp(s string) bool {
	return s == "AND" || s == "OR" || s == "NOT"
}

// unescape resolves the escapes of a double-quoted SPL string (without its
// quotes): `\\` is one backslash and `\"` a double quote; any other
// backslash pair is kept as written ("unrecognized backslash sequences are
// not altered", spl-semantics §2.3). `\|` stays as written inside quotes,
// where a pipe needs no escape, so that the regexes of rex and regex keep
// their `\|` (a literal pipe to the regex engine).
func unescape(s string) string { return unescapeSet(s, "\\\"") }

// unescapeWord resolves the escapes of a bare word: as unescape, and `\|` is
// a literal pipe ("the backslash escapes quotes, pipes and itself",
// spl-semantics §2.3), the only way to write a pipe in a bare word.
func unescapeWord(s string) string { return unescapeSet(s, "\\\"|") }

// unescapeSet drops the backslash before each byte of set.
func unescapeSet(s, set string) string { return unescapeMap(s, set, set) }

// unescapeMap replaces each backslash pair `\` + from[k] by the byte to[k];
// any other backslash stays as written.
func unescapeMap(s, from, to string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if k := strings.IndexByte(from, s[i+1]); k >= 0 {
				b.WriteByte(to[k])
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// escape is the inverse of unescape: every backslash is doubled and every
// double quote gets a backslash, so unescape(escape(s)) == s for any s.
func escape(s string) string {
	if strings.IndexAny(s, "\\\"") < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// tokenize lexes text into its tokens (without whitespace), ending with the
// EOF token. Parse uses it only to explain errors.
func tokenize(text string) ([]lexer.Token, error) {
	lx, err := splLexer.LexString("", text)
	if err != nil {
		return nil, err
	}
	var toks []lexer.Token
	for {
		t, err := lx.Next()
		if err != nil {
			return toks, err
		}
		toks = append(toks, t)
		if t.EOF() {
			return toks, nil
		}
	}
}

// tokenName returns the lexer symbol name of a token type.
func tokenName(t lexer.TokenType) string {
	for name, tt := range splLexer.Symbols() {
		if tt == t {
			return name
		}
	}
	return "?"
}
