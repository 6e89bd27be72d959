package spl

import "fmt"

// This file walks the AST, as go/ast's Walk and Inspect do, and holds the
// helpers the engine needs over search expressions: the top-level conjuncts
// and disjuncts, taking conjuncts out, rewriting leaves, and the check that
// nothing is left unexpanded.

// A Visitor's Visit method is called by Walk for each node. If the result w
// is not nil, Walk visits each child of the node with w, then calls
// w.Visit(nil).
type Visitor interface {
	Visit(n Node) (w Visitor)
}

// Walk traverses the AST rooted at n in depth-first order: it calls
// v.Visit(n), and when that returns a visitor w, walks each child of n with
// w and then calls w.Visit(nil).
//
// The children of a node are visited in the order of its struct fields,
// which is the order written except where a command keeps its options in one
// list (tstats: options, then WHERE). The nodes visited are the Pipeline,
// every Command, SearchExpr and Expr, the subsearch pipelines of join,
// append and [...] terms, and the literal pieces that can hold a macro call:
// *Option, *Value and *MacroCall. Names that are plain strings (BY fields,
// sort keys, lookup fields) are not nodes. A Generic command's arguments are
// raw text and have no children.
func Walk(v Visitor, n Node) {
	if n == nil || isNilNode(n) {
		return
	}
	if v = v.Visit(n); v == nil {
		return
	}
	walkChildren(v, n)
	v.Visit(nil)
}

type inspector func(Node) bool

func (f inspector) Visit(n Node) Visitor {
	if n != nil && f(n) {
		return f
	}
	return nil
}

// Inspect traverses the AST rooted at n in the order of Walk, calling f for
// each node; when f returns false the children of that node are skipped.
// Unlike go/ast's Inspect it does not call f(nil) after the children.
func Inspect(n Node, f func(Node) bool) {
	Walk(inspector(f), n)
}

// isNilNode reports a typed nil pointer held in a Node.
func isNilNode(n Node) bool {
	switch n := n.(type) {
	case *Pipeline:
		return n == nil
	case *Value:
		return n == nil
	case *Option:
		return n == nil
	case *MacroCall:
		return n == nil
	}
	return false
}

func walkSearch(v Visitor, e SearchExpr) {
	if e != nil {
		Walk(v, e)
	}
}

func walkExpr(v Visitor, e Expr) {
	if e != nil {
		Walk(v, e)
	}
}

func walkOptions(v Visitor, opts []Option) {
	for i := range opts {
		Walk(v, &opts[i])
	}
}

func walkValues(v Visitor, vals []Value) {
	for i := range vals {
		Walk(v, &vals[i])
	}
}

func walkChildren(v Visitor, n Node) {
	switch n := n.(type) {
	case *Pipeline:
		for _, c := range n.Commands {
			Walk(v, c)
		}
	case *Option:
		if n.Macro != nil {
			Walk(v, n.Macro)
		} else {
			Walk(v, &n.Value)
		}
	case *Value:
		if n.Macro != nil {
			Walk(v, n.Macro)
		}
	case *MacroCall:

	// Commands.
	case *Tstats:
		walkOptions(v, n.Options)
		walkSearch(v, n.Where)
	case *Rename:
		for i := range n.Pairs {
			Walk(v, &n.Pairs[i].From)
			Walk(v, &n.Pairs[i].To)
		}
	case *Convert:
		Walk(v, n.Timeformat)
		for i := range n.Funcs {
			Walk(v, &n.Funcs[i].Field)
			Walk(v, n.Funcs[i].As)
		}
	case *Search:
		walkSearch(v, n.Expr)
	case *MacroCommand:
		Walk(v, &n.Call)
	case *Generic:
	case *Where:
		walkExpr(v, n.Expr)
	case *Eval:
		for _, a := range n.Assignments {
			walkExpr(v, a.Expr)
		}
	case *Stats:
		walkOptions(v, n.Options)
		walkStatsAggs(v, n.Aggs)
	case *Eventstats:
		walkOptions(v, n.Options)
		walkStatsAggs(v, n.Aggs)
	case *Table:
		walkValues(v, n.Fields)
	case *Fields:
		walkValues(v, n.Fields)
	case *Dedup:
		walkOptions(v, n.Options)
	case *Sort:
	case *Head:
		walkExpr(v, n.Expr)
		walkOptions(v, n.Options)
	case *Fillnull:
		Walk(v, n.Value)
	case *Rex:
		walkOptions(v, n.Options)
		Walk(v, &n.Regex)
	case *Regex:
		Walk(v, &n.Regex)
	case *Bin:
		walkOptions(v, n.Options)
	case *Makemv:
		walkOptions(v, n.Options)
	case *Mvexpand:
		walkOptions(v, n.Options)
	case *Lookup:
		walkOptions(v, n.Options)
	case *Inputlookup:
		walkOptions(v, n.Options)
		walkSearch(v, n.Where)
	case *Join:
		walkOptions(v, n.Options)
		Walk(v, n.Subsearch)
	case *Append:
		walkOptions(v, n.Options)
		Walk(v, n.Subsearch)
	case *Makeresults:
		walkOptions(v, n.Options)
	case *Replace:
		for i := range n.Pairs {
			Walk(v, &n.Pairs[i].From)
			Walk(v, &n.Pairs[i].To)
		}
	case *Addtotals:
		walkOptions(v, n.Options)
	case *Transaction:
		for _, f := range []*TxnFilter{n.StartsWith, n.EndsWith} {
			if f != nil {
				walkSearch(v, f.Search)
				walkExpr(v, f.Eval)
			}
		}
		walkOptions(v, n.Options)
	case *Appendpipe:
		walkOptions(v, n.Options)
		Walk(v, n.Subpipeline)
	case *Map:
		if n.Saved != nil {
			Walk(v, n.Saved)
		}
		walkOptions(v, n.Options)
	case *Xmlkv:
		walkOptions(v, n.Options)
	case *Spath:
		walkOptions(v, n.Options)
		if n.Path != nil {
			Walk(v, n.Path)
		}

	// Search expressions.
	case *SearchAnd:
		walkSearch(v, n.Left)
		walkSearch(v, n.Right)
	case *SearchOr:
		walkSearch(v, n.Left)
		walkSearch(v, n.Right)
	case *SearchNot:
		walkSearch(v, n.X)
	case *SearchCompare:
		Walk(v, &n.Value)
	case *SearchIn:
		walkValues(v, n.Values)
	case *SearchTerm:
		Walk(v, &n.Value)
	case *SearchSubsearch:
		Walk(v, n.Pipeline)
	case *SearchMacro:
		Walk(v, &n.Call)

	// Eval expressions.
	case *Literal, *FieldRef:
	case *Call:
		for _, a := range n.Args {
			walkExpr(v, a)
		}
	case *Unary:
		walkExpr(v, n.X)
	case *Binary:
		walkExpr(v, n.Left)
		walkExpr(v, n.Right)
	case *InList:
		walkExpr(v, n.X)
		for _, x := range n.Values {
			walkExpr(v, x)
		}
	default:
		panic(fmt.Sprintf("spl.Walk: unexpected node type %T", n))
	}
}

func walkStatsAggs(v Visitor, aggs []StatsAgg) {
	for _, a := range aggs {
		walkExpr(v, a.Eval)
	}
}

// Conjuncts returns the top-level conjuncts of e in reading order: e split
// at every AND that is not inside an OR or a NOT (the AST has no group
// nodes, so `(a AND b) c` has the three conjuncts a, b and c). A nil e has
// none; an e that is not an AND is its own only conjunct.
func Conjuncts(e SearchExpr) []SearchExpr {
	return flatten(nil, e, func(x SearchExpr) (SearchExpr, SearchExpr, bool) {
		a, ok := x.(*SearchAnd)
		if !ok {
			return nil, nil, false
		}
		return a.Left, a.Right, true
	})
}

// Disjuncts returns the top-level disjuncts of e in reading order: e split
// at every OR that is not inside an AND or a NOT. A nil e has none; an e
// that is not an OR is its own only disjunct.
func Disjuncts(e SearchExpr) []SearchExpr {
	return flatten(nil, e, func(x SearchExpr) (SearchExpr, SearchExpr, bool) {
		o, ok := x.(*SearchOr)
		if !ok {
			return nil, nil, false
		}
		return o.Left, o.Right, true
	})
}

// flatten appends to out the operands of the chain of one binary operator
// at the top of e, which split takes apart.
func flatten(out []SearchExpr, e SearchExpr, split func(SearchExpr) (l, r SearchExpr, ok bool)) []SearchExpr {
	if l, r, ok := split(e); ok {
		return flatten(flatten(out, l, split), r, split)
	}
	if e != nil {
		out = append(out, e)
	}
	return out
}

// TakeConjuncts removes from e the top-level conjuncts (see Conjuncts) for
// which take returns true and returns them in reading order, with the rest
// of e: nil when nothing is left, e itself when nothing was taken. e is not
// modified; the AND nodes above a removed conjunct are copied, each keeping
// its span.
func TakeConjuncts(e SearchExpr, take func(SearchExpr) bool) (taken []SearchExpr, rest SearchExpr) {
	var split func(x SearchExpr) SearchExpr
	split = func(x SearchExpr) SearchExpr {
		a, ok := x.(*SearchAnd)
		if !ok {
			if x != nil && take(x) {
				taken = append(taken, x)
				return nil
			}
			return x
		}
		l, r := split(a.Left), split(a.Right)
		switch {
		case l == a.Left && r == a.Right:
			return a
		case l == nil:
			return r
		case r == nil:
			return l
		}
		return &SearchAnd{Left: l, Right: r, Pos: a.Pos}
	}
	rest = split(e)
	return taken, rest
}

// RewriteSearch returns e with every leaf (each node that is not an AND, OR
// or NOT) replaced by f(leaf), calling f in reading order. e is not
// modified: the AND, OR and NOT nodes above a replaced leaf are copied, each
// keeping its span, and e itself is returned when f replaces nothing. The
// first error of f stops the rewrite and is returned.
func RewriteSearch(e SearchExpr, f func(SearchExpr) (SearchExpr, error)) (SearchExpr, error) {
	switch x := e.(type) {
	case nil:
		return nil, nil
	case *SearchAnd:
		l, r, err := rewritePair(x.Left, x.Right, f)
		if err != nil || (l == x.Left && r == x.Right) {
			return x, err
		}
		return &SearchAnd{Left: l, Right: r, Pos: x.Pos}, nil
	case *SearchOr:
		l, r, err := rewritePair(x.Left, x.Right, f)
		if err != nil || (l == x.Left && r == x.Right) {
			return x, err
		}
		return &SearchOr{Left: l, Right: r, Pos: x.Pos}, nil
	case *SearchNot:
		y, err := RewriteSearch(x.X, f)
		if err != nil || y == x.X {
			return x, err
		}
		return &SearchNot{X: y, Pos: x.Pos}, nil
	}
	return f(e)
}

func rewritePair(l, r SearchExpr, f func(SearchExpr) (SearchExpr, error)) (SearchExpr, SearchExpr, error) {
	l2, err := RewriteSearch(l, f)
	if err != nil {
		return nil, nil, err
	}
	r2, err := RewriteSearch(r, f)
	if err != nil {
		return nil, nil, err
	}
	return l2, r2, nil
}

// Unexpanded returns an *Error for the first macro call left unexpanded
// under n, in the order of Walk (so in every command, option, value, search
// term and subsearch), positioned on the call; nil when there is none.
// Expanded searches have none; a call reaching the planner would otherwise
// be read as a field name or a value. The Error's Text is left empty for
// the caller to fill in. A Generic command's raw arguments are not looked
// into.
func Unexpanded(n Node) error {
	var found *MacroCall
	var at Span // the span of the nearest node with one, for a call without
	Inspect(n, func(n Node) bool {
		if found != nil {
			return false
		}
		if m, ok := n.(*MacroCall); ok {
			found = m
			return false
		}
		if sp := n.Span(); sp != (Span{}) {
			at = sp
		}
		return true
	})
	if found == nil {
		return nil
	}
	if found.Pos != (Span{}) {
		at = found.Pos
	}
	return &Error{Pos: at, Msg: fmt.Sprintf("macro `%s` was not expanded", found.MacroName)}
}
