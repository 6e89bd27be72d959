package spl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *Pipeline {
	t.Helper()
	p, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return p
}

// nodeLabel names a node for the visit-order tests: its Go type and its
// canonical text.
func nodeLabel(n Node) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", n), "*spl.") + " " + n.String()
}

func TestInspectOrder(t *testing.T) {
	// Pre-order, children in field order: the pipeline, then each command
	// and its parts, a subsearch's pipeline inside its term, the values of
	// comparisons and the operands of eval expressions.
	p := mustParse(t, `| tstats count where a=1 (b=2 OR NOT c) by x | search [| inputlookup t.csv | table f] | eval y=z+1, w=-v | table `+"`m`")
	var got []string
	Inspect(p, func(n Node) bool {
		got = append(got, nodeLabel(n))
		return true
	})
	want := []string{
		"Pipeline " + p.String(),
		"Tstats tstats count WHERE a=1 AND b=2 OR NOT c BY x",
		"SearchAnd a=1 AND b=2 OR NOT c",
		"SearchCompare a=1",
		"Value 1",
		"SearchOr b=2 OR NOT c",
		"SearchCompare b=2",
		"Value 2",
		"SearchNot NOT c",
		"SearchTerm c",
		"Value c",
		"Search search [| inputlookup t.csv | table f]",
		"SearchSubsearch [| inputlookup t.csv | table f]",
		"Pipeline | inputlookup t.csv | table f",
		"Inputlookup inputlookup t.csv",
		"Table table f",
		"Value f",
		"Eval eval y=z + 1, w=-v",
		"Binary z + 1",
		"FieldRef z",
		"Literal 1",
		"Unary -v",
		"FieldRef v",
		"Table table `m`",
		"Value `m`",
		"MacroCall `m`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("visit order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestInspectPrune(t *testing.T) {
	// Returning false skips the children: pruned at subsearches, the outer
	// search's terms are seen but not the subsearch's.
	p := mustParse(t, `search a=1 [search b=2] c=3`)
	var fields []string
	Inspect(p, func(n Node) bool {
		switch n := n.(type) {
		case *SearchSubsearch:
			return false
		case *SearchCompare:
			fields = append(fields, n.Field)
		}
		return true
	})
	if got := strings.Join(fields, " "); got != "a c" {
		t.Errorf("fields outside subsearches = %q, want \"a c\"", got)
	}
	// Inspect of nil and of typed nil pointers visits nothing.
	n := 0
	Inspect(nil, func(Node) bool { n++; return true })
	Inspect((*Pipeline)(nil), func(Node) bool { n++; return true })
	Walk(inspector(func(Node) bool { n++; return true }), (*Value)(nil))
	if n != 0 {
		t.Errorf("nil nodes visited %d times", n)
	}
}

// countVisitor counts Visit calls and the nil calls that end a node.
type countVisitor struct{ enter, leave *int }

func (v countVisitor) Visit(n Node) Visitor {
	if n == nil {
		*v.leave++
		return nil
	}
	*v.enter++
	return v
}

func TestWalkVisitNil(t *testing.T) {
	// Walk calls w.Visit(nil) once after the children of every node whose
	// Visit returned a visitor, as go/ast does.
	var enter, leave int
	Walk(countVisitor{&enter, &leave}, mustParse(t, `search a=1 OR b`))
	// Pipeline, Search, SearchOr, SearchCompare, Value(1), SearchTerm, Value(b).
	if enter != 7 || leave != 7 {
		t.Errorf("enter=%d leave=%d, want 7 and 7", enter, leave)
	}
}

func searchExpr(t *testing.T, s string) SearchExpr {
	t.Helper()
	return mustParse(t, "search "+s).Commands[0].(*Search).Expr
}

func strs(es []SearchExpr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, " ; ")
}

func TestConjunctsDisjuncts(t *testing.T) {
	tests := []struct{ in, conj, disj string }{
		{"a", "a", "a"},
		// AND binds loosest: a b OR c is a AND (b OR c).
		{"a b OR c", "a ; b OR c", "a AND b OR c"},
		// No group nodes: parentheses around an AND flatten too.
		{"(a b) c", "a ; b ; c", "a AND b AND c"},
		{"a AND (b AND c)", "a ; b ; c", "a AND (b AND c)"},
		{"NOT (a b)", "NOT (a AND b)", "NOT (a AND b)"},
		{"a OR b OR (c OR d) OR e x", "a OR b OR (c OR d) OR e ; x", "a OR b OR (c OR d) OR e AND x"},
		{"(a OR b OR c)", "a OR b OR c", "a ; b ; c"},
		{"(a OR (b OR c) OR d x)", "a OR (b OR c) OR d ; x", "a OR (b OR c) OR d AND x"},
	}
	for _, tc := range tests {
		e := searchExpr(t, tc.in)
		if got := strs(Conjuncts(e)); got != tc.conj {
			t.Errorf("Conjuncts(%s) = %s, want %s", tc.in, got, tc.conj)
		}
		if got := strs(Disjuncts(e)); got != tc.disj {
			t.Errorf("Disjuncts(%s) = %s, want %s", tc.in, got, tc.disj)
		}
	}
	if Conjuncts(nil) != nil || Disjuncts(nil) != nil {
		t.Error("nil expression has conjuncts or disjuncts")
	}
	// A disjunction of OR chains written in parentheses: (a OR b) OR c is
	// three disjuncts.
	if got := strs(Disjuncts(searchExpr(t, "(a OR b) OR c"))); got != "a ; b ; c" {
		t.Errorf("Disjuncts((a OR b) OR c) = %s", got)
	}
}

func TestTakeConjuncts(t *testing.T) {
	isX := func(e SearchExpr) bool {
		c, ok := e.(*SearchCompare)
		return ok && c.Field == "x"
	}
	tests := []struct{ in, taken, rest string }{
		{"x=1", "x=1", "<nil>"},
		{"a x=1 b", "x=1", "a AND b"},
		{"x=1 a x=2", "x=1 ; x=2", "a"},
		{"a (b x=1)", "x=1", "a AND b"},
		{"a AND (b AND x=1 AND c)", "x=1", "a AND (b AND c)"},
		// Nested in OR or NOT: not top-level, so not taken.
		{"a (x=1 OR b) NOT x=2", "", "a AND x=1 OR b AND NOT x=2"},
		{"a b", "", "a AND b"},
	}
	for _, tc := range tests {
		e := searchExpr(t, tc.in)
		before := e.String()
		taken, rest := TakeConjuncts(e, isX)
		got := "<nil>"
		if rest != nil {
			got = rest.String()
		}
		if strs(taken) != tc.taken || got != tc.rest {
			t.Errorf("TakeConjuncts(%s) = %q, %q; want %q, %q", tc.in, strs(taken), got, tc.taken, tc.rest)
		}
		if e.String() != before {
			t.Errorf("TakeConjuncts modified its input: %s, was %s", e, before)
		}
		if tc.taken == "" && rest != e {
			t.Errorf("TakeConjuncts(%s) took nothing but did not return e itself", tc.in)
		}
	}
	taken, rest := TakeConjuncts(nil, isX)
	if taken != nil || rest != nil {
		t.Error("TakeConjuncts(nil) returned something")
	}
}

func TestRewriteSearch(t *testing.T) {
	e := searchExpr(t, "a (b OR NOT c) d=1")
	before := e.String()
	var seen []string
	out, err := RewriteSearch(e, func(x SearchExpr) (SearchExpr, error) {
		seen = append(seen, x.String())
		if tm, ok := x.(*SearchTerm); ok && tm.Value.Text == "c" {
			return &SearchTerm{Value: Value{Text: "C"}}, nil
		}
		return x, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, " "); got != "a b c d=1" {
		t.Errorf("leaves in order = %q", got)
	}
	if got := out.String(); got != "a AND b OR NOT C AND d=1" {
		t.Errorf("rewritten = %s", got)
	}
	if e.String() != before {
		t.Errorf("input modified: %s", e)
	}
	// Unchanged leaves: the same expression comes back.
	same, err := RewriteSearch(e, func(x SearchExpr) (SearchExpr, error) { return x, nil })
	if err != nil || same != e {
		t.Errorf("identity rewrite = %v, %v; want e itself", same, err)
	}
	// The first error stops the rewrite.
	boom := errors.New("boom")
	n := 0
	if _, err := RewriteSearch(e, func(x SearchExpr) (SearchExpr, error) {
		n++
		return nil, boom
	}); err != boom || n != 1 {
		t.Errorf("error rewrite: err=%v after %d calls, want boom after 1", err, n)
	}
}

func TestUnexpanded(t *testing.T) {
	// One case per place a macro call can stand, each with the call's
	// position: the caret must be under the backtick.
	const ts = "| tstats count from datamodel=Endpoint.Processes"
	tests := []struct{ in, macro string }{
		{"| `m`", "m"},                                            // MacroCommand
		{"| tstats `m` count", "m"},                               // tstats option
		{"| tstats count where a=`m`", "m"},                       // tstats WHERE value
		{"| tstats count where `m`", "m"},                         // SearchMacro
		{"search a IN (b, `m`)", "m"},                             // IN value
		{"search `m(1, 2)`", "m"},                                 // term with arguments
		{"search [| tstats count where x=`m`]", "m"},              // inside a subsearch term
		{ts + " | rename `m` as b", "m"},                          // rename
		{ts + " | convert ctime(`m`)", "m"},                       // convert
		{ts + " | convert timeformat=`m` ctime(a)", "m"},          // convert timeformat
		{ts + " | table a `m1`", "m1"},                            // table
		{ts + " | fields - `m5`", "m5"},                           // fields
		{ts + " | fillnull value=`m2` a", "m2"},                   // fillnull value
		{ts + " | stats allnum=`m` count", "m"},                   // stats option
		{ts + " | eventstats count by a allnum=`m`", "m"},         // eventstats option
		{ts + " | dedup a keepempty=`m`", "m"},                    // dedup option
		{ts + " | head limit=`m`", "m"},                           // head option
		{ts + " | rex field=`m` \"(?<x>.)\"", "m"},                // rex option value
		{ts + " | rex `m` \"(?<x>.)\"", "m"},                      // rex regex
		{ts + " | regex a=`m`", "m"},                              // regex
		{ts + " | bin span=`m` _time", "m"},                       // bin option
		{ts + " | makemv delim=`m` a", "m"},                       // makemv option
		{ts + " | mvexpand limit=`m` a", "m"},                     // mvexpand option
		{ts + " | lookup local=`m` t a", "m"},                     // lookup option
		{"| inputlookup t.csv where a=`m`", "m"},                  // inputlookup WHERE
		{ts + " | join a [| inputlookup t.csv where x=`m`]", "m"}, // join subsearch
		{ts + " | append [search `m`]", "m"},                      // append subsearch
		{ts + " | append `m` [search x]", "m"},                    // append option
		{ts + " | join type=`m` a [search x]", "m"},               // join option
		{ts + " | search a=1 | table b | fields `m`", "m"},        // a later command
	}
	for _, tc := range tests {
		p, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		err = Unexpanded(p)
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("Unexpanded(%q) = %v, want an *Error", tc.in, err)
			continue
		}
		if want := "macro `" + tc.macro + "` was not expanded"; se.Msg != want {
			t.Errorf("Unexpanded(%q) = %q, want %q", tc.in, se.Msg, want)
		}
		if got := tc.in[se.Pos.Start:se.Pos.End]; !strings.HasPrefix(got, "`"+tc.macro) || !strings.HasSuffix(got, "`") {
			t.Errorf("Unexpanded(%q) at %v = %q, want the call", tc.in, se.Pos, got)
		}
	}
	// The first call in walk order wins; expanded text has none.
	p := mustParse(t, ts+" | table `first` | fields `second`")
	if err := Unexpanded(p); err == nil || !strings.Contains(err.Error(), "`first`") {
		t.Errorf("first call: %v", err)
	}
	if err := Unexpanded(mustParse(t, ts+` | table a | fillnull value="x" | eval b=c | search d="`+"`x`"+`"`)); err != nil {
		t.Errorf("no macro: %v", err)
	}
	// A call without a position (built by hand) is placed on its holder.
	v := &Value{Text: "`h`", Macro: &MacroCall{MacroName: "h"}, Pos: Span{3, 6}}
	if err := Unexpanded(&Table{Fields: []Value{*v}, Pos: Span{0, 6}}); err == nil || err.(*Error).Pos != (Span{3, 6}) {
		t.Errorf("call without position: %v", err)
	}
}

func TestOperatorStrings(t *testing.T) {
	// Every operator prints as the parser reads it, and parses back to
	// itself.
	for op := BinOr; op < binOpEnd; op++ {
		if lookupBinaryOp(op.String()) != op || op.prec() == 0 {
			t.Errorf("BinaryOp %d: %q does not read back or has no precedence", op, op.String())
		}
		p, err := Parse("| where a " + op.String() + " b")
		if err != nil {
			t.Errorf("Parse(where a %s b): %v", op, err)
			continue
		}
		if b, ok := p.Commands[0].(*Where).Expr.(*Binary); !ok || b.Op != op {
			t.Errorf("where a %s b = %s, want a Binary %s", op, p, op)
		}
	}
	if UnaryNot.String() != "NOT" || UnaryNeg.String() != "-" || BinaryOp(0).String() != "BinaryOp(0)" {
		t.Error("operator strings")
	}
	if !BinGe.IsComparison() || BinLike.IsComparison() || BinAnd.IsComparison() {
		t.Error("IsComparison")
	}
}
