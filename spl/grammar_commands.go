package spl

import "github.com/alecthomas/participle/v2/lexer"

// This file holds the parse-tree structs of the commands that follow tstats
// in ESCU searches (ast_commands.go). Each starts with its keyword so that
// the Union in grammar.go tries it before genericCmd.

// whereCmd is `where <eval expression>`.
type whereCmd struct {
	Pos    lexer.Position
	Expr   *exprNode `parser:"'where' @@"`
	EndPos lexer.Position
}

// evalCmd is `eval f=expr [,] f2=expr ...`.
type evalCmd struct {
	Pos    lexer.Position
	Assign []*evalAssign `parser:"'eval' @@ ( Comma? @@ )*"`
	EndPos lexer.Position
}

type evalAssign struct {
	Field *fieldNode `parser:"@@ '=':Op"`
	Expr  *exprNode  `parser:"@@"`
}

// statsCmd is `stats|eventstats [options] aggs [BY fields] [options]`.
type statsCmd struct {
	Pos    lexer.Position
	Name   string        `parser:"@( 'stats' | 'eventstats' )"`
	Pre    []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	Aggs   []*statsAgg   `parser:"( @@ Comma? )+"`
	HasBy  bool          `parser:"( @( 'by' | 'groupby' )"`
	By     []*fieldNode  `parser:"  ( (?! Word '=':Op) @@ Comma? )+ )?"`
	Post   []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos lexer.Position
}

// statsAgg is `count`, `func(field)` or `func(eval(expr))`, with an
// optional alias.
type statsAgg struct {
	Pos    lexer.Position
	Func   string     `parser:"(?! 'by' | 'groupby' | Word '=':Op) ( (?= Word LParen) @Word | @'count' | @'c' )"`
	Eval   *exprNode  `parser:"( LParen ( (?= 'eval' LParen) 'eval' LParen @@ RParen"`
	Field  *fieldNode `parser:"  | @@ ) RParen )?"`
	Alias  *fieldNode `parser:"( 'as' @@ )?"`
	EndPos lexer.Position
}

// tableCmd is `table f1 [,] f2 ...`.
type tableCmd struct {
	Pos    lexer.Position
	Fields []*valueNode `parser:"'table' ( @@ Comma? )+"`
	EndPos lexer.Position
}

// fieldsCmd is `fields [+|-] f1 [,] f2 ...`.
type fieldsCmd struct {
	Pos    lexer.Position
	Sign   string       `parser:"'fields' @( '+' | '-' )?"`
	Fields []*valueNode `parser:"( @@ Comma? )+"`
	EndPos lexer.Position
}

// dedupCmd is `dedup [N] fields [options] [sortby keys]`; options may
// stand among the fields.
type dedupCmd struct {
	Pos    lexer.Position
	Items  []*dedupItem `parser:"'dedup' @@+"`
	SortBy []*sortKey   `parser:"( 'sortby' ( @@ Comma? )+ )?"`
	EndPos lexer.Position
}

type dedupItem struct {
	Option *optionNode `parser:"  (?= Word '=':Op) @@"`
	Field  *fieldNode  `parser:"| (?! 'sortby') @@ Comma?"`
}

// sortKey is `[+|-]field` or `[+|-]func(field)`; a sign glued to the word
// (-count) is split off by the converter.
type sortKey struct {
	Sign  string     `parser:"@( '+' | '-' )?"`
	Func  string     `parser:"( (?= Word LParen) @Word LParen"`
	Arg   *fieldNode `parser:"  @@ RParen"`
	Field *fieldNode `parser:"| @@ )"`
}

// sortCmd is `sort [N] keys [d|desc]`.
type sortCmd struct {
	Pos    lexer.Position
	Keys   []*sortKey `parser:"'sort' ( @@ Comma? )+"`
	EndPos lexer.Position
}

// headCmd is `head [N | (expr)] [options]`.
type headCmd struct {
	Pos     lexer.Position
	Pre     []*optionNode `parser:"'head' ( (?= Word '=':Op) @@ )*"`
	Expr    *exprNode     `parser:"( LParen @@ RParen"`
	Count   *wordNode     `parser:"| @@ )?"`
	Options []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos  lexer.Position
}

// fillnullCmd is `fillnull [value=X] [fields]`.
type fillnullCmd struct {
	Pos    lexer.Position
	Value  *valueNode   `parser:"'fillnull' ( (?= 'value' '=':Op) 'value' '=':Op @@ )?"`
	Fields []*fieldNode `parser:"( @@ Comma? )*"`
	EndPos lexer.Position
}

// rexCmd is `rex [options] "regex" [options]`.
type rexCmd struct {
	Pos    lexer.Position
	Pre    []*optionNode `parser:"'rex' @@*"`
	Regex  *valueNode    `parser:"@@"`
	Post   []*optionNode `parser:"@@*"`
	EndPos lexer.Position
}

// regexCmd is `regex [field=|field!=] "regex"`.
type regexCmd struct {
	Pos    lexer.Position
	Field  *fieldNode `parser:"'regex' ( (?= ( Word | String | SQuote ) Op ) @@"`
	Op     string     `parser:"  @Op )?"`
	Regex  *valueNode `parser:"@@"`
	EndPos lexer.Position
}

// binCmd is `bin|bucket [options] field [AS name] [options]`; Splunk also
// accepts the AS clause after the options (`bin _time span=1h AS t`), so
// options and AS mix after the field (the converter rejects a second AS).
type binCmd struct {
	Pos    lexer.Position
	Name   string        `parser:"@( 'bin' | 'bucket' )"`
	Pre    []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	Field  *fieldNode    `parser:"@@"`
	Tail   []*binTail    `parser:"@@*"`
	EndPos lexer.Position
}

// binTail is one option or AS clause after the field of bin.
type binTail struct {
	As     *fieldNode  `parser:"  'as' @@"`
	Option *optionNode `parser:"| (?= Word '=':Op) @@"`
}

// mvexpandCmd is `mvexpand [options] field [options]`.
type mvexpandCmd struct {
	Pos    lexer.Position
	Pre    []*optionNode `parser:"'mvexpand' ( (?= Word '=':Op) @@ )*"`
	Field  *fieldNode    `parser:"@@"`
	Post   []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos lexer.Position
}

// makemvCmd is `makemv [options] field [options]`.
type makemvCmd struct {
	Pos    lexer.Position
	Pre    []*optionNode `parser:"'makemv' ( (?= Word '=':Op) @@ )*"`
	Field  *fieldNode    `parser:"@@"`
	Post   []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos lexer.Position
}

// lookupCmd is `lookup [options] table inputs [OUTPUT|OUTPUTNEW outputs]`.
type lookupCmd struct {
	Pos     lexer.Position
	Options []*optionNode  `parser:"'lookup' ( (?= Word '=':Op) @@ )*"`
	Table   *fieldNode     `parser:"@@"`
	Inputs  []*lookupField `parser:"( @@ Comma? )+"`
	Mode    string         `parser:"( @( 'output' | 'outputnew' )"`
	Outputs []*lookupField `parser:"  ( @@ Comma? )+ )?"`
	EndPos  lexer.Position
}

type lookupField struct {
	Field *fieldNode `parser:"(?! 'output' | 'outputnew') @@"`
	As    *fieldNode `parser:"( 'as' @@ )?"`
}

// inputlookupCmd is `inputlookup [options] table [where <search expr>]`.
type inputlookupCmd struct {
	Pos     lexer.Position
	Options []*optionNode `parser:"'inputlookup' ( (?= Word '=':Op) @@ )*"`
	Table   *fieldNode    `parser:"@@"`
	Where   *sAnd         `parser:"( 'where' @@ )?"`
	EndPos  lexer.Position
}

// joinCmd is `join [options] [fields] [subsearch]`; options and fields may
// mix.
type joinCmd struct {
	Pos    lexer.Position
	Items  []*joinItem   `parser:"'join' @@*"`
	Sub    *pipelineNode `parser:"LBrack @@ RBrack"`
	EndPos lexer.Position
}

type joinItem struct {
	Option *optionNode `parser:"  (?= Word '=':Op) @@"`
	Field  *fieldNode  `parser:"| @@ Comma?"`
}

// appendCmd is `append [options] [subsearch]`.
type appendCmd struct {
	Pos     lexer.Position
	Options []*optionNode `parser:"'append' @@*"`
	Sub     *pipelineNode `parser:"LBrack @@ RBrack"`
	EndPos  lexer.Position
}

func (*whereCmd) cmdNode()       {}
func (*evalCmd) cmdNode()        {}
func (*statsCmd) cmdNode()       {}
func (*tableCmd) cmdNode()       {}
func (*fieldsCmd) cmdNode()      {}
func (*dedupCmd) cmdNode()       {}
func (*sortCmd) cmdNode()        {}
func (*headCmd) cmdNode()        {}
func (*fillnullCmd) cmdNode()    {}
func (*rexCmd) cmdNode()         {}
func (*regexCmd) cmdNode()       {}
func (*binCmd) cmdNode()         {}
func (*mvexpandCmd) cmdNode()    {}
func (*makemvCmd) cmdNode()      {}
func (*lookupCmd) cmdNode()      {}
func (*inputlookupCmd) cmdNode() {}
func (*joinCmd) cmdNode()        {}
func (*appendCmd) cmdNode()      {}
