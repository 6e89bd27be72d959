package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

// shapeBase turns fixture() into one result row per event (ordered by
// _time) with fields _time, dest, user, action, process_id, count; the
// events without a user or process_id get null there (through a "NULL"
// fill value and eval). In _time order the rows are:
//
//	t-5  Zed    alice  modified  null
//	t0   host1  alice  modified  10
//	t1   host1  alice  modified  9
//	t2   Host2  null   created   abc
//	t3   host1  bob    deleted   100
//	t4   apple  bob    created   70
const shapeBase = `| tstats fillnull_value=NULL count from datamodel=Endpoint.Registry by _time Registry.dest Registry.user Registry.action Registry.process_id | rename Registry.* as * | eval user=if(user="NULL", null(), user), process_id=if(process_id="NULL", null(), process_id)`

func TestShapingCommands(t *testing.T) {
	tests := []struct {
		name, q string
		want    []string
	}{
		// stats
		{"stats null BY dropped", `| stats count by user`, []string{"user | count", "alice | 3", "bob | 2"}},
		{"stats without BY", `| stats count`, []string{"count", "6"}},
		{"stats without BY on empty input", `| search dest=nosuch | stats count dc(dest) values(dest)`, []string{"count | dc(dest) | values(dest)", "0 | 0 | <null>"}},
		{"stats with BY on empty input", `| search dest=nosuch | stats count by dest`, []string{"dest | count"}},
		{"stats value functions", `| stats count(user) dc(dest) values(dest) list(process_id) as l first(dest) last(dest) by action`, []string{
			"action | count(user) | dc(dest) | values(dest) | l | first(dest) | last(dest)",
			"created | 1 | 2 | Host2;apple | abc;70 | Host2 | apple",
			"deleted | 1 | 1 | host1 | 100 | host1 | host1",
			"modified | 3 | 2 | Zed;host1 | 10;9 | Zed | host1"}},
		// Numbers 10, 9, 100, 70 (abc is not one): sum 189, avg 47.25,
		// range 91, median of 9 10 70 100 is the higher middle 70, perc50
		// interpolates 10+0.5*(70-10)=40, sample variance 6150.75/3.
		{"stats numeric functions", `| stats sum(process_id) avg(process_id) min(process_id) max(process_id) range(process_id) median(process_id) perc50(process_id) p25(process_id) var(process_id) varp(process_id) mode(action)`, []string{
			"sum(process_id) | avg(process_id) | min(process_id) | max(process_id) | range(process_id) | median(process_id) | perc50(process_id) | p25(process_id) | var(process_id) | varp(process_id) | mode(action)",
			"189 | 47.25 | 9 | abc | 91 | 70 | 40 | 9.75 | 2050.25 | 1537.6875 | modified"}},
		{"stats count(eval())", `| stats count(eval(action="modified")) as m count(eval(action="created")) as c count`, []string{"m | c | count", "3 | 2 | 6"}},
		{"stats earliest/latest by _time", `| stats earliest(dest) latest(dest) earliest(user) latest(user)`, []string{
			"earliest(dest) | latest(dest) | earliest(user) | latest(user)", "Zed | apple | alice | bob"}},
		// process_id numbers: alice 10 at t0, 9 at t1; bob 100 at t3, 70
		// at t4 (one second apart each), so rate is -1 and -30.
		{"stats earliest_time/latest_time/rate", `| stats earliest_time(process_id) as e latest_time(process_id) as l rate(process_id) by user`, []string{
			"user | e | l | rate(process_id)",
			"alice | 1727705109.547 | 1727705110.547 | -1",
			"bob | 1727705112.547 | 1727705113.547 | -30"}},
		{"eventstats rate", `| eventstats rate(process_id) as r by user | table dest r`, []string{
			"dest | r", "Zed | -1", "host1 | -1", "host1 | -1", "Host2 | <null>", "host1 | -30", "apple | -30"}},
		{"stats multivalue BY splits", `| stats values(action) as acts by dest | stats count by acts`, []string{
			"acts | count", "created | 2", "deleted | 1", "modified | 2"}},
		{"stats stdev", `| stats stdev(count) stdevp(count)`, []string{"stdev(count) | stdevp(count)", "0 | 0"}},
		// eventstats
		{"eventstats keeps rows and order", `| eventstats count as n by user | table dest user n`, []string{
			"dest | user | n", "Zed | alice | 3", "host1 | alice | 3", "host1 | alice | 3", "Host2 | <null> | <null>", "host1 | bob | 2", "apple | bob | 2"}},
		{"eventstats without BY", `| eventstats dc(dest) as d | table dest d | head 2`, []string{"dest | d", "Zed | 4", "host1 | 4"}},
		// table and fields
		{"table creates absent listed fields", `| table dest nosuch | head 2`, []string{"dest | nosuch", "Zed | <null>", "host1 | <null>"}},
		{"table wildcard", `| table *er | head 1`, []string{"user", "alice"}},
		{"fields keeps _time", `| fields dest | head 1`, []string{"_time | dest", "1727705104.547 | Zed"}},
		{"fields - * keeps _time", `| fields - * | head 1`, []string{"_time", "1727705104.547"}},
		{"fields - _* removes _time", `| fields - _* | table * | head 1`, []string{"dest | user | action | process_id | count", "Zed | alice | modified | <null> | 1"}},
		{"fields - removes", `| fields - _time count process_id | fields user, dest | head 1`, []string{"user | dest", "alice | Zed"}},
		// dedup
		{"dedup drops null", `| dedup user | table dest user`, []string{"dest | user", "Zed | alice", "host1 | bob"}},
		{"dedup keepempty", `| dedup user keepempty=true | table dest user`, []string{"dest | user", "Zed | alice", "Host2 | <null>", "host1 | bob"}},
		{"dedup N", `| dedup 2 dest | table dest`, []string{"dest", "Zed", "host1", "host1", "Host2", "apple"}},
		{"dedup consecutive", `| dedup dest consecutive=true | table dest`, []string{"dest", "Zed", "host1", "Host2", "host1", "apple"}},
		// sortby sorts first (descending byte-wise: host1 x3, apple, Zed,
		// Host2), then the first row of each user is kept: host1 alice,
		// host1 bob.
		{"dedup sortby", `| dedup user sortby -dest | table dest user`, []string{"dest | user", "host1 | alice", "host1 | bob"}},
		{"dedup sortby ascending", `| dedup user sortby +dest | table dest user`, []string{"dest | user", "Zed | alice", "apple | bob"}},
		// sort
		{"sort numbers before strings, missing last", `| sort process_id | table process_id`, []string{"process_id", "9", "10", "70", "100", "abc", "<null>"}},
		{"sort descending, missing still last", `| sort - process_id | table process_id`, []string{"process_id", "abc", "100", "70", "10", "9", "<null>"}},
		{"sort str()", `| sort str(process_id) | table process_id`, []string{"process_id", "10", "100", "70", "9", "abc", "<null>"}},
		{"sort N, byte-wise", `| sort 2 dest | table dest`, []string{"dest", "Host2", "Zed"}},
		{"sort d reverses, stable", `| sort dest d | table _time dest`, []string{"_time | dest",
			"1727705109.547 | host1", "1727705110.547 | host1", "1727705112.547 | host1", "1727705113.547 | apple", "1727705104.547 | Zed", "1727705111.547 | Host2"}},
		{"sort two keys", `| sort action -dest | table action dest`, []string{"action | dest",
			"created | apple", "created | Host2", "deleted | host1", "modified | host1", "modified | host1", "modified | Zed"}},
		// head
		{"head N", `| head 2 | table dest`, []string{"dest", "Zed", "host1"}},
		{"head default 10", `| head | stats count`, []string{"count", "6"}},
		{"head (expr)", `| head (action="modified") | table dest`, []string{"dest", "Zed", "host1", "host1"}},
		{"head keeplast", `| head (action="modified") keeplast=true | table dest`, []string{"dest", "Zed", "host1", "host1", "Host2"}},
		{"head null=true", `| head (user="alice") null=true | table dest`, []string{"dest", "Zed", "host1", "host1", "Host2"}},
		{"head null false stops", `| head (user="alice") | table dest`, []string{"dest", "Zed", "host1", "host1"}},
		{"head limit=", `| head (action="modified") limit=1 | table dest`, []string{"dest", "Zed"}},
		// fillnull
		{"fillnull listed", `| fillnull value=NA user | table dest user | search dest=Host2`, []string{"dest | user", "Host2 | NA"}},
		{"fillnull all fields", `| fillnull | table user process_id | head 1`, []string{"user | process_id", "alice | 0"}},
		{"fillnull creates", `| fillnull value=x newf | table dest newf | head 1`, []string{"dest | newf", "Zed | x"}},
		// rex
		{"rex named groups", `| rex field=dest "^(?<first>[a-z])(?<rest>.*)" | table dest first rest | dedup dest`, []string{
			"dest | first | rest", "Zed | <null> | <null>", "host1 | h | ost1", "Host2 | <null> | <null>", "apple | a | pple"}},
		{"rex max_match=0", `| rex field=dest max_match=0 "(?<v>[aeiou])" | table dest v | dedup dest`, []string{
			"dest | v", "Zed | e", "host1 | o", "Host2 | o", "apple | a;e"}},
		{"rex sed g", `| rex field=dest mode=sed "s/o/0/g" | table dest | dedup dest`, []string{"dest", "Zed", "h0st1", "H0st2", "apple"}},
		// Only the second "e" is replaced; "modified" has one.
		{"rex sed backreference and nth", `| rex field=action mode=sed "s/(e)/<\1>/2" | table action | dedup action`, []string{"action", "modified", "creat<e>d", "del<e>ted"}},
		{"rex sed y", `| rex field=dest mode=sed "y/abc/xyz/" | table dest | dedup dest`, []string{"dest", "Zed", "host1", "Host2", "xpple"}},
		// regex
		{"regex keeps matches", `| regex dest="^h" | table dest`, []string{"dest", "host1", "host1", "host1"}},
		{"regex != keeps non-matches and nulls", `| regex user!="^a" | table dest`, []string{"dest", "Host2", "host1", "apple"}},
		{"regex on absent _raw keeps nothing", `| regex "x" | table dest`, []string{"dest"}},
		// bin
		{"bin _time span=1h", `| bin _time span=1h | stats count by _time`, []string{"_time | count", "1727704800 | 6"}},
		{"bin numeric span gives ranges", `| bin process_id span=50 | table process_id`, []string{"process_id", "<null>", "0-50", "0-50", "abc", "100-150", "50-100"}},
		// mvexpand
		{"mvexpand", `| stats values(dest) as d by action | mvexpand d | table action d`, []string{"action | d",
			"created | Host2", "created | apple", "deleted | host1", "modified | Zed", "modified | host1"}},
		{"mvexpand limit", `| stats values(dest) as d | mvexpand limit=2 d`, []string{"d", "Host2", "Zed"}},
	}
	for _, shape := range batchShapes {
		env := newTestEnv(t, fixture(), shape[0], shape[1])
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := env.run(t, shapeBase+" "+tt.q)
				equalLines(t, tt.q, got, tt.want)
			})
		}
	}
}

func TestShapingPlanErrors(t *testing.T) {
	env := newTestEnv(t, fixture(), 10, 10)
	tests := []struct{ q, msg string }{
		{`| rex field=dest "(?<x>a)\K"`, `\K (keep-out)`},
		{`| rex field=dest "(a)"`, "no named group"},
		{`| rex mode=sed "q/a/b/"`, "want s/regex"},
		{`| regex dest="a\1"`, "undefined group number 1"},
		{`| bin _time bins=10`, "unsupported bin option bins="},
		{`| bin _time span=3x`, "unknown unit"},
		{`| stats frob(dest)`, "unknown stats function frob()"},
		{`| stats perc101(count)`, "above 100"},
		{`| stats per_second(count)`, "per_second() is not implemented"},
		{`| stats sum(eval(count>1))`, "needs a value"},
		{`| stats count by dest*`, "wildcards"},
		{`| stats count by dest dest`, "BY field dest is listed twice"},
		{`| stats count as dest by dest`, "count AS dest cannot have the same name as a BY field"},
		{`| stats count as n dc(user) as n`, "count AS n and dc(user) AS n have the same name n"},
		{`| stats count count`, "count and count have the same name count"},
		{`| dedup dest keepevents=true`, "keepevents"},
		{`| head 5 foo=1`, "unknown head option"},
		{`| head 5 keeplast=maybe`, "head keeplast=maybe: want true or false"},
		{`| dedup dest keepempty=flase`, "dedup keepempty=flase: want true or false"},
		{`| makemv setsv=2 dest`, "makemv setsv=2: want true or false"},
		{`| join overwrite=x dest [| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename Registry.dest as dest]`, "join overwrite=x: want true or false"},
	}
	for _, tt := range tests {
		p, err := spl.Parse(shapeBase + " " + tt.q)
		if err != nil {
			t.Errorf("parse %q: %v", tt.q, err)
			continue
		}
		_, err = env.eng.Plan(p)
		var se *spl.Error
		if !errors.As(err, &se) || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Plan(%q) = %v, want a positioned error containing %q", tt.q, err, tt.msg)
			continue
		}
		if se.Pos.Start < len(shapeBase) {
			t.Errorf("Plan(%q) error at %d, before the command (offset %d)", tt.q, se.Pos.Start, len(shapeBase))
		}
	}
}

// TestSortLimit checks the implicit 10000-row limit of sort on a result of
// 10050 rows, and that sort 0 and sort N lift or set it.
func TestSortLimit(t *testing.T) {
	var rows []row
	for i := range 10050 {
		rows = append(rows, row{"_time": base + int64(i), "dest": "h", "action": "a"})
	}
	env := newTestEnv(t, rows, 4096, 4096)
	q := `| tstats count from datamodel=Endpoint.Registry by _time | sort `
	for _, tt := range []struct {
		sort string
		want int
	}{{"- _time", 10000}, {"0 - _time", 10050}, {"10049 _time", 10049}} {
		pl, err := env.eng.Plan(parse(t, q+tt.sort))
		if err != nil {
			t.Fatal(err)
		}
		res, err := env.eng.Execute(context.Background(), pl)
		if err != nil {
			t.Fatal(err)
		}
		if res.NumRows() != tt.want {
			t.Errorf("sort %s: %d rows, want %d", tt.sort, res.NumRows(), tt.want)
		}
		if tt.sort == "- _time" {
			// Descending: the first row is the latest time.
			if got := res.Cell(0, 0); len(got) != 1 || got[0] != "1727705119.596" {
				t.Errorf("sort - _time: first _time %v, want 1727705119.596", got)
			}
		}
		res.Release()
	}
}

// TestBinAs runs `bucket _time span=5s as t`: AS after the options.
func TestBinAs(t *testing.T) {
	for _, shape := range batchShapes {
		env := newTestEnv(t, fixture(), shape[0], shape[1])
		p := parse(t, shapeBase+` | bucket _time span=5s as t | table t | dedup t`)
		if b := p.Commands[len(p.Commands)-3].(*spl.Bin); b.As != "t" {
			t.Fatalf("bucket parsed with As %q, want t", b.As)
		}
		pl, err := env.eng.Plan(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := env.eng.Execute(context.Background(), pl)
		if err != nil {
			t.Fatal(err)
		}
		// _time base-5s .. base+4s, base = ...109.547: 5 s buckets start at
		// 100, 105 and 110.
		equalLines(t, "bucket as", renderResult(res), []string{"t", "1727705100", "1727705105", "1727705110"})
		res.Release()
	}
}
