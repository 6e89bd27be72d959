package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// exportScript is three named searches: one every dialect translates, one
// with rows that sqlgen refuses (eventstats), one that does not plan.
const exportScript = `# name: By action and dest
| tstats count min(_time) as firstTime from datamodel=Endpoint.Processes by Processes.dest Processes.user | rename Processes.* as *

# name: Eventstats
| tstats count from datamodel=Endpoint.Processes by Processes.dest | eventstats count as n

# name: Bad
| tstats count from datamodel=Endpoint.Nothing by Nothing.dest
`

// TestExport: minispl export writes the summaries' copy, per search its
// text, the SQL of each dialect that translates it (as minispl sql prints
// it with --summaries summaries) and minispl's rows as CSV (as run
// --format csv prints them, _time aside), and index.tsv with every
// search's rows or error and each dialect's "ok" or construct; a search
// that does not plan makes the status 2 but the others are written.
func TestExport(t *testing.T) {
	sum, kit := t.TempDir(), filepath.Join(t.TempDir(), "kit")
	accelerate(t, sum, procsFile)
	scriptFile := filepath.Join(t.TempDir(), "kit.spl")
	if err := os.WriteFile(scriptFile, []byte(exportScript), 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := invoke(t, "", "export", "--summaries", sum, "--out", kit, "-f", scriptFile)
	if status != exitError || stdout != "" || !strings.Contains(stderr, "Endpoint.Nothing") || !strings.Contains(stderr, "export: 2 of 3 searches written") {
		t.Fatalf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	read := func(p ...string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(append([]string{kit}, p...)...))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	index := strings.Split(strings.TrimSuffix(read("index.tsv"), "\n"), "\n")
	want := []string{
		"id\tname\trows\tduckdb\tclickhouse\tclickhouse-18\tspark\ttrino",
		"0001\tBy action and dest\t", // rows checked below
		"0002\tEventstats\t",
		"0003\tBad\tnot planned: ",
	}
	if len(index) != len(want) {
		t.Fatalf("index.tsv:\n%s", strings.Join(index, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(index[i], w) {
			t.Errorf("index.tsv line %d: %q, want it to start %q", i+1, index[i], w)
		}
	}
	search := "| tstats count min(_time) as firstTime from datamodel=Endpoint.Processes by Processes.dest Processes.user | rename Processes.* as *"
	csv, _ := runCSV(t, search, "--summaries", sum)
	rows := strings.Count(csv, "\n") - 1
	if rows < 2 || !strings.HasSuffix(index[1], "\t"+strconv.Itoa(rows)+"\tok\tok\tok\tok\tok") {
		t.Errorf("index.tsv line 2: %q, want %d rows and ok in every dialect", index[1], rows)
	}
	if !strings.HasSuffix(index[2], "\teventstats\teventstats\teventstats\teventstats\teventstats") {
		t.Errorf("index.tsv line 3: %q, want eventstats refused in every dialect", index[2])
	}
	d1 := filepath.Join("detections", "0001-by-action-and-dest")
	if got := read(d1, "search.spl"); got != search+"\n" {
		t.Errorf("search.spl: %q", got)
	}
	// expected.csv holds the cells as the SQL returns them: firstTime is
	// epoch seconds, where run's CSV shows _time only as a date.
	if got := read(d1, "expected.csv"); got != csv {
		t.Errorf("expected.csv:\n%s\nrun --format csv:\n%s", got, csv)
	}
	for _, d := range []string{"duckdb", "clickhouse", "clickhouse-18", "spark", "trino"} {
		_, sql, _ := invoke(t, "", "sql", "--dialect", d, "--summaries", "summaries", search)
		if got := read(d1, d+".sql"); got != sql || sql == "" {
			t.Errorf("%s.sql:\n%s\nminispl sql:\n%s", d, got, sql)
		}
	}
	d2 := filepath.Join(kit, "detections", "0002-eventstats")
	if _, err := os.Stat(filepath.Join(d2, "duckdb.sql")); err == nil {
		t.Error("0002: duckdb.sql written for a refused search")
	}
	if !strings.Contains(read("README.md"), "UNTESTED") {
		t.Error("README.md does not say which dialects are untested")
	}
	if got, want := read("summaries", "_minispl_manifest.json"), readFile(t, filepath.Join(sum, "_minispl_manifest.json")); got != want {
		t.Error("the kit's manifest differs from the summaries'")
	}
	if status, _, stderr := invoke(t, "", "export", "--summaries", sum, "--out", kit, "-f", scriptFile); status != exitError || !strings.Contains(stderr, "not empty") {
		t.Errorf("export into a kit that exists: status %d, %s", status, stderr)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
