package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/spl"
)

// TestKeyFilter: with the key filter (the default, rows selected on two
// goroutines) and without it (NoKeyFilter, on one), each search gives the
// same rows over generated events in batches of 2,000 rows (each with its
// own dictionaries); pushed says
// whether the filter is expected at the tstats (of the main search, or
// of the join's subsearch for the join case).
func TestKeyFilter(t *testing.T) {
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, 12000, 5); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{BatchSize: 2000})
	defer store.Release()
	if err := store.Ingest(&buf, "sysmongen"); err != nil {
		t.Fatal(err)
	}
	const by = `| tstats count min(_time) as firstTime values(Registry.action) as action from datamodel=Endpoint.Registry where Registry.registry_value_data=* by Registry.dest Registry.registry_path Registry.registry_value_name Registry.registry_value_data Registry.process_guid`
	for _, c := range []struct {
		q      string
		pushed bool
	}{
		{by + ` | rename Registry.* as * | eval n = len(registry_value_data) | where n > 40`, true},
		{by + ` | rename Registry.* as * | where len(registry_value_data) > 40 AND like(registry_path, "%Run%")`, true},
		{by + ` | rename Registry.* as * | eval n = len(registry_value_data) | where n > 10 | eval m = n * 2 | where m > 90 OR match(registry_value_name, "^[a-c]")`, true},
		{by + ` | rename Registry.* as * | where isnotnull(registry_value_data) | eval k = typeof(registry_value_name) | where k = "String"`, true},
		{by + ` | rename Registry.* as * | where registry_value_name != registry_value_data AND isnull(tonumber(registry_value_data))`, true},
		{`| tstats count from datamodel=Endpoint.Registry by Registry.dest Registry.process_id | rename Registry.* as * | where process_id > 15000 AND typeof(process_id) = "Number" AND tonumber(process_id) < 25000`, true},
		{`| tstats count from datamodel=Endpoint.Registry by Registry.dest Registry.process_id | rename Registry.* as * | where process_id > "2"`, true},
		{by + ` | rename Registry.* as * | where count >= 1`, false},
		{by + ` | rename Registry.* as * | eval n = len(registry_value_data) + count | where n > 40`, false},
		{by + ` | rename Registry.* as * | eval registry_value_data = action | where isnotnull(registry_value_data)`, false},
		{by + ` | rename Registry.* as *, count as registry_path | where registry_path >= 1`, false},
		{by + ` | where len('Registry.registry_value_data') > 40 | sort 0 - count | where count > 0`, true},
		{by + ` | rename Registry.* as * | where len(registry_value_data) > 40 AND now() > 0`, false},
		{by + ` | rename Registry.* as * | where isnull(nothere) AND len(registry_path) > 70`, true},
		{`| tstats fillnull_value=none count from datamodel=Endpoint.Registry by Registry.dest Registry.user Registry.registry_value_data | rename Registry.* as * | where user = "none" OR len(registry_value_data) > 40`, true},
		{`| tstats count from datamodel=Endpoint.Registry by _time span=1h Registry.dest Registry.registry_value_data | rename Registry.* as * | where _time > 0 AND len(registry_value_data) > 40`, false},
		{`| tstats count from datamodel=Endpoint.Registry by _time span=1h Registry.dest Registry.registry_value_data | rename Registry.* as * | where len(registry_value_data) > 40`, true},
		{`| tstats count from datamodel=Endpoint.Registry by Registry.dest | join type=left dest [| tstats count as n from datamodel=Endpoint.Registry by Registry.dest Registry.registry_value_data | rename Registry.* as * | eval l = len(registry_value_data) | where l > 40]`, true},
	} {
		var lines [2][]string
		for i, off := range []bool{true, false} {
			eng := New(cat, store, Options{ParseSearch: spl.Parse, NoKeyFilter: off, ScanWorkers: 1 + i})
			pl, err := eng.Plan(parse(t, c.q))
			if err != nil {
				t.Fatalf("plan %q: %v", c.q, err)
			}
			if !off {
				var ts *tstatsNode
				for n := pl.root; n != nil; n = n.input() {
					switch x := n.(type) {
					case *tstatsNode:
						ts = x
					case *joinNode:
						ts = bottomTstats(x.sub)
					}
					if ts != nil && ts.keyFilter != nil {
						break
					}
				}
				if got := ts != nil && ts.keyFilter != nil; got != c.pushed {
					t.Errorf("%q: key filter %v, want %v", c.q, got, c.pushed)
				}
			}
			res, err := eng.Execute(context.Background(), pl)
			if err != nil {
				t.Fatalf("execute %q: %v", c.q, err)
			}
			lines[i] = renderResult(res)
			res.Release()
		}
		if len(lines[0]) < 2 {
			t.Errorf("%q: no rows", c.q)
		}
		equalLines(t, c.q, lines[1], lines[0])
	}
}

// TestKeyFilterNulls: rows null in a BY field the filter reads are kept,
// since with fillnull_value their group holds a text they do not (hand
// rows with every field null in turn); a BY name that is not a field
// (the fillnull_value on every row) is not pushed.
func TestKeyFilterNulls(t *testing.T) {
	var rows []row
	vals := []string{"a", "bb", "ccc", "none"}
	for i := range 300 {
		r := row{"_time": int64(i) * 1000}
		for j, f := range []string{"dest", "user", "registry_value_data"} {
			if (i/(j+1))%5 != 0 {
				r[f] = vals[(i*(j+3))%len(vals)]
			}
		}
		rows = append(rows, r)
	}
	env := newTestEnv(t, rows, 50, 7)
	off := New(env.cat, env.store, Options{BatchSize: 7, Allocator: env.mem, ParseSearch: spl.Parse, NoKeyFilter: true})
	const ts = `| tstats fillnull_value=none count values(Registry.registry_value_data) as v from datamodel=Endpoint.Registry by Registry.dest Registry.user | rename Registry.* as * `
	for _, q := range []string{
		ts + `| where user = "none"`,
		ts + `| where user != "none" AND len(dest) < 4`,
		ts + `| eval u = if(user = "none", "x", user) | where u = "x" OR dest = "none"`,
		`| tstats fillnull_value=none count from datamodel=Endpoint.Registry by Registry.registry_value_data Registry.nothere | rename Registry.* as * | where nothere = "none" AND registry_value_data = "none"`,
		`| tstats count from datamodel=Endpoint.Registry by Registry.dest Registry.user | rename Registry.* as * | where isnull(user) OR user = "a"`,
	} {
		pl, err := env.eng.Plan(parse(t, q))
		if err != nil {
			t.Fatalf("plan %q: %v", q, err)
		}
		if pushed := bottomTstats(pl.root).keyFilter != nil; pushed == strings.Contains(q, "nothere") {
			t.Errorf("%q: key filter %v", q, pushed)
		}
		got, want := env.run(t, q), runOn(t, off, q)
		if len(want) < 2 && !strings.Contains(q, "isnull") {
			t.Errorf("%q: no rows", q)
		}
		equalLines(t, q, got, want)
	}
}

// runOn plans and executes q on eng and renders the rows (testEnv.run).
func runOn(t *testing.T, eng *Engine, q string) []string {
	t.Helper()
	pl, err := eng.Plan(parse(t, q))
	if err != nil {
		t.Fatalf("plan %q: %v", q, err)
	}
	res, err := eng.Execute(context.Background(), pl)
	if err != nil {
		t.Fatalf("execute %q: %v", q, err)
	}
	defer res.Release()
	return renderResult(res)
}

// bottomTstats is the tstats at the bottom of the chain ending at n, nil
// when there is none.
func bottomTstats(n node) *tstatsNode {
	for ; n != nil; n = n.input() {
		if ts, ok := n.(*tstatsNode); ok {
			return ts
		}
	}
	return nil
}
