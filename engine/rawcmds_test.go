package engine

import (
	"context"
	"fmt"
	"testing"
)

// TestRawCommandsRelease runs the commands of the raw-event detections over
// tstats rows at batch sizes 1 and 3 with a checked allocator: each gives
// the rows worked out below, and every buffer is released (newTestEnv's
// cleanup asserts it).
func TestRawCommandsRelease(t *testing.T) {
	rows := []row{
		{"_time": base, "dest": "h1", "action": "created"},
		{"_time": base + 10_000, "dest": "h1", "action": "deleted"},
		{"_time": base + 20_000, "dest": "h2", "action": "created"},
	}
	src := `| tstats count from datamodel=Endpoint.Registry by _time Registry.dest Registry.action | rename Registry.* as * `
	cases := []struct {
		q    string
		want []string
	}{
		// h1: created at base, deleted 10 s (10,000 ms) later: 10 s;
		// h2's created row finds no deleted row after it: not output.
		{`| transaction dest startswith=(action=created) endswith=(action=deleted) | table dest duration eventcount`,
			[]string{"dest | duration | eventcount", "h1 | 10 | 2"}},
		{`| stats count by dest | appendpipe [stats sum(count) as count | eval dest="all"]`,
			[]string{"dest | count", "h1 | 2", "h2 | 1", "all | 3"}},
		{`| stats count by dest | map search="| makeresults count=$count$ | eval d=\"$dest$\"" | stats count by d`,
			[]string{"d | count", "h1 | 2", "h2 | 1"}},
		{`| replace created WITH new IN action | addtotals fieldname=t count | eval x="<a>" . action . "</a>" | xmlkv x | spath input=x path=a output=b | table a b t`,
			[]string{"a | b | t", "new | new | 1", "deleted | deleted | 1", "new | new | 1"}},
	}
	for _, bs := range []int{1, 3} {
		env := newTestEnv(t, rows, bs, bs)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("batch%d/%s", bs, tc.q), func(t *testing.T) {
				equalLines(t, tc.q, env.run(t, src+tc.q), tc.want)
			})
		}
	}
}

// BenchmarkTransaction groups the 50,000 rows of `tstats count by _time
// dest` (distinct times, 100 dests) into transactions of at most 30 s per
// dest; rows/s counts the rows entering transaction.
func BenchmarkTransaction(b *testing.B) {
	const n = 50000
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{"_time": base + int64(i), "dest": fmt.Sprintf("host%d", i%100), "action": "a"}
	}
	env := newTestEnv(b, rows, 4096, 4096)
	pl, err := env.eng.Plan(parse(b, `| tstats count from datamodel=Endpoint.Registry by _time Registry.dest | rename Registry.* as * | transaction dest maxspan=30s`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := env.eng.Execute(context.Background(), pl)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
