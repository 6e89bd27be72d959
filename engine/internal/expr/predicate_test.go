package expr

import (
	"math"
	"testing"

	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// TestFoldKeyAgreesWithGlob checks that a literal pattern matches a value
// exactly when their foldKeys are equal, the property the hash set of
// literal IN members relies on.
func TestFoldKeyAgreesWithGlob(t *testing.T) {
	words := []string{
		"", "a", "A", "abc", "ABC", "aBc", "abcd", `C:\Windows\cmd.exe`, `c:\windows\CMD.EXE`,
		"k", "K", "\u212a", "s", "S", "\u017f", "é", "É", "ÉTÉ", "été", "straße", "STRASSE",
		"日本", "日本語", "Ǆ", "ǅ", "ǆ", "Σ", "σ", "ς", "\xff", "\ufffd", "a\x00b", "A\x00B",
	}
	for _, p := range words {
		g := value.CompileGlob(p)
		for _, v := range words {
			want := g.Match(v)
			got := string(value.FoldKey(nil, p)) == string(value.FoldKey(nil, v))
			if got != want {
				t.Errorf("pattern %q value %q: foldKey equal = %v, glob match = %v", p, v, got, want)
			}
		}
	}
	for _, s := range words {
		// isFolded may say no to a folded non-ASCII text, never yes to
		// an unfolded one.
		if value.IsFolded(s) && string(value.FoldKey(nil, s)) != s {
			t.Errorf("isFolded(%q), but foldKey = %q", s, value.FoldKey(nil, s))
		}
	}
}

// TestLeafSetPatterns checks that a leaf with a hash set gives the answer
// of the plain OR of its globs, value by value.
func TestLeafSetPatterns(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		set      int // members expected in the hash set
	}{
		{"one literal stays a glob", []string{"cmd.exe"}, 0},
		{"literals", []string{"cmd.exe", "PowerShell.exe", "rundll32.exe", ""}, 4},
		{"literals and globs", []string{"cmd.exe", "*shell*", "Rundll32.EXE", "w*.exe", "\u212aelvin"}, 3},
		{"duplicates folded", []string{"A", "a", "b"}, 2},
	}
	values := []string{"cmd.exe", "CMD.EXE", "cmd.ex", "powershell.exe", "pwsh.exe", "RUNDLL32.exe",
		"wscript.exe", "winword.EXE", "", "kelvin", "KELVIN", "\u212aELVIN", "a", "B", "c", "x\u212a"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &leaf{}
			l.setPatterns(tc.patterns, false)
			if len(l.set) != tc.set {
				t.Errorf("set has %d members, want %d", len(l.set), tc.set)
			}
			for _, v := range values {
				want := false
				for _, p := range tc.patterns {
					want = want || value.CompileGlob(p).Match(v)
				}
				if got := l.testStr(v); got != want {
					t.Errorf("%q IN %q = %v, want %v", v, tc.patterns, got, want)
				}
			}
		})
	}
}

// TestLeafCIDR checks that a CIDR pattern matches the IPs of its subnet
// only where cidr is set (the search command), and is otherwise a string.
func TestLeafCIDR(t *testing.T) {
	tests := []struct {
		patterns []string
		cidr     bool
		value    string
		want     bool
	}{
		{[]string{"10.0.0.0/8"}, true, "10.1.2.3", true},
		{[]string{"10.0.0.0/8"}, true, "11.1.2.3", false},
		{[]string{"10.1.2.3/8"}, true, "10.200.0.1", true}, // host bits ignored
		{[]string{"10.0.0.0/8"}, true, "::ffff:10.1.2.3", true},
		{[]string{"10.0.0.0/8"}, true, "10.0.0.0/8", true}, // still a literal
		{[]string{"10.0.0.0/8"}, true, "host10", false},
		{[]string{"fe80::/10", "192.168.0.0/16"}, true, "FE80::1", true},
		{[]string{"fe80::/10", "192.168.0.0/16"}, true, "192.168.4.4", true},
		{[]string{"10.0.0.0/8"}, false, "10.1.2.3", false}, // tstats WHERE
		{[]string{"10.0.0.0/8"}, false, "10.0.0.0/8", true},
		{[]string{"a/b"}, true, "a/b", true}, // not a CIDR
	}
	for _, tc := range tests {
		l := &leaf{}
		l.setPatterns(tc.patterns, tc.cidr)
		if got := l.testStr(tc.value); got != tc.want {
			t.Errorf("%q matches %q (cidr %v) = %v, want %v", tc.value, tc.patterns, tc.cidr, got, tc.want)
		}
	}
}

// TestLeafText checks that search leaves print as spl's printer prints
// them (one SPL printer): values keep the quoting they were written with,
// `\` and `"` are escaped inside quotes, and a field that is not one bare
// word is quoted.
func TestLeafText(t *testing.T) {
	tests := []struct{ where, want string }{
		{`a=b`, `a=b`},
		{`a="b c"`, `a="b c"`},
		{`a="cmd.exe"`, `a="cmd.exe"`},
		{`a="C:\\Windows\\*"`, `a="C:\\Windows\\*"`},
		{`a="say \"hi\""`, `a="say \"hi\""`},
		{`a<10`, `a<10`},
		{`a IN (x, "y z")`, `a IN (x, "y z")`},
		{`"f g"=1`, `"f g"=1`},
		{`a=x OR a IN ("y z")`, `(a=x OR a IN ("y z"))`},
	}
	for _, tc := range tests {
		x := parseSearch(t, tc.where)
		pc := &SearchCompiler{Mode: ModeResults, Resolve: func(string) int { return -1 }}
		p, err := pc.Compile(x)
		if err != nil {
			t.Fatalf("%s: %v", tc.where, err)
		}
		if got := p.String(); got != tc.want {
			t.Errorf("%s: plan text %s, want %s", tc.where, got, tc.want)
		}
	}
}

// TestCompareFloatNaN checks that NaN is unordered in search orderings and
// eval comparisons alike (compareFloat), as the IN hash sets treat it: it
// equals nothing, itself included.
func TestCompareFloatNaN(t *testing.T) {
	nan := math.NaN()
	floats := []struct {
		a, b float64
		want int
	}{
		{1, 2, -1}, {2, 1, 1}, {2, 2, 0}, {math.Inf(-1), math.Inf(1), -1},
		{nan, 1, value.Unordered}, {1, nan, value.Unordered}, {nan, nan, value.Unordered}, {nan, math.Inf(1), value.Unordered},
	}
	for _, tc := range floats {
		if got := value.CompareFloat(tc.a, tc.b); got != tc.want {
			t.Errorf("compareFloat(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	ops := []struct {
		op   spl.CompareOp
		eval spl.BinaryOp
	}{{spl.OpLt, spl.BinLt}, {spl.OpLe, spl.BinLe}, {spl.OpGt, spl.BinGt}, {spl.OpGe, spl.BinGe}}
	for _, o := range ops {
		l := &leaf{cmp: o.op, num: 5, isNum: true, value: "5"}
		if l.testNum(nan) {
			t.Errorf("search NaN %s 5 is true, want false", o.op)
		}
		if !l.testNum(5) == (o.op == spl.OpLe || o.op == spl.OpGe) {
			t.Errorf("search 5 %s 5 = %v", o.op, l.testNum(5))
		}
		if cmpResult(o.eval, value.CompareFloat(nan, 5)) || cmpResult(o.eval, value.CompareFloat(5, nan)) {
			t.Errorf("eval NaN %s 5 or 5 %s NaN is true, want false", o.eval, o.eval)
		}
	}
	if cmpResult(spl.BinEq, value.CompareFloat(nan, nan)) || !cmpResult(spl.BinNe, value.CompareFloat(nan, nan)) {
		t.Error("eval NaN = NaN must be false and NaN != NaN true")
	}
	// A number literal is never NaN (parseNumber refuses "nan"); a string
	// member "nan" matches NaN by its text, as = does.
	var s literalSet
	for _, f := range []float64{0, 1, math.Inf(1)} {
		s.add(&constNode{kind: value.KindNumber, num: f})
	}
	if s.has(scalar{kind: value.KindNumber, num: nan}) {
		t.Error("IN set: NaN matched a number member")
	}
	s.add(&constNode{kind: value.KindString, str: "nan"})
	if !s.has(scalar{kind: value.KindNumber, num: nan}) || compareScalars(scalar{kind: value.KindNumber, num: nan}, scalar{kind: value.KindString, str: "nan"}) != 0 {
		t.Error(`IN set and =: NaN must match the string "nan" by its text`)
	}
}

// parseSearch parses the expression of a search command.
func parseSearch(t testing.TB, where string) spl.SearchExpr {
	t.Helper()
	p, err := spl.Parse("search " + where)
	if err != nil {
		t.Fatalf("parse %q: %v", where, err)
	}
	return p.Commands[0].(*spl.Search).Expr
}
