package spl

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds one section per command of the registry (commands.go):
// its participle parse-tree struct, whose tags are its grammar, and its
// convert method, which builds the AST node (ast.go) and checks what the
// grammar cannot (numbers, operators, sort functions). Each grammar starts
// with the command's keyword, so that the Union of grammar.go tries it
// before genericCmd, which leaves the registered names alone.

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
	Field *fieldNode `parser:"  (?! Word '=':Op) @@"`
	Span  *valueNode `parser:"| (?= 'span' '=':Op) 'span' '=':Op @@"`
}

// aggNode is `count`, `count(f)` or `func(f)`, each with an optional alias.
type aggNode struct {
	Pos    lexer.Position
	Func   string     `parser:"(?! 'from' | 'where' | 'by' | 'groupby') ( (?= Word LParen) @Word | @'count' )"`
	Field  *fieldNode `parser:"( LParen @@ RParen )?"`
	Alias  *fieldNode `parser:"( 'as' @@ )?"`
	EndPos lexer.Position
}

func (n *tstatsCmd) convert(c *converter) Command {
	t := &Tstats{Pos: c.span(n.Pos, n.EndPos)}
	for _, o := range n.Pre {
		t.Options = append(t.Options, c.option(o))
	}
	for _, a := range n.Aggs {
		t.Aggs = append(t.Aggs, c.aggregate(a.Func, a.Field, a.Alias, a.Pos, a.EndPos))
	}
	if n.Datamodel != nil {
		v := c.value(n.Datamodel)
		t.Datamodel, t.DatamodelPos = v.Text, v.Pos
	}
	if n.Where != nil {
		t.Where = c.and(n.Where)
	}
	for _, b := range n.By {
		switch {
		case b.Field != nil:
			t.By = append(t.By, c.field(b.Field))
			t.ByPos = append(t.ByPos, c.fieldSpan(b.Field))
		case t.BySpan == "" && c.value(b.Span).Text != "":
			t.BySpan = c.value(b.Span).Text
		default:
			v := c.value(b.Span)
			t.Options = append(t.Options, Option{Key: "span", Value: v, Pos: v.Pos})
		}
	}
	for _, o := range n.Post {
		opt := c.option(o)
		if opt.Key == "span" && n.HasBy && t.BySpan == "" && opt.Value.Text != "" {
			t.BySpan = opt.Value.Text
			continue
		}
		t.Options = append(t.Options, opt)
	}
	return t
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

func (n *renameCmd) convert(c *converter) Command {
	r := &Rename{Pos: c.span(n.Pos, n.EndPos)}
	for _, pr := range n.Pairs {
		r.Pairs = append(r.Pairs, RenamePair{From: c.value(pr.From), To: c.value(pr.To)})
	}
	return r
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

func (n *convertCmd) convert(c *converter) Command {
	cv := &Convert{Timeformat: c.optValue(n.Timeformat), Pos: c.span(n.Pos, n.EndPos)}
	for _, f := range n.Funcs {
		cv.Funcs = append(cv.Funcs, ConvertFunc{Func: strings.ToLower(f.Func), Field: c.value(f.Field), As: c.optValue(f.As)})
	}
	return cv
}

// searchCmd is the explicit search command.
type searchCmd struct {
	Pos    lexer.Position
	Expr   *sAnd `parser:"'search' @@?"`
	EndPos lexer.Position
}

func (n *searchCmd) convert(c *converter) Command {
	s := &Search{Pos: c.span(n.Pos, n.EndPos)}
	if n.Expr != nil {
		s.Expr = c.and(n.Expr)
	}
	return s
}

// whereCmd is `where <eval expression>`.
type whereCmd struct {
	Pos    lexer.Position
	Expr   *exprNode `parser:"'where' @@"`
	EndPos lexer.Position
}

func (n *whereCmd) convert(c *converter) Command {
	return &Where{Expr: n.Expr.X, Pos: c.span(n.Pos, n.EndPos)}
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

func (n *evalCmd) convert(c *converter) Command {
	e := &Eval{Pos: c.span(n.Pos, n.EndPos)}
	for _, a := range n.Assign {
		e.Assignments = append(e.Assignments, EvalAssign{Field: c.evalTarget(a.Field), Expr: a.Expr.X})
	}
	return e
}

// evalTarget converts the field name on the left of an eval assignment;
// a single-quoted name loses its quotes.
func (c *converter) evalTarget(n *fieldNode) string {
	if n.SQuote != nil {
		s := *n.SQuote
		return unescapeSQuote(s[1 : len(s)-1])
	}
	return c.field(n)
}

// statsCmd is `stats|eventstats [options] aggs [BY fields] [options]`.
type statsCmd struct {
	Pos    lexer.Position
	Name   string        `parser:"@( 'stats' | 'eventstats' )"`
	Pre    []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	Aggs   []*statsAgg   `parser:"( @@ Comma? )+"`
	HasBy  bool          `parser:"( @( 'by' | 'groupby' )"`
	By     []*fieldNode  `parser:"  ( (?! Word '=':Op) @@ Comma* )+ )?"`
	Post   []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos lexer.Position
}

// statsAgg is `count`, `func(field)` or `func(eval(expr))`, with an
// optional alias.
type statsAgg struct {
	Pos   lexer.Position
	Func  string     `parser:"(?! 'by' | 'groupby' | Word '=':Op) ( (?= Word LParen) @Word | @'count' | @'c' )"`
	Eval  *exprNode  `parser:"( LParen ( (?= 'eval' LParen) 'eval' LParen @@ RParen"`
	Field *fieldNode `parser:"  | @@ ) RParen )?"`
	Alias *fieldNode `parser:"( 'as' @@"`
	// AliasArg is the parenthesized tail of an alias written as
	// name(word), as ESCU's AD ACL detections write `values(aceFlags) as
	// aceFlags(inheritance)`: the field is named "aceFlags(inheritance)".
	AliasArg *string `parser:"  ( LParen @Word RParen )? )?"`
	EndPos   lexer.Position
}

func (n *statsCmd) convert(c *converter) Command {
	opts := c.options(n.Pre, n.Post)
	var aggs []StatsAgg
	for _, a := range n.Aggs {
		agg := StatsAgg{Aggregate: c.aggregate(a.Func, a.Field, a.Alias, a.Pos, a.EndPos)}
		if a.Eval != nil {
			agg.Eval = a.Eval.X
		}
		if a.AliasArg != nil {
			agg.Alias += "(" + *a.AliasArg + ")"
		}
		agg.Text = agg.funcText()
		aggs = append(aggs, agg)
	}
	by := c.fields(n.By)
	sp := c.span(n.Pos, n.EndPos)
	if strings.EqualFold(n.Name, "eventstats") {
		return &Eventstats{Options: opts, Aggs: aggs, By: by, Pos: sp}
	}
	return &Stats{Options: opts, Aggs: aggs, By: by, Pos: sp}
}

// aggregate converts what tstats and stats aggregates share: the function
// name (in lower case), the optional field and alias, and the span.
// An empty quoted field or alias ("") is an error: the AST could not
// tell count("") from count, nor print it back.
func (c *converter) aggregate(fn string, field, alias *fieldNode, pos, end lexer.Position) Aggregate {
	a := Aggregate{Func: strings.ToLower(fn), Field: c.optField(field), Alias: c.optField(alias), Pos: c.span(pos, end)}
	if field != nil && a.Field == "" {
		c.fail(c.fieldSpan(field), "%s(): the field name is empty", a.Func)
	}
	if alias != nil && a.Alias == "" {
		c.fail(c.fieldSpan(alias), "AS: the name is empty")
	}
	return a
}

// funcText is the canonical text of the function without its alias, which
// names the output column: count, dc(x), count(eval(x = 1)).
func (a StatsAgg) funcText() string {
	switch {
	case a.Eval != nil:
		return a.Func + "(eval(" + a.Eval.String() + "))"
	case a.Field != "":
		return a.Func + "(" + Word(a.Field) + ")"
	}
	return a.Func
}

// tableCmd is `table f1 [,] f2 ...`.
type tableCmd struct {
	Pos    lexer.Position
	Fields []*valueNode `parser:"'table' ( @@ Comma? )+"`
	EndPos lexer.Position
}

func (n *tableCmd) convert(c *converter) Command {
	return &Table{Fields: c.values(n.Fields), Pos: c.span(n.Pos, n.EndPos)}
}

// fieldsCmd is `fields [+|-] f1 [,] f2 ...`.
type fieldsCmd struct {
	Pos    lexer.Position
	Sign   string       `parser:"'fields' @( '+' | '-' )?"`
	Fields []*valueNode `parser:"( @@ Comma? )+"`
	EndPos lexer.Position
}

func (n *fieldsCmd) convert(c *converter) Command {
	return &Fields{Remove: n.Sign == "-", Fields: c.values(n.Fields), Pos: c.span(n.Pos, n.EndPos)}
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

func (n *dedupCmd) convert(c *converter) Command {
	d := &Dedup{Pos: c.span(n.Pos, n.EndPos)}
	for i, it := range n.Items {
		switch {
		case it.Option != nil:
			d.Options = append(d.Options, c.option(it.Option))
		case i == 0 && it.Field.Word != nil && isUint(*it.Field.Word):
			d.Count = c.count(*it.Field.Word, c.fieldSpan(it.Field), 1)
		default:
			d.Fields = append(d.Fields, c.field(it.Field))
		}
	}
	if len(d.Fields) == 0 {
		c.fail(d.Pos, "dedup needs at least one field")
	}
	for _, k := range n.SortBy {
		d.SortBy = append(d.SortBy, c.sortKey(k))
	}
	return d
}

// sortCmd is `sort [N] keys [d|desc]`.
type sortCmd struct {
	Pos    lexer.Position
	Keys   []*sortKey `parser:"'sort' ( @@ Comma? )+"`
	EndPos lexer.Position
}

// sortKey is `[+|-]field` or `[+|-]func(field)`; a sign glued to the word
// (-count) is split off by the converter.
type sortKey struct {
	Sign  string     `parser:"@( '+' | '-' )?"`
	Func  string     `parser:"( (?= Word LParen) @Word LParen"`
	Arg   *fieldNode `parser:"  @@ RParen"`
	Field *fieldNode `parser:"| @@ )"`
}

func (n *sortCmd) convert(c *converter) Command {
	s := &Sort{Pos: c.span(n.Pos, n.EndPos)}
	keys := n.Keys
	if k := keys[0]; len(keys) > 1 && k.Sign == "" && k.Field != nil && k.Field.Word != nil && isUint(*k.Field.Word) {
		limit := c.count(*k.Field.Word, c.fieldSpan(k.Field), 0)
		s.Limit = &limit
		keys = keys[1:]
	}
	if k := keys[len(keys)-1]; len(keys) > 1 && k.Sign == "" && k.Field != nil && k.Field.Word != nil {
		if w := strings.ToLower(*k.Field.Word); w == "d" || w == "desc" {
			s.Reverse = true
			keys = keys[:len(keys)-1]
		}
	}
	for _, k := range keys {
		s.Keys = append(s.Keys, c.sortKey(k))
	}
	return s
}

// sortKey converts one key; a sign glued to a bare word (-count) counts
// as written apart.
func (c *converter) sortKey(k *sortKey) SortKey {
	sign := k.Sign
	var key SortKey
	if k.Func != "" {
		f := k.Func
		if sign == "" && (f[0] == '-' || f[0] == '+') {
			sign, f = f[:1], f[1:]
		}
		key = SortKey{Field: c.field(k.Arg), Func: strings.ToLower(f)}
		switch key.Func {
		case "num", "str", "ip", "auto":
		default:
			c.fail(c.fieldSpan(k.Arg), "unknown sort function %q: expected num, str, ip or auto", f)
		}
	} else {
		key.Field = c.field(k.Field)
		if sign == "" && k.Field.Word != nil && len(key.Field) > 1 && (key.Field[0] == '-' || key.Field[0] == '+') {
			sign, key.Field = key.Field[:1], key.Field[1:]
		}
	}
	key.Desc = sign == "-"
	return key
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

func (n *headCmd) convert(c *converter) Command {
	h := &Head{Options: c.options(n.Pre, n.Options), Pos: c.span(n.Pos, n.EndPos)}
	switch {
	case n.Expr != nil:
		h.Expr = n.Expr.X
	case n.Count != nil:
		sp := Span{n.Count.Pos.Offset, n.Count.Pos.Offset + len(n.Count.Raw)}
		if !isUint(n.Count.Raw) {
			c.fail(sp, "head takes a number of results or (expression), not %q", n.Count.Raw)
			break
		}
		v := c.count(n.Count.Raw, sp, 0)
		h.Count = &v
	}
	return h
}

// count parses a non-negative count of at least min.
func (c *converter) count(s string, sp Span, min int) int {
	v, err := strconv.Atoi(s)
	if err != nil || v < min {
		c.fail(sp, "invalid count %q: expected a whole number of at least %d", s, min)
	}
	return v
}

func isUint(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// fillnullCmd is `fillnull [value=X] [fields]`.
type fillnullCmd struct {
	Pos    lexer.Position
	Value  *valueNode   `parser:"'fillnull' ( (?= 'value' '=':Op) 'value' '=':Op @@ )?"`
	Fields []*fieldNode `parser:"( @@ Comma? )*"`
	EndPos lexer.Position
}

func (n *fillnullCmd) convert(c *converter) Command {
	return &Fillnull{Value: c.optValue(n.Value), Fields: c.fields(n.Fields), Pos: c.span(n.Pos, n.EndPos)}
}

// rexCmd is `rex [options] "regex" [options]`.
type rexCmd struct {
	Pos    lexer.Position
	Pre    []*optionNode `parser:"'rex' @@*"`
	Regex  *valueNode    `parser:"@@"`
	Post   []*optionNode `parser:"@@*"`
	EndPos lexer.Position
}

func (n *rexCmd) convert(c *converter) Command {
	r := &Rex{Regex: c.value(n.Regex), Pos: c.span(n.Pos, n.EndPos)}
	r.Options = c.options(n.Pre, n.Post)
	return r
}

// regexCmd is `regex [field=|field!=] "regex"`.
type regexCmd struct {
	Pos    lexer.Position
	Field  *fieldNode `parser:"'regex' ( (?= ( Word | String | SQuote ) Op ) @@"`
	Op     string     `parser:"  @Op )?"`
	Regex  *valueNode `parser:"@@"`
	EndPos lexer.Position
}

func (n *regexCmd) convert(c *converter) Command {
	r := &Regex{Regex: c.value(n.Regex), Pos: c.span(n.Pos, n.EndPos)}
	if n.Field != nil {
		r.Field = c.field(n.Field)
		switch n.Op {
		case "=":
		case "!=":
			r.Negate = true
		default:
			sp := c.fieldSpan(n.Field)
			c.fail(Span{sp.End, r.Regex.Pos.Start}, "regex takes field=\"regex\" or field!=\"regex\", not %q", n.Op)
		}
	}
	return r
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

func (n *binCmd) convert(c *converter) Command {
	b := &Bin{CommandName: strings.ToLower(n.Name), Field: c.field(n.Field), Pos: c.span(n.Pos, n.EndPos)}
	b.Options = c.options(n.Pre)
	for _, t := range n.Tail {
		switch {
		case t.Option != nil:
			b.Options = append(b.Options, c.option(t.Option))
		case b.As != "":
			c.fail(c.fieldSpan(t.As), "%s takes one AS name; %q is the second", b.CommandName, c.field(t.As))
		default:
			b.As = c.field(t.As)
		}
	}
	return b
}

// mvexpandCmd is `mvexpand|makemv [options] field [options]`.
type mvexpandCmd struct {
	Pos    lexer.Position
	Name   string        `parser:"@( 'mvexpand' | 'makemv' )"`
	Pre    []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	Field  *fieldNode    `parser:"@@"`
	Post   []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos lexer.Position
}

func (n *mvexpandCmd) convert(c *converter) Command {
	field, opts, sp := c.field(n.Field), c.options(n.Pre, n.Post), c.span(n.Pos, n.EndPos)
	if strings.EqualFold(n.Name, "makemv") {
		return &Makemv{Field: field, Options: opts, Pos: sp}
	}
	return &Mvexpand{Field: field, Options: opts, Pos: sp}
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

func (n *lookupCmd) convert(c *converter) Command {
	l := &Lookup{Options: c.options(n.Options), Table: c.field(n.Table), Mode: strings.ToUpper(n.Mode), Pos: c.span(n.Pos, n.EndPos)}
	l.Inputs = c.lookupFields(n.Inputs)
	l.Outputs = c.lookupFields(n.Outputs)
	return l
}

func (c *converter) lookupFields(fs []*lookupField) []LookupField {
	var out []LookupField
	for _, f := range fs {
		out = append(out, LookupField{Field: c.field(f.Field), As: c.optField(f.As)})
	}
	return out
}

// inputlookupCmd is `inputlookup [options] table [where <search expr>]`.
type inputlookupCmd struct {
	Pos     lexer.Position
	Options []*optionNode `parser:"'inputlookup' ( (?= Word '=':Op) @@ )*"`
	Table   *fieldNode    `parser:"@@"`
	Where   *sAnd         `parser:"( 'where' @@ )?"`
	EndPos  lexer.Position
}

func (n *inputlookupCmd) convert(c *converter) Command {
	l := &Inputlookup{Options: c.options(n.Options), Table: c.field(n.Table), Pos: c.span(n.Pos, n.EndPos)}
	if n.Where != nil {
		l.Where = c.and(n.Where)
	}
	return l
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

func (n *joinCmd) convert(c *converter) Command {
	j := &Join{Subsearch: c.pipeline(n.Sub), Pos: c.span(n.Pos, n.EndPos)}
	for _, it := range n.Items {
		j.Options, j.Fields = c.optionOrField(j.Options, j.Fields, it.Option, it.Field)
	}
	return j
}

// appendCmd is `append [options] [subsearch]`.
type appendCmd struct {
	Pos     lexer.Position
	Options []*optionNode `parser:"'append' @@*"`
	Sub     *pipelineNode `parser:"LBrack @@ RBrack"`
	EndPos  lexer.Position
}

func (n *appendCmd) convert(c *converter) Command {
	return &Append{Options: c.options(n.Options), Subsearch: c.pipeline(n.Sub), Pos: c.span(n.Pos, n.EndPos)}
}

// options converts option lists in order.
func (c *converter) options(lists ...[]*optionNode) []Option {
	var out []Option
	for _, l := range lists {
		for _, o := range l {
			out = append(out, c.option(o))
		}
	}
	return out
}

// fields converts field names in order.
func (c *converter) fields(ns []*fieldNode) []string {
	var out []string
	for _, n := range ns {
		out = append(out, c.field(n))
	}
	return out
}

// values converts literals in order.
func (c *converter) values(ns []*valueNode) []Value {
	var out []Value
	for _, n := range ns {
		out = append(out, c.value(n))
	}
	return out
}

// optField converts an optional field name: "" when it is absent.
func (c *converter) optField(n *fieldNode) string {
	if n == nil {
		return ""
	}
	return c.field(n)
}

// optValue converts an optional literal: nil when it is absent.
func (c *converter) optValue(n *valueNode) *Value {
	if n == nil {
		return nil
	}
	v := c.value(n)
	return &v
}

// optionOrField converts one item of a command that mixes options and
// field names, appending the option when there is one and the field
// otherwise.
func (c *converter) optionOrField(opts []Option, fields []string, o *optionNode, f *fieldNode) ([]Option, []string) {
	if o != nil {
		return append(opts, c.option(o)), fields
	}
	return opts, append(fields, c.field(f))
}

// makeresultsCmd is `makeresults [options]`.
type makeresultsCmd struct {
	Pos     lexer.Position
	Options []*optionNode `parser:"'makeresults' @@*"`
	EndPos  lexer.Position
}

func (n *makeresultsCmd) convert(c *converter) Command {
	return &Makeresults{Options: c.options(n.Options), Pos: c.span(n.Pos, n.EndPos)}
}

// replaceCmd is `replace <v> WITH <v> [,] ... [IN <field> [,] ...]`.
type replaceCmd struct {
	Pos    lexer.Position
	Pairs  []*replacePair `parser:"'replace' @@ ( Comma? @@ )*"`
	Fields []*fieldNode   `parser:"( 'in' ( @@ Comma? )+ )?"`
	EndPos lexer.Position
}

// replacePair is one `<v> WITH <v>`; a bare IN is the field list's keyword,
// never a value.
type replacePair struct {
	From *valueNode `parser:"(?! 'in' ) @@ 'with'"`
	To   *valueNode `parser:"@@"`
}

func (n *replaceCmd) convert(c *converter) Command {
	r := &Replace{Pos: c.span(n.Pos, n.EndPos)}
	for _, p := range n.Pairs {
		r.Pairs = append(r.Pairs, ReplacePair{From: c.value(p.From), To: c.value(p.To)})
	}
	r.Fields = c.fields(n.Fields)
	return r
}

// addtotalsCmd is `addtotals [options] [<field> [,] ...]`; ESCU separates
// the fields with commas, the Search Reference with spaces.
type addtotalsCmd struct {
	Pos    lexer.Position
	Items  []*optOrField `parser:"'addtotals' ( @@ Comma? )*"`
	EndPos lexer.Position
}

// optOrField is an option or a field name, in a command that mixes them.
type optOrField struct {
	Option *optionNode `parser:"  (?= Word '=':Op) @@"`
	Field  *fieldNode  `parser:"| @@"`
}

func (n *addtotalsCmd) convert(c *converter) Command {
	a := &Addtotals{Pos: c.span(n.Pos, n.EndPos)}
	for _, it := range n.Items {
		a.Options, a.Fields = c.optionOrField(a.Options, a.Fields, it.Option, it.Field)
	}
	return a
}

// transactionCmd is `transaction [fields] [startswith=...] [endswith=...]
// [options]` in any order.
type transactionCmd struct {
	Pos    lexer.Position
	Items  []*txnItem `parser:"'transaction' ( @@ Comma? )*"`
	EndPos lexer.Position
}

type txnItem struct {
	Filter *txnFilterNode `parser:"  (?= ( 'startswith' | 'endswith' ) '=':Op ) @@"`
	Option *optionNode    `parser:"| (?= Word '=':Op) @@"`
	Field  *fieldNode     `parser:"| @@"`
}

// txnFilterNode is `startswith=(<search>)`, `startswith=eval(<expr>)` or
// `startswith="<search>"` (reported by the converter).
type txnFilterNode struct {
	Pos    lexer.Position
	Key    string    `parser:"@( 'startswith' | 'endswith' ) '=':Op"`
	Eval   *exprNode `parser:"(  'eval' LParen @@ RParen"`
	Search *sAnd     `parser:" | LParen @@ RParen"`
	Str    *string   `parser:" | @String )"`
	EndPos lexer.Position
}

func (n *transactionCmd) convert(c *converter) Command {
	t := &Transaction{Pos: c.span(n.Pos, n.EndPos)}
	for _, it := range n.Items {
		switch {
		case it.Filter != nil:
			f := it.Filter
			sp := c.span(f.Pos, f.EndPos)
			key := strings.ToLower(f.Key)
			tf := &TxnFilter{Pos: sp}
			switch {
			case f.Eval != nil:
				tf.Eval = f.Eval.X
			case f.Search != nil:
				tf.Search = c.and(f.Search)
			default:
				c.fail(sp, "transaction %s= takes a search in parentheses, %s=(field=value ...), or eval(expression); a quoted string is not supported", key, key)
			}
			if key == "startswith" {
				if t.StartsWith != nil {
					c.fail(sp, "transaction takes one startswith=")
				}
				t.StartsWith = tf
			} else {
				if t.EndsWith != nil {
					c.fail(sp, "transaction takes one endswith=")
				}
				t.EndsWith = tf
			}
		default:
			t.Options, t.Fields = c.optionOrField(t.Options, t.Fields, it.Option, it.Field)
		}
	}
	return t
}

// appendpipeCmd is `appendpipe [options] [<subpipeline>]`; the subpipeline
// may start with '|'.
type appendpipeCmd struct {
	Pos     lexer.Position
	Options []*optionNode `parser:"'appendpipe' @@*"`
	Sub     *subpipeNode  `parser:"LBrack @@ RBrack"`
	EndPos  lexer.Position
}

// subpipeNode is a pipeline of commands applied to rows: an optional
// leading '|', then commands separated by '|'.
type subpipeNode struct {
	Pos     lexer.Position
	Leading bool      `parser:"@Pipe?"`
	First   cmdNode   `parser:"@@"`
	Rest    []cmdNode `parser:"( Pipe @@ )*"`
	EndPos  lexer.Position
}

func (n *appendpipeCmd) convert(c *converter) Command {
	s := n.Sub
	p := &Pipeline{LeadingPipe: s.Leading, Pos: c.span(s.Pos, s.EndPos)}
	p.Commands = append(p.Commands, c.command(s.First))
	for _, x := range s.Rest {
		p.Commands = append(p.Commands, c.command(x))
	}
	return &Appendpipe{Options: c.options(n.Options), Subpipeline: p, Pos: c.span(n.Pos, n.EndPos)}
}

// mapCmd is `map search="..." [maxsearches=N]` or `map <saved search>
// [maxsearches=N]`.
type mapCmd struct {
	Pos    lexer.Position
	Items  []*optOrValue `parser:"'map' @@+"`
	EndPos lexer.Position
}

// optOrValue is an option or a bare value.
type optOrValue struct {
	Option *optionNode `parser:"  (?= Word '=':Op) @@"`
	Value  *valueNode  `parser:"| @@"`
}

// optionsAndValue converts the items of a command that takes options and
// at most one bare value, what (named in the error for a second one).
func (c *converter) optionsAndValue(items []*optOrValue, cmd, what string) ([]Option, *Value) {
	var opts []Option
	var val *Value
	for _, it := range items {
		if it.Option != nil {
			opts = append(opts, c.option(it.Option))
			continue
		}
		v := c.value(it.Value)
		if val != nil {
			c.fail(v.Pos, "%s takes one %s; %q is the second", cmd, what, v.Text)
		}
		val = &v
	}
	return opts, val
}

func (n *mapCmd) convert(c *converter) Command {
	m := &Map{Pos: c.span(n.Pos, n.EndPos)}
	m.Options, m.Saved = c.optionsAndValue(n.Items, "map", "saved search name")
	return m
}

// xmlkvCmd is `xmlkv [options] [field] [options]`.
type xmlkvCmd struct {
	Pos    lexer.Position
	Pre    []*optionNode `parser:"'xmlkv' ( (?= Word '=':Op) @@ )*"`
	Field  *fieldNode    `parser:"@@?"`
	Post   []*optionNode `parser:"( (?= Word '=':Op) @@ )*"`
	EndPos lexer.Position
}

func (n *xmlkvCmd) convert(c *converter) Command {
	return &Xmlkv{Field: c.optField(n.Field), Options: c.options(n.Pre, n.Post), Pos: c.span(n.Pos, n.EndPos)}
}

// spathCmd is `spath [input=f] [output=f] [path=p | p]` in any order.
type spathCmd struct {
	Pos    lexer.Position
	Items  []*optOrValue `parser:"'spath' @@*"`
	EndPos lexer.Position
}

func (n *spathCmd) convert(c *converter) Command {
	s := &Spath{Pos: c.span(n.Pos, n.EndPos)}
	s.Options, s.Path = c.optionsAndValue(n.Items, "spath", "path")
	return s
}
