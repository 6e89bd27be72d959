package spl

// This file holds the typed AST of pipelines and commands; ast_search.go
// holds the search language and ast_expr.go eval expressions. The
// participle grammar (grammar.go, parse_commands.go) parses into its own
// parse-tree structs, which are converted into these types; the engine only
// ever sees these. commands.go lists the commands.

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

// Where is `where <expr>`.
type Where struct {
	Expr Expr
	Pos  Span
}

// Eval is `eval f1=expr1, f2=expr2 ...`, evaluated left to right.
type Eval struct {
	Assignments []EvalAssign
	Pos         Span
}

// EvalAssign is one `field = expr` of eval.
type EvalAssign struct {
	Field string
	Expr  Expr
}

// Stats is `stats [options] aggs [BY fields]`.
type Stats struct {
	Options []Option
	Aggs    []StatsAgg
	By      []string
	Pos     Span
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

// Dedup is `dedup [N] fields [options] [sortby keys]`.
type Dedup struct {
	Count   int // 0 when not written (meaning 1)
	Fields  []string
	Options []Option // keepevents, keepempty, consecutive
	SortBy  []SortKey
	Pos     Span
}

// SortKey is one key of sort or dedup's sortby: [+|-]field, possibly
// wrapped in num(), str(), ip() or auto().
type SortKey struct {
	Field string
	Desc  bool
	Func  string // "", "num", "str", "ip" or "auto"
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

// LookupField is `field [AS local]` in a lookup clause.
type LookupField struct {
	Field string
	As    string
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
func (c *Where) Name() string        { return "where" }
func (c *Eval) Name() string         { return "eval" }
func (c *Stats) Name() string        { return "stats" }
func (c *Eventstats) Name() string   { return "eventstats" }
func (c *Table) Name() string        { return "table" }
func (c *Fields) Name() string       { return "fields" }
func (c *Dedup) Name() string        { return "dedup" }
func (c *Sort) Name() string         { return "sort" }
func (c *Head) Name() string         { return "head" }
func (c *Fillnull) Name() string     { return "fillnull" }
func (c *Rex) Name() string          { return "rex" }
func (c *Regex) Name() string        { return "regex" }
func (c *Bin) Name() string          { return c.CommandName }
func (c *Makemv) Name() string       { return "makemv" }
func (c *Mvexpand) Name() string     { return "mvexpand" }
func (c *Lookup) Name() string       { return "lookup" }
func (c *Inputlookup) Name() string  { return "inputlookup" }
func (c *Join) Name() string         { return "join" }
func (c *Append) Name() string       { return "append" }
func (c *MacroCommand) Name() string { return "`" + c.Call.MacroName + "`" }
func (c *Generic) Name() string      { return c.CommandName }

func (*Tstats) command()       {}
func (*Rename) command()       {}
func (*Convert) command()      {}
func (*Search) command()       {}
func (*Where) command()        {}
func (*Eval) command()         {}
func (*Stats) command()        {}
func (*Eventstats) command()   {}
func (*Table) command()        {}
func (*Fields) command()       {}
func (*Dedup) command()        {}
func (*Sort) command()         {}
func (*Head) command()         {}
func (*Fillnull) command()     {}
func (*Rex) command()          {}
func (*Regex) command()        {}
func (*Bin) command()          {}
func (*Makemv) command()       {}
func (*Mvexpand) command()     {}
func (*Lookup) command()       {}
func (*Inputlookup) command()  {}
func (*Join) command()         {}
func (*Append) command()       {}
func (*MacroCommand) command() {}
func (*Generic) command()      {}

func (c *Tstats) Span() Span       { return c.Pos }
func (c *Rename) Span() Span       { return c.Pos }
func (c *Convert) Span() Span      { return c.Pos }
func (c *Search) Span() Span       { return c.Pos }
func (c *Where) Span() Span        { return c.Pos }
func (c *Eval) Span() Span         { return c.Pos }
func (c *Stats) Span() Span        { return c.Pos }
func (c *Eventstats) Span() Span   { return c.Pos }
func (c *Table) Span() Span        { return c.Pos }
func (c *Fields) Span() Span       { return c.Pos }
func (c *Dedup) Span() Span        { return c.Pos }
func (c *Sort) Span() Span         { return c.Pos }
func (c *Head) Span() Span         { return c.Pos }
func (c *Fillnull) Span() Span     { return c.Pos }
func (c *Rex) Span() Span          { return c.Pos }
func (c *Regex) Span() Span        { return c.Pos }
func (c *Bin) Span() Span          { return c.Pos }
func (c *Makemv) Span() Span       { return c.Pos }
func (c *Mvexpand) Span() Span     { return c.Pos }
func (c *Lookup) Span() Span       { return c.Pos }
func (c *Inputlookup) Span() Span  { return c.Pos }
func (c *Join) Span() Span         { return c.Pos }
func (c *Append) Span() Span       { return c.Pos }
func (c *MacroCommand) Span() Span { return c.Pos }
func (c *Generic) Span() Span      { return c.Pos }

func (p *Pipeline) Span() Span { return p.Pos }

// Span returns the value's byte range.
func (v *Value) Span() Span { return v.Pos }

// Span returns the call's byte range, backticks included.
func (m *MacroCall) Span() Span { return m.Pos }

// Span returns the option's byte range.
func (o *Option) Span() Span { return o.Pos }

// The commands of the raw-event detections (issue 9): makeresults,
// replace, addtotals, transaction, appendpipe, map, xmlkv and spath.

// Makeresults is `| makeresults [count=N] [annotate=<bool>] [options]`.
type Makeresults struct {
	Options []Option
	Pos     Span
}

// Replace is `replace <wc-string> WITH <wc-string> [, ...] [IN <field>...]`.
type Replace struct {
	Pairs  []ReplacePair
	Fields []string // empty when IN is absent
	Pos    Span
}

// ReplacePair is one `<wc-string> WITH <wc-string>` of replace.
type ReplacePair struct {
	From, To Value
}

// Addtotals is `addtotals [row=<bool>] [col=<bool>] [labelfield=<f>]
// [label=<s>] [fieldname=<f>] [<field>...]`.
type Addtotals struct {
	Options []Option
	Fields  []string
	Pos     Span
}

// Transaction is `transaction [<field>...] [startswith=<filter>]
// [endswith=<filter>] [options]`.
type Transaction struct {
	Fields     []string
	StartsWith *TxnFilter
	EndsWith   *TxnFilter
	Options    []Option // maxspan, connected, maxpause, maxevents, ...
	Pos        Span
}

// TxnFilter is the filter of startswith= or endswith=: a search
// expression in parentheses, or eval(<expr>). Exactly one of Search and
// Eval is set.
type TxnFilter struct {
	Search SearchExpr
	Eval   Expr
	Pos    Span
}

// Appendpipe is `appendpipe [run_in_preview=<bool>] [<subpipeline>]`; the
// subpipeline runs over the command's input rows.
type Appendpipe struct {
	Options     []Option
	Subpipeline *Pipeline
	Pos         Span
}

// Map is `map search="<search>" [maxsearches=N]` or `map <saved search>`.
type Map struct {
	Options []Option
	Saved   *Value // a saved search's name, when written
	Pos     Span
}

// Xmlkv is `xmlkv [<field>] [maxinputs=N]`.
type Xmlkv struct {
	Field   string // empty means _raw
	Options []Option
	Pos     Span
}

// Spath is `spath [input=<f>] [output=<f>] [path=<p> | <p>]`.
type Spath struct {
	Options []Option
	Path    *Value // the path written without path=
	Pos     Span
}

func (c *Makeresults) Name() string { return "makeresults" }
func (c *Replace) Name() string     { return "replace" }
func (c *Addtotals) Name() string   { return "addtotals" }
func (c *Transaction) Name() string { return "transaction" }
func (c *Appendpipe) Name() string  { return "appendpipe" }
func (c *Map) Name() string         { return "map" }
func (c *Xmlkv) Name() string       { return "xmlkv" }
func (c *Spath) Name() string       { return "spath" }

func (*Makeresults) command() {}
func (*Replace) command()     {}
func (*Addtotals) command()   {}
func (*Transaction) command() {}
func (*Appendpipe) command()  {}
func (*Map) command()         {}
func (*Xmlkv) command()       {}
func (*Spath) command()       {}

func (c *Makeresults) Span() Span { return c.Pos }
func (c *Replace) Span() Span     { return c.Pos }
func (c *Addtotals) Span() Span   { return c.Pos }
func (c *Transaction) Span() Span { return c.Pos }
func (c *Appendpipe) Span() Span  { return c.Pos }
func (c *Map) Span() Span         { return c.Pos }
func (c *Xmlkv) Span() Span       { return c.Pos }
func (c *Spath) Span() Span       { return c.Pos }
