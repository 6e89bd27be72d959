package spl

import "strconv"

// This file holds the AST of the commands ESCU uses after tstats (where,
// eval, stats, eventstats, table, fields, dedup, sort, head, fillnull, rex,
// regex, bin/bucket, mvexpand, makemv, lookup, join, append, inputlookup)
// and of eval expressions. Like ast.go it is the contract between the
// parser and the engine.

// Expr is an eval expression, as used by eval, where, stats' eval()
// arguments and head. The set is closed.
//
// Precedence, loosest first (spl-semantics §2.4, §6.3): OR and XOR, AND,
// NOT, comparisons (= == != < <= > >= LIKE IN), additive (+ - .),
// multiplicative (* / %), unary minus, then primaries (literals, field
// references, function calls, parentheses).
type Expr interface {
	Node
	expr()
}

// LiteralKind tells the kind of a literal.
type LiteralKind int

// Literal kinds.
const (
	LitString LiteralKind = iota // "double-quoted"
	LitNumber                    // 42, 2.555, -1 is Unary("-", 1)
)

// Literal is a string or number literal of an eval expression. For
// strings, Text has escapes resolved; for numbers it is the text as
// written.
type Literal struct {
	Kind LiteralKind
	Text string
	Pos  Span
}

// FieldRef is a field named in an eval expression: a bare name
// (process_name, Registry.dest) or a single-quoted one ('Registry.dest').
type FieldRef struct {
	Name   string
	Quoted bool
	Pos    Span
}

// Call is a function call: if(...), lower(x), true(), null().
type Call struct {
	Func string // lower-cased
	Args []Expr
	Pos  Span
}

// Unary is NOT x or -x.
type Unary struct {
	Op  UnaryOp
	X   Expr
	Pos Span
}

// Binary is a binary operation.
type Binary struct {
	Op          BinaryOp
	Left, Right Expr
	Pos         Span
}

// UnaryOp is a prefix operator of an eval expression.
type UnaryOp uint8

// The unary operators.
const (
	UnaryNot UnaryOp = iota + 1 // NOT x
	UnaryNeg                    // -x
)

// String returns the operator as written: "NOT" or "-".
func (op UnaryOp) String() string {
	switch op {
	case UnaryNot:
		return "NOT"
	case UnaryNeg:
		return "-"
	}
	return "UnaryOp(" + strconv.Itoa(int(op)) + ")"
}

// BinaryOp is an infix operator of an eval expression. The zero value is
// no operator. IN is not one: `x IN (...)` is an InList.
type BinaryOp uint8

// The binary operators, loosest first (see Expr).
const (
	BinOr     BinaryOp = iota + 1 // OR
	BinXor                        // XOR
	BinAnd                        // AND
	BinEq                         // =
	BinEqEq                       // ==, the same test as =
	BinNe                         // !=
	BinLt                         // <
	BinLe                         // <=
	BinGt                         // >
	BinGe                         // >=
	BinLike                       // LIKE
	BinAdd                        // +
	BinSub                        // -
	BinConcat                     // .
	BinMul                        // *
	BinDiv                        // /
	BinMod                        // %
	binOpEnd
)

// binaryOps holds the spelling (keywords upper-cased) and the precedence
// level (ePrec*) of each BinaryOp.
var binaryOps = [binOpEnd]struct {
	text string
	prec int
}{
	BinOr: {"OR", ePrecOr}, BinXor: {"XOR", ePrecOr}, BinAnd: {"AND", ePrecAnd},
	BinEq: {"=", ePrecCmp}, BinEqEq: {"==", ePrecCmp}, BinNe: {"!=", ePrecCmp},
	BinLt: {"<", ePrecCmp}, BinLe: {"<=", ePrecCmp}, BinGt: {">", ePrecCmp}, BinGe: {">=", ePrecCmp},
	BinLike: {"LIKE", ePrecCmp},
	BinAdd:  {"+", ePrecAdd}, BinSub: {"-", ePrecAdd}, BinConcat: {".", ePrecAdd},
	BinMul: {"*", ePrecMul}, BinDiv: {"/", ePrecMul}, BinMod: {"%", ePrecMul},
}

// String returns the operator as written, keywords in upper case.
func (op BinaryOp) String() string {
	if op > 0 && op < binOpEnd {
		return binaryOps[op].text
	}
	return "BinaryOp(" + strconv.Itoa(int(op)) + ")"
}

// IsComparison reports whether op is = == != < <= > or >=.
func (op BinaryOp) IsComparison() bool { return op >= BinEq && op <= BinGe }

// prec returns the precedence level of op (0 for no operator).
func (op BinaryOp) prec() int {
	if op > 0 && op < binOpEnd {
		return binaryOps[op].prec
	}
	return 0
}

// lookupBinaryOp returns the operator spelled text (keywords in upper
// case), or 0.
func lookupBinaryOp(text string) BinaryOp {
	for op := BinOr; op < binOpEnd; op++ {
		if binaryOps[op].text == text {
			return op
		}
	}
	return 0
}

// InList is `x IN (v1, v2, ...)` inside an eval expression (no wildcards).
type InList struct {
	X      Expr
	Values []Expr
	Pos    Span
}

func (*Literal) expr()  {}
func (*FieldRef) expr() {}
func (*Call) expr()     {}
func (*Unary) expr()    {}
func (*Binary) expr()   {}
func (*InList) expr()   {}

func (e *Literal) Span() Span  { return e.Pos }
func (e *FieldRef) Span() Span { return e.Pos }
func (e *Call) Span() Span     { return e.Pos }
func (e *Unary) Span() Span    { return e.Pos }
func (e *Binary) Span() Span   { return e.Pos }
func (e *InList) Span() Span   { return e.Pos }

// Where is `where <expr>`.
type Where struct {
	Expr Expr
	Pos  Span
}

// EvalAssign is one `field = expr` of eval.
type EvalAssign struct {
	Field string
	Expr  Expr
}

// Eval is `eval f1=expr1, f2=expr2 ...`, evaluated left to right.
type Eval struct {
	Assignments []EvalAssign
	Pos         Span
}

// StatsAgg is one function of stats or eventstats. It extends Aggregate
// with an eval() argument, as in count(eval(status="404")).
type StatsAgg struct {
	Aggregate
	// Eval is set for func(eval(expr)); Field is then empty.
	Eval Expr
	// Text is the function as written, e.g. "count(eval(x=1))", which
	// names the column when there is no AS.
	Text string
}

// Stats is `stats [options] aggs [BY fields]`.
type Stats struct {
	Options []Option
	Aggs    []StatsAgg
	By      []string
	Pos     Span
}

// Eventstats is `eventstats [options] aggs [BY fields]`: stats whose
// results are added to every input row of the group.
type Eventstats struct {
	Options []Option
	Aggs    []StatsAgg
	By      []string
	Pos     Span
}

// Table is `table f1 f2 ...`; names may hold `*` wildcards.
type Table struct {
	Fields []Value
	Pos    Span
}

// Fields is `fields [+|-] f1, f2 ...`; names may hold wildcards.
type Fields struct {
	Remove bool
	Fields []Value
	Pos    Span
}

// SortKey is one key of sort or dedup's sortby: [+|-]field, possibly
// wrapped in num(), str(), ip() or auto().
type SortKey struct {
	Field string
	Desc  bool
	Func  string // "", "num", "str", "ip" or "auto"
}

// Dedup is `dedup [N] fields [options] [sortby keys]`.
type Dedup struct {
	Count   int // 0 when not written (meaning 1)
	Fields  []string
	Options []Option // keepevents, keepempty, consecutive
	SortBy  []SortKey
	Pos     Span
}

// Sort is `sort [N] keys [d|desc]`.
type Sort struct {
	// Limit is nil when no count was written (Splunk's default 10000);
	// 0 means no limit.
	Limit *int
	Keys  []SortKey
	// Reverse is set by a trailing d or desc, which reverses the order.
	Reverse bool
	Pos     Span
}

// Head is `head [N]` or `head (expr)`, with options limit=, null=,
// keeplast=.
type Head struct {
	Count   *int // nil when not written (default 10)
	Expr    Expr
	Options []Option
	Pos     Span
}

// Fillnull is `fillnull [value=X] [fields]`.
type Fillnull struct {
	Value  *Value // nil means "0"
	Fields []string
	Pos    Span
}

// Rex is `rex [field=f] [max_match=N] [mode=sed] "regex"`.
type Rex struct {
	Options []Option // field, max_match, mode, offset_field
	Regex   Value
	Pos     Span
}

// Regex is `regex [field=|field!=]"regex"`.
type Regex struct {
	Field  string // "" means _raw
	Negate bool
	Regex  Value
	Pos    Span
}

// Bin is `bin` (or its alias `bucket`) `[options] field [as name]`.
type Bin struct {
	// CommandName is "bin" or "bucket", as written (lower-cased).
	CommandName string
	Options     []Option // span, bins, minspan, start, end, aligntime
	Field       string
	As          string
	Pos         Span
}

// Makemv is `makemv [delim=<string> | tokenizer=<regex>] [allowempty=<bool>]
// [setsv=<bool>] field`; options may also follow the field.
type Makemv struct {
	Field   string
	Options []Option
	Pos     Span
}

// Mvexpand is `mvexpand [limit=N] field`.
type Mvexpand struct {
	Field   string
	Options []Option
	Pos     Span
}

// LookupField is `field [AS local]` in a lookup clause.
type LookupField struct {
	Field string
	As    string
}

// Lookup is `lookup [options] table inputs [OUTPUT|OUTPUTNEW outputs]`.
type Lookup struct {
	Options []Option // local, update
	Table   string
	Inputs  []LookupField
	// Mode is "", "OUTPUT" or "OUTPUTNEW".
	Mode    string
	Outputs []LookupField
	Pos     Span
}

// Inputlookup is `| inputlookup [options] table [where <search expr>]`, a
// generating command (seen in ESCU subsearches).
type Inputlookup struct {
	Options []Option
	Table   string
	Where   SearchExpr
	Pos     Span
}

// Join is `join [options] [fields] [subsearch]`.
type Join struct {
	Options   []Option // type, max, overwrite, usetime, earlier
	Fields    []string
	Subsearch *Pipeline
	Pos       Span
}

// Append is `append [options] [subsearch]`.
type Append struct {
	Options   []Option
	Subsearch *Pipeline
	Pos       Span
}

func (c *Where) Name() string       { return "where" }
func (c *Eval) Name() string        { return "eval" }
func (c *Stats) Name() string       { return "stats" }
func (c *Eventstats) Name() string  { return "eventstats" }
func (c *Table) Name() string       { return "table" }
func (c *Fields) Name() string      { return "fields" }
func (c *Dedup) Name() string       { return "dedup" }
func (c *Sort) Name() string        { return "sort" }
func (c *Head) Name() string        { return "head" }
func (c *Fillnull) Name() string    { return "fillnull" }
func (c *Rex) Name() string         { return "rex" }
func (c *Regex) Name() string       { return "regex" }
func (c *Bin) Name() string         { return c.CommandName }
func (c *Mvexpand) Name() string    { return "mvexpand" }
func (c *Makemv) Name() string      { return "makemv" }
func (c *Lookup) Name() string      { return "lookup" }
func (c *Inputlookup) Name() string { return "inputlookup" }
func (c *Join) Name() string        { return "join" }
func (c *Append) Name() string      { return "append" }

func (*Where) command()       {}
func (*Eval) command()        {}
func (*Stats) command()       {}
func (*Eventstats) command()  {}
func (*Table) command()       {}
func (*Fields) command()      {}
func (*Dedup) command()       {}
func (*Sort) command()        {}
func (*Head) command()        {}
func (*Fillnull) command()    {}
func (*Rex) command()         {}
func (*Regex) command()       {}
func (*Bin) command()         {}
func (*Mvexpand) command()    {}
func (*Makemv) command()      {}
func (*Lookup) command()      {}
func (*Inputlookup) command() {}
func (*Join) command()        {}
func (*Append) command()      {}

func (c *Where) Span() Span       { return c.Pos }
func (c *Eval) Span() Span        { return c.Pos }
func (c *Stats) Span() Span       { return c.Pos }
func (c *Eventstats) Span() Span  { return c.Pos }
func (c *Table) Span() Span       { return c.Pos }
func (c *Fields) Span() Span      { return c.Pos }
func (c *Dedup) Span() Span       { return c.Pos }
func (c *Sort) Span() Span        { return c.Pos }
func (c *Head) Span() Span        { return c.Pos }
func (c *Fillnull) Span() Span    { return c.Pos }
func (c *Rex) Span() Span         { return c.Pos }
func (c *Regex) Span() Span       { return c.Pos }
func (c *Bin) Span() Span         { return c.Pos }
func (c *Mvexpand) Span() Span    { return c.Pos }
func (c *Makemv) Span() Span      { return c.Pos }
func (c *Lookup) Span() Span      { return c.Pos }
func (c *Inputlookup) Span() Span { return c.Pos }
func (c *Join) Span() Span        { return c.Pos }
func (c *Append) Span() Span      { return c.Pos }
