package spl

// This file holds the typed AST. The participle grammar (grammar.go) parses
// into its own parse-tree structs, which parser.go converts into these
// types; the engine only ever sees the types below.

// Span is a half-open byte range [Start, End) in the search text.
type Span struct {
	Start, End int
}

// Node is implemented by every AST node.
type Node interface {
	// Span returns the node's byte range in the parsed text.
	Span() Span
	// String returns the node in canonical SPL (see printer.go).
	String() string
}

// Pipeline is a whole search: commands separated by '|'.
type Pipeline struct {
	// LeadingPipe records whether the text began with '|' (as every
	// generating command such as tstats must).
	LeadingPipe bool
	Commands    []Command
	Pos         Span
}

// Command is one stage of a pipeline. The set of implementations is closed.
type Command interface {
	Node
	// Name returns the command name in lower case, e.g. "tstats".
	Name() string
	command()
}

// Value is a literal as written in a search: a bare word or a double-quoted
// string. Text has escapes resolved: inside and outside quotes `\\` is one
// backslash and `\"` a quote; any other backslash pair is kept as written
// (Splunk: "unrecognized backslash sequences are not altered"). A `*` in Text
// is a wildcard in search matching, quoted or not.
type Value struct {
	Text   string
	Quoted bool
	// Macro is set when the value is an unexpanded macro call, as in
	// `Processes.parent_process_name IN (`uacbypass_process_name`)`; Text
	// then holds the call in canonical form. Expanded searches never have
	// it.
	Macro *MacroCall
	Pos   Span
}

// MacroCall is a backtick macro reference, `name` or `name(arg, ...)`, left
// unexpanded. Searches are normally expanded (package macros) before they are
// parsed; the parser still accepts calls so that unexpanded text can be
// checked and printed.
type MacroCall struct {
	MacroName string
	// Args holds the raw argument texts as SplitMacroArgs splits them;
	// nil for a call without parentheses or with none inside them.
	Args []string
	// HasParens distinguishes `m()` from `m`.
	HasParens bool
	Pos       Span
}

// Option is a name=value argument of a command (summariesonly=false,
// fillnull_value=null, timeformat="%Y", span=1h), or a macro call standing
// where options are allowed.
type Option struct {
	Key   string // lower-cased option name; empty when Macro is set
	Value Value
	Macro *MacroCall
	Pos   Span
}

// Aggregate is a statistical function call in tstats (and later stats):
// count, count(f), dc(f), values(f), min(f) as x, ...
type Aggregate struct {
	Func  string // lower-cased function name: "count", "dc", "min", ...
	Field string // argument field name; empty for a bare count
	Alias string // name after AS; empty when absent
	Pos   Span
}

// Tstats is `tstats [options] aggregates [FROM datamodel=M.D] [WHERE expr]
// [BY fields [span=...]] [options]`.
type Tstats struct {
	// Options holds every name=value option and option-position macro, in
	// the order written (before the aggregates or after BY).
	Options []Option
	Aggs    []Aggregate
	// Datamodel is the text after `datamodel=`: "Endpoint.Registry" or
	// "Endpoint"; empty when there is no FROM clause.
	Datamodel string
	// DatamodelPos is the span of the Datamodel text (zero when absent).
	DatamodelPos Span
	// Where is nil when there is no WHERE clause.
	Where SearchExpr
	By    []string
	// ByPos holds the span of each By field, in order.
	ByPos []Span
	// BySpan is the text of span= after BY ("1h"); empty when absent.
	BySpan string
	Pos    Span
}

// Rename is `rename A as B, C as D`; either side may hold `*` wildcards.
type Rename struct {
	Pairs []RenamePair
	Pos   Span
}

// RenamePair is one `From as To` clause of rename.
type RenamePair struct {
	From, To Value
}

// Convert is `convert [timeformat=...] func(field) [as name] ...`.
type Convert struct {
	// Timeformat is nil when timeformat= is absent.
	Timeformat *Value
	Funcs      []ConvertFunc
	Pos        Span
}

// ConvertFunc is one `ctime(field) [as name]` clause of convert.
type ConvertFunc struct {
	Func  string // lower-cased: "ctime", "mktime", ...
	Field Value
	As    *Value
}

// Search is the `search` command (also the implicit first command of a
// search that does not start with '|'). Expr is nil for an empty search.
type Search struct {
	Expr SearchExpr
	// Implicit is set when the word "search" was not written.
	Implicit bool
	Pos      Span
}

// MacroCommand is a macro call standing as a whole pipeline stage, as in
// "| `drop_dm_object_name(Registry)`".
type MacroCommand struct {
	Call MacroCall
	Pos  Span
}

// Generic is any command minispl has no typed node for. It is parsed so that
// every search parses; the planner rejects it by name.
type Generic struct {
	CommandName string // lower-cased
	// Args is the raw text after the command name, trimmed.
	Args string
	Pos  Span
}

func (c *Tstats) Name() string       { return "tstats" }
func (c *Rename) Name() string       { return "rename" }
func (c *Convert) Name() string      { return "convert" }
func (c *Search) Name() string       { return "search" }
func (c *MacroCommand) Name() string { return "`" + c.Call.MacroName + "`" }
func (c *Generic) Name() string      { return c.CommandName }

func (*Tstats) command()       {}
func (*Rename) command()       {}
func (*Convert) command()      {}
func (*Search) command()       {}
func (*MacroCommand) command() {}
func (*Generic) command()      {}

func (c *Tstats) Span() Span       { return c.Pos }
func (c *Rename) Span() Span       { return c.Pos }
func (c *Convert) Span() Span      { return c.Pos }
func (c *Search) Span() Span       { return c.Pos }
func (c *MacroCommand) Span() Span { return c.Pos }
func (c *Generic) Span() Span      { return c.Pos }
func (p *Pipeline) Span() Span     { return p.Pos }

// SearchExpr is a boolean expression of the search language, as used by the
// search command and the tstats WHERE clause. The set is closed.
//
// Precedence when parsing (spl-semantics §2.1): parentheses, NOT, OR, then
// AND (explicit or implicit): `a b OR c` is `a AND (b OR c)`.
type SearchExpr interface {
	Node
	searchExpr()
}

// SearchAnd is `L AND R` or the implicit AND of adjacent terms.
type SearchAnd struct {
	Left, Right SearchExpr
	Pos         Span
}

// SearchOr is `L OR R`.
type SearchOr struct {
	Left, Right SearchExpr
	Pos         Span
}

// SearchNot is `NOT X`.
type SearchNot struct {
	X   SearchExpr
	Pos Span
}

// CompareOp is a comparison operator of the search language.
type CompareOp string

// The comparison operators.
const (
	OpEq CompareOp = "="
	OpNe CompareOp = "!="
	OpLt CompareOp = "<"
	OpLe CompareOp = "<="
	OpGt CompareOp = ">"
	OpGe CompareOp = ">="
)

// SearchCompare is `field op value`, e.g. Registry.registry_path="*\\Run*".
type SearchCompare struct {
	Field string
	Op    CompareOp
	Value Value
	Pos   Span
}

// SearchIn is `field IN (v1, v2, ...)`.
type SearchIn struct {
	Field  string
	Values []Value
	Pos    Span
}

// SearchTerm is a bare keyword or quoted phrase matched against _raw.
type SearchTerm struct {
	Value Value
	Pos   Span
}

// SearchSubsearch is a `[...]` subsearch standing as a term of a search
// expression, as in `where [| inputlookup x.csv | table Processes.process]`.
// Splunk runs the subsearch first and splices its results in as an OR of
// field=value terms; the planner decides whether it supports that.
type SearchSubsearch struct {
	Pipeline *Pipeline
	Pos      Span
}

// SearchMacro is an unexpanded macro call inside a search expression.
type SearchMacro struct {
	Call MacroCall
	Pos  Span
}

func (*SearchAnd) searchExpr()       {}
func (*SearchOr) searchExpr()        {}
func (*SearchNot) searchExpr()       {}
func (*SearchCompare) searchExpr()   {}
func (*SearchIn) searchExpr()        {}
func (*SearchTerm) searchExpr()      {}
func (*SearchMacro) searchExpr()     {}
func (*SearchSubsearch) searchExpr() {}

func (e *SearchAnd) Span() Span       { return e.Pos }
func (e *SearchOr) Span() Span        { return e.Pos }
func (e *SearchNot) Span() Span       { return e.Pos }
func (e *SearchCompare) Span() Span   { return e.Pos }
func (e *SearchIn) Span() Span        { return e.Pos }
func (e *SearchTerm) Span() Span      { return e.Pos }
func (e *SearchMacro) Span() Span     { return e.Pos }
func (e *SearchSubsearch) Span() Span { return e.Pos }
