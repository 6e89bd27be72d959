package sqlgen_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl/escu"
	"github.com/minispl/minispl/sqlgen"
	"github.com/minispl/minispl/summaries"
)

const sharedDir = "../../shared"

// corpus is the ESCU Endpoint detections that plan, with the store of the
// shared datasets and its Parquet summaries.
type corpus struct {
	env     *query.Env
	store   *datamodel.Store
	root    string // the summaries
	queries []*query.Query
	names   []string
	// cases are the searches of testdata/differential.spl, each of which
	// must compile in every dialect and give rows in minispl.
	cases     []*query.Query
	caseNames []string
	// generated is set when the store holds sysmongen's events (the
	// cases need not give rows there).
	generated bool
}

// loadCorpus reads the ESCU Endpoint detections and plans them; with
// data it also ingests ../shared/datasets/attack_data and writes its
// summaries. Skipped without ../shared.
func loadCorpus(t *testing.T) *corpus {
	t.Helper()
	escuDir := filepath.Join(sharedDir, "escu")
	if _, err := os.Stat(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		t.Skipf("ESCU corpus not available: %v", err)
	}
	lib := macros.Default()
	if err := lib.Load(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	c := &corpus{env: query.NewEnv(query.Options{Macros: lib, Catalog: cat,
		Engine: engine.Options{LookupDirs: []string{filepath.Join(escuDir, "lookups")}}})}
	for _, f := range []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"} {
		ds, err := escu.Read(filepath.Join(escuDir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			q, err := c.env.Compile(d.Search)
			if err != nil {
				continue // not planned: not minispl's to translate
			}
			c.queries = append(c.queries, q)
			c.names = append(c.names, d.Name)
		}
	}
	text, err := os.ReadFile(filepath.Join("testdata", "differential.spl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(text), "\n\n") {
		name, search := "", ""
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "## "):
				name, _, _ = strings.Cut(strings.TrimPrefix(line, "## "), ":")
			case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
			default:
				search += line + " "
			}
		}
		if name == "" {
			continue
		}
		q, err := c.env.Compile(search)
		if err != nil {
			t.Fatalf("testdata/differential.spl: %s: %v", name, err)
		}
		c.cases = append(c.cases, q)
		c.caseNames = append(c.caseNames, "case "+name)
	}
	return c
}

// TestMain removes the summaries withData and withGenerated wrote (a
// temporary folder each, shared by the tests of one binary).
func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{shared.root, gen.root} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

var (
	storeOnce sync.Once
	shared    struct {
		store *datamodel.Store
		root  string
		err   error
	}
)

// withData ingests the shared datasets and writes their summaries once
// per test binary.
func (c *corpus) withData(t *testing.T) {
	t.Helper()
	storeOnce.Do(func() {
		cat := datamodel.DefaultCatalog()
		st := datamodel.NewStore(cat, datamodel.Options{})
		if _, err := st.IngestPath(context.Background(), filepath.Join(sharedDir, "datasets", "attack_data"), datamodel.IngestOptions{}); err != nil {
			shared.err = err
			return
		}
		root, err := os.MkdirTemp("", "minispl-summaries-")
		if err != nil {
			shared.err = err
			return
		}
		skipped, err := summaries.Write(root, cat, st)
		if err == nil && skipped > 0 {
			err = errSkipped(skipped)
		}
		shared.store, shared.root, shared.err = st, root, err
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	c.store, c.root = shared.store, shared.root
}

var (
	genOnce sync.Once
	gen     struct {
		store *datamodel.Store
		root  string
		n     int
		err   error
	}
)

// withGenerated ingests n events of datamodel/sysmongen (seed 12) and
// the shared datasets and writes their summaries, once per test binary; n is SQLGEN_GEN_EVENTS,
// 1,000,000 unless set.
func (c *corpus) withGenerated(t *testing.T) {
	t.Helper()
	genOnce.Do(func() {
		n := 1_000_000
		if s := os.Getenv("SQLGEN_GEN_EVENTS"); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v <= 0 {
				gen.err = fmt.Errorf("SQLGEN_GEN_EVENTS=%q: not a positive count", s)
				return
			}
			n = v
		}
		cat := datamodel.DefaultCatalog()
		st := datamodel.NewStore(cat, datamodel.Options{})
		pr, pw := io.Pipe()
		go func() {
			_, err := sysmongen.Write(pw, n, 12)
			pw.CloseWithError(err)
		}()
		if err := st.Ingest(pr, "sysmongen"); err != nil {
			gen.err = err
			return
		}
		// The shared datasets too, so that every dataset has a summary
		// (sysmongen writes no Filesystem events).
		if _, err := st.IngestPath(context.Background(), filepath.Join(sharedDir, "datasets", "attack_data"), datamodel.IngestOptions{}); err != nil {
			gen.err = err
			return
		}
		root, err := os.MkdirTemp("", "minispl-gen-summaries-")
		if err != nil {
			gen.err = err
			return
		}
		skipped, err := summaries.Write(root, cat, st)
		if err == nil && skipped > 0 {
			err = errSkipped(skipped)
		}
		gen.store, gen.root, gen.n, gen.err = st, root, n, err
	})
	if gen.err != nil {
		t.Fatal(gen.err)
	}
	c.store, c.root, c.generated = gen.store, gen.root, true
	t.Logf("%d generated events (sysmongen, seed 12) and the shared datasets, summaries in %s", gen.n, gen.root)
}

// errEngineBug wraps an engine error known to be the engine's bug, not
// the SQL's: the query is counted, not compared.
var errEngineBug = errors.New("known engine bug")

type errSkipped int

func (e errSkipped) Error() string {
	return strconv.Itoa(int(e)) + " rows without _time were not written"
}

// differential compiles every planned detection in dialect d, runs it
// with run, and compares columns and rows, in order, with minispl's own
// result. It returns the number compared.
func differential(t *testing.T, c *corpus, d sqlgen.Dialect, run func(name, text string) ([]string, [][][]string, error)) int {
	if c.store == nil {
		c.withData(t)
	}
	compared, withRows, engineBugs, cases, caseRows := 0, 0, 0, 0, 0
	reasons := map[string]int{}
	for i, q := range append(c.queries[:len(c.queries):len(c.queries)], c.cases...) {
		name := c.name(i)
		isCase := i >= len(c.queries)
		text, err := sqlgen.Compile(q.Plan, d, sqlgen.Options{Root: c.root})
		if err != nil {
			if isCase {
				t.Errorf("%s: %s: %v", name, d, err)
			}
			reasons[err.(*sqlgen.Error).Construct]++
			continue
		}
		res, err := q.Run(context.Background(), c.store)
		if err != nil {
			t.Errorf("%s: minispl: %v", name, err)
			continue
		}
		if isCase && res.NumRows() == 0 && !c.generated {
			t.Errorf("%s: minispl gives no rows: the case proves nothing", name)
		}
		cols, rows, err := run(strconv.Itoa(i), text)
		if errors.Is(err, errEngineBug) {
			if isCase {
				t.Errorf("%s: %s: %v", name, d, err)
			}
			t.Logf("%s: %s: %v (not compared)", name, d, err)
			engineBugs++
			res.Release()
			continue
		}
		if err != nil {
			t.Errorf("%s: %s: %v\n%s", name, d, err, text)
			res.Release()
			continue
		}
		if msg := diffRows(res, cols, rows); msg != "" {
			t.Errorf("%s: %s differs from minispl: %s\n%s", name, d, msg, text)
		}
		switch {
		case isCase:
			cases++
			caseRows += res.NumRows()
		default:
			compared++
			if res.NumRows() > 0 {
				withRows++
			}
		}
		res.Release()
	}
	t.Logf("%s: %d of %d planned detections compared (%d with rows), %d not run for a known engine bug; not compiled: %v", d, compared, len(c.queries), withRows, engineBugs, sortedReasons(reasons))
	t.Logf("%s: %d of %d cases of testdata/differential.spl compared, %d rows", d, cases, len(c.cases), caseRows)
	return compared
}

// name is the name of query i of c.queries followed by c.cases.
func (c *corpus) name(i int) string {
	if i < len(c.names) {
		return c.names[i]
	}
	return c.caseNames[i-len(c.names)]
}

// diffRows describes the first difference between minispl's result and
// the engine's rows, "" when they are the same.
func diffRows(res *query.Result, cols []string, rows [][][]string) string {
	if strings.Join(res.Fields(), ",") != strings.Join(cols, ",") {
		return "columns " + strings.Join(cols, ",") + ", minispl " + strings.Join(res.Fields(), ",")
	}
	if res.NumRows() != len(rows) {
		return strconv.Itoa(len(rows)) + " rows, minispl " + strconv.Itoa(res.NumRows())
	}
	for r := range rows {
		for k := range cols {
			want := strings.Join(res.Cell(r, k), "\x1f")
			got := strings.Join(rows[r][k], "\x1f")
			if want != got {
				return "row " + strconv.Itoa(r) + " " + cols[k] + ": " + strconv.Quote(got) + ", minispl " + strconv.Quote(want)
			}
		}
	}
	return ""
}

func sortedReasons(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, strconv.Itoa(v)+" "+k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.Fields(out[i])[0])
		b, _ := strconv.Atoi(strings.Fields(out[j])[0])
		return a > b
	})
	return out
}

// formatNumber is minispl's text of a number.
func formatNumber(f float64) string { return engine.FormatNumber(f) }

// update is accepted for go test ./... -update; this package keeps no
// program-written golden SQL (the seed's SQL is worked out by hand in
// sqlgen_test.go).
var _ = flag.Bool("update", false, "accepted for go test ./... -update; no golden files are rewritten here")

// TestESCUCompiles compiles every ESCU Endpoint detection that minispl
// plans in every dialect: each either compiles or is an *sqlgen.Error
// naming its construct, and the counts reached must not drop. The DuckDB
// and ClickHouse text is proven by the differential tests; Spark and Trino
// are untested on a real engine (README, Scale-out).
func TestESCUCompiles(t *testing.T) {
	c := loadCorpus(t)
	for _, d := range sqlgen.Dialects() {
		ok := 0
		reasons := map[string]int{}
		for i, q := range c.queries {
			text, err := sqlgen.Compile(q.Plan, d, sqlgen.Options{Root: "/data/summaries"})
			var se *sqlgen.Error
			switch {
			case errors.As(err, &se):
				reasons[se.Construct]++
				continue
			case err != nil:
				t.Errorf("%s: %s: an error that is not an *sqlgen.Error: %v", c.names[i], d, err)
				continue
			}
			if text == "" {
				t.Errorf("%s: %s: empty SQL", c.names[i], d)
			}
			ok++
		}
		for i, q := range c.cases {
			// The cases must compile in the dialects tested here; in the
			// others a refusal is reported.
			if _, err := sqlgen.Compile(q.Plan, d, sqlgen.Options{Root: "/data/summaries"}); err != nil {
				if d == sqlgen.DuckDB || d == sqlgen.ClickHouse {
					t.Errorf("%s: %s: %v", c.caseNames[i], d, err)
				} else {
					t.Logf("%s: %s: %v", c.caseNames[i], d, err)
				}
			}
		}
		t.Logf("%s: %d of %d planned detections compile (%.1f%%); refused: %v", d, ok, len(c.queries), 100*float64(ok)/float64(len(c.queries)), sortedReasons(reasons))
		// Floor: the count reached on 2026-12-03 (join, regex, dedup, stats, rex, multivalue search, if/case/substr): 95.4%, the acceptance is 95% (737).
		if ok < 739 {
			t.Errorf("%s: %d detections compile, want at least 739", d, ok)
		}
	}
}
