package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

// base is 2024-09-30T14:05:09.547Z in epoch milliseconds.
const base int64 = 1727705109547

func fixture() []row {
	return []row{
		{"_time": base, "dest": "host1", "user": "alice", "registry_path": `HKLM\SYSTEM\Remote Manipulator System\x`, "action": "modified", "process_id": "10"},
		{"_time": base + 1000, "dest": "host1", "user": "alice", "registry_path": `HKLM\system\remote manipulator system\y`, "action": "modified", "process_id": "9"},
		{"_time": base + 2000, "dest": "Host2", "registry_path": `HKLM\Software\Run`, "action": "created", "process_id": "abc"},
		{"_time": base + 3000, "dest": "host1", "user": "bob", "registry_path": `HKLM\Software\Run`, "action": "deleted", "process_id": "100"},
		{"_time": base - 5000, "dest": "Zed", "user": "alice", "action": "modified"},
		{"_time": base + 4000, "dest": "apple", "user": "bob", "registry_path": `HKLM\Software\Run`, "action": "created", "process_id": "70"},
	}
}

// batchShapes are the (input rows per batch, output rows per batch) every
// result must be invariant under.
var batchShapes = [][2]int{{1, 1}, {3, 3}, {4096, 4096}, {2, 1}, {5, 2}}

func TestTstatsSemantics(t *testing.T) {
	tests := []struct {
		name, q string
		want    []string
	}{
		{"sort byte-wise, uppercase first", `| tstats count from datamodel=Endpoint.Registry by Registry.dest`, []string{
			"Registry.dest | count", "Host2 | 1", "Zed | 1", "apple | 1", "host1 | 3"}},
		{"null BY dropped", `| tstats count from datamodel=Endpoint.Registry by Registry.user`, []string{
			"Registry.user | count", "alice | 3", "bob | 2"}},
		{"fillnull_value=null is the string null", `| tstats fillnull_value=null count from datamodel=Endpoint.Registry by Registry.user`, []string{
			"Registry.user | count", "alice | 3", "bob | 2", "null | 1"}},
		{"fillnull_value after BY", `| tstats count from datamodel=Endpoint.Registry by Registry.user Registry.action fillnull_value="N/A"`, []string{
			"Registry.user | Registry.action | count", "N/A | created | 1", "alice | modified | 3", "bob | created | 1", "bob | deleted | 1"}},
		{"count vs count(f)", `| tstats count count(Registry.process_id) as n from datamodel=Endpoint.Registry by Registry.action`, []string{
			"Registry.action | count | n", "created | 2 | 2", "deleted | 1 | 1", "modified | 3 | 2"}},
		{"dc and values", `| tstats dc(Registry.dest) values(Registry.dest) as d distinct_count(Registry.user) from datamodel=Endpoint.Registry by Registry.action`, []string{
			"Registry.action | dc(Registry.dest) | d | distinct_count(Registry.user)",
			"created | 2 | Host2;apple | 1", "deleted | 1 | host1 | 1", "modified | 2 | Zed;host1 | 1"}},
		{"min/max numbers before strings", `| tstats min(Registry.process_id) max(Registry.process_id) from datamodel=Endpoint.Registry by Registry.action`, []string{
			"Registry.action | min(Registry.process_id) | max(Registry.process_id)",
			"created | 70 | abc", "deleted | 100 | 100", "modified | 9 | 10"}},
		{"min/max _time, no BY", `| tstats count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Registry where Registry.dest=HOST1`, []string{
			"count | firstTime | lastTime", "3 | 1727705109.547 | 1727705112.547"}},
		{"where glob case-insensitive whole value", `| tstats count from datamodel=Endpoint.Registry where Registry.registry_path="*\\SYSTEM\\Remote Manipulator System*" by Registry.registry_path`, []string{
			"Registry.registry_path | count", `HKLM\SYSTEM\Remote Manipulator System\x | 1`, `HKLM\system\remote manipulator system\y | 1`}},
		{"!= needs a value", `| tstats count from datamodel=Endpoint.Registry where Registry.user!=alice`, []string{"count", "2"}},
		{"NOT matches null", `| tstats count from datamodel=Endpoint.Registry where NOT Registry.user=alice`, []string{"count", "3"}},
		{"field=* excludes null", `| tstats count from datamodel=Endpoint.Registry where Registry.user=*`, []string{"count", "5"}},
		{"NOT field=* is null only", `| tstats count from datamodel=Endpoint.Registry where NOT Registry.user=*`, []string{"count", "1"}},
		{"IN is an OR of globs", `| tstats count from datamodel=Endpoint.Registry where Registry.dest IN (host*, zed)`, []string{"count", "5"}},
		{"OR and AND", `| tstats count from datamodel=Endpoint.Registry where Registry.action=created OR Registry.action=deleted Registry.user=bob`, []string{"count", "2"}},
		{"numeric > (non-numbers compare as strings)", `| tstats count from datamodel=Endpoint.Registry where Registry.process_id>50`, []string{"count", "3"}},
		{"numeric <", `| tstats count from datamodel=Endpoint.Registry where Registry.process_id<50`, []string{"count", "2"}},
		{"_time compares as epoch seconds", `| tstats count from datamodel=Endpoint.Registry where _time>=1727705111.547`, []string{"count", "3"}},
		{"no BY, nothing matched", `| tstats count count(Registry.dest) dc(Registry.dest) min(_time) values(Registry.dest) sum(Registry.process_id) from datamodel=Endpoint.Registry where Registry.dest=nomatch`, []string{
			"count | count(Registry.dest) | dc(Registry.dest) | min(_time) | values(Registry.dest) | sum(Registry.process_id)",
			"0 | 0 | 0 | <null> | <null> | <null>"}},
		{"BY, nothing matched", `| tstats count from datamodel=Endpoint.Registry where Registry.dest=nomatch by Registry.dest`, []string{"Registry.dest | count"}},
		{"earliest/latest", `| tstats earliest(Registry.dest) latest(Registry.dest) as last from datamodel=Endpoint.Registry by Registry.user`, []string{
			"Registry.user | earliest(Registry.dest) | last", "alice | Zed | host1", "bob | host1 | apple"}},
		{"sum/avg ignore non-numbers", `| tstats sum(Registry.process_id) avg(Registry.process_id) from datamodel=Endpoint.Registry by Registry.action`, []string{
			"Registry.action | sum(Registry.process_id) | avg(Registry.process_id)", "created | 70 | 70", "deleted | 100 | 100", "modified | 19 | 9.5"}},
		{"span buckets", `| tstats count from datamodel=Endpoint.Registry by _time span=2s`, []string{
			"_time | count", "1727705104 | 1", "1727705108 | 1", "1727705110 | 2", "1727705112 | 2"}},
		{"span 1d", `| tstats count from datamodel=Endpoint.Registry by _time Registry.action span=1d`, []string{
			"_time | Registry.action | count", "1727654400 | created | 2", "1727654400 | deleted | 1", "1727654400 | modified | 3"}},
		{"span 1mon", `| tstats count from datamodel=Endpoint.Registry by _time span=1mon`, []string{"_time | count", "1725148800 | 6"}},
		{"not a field: null, row dropped", `| tstats count from datamodel=Endpoint.Registry by Registry.nosuch`, []string{"Registry.nosuch | count"}},
		{"not a field with fillnull", `| tstats fillnull_value=x count from datamodel=Endpoint.Registry by Registry.nosuch`, []string{"Registry.nosuch | count", "x | 6"}},
		{"prefixed inherited field", `| tstats fillnull_value=none count from datamodel=Endpoint.Registry by Registry.host host`, []string{"Registry.host | host | count", "none | none | 6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, sh := range batchShapes {
				env := newTestEnv(t, fixture(), sh[0], sh[1])
				equalLines(t, fmt.Sprintf("%s at batch sizes %v", tc.q, sh), env.run(t, tc.q), tc.want)
			}
		})
	}
}

func TestTstatsWarnings(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	pl, err := env.eng.Plan(parse(t, `| tstats count from datamodel=Endpoint.Registry where Processes.x=1 by Registry.nosuch nodename`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Processes.x is not a field of Endpoint.Registry",
		"Registry.nosuch is not a field of Endpoint.Registry",
		"nodename is not a field of Endpoint.Registry",
	}
	equalLines(t, "warnings", pl.Warnings(), want)
}

func TestSeedPipeline(t *testing.T) {
	const q = `| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= "*\\SYSTEM\\Remote Manipulator System*" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | rename "Registry.*" as * | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(lastTime) | search *`
	want := []string{
		"registry_key_name | user | registry_path | registry_value_data | action | dest | count | firstTime | lastTime",
		`null | alice | HKLM\SYSTEM\Remote Manipulator System\x | null | modified | host1 | 1 | 2024-09-30T14:05:09 | 2024-09-30T14:05:09`,
		`null | alice | HKLM\system\remote manipulator system\y | null | modified | host1 | 1 | 2024-09-30T14:05:10 | 2024-09-30T14:05:10`,
	}
	for _, sh := range batchShapes {
		env := newTestEnv(t, fixture(), sh[0], sh[1])
		equalLines(t, fmt.Sprint("seed at ", sh), env.run(t, q), want)
	}
	env := newTestEnv(t, fixture(), 4096, 4096)
	pl, err := env.eng.Plan(parse(t, q))
	if err != nil {
		t.Fatal(err)
	}
	wantPlan := strings.Join([]string{
		`Search *`,
		`  Convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(lastTime)`,
		`    Convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)`,
		`      Rename Registry.* AS *`,
		`        Tstats datamodel=Endpoint.Registry aggs=[count, min(_time) AS firstTime, max(_time) AS lastTime] where=Registry.registry_path="*\\SYSTEM\\Remote Manipulator System*" by=[Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest] fillnull_value=null ignored=[summariesonly=false allow_old_summaries=true]`,
		``}, "\n")
	if got := pl.String(); got != wantPlan {
		t.Errorf("plan:\ngot:\n%s\nwant:\n%s", got, wantPlan)
	}
}

// TestTstatsDuplicateNames checks that tstats, like stats, refuses two
// output columns of one name, with the error at the second result (at
// tstats for a BY field listed twice).
func TestTstatsDuplicateNames(t *testing.T) {
	tests := []struct {
		q    string
		at   string // the error starts at the last occurrence of this text
		want string
	}{
		{`| tstats count as x count as x` + from, `count`, `tstats: the results count AS x and count AS x have the same name x; rename one with AS`},
		{`| tstats count dc(Registry.dest) as count` + from, `dc(`, `tstats: the results count and dc(Registry.dest) AS count have the same name count; rename one with AS`},
		{`| tstats count` + from + ` by Registry.dest Registry.dest`, `tstats`, `tstats: the BY field Registry.dest is listed twice`},
		{`| tstats count as Registry.dest` + from + ` by Registry.dest`, `count`, `tstats: the result count AS Registry.dest cannot have the same name as a BY field`},
	}
	env := newTestEnv(t, fixture(), 4096, 4096)
	for _, tc := range tests {
		_, err := env.eng.Plan(parse(t, tc.q))
		var se *spl.Error
		if !errors.As(err, &se) {
			t.Errorf("Plan(%q) error = %v, want *spl.Error", tc.q, err)
			continue
		}
		if se.Msg != tc.want {
			t.Errorf("Plan(%q) = %q, want %q", tc.q, se.Msg, tc.want)
		}
		if want := strings.LastIndex(tc.q, tc.at); se.Pos.Start != want {
			t.Errorf("Plan(%q) error at %d, want %d", tc.q, se.Pos.Start, want)
		}
	}
	// Different names are fine, and the same field under two functions.
	if _, err := env.eng.Plan(parse(t, `| tstats count count(Registry.dest) min(_time) as t max(_time)`+from+` by Registry.dest Registry.user`)); err != nil {
		t.Errorf("distinct names: %v", err)
	}
}
