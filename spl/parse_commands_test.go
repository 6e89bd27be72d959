package spl

import (
	"strings"
	"testing"
)

// TestParseCommands checks the canonical printed form of the commands of
// parse_commands.go and that it parses back to the same AST.
func TestParseCommands(t *testing.T) {
	tests := []struct{ in, want string }{
		// where and eval expressions.
		{`| where isnotnull(registry_value_data)`, `| where isnotnull(registry_value_data)`},
		{`| where count >=10`, `| where count >= 10`},
		{`| where a=1 AND b==2 or c!=3`, `| where a = 1 AND b == 2 OR c != 3`},
		{`| where x LIKE "a%" AND y in ("a", "b") xor z`, `| where x LIKE "a%" AND y IN ("a", "b") XOR z`},
		{`| where NOT LIKE(first_cmdline,"%\\windows\\system32\\%")`, `| where NOT like(first_cmdline, "%\windows\system32\%")`},
		{`| where maxlen > ((threshold*stdevperhost) + avgperhost)`, `| where maxlen > threshold * stdevperhost + avgperhost`},
		{`| where NOT match(process_name, "(?i)".original_file_name)`, `| where NOT match(process_name, "(?i)" . original_file_name)`},
		{`| where 'Registry.dest'="x" AND Registry.user=_time`, `| where 'Registry.dest' = "x" AND Registry . user = _time`},
		{`| eval x=-1, y = 2.5*-x, z=(a-b)-(c-d)`, `| eval x=-1, y=2.5 * -x, z=a - b - (c - d)`},
		{"| eval num=(mvcount(split(process,\"`\"))-1) + (mvcount(split(process, \"^\"))-1)", "| eval num=mvcount(split(process, \"`\")) - 1 + (mvcount(split(process, \"^\")) - 1)"},
		{`| EVAL a=if(x, true(), null()) b=case(a=1,"one",true(),"other")`, `| eval a=if(x, true(), null()), b=case(a = 1, "one", true(), "other")`},
		{`| eval 'low-user'=lower(username), "q"=1`, `| eval low-user=lower(username), q=1`},
		{`| eval 'a b'=1`, `| eval 'a b'=1`},
		{`| eval s="tab\there \"q\" \\ \d+"`, `| eval s="tab\there \"q\" \ \d+"`},
		{`| eval a = x . "-" . y, b=mvindex(m, 0, -1)`, `| eval a=x . "-" . y, b=mvindex(m, 0, -1)`},
		{`| eval v=1e3 + 0.5 % 2 / 3`, `| eval v=1e3 + 0.5 % 2 / 3`},
		{`| eval n=NOT NOT a = b`, `| eval n=NOT NOT a = b`},
		{`| eval n=(NOT a) = b`, `| eval n=(NOT a) = b`},
		{`| eval n=-(a+b)`, `| eval n=-(a + b)`},
		{`| eval n=- 'a b'`, `| eval n=- 'a b'`},
		// stats and eventstats.
		{`| stats count min(_time) as firstTime values(x) AS y by dest, user`, `| stats count min(_time) AS firstTime values(x) AS y BY dest user`},
		{`| stats dedup_splitvals=true count(eval(status="404")) as n, dc(x) BY a allnum=f`, `| stats dedup_splitvals=true allnum=f count(eval(status = "404")) AS n dc(x) BY a`},
		{`| stats count as "count" perc95(x) by a`, `| stats count AS count perc95(x) BY a`},
		{`| eventstats max(_time) as maxtime`, `| eventstats max(_time) AS maxtime`},
		{`| stats values(Processes.process) groupby "by"`, `| stats values(Processes.process) BY "by"`},
		// table, fields.
		{`| table _time dest, "a b" Registry.*`, `| table _time dest "a b" Registry.*`},
		{`| fields - asset_temp_field,exception_asset`, `| fields - asset_temp_field exception_asset`},
		{`| fields + a b`, `| fields a b`},
		// dedup, sort, head.
		{`| dedup 3 a, b keepempty=true sortby -_time +x num(y)`, `| dedup 3 a b keepempty=true sortby -_time x num(y)`},
		{`| dedup file_create_time`, `| dedup file_create_time`},
		{`| sort 0 - count, +x -num(y) str(z) desc`, `| sort 0 -count x -num(y) str(z) desc`},
		{`| sort count`, `| sort count`},
		{`| sort - "-x"`, `| sort -"-x"`},
		{`| head`, `| head`},
		{`| head 5 keeplast=true`, `| head 5 keeplast=true`},
		{`| head limit=3 (count > 10)`, `| head (count > 10) limit=3`},
		// fillnull, rex, regex.
		{`| fillnull`, `| fillnull`},
		{`| fillnull value=NULL a b`, `| fillnull value=NULL a b`},
		{`| fillnull value="n/a"`, `| fillnull value="n/a"`},
		{`| rex field=process "^.*?\\\\(?<p>[^\\\\]*)" max_match=0`, `| rex field=process max_match=0 "^.*?\\\\(?<p>[^\\\\]*)"`},
		{`| rex mode=sed field=x "s/a/b/g"`, `| rex mode=sed field=x "s/a/b/g"`},
		{`| regex process = "(/d\s+2)"`, `| regex process="(/d\\s+2)"`},
		{`| regex x!="a" | regex "b"`, `| regex x!="a" | regex "b"`},
		// bin, mvexpand.
		{`| bin _time span=1h`, `| bin span=1h _time`},
		{`| BUCKET span=5m _time as t`, `| bucket span=5m _time AS t`},
		{`| bin _time span=1h as t`, `| bin span=1h _time AS t`},
		{`| bin bins=10 x AS b start=0 end=100`, `| bin bins=10 start=0 end=100 x AS b`},
		{`| bucket _time AS "time bucket" span=5m`, `| bucket span=5m _time AS "time bucket"`},
		{`| mvexpand limit=5 values`, `| mvexpand limit=5 values`},
		{`| makemv delim="," senders`, `| makemv delim="," senders`},
		{`| makemv tokenizer="([\w\d\-]+)" process`, `| makemv tokenizer="([\\w\\d\\-]+)" process`},
		{`| MAKEMV x allowempty=true setsv=f`, `| makemv allowempty=true setsv=f x`},
		// lookup, inputlookup.
		{`| lookup update=true t a as b c OUTPUTNEW d as e, f`, `| lookup update=true t a AS b c OUTPUTNEW d AS e, f`},
		{`| lookup t a output x as "Known Notes"`, `| lookup t a OUTPUT x AS "Known Notes"`},
		{`| lookup t a`, `| lookup t a`},
		{`| inputlookup append=t x.csv where a=1 b`, `| inputlookup append=t x.csv WHERE a=1 AND b`},
		// join and append with subsearches.
		{`| join type=outer process_guid [| tstats count where x=1 by a | rename "a.*" as *]`, `| join type=outer process_guid [| tstats count WHERE x=1 BY a | rename "a.*" AS *]`},
		{`| join malicious_id type=inner[search x | stats count]`, `| join type=inner malicious_id [search x | stats count]`},
		{`| join [ | inputlookup t.csv ]`, `| join [| inputlookup t.csv]`},
		{`| append extendtimerange=t [x=1 | head 1]`, `| append extendtimerange=t [x=1 | head 1]`},
		// Values with touching parentheses (ESCU "GetCurrent User with PowerShell").
		{`| tstats count where Processes.process=*GetCurrent()* by a`, `| tstats count WHERE Processes.process=*GetCurrent()* BY a`},
		{`x=a(b,c)d(e) y=f (g)`, `x=a(b,c)d(e) AND y=f AND g`},
		{`x IN (a(1), "b")`, `x IN (a(1), "b")`},
		// Untyped commands stay Generic.
		{`| transaction dest maxpause=5m | apply m`, `| transaction dest maxpause=5m | apply m`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err.(*Error).Format())
			}
			if got := p.String(); got != tt.want {
				t.Errorf("printed\n got: %s\nwant: %s", got, tt.want)
			}
			if msg := roundTrip(p); msg != "" {
				t.Error(msg)
			}
			for _, c := range p.Commands {
				if g, ok := c.(*Generic); ok && g.CommandName != "transaction" && g.CommandName != "apply" {
					t.Errorf("%q parsed as Generic", g.CommandName)
				}
			}
		})
	}
}

// exprTree renders an eval expression as a fully parenthesised tree, to pin
// down precedence and associativity independently of the printer.
func exprTree(e Expr) string {
	list := func(xs []Expr) string {
		parts := make([]string, len(xs))
		for i, v := range xs {
			parts[i] = exprTree(v)
		}
		return strings.Join(parts, " ")
	}
	switch e := e.(type) {
	case *Binary:
		return "(" + exprTree(e.Left) + " " + e.Op.String() + " " + exprTree(e.Right) + ")"
	case *Unary:
		return "(" + e.Op.String() + " " + exprTree(e.X) + ")"
	case *InList:
		return "(" + exprTree(e.X) + " IN [" + list(e.Values) + "])"
	case *Call:
		return e.Func + "[" + list(e.Args) + "]"
	case *Literal:
		if e.Kind == LitString {
			return "s:" + e.Text
		}
		return "n:" + e.Text
	case *FieldRef:
		if e.Quoted {
			return "q:" + e.Name
		}
		return e.Name
	}
	return "?"
}

func TestExprPrecedence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a OR b AND c", "(a OR (b AND c))"},
		{"a AND b OR c XOR d", "(((a AND b) OR c) XOR d)"},
		{"a or b and c", "(a OR (b AND c))"},
		{"NOT a AND b", "((NOT a) AND b)"},
		{"NOT a = b", "(NOT (a = b))"},
		{"not a=1 or b=2", "((NOT (a = n:1)) OR (b = n:2))"},
		{"a = b + c * d", "(a = (b + (c * d)))"},
		{"a - b - c", "((a - b) - c)"},
		{"a / b * c % d", "(((a / b) * c) % d)"},
		{"a . b + c", "((a . b) + c)"},
		{"-a * b", "((- a) * b)"},
		{"- -1", "(- (- n:1))"},
		{"a-1", "(a - n:1)"},
		{"x+y*2", "(x + (y * n:2))"},
		{"(a OR b) AND c", "((a OR b) AND c)"},
		{"a < b == c", "((a < b) == c)"},
		{`x LIKE "a%" AND y IN (1, "b", z)`, "((x LIKE s:a%) AND (y IN [n:1 s:b z]))"},
		{`in(x, 1) AND like(y, "%")`, "(in[x n:1] AND like[y s:%])"},
		// An unquoted dot is concatenation (Splunk: names with dots need
		// single quotes in eval/where), as ESCU's RTLO detections rely on.
		{"RTLO_command_1.RTLO_command_2", "(RTLO_command_1 . RTLO_command_2)"},
		{"Registry.dest . _time", "((Registry . dest) . _time)"},
		{"'Registry.dest' . _time", "(q:Registry.dest . _time)"},
		{"'Registry.dest'", "q:Registry.dest"},
		{`if(a, "x", 'y z')`, "if[a s:x q:y z]"},
		// A quoted field name inside a word after a string, as ESCU's
		// "Windows Steal Authentication Certificates - ESC1" searches write.
		{`"id: ".'RequestId'.". End"`, "((s:id:  . q:RequestId) . s:. End)"},
		{`a.'b.c'`, "(a . q:b.c)"},
		{"f()", "f[]"},
		{"mvindex(x, 0, -1)", "mvindex[x n:0 (- n:1)]"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			in := "| where " + tt.in
			p, err := Parse(in)
			if err != nil {
				t.Fatal(err.(*Error).Format())
			}
			w := p.Commands[0].(*Where)
			if got := exprTree(w.Expr); got != tt.want {
				t.Errorf("tree\n got: %s\nwant: %s", got, tt.want)
			}
			// The span covers the expression as written, except
			// that parentheses around the whole are not part of it.
			if sp := w.Expr.Span(); !strings.HasPrefix(tt.in, "(") && in[sp.Start:sp.End] != tt.in {
				t.Errorf("expr span = %q", in[sp.Start:sp.End])
			}
			if msg := roundTrip(p); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestEvalEscapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"C:\\windows\temp"`, "C:\\windows\temp"},
		{`"\d+\.exe"`, `\d+\.exe`},
		{`"a\"b"`, `a"b`},
		{`"\\\\127"`, `\\127`},
		{`"\n"`, `\n`},
		{`"end\\"`, `end\`},
	}
	for _, tt := range tests {
		p, err := Parse("| eval x=" + tt.in)
		if err != nil {
			t.Fatal(err)
		}
		lit := p.Commands[0].(*Eval).Assignments[0].Expr.(*Literal)
		if lit.Text != tt.want {
			t.Errorf("%s: Text = %q, want %q", tt.in, lit.Text, tt.want)
		}
		if msg := roundTrip(p); msg != "" {
			t.Error(msg)
		}
	}
}

func TestParseCommandAST(t *testing.T) {
	in := `| stats count(eval(x="a")) dc(Processes.dest) as n by a | sort 10 -count | dedup 2 a | head 3 | eval y='b c' | regex f!="r" | bin span=1h _time as t | lookup t a AS b OUTPUT c | fields - x`
	p, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Commands[0].(*Stats)
	if st.Aggs[0].Text != `count(eval(x = "a"))` || st.Aggs[0].Eval == nil || st.Aggs[0].Field != "" {
		t.Errorf("agg 0 = %+v", st.Aggs[0])
	}
	if a := st.Aggs[1]; a.Text != "dc(Processes.dest)" || a.Func != "dc" || a.Field != "Processes.dest" || a.Alias != "n" {
		t.Errorf("agg 1 = %+v", a)
	}
	if got := in[st.Aggs[0].Pos.Start:st.Aggs[0].Pos.End]; got != `count(eval(x="a"))` {
		t.Errorf("agg span = %q", got)
	}
	if len(st.By) != 1 || st.By[0] != "a" {
		t.Errorf("by = %v", st.By)
	}
	so := p.Commands[1].(*Sort)
	if so.Limit == nil || *so.Limit != 10 || len(so.Keys) != 1 || so.Keys[0] != (SortKey{Field: "count", Desc: true}) {
		t.Errorf("sort = %+v", so)
	}
	if d := p.Commands[2].(*Dedup); d.Count != 2 || len(d.Fields) != 1 {
		t.Errorf("dedup = %+v", d)
	}
	if h := p.Commands[3].(*Head); h.Count == nil || *h.Count != 3 {
		t.Errorf("head = %+v", h)
	}
	if f := p.Commands[4].(*Eval).Assignments[0].Expr.(*FieldRef); f.Name != "b c" || !f.Quoted {
		t.Errorf("eval field = %+v", f)
	}
	if r := p.Commands[5].(*Regex); r.Field != "f" || !r.Negate || r.Regex.Text != "r" {
		t.Errorf("regex = %+v", r)
	}
	if b := p.Commands[6].(*Bin); b.Field != "_time" || b.As != "t" || len(b.Options) != 1 || b.Name() != "bin" {
		t.Errorf("bin = %+v", b)
	}
	if l := p.Commands[7].(*Lookup); l.Table != "t" || l.Mode != "OUTPUT" || l.Inputs[0] != (LookupField{"a", "b"}) || l.Outputs[0] != (LookupField{Field: "c"}) {
		t.Errorf("lookup = %+v", l)
	}
	if f := p.Commands[8].(*Fields); !f.Remove || f.Fields[0].Text != "x" {
		t.Errorf("fields = %+v", f)
	}
	for _, c := range p.Commands {
		if got := in[c.Span().Start:c.Span().End]; !strings.HasPrefix(got, c.Name()) {
			t.Errorf("span of %s = %q", c.Name(), got)
		}
	}
}

func TestTstatsSpans(t *testing.T) {
	p, err := Parse(seedSearch)
	if err != nil {
		t.Fatal(err)
	}
	ts := p.Commands[0].(*Tstats)
	if got := seedSearch[ts.DatamodelPos.Start:ts.DatamodelPos.End]; got != "Endpoint.Registry" {
		t.Errorf("DatamodelPos = %q", got)
	}
	if len(ts.ByPos) != len(ts.By) {
		t.Fatalf("%d ByPos for %d By", len(ts.ByPos), len(ts.By))
	}
	for i, sp := range ts.ByPos {
		if got := seedSearch[sp.Start:sp.End]; got != ts.By[i] {
			t.Errorf("ByPos[%d] = %q, want %q", i, got, ts.By[i])
		}
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"| where",
			"1:8: unexpected end of search: expected an expression\n  | | where\n  |        ^"},
		{"| where a b",
			"1:11: unexpected \"b\": expected an operator such as AND or >, or \"|\"\n  | | where a b\n  |           ^"},
		{"| eval x=1 +",
			"1:13: unexpected end of search: expected an expression\n  | | eval x=1 +\n  |             ^"},
		{"| eval x=f(a,)",
			"1:14: unexpected \")\": expected an expression\n  | | eval x=f(a,)\n  |              ^"},
		{"| eval x=a$b",
			"1:11: unexpected \"$\" in expression: field names with such characters need single quotes\n  | | eval x=a$b\n  |           ^"},
		{"| eval x=\"a\".'b",
			"1:14: unterminated single-quoted field name in expression\n  | | eval x=\"a\".'b\n  |              ^~"},
		{"| eval x=1.2.3",
			"1:10: invalid number \"1.2.3\" in expression\n  | | eval x=1.2.3\n  |          ^~~~~"},
		{"| eval x=a+b-",
			"1:14: unexpected end of search: expected an expression\n  | | eval x=a+b-\n  |              ^"},
		{"| where x IN a",
			"1:14: unexpected \"a\": expected \"(\" after IN\n  | | where x IN a\n  |              ^"},
		{"| where AND",
			"1:9: unexpected AND: expected an expression\n  | | where AND\n  |         ^~~"},
		{"| where x = = 1",
			"1:13: unexpected \"=\": expected an expression\n  | | where x = = 1\n  |             ^"},
		{"| where f(a b)",
			"1:13: unexpected \"b\" in the arguments of f(): expected \",\" or \")\"\n  | | where f(a b)\n  |             ^"},
		{"| where x IN ()",
			"1:14: empty IN list: expected at least one value\n  | | where x IN ()\n  |              ^~"},
		{"| stats count(eval(x=))",
			"1:22: unexpected \")\": expected an expression\n  | | stats count(eval(x=))\n  |                      ^"},
		{"| stats",
			"1:8: unexpected end of search: expected a function such as count or values(field), BY fields or \"|\"\n  | | stats\n  |        ^"},
		{"| head x",
			"1:8: head takes a number of results or (expression), not \"x\"\n  | | head x\n  |        ^"},
		{"| regex x<\"a\"",
			"1:10: regex takes field=\"regex\" or field!=\"regex\", not \"<\"\n  | | regex x<\"a\"\n  |          ^"},
		{"| sort foo(x)",
			"1:12: unknown sort function \"foo\": expected num, str, ip or auto\n  | | sort foo(x)\n  |            ^"},
		{"| join x",
			"1:9: unexpected end of search: expected options, fields and a subsearch in [...]\n  | | join x\n  |         ^"},
		{"| lookup",
			"1:9: unexpected end of search: expected a lookup table, input fields and OUTPUT or OUTPUTNEW fields\n  | | lookup\n  |         ^"},
		{"| bin _time as t span=1h as u",
			"1:29: bin takes one AS name; \"u\" is the second\n  | | bin _time as t span=1h as u\n  |                             ^"},
		{"| makemv delim=\",\" x y", // the hint is makemv's own, not bin's
			"1:22: unexpected \"y\": expected options such as delim=\",\" and one field name\n  | | makemv delim=\",\" x y\n  |                      ^"},
		{"| mvexpand limit=2 x y",
			"1:22: unexpected \"y\": expected limit=<N> and a field name\n  | | mvexpand limit=2 x y\n  |                      ^"},
		{"x=a(b",
			"1:4: unclosed \"(\": no matching \")\"\n  | x=a(b\n  |    ^"},
	}
	checkParseErrors(t, tests)
}

// TestStatsByEmptyItem: an empty item in a stats BY list (`by a, , b`, as
// ESCU's windows_scheduled_task_dll_module_loaded writes it) is skipped.
func TestStatsByEmptyItem(t *testing.T) {
	p, err := Parse("search x | stats count by a, , b")
	if err != nil {
		t.Fatal(err)
	}
	st, ok := p.Commands[1].(*Stats)
	if !ok || len(st.By) != 2 || st.By[0] != "a" || st.By[1] != "b" {
		t.Errorf("stats = %#v, want BY a b", p.Commands[1])
	}
}

// TestStatsAliasWithParens: `values(aceFlags) as aceFlags(inheritance)`, as
// ESCU's AD ACL detections write it, names the field
// "aceFlags(inheritance)".
func TestStatsAliasWithParens(t *testing.T) {
	p, err := Parse("search x | stats values(a) as a(inh) values(b) as b by c")
	if err != nil {
		t.Fatal(err)
	}
	st := p.Commands[1].(*Stats)
	if len(st.Aggs) != 2 || st.Aggs[0].Alias != "a(inh)" || st.Aggs[1].Alias != "b" {
		t.Errorf("aggs %#v", st.Aggs)
	}
}
