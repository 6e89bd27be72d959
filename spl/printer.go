package spl

import (
	"regexp"
	"strconv"
	"strings"
)

// This file prints AST nodes as canonical SPL: lower-case command names,
// upper-case keywords (FROM datamodel=, WHERE, BY, AS, IN, AND, OR, NOT),
// one space between tokens, explicit AND, and parentheses only where the
// search precedence (NOT > OR > AND) needs them. Parsing the printed text
// gives the same AST (ignoring spans) for every AST that Parse returns.
//
// Literals keep their quoting: a Value with Quoted set prints in double
// quotes with `\` and `"` escaped; a bare value prints bare unless it
// cannot be read back as one word (then it is quoted). Field names carry no
// quoting flag and print bare whenever they can.

// sQuoteRE matches a text that lexes as one SQuote token.
var sQuoteRE = regexp.MustCompile(`^'(?:\\[\s\S]|[^'\\])*'$`)

// Quote returns s as a double-quoted SPL string: `\` and `"` escaped with
// a backslash. It is the one SPL quoter of the module: the printer uses it,
// and so do the engine's plan texts and messages.
func Quote(s string) string { return `"` + escape(s) + `"` }

// escapeMin escapes s for use as a bare word with as few backslashes as
// possible: a pipe or a quote gets a backslash, and a backslash is doubled
// only before another backslash, a quote, a pipe, a parenthesis or at the
// end, so `\d` stays `\d` (which unescapeWord keeps as is). A backslash
// before a parenthesis is doubled because the lexer reads `\(` as part of
// a word, where the word the parser glued from `\\` and "(" had a token
// break (FuzzParse found `s\\CurVer\\(Default)` printed quoted).
func escapeMin(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) || strings.IndexByte(`\"|()`, s[i+1]) >= 0 {
				b.WriteByte('\\')
			}
		case '"', '|':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// bare returns the bare-word spelling of s and true, or "" and false when s
// cannot be written as one bare word (it holds a space, a pipe, a
// parenthesis, ..., or is a boolean operator).
func bare(s string) (string, bool) {
	if s == "" || isBoolOp(s) {
		return "", false
	}
	for _, w := range []string{escape(s), escapeMin(s)} {
		if bareWordRE.MatchString(w) || sQuoteRE.MatchString(w) {
			return w, true
		}
	}
	return "", false
}

// Word returns s spelled as one SPL word: bare when the lexer reads the
// bare spelling back as s, otherwise Quote(s). Field names print this way,
// and so do the field names and values of the engine's plan texts and
// messages.
func Word(s string) string {
	if w, ok := bare(s); ok {
		return w
	}
	return Quote(s)
}

// String returns the value as written in canonical SPL.
func (v Value) String() string {
	if v.Macro != nil {
		return v.Macro.String()
	}
	if v.Quoted {
		return Quote(v.Text)
	}
	if w, ok := bare(v.Text); ok {
		return w
	}
	if w := escapeMin(v.Text); w != "" && !isBoolOp(w) && gluedWord(w) {
		return w
	}
	return Quote(v.Text)
}

// String returns the call in canonical form, e.g. "`m(a, b)`".
func (m MacroCall) String() string {
	var b strings.Builder
	b.WriteByte('`')
	b.WriteString(m.MacroName)
	if m.HasParens {
		b.WriteByte('(')
		b.WriteString(strings.Join(m.Args, ", "))
		b.WriteByte(')')
	}
	b.WriteByte('`')
	return b.String()
}

// String returns "key=value" or the macro call.
func (o Option) String() string {
	if o.Macro != nil {
		return o.Macro.String()
	}
	return o.Key + "=" + o.Value.String()
}

// String returns "func(field) AS alias".
func (a Aggregate) String() string {
	s := a.Func
	if a.Field != "" {
		s += "(" + Word(a.Field) + ")"
	}
	if a.Alias != "" {
		s += " AS " + Word(a.Alias)
	}
	return s
}

// String returns "From AS To".
func (r RenamePair) String() string { return r.From.String() + " AS " + r.To.String() }

// String returns "func(field) AS name".
func (f ConvertFunc) String() string {
	s := f.Func + "(" + f.Field.String() + ")"
	if f.As != nil {
		s += " AS " + f.As.String()
	}
	return s
}

// String returns the whole search. A search that does not start with '|'
// prints its first stage as a bare search expression.
func (p *Pipeline) String() string {
	var b strings.Builder
	for i, c := range p.Commands {
		switch {
		case i > 0:
			b.WriteString(" | ")
		case p.LeadingPipe:
			b.WriteString("| ")
		}
		if s, ok := c.(*Search); ok && i == 0 && !p.LeadingPipe && s.Implicit {
			b.WriteString(implicitString(s.Expr))
			continue
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// implicitString prints the expression of an implicit search. A leading bare
// term "search" would be read back as the search command, so the expression
// is then put in parentheses.
func implicitString(e SearchExpr) string {
	if e == nil {
		return ""
	}
	s := exprString(e, 0)
	leaf := e
	for {
		switch x := leaf.(type) {
		case *SearchAnd:
			leaf = x.Left
			continue
		case *SearchOr:
			leaf = x.Left
			continue
		case *SearchTerm:
			if !x.Value.Quoted && strings.EqualFold(x.Value.Text, "search") {
				return "(" + s + ")"
			}
		}
		return s
	}
}

// String returns "tstats options aggregates FROM datamodel=M WHERE expr BY
// fields span=s". Every option prints before the aggregates.
func (c *Tstats) String() string {
	var b strings.Builder
	b.WriteString("tstats")
	writeOptions(&b, c.Options)
	for _, a := range c.Aggs {
		b.WriteByte(' ')
		b.WriteString(a.String())
	}
	if c.Datamodel != "" {
		b.WriteString(" FROM datamodel=")
		b.WriteString(keywordSafe(c.Datamodel))
	}
	if c.Where != nil {
		b.WriteString(" WHERE ")
		b.WriteString(exprString(c.Where, 0))
	}
	if len(c.By) > 0 || c.BySpan != "" {
		b.WriteString(" BY")
		writeWords(&b, c.By)
		if c.BySpan != "" {
			b.WriteString(" span=")
			b.WriteString(Word(c.BySpan))
		}
	}
	return b.String()
}

// keywordSafe prints a value that must not read back as a keyword.
func keywordSafe(s string) string {
	if isKeyword(s) {
		return Quote(s)
	}
	return Word(s)
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "by", "groupby", "where", "from":
		return true
	}
	return false
}

// String returns "rename A AS B, C AS D".
func (c *Rename) String() string {
	parts := make([]string, len(c.Pairs))
	for i, p := range c.Pairs {
		parts[i] = p.String()
	}
	return "rename " + strings.Join(parts, ", ")
}

// String returns `convert timeformat="..." ctime(f) AS g`.
func (c *Convert) String() string {
	var b strings.Builder
	b.WriteString("convert")
	if c.Timeformat != nil {
		b.WriteString(" timeformat=")
		b.WriteString(c.Timeformat.String())
	}
	for _, f := range c.Funcs {
		b.WriteByte(' ')
		b.WriteString(f.String())
	}
	return b.String()
}

// String returns "search expr" (also for an implicit search; Pipeline
// drops the word for its first stage).
func (c *Search) String() string {
	if c.Expr == nil {
		return "search"
	}
	return "search " + exprString(c.Expr, 0)
}

// String returns the macro call.
func (c *MacroCommand) String() string { return c.Call.String() }

// String returns the command name and its raw arguments.
func (c *Generic) String() string {
	if c.Args == "" {
		return c.CommandName
	}
	return c.CommandName + " " + c.Args
}

// Precedence levels of search expressions, loosest first.
const (
	precAnd = 1 + iota
	precOr
	precNot
	precPrimary
)

func precedence(e SearchExpr) int {
	switch e.(type) {
	case *SearchAnd:
		return precAnd
	case *SearchOr:
		return precOr
	case *SearchNot:
		return precNot
	}
	return precPrimary
}

// exprString prints e, in parentheses when its precedence is not above min.
func exprString(e SearchExpr, min int) string {
	s := e.String()
	if precedence(e) <= min {
		return "(" + s + ")"
	}
	return s
}

// String returns "L AND R".
func (e *SearchAnd) String() string {
	return exprString(e.Left, 0) + " AND " + exprString(e.Right, precAnd)
}

// String returns "L OR R".
func (e *SearchOr) String() string {
	return exprString(e.Left, precAnd) + " OR " + exprString(e.Right, precOr)
}

// String returns "NOT X".
func (e *SearchNot) String() string { return "NOT " + exprString(e.X, precOr) }

// String returns "field op value".
func (e *SearchCompare) String() string {
	if e.Directive != DirNone {
		return Word(e.Field) + string(e.Op) + directiveString(e.Directive, e.Value)
	}
	return Word(e.Field) + string(e.Op) + e.Value.String()
}

// String returns "field IN (v1, v2)".
func (e *SearchIn) String() string {
	parts := make([]string, len(e.Values))
	for i, v := range e.Values {
		parts[i] = v.String()
	}
	return Word(e.Field) + " IN (" + strings.Join(parts, ", ") + ")"
}

// String returns the term, or TERM(x) / CASE(x) for a directive; a bare
// term that would read back as a keyword (BY, GROUPBY) or an operator is
// quoted.
func (e *SearchTerm) String() string {
	v := e.Value
	if e.Directive != DirNone {
		return directiveString(e.Directive, v)
	}
	if !v.Quoted && v.Macro == nil && (strings.EqualFold(v.Text, "by") || strings.EqualFold(v.Text, "groupby")) {
		return Quote(v.Text)
	}
	return v.String()
}

// String returns the macro call.
func (e *SearchMacro) String() string { return e.Call.String() }

// String returns "[pipeline]".
func (e *SearchSubsearch) String() string { return "[" + e.Pipeline.String() + "]" }

// Eval expressions print with one space around binary operators (so that
// `a . b` stays a concatenation and not the dotted name a.b), keywords in
// upper case, and parentheses only where the precedence of ast_expr.go
// needs them.

// exprPrec returns the binding strength of e (ePrecPrimary for leaves).
func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		if p := e.Op.prec(); p != 0 {
			return p
		}
		return ePrecPrimary
	case *Unary:
		if e.Op == UnaryNot {
			return ePrecNot
		}
		return ePrecUnary
	case *InList:
		return ePrecCmp
	}
	return ePrecPrimary
}

// operand prints e, in parentheses when it binds looser than min.
func operand(e Expr, min int) string {
	if e == nil {
		return "<nil>"
	}
	s := e.String()
	if exprPrec(e) < min {
		return "(" + s + ")"
	}
	return s
}

// evalName reports whether s can be written as a bare field name in an eval
// expression.
func evalName(s string) bool {
	a, err := splitWord(s, 0)
	if err != nil || len(a) != 1 || a[0].kind != aName {
		return false
	}
	switch strings.ToUpper(s) {
	case "AND", "OR", "XOR", "NOT":
		return false
	}
	return true
}

// String returns the literal: a number as written, a string in double
// quotes with \ " and tab escaped.
func (e *Literal) String() string {
	if e.Kind == LitNumber {
		return e.Text
	}
	return `"` + escapeEval(e.Text) + `"`
}

// String returns the name, in single quotes when it was written so or
// cannot be written bare.
func (e *FieldRef) String() string {
	if !e.Quoted && evalName(e.Name) {
		return e.Name
	}
	return "'" + escapeSQuote(e.Name) + "'"
}

// String returns "func(arg, ...)".
func (e *Call) String() string {
	return e.Func + "(" + operandList(e.Args) + ")"
}

// String returns "NOT x" or "-x".
func (e *Unary) String() string {
	if e.Op == UnaryNot {
		return "NOT " + operand(e.X, ePrecNot)
	}
	if f, ok := e.X.(*FieldRef); ok && strings.HasPrefix(f.String(), "'") {
		return "- " + f.String()
	}
	return e.Op.String() + operand(e.X, ePrecUnary)
}

// String returns "L op R".
func (e *Binary) String() string {
	p := exprPrec(e)
	return operand(e.Left, p) + " " + e.Op.String() + " " + operand(e.Right, p+1)
}

// String returns "x IN (v1, v2)".
func (e *InList) String() string {
	return operand(e.X, ePrecCmp) + " IN (" + operandList(e.Values) + ")"
}

// operandList prints the arguments of a call or the values of IN: each an
// operand at the precedence of OR, separated by ", ".
func operandList(es []Expr) string {
	parts := make([]string, len(es))
	for i, x := range es {
		parts[i] = operand(x, ePrecOr)
	}
	return strings.Join(parts, ", ")
}

// String returns "where expr".
func (c *Where) String() string { return "where " + operand(c.Expr, ePrecOr) }

// evalTargetString prints the field an eval assigns to.
func evalTargetString(s string) string {
	if w, ok := bare(s); ok && !strings.HasPrefix(w, "'") {
		return w
	}
	return "'" + escapeSQuote(s) + "'"
}

// String returns "eval f1=expr1, f2=expr2".
func (c *Eval) String() string {
	parts := make([]string, len(c.Assignments))
	for i, a := range c.Assignments {
		parts[i] = evalTargetString(a.Field) + "=" + operand(a.Expr, ePrecOr)
	}
	return "eval " + strings.Join(parts, ", ")
}

// String returns "func(field) AS alias", "count(eval(expr)) AS alias".
func (a StatsAgg) String() string {
	s := a.funcText()
	if a.Alias != "" {
		s += " AS " + Word(a.Alias)
	}
	return s
}

// statsString prints stats and eventstats: options, functions, BY fields.
func statsString(name string, opts []Option, aggs []StatsAgg, by []string) string {
	var b strings.Builder
	b.WriteString(name)
	writeOptions(&b, opts)
	for _, a := range aggs {
		b.WriteByte(' ')
		b.WriteString(a.String())
	}
	if len(by) > 0 {
		b.WriteString(" BY")
		for _, f := range by {
			b.WriteByte(' ')
			b.WriteString(keywordSafe(f))
		}
	}
	return b.String()
}

// String returns "stats options aggs BY fields".
func (c *Stats) String() string { return statsString("stats", c.Options, c.Aggs, c.By) }

// String returns "eventstats options aggs BY fields".
func (c *Eventstats) String() string {
	return statsString("eventstats", c.Options, c.Aggs, c.By)
}

// writeOptions writes each option to b, a space before each.
func writeOptions(b *strings.Builder, opts []Option) {
	for _, o := range opts {
		b.WriteByte(' ')
		b.WriteString(o.String())
	}
}

// writeWords writes each name to b as a Word, a space before each.
func writeWords(b *strings.Builder, names []string) {
	for _, f := range names {
		b.WriteByte(' ')
		b.WriteString(Word(f))
	}
}

// valuesString prints values separated by one space.
func valuesString(vs []Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return strings.Join(parts, " ")
}

// String returns "table f1 f2".
func (c *Table) String() string { return "table " + valuesString(c.Fields) }

// String returns "fields f1 f2" or "fields - f1 f2".
func (c *Fields) String() string {
	sign := ""
	switch {
	case c.Remove:
		sign = "- "
	case len(c.Fields) > 0 && !c.Fields[0].Quoted && (c.Fields[0].Text == "+" || c.Fields[0].Text == "-"):
		sign = "+ "
	}
	return "fields " + sign + valuesString(c.Fields)
}

// sortFieldString prints the field of a sort key, quoted when bare text
// would read back as a sign, a count or the desc flag.
func sortFieldString(s string) string {
	l := strings.ToLower(s)
	if isUint(s) || l == "d" || l == "desc" || l == "sortby" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return Quote(s)
	}
	return keywordSafe(s)
}

// String returns "[-]field" or "[-]func(field)".
func (k SortKey) String() string {
	s := ""
	if k.Desc {
		s = "-"
	}
	if k.Func != "" {
		return s + k.Func + "(" + Word(k.Field) + ")"
	}
	return s + sortFieldString(k.Field)
}

// String returns "dedup N fields options sortby keys".
func (c *Dedup) String() string {
	var b strings.Builder
	b.WriteString("dedup")
	if c.Count != 0 {
		b.WriteString(" " + strconv.Itoa(c.Count))
	}
	for _, f := range c.Fields {
		b.WriteString(" " + sortFieldString(f))
	}
	writeOptions(&b, c.Options)
	if len(c.SortBy) > 0 {
		b.WriteString(" sortby")
		for _, k := range c.SortBy {
			b.WriteString(" " + k.String())
		}
	}
	return b.String()
}

// String returns "sort N keys desc".
func (c *Sort) String() string {
	var b strings.Builder
	b.WriteString("sort")
	if c.Limit != nil {
		b.WriteString(" " + strconv.Itoa(*c.Limit))
	}
	for _, k := range c.Keys {
		b.WriteString(" " + k.String())
	}
	if c.Reverse {
		b.WriteString(" desc")
	}
	return b.String()
}

// String returns "head N options" or "head (expr) options".
func (c *Head) String() string {
	var b strings.Builder
	b.WriteString("head")
	switch {
	case c.Expr != nil:
		b.WriteString(" (" + c.Expr.String() + ")")
	case c.Count != nil:
		b.WriteString(" " + strconv.Itoa(*c.Count))
	}
	writeOptions(&b, c.Options)
	return b.String()
}

// String returns "fillnull value=X fields".
func (c *Fillnull) String() string {
	var b strings.Builder
	b.WriteString("fillnull")
	if c.Value != nil {
		b.WriteString(" value=" + c.Value.String())
	}
	writeWords(&b, c.Fields)
	return b.String()
}

// String returns `rex options "regex"`.
func (c *Rex) String() string { return optionsString("rex", c.Options, c.Regex.String()) }

// String returns `regex field="regex"` or `regex field!="regex"`.
func (c *Regex) String() string {
	if c.Field == "" {
		return "regex " + c.Regex.String()
	}
	op := "="
	if c.Negate {
		op = "!="
	}
	return "regex " + Word(c.Field) + op + c.Regex.String()
}

// String returns "bin options field AS name".
func (c *Bin) String() string {
	s := optionsString(c.CommandName, c.Options, Word(c.Field))
	if c.As != "" {
		s += " AS " + Word(c.As)
	}
	return s
}

// String returns "makemv options field".
func (c *Makemv) String() string { return optionsString("makemv", c.Options, Word(c.Field)) }

// String returns "mvexpand options field".
func (c *Mvexpand) String() string { return optionsString("mvexpand", c.Options, Word(c.Field)) }

// optionsString prints a command whose options come first: "name options
// rest...", a space before each option and each printed part of rest.
func optionsString(name string, opts []Option, rest ...string) string {
	var b strings.Builder
	b.WriteString(name)
	writeOptions(&b, opts)
	for _, r := range rest {
		b.WriteString(" " + r)
	}
	return b.String()
}

// String returns "field AS local".
func (f LookupField) String() string {
	s := lookupFieldString(f.Field)
	if f.As != "" {
		s += " AS " + Word(f.As)
	}
	return s
}

func lookupFieldString(s string) string {
	switch strings.ToLower(s) {
	case "output", "outputnew":
		return Quote(s)
	}
	return Word(s)
}

// String returns "lookup options table inputs OUTPUT outputs".
func (c *Lookup) String() string {
	var b strings.Builder
	b.WriteString("lookup")
	writeOptions(&b, c.Options)
	b.WriteString(" " + Word(c.Table))
	for _, f := range c.Inputs {
		b.WriteString(" " + f.String())
	}
	if c.Mode != "" {
		b.WriteString(" " + c.Mode)
		for i, f := range c.Outputs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(" " + f.String())
		}
	}
	return b.String()
}

// String returns "inputlookup options table WHERE expr".
func (c *Inputlookup) String() string {
	s := optionsString("inputlookup", c.Options, Word(c.Table))
	if c.Where != nil {
		s += " WHERE " + exprString(c.Where, 0)
	}
	return s
}

// subsearchString prints "[pipeline]".
func subsearchString(p *Pipeline) string {
	if p == nil {
		return "[]"
	}
	return "[" + p.String() + "]"
}

// String returns "join options fields [subsearch]".
func (c *Join) String() string {
	var b strings.Builder
	b.WriteString("join")
	writeOptions(&b, c.Options)
	writeWords(&b, c.Fields)
	b.WriteString(" " + subsearchString(c.Subsearch))
	return b.String()
}

// String returns "append options [subsearch]".
func (c *Append) String() string {
	return optionsString("append", c.Options, subsearchString(c.Subsearch))
}

// String returns "makeresults options".
func (c *Makeresults) String() string { return optionsString("makeresults", c.Options) }

// String returns "replace a WITH b, c WITH d IN f1, f2".
func (c *Replace) String() string {
	var b strings.Builder
	b.WriteString("replace")
	for i, p := range c.Pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(" " + p.From.String() + " WITH " + p.To.String())
	}
	for i, f := range c.Fields {
		if i == 0 {
			b.WriteString(" IN ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(Word(f))
	}
	return b.String()
}

// String returns "addtotals options fields".
func (c *Addtotals) String() string {
	var b strings.Builder
	b.WriteString("addtotals")
	writeOptions(&b, c.Options)
	writeWords(&b, c.Fields)
	return b.String()
}

// String returns "transaction fields startswith=(...) endswith=(...)
// options".
func (c *Transaction) String() string {
	var b strings.Builder
	b.WriteString("transaction")
	writeWords(&b, c.Fields)
	if c.StartsWith != nil {
		b.WriteString(" startswith=" + c.StartsWith.String())
	}
	if c.EndsWith != nil {
		b.WriteString(" endswith=" + c.EndsWith.String())
	}
	writeOptions(&b, c.Options)
	return b.String()
}

// String returns "(search)" or "eval(expr)".
func (f *TxnFilter) String() string {
	if f.Eval != nil {
		return "eval(" + f.Eval.String() + ")"
	}
	if f.Search == nil {
		return "()"
	}
	return "(" + f.Search.String() + ")"
}

// String returns "appendpipe options [subpipeline]".
func (c *Appendpipe) String() string {
	return optionsString("appendpipe", c.Options, subsearchString(c.Subpipeline))
}

// String returns "map [saved] options".
func (c *Map) String() string {
	var b strings.Builder
	b.WriteString("map")
	if c.Saved != nil {
		b.WriteString(" " + c.Saved.String())
	}
	writeOptions(&b, c.Options)
	return b.String()
}

// String returns "xmlkv [field] options".
func (c *Xmlkv) String() string {
	var b strings.Builder
	b.WriteString("xmlkv")
	if c.Field != "" {
		b.WriteString(" " + Word(c.Field))
	}
	writeOptions(&b, c.Options)
	return b.String()
}

// String returns "spath options [path]".
func (c *Spath) String() string {
	var b strings.Builder
	b.WriteString("spath")
	writeOptions(&b, c.Options)
	if c.Path != nil {
		b.WriteString(" " + c.Path.String())
	}
	return b.String()
}
