package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/spl"
)

// TestOrChainMerge checks that an OR chain with several = or IN tests on
// one field selects what the unmerged tests select, on dictionary columns
// (tstats WHERE) and on result columns (search), keeps the plan text, and
// counts its leaves.
func TestOrChainMerge(t *testing.T) {
	tests := []struct {
		name, where string
		want        []string // Registry.dest | count
		leaves      int
		text        string // the plan text, as written
	}{
		{"same field", `Registry.dest=HOST1 OR Registry.dest=zed OR Registry.dest=nope`,
			[]string{"Zed | 1", "host1 | 3"}, 1, "((Registry.dest=HOST1 OR Registry.dest=zed) OR Registry.dest=nope)"},
		{"with globs and IN", `Registry.dest=app* OR Registry.dest IN (zed, x) OR Registry.dest=Host2`,
			[]string{"Host2 | 1", "Zed | 1", "apple | 1"}, 1, "((Registry.dest=app* OR Registry.dest IN (zed, x)) OR Registry.dest=Host2)"},
		{"two fields interleaved", `Registry.dest=zed OR Registry.user=bob OR Registry.dest=Host2 OR Registry.user=nobody`,
			[]string{"Host2 | 1", "Zed | 1", "apple | 1", "host1 | 1"}, 2, "(((Registry.dest=zed OR Registry.user=bob) OR Registry.dest=Host2) OR Registry.user=nobody)"},
		{"one field twice and another once", `Registry.dest=zed OR Registry.action=deleted OR Registry.dest=apple`,
			[]string{"Zed | 1", "apple | 1", "host1 | 1"}, 2, "((Registry.dest=zed OR Registry.action=deleted) OR Registry.dest=apple)"},
		{"!= is not merged", `Registry.dest=zed OR Registry.dest!=host1 OR Registry.dest=apple`,
			[]string{"Host2 | 1", "Zed | 1", "apple | 1"}, 2, "((Registry.dest=zed OR Registry.dest!=host1) OR Registry.dest=apple)"},
		{"inside NOT", `NOT (Registry.dest=zed OR Registry.dest=host1)`,
			[]string{"Host2 | 1", "apple | 1"}, 1, "NOT (Registry.dest=zed OR Registry.dest=host1)"},
		{"null field: no match", `Registry.user=alice OR Registry.user=bob`,
			[]string{"Zed | 1", "apple | 1", "host1 | 3"}, 1, "(Registry.user=alice OR Registry.user=bob)"},
		{"nothing to merge", `Registry.dest=zed OR Registry.action=deleted`,
			[]string{"Zed | 1", "host1 | 1"}, 2, "(Registry.dest=zed OR Registry.action=deleted)"},
		{"absent field", `Registry.nosuch=a OR Registry.nosuch=b OR Registry.dest=zed`,
			[]string{"Zed | 1"}, 2, "((Registry.nosuch=a OR Registry.nosuch=b) OR Registry.dest=zed)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := parse(t, `search `+tc.where).Commands[0].(*spl.Search).Expr
			pc := &expr.SearchCompiler{Mode: expr.ModeTstats, Resolve: func(string) int { return 0 }}
			p, err := pc.Compile(x)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tc.text {
				t.Errorf("plan text %q, want %q", p.String(), tc.text)
			}
			if pc.NLeaves != tc.leaves {
				t.Errorf("%d leaves, want %d", pc.NLeaves, tc.leaves)
			}
			q := `| tstats count` + from + ` where ` + tc.where + ` by Registry.dest`
			want := append([]string{"Registry.dest | count"}, tc.want...)
			for _, sh := range batchShapes {
				env := newTestEnv(t, fixture(), sh[0], sh[1])
				equalLines(t, q, env.run(t, q), want)
			}
			// The search command over result rows (string columns); user
			// is left out of BY since a null BY value drops the row.
			if strings.Contains(tc.where, "Registry.user") {
				return
			}
			sq := `| tstats count` + from + ` by Registry.dest Registry.action | search ` + tc.where +
				` | stats sum(count) as count by Registry.dest`
			env := newTestEnv(t, fixture(), 2, 2)
			equalLines(t, sq, env.run(t, sq), want)
		})
	}
}

// TestInListLarge checks a spliced list the size ESCU lists reach, through
// tstats and with a subsearch, against the expected matches.
func TestInListLarge(t *testing.T) {
	var rows []row
	for i := 0; i < 3000; i++ {
		rows = append(rows, row{"_time": base + int64(i), "dest": fmt.Sprintf("Host%04d", i), "action": "created"})
	}
	var vs []string
	for i := 0; i < 1400; i++ {
		vs = append(vs, fmt.Sprintf("host%04d", i*3)) // 1,000 of them exist (i*3 < 3000)
	}
	vs = append(vs, "*99")
	q := `| tstats count` + from + ` where Registry.dest IN (` + strings.Join(vs, ", ") + `)`
	env := newTestEnv(t, rows, 4096, 4096)
	// i*3 < 3000: 1,000 hosts; "*99": Host0099, 0199, ..., 2999 (30),
	// of which those divisible by 3 (099, 399, ... : 10) already count.
	equalLines(t, q, env.run(t, q), []string{"count", "1020"})
}
