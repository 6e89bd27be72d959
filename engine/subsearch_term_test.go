package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/spl"
)

// sub wraps shapeBase plus tail as a subsearch.
func sub(tail string) string { return "[" + shapeBase + tail + "]" }

func TestSubsearchTerms(t *testing.T) {
	// The rows of shapeBase, in _time order (dest user action process_id):
	// Zed alice modified null, host1 alice modified 10, host1 alice
	// modified 9, Host2 null created abc, host1 bob deleted 100, apple bob
	// created 70.
	tests := []struct {
		name, q string
		want    []string
	}{
		// The subsearch yields one row user=bob dest=host1: only the
		// deleted event has both.
		{"row is an AND of its fields", `| search ` + sub(` | search action=deleted | table user dest`) + ` | table dest user action`,
			[]string{"dest | user | action", "host1 | bob | deleted"}},
		// Two rows dest=Host2, dest=apple: an OR of rows.
		{"rows are ORed", `| search ` + sub(` | search action=created | table dest`) + ` | table dest`,
			[]string{"dest", "Host2", "apple"}},
		// Rows (Host2, null) and (apple, bob): the null user adds no
		// term, so the first row is dest=Host2 alone.
		{"null cell adds no term", `| search ` + sub(` | search action=created | table dest user`) + ` | table dest`,
			[]string{"dest", "Host2", "apple"}},
		// Matching is the search command's: case-insensitive, so
		// dest="HOST1" from the subsearch keeps the three host1 rows.
		{"value match is case-insensitive", `| search ` + sub(` | head 1 | eval dest="HOST1" | table dest`) + ` | stats count`,
			[]string{"count", "3"}},
		// A * in a value is a wildcard: h* matches host1 x3 and Host2.
		{"wildcard value", `| search ` + sub(` | head 1 | eval dest="h*" | table dest`) + ` | stats count`,
			[]string{"count", "4"}},
		// One multivalue cell (Host2, apple) is an OR of its values.
		{"multivalue cell", `| search ` + sub(` | search action=created | stats values(dest) as dest | table dest`) + ` | table dest`,
			[]string{"dest", "Host2", "apple"}},
		// _time is internal: only dest=host1 is spliced in.
		{"internal fields ignored", `| search ` + sub(` | search action=deleted | table _time dest`) + ` | stats count`,
			[]string{"count", "3"}},
		// No row: NOT () matches nothing; its negation everything.
		{"empty result matches nothing", `| search ` + sub(` | search dest=nosuch | table dest`) + ` | stats count`,
			[]string{"count", "0"}},
		{"NOT empty result keeps all", `| search NOT ` + sub(` | search dest=nosuch | table dest`) + ` | stats count`,
			[]string{"count", "6"}},
		// Only _time: no term in any row is the empty result too.
		{"rows without terms are empty", `| search ` + sub(` | table _time`) + ` | stats count`,
			[]string{"count", "0"}},
		// A field named search is search text: alice (3) or deleted (1).
		{"search field is spliced as text", `| search ` + sub(` | head 1 | eval search="user=alice OR action=deleted" | table search`) + ` | stats count`,
			[]string{"count", "4"}},
		{"query field too", `| search ` + sub(` | head 1 | eval query="process_id>50" | table query`) + ` | table process_id`,
			[]string{"process_id", "abc", "100", "70"}},
		// The term combines with the rest of the expression.
		{"combined with other terms", `| search action=modified OR ` + sub(` | search user=bob | table process_id`) + ` | stats count`,
			[]string{"count", "5"}},
		{"two subsearch terms", `| search ` + sub(` | search user=alice | table dest`) + ` NOT ` + sub(` | search dest=Zed | table dest`) + ` | stats count`,
			[]string{"count", "3"}},
		// In a tstats WHERE: the subsearch's Registry.user=bob keeps
		// the deleted (host1) and created (apple) events.
		{"tstats where", `| tstats count from datamodel=Endpoint.Registry where [| tstats count from datamodel=Endpoint.Registry where Registry.action=deleted by Registry.user | table Registry.user] by Registry.dest`,
			[]string{"Registry.dest | count", "apple | 1", "host1 | 1"}},
		{"tstats where NOT", `| tstats count from datamodel=Endpoint.Registry where NOT [| tstats count from datamodel=Endpoint.Registry where Registry.action=deleted by Registry.user | table Registry.user] by Registry.dest`,
			[]string{"Registry.dest | count", "Host2 | 1", "Zed | 1", "host1 | 2"}},
		// Inside an OR chain whose = tests on one field are merged.
		{"tstats where in a merged OR chain", `| tstats count from datamodel=Endpoint.Registry where Registry.dest=Zed OR [| tstats count from datamodel=Endpoint.Registry where Registry.action=deleted by Registry.user | table Registry.user] OR Registry.dest=Host2 by Registry.dest`,
			[]string{"Registry.dest | count", "Host2 | 1", "Zed | 1", "apple | 1", "host1 | 1"}},
		// A subsearch of a subsearch.
		{"nested", `| search ` + sub(` | search `+sub(` | search action=deleted | table user`)+` | table dest`) + ` | stats count`,
			[]string{"count", "4"}},
	}
	for _, shape := range batchShapes {
		env := newTestEnv(t, fixture(), shape[0], shape[1])
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%v", tc.name, shape), func(t *testing.T) {
				q := tc.q
				if !strings.HasPrefix(q, "| tstats") {
					q = shapeBase + " " + q
				}
				equalLines(t, tc.name, env.run(t, q), tc.want)
			})
		}
	}
}

// TestSubsearchTermPlan checks plan errors and text of subsearch terms,
// warnings, and that a plan with subsearch terms runs twice the same.
func TestSubsearchTermPlan(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	q := `| tstats count from datamodel=Endpoint.Registry where Registry.action=created OR [| tstats count from datamodel=Endpoint.Registry where Registry.action=deleted by Registry.user | table Registry.user] by Registry.dest | search NOT [| inputlookup nosuch.csv]`
	p := parse(t, q)
	_, err := env.eng.Plan(p)
	if err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Fatalf("plan error = %v, want the subsearch's lookup error", err)
	}
	q = `| tstats count from datamodel=Endpoint.Registry where Registry.action=created OR [| tstats count from datamodel=Endpoint.Registry where Registry.action=deleted by Registry.user | table Registry.user] by Registry.dest | search NOT [| tstats count from datamodel=Endpoint.Registry where Registry.nosuch=1 by Registry.dest | table Registry.dest]`
	pl, err := env.eng.Plan(parse(t, q))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`Search NOT [subsearch 1]`,
		`  subsearch:`,
		`    Table Registry.dest`,
		`      Tstats datamodel=Endpoint.Registry aggs=[count] where=Registry.nosuch=1 by=[Registry.dest] drop_null_keys`,
		`  Tstats datamodel=Endpoint.Registry aggs=[count] where=(Registry.action=created OR [subsearch 1]) by=[Registry.dest] drop_null_keys`,
		`    subsearch:`,
		`      Table Registry.user`,
		`        Tstats datamodel=Endpoint.Registry aggs=[count] where=Registry.action=deleted by=[Registry.user] drop_null_keys`,
	}
	equalLines(t, "plan", strings.Split(strings.TrimRight(pl.String(), "\n"), "\n"), want)
	// The placeholder is not reported as a field; the subsearch's real
	// unknown field is.
	if w := strings.Join(pl.Warnings(), "; "); w != "Registry.nosuch is not a field of Endpoint.Registry" {
		t.Errorf("warnings = %q", w)
	}
	// A plan runs any number of times: binding does not change it.
	for i := 0; i < 2; i++ {
		res, err := env.eng.Execute(context.Background(), pl)
		if err != nil {
			t.Fatal(err)
		}
		// created: Host2, apple; bob: host1 (deleted), apple. NOT of an
		// empty subsearch keeps them all.
		equalLines(t, "run", renderResult(res), []string{"Registry.dest | count", "Host2 | 1", "apple | 1", "host1 | 1"})
		res.Release()
	}
	if s := pl.String(); !strings.HasPrefix(s, "Search NOT [subsearch 1]\n") {
		t.Errorf("plan changed after execution:\n%s", s)
	}
}

func TestSubsearchTermErrors(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	tests := []struct{ name, q, want string }{
		{"subsearch plan error is positioned", shapeBase + ` | search [| tstats count from datamodel=Endpoint.Registry by Registry.dest | frobnicate]`, `unsupported command "frobnicate"`},
		{"search field that is not an expression", shapeBase + ` | search ` + sub(` | head 1 | eval search="a=1 | head 2" | table search`), `is not a search expression`},
		{"bare term from search field in tstats", `| tstats count from datamodel=Endpoint.Registry where [| tstats count from datamodel=Endpoint.Registry by Registry.dest | eval search="word" | table search] by Registry.dest`, `bare search term`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := env.eng.Plan(parse(t, tc.q))
			if err == nil {
				var res *Result
				res, err = env.eng.Execute(context.Background(), pl)
				if err == nil {
					res.Release()
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			var se *spl.Error
			if tc.name == "subsearch plan error is positioned" {
				if !errors.As(err, &se) || tc.q[se.Pos.Start:se.Pos.End] != "frobnicate" {
					t.Errorf("error %v is not positioned on frobnicate", err)
				}
			}
		})
	}
}

// TestSubsearchTermMaxout checks [subsearch] maxout: of 10,001 distinct
// dest values only the first 10,000 (in the subsearch's order: byte-wise
// by dest) are spliced in.
func TestSubsearchTermMaxout(t *testing.T) {
	rows := make([]row, termSubsearchMax+1)
	for i := range rows {
		rows[i] = row{"_time": base, "dest": fmt.Sprintf("h%05d", i), "action": "created"}
	}
	env := newTestEnv(t, rows, 4096, 4096)
	got := env.run(t, `| tstats count from datamodel=Endpoint.Registry where [| tstats count from datamodel=Endpoint.Registry by Registry.dest | table Registry.dest] by Registry.dest | stats count max(Registry.dest) as last`)
	equalLines(t, "maxout", got, []string{"count | last", "10000 | h09999"})
}

func TestFormatRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	str := func(vals ...any) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for _, v := range vals {
			if v == nil {
				b.AppendNull()
			} else {
				b.Append(v.(string))
			}
		}
		return b.NewArray()
	}
	batch := func(names []string, cols ...arrow.Array) arrow.RecordBatch {
		return newBatch(names, cols, cols[0].Len())
	}
	tests := []struct {
		name  string
		b     arrow.RecordBatch
		names []string
		want  string // printed expression; "" for none
	}{
		{"one field becomes IN", batch([]string{"a"}, str("x", "y*")), []string{"a"}, `a IN ("x", "y*")`},
		{"one row one field", batch([]string{"a"}, str("x")), []string{"a"}, `a="x"`},
		{"two fields", batch([]string{"a", "b"}, str("1", "2"), str("3", nil)), []string{"a", "b"}, `(a="1" AND b="3") OR a="2"`},
		{"internal skipped", batch([]string{"_t", "a"}, str("1", "2"), str("x", nil)), []string{"_t", "a"}, `a="x"`},
		{"all null", batch([]string{"a"}, str(nil, nil)), []string{"a"}, ``},
		{"search field", batch([]string{"search"}, str(`a=1 OR b=2`)), []string{"search"}, `a=1 OR b=2`},
		{"quote kept as value", batch([]string{"a"}, str(`say "hi" \ bye`)), []string{"a"}, `a="say \"hi\" \\ bye"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.b.Release()
			x, err := formatRows(tc.names, []arrow.RecordBatch{tc.b})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if x != nil {
				got = x.String()
			}
			if got != tc.want {
				t.Errorf("format = %s, want %s", got, tc.want)
			}
		})
	}
}

// BenchmarkSubsearchTerm measures a tstats whose WHERE is a subsearch
// yielding n distinct dest values over n rows (the subsearch's own tstats
// included): the spliced dest IN (...) puts its n literal values in one
// hash set, probed once per dictionary entry (before, each of the n
// patterns was tried on each entry: n² work).
func BenchmarkSubsearchTerm(b *testing.B) {
	for _, n := range []int{100, 1000, termSubsearchMax} {
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			rows := make([]row, n)
			for i := range rows {
				rows[i] = row{"_time": base, "dest": fmt.Sprintf("h%05d", i), "action": "created"}
			}
			env := newTestEnv(b, rows, 4096, 4096)
			pl, err := env.eng.Plan(parse(b, `| tstats count from datamodel=Endpoint.Registry where [| tstats count from datamodel=Endpoint.Registry by Registry.dest | table Registry.dest] by Registry.dest`))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := env.eng.Execute(context.Background(), pl)
				if err != nil {
					b.Fatal(err)
				}
				if res.NumRows() != n {
					b.Fatalf("%d rows, want %d", res.NumRows(), n)
				}
				res.Release()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
