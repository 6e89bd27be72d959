package spl

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds the participle grammar: unexported parse-tree structs
// whose `parser:"..."` tags are the grammar. parser.go converts the parse
// tree into the typed AST of ast.go.
//
// Adding a command is one struct implementing cmdNode (a keyword literal
// first, so that Union tries it before genericCmd), one entry in
// commandUnion, an exclusion in genericCmd's lookahead, and a case in
// converter.command (or converter.command2 for grammar_commands.go).
//
// Keywords (tstats, from, where, by, as, in, datamodel, ...) are Word
// literals matched case-insensitively (participle.CaseInsensitive("Word")).
// Negative lookahead keeps a keyword from being taken as a value where
// both would fit: an aggregate named "from", a datamodel named "by".

// cmdNode is the parse-tree union of pipeline stages.
type cmdNode interface{ cmdNode() }

// commandUnion lists the pipeline stages in the order participle tries them;
// genericCmd, which accepts any other command name, must stay last.
var commandUnion = participle.Union[cmdNode](
	&tstatsCmd{}, &renameCmd{}, &convertCmd{}, &searchCmd{}, &macroCmd{},
	&whereCmd{}, &evalCmd{}, &statsCmd{}, &tableCmd{}, &fieldsCmd{}, &dedupCmd{},
	&sortCmd{}, &headCmd{}, &fillnullCmd{}, &rexCmd{}, &regexCmd{}, &binCmd{},
	&mvexpandCmd{}, &makemvCmd{}, &lookupCmd{}, &inputlookupCmd{}, &joinCmd{}, &appendCmd{},
	&genericCmd{},
)

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
	Str    *string `parser:"  @String"`
	Word   *string `parser:"| @Word"`
	SQuote *string `parser:"| @SQuote"`
}

// optionNode is `name=value` or a macro call in option position.
type optionNode struct {
	Pos    lexer.Position
	Macro  *macroNode `parser:"(  @@"`
	Key    string     `parser:" | (?= Word '=':Op) @Word '=':Op"`
	Value  *valueNode `parser:"   @@ )"`
	EndPos lexer.Position
}

// tstatsCmd is the tstats command.
type tstatsCmd struct {
	Pos       lexer.Position
	Pre       []*optionNode `parser:"'tstats' @@*"`
	Aggs      []*aggNode    `parser:"( @@ Comma? )+"`
	Datamodel *valueNode    `parser:"( 'from' 'datamodel' '=':Op (?! 'where' | 'by' | 'groupby') @@ )?"`
	Where     *sAnd         `parser:"( 'where' @@ )?"`
	HasBy     bool          `parser:"( @( 'by' | 'groupby' )"`
	By        []*byItem     `parser:"  ( @@ Comma? )+ )?"`
	Post      []*optionNode `parser:"@@*"`
	EndPos    lexer.Position
}

// byItem is a BY field or a span= option written among the BY fields
// (ESCU writes `by _time span=1h Processes.dest`).
type byItem struct {
	Span  *valueNode `parser:"  (?= 'span' '=':Op) 'span' '=':Op @@"`
	Field *fieldNode `parser:"| (?! Word '=':Op) @@"`
}

// aggNode is `count`, `count(f)` or `func(f)`, each with an optional alias.
type aggNode struct {
	Pos    lexer.Position
	Func   string     `parser:"(?! 'from' | 'where' | 'by' | 'groupby') ( (?= Word LParen) @Word | @'count' )"`
	Field  *fieldNode `parser:"( LParen @@ RParen )?"`
	Alias  *fieldNode `parser:"( 'as' @@ )?"`
	EndPos lexer.Position
}

// renameCmd is `rename A as B [,] C as D ...`.
type renameCmd struct {
	Pos    lexer.Position
	Pairs  []*renamePair `parser:"'rename' ( @@ Comma? )+"`
	EndPos lexer.Position
}

type renamePair struct {
	From *valueNode `parser:"@@ 'as'"`
	To   *valueNode `parser:"@@"`
}

// convertCmd is `convert [timeformat=...] func(field) [as name] ...`.
type convertCmd struct {
	Pos        lexer.Position
	Timeformat *valueNode     `parser:"'convert' ( 'timeformat' '=':Op @@ )?"`
	Funcs      []*convertFunc `parser:"( @@ Comma? )+"`
	EndPos     lexer.Position
}

type convertFunc struct {
	Func  string     `parser:"@Word LParen"`
	Field *valueNode `parser:"@@ RParen"`
	As    *valueNode `parser:"( 'as' @@ )?"`
}

// searchCmd is the explicit search command.
type searchCmd struct {
	Pos    lexer.Position
	Expr   *sAnd `parser:"'search' @@?"`
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
	Name   string     `parser:"(?! 'tstats' | 'rename' | 'convert' | 'search' | 'where' | 'eval' | 'stats' | 'eventstats' | 'table' | 'fields' | 'dedup' | 'sort' | 'head' | 'fillnull' | 'rex' | 'regex' | 'bin' | 'bucket' | 'mvexpand' | 'makemv' | 'lookup' | 'inputlookup' | 'join' | 'append') @Word"`
	Args   []*rawItem `parser:"@@*"`
	EndPos lexer.Position
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

func (*tstatsCmd) cmdNode()  {}
func (*renameCmd) cmdNode()  {}
func (*convertCmd) cmdNode() {}
func (*searchCmd) cmdNode()  {}
func (*macroCmd) cmdNode()   {}
func (*genericCmd) cmdNode() {}

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

// sPrim is a parenthesised expression, a [subsearch], a macro call,
// `field IN (...)`, `field op value` or a bare term.
type sPrim struct {
	Pos    lexer.Position
	Group  *sAnd         `parser:"  LParen @@ RParen"`
	Sub    *pipelineNode `parser:"| LBrack @@ RBrack"`
	Macro  *macroNode    `parser:"| @@"`
	In     *sIn          `parser:"| (?= ( String | Word | SQuote ) 'in' LParen ) @@"`
	Cmp    *sCmp         `parser:"| (?= ( String | Word | SQuote ) Op ) @@"`
	Term   *termNode     `parser:"| @@"`
	EndPos lexer.Position
}

// sIn is `field IN (v1, v2, ...)`; commas are optional and may repeat
// (ESCU has `"*:C*",, "*:N*"`).
type sIn struct {
	Field  *fieldNode   `parser:"@@ 'in' LParen"`
	Values []*valueNode `parser:"Comma* ( @@ Comma* )* RParen"`
}

// sCmp is `field op value`.
type sCmp struct {
	Field *fieldNode `parser:"@@"`
	Op    string     `parser:"@Op"`
	Value *valueNode `parser:"@@"`
}

// termNode is a bare keyword or quoted phrase. BY and GROUPBY end a tstats
// WHERE clause, so they are never bare terms (quote them to search them).
type termNode struct {
	Pos    lexer.Position
	Str    *string `parser:"  @String"`
	Word   *string `parser:"| (?! 'by' | 'groupby') @Word"`
	SQuote *string `parser:"| @SQuote"`
}
