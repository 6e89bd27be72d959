//go:build duckdb

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/render"
)

// engineSearches are run by minispl and by DuckDB over the summaries of
// testdata/events; each output must be byte for byte the same.
var engineSearches = append(append([]string{}, summarySearches...),
	`| tstats count values(Registry.registry_value_name) as names dc(Registry.user) as users from datamodel=Endpoint.Registry where Registry.registry_path="*\\SYSTEM\\*" by Registry.dest Registry.action | rename Registry.* as * | where count > 1`,
	`| tstats count from datamodel=Authentication by Authentication.dest Authentication.user`,
	`| tstats count from datamodel=Endpoint.Processes by Processes.dest | rename Processes.dest as dest | join type=left dest [| tstats count as changes from datamodel=Endpoint.Registry by Registry.dest | rename Registry.dest as dest]`,
	`| tstats count min(_time) as firstTime from datamodel=Endpoint.Processes by Processes.process_name | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) | eval n=len(process_name) | table process_name n firstTime count`,
	noRows,
)

// TestRunEngineDuckDB: minispl run --engine duckdb over the summaries
// prints what minispl's own executor prints over them, in every output
// format, with the same exit status; over the summaries of testdata/events
// (every dataset has rows) and of procsFile alone (no Registry, no
// Authentication: a dataset without a file is an empty relation, not an
// error).
func TestRunEngineDuckDB(t *testing.T) {
	all, procs := t.TempDir(), t.TempDir()
	accelerate(t, all, filepath.Join("..", "..", "testdata", "events"))
	accelerate(t, procs, procsFile)
	withRows, cut := 0, 0
	// The whole time, and a window whose bounds cut days, the latest at
	// the time of an event (left out: [earliest, latest)).
	windows := [][]string{nil, {"--earliest", "2024-10-01T09:10:00Z", "--latest", "2024-10-02T09:03:00Z"}}
	for _, dir := range []string{all, procs} {
		for _, search := range engineSearches {
			var whole string
			for k := range 8 {
				format, window := []string{"csv", "table", "json", "markdown"}[k/2], windows[k%2]
				args := append([]string{"--summaries", dir, "--format", format}, window...)
				ws, wantOut, wantErr := invoke(t, "", append([]string{"run"}, append(args, search)...)...)
				gs, gotOut, gotErr := invoke(t, "", append([]string{"run", "--engine", "duckdb"}, append(args, search)...)...)
				if ws != exitOK && ws != exitNoResults {
					t.Fatalf("%s: minispl: status %d: %s", search, ws, wantErr)
				}
				if gs != ws || gotOut != wantOut {
					t.Errorf("%s (%s %v): duckdb status %d, minispl %d\nduckdb:\n%s%s\nminispl:\n%s", search, format, window, gs, ws, gotOut, gotErr, wantOut)
				}
				if window == nil && ws == exitOK {
					withRows++
				}
				switch {
				case format != "csv":
				case window == nil:
					whole = wantOut
				case wantOut != whole:
					cut++
				}
			}
		}
	}
	t.Logf("%d runs with rows over the whole time; %d searches give other rows in the window", withRows, cut)
	if withRows < 5 || cut < 3 {
		t.Errorf("%d searches gave rows, %d others in the window: the test proves little", withRows, cut)
	}
}

// TestRunEngineDuckDBRefused: a search sqlgen does not translate is an
// error naming the construct, status 2, never another result.
func TestRunEngineDuckDBRefused(t *testing.T) {
	dir := t.TempDir()
	accelerate(t, dir, procsFile)
	status, stdout, stderr := invoke(t, "", "run", "--engine", "duckdb", "--summaries", dir,
		"| tstats count from datamodel=Endpoint.Processes by Processes.dest | eventstats count as n")
	if status != exitError || stdout != "" || !strings.Contains(stderr, "sql: unsupported: eventstats") {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

// TestRunEngineDuckDBESCU runs the ESCU Endpoint detections of ../shared
// (-f of each detections file) over the summaries of the shared datasets
// with both engines: every detection sqlgen compiles prints the same CSV,
// each other one is an error naming its construct.
func TestRunEngineDuckDBESCU(t *testing.T) {
	escu := filepath.Join(sharedRoot, "escu")
	if _, err := os.Stat(filepath.Join(escu, "macros.jsonl")); err != nil {
		t.Skipf("../shared absent: %v", err)
	}
	dir := t.TempDir()
	accelerate(t, dir, filepath.Join(sharedRoot, "datasets", "attack_data"))
	compared, withRows, refused, notPlanned := 0, 0, 0, 0
	for _, f := range []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"} {
		args := []string{"run", "--summaries", dir, "--format", "csv", "-m", filepath.Join(escu, "macros.jsonl"), "--lookups", filepath.Join(escu, "lookups"), "-f", filepath.Join(escu, f)}
		_, want, _ := invoke(t, "", args...)
		_, got, gotErr := invoke(t, "", append([]string{"run", "--engine", "duckdb"}, args[1:]...)...)
		wb, gb := blocks(want), blocks(got)
		for name, g := range gb {
			w, ok := wb[name]
			switch {
			case !ok:
				t.Errorf("%s: %s: printed by duckdb only", f, name)
			case g == "" && w == "":
				notPlanned++ // an error in both (minispl does not plan it)
			case g == "" && w != "":
				// Refused by sqlgen (said on stderr) or failed.
				if !strings.Contains(gotErr, name) {
					t.Errorf("%s: %s: no output from duckdb and no error naming it", f, name)
				}
				refused++
			case g != w:
				t.Errorf("%s: %s: duckdb printed\n%s\nminispl\n%s", f, name, g, w)
			default:
				compared++
				if strings.Count(w, "\n") > 0 { // a header and a row
					withRows++
				}
			}
		}
	}
	t.Logf("%d detections print the same from DuckDB and minispl (%d with rows), %d refused by sqlgen, %d not planned", compared, withRows, refused, notPlanned)
	if compared < 700 {
		t.Errorf("%d detections compared, want at least 700", compared)
	}
}

// blocks splits the output of several searches ("# NAME" then its
// result, a blank line between) by name.
func blocks(out string) map[string]string {
	m := map[string]string{}
	for _, b := range strings.Split("\n"+out, "\n# ")[1:] {
		name, body, _ := strings.Cut(b, "\n")
		m[name] = strings.TrimSuffix(body, "\n")
	}
	return m
}

// TestExportDuckDB: in a kit of engineSearches over the summaries of
// testdata/events, each duckdb.sql run on DuckDB from the kit's folder
// (its SQL reads summaries/, the kit's copy) gives expected.csv byte for
// byte.
func TestExportDuckDB(t *testing.T) {
	sum, kit := t.TempDir(), filepath.Join(t.TempDir(), "kit")
	accelerate(t, sum, filepath.Join("..", "..", "testdata", "events"))
	var script strings.Builder
	for i, s := range engineSearches {
		fmt.Fprintf(&script, "# name: search %d\n%s\n\n", i+1, s)
	}
	scriptFile := filepath.Join(t.TempDir(), "kit.spl")
	if err := os.WriteFile(scriptFile, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if status, _, stderr := invoke(t, "", "export", "--summaries", sum, "--out", kit, "-f", scriptFile); status != exitOK {
		t.Fatalf("export: status %d: %s", status, stderr)
	}
	db, err := openDuckDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t.Chdir(kit)
	dirs, err := filepath.Glob(filepath.Join("detections", "*"))
	if err != nil || len(dirs) != len(engineSearches) {
		t.Fatalf("%d search folders (%v), want %d", len(dirs), err, len(engineSearches))
	}
	withRows := 0
	for _, d := range dirs {
		text, err := os.ReadFile(filepath.Join(d, "duckdb.sql"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(d, "expected.csv"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.query(context.Background(), string(text))
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		var got bytes.Buffer
		if err := render.WriteCSV(&got, res); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("%s: duckdb gives\n%s\nexpected.csv\n%s", d, got.String(), want)
		}
		if res.NumRows() > 0 {
			withRows++
		}
	}
	if withRows < 5 {
		t.Errorf("%d searches with rows: the kit proves little", withRows)
	}
}
