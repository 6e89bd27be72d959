package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

const from = ` from datamodel=Endpoint.Registry`

func TestRename(t *testing.T) {
	tests := []struct {
		name, q string
		want    []string
	}{
		{"wildcard strips prefix, collision overwrites, position kept",
			`| tstats count values(Registry.user) as dest` + from + ` by Registry.dest Registry.action | rename "Registry.*" as *`,
			[]string{"dest | action | count", "Host2 | created | 1", "Zed | modified | 1", "apple | created | 1", "host1 | deleted | 1", "host1 | modified | 2"}},
		{"plain rename keeps position",
			`| tstats count` + from + ` by Registry.action | rename count as "Count of Events"`,
			[]string{"Registry.action | Count of Events", "created | 2", "deleted | 1", "modified | 3"}},
		{"absent source removes the target",
			`| tstats count` + from + ` by Registry.action | rename nosuch as count`,
			[]string{"Registry.action", "created", "deleted", "modified"}},
		{"absent wildcard source is a no-op",
			`| tstats count` + from + ` by Registry.action | rename Processes.* as *`,
			[]string{"Registry.action | count", "created | 2", "deleted | 1", "modified | 3"}},
		{"several pairs in order",
			`| tstats count` + from + ` by Registry.action | rename Registry.action as a, a as b, count as a`,
			[]string{"b | a", "created | 2", "deleted | 1", "modified | 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, fixture(), 2, 2)
			equalLines(t, tc.q, env.run(t, tc.q), tc.want)
		})
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name, q string
		want    []string
	}{
		{"default timeformat",
			`| tstats min(_time) as t` + from + ` by Registry.action | convert ctime(t)`,
			[]string{"Registry.action | t", "created | 09/30/2024 14:05:11", "deleted | 09/30/2024 14:05:12", "modified | 09/30/2024 14:05:04"}},
		{"ESCU timeformat with AS appends",
			`| tstats min(_time) as t` + from + ` by Registry.action | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(t) as c`,
			[]string{"Registry.action | t | c", "created | 1727705111.547 | 2024-09-30T14:05:11", "deleted | 1727705112.547 | 2024-09-30T14:05:12", "modified | 1727705104.547 | 2024-09-30T14:05:04"}},
		{"non-numeric values unchanged, numeric strings converted",
			`| tstats count` + from + ` by Registry.process_id | convert timeformat="%Y" ctime(Registry.process_id)`,
			[]string{"Registry.process_id | count", "1970 | 1", "1970 | 1", "1970 | 1", "1970 | 1", "abc | 1"}},
		{"wildcard field and none()",
			`| tstats min(_time) as firstTime max(_time) as lastTime` + from + ` by Registry.action | convert timeformat="%H:%M:%S" ctime(*Time) none(lastTime)`,
			[]string{"Registry.action | firstTime | lastTime", "created | 14:05:11 | 1727705113.547", "deleted | 14:05:12 | 1727705112.547", "modified | 14:05:04 | 1727705110.547"}},
		{"rmunit, memk, dur2sec",
			`| tstats count` + from + ` by Registry.action | convert memk(count) as m dur2sec(count) as d rmunit(Registry.action)`,
			[]string{"Registry.action | count | m | d", "created | 2 | 2 | 2", "deleted | 1 | 1 | 1", "modified | 3 | 3 | 3"}},
		{"num removes non-numbers",
			`| tstats count` + from + ` by Registry.process_id | convert num(Registry.process_id)`,
			[]string{"Registry.process_id | count", "10 | 1", "100 | 1", "70 | 1", "9 | 1", "<null> | 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, fixture(), 3, 2)
			equalLines(t, tc.q, env.run(t, tc.q), tc.want)
		})
	}
}

func TestConvertValueFuncs(t *testing.T) {
	tests := []struct {
		fn   func(string) (string, bool)
		in   string
		want string
		ok   bool
	}{
		{dur2sec, "00:10:15", "615", true}, {dur2sec, "1+00:00:01", "86401", true}, {dur2sec, "10:15", "", false},
		{mstime, "01:02.5", "62.5", true}, {mstime, "3.25", "3.25", true}, {mstime, "x", "", false},
		{memk, "10m", "10240", true}, {memk, "2g", "2097152", true}, {memk, "7", "7", true}, {memk, "k", "", false},
		{rmunit, "212 sec", "212", true}, {rmunit, "1.5GB", "1.5", true}, {rmunit, "sec", "", false},
	}
	for _, tc := range tests {
		got, ok := tc.fn(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("convert of %q = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSearch(t *testing.T) {
	agg := `| tstats count min(Registry.process_id) as m values(Registry.user) as u` + from + ` by Registry.dest | rename Registry.dest as dest`
	const ipEval = ` | eval ip=case(dest="host1", "10.1.2.3", dest="apple", "10.200.0.1", dest="Zed", "fe80::1")`
	tests := []struct {
		name, q string
		want    []string
	}{
		{"search * keeps all", agg + ` | search *`, []string{"dest | count | m | u", "Host2 | 1 | abc | <null>", "Zed | 1 | <null> | alice", "apple | 1 | 70 | bob", "host1 | 3 | 9 | alice;bob"}},
		{"values case-insensitive glob", agg + ` | search dest=HOST*`, []string{"dest | count | m | u", "Host2 | 1 | abc | <null>", "host1 | 3 | 9 | alice;bob"}},
		{"field names case-sensitive", agg + ` | search Dest=host1`, []string{"dest | count | m | u"}},
		{"bare term matches nothing", agg + ` | search host1`, []string{"dest | count | m | u"}},
		{"number compared as string for =", agg + ` | search count=3`, []string{"dest | count | m | u", "host1 | 3 | 9 | alice;bob"}},
		{"number compared numerically for >", agg + ` | search m>10`, []string{"dest | count | m | u", "Host2 | 1 | abc | <null>", "apple | 1 | 70 | bob"}},
		{"multivalue: any value", agg + ` | search u=bob`, []string{"dest | count | m | u", "apple | 1 | 70 | bob", "host1 | 3 | 9 | alice;bob"}},
		{"!= excludes null", agg + ` | search m!=9`, []string{"dest | count | m | u", "Host2 | 1 | abc | <null>", "apple | 1 | 70 | bob"}},
		{"NOT includes null", agg + ` | search NOT m=9`, []string{"dest | count | m | u", "Host2 | 1 | abc | <null>", "Zed | 1 | <null> | alice", "apple | 1 | 70 | bob"}},
		{"multivalue != means no value matches", agg + ` | search u!=alice`, []string{"dest | count | m | u", "apple | 1 | 70 | bob"}},
		// spl-semantics §2.2: a CIDR value matches the IPs in the subnet.
		{"CIDR", agg + ipEval + ` | search ip="10.0.0.0/8" | table dest ip`, []string{"dest | ip", "apple | 10.200.0.1", "host1 | 10.1.2.3"}},
		{"CIDR in IN, IPv6", agg + ipEval + ` | search ip IN ("fe80::/10", "10.1.0.0/16") | table dest ip`, []string{"dest | ip", "Zed | fe80::1", "host1 | 10.1.2.3"}},
		{"CIDR !=", agg + ipEval + ` | search ip!="10.0.0.0/8" | table dest ip`, []string{"dest | ip", "Zed | fe80::1"}},
		{"IN and OR", agg + ` | search dest IN (zed, apple) OR count>2`, []string{"dest | count | m | u", "Zed | 1 | <null> | alice", "apple | 1 | 70 | bob", "host1 | 3 | 9 | alice;bob"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, sh := range batchShapes {
				env := newTestEnv(t, fixture(), sh[0], sh[1])
				equalLines(t, tc.q, env.run(t, tc.q), tc.want)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		q    string
		at   string // the error starts at the first occurrence of this text
		want string
	}{
		{`| tstats count` + from + ` | foo bar`, `foo`, `unsupported command "foo"`},
		{`| tstats count` + from + " | `drop_dm_object_name(Registry)`", "`drop", "macro `drop_dm_object_name` was not expanded"},
		{"| tstats `security_content_summariesonly` count" + from, "`security", "macro `security_content_summariesonly` was not expanded"},
		{"| tstats count" + from + " where Registry.dest=x `m`", "`m`", "macro `m` was not expanded"},
		// Every command is checked, not only tstats, search, rename and
		// convert: unexpanded, these would plan a column named `m1`.
		{`| tstats count` + from + " | table Registry.dest `m1`", "`m1`", "macro `m1` was not expanded"},
		{`| tstats count` + from + " | fillnull value=`m2` count", "`m2`", "macro `m2` was not expanded"},
		{`| tstats count` + from + " | fields `m5`", "`m5`", "macro `m5` was not expanded"},
		{`| tstats count` + from + " | join count [| tstats count" + from + " where `m6`]", "`m6`", "macro `m6` was not expanded"},
		// The macro is reported before an error of an earlier command.
		{`| tstats count` + from + " | foo bar | table `m7`", "`m7`", "macro `m7` was not expanded"},
		{`tstats count` + from, `tstats`, `leading pipe`},
		{`| tstats count` + from + ` | TSTATS count` + from, `TSTATS`, `tstats must be the first command`},
		{`| tstats count from datamodel=Endpoint.Nope`, `tstats`, `unknown datamodel dataset "Endpoint.Nope"; known datasets: Endpoint.Registry`},
		{`| tstats list(Registry.dest)` + from, `list`, `tstats does not support the function list()`},
		{`| tstats count p95(Registry.dest)` + from, `p95`, `tstats does not support the function p95()`},
		{`| tstats mean(Registry.dest)` + from, `mean`, `tstats does not support the function mean()`},
		{`| tstats c(Registry.dest)` + from, `c(`, `tstats does not support the function c()`},
		{`| tstats per_second(Registry.dest)` + from, `per_second`, `tstats does not support the function per_second()`},
		{`| tstats estdc_error(Registry.dest)` + from, `estdc_error`, `tstats does not support the function estdc_error()`},
		{`| tstats perc101(Registry.dest)` + from, `perc101`, `percentile 101 is above 100`},
		{`| tstats count` + from + ` where foo`, `foo`, `bare search term foo`},
		{`| tstats count` + from + ` | rename Registry.* as x`, `Registry.*`, `wildcard mismatch`},
		{`| tstats count` + from + ` | convert bogus(count)`, `convert`, `unsupported convert function bogus()`},
		{`| tstats count` + from + ` by _time span=3q`, `tstats`, `unknown unit`},
		{`| tstats count` + from + ` by Registry.dest span=1h`, `tstats`, `span= needs _time`},
		{`| tstats prestats=t count` + from, `prestats`, `unsupported tstats option prestats=t`},
		{`| tstats bogus=1 count` + from, `bogus`, `unknown tstats option`},
		{`| tstats count` + from + ` where Registry.dest=a OR earliest=-24h`, `earliest`, `time modifier`},
		{`search foo [| inputlookup x.csv]`, `[`, `subsearch] term in a search over raw events`},
		{`| tstats count`, `tstats`, `without FROM`},
	}
	env := newTestEnv(t, fixture(), 4096, 4096)
	for _, tc := range tests {
		p, err := spl.Parse(tc.q)
		if err != nil {
			t.Errorf("parse %q: %v", tc.q, err)
			continue
		}
		_, err = env.eng.Plan(p)
		var se *spl.Error
		if !errors.As(err, &se) {
			t.Errorf("Plan(%q) error = %v, want *spl.Error", tc.q, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.want) {
			t.Errorf("Plan(%q) = %q, want it to contain %q", tc.q, se.Msg, tc.want)
		}
		if want := strings.Index(tc.q, tc.at); se.Pos.Start != want {
			t.Errorf("Plan(%q) error at %d, want %d (%q)\n%s", tc.q, se.Pos.Start, want, tc.at, (&spl.Error{Pos: se.Pos, Msg: se.Msg, Text: tc.q}).Format())
		}
		if se.Text != "" {
			t.Errorf("Plan(%q) filled Text", tc.q)
		}
	}
}

func TestExecuteCancelled(t *testing.T) {
	env := newTestEnv(t, fixture(), 1, 1)
	pl, err := env.eng.Plan(parse(t, `| tstats count`+from+` by Registry.dest`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := env.eng.Execute(ctx, pl)
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Execute on a cancelled context = %v, %v; want context.Canceled", res, err)
	}
}

func TestPlanReusable(t *testing.T) {
	env := newTestEnv(t, fixture(), 2, 2)
	pl, err := env.eng.Plan(parse(t, `| tstats count`+from+` where Registry.dest=host* by Registry.dest | search count>1`))
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	for i := 0; i < 2; i++ {
		res, err := env.eng.Execute(context.Background(), pl)
		if err != nil {
			t.Fatal(err)
		}
		got := renderResult(res)
		res.Release()
		if i == 0 {
			first = got
			equalLines(t, "first run", got, []string{"Registry.dest | count", "host1 | 3"})
		} else {
			equalLines(t, "second run", got, first)
		}
	}
}

func TestPlanErrorsFromAST(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	tests := []struct {
		p    *spl.Pipeline
		want string
		pos  int
	}{
		{&spl.Pipeline{LeadingPipe: true, Commands: []spl.Command{&spl.Tstats{
			Aggs: []spl.Aggregate{{Func: "sum", Pos: spl.Span{Start: 9, End: 12}}}, Datamodel: "Endpoint.Registry", Pos: spl.Span{Start: 2, End: 40}}}},
			"tstats function sum() needs a field", 9},
		{&spl.Pipeline{LeadingPipe: true, Commands: []spl.Command{&spl.Generic{CommandName: "inputlookup", Pos: spl.Span{Start: 2, End: 20}}}},
			`unsupported command "inputlookup"`, 2},
		{&spl.Pipeline{}, "empty search", 0},
	}
	for _, tc := range tests {
		_, err := env.eng.Plan(tc.p)
		var se *spl.Error
		if !errors.As(err, &se) || se.Msg != tc.want || se.Pos.Start != tc.pos {
			t.Errorf("Plan error = %v, want %q at %d", err, tc.want, tc.pos)
		}
	}
}
