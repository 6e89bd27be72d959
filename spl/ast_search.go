package spl

// This file holds the AST of the search language: the boolean expressions
// of the search command, the tstats and inputlookup WHERE clauses and
// subsearch terms.

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
// Directive is set for `field=TERM(x)` and `field=CASE(x)`; Value is then
// the text inside the parentheses.
type SearchCompare struct {
	Field     string
	Op        CompareOp
	Value     Value
	Directive Directive
	Pos       Span
}

// SearchIn is `field IN (v1, v2, ...)`.
type SearchIn struct {
	Field  string
	Values []Value
	Pos    Span
}

// SearchTerm is a bare keyword or quoted phrase matched against _raw, or
// one wrapped in a directive, TERM(x) or CASE(x) (Directive set, Value the
// text inside the parentheses).
type SearchTerm struct {
	Value     Value
	Directive Directive
	Pos       Span
}

// Directive is a search-language directive wrapped around a term or a
// field value (raw-events.md §2.3, spl-semantics §2.2): TERM(x) matches x
// as one indexed term, minor breakers included; CASE(x) matches
// case-sensitively. Only the upper-case names written right before "("
// are directives; anything else (term(x), TERM (x)) is read as before, a
// term followed by a parenthesized group.
type Directive string

// The directives; DirNone is a plain term or value.
const (
	DirNone Directive = ""
	DirTerm Directive = "TERM"
	DirCase Directive = "CASE"
)

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
