package engine

import (
	"slices"
	"strings"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/internal/agg"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// This file is the engine's one exported view of a plan: Plan.Steps
// describes each node with a plain, read-only struct, for compilers that
// translate a planned search into another language (package sqlgen). The
// node types stay unexported: the view exposes what a node means (dataset,
// resolved columns, predicate tree, checked expressions), never how it
// executes, so the executor can change without breaking a translator. A
// node the view does not describe is an OtherStep naming its command, so
// a translator can refuse it by name.

// Step is the description of one plan node. The concrete types are
// *TstatsStep, *RenameStep, *ConvertStep, *SearchStep, *WhereStep,
// *EvalStep, *TableStep, *FieldsStep, *HeadStep, *DedupStep, *JoinStep,
// *RegexStep, *StatsStep, *RexStep and *OtherStep.
type Step interface {
	// Fields returns the node's output column names in order.
	Fields() []string
	isStep()
}

// Steps describes the plan's nodes in execution order: the generating
// command first, the last command last. A column index in a step refers
// to the Fields of the step before it (-1: the field is absent, so null).
func (p *Plan) Steps() []Step { return stepsOf(p.root) }

// stepsOf describes the chain of nodes ending at root, first node first.
func stepsOf(root node) []Step {
	var chain []node
	for n := root; n != nil; n = n.input() {
		chain = append(chain, n)
	}
	slices.Reverse(chain)
	steps := make([]Step, len(chain))
	for i, n := range chain {
		steps[i] = describeStep(n)
	}
	return steps
}

// TstatsStep is `| tstats`: a scan of Dataset's rows with _time in
// [Earliest, Latest) (a zero bound is open), filtered by Where (nil: every
// row), grouped by By and aggregated. A row whose BY field is null is
// dropped unless Fill is set, which replaces a null BY value (after the
// WHERE) by *Fill. Groups come out sorted byte-wise by their BY values.
type TstatsStep struct {
	Dataset *datamodel.Dataset
	// Where is over the dataset's columns (Dataset.Schema indexes).
	Where Pred
	By    []TstatsField
	// Span is the BY _time span= as written, "" without one.
	Span string
	Aggs []TstatsAgg
	Fill *string
	// Earliest and Latest bound _time; Earliest is inclusive, Latest
	// exclusive. The zero time is no bound.
	Earliest, Latest time.Time
	Out              []string
}

// TstatsField is a field as written in tstats, resolved to a dataset
// column.
type TstatsField struct {
	Name string // as written
	// Column is the dataset column name; "" when the name is not a field
	// of the dataset (null on every row).
	Column string
	IsTime bool
}

// TstatsAgg is one aggregate of tstats.
type TstatsAgg struct {
	// Func is the canonical function name: count, dc, values, min, max,
	// sum, avg, median, perc, ... (agg's names).
	Func string
	Pct  float64 // the rank of perc
	Arg  TstatsField
	Bare bool   // count without a field
	Name string // output column
}

// RenameStep is rename: output column i is input column Src[i].
type RenameStep struct {
	Src []int
	Out []string
}

// ConvertStep is convert: its functions run in order over the columns.
type ConvertStep struct {
	Format   string // timeformat, strftime codes
	Location *time.Location
	Funcs    []ConvertFunc
	Out      []string
}

// ConvertFunc is one function of convert: it reads column Src and writes
// column Dst, both indexes into the columns as they are after the
// functions before it (Dst == the number of those columns appends a
// column named Name).
type ConvertFunc struct {
	Func     string // ctime, num, ...
	Src, Dst int
	Name     string
}

// SearchStep is the search command over rows. Subsearch is set when the
// expression has subsearch terms, which Where does not describe.
type SearchStep struct {
	Where     Pred
	Subsearch bool
	Out       []string
}

// WhereStep is where: Expr is the checked expression, its field names
// resolved against the input's fields (an absent one is null).
type WhereStep struct {
	Expr     spl.Expr
	Location *time.Location
	Out      []string
}

// EvalStep is eval: the assignments run in order, each seeing the fields
// the earlier ones wrote; a new field is appended.
type EvalStep struct {
	Assigns  []EvalAssign
	Location *time.Location
	Out      []string
}

// EvalAssign is one `field=expr` of eval.
type EvalAssign struct {
	Field string
	Expr  spl.Expr
}

// TableStep is table: output column i is input column Src[i] (-1: an
// absent field, a column of nulls).
type TableStep struct {
	Src []int
	Out []string
}

// FieldsStep is fields: output column i is input column Src[i].
type FieldsStep struct {
	Src []int
	Out []string
}

// HeadStep is head: the first Limit rows (-1: no limit). Cond is set
// when head has a condition, which the view does not describe.
type HeadStep struct {
	Limit int
	Cond  bool
	Out   []string
}

// DedupStep is dedup: the first N rows of each combination of the values
// of Cols (-1: absent), in input order; rows with a null field are
// dropped unless KeepEmpty.
type DedupStep struct {
	N           int
	Cols        []int
	KeepEmpty   bool
	Consecutive bool
	Out         []string
}

// JoinStep is join: each input row (the left side) joins with up to Max
// rows (0: every row) of the subsearch's first SubMax rows (the right
// side, Sub), taken in the subsearch's order, one output row per pair.
// A row joins when every field of Keys is non-null on both sides and the
// values are equal as strings, case-sensitively (a multivalue joins on its
// first value). Type is "inner" (an input row without a match is dropped)
// or "left" (it is kept once, the subsearch's fields null). Out is the
// input's fields, then the subsearch's new ones; a shared field takes the
// subsearch's value unless that is null when Overwrite, else the input's
// unless that is null. Rows keep the input's order.
type JoinStep struct {
	Type      string
	Max       int
	Overwrite bool
	Keys      []string
	Sub       []Step
	SubMax    int
	Out       []string
}

// RegexStep is regex: it keeps the rows whose field Col (-1: absent)
// matches Regex anywhere, or with Negate the rows whose field does not; a
// multivalue matches when any value does, and a null field never matches.
type RegexStep struct {
	Field  string
	Col    int
	Negate bool
	Regex  *pcre.Regexp
	Out    []string
}

// StatsStep is stats (Events false) or eventstats: rows grouped by the
// input columns By (named ByNames; a row with a null BY value is dropped,
// a multivalue one is in a group per value), one row per group ascending
// by the BY values, byte-wise except _time, which compares as a number.
type StatsStep struct {
	Events  bool
	By      []int
	ByNames []string
	Aggs    []StatsAgg
	Out     []string
}

// StatsAgg is one function of stats: Func as TstatsAgg's, over input
// column Col (-1: absent); Eval is set for an eval(...) argument, which
// the view does not describe.
type StatsAgg struct {
	Func string
	Pct  float64
	Col  int
	Bare bool
	Eval bool
	Name string
}

// RexStep is rex: with Sed unset, Regex's first match (MaxMatch 1; N
// matches, 0 all) in the input column Col (-1: absent; a multivalue
// matches on its first value) sets each group's output column: group
// Index (a submatch index) writes column Col of Out, an input column
// replaced in place or a new one appended. A row whose field does not
// match, or a group that takes no part in the match, keeps the column as
// it was (null when new). Sed is set for mode=sed, which the view does
// not describe further.
type RexStep struct {
	Field    string
	Col      int
	Regex    *pcre.Regexp
	MaxMatch int
	Groups   []RexGroup
	Sed      bool
	Out      []string
}

// RexGroup is one named group of rex.
type RexGroup struct {
	Name  string
	Index int
	Col   int
}

// OtherStep is a node the view does not describe. Command is its command
// name (join, lookup, stats, sort, ...), Text its plan text.
type OtherStep struct {
	Command string
	Text    string
	Out     []string
}

func (s *TstatsStep) Fields() []string  { return s.Out }
func (s *RenameStep) Fields() []string  { return s.Out }
func (s *ConvertStep) Fields() []string { return s.Out }
func (s *SearchStep) Fields() []string  { return s.Out }
func (s *WhereStep) Fields() []string   { return s.Out }
func (s *EvalStep) Fields() []string    { return s.Out }
func (s *TableStep) Fields() []string   { return s.Out }
func (s *FieldsStep) Fields() []string  { return s.Out }
func (s *HeadStep) Fields() []string    { return s.Out }
func (s *DedupStep) Fields() []string   { return s.Out }
func (s *JoinStep) Fields() []string    { return s.Out }
func (s *RegexStep) Fields() []string   { return s.Out }
func (s *StatsStep) Fields() []string   { return s.Out }
func (s *RexStep) Fields() []string     { return s.Out }
func (s *OtherStep) Fields() []string   { return s.Out }

func (*TstatsStep) isStep()  {}
func (*RenameStep) isStep()  {}
func (*ConvertStep) isStep() {}
func (*SearchStep) isStep()  {}
func (*WhereStep) isStep()   {}
func (*EvalStep) isStep()    {}
func (*TableStep) isStep()   {}
func (*FieldsStep) isStep()  {}
func (*HeadStep) isStep()    {}
func (*DedupStep) isStep()   {}
func (*JoinStep) isStep()    {}
func (*RegexStep) isStep()   {}
func (*StatsStep) isStep()   {}
func (*RexStep) isStep()     {}
func (*OtherStep) isStep()   {}

// Pred is a search expression as the engine compiled it (tstats WHERE and
// the search command): *PredAnd, *PredOr, *PredNot, *PredConst or
// *PredLeaf. Null handling is two-valued: a leaf on a null field is false
// for every operator, != included; NOT is the plain complement.
type Pred interface{ isPred() }

// PredAnd is L AND R.
type PredAnd struct{ L, R Pred }

// PredOr is the OR of Parts.
type PredOr struct{ Parts []Pred }

// PredNot is NOT X.
type PredNot struct{ X Pred }

// PredConst is a constant: `*` (true) or a bare term after a transforming
// command (false).
type PredConst struct{ Value bool }

// PredLeaf is one test of a field.
type PredLeaf struct {
	Field string // as written
	// Col is the column index (of the dataset for tstats, of the input
	// rows for search); -1 when the field is absent.
	Col int
	// Op is "" for = and IN: the value matches when it matches one of
	// Patterns, each a whole-value, case-insensitive glob in which only
	// * is special. Neg turns = into != (field present and no pattern
	// matches). CIDR is set when a pattern is a CIDR subnet that also
	// matches the IP addresses in it (the search command).
	Patterns []string
	Neg      bool
	CIDR     bool
	// Op is <, <=, > or >= otherwise: Value is the right side, Num its
	// number when IsNum (numeric comparison when the field's value is a
	// number too, else byte-wise).
	Op    spl.CompareOp
	Value string
	Num   float64
	IsNum bool
}

func (*PredAnd) isPred()   {}
func (*PredOr) isPred()    {}
func (*PredNot) isPred()   {}
func (*PredConst) isPred() {}
func (*PredLeaf) isPred()  {}

// describePred is the view of a compiled predicate.
func describePred(p expr.Pred) Pred {
	if p == nil {
		return nil
	}
	sh, ok := expr.ShapeOf(p)
	if !ok {
		panic("engine: describePred: unknown predicate type") // the set is sealed
	}
	parts := make([]Pred, len(sh.Parts))
	for i, x := range sh.Parts {
		parts[i] = describePred(x)
	}
	switch sh.Op {
	case "and":
		return &PredAnd{parts[0], parts[1]}
	case "or":
		return &PredOr{parts}
	case "not":
		return &PredNot{parts[0]}
	case "const":
		return &PredConst{sh.Const}
	}
	l := sh.Leaf
	return &PredLeaf{Field: l.Field, Col: l.Col, Patterns: l.Patterns, Neg: l.Neg, CIDR: l.CIDR,
		Op: l.Op, Value: l.Value, Num: l.Num, IsNum: l.IsNum}
}

// aggNames are the canonical names of agg.Func, for TstatsAgg.Func.
var aggNames = map[agg.Func]string{
	agg.Count: "count", agg.DC: "dc", agg.Values: "values", agg.List: "list",
	agg.First: "first", agg.Last: "last", agg.Min: "min", agg.Max: "max",
	agg.Sum: "sum", agg.Avg: "avg", agg.Range: "range", agg.Var: "var",
	agg.Varp: "varp", agg.Stdev: "stdev", agg.Stdevp: "stdevp", agg.Sumsq: "sumsq",
	agg.Median: "median", agg.Perc: "perc", agg.Mode: "mode",
	agg.Earliest: "earliest", agg.Latest: "latest", agg.EarliestTime: "earliest_time",
	agg.LatestTime: "latest_time", agg.Rate: "rate",
}

// srcIndexes maps each output name to its index among the input's fields
// (-1: absent).
func srcIndexes(in, out []string) []int {
	src := make([]int, len(out))
	for i, f := range out {
		src[i] = slices.Index(in, f)
	}
	return src
}

func describeStep(n node) Step {
	switch n := n.(type) {
	case *tstatsNode:
		schema := n.ds.Schema()
		field := func(r fieldRef) TstatsField {
			f := TstatsField{Name: r.name, IsTime: r.isTime}
			if r.col >= 0 {
				f.Column = schema.Field(r.col).Name
			}
			return f
		}
		s := &TstatsStep{Dataset: n.ds, Where: describePred(n.where), Fill: n.fill,
			Earliest: n.window.earliest, Latest: n.window.latest, Out: n.out}
		if n.span != nil {
			s.Span = n.span.Text
		}
		for _, k := range n.keys {
			s.By = append(s.By, field(k))
		}
		for _, a := range n.aggs {
			ta := TstatsAgg{Func: aggNames[a.kind], Pct: a.pct, Bare: a.bare, Name: a.name}
			if !a.bare {
				ta.Arg = field(a.arg)
			}
			s.Aggs = append(s.Aggs, ta)
		}
		return s
	case *renameNode:
		return &RenameStep{Src: n.src, Out: n.out}
	case *convertNode:
		s := &ConvertStep{Format: n.format, Location: n.loc, Out: n.out}
		for _, c := range n.steps {
			s.Funcs = append(s.Funcs, ConvertFunc{Func: c.fn, Src: c.src, Dst: c.dst, Name: c.name})
		}
		return s
	case *searchNode:
		return &SearchStep{Where: describePred(n.where), Subsearch: len(n.terms) > 0, Out: n.fields()}
	case *whereNode:
		return &WhereStep{Expr: n.src, Location: n.loc, Out: n.fields()}
	case *evalNode:
		s := &EvalStep{Location: n.loc, Out: n.out}
		for _, a := range n.assigns {
			s.Assigns = append(s.Assigns, EvalAssign{Field: a.field, Expr: a.src})
		}
		return s
	case *tableNode:
		return &TableStep{Src: srcIndexes(n.in.fields(), n.out), Out: n.out}
	case *fieldsNode:
		return &FieldsStep{Src: srcIndexes(n.in.fields(), n.out), Out: n.out}
	case *headNode:
		return &HeadStep{Limit: n.limit, Cond: n.cond != nil, Out: n.fields()}
	case *dedupNode:
		return &DedupStep{N: n.n, Cols: n.cols, KeepEmpty: n.keepEmpty, Consecutive: n.consecutive, Out: n.fields()}
	case *joinNode:
		return &JoinStep{Type: n.typ, Max: n.max, Overwrite: n.overwrite, Keys: n.keys, Sub: stepsOf(n.sub),
			SubMax: joinSubsearchMax, Out: n.out}
	case *statsNode:
		st := &StatsStep{Events: n.events, By: n.byCols, ByNames: n.by, Out: n.out}
		for _, a := range n.aggs {
			st.Aggs = append(st.Aggs, StatsAgg{Func: aggNames[a.kind], Pct: a.pct, Col: a.col, Bare: a.bare,
				Eval: a.eval != nil || a.cond, Name: a.name})
		}
		return st
	case *rexNode:
		st := &RexStep{Field: n.field, Col: n.src, Regex: n.re, MaxMatch: n.maxMatch, Sed: n.sed != nil, Out: n.out}
		for _, g := range n.groups {
			st.Groups = append(st.Groups, RexGroup{Name: g.name, Index: g.index, Col: g.col})
		}
		return st
	case *regexNode:
		return &RegexStep{Field: n.field, Col: n.col, Negate: n.negate, Regex: n.re, Out: n.fields()}
	}
	text := n.describe()
	name, _, _ := strings.Cut(text, " ")
	return &OtherStep{Command: strings.ToLower(name), Text: text, Out: n.fields()}
}

// FormatNumber is the text minispl shows for a number (cells, the .
// operator, a number matched against a search pattern), for translators
// that must reproduce it.
func FormatNumber(f float64) string { return value.FormatNumber(f) }

// ParseNumber reports whether s is a number by minispl's rules (a plain
// decimal with an optional sign, fraction and exponent) and its value.
func ParseNumber(s string) (float64, bool) { return value.ParseNumber(s) }
