package engine

import (
	"fmt"
	"testing"
)

// BenchmarkShaping measures stats, eventstats, sort and dedup over the
// 50,000 rows of `tstats count by _time dest` (distinct times); the rows/s
// figure counts the rows entering the measured command.
func BenchmarkShaping(b *testing.B) {
	const n = 50000
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{"_time": base + int64(i), "dest": fmt.Sprintf("host%d", i%100), "action": "a"}
	}
	env := newTestEnv(b, rows, 4096, 4096)
	src := `| tstats count from datamodel=Endpoint.Registry by _time Registry.dest | rename Registry.* as * `
	for _, q := range []string{"", "| stats count dc(_time) by dest", "| eventstats count by dest", "| sort 0 dest -_time", "| dedup dest"} {
		b.Run(fmt.Sprintf("%q", q), func(b *testing.B) {
			b.ReportAllocs()
			benchSearch(b, env.eng, src+q, -1, n, "rows/s")
		})
	}
}
