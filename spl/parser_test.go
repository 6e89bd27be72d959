package spl

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const seedSearch = "| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= \"*\\\\SYSTEM\\\\Remote Manipulator System*\" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | `drop_dm_object_name(Registry)` | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_remote_access_software_rms_registry_filter`"

func TestParseCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{seedSearch, "| tstats `security_content_summariesonly` count min(_time) AS firstTime max(_time) AS lastTime FROM datamodel=Endpoint.Registry WHERE Registry.registry_path=\"*\\\\SYSTEM\\\\Remote Manipulator System*\" BY Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | `drop_dm_object_name(Registry)` | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_remote_access_software_rms_registry_filter`"},
		// Keywords in any case; commas between aggregates and BY fields.
		{"|TSTATS count, dc(Processes.dest) as n from datamodel=Endpoint WHERE x=1 BY a, b", "| tstats count dc(Processes.dest) AS n FROM datamodel=Endpoint WHERE x=1 BY a b"},
		// Options before the aggregates and after BY; span among BY fields.
		{"| tstats summariesonly=false allow_old_summaries=true count from datamodel=Endpoint.Processes by _time span=1h Processes.dest fillnull_value=null", "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count FROM datamodel=Endpoint.Processes BY _time Processes.dest span=1h"},
		{"| tstats count groupby x", "| tstats count BY x"},
		{"| tstats count(Registry.dest) as \"Dest Count\"", "| tstats count(Registry.dest) AS \"Dest Count\""},
		// Precedence: NOT > OR > AND (implicit AND by adjacency).
		{"a b OR c", "a AND b OR c"},
		{"(a b) OR c", "(a AND b) OR c"},
		{"NOT a OR b", "NOT a OR b"},
		{"NOT (a OR b) c", "NOT (a OR b) AND c"},
		{"a AND (b AND c)", "a AND (b AND c)"},
		{"a OR (b OR c)", "a OR (b OR c)"},
		{"NOT NOT a", "NOT NOT a"},
		// Lower-case boolean words are terms; IN in any case.
		{"a and b", "a AND and AND b"},
		{"x in (a,b, \"c d\") y IN (1 2)", "x IN (a, b, \"c d\") AND y IN (1, 2)"},
		{"x IN a", "x AND IN AND a"},
		// Whitespace around operators; quoted field names; escapes.
		{"Registry.registry_path= \"x\"  y !=  2 z<3", "Registry.registry_path=\"x\" AND y!=2 AND z<3"},
		{`"DNS.query"=x 'Registry.dest'=y`, `DNS.query=x AND 'Registry.dest'=y`},
		{`x=*\\Explorer\\FileExts* y="\s"`, `x=*\\Explorer\\FileExts* AND y="\\s"`},
		{`x=a\|b`, `x=a\|b`},
		// Macros inside expressions and as IN values.
		{"`process_powershell` x IN (`list`, y)", "`process_powershell` AND x IN (`list`, y)"},
		// Quoted keyword terms stay quoted; bare "by" needs quoting.
		{`"by" x="OR"`, `"by" AND x="OR"`},
		// Explicit search, implicit search, subsearch terms.
		{"search x=1 | search y", "search x=1 | search y"},
		{"| search", "| search"},
		{"x [| inputlookup t.csv | table a] y", "x AND [| inputlookup t.csv | table a] AND y"},
		{"(search) x", "(search AND x)"},
		// rename and convert.
		{`| rename "Registry.*" as * , a AS b c as "d e"`, `| rename "Registry.*" AS *, a AS b, c AS "d e"`},
		{`| convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) CTIME(lastTime) as l`, `| convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) ctime(lastTime) AS l`},
		// Generic commands keep their raw text; pipes inside quotes,
		// backticks and brackets do not end them.
		{"| EVAL x=if(a,\"|\",b)  | join type=left x [search y | stats count] | `m(\"a|b\")`", "| eval x=if(a, \"|\", b) | join type=left x [search y | stats count] | `m(\"a|b\")`"},
		{"| stats count", "| stats count"},
		// Macro arguments are split on top-level commas and trimmed.
		{"| `m( a , \"x,y\" , f(b,c))` | `n()`", "| `m(a, \"x,y\", f(b,c))` | `n()`"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("printed\n got: %s\nwant: %s", got, tt.want)
			}
			if msg := roundTrip(p); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"| tstats count min(_time) as firstTime frm datamodel=Endpoint.Registry",
			"1:40: unexpected \"frm\": expected an aggregate, FROM, WHERE, BY or \"|\"\n" +
				"  | | tstats count min(_time) as firstTime frm datamodel=Endpoint.Registry\n" +
				"  |                                        ^~~"},
		{"| tstats count from datamodel= by x",
			"1:32: unexpected \"by\": expected a datamodel name after \"datamodel=\"\n" +
				"  | | tstats count from datamodel= by x\n" +
				"  |                                ^~"},
		// An empty quoted field or alias of an aggregate (FuzzParse:
		// count("") printed as count).
		{`|tstats Count00("")`,
			"1:17: count00(): the field name is empty\n  | |tstats Count00(\"\")\n  |                 ^~"},
		{`| stats count as ""`,
			"1:18: AS: the name is empty\n  | | stats count as \"\"\n  |                  ^~"},
		{"a || b",
			"1:4: empty pipeline stage: expected a command between two \"|\"\n  | a || b\n  |    ^"},
		{"a |",
			"1:4: unexpected end of search: expected a command after \"|\"\n  | a |\n  |    ^"},
		{`x="abc`,
			"1:3: unterminated quoted string: no closing '\"'\n  | x=\"abc\n  |   ^"},
		{"x=`abc",
			"1:3: unterminated macro call: no closing backtick\n  | x=`abc\n  |   ^"},
		{"(a OR b",
			"1:1: unclosed \"(\": no matching \")\"\n  | (a OR b\n  | ^"},
		{"a OR b)",
			"1:7: unexpected \")\": no \"(\" to close\n  | a OR b)\n  |       ^"},
		{"| tstats count from datamodel=Endpoint.Registry where",
			"1:54: unexpected end of search: expected a search expression after WHERE\n" +
				"  | | tstats count from datamodel=Endpoint.Registry where\n" +
				"  |                                                      ^"},
		{"search x=",
			"1:10: unexpected end of search: expected a value after \"=\"\n  | search x=\n  |          ^"},
		{"a OR",
			"1:5: unexpected end of search: expected a search term after OR\n  | a OR\n  |     ^"},
		{"| tstats",
			"1:9: unexpected end of search: expected an aggregate such as count or min(_time)\n  | | tstats\n  |         ^"},
		{"| `m(a`",
			"1:3: macro call \"m\": expected \")\" after the arguments\n  | | `m(a`\n  |   ^~~~~"},
		{"   ", "1:4: empty search\n  |    \n  |    ^"},
		{"x IN (a, b",
			"1:6: unclosed \"(\": no matching \")\"\n  | x IN (a, b\n  |      ^"},
		{"x = = y",
			"1:5: unexpected \"=\": expected a value after \"=\"\n  | x = = y\n  |     ^"},
		{"line one\n| tstats count frm",
			"2:16: unexpected \"frm\": expected an aggregate, FROM, WHERE, BY or \"|\"\n  | | tstats count frm\n  |                ^~~"},
	}
	checkParseErrors(t, tests)
}

// checkParseErrors parses each input of tests in a subtest of its own: it
// must fail with an *Error on the search text whose Format is want.
func checkParseErrors(t *testing.T, tests []struct{ in, want string }) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse succeeded: %s", p)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if e.Text != tt.in {
				t.Errorf("Error.Text = %q, want the search text", e.Text)
			}
			if got := e.Format(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestParseAST(t *testing.T) {
	p, err := Parse(seedSearch)
	if err != nil {
		t.Fatal(err)
	}
	if !p.LeadingPipe || len(p.Commands) != 5 {
		t.Fatalf("LeadingPipe=%v, %d commands", p.LeadingPipe, len(p.Commands))
	}
	ts, ok := p.Commands[0].(*Tstats)
	if !ok {
		t.Fatalf("first command is %T", p.Commands[0])
	}
	if ts.Datamodel != "Endpoint.Registry" || len(ts.Aggs) != 3 || len(ts.By) != 6 || len(ts.Options) != 1 {
		t.Errorf("tstats = %+v", ts)
	}
	if ts.Options[0].Macro == nil || ts.Options[0].Macro.MacroName != "security_content_summariesonly" {
		t.Errorf("option = %+v", ts.Options[0])
	}
	wantAgg := []Aggregate{{Func: "count"}, {Func: "min", Field: "_time", Alias: "firstTime"}, {Func: "max", Field: "_time", Alias: "lastTime"}}
	for i, a := range ts.Aggs {
		a.Pos = Span{}
		if a != wantAgg[i] {
			t.Errorf("agg %d = %+v, want %+v", i, a, wantAgg[i])
		}
	}
	cmp, ok := ts.Where.(*SearchCompare)
	if !ok {
		t.Fatalf("where is %T", ts.Where)
	}
	if cmp.Field != "Registry.registry_path" || cmp.Op != OpEq || cmp.Value.Text != `*\SYSTEM\Remote Manipulator System*` || !cmp.Value.Quoted {
		t.Errorf("where = %+v", cmp)
	}
	// Spans cover the written text.
	checks := []struct {
		node Node
		want string
	}{
		{cmp, `Registry.registry_path= "*\\SYSTEM\\Remote Manipulator System*"`},
		{p.Commands[1], "`drop_dm_object_name(Registry)`"},
		{p.Commands[4], "`windows_remote_access_software_rms_registry_filter`"},
		{p, seedSearch},
	}
	for _, c := range checks {
		sp := c.node.Span()
		if got := seedSearch[sp.Start:sp.End]; got != c.want {
			t.Errorf("span of %T = %q, want %q", c.node, got, c.want)
		}
	}
	if got := seedSearch[cmp.Value.Pos.Start:cmp.Value.Pos.End]; got != `"*\\SYSTEM\\Remote Manipulator System*"` {
		t.Errorf("value span = %q", got)
	}
	if !strings.HasPrefix(seedSearch[ts.Pos.Start:ts.Pos.End], "tstats") || !strings.HasSuffix(seedSearch[ts.Pos.Start:ts.Pos.End], "Registry.dest") {
		t.Errorf("tstats span = %q", seedSearch[ts.Pos.Start:ts.Pos.End])
	}
	mc := p.Commands[1].(*MacroCommand)
	if mc.Call.MacroName != "drop_dm_object_name" || !mc.Call.HasParens || len(mc.Call.Args) != 1 || mc.Call.Args[0] != "Registry" {
		t.Errorf("macro = %+v", mc.Call)
	}
}

func TestParsePrecedenceTree(t *testing.T) {
	p, err := Parse("a b OR c")
	if err != nil {
		t.Fatal(err)
	}
	and, ok := p.Commands[0].(*Search).Expr.(*SearchAnd)
	if !ok {
		t.Fatalf("top is %T, want *SearchAnd", p.Commands[0].(*Search).Expr)
	}
	if _, ok := and.Right.(*SearchOr); !ok {
		t.Errorf("right is %T, want *SearchOr", and.Right)
	}
	if got := "a b OR c"[and.Right.Span().Start:and.Right.Span().End]; got != "b OR c" {
		t.Errorf("OR span = %q", got)
	}
}

func TestParseINList(t *testing.T) {
	vals := make([]string, 1400)
	for i := range vals {
		vals[i] = `"*\\x` + strings.Repeat("y", i%7) + `*"`
	}
	in := "| tstats count where Processes.process_name IN (" + strings.Join(vals, ", ") + ") by x"
	p, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	w := p.Commands[0].(*Tstats).Where.(*SearchIn)
	if len(w.Values) != 1400 || w.Values[3].Text != `*\xyyy*` {
		t.Errorf("got %d values, [3]=%q", len(w.Values), w.Values[3].Text)
	}
}

func TestEqual(t *testing.T) {
	a, _ := Parse("x=1 y")
	b, _ := Parse("  x = 1   AND y")
	c, _ := Parse("x=1 z")
	if !Equal(a, b) {
		t.Error("Equal ignores spans: want true")
	}
	if Equal(a, c) {
		t.Error("different terms: want false")
	}
	for _, pair := range [][2]string{
		{"| where a = 1", "| where a == 1"},
		{"| eval x=a.b", "| eval x='a.b'"},
		{"| eval x='a'", "| eval x=a"},
		{"| sort 1 x", "| sort 2 x"},
		{"| stats count(eval(x=1))", "| stats count(eval(x=2))"},
		{"| join a [search b]", "| join a [search c]"},
	} {
		x, err1 := Parse(pair[0])
		y, err2 := Parse(pair[1])
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if Equal(x, y) {
			t.Errorf("Equal(%q, %q) = true", pair[0], pair[1])
		}
	}
	if Equal(a, nil) {
		t.Error("nil: want false")
	}
}

// FuzzParse parses any text: no panic, an *Error or an AST that prints
// back to itself, and a Memo's parse the same as Parse's.
func FuzzParse(f *testing.F) {
	for _, s := range []string{seedSearch, "a b OR c", "x IN (a, `m`)", "| rename \"a.*\" as *", `x="a\"b"`, "NOT (a OR b)", "[search x] y", "| convert ctime(x) as y", "'a b'=c", `a\|b`,
		`| where a=1 AND NOT b OR c LIKE "x%" XOR d IN (1, "2")`, `| eval x=-1, y=a.b . "c" * (2 - 'q r')`,
		`| stats count(eval(x="a")) dc(y) as n by z | sort 0 -n desc | dedup 2 z sortby -n`,
		`| join type=left x [| tstats count by x] | append [search y] | head (a>1) limit=2`,
		`| lookup t a AS b OUTPUT c | rex field=f "(?<x>\d+)" | regex f!="r" | bin span=1h _time`,
		`x=*GetCurrent()* | fillnull value=0 a | mvexpand m | table a "b c" | fields - d | inputlookup t where a=1`} {
		f.Add(s)
	}
	// Every ESCU detection search, when ../shared holds them.
	escu := filepath.Join("..", "..", "shared", "escu")
	if _, err := os.Stat(escu); err == nil {
		for _, file := range []string{"detections_processes.jsonl", "detections_registry.jsonl", "detections_filesystem.jsonl", "detections_raw.jsonl"} {
			_, searches := readSearches(f, filepath.Join(escu, file))
			for _, s := range searches {
				f.Add(s)
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		// A Memo gives the same AST (positions included) or error.
		mp, merr := NewMemo().Parse(s)
		if (err == nil) != (merr == nil) || err != nil && err.Error() != merr.Error() || !reflect.DeepEqual(p, mp) {
			t.Fatalf("input %q: Parse gives %v, %v; Memo %v, %v", s, p, err, mp, merr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if strings.Contains(e.Msg, "internal parser error") {
				t.Fatalf("parser panicked on %q: %v", s, e.Msg)
			}
			return
		}
		if msg := roundTrip(p); msg != "" {
			t.Fatalf("input %q: %s", s, msg)
		}
	})
}

func BenchmarkParseSeed(b *testing.B) {
	b.SetBytes(int64(len(seedSearch)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(seedSearch); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseSearchExpr(t *testing.T) {
	x, err := ParseSearchExpr(`dest="a b" OR user=x*`)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := x.(*SearchOr); !ok {
		t.Fatalf("got %T, want *SearchOr", x)
	}
	// Errors are positioned in the text given, not in "search " + text.
	_, err = ParseSearchExpr(`a=1 | head 2`)
	var se *Error
	if !errors.As(err, &se) || se.Text != "a=1 | head 2" || !strings.Contains(se.Msg, "pipe") {
		t.Fatalf("pipe: got %v", err)
	}
	_, err = ParseSearchExpr(`a="x`)
	if !errors.As(err, &se) || se.Pos.Start != 2 || se.Text != `a="x` {
		t.Fatalf("bad string: got %#v", err)
	}
}
