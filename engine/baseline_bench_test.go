package engine

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/engine/internal/value"
)

// This file holds the baseline BenchmarkSeedSearch is compared with in the
// same run: the seed search executed the way the project chose not to
// ("not rows of maps"). Every event is a map[string]string of field to
// value (absent fields are absent, _time is epoch seconds text, as Splunk
// holds it); WHERE lower-cases the value with strings.ToLower and matches
// it against the lower-cased pattern with a simple backtracking '*'
// matcher; the group-by is a map[string]*mapGroup keyed by the BY values
// joined with NUL; the groups are then sorted, renamed, converted and
// filtered row by row. The row maps are built once, outside the timed
// loop, from the same Store BenchmarkSeedSearch uses, and their strings are
// shared per dictionary entry, so only the search is timed.
// TestRowMapsBaseline checks that the baseline returns exactly the
// engine's result, so that the ratio compares the same work.

// seedEvents and seedSeed are the generated input of BenchmarkSeedSearch.
const (
	seedEvents = 1_100_000
	seedSeed   = 1
)

// seedQuery is the expanded seed search, as BenchmarkSeedSearch runs it.
const seedQuery = `| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= "*\\SYSTEM\\Remote Manipulator System*" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | rename "Registry.*" as * | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(lastTime) | search *`

// seedStore ingests n generated events into a new Store of the default
// catalog; the caller releases it.
func seedStore(tb testing.TB, n int, seed int64) (*datamodel.Catalog, *datamodel.Store, *datamodel.Dataset) {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, n, seed); err != nil {
		tb.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{})
	if err := store.Ingest(&buf, "sysmongen"); err != nil {
		store.Release()
		tb.Fatal(err)
	}
	ds, ok := cat.Lookup("Endpoint.Registry")
	if !ok {
		store.Release()
		tb.Fatal("no Endpoint.Registry in the default catalog")
	}
	return cat, store, ds
}

// rowMaps materialises every row of the dataset's batches as a map of field
// name (without prefix) to value. Null cells are absent; _time is epoch
// seconds with a millisecond fraction. Each dictionary entry becomes one Go
// string shared by every row that holds it.
func rowMaps(tb testing.TB, batches []arrow.RecordBatch) []map[string]string {
	tb.Helper()
	var out []map[string]string
	for _, b := range batches {
		names := make([]string, b.NumCols())
		dicts := make([][]string, b.NumCols())
		for j, c := range b.Columns() {
			names[j] = b.ColumnName(j)
			if d, ok := c.(*array.Dictionary); ok {
				s, ok := d.Dictionary().(*array.String)
				if !ok {
					tb.Fatalf("column %s: dictionary of %T", names[j], d.Dictionary())
				}
				dicts[j] = make([]string, s.Len())
				for k := range dicts[j] {
					dicts[j][k] = s.Value(k)
				}
			}
		}
		for i := 0; i < int(b.NumRows()); i++ {
			m := make(map[string]string, len(names))
			for j, c := range b.Columns() {
				if c.IsNull(i) {
					continue
				}
				switch c := c.(type) {
				case *array.Dictionary:
					m[names[j]] = dicts[j][c.GetValueIndex(i)]
				case *array.Timestamp:
					ms := int64(c.Value(i))
					m[names[j]] = strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)
				default:
					tb.Fatalf("column %s: unexpected type %T", names[j], c)
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// wildMatch reports whether s matches pattern p in full, '*' matching any
// run of bytes; both are compared as given (the caller lower-cases them).
// It is the textbook backtracking matcher: on a mismatch after a star, the
// star absorbs one more byte.
func wildMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// mapGroup is the aggregate state of one group of the row-map baseline.
type mapGroup struct {
	by       []string
	count    int
	min, max float64
}

// mapSeedSearch runs the seed search over row maps and returns the output
// field names and rows. Its steps mirror the pipeline: tstats (WHERE, BY
// with fillnull_value=null, count, min/max of _time, sorted by the BY
// values), rename "Registry.*" as *, convert ctime twice, search *.
func mapSeedSearch(rows []map[string]string) ([]string, []map[string]string) {
	by := []string{"registry_key_name", "user", "registry_path", "registry_value_data", "action", "dest"}
	pattern := strings.ToLower(`*\SYSTEM\Remote Manipulator System*`)

	// tstats
	groups := map[string]*mapGroup{}
	for _, r := range rows {
		v, ok := r["registry_path"]
		if !ok || !wildMatch(pattern, strings.ToLower(v)) {
			continue
		}
		vals := make([]string, len(by))
		for i, f := range by {
			if v, ok := r[f]; ok {
				vals[i] = v
			} else {
				vals[i] = "null"
			}
		}
		key := strings.Join(vals, "\x00")
		g := groups[key]
		if g == nil {
			g = &mapGroup{by: vals, min: math.Inf(1), max: math.Inf(-1)}
			groups[key] = g
		}
		g.count++
		if t, err := strconv.ParseFloat(r["_time"], 64); err == nil {
			g.min = min(g.min, t)
			g.max = max(g.max, t)
		}
	}
	sorted := make([]*mapGroup, 0, len(groups))
	for _, g := range groups {
		sorted = append(sorted, g)
	}
	slices.SortFunc(sorted, func(a, b *mapGroup) int { return slices.Compare(a.by, b.by) })
	var fields []string
	for _, f := range by {
		fields = append(fields, "Registry."+f)
	}
	fields = append(fields, "count", "firstTime", "lastTime")
	out := make([]map[string]string, 0, len(sorted))
	for _, g := range sorted {
		m := make(map[string]string, len(fields))
		for i, f := range by {
			m["Registry."+f] = g.by[i]
		}
		m["count"] = strconv.Itoa(g.count)
		m["firstTime"] = value.FormatNumber(g.min)
		m["lastTime"] = value.FormatNumber(g.max)
		out = append(out, m)
	}

	// rename "Registry.*" as *
	for i, f := range fields {
		fields[i] = strings.TrimPrefix(f, "Registry.")
	}
	for i, r := range out {
		m := make(map[string]string, len(r))
		for k, v := range r {
			m[strings.TrimPrefix(k, "Registry.")] = v
		}
		out[i] = m
	}

	// convert ctime(firstTime), ctime(lastTime)
	for _, f := range []string{"firstTime", "lastTime"} {
		for _, r := range out {
			if t, err := strconv.ParseFloat(r[f], 64); err == nil {
				r[f] = time.Unix(int64(math.Floor(t)), 0).UTC().Format("2006-01-02T15:04:05")
			}
		}
	}

	// search *: every row has a field, so every row passes.
	kept := out[:0]
	for _, r := range out {
		if len(r) > 0 {
			kept = append(kept, r)
		}
	}
	return fields, kept
}

// renderMaps renders rows as renderResult renders a Result.
func renderMaps(fields []string, rows []map[string]string) []string {
	out := []string{strings.Join(fields, " | ")}
	for _, r := range rows {
		cells := make([]string, len(fields))
		for i, f := range fields {
			if v, ok := r[f]; ok {
				cells[i] = v
			} else {
				cells[i] = "<null>"
			}
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

// TestRowMapsBaseline checks that the row-map baseline returns the
// engine's result on generated data (and that the data has matches), so
// that BenchmarkSeedSearchBaselineRowMaps does the work BenchmarkSeedSearch
// does.
func TestRowMapsBaseline(t *testing.T) {
	cat, store, ds := seedStore(t, 30_000, seedSeed)
	defer store.Release()
	eng := New(cat, store, Options{})
	pl, err := eng.Plan(parse(t, seedQuery))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Execute(context.Background(), pl)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	want := renderResult(res)
	if len(want) < 3 {
		t.Fatalf("the engine found %d rows; the comparison needs several", len(want)-1)
	}
	got := renderMaps(mapSeedSearch(rowMaps(t, store.Batches(ds))))
	equalLines(t, "row-map baseline vs engine", got, want)
}

// TestWildMatch pins the baseline's matcher.
func TestWildMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"*b*", "abc", true},
		{"*x*", "abc", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{`*\system\remote*`, `hklm\system\remote manipulator`, true},
		{"*aab", "aaaab", true},
	} {
		if got := wildMatch(c.p, c.s); got != c.want {
			t.Errorf("wildMatch(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

// BenchmarkSeedSearchBaselineRowMaps runs the seed search over the rows of
// BenchmarkSeedSearch materialised as maps (built before the timer starts)
// and reports input rows/s.
func BenchmarkSeedSearchBaselineRowMaps(b *testing.B) {
	_, store, ds := seedStore(b, seedEvents, seedSeed)
	rows := rowMaps(b, store.Batches(ds))
	store.Release()
	out := 0
	b.ResetTimer()
	for b.Loop() {
		_, res := mapSeedSearch(rows)
		out = len(res)
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(len(rows)), "input_rows")
	b.ReportMetric(float64(out), "output_rows")
}
