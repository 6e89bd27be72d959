package spl

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds the participle grammar of pipelines, literals, options
// and the search language: unexported parse-tree structs whose
// `parser:"..."` tags are the grammar, converted into the typed AST by
// parser.go. Each registered command's grammar is in parse_commands.go;
// commandUnion takes them from the registry (commands.go).
//
// Keywords (tstats, from, where, by, as, in, datamodel, ...) are Word
// literals matched case-insensitively (participle.CaseInsensitive("Word")).
// Negative lookahead keeps a keyword from being taken as a value where
// both would fit: an aggregate named "from", a datamodel named "by".

// cmdNode is the parse-tree union of pipeline stages; convert builds the
// stage's AST node.
type cmdNode interface {
	convert(c *converter) Command
}

// commandUnion lists the pipeline stages in the order participle tries them
// (grammarAlternatives): the registered commands, a macro call, then
// genericCmd, which accepts any other command name.
var commandUnion = participle.Union[cmdNode](grammarAlternatives()...)

// pipelineNode is a whole search. A text starting with '|' has a command
// first; otherwise the first stage is an (implicit or explicit) search.
type pipelineNode struct {
	Pos      lexer.Position
	Leading  cmdNode         `parser:"(  Pipe @@"`
	Implicit *implicitSearch `parser:" | @@ )"`
	Rest     []cmdNode       `parser:"( Pipe @@ )*"`
	EndPos   lexer.Position
}

// implicitSearch is the first stage of a search not starting with '|':
// either `search <expr>` written out or a bare search expression.
type implicitSearch struct {
	Pos          lexer.Position
	Explicit     bool  `parser:"(  @'search' (?! Op)"`
	ExplicitExpr *sAnd `parser:"   @@?"`
	Expr         *sAnd `parser:" | @@ )"`
	EndPos       lexer.Position
}

// macroNode is a backtick macro call; Body is the text between backticks.
type macroNode struct {
	Pos  lexer.Position
	Body string `parser:"MacroOpen @MacroBody? MacroClose"`
}

// valueNode is a literal in value position: a quoted string, a bare word
// (which may carry touching balanced parentheses, see wordNode), a
// single-quoted word or a macro call.
type valueNode struct {
	Pos    lexer.Position
	Str    *string    `parser:"  @String"`
	Word   *wordNode  `parser:"| @@"`
	SQuote *string    `parser:"| @SQuote"`
	Macro  *macroNode `parser:"| @@"`
}

// fieldNode is a field name: a bare word or a quoted string.
type fieldNode struct {
	Pos    lexer.Position
	Word   *string `parser:"  @Word"`
	Str    *string `parser:"| @String"`
	SQuote *string `parser:"| @SQuote"`
}

// optionNode is `name=value` or a macro call in option position.
type optionNode struct {
	Pos    lexer.Position
	Key    string     `parser:"(  (?= Word '=':Op) @Word '=':Op"`
	Value  *valueNode `parser:"   @@"`
	Macro  *macroNode `parser:" | @@ )"`
	EndPos lexer.Position
}

// macroCmd is a macro call standing as a whole stage.
type macroCmd struct {
	Pos  lexer.Position
	Call *macroNode `parser:"@@"`
}

// genericCmd is any other command; its arguments are kept as raw text up to
// the next top-level '|' or a ']' closing the enclosing subsearch.
type genericCmd struct {
	Pos    lexer.Position
	Name   genericName `parser:"@@"`
	Args   []*rawItem  `parser:"@@*"`
	EndPos lexer.Position
}

// genericName is the name of a generic command: any word that is not a
// registered command name (in any case), so that a registered command
// whose arguments do not parse is an error, not a generic command.
type genericName string

// Parse implements participle.Parseable.
func (g *genericName) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != splLexer.Symbols()["Word"] || isCommandName(t.Value) {
		return participle.NextMatch
	}
	lex.Next()
	*g = genericName(t.Value)
	return nil
}

type rawItem struct {
	Sub *rawBracket `parser:"  @@"`
	Tok string      `parser:"| @~( Pipe | LBrack | RBrack )"`
}

// rawBracket is a [...] group inside raw arguments; pipes inside it belong
// to the subsearch.
type rawBracket struct {
	Items []*rawInner `parser:"LBrack @@* RBrack"`
}

type rawInner struct {
	Sub *rawBracket `parser:"  @@"`
	Tok string      `parser:"| @~( LBrack | RBrack )"`
}

// Search expressions. Precedence, loosest first: AND (explicit or by
// adjacency), OR, NOT, primary (spl-semantics §2.1).

// sAnd is `sOr ( [AND] sOr )*`.
type sAnd struct {
	Left *sOr   `parser:"@@"`
	Rest []*sOr `parser:"( 'AND':BoolOp? @@ )*"`
}

// sOr is `sNot ( OR sNot )*`.
type sOr struct {
	Left *sNot   `parser:"@@"`
	Rest []*sNot `parser:"( 'OR':BoolOp @@ )*"`
}

// sNot is `NOT sNot | primary`.
type sNot struct {
	Pos  lexer.Position
	Not  *sNot  `parser:"  'NOT':BoolOp @@"`
	Prim *sPrim `parser:"| @@"`
}

// sPrim is `field op value`, `field IN (...)`, a TERM(x) or CASE(x)
// directive, a bare term, a parenthesised expression, a [subsearch] or a
// macro call, tried in that order (see the package doc, What parsing
// costs).
type sPrim struct {
	Pos    lexer.Position
	Cmp    *sCmp         `parser:"  (?= ( Word | String | SQuote ) Op ) @@"`
	In     *sIn          `parser:"| (?= ( Word | String | SQuote ) 'in' LParen ) @@"`
	Dir    *dirNode      `parser:"| @@"`
	Term   *termNode     `parser:"| @@"`
	Group  *sAnd         `parser:"| LParen @@ RParen"`
	Sub    *pipelineNode `parser:"| LBrack @@ RBrack"`
	Macro  *macroNode    `parser:"| @@"`
	EndPos lexer.Position
}

// sIn is `field IN (v1, v2, ...)`; commas are optional and may repeat
// (ESCU has `"*:C*",, "*:N*"`).
type sIn struct {
	Field  *fieldNode   `parser:"@@ 'in' LParen"`
	Values []*valueNode `parser:"Comma* ( @@ Comma* )* RParen"`
}

// sCmp is `field op value`, the value possibly TERM(x) or CASE(x).
type sCmp struct {
	Field *fieldNode `parser:"@@"`
	Op    string     `parser:"@Op"`
	Dir   *dirNode   `parser:"( @@"`
	Value *valueNode `parser:"| @@ )"`
}

// termNode is a bare keyword or quoted phrase. BY and GROUPBY end a tstats
// WHERE clause, so they are never bare terms (quote them to search them).
type termNode struct {
	Pos    lexer.Position
	Str    *string `parser:"  @String"`
	Word   *string `parser:"| (?! 'by' | 'groupby') @Word"`
	SQuote *string `parser:"| @SQuote"`
}
