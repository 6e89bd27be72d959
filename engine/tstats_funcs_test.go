package engine

import "testing"

// TestTstatsFunctions checks every tstats function of spl-semantics §1.4
// on the fixture, under every batch shape. By Registry.dest, the
// process_id values are: host1 "10" (base), "9" (base+1s), "100"
// (base+3s); Host2 "abc" (base+2s); Zed none (base-5s); apple "70"
// (base+4s); base is 1727705109.547.
func TestTstatsFunctions(t *testing.T) {
	const by = from + ` by Registry.dest`
	const pid = `(Registry.process_id)`
	tests := []struct {
		name string
		aggs string
		want []string // rows host1, Host2, Zed, apple in output order
	}{
		{"avg", `avg` + pid, []string{"<null>", "<null>", "70", "39.666666666666664"}},
		{"median: the middle of an odd count", `median` + pid, []string{"<null>", "<null>", "70", "10"}},
		{"mode: ties to the first seen", `mode` + pid, []string{"abc", "<null>", "70", "10"}},
		{"range", `range` + pid, []string{"<null>", "<null>", "0", "91"}},
		{"sum and sumsq", `sum` + pid + ` as s sumsq` + pid, []string{"<null> | <null>", "<null> | <null>", "70 | 4900", "119 | 10181"}},
		{"var and varp", `var` + pid + ` as v varp` + pid, []string{"<null> | <null>", "<null> | <null>", "<null> | 0", "2730.333333333333 | 1820.222222222222"}},
		{"stdev and stdevp", `stdev` + pid + ` as v stdevp` + pid, []string{"<null> | <null>", "<null> | <null>", "<null> | 0", "52.252591642265294 | 42.664062420522285"}},
		{"perc, exactperc, upperperc interpolate", `perc50` + pid + ` as a exactperc25` + pid + ` as b upperperc75` + pid, []string{
			"<null> | <null> | <null>", "<null> | <null> | <null>", "70 | 70 | 70", "10 | 9.5 | 55"}},
		{"estdc is exact", `estdc` + pid + ` as e dc` + pid, []string{"1 | 1", "0 | 0", "1 | 1", "3 | 3"}},
		{"first and last in store order", `first` + pid + ` as f last` + pid, []string{"abc | abc", "<null> | <null>", "70 | 70", "10 | 100"}},
		{"earliest and latest", `earliest` + pid + ` as e latest` + pid, []string{"abc | abc", "<null> | <null>", "70 | 70", "10 | 100"}},
		{"earliest_time and latest_time", `earliest_time` + pid + ` as e latest_time` + pid, []string{
			"1727705111.547 | 1727705111.547", "<null> | <null>", "1727705113.547 | 1727705113.547", "1727705109.547 | 1727705112.547"}},
		{"earliest_time of another field", `earliest_time(Registry.dest)`, []string{"1727705111.547", "1727705104.547", "1727705113.547", "1727705109.547"}},
		{"rate: null unless numbers at two times", `rate` + pid, []string{"<null>", "<null>", "<null>", "30"}},
		{"_time fast path", `min(_time) as a max(_time) as b earliest(_time) as c latest(_time) as d`, []string{
			"1727705111.547 | 1727705111.547 | 1727705111.547 | 1727705111.547",
			"1727705104.547 | 1727705104.547 | 1727705104.547 | 1727705104.547",
			"1727705113.547 | 1727705113.547 | 1727705113.547 | 1727705113.547",
			"1727705109.547 | 1727705112.547 | 1727705109.547 | 1727705112.547"}},
		{"_time through the generic path", `earliest_time(_time) as a latest_time(_time) as b values(_time) as c`, []string{
			"1727705111.547 | 1727705111.547 | 1727705111.547",
			"1727705104.547 | 1727705104.547 | 1727705104.547",
			"1727705113.547 | 1727705113.547 | 1727705113.547",
			"1727705109.547 | 1727705112.547 | 1727705109.547;1727705110.547;1727705112.547"}},
	}
	dests := []string{"Host2", "Zed", "apple", "host1"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := `| tstats ` + tc.aggs + by
			want := []string{""}
			for i, d := range dests {
				want = append(want, d+" | "+tc.want[i])
			}
			for _, sh := range batchShapes {
				env := newTestEnv(t, fixture(), sh[0], sh[1])
				got := env.run(t, q)
				want[0] = got[0] // header: checked by TestTstatsFunctionNames
				equalLines(t, q, got, want)
			}
		})
	}
}

// TestTstatsFunctionNames checks the output columns of the newly enabled
// functions: the function as written, or the AS name.
func TestTstatsFunctionNames(t *testing.T) {
	env := newTestEnv(t, fixture(), 2, 2)
	q := `| tstats median(Registry.process_id) exactperc95(Registry.process_id) as p rate(Registry.process_id) earliest_time(_time)` + from
	got := env.run(t, q)
	want := "median(Registry.process_id) | p | rate(Registry.process_id) | earliest_time(_time)"
	if got[0] != want {
		t.Errorf("header = %q, want %q", got[0], want)
	}
	// Without BY, one row over every row: numbers 9, 10, 70, 100; median
	// is the higher middle value; exactperc95 is at rank 2.85; rate runs
	// from "10" at base to "70" at base+4s.
	equalLines(t, q, got[1:], []string{"70 | 95.49999999999999 | 15 | 1727705104.547"})
}
