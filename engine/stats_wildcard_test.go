package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

// TestStatsWildcards checks func(*) over the fields not in BY, with AS
// wildcards keeping or rewriting the names, over the shapeBase rows (in
// _time order: Zed/alice/modified/null, host1/alice/modified/10,
// host1/alice/modified/9, Host2/null/created/abc, host1/bob/deleted/100,
// apple/bob/created/70).
func TestStatsWildcards(t *testing.T) {
	tests := []struct {
		name, q string
		want    []string
	}{
		{"latest(*) as * keeps the names, skips _time",
			`| stats latest(*) as * by action`, []string{
				"action | dest | user | process_id | count",
				"created | apple | bob | 70 | 1",
				"deleted | host1 | bob | 100 | 1",
				"modified | host1 | alice | 9 | 1"}},
		{"values(*) as * with two BY fields",
			`| fields dest user process_id | stats values(*) as * by dest user`, []string{
				"dest | user | process_id",
				"Zed | alice | <null>",
				"apple | bob | 70",
				"host1 | alice | 10;9",
				"host1 | bob | 100"}},
		{"prefix pattern, AS rewrites",
			`| stats dc(d*) as n_* max(p*) as top_* by action`, []string{
				"action | n_est | top_rocess_id",
				"created | 2 | abc",
				"deleted | 1 | 100",
				"modified | 2 | 10"}},
		{"no AS names func(field)",
			`| fields dest user | stats count(u*)`, []string{"count(user)", "5"}},
		{"_* matches internal fields",
			`| stats max(_*) as m*`, []string{"mtime", "1727705113.547"}},
		{"a field produced twice keeps the first",
			`| stats first(dest) as dest first(*) as * by action`, []string{
				"action | dest | user | process_id | count",
				"created | Host2 | bob | abc | 1",
				"deleted | host1 | bob | 100 | 1",
				"modified | Zed | alice | 10 | 1"}},
	}
	for _, shape := range batchShapes {
		env := newTestEnv(t, fixture(), shape[0], shape[1])
		for _, tc := range tests {
			got := env.run(t, shapeBase+" "+tc.q)
			equalLines(t, tc.name, got, tc.want)
		}
	}
}

// TestStatsWildcardErrors checks that an AS name whose wildcards do not
// match the field's is a positioned plan error.
func TestStatsWildcardErrors(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	for _, tc := range []struct{ q, at, want string }{
		{shapeBase + ` | stats latest(*) as last by dest`, `latest(*)`, `needs as many wildcards as the field (1)`},
		{shapeBase + ` | eventstats values(*) as *_* by dest`, `values(*)`, `needs as many wildcards`},
	} {
		_, err := env.eng.Plan(parse(t, tc.q))
		var se *spl.Error
		if !errors.As(err, &se) {
			t.Errorf("Plan(%q) error = %v, want *spl.Error", tc.q, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.want) {
			t.Errorf("error %q, want it to contain %q", se.Msg, tc.want)
		}
		if want := strings.Index(tc.q, tc.at); se.Pos.Start != want {
			t.Errorf("error at %d, want %d (%q)", se.Pos.Start, want, tc.at)
		}
	}
}
