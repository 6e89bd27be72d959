package spl

import "testing"

// TestDirectives checks how TERM(x) and CASE(x) parse: as a term or a
// field value with the directive set and the text inside the parentheses
// as written, and that any other spelling keeps its old reading (a term
// and a group). Each case prints back to the same AST.
func TestDirectives(t *testing.T) {
	type want struct {
		dir    Directive
		text   string
		quoted bool
		field  string // "" for a bare term
	}
	cases := []struct {
		in    string
		print string
		first want // the first term or comparison of the search
	}{
		{"search TERM(10.0.0.1)", "search TERM(10.0.0.1)", want{DirTerm, "10.0.0.1", false, ""}},
		{"search CASE(Admin)", "search CASE(Admin)", want{DirCase, "Admin", false, ""}},
		{`search CASE("Failed Password")`, `search CASE("Failed Password")`, want{DirCase, "Failed Password", true, ""}},
		{"search TERM( user=bob )", "search TERM(user=bob)", want{DirTerm, "user=bob", false, ""}},
		{"search TERM(10.0.0.*) x", "search TERM(10.0.0.*) AND x", want{DirTerm, "10.0.0.*", false, ""}},
		{`search TERM(C:\Windows\cmd.exe)`, `search TERM(C:\Windows\cmd.exe)`, want{DirTerm, `C:\Windows\cmd.exe`, false, ""}},
		{"search user=CASE(Admin)", "search user=CASE(Admin)", want{DirCase, "Admin", false, "user"}},
		{"search ip!=TERM(10.0.0.1)", "search ip!=TERM(10.0.0.1)", want{DirTerm, "10.0.0.1", false, "ip"}},
		{`search user = CASE("a b")`, `search user=CASE("a b")`, want{DirCase, "a b", true, "user"}},
		{"search NOT CASE(x) OR TERM(y)", "search NOT CASE(x) OR TERM(y)", want{DirCase, "x", false, ""}},
		// Not directives: lower case, or a space before "(".
		{"search term(x)", "search term AND x", want{DirNone, "term", false, ""}},
		{"search TERM (x)", "search TERM AND x", want{DirNone, "TERM", false, ""}},
		{"search XTERM(x)", "search XTERM AND x", want{DirNone, "XTERM", false, ""}},
	}
	for _, c := range cases {
		p, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := p.String(); got != c.print {
			t.Errorf("%s: printed %s, want %s", c.in, got, c.print)
		}
		if msg := roundTrip(p); msg != "" {
			t.Errorf("%s: %s", c.in, msg)
		}
		var got want
		found := false
		Inspect(p.Commands[0].(*Search).Expr, func(n Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *SearchTerm:
				got, found = want{n.Directive, n.Value.Text, n.Value.Quoted, ""}, true
			case *SearchCompare:
				got, found = want{n.Directive, n.Value.Text, n.Value.Quoted, n.Field}, true
			}
			return !found
		})
		if got != c.first {
			t.Errorf("%s: first term %+v, want %+v", c.in, got, c.first)
		}
	}
}

// TestDirectiveErrors checks the positioned errors of malformed
// directives.
func TestDirectiveErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"search TERM()", "1:8: TERM() needs a term inside the parentheses\n  | search TERM()\n  |        ^~~~~~"},
		{"search x=CASE( )", "1:10: CASE() needs a term inside the parentheses\n  | search x=CASE( )\n  |          ^~~~~~~"},
		{"search f IN (CASE(a), b)", "1:14: CASE() is not supported inside IN (...); write f=CASE(...) OR ... instead\n  | search f IN (CASE(a), b)\n  |              ^~~~~~~"},
		{"search TERM(a", "1:12: unclosed \"(\": no matching \")\"\n  | search TERM(a\n  |            ^"},
	}
	checkParseErrors(t, cases)
}
