package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl/escu"
)

// TestCheckESCURawShared runs check --escu over the shared ESCU raw-event
// detections (../shared/escu/detections_raw.jsonl, with ESCU's macros and
// lookups) and checks that it lists each detection that does not plan,
// and only those, with the stage and reason the front door gives when the
// detection is compiled on its own; and that of the 317 Endpoint
// detections among them (issue 9's acceptance) all expand and parse and at
// least 95% plan. Skipped without ../shared.
func TestCheckESCURawShared(t *testing.T) {
	dir := filepath.Join(sharedRoot, "escu")
	file := filepath.Join(dir, "detections_raw.jsonl")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("../shared absent: %v", err)
	}
	lookups := filepath.Join(dir, "lookups")
	status, stdout, stderr := invoke(t, "", "check", "--escu", file, "-m", filepath.Join(dir, "macros.jsonl"), "--lookups", lookups)
	if status != exitError {
		t.Errorf("status %d, want %d (some detections do not plan); stderr %s", status, exitError, stderr)
	}
	listed := map[string]string{} // origin -> "stage: reason"
	total := ""
	for _, line := range strings.Split(stdout, "\n") {
		if rest, ok := strings.CutPrefix(line, "FAIL "); ok {
			i := strings.LastIndex(rest, " ("+file+":")
			j := strings.Index(rest[i:], "): ")
			if i < 0 || j < 0 {
				t.Fatalf("FAIL line without (file:line): %s", line)
			}
			listed[rest[i+2:i+j]] = rest[i+j+3:]
		}
		if strings.Contains(line, " searches: ") {
			total = line
		}
	}

	// What the front door says of each detection, compiled alone.
	lib := macros.Default()
	if err := lib.Load(filepath.Join(dir, "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	env := query.NewEnv(query.Options{Macros: lib, Catalog: datamodel.DefaultCatalog(),
		Engine: engine.Options{LookupDirs: []string{lookups}}})
	ds, err := escu.Read(file)
	if err != nil {
		t.Fatal(err)
	}
	failed, epAll, epParsed, epPlanned := 0, 0, 0, 0
	for _, d := range ds {
		origin := fmt.Sprintf("%s:%d", file, d.Line)
		q, err := env.Compile(d.Search)
		if strings.HasPrefix(d.File, "detections/endpoint/") {
			epAll++
			if q.Pipeline != nil {
				epParsed++
			}
			if err == nil {
				epPlanned++
			}
		}
		got, isListed := listed[origin]
		if err == nil {
			if isListed {
				t.Errorf("%s (%s) plans, yet check lists it: %s", d.Name, origin, got)
			}
			continue
		}
		failed++
		want := fmt.Sprintf("%s: %s", query.StageOf(err), oneLine(err.Error()))
		switch {
		case !isListed:
			t.Errorf("%s (%s) does not plan (%s), yet check does not list it", d.Name, origin, want)
		case got != want:
			t.Errorf("%s (%s): check lists\n%s\nwant\n%s", d.Name, origin, got, want)
		}
	}
	if len(listed) != failed {
		t.Errorf("check lists %d detections, %d fail", len(listed), failed)
	}
	wantTotal := fmt.Sprintf("%d searches: %d expanded, %d parsed, %d planned (%.1f%%)", len(ds), len(ds), len(ds), len(ds)-failed, 100*float64(len(ds)-failed)/float64(len(ds)))
	if total != wantTotal {
		t.Errorf("totals %q, want %q", total, wantTotal)
	}
	t.Logf("%d detections, %d do not plan; Endpoint: %d, %d parsed, %d planned", len(ds), failed, epAll, epParsed, epPlanned)
	if epAll != 317 || epParsed != 317 || 100*epPlanned < 95*317 {
		t.Errorf("Endpoint raw detections: %d, %d parsed, %d planned; want 317, all parsed, at least 95%% planned", epAll, epParsed, epPlanned)
	}
}

// TestCheckNarrowed: check --escu --run compiles every search first and
// loads the events with only the event fields and datasets the compiled
// ones read; with --load-all it loads everything. The FAIL and ok lines,
// totals, reasons, ingest summary and status are the same either way,
// for the tstats corpora (no event texts kept) and the raw-event one,
// over ../shared/datasets/attack_data. Skipped without ../shared.
func TestCheckNarrowed(t *testing.T) {
	dir := filepath.Join(sharedRoot, "escu")
	if _, err := os.Stat(filepath.Join(dir, "detections_raw.jsonl")); err != nil {
		t.Skipf("../shared absent: %v", err)
	}
	data := filepath.Join(sharedRoot, "datasets", "attack_data")
	for _, corpus := range [][]string{{"detections_processes.jsonl", "detections_registry.jsonl", "detections_filesystem.jsonl"}, {"detections_raw.jsonl"}} {
		args := []string{"check", "-v", "--run", "--data", data, "-m", filepath.Join(dir, "macros.jsonl"), "--lookups", filepath.Join(dir, "lookups")}
		for _, f := range corpus {
			args = append(args, "--escu", filepath.Join(dir, f))
		}
		var out [2][3]string
		for i, extra := range [][]string{nil, {"--load-all"}} {
			status, stdout, stderr := invoke(t, "", append(args, extra...)...)
			out[i] = [3]string{fmt.Sprint(status), stdout, stderr}
		}
		if !strings.Contains(out[0][1], " rows\n") {
			t.Errorf("%v: no search ran:\n%s%s", corpus, out[0][1], out[0][2])
		}
		for k, what := range []string{"status", "stdout", "stderr"} {
			if out[0][k] != out[1][k] {
				t.Errorf("%v: the narrowed check's %s differs from --load-all's:\n%s\n--- --load-all:\n%s", corpus, what, out[0][k], out[1][k])
			}
		}
	}
}
