package main

import (
	"context"
	"fmt"

	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/summaries"
)

// procsFile holds 20 events: 12 Endpoint.Processes, 6 Endpoint.Filesystem,
// 1 Network_Traffic.All_Traffic (and no Registry).
var procsFile = filepath.Join("..", "..", "testdata", "events", "processes_filesystem.xml")

// summarySearches are compared from raw events and from summaries.
var summarySearches = []string{
	byActionDest,
	seedSearch,
	"| tstats count min(_time) as first max(_time) as last values(Processes.process_name) as names from datamodel=Endpoint.Processes by Processes.dest Processes.user",
	"| tstats count from datamodel=Endpoint.Filesystem by Filesystem.file_name Filesystem.action",
	"| tstats dc(All_Traffic.dest_port) as ports count from datamodel=Network_Traffic by All_Traffic.src All_Traffic.dest",
	"| tstats count from datamodel=Endpoint.Registry by _time span=1h Registry.dest",
}

// accelerate runs minispl accelerate and fails the test unless it
// succeeds.
func accelerate(t *testing.T, out string, data ...string) string {
	t.Helper()
	args := []string{"accelerate", "--out", out}
	for _, d := range data {
		args = append(args, "--data", d)
	}
	status, stdout, stderr := invoke(t, "", args...)
	if status != exitOK || stdout != "" {
		t.Fatalf("accelerate %v: status %d, stdout %q, stderr:\n%s", data, status, stdout, stderr)
	}
	return stderr
}

// runCSV runs one search as CSV and returns its output.
func runCSV(t *testing.T, search string, args ...string) (string, string) {
	t.Helper()
	args = append(append([]string{"run", "--format", "csv"}, args...), search)
	status, stdout, stderr := invoke(t, "", args...)
	if status != exitOK && status != exitNoResults {
		t.Fatalf("run %v: status %d, stderr:\n%s", args, status, stderr)
	}
	return stdout, stderr
}

// TestAccelerateIncremental: summaries of one file, then of it and a
// second (only the second is read), then the same again (nothing to do);
// every search gives from the summaries what it gives from raw events.
func TestAccelerateIncremental(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sum")
	errOut := accelerate(t, dir, eventsFile)
	if !strings.Contains(errOut, "1 file: 0 already summarised, 1 to summarise") || !strings.Contains(errOut, "wrote 17 rows in 3 part files (1 day)") {
		t.Errorf("first accelerate said:\n%s", errOut)
	}
	got, errOut := runCSV(t, byActionDest, "--summaries", dir)
	if got != byActionDestCSV {
		t.Errorf("from summaries:\n%s\nwant (hand-checked):\n%s", got, byActionDestCSV)
	}
	if !strings.Contains(errOut, "read 17 rows from 3 files") {
		t.Errorf("no summary line of the rows read: %s", errOut)
	}
	errOut = accelerate(t, dir, eventsFile, procsFile)
	if !strings.Contains(errOut, "2 files: 1 already summarised, 1 to summarise") || !strings.Contains(errOut, "ingested 1 file, 20 events") {
		t.Errorf("second accelerate said:\n%s", errOut)
	}
	errOut = accelerate(t, filepath.Join(dir), filepath.Dir(eventsFile)+"/../events/rms_registry.xml", procsFile)
	if !strings.Contains(errOut, "2 already summarised, 0 to summarise") || !strings.Contains(errOut, "is up to date") {
		t.Errorf("third accelerate said:\n%s", errOut)
	}
	m := manifest(t, dir)
	if len(m.Commits) != 2 || len(m.Inputs()) != 2 {
		t.Errorf("manifest: %d commits, %d inputs; want 2 and 2", len(m.Commits), len(m.Inputs()))
	}
	for _, s := range summarySearches {
		raw, _ := runCSV(t, s, "--data", eventsFile, "--data", procsFile)
		sum, _ := runCSV(t, s, "--summaries", dir)
		if raw != sum || raw == "" {
			t.Errorf("%s\nraw:\n%s\nsummaries:\n%s", s, raw, sum)
		}
	}
	// A copy of a summarised file under another name is summarised.
	cp := filepath.Join(t.TempDir(), "copy.xml")
	b, _ := os.ReadFile(procsFile)
	if err := os.WriteFile(cp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if errOut := accelerate(t, dir, cp); !strings.Contains(errOut, "up to date") {
		t.Errorf("a copy of a summarised file: %s", errOut)
	}
	// A summarised file that changed is an error, not rows counted twice.
	grown := filepath.Join(t.TempDir(), "grown.xml")
	if err := os.WriteFile(grown, b, 0o644); err != nil {
		t.Fatal(err)
	}
	accelerate(t, dir, grown) // same content as procsFile: up to date, recorded by hash only
	other := filepath.Join(t.TempDir(), "other.xml")
	if err := os.WriteFile(other, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	accelerate(t, dir, other)
	if err := os.WriteFile(other, append(b[:len(b)/2:len(b)/2], "\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	status, _, stderr := invoke(t, "", "accelerate", "--out", dir, "--data", other)
	if status != exitError || !strings.Contains(stderr, "changed since it was summarised") {
		t.Errorf("changed file: status %d, stderr %s", status, stderr)
	}
}

// manifest reads a summaries folder's manifest.
func manifest(t *testing.T, dir string) *summaries.Manifest {
	t.Helper()
	s, err := summaries.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s.Manifest()
}

// TestSummariesOptions: summariesonly, the --data not yet summarised,
// allow_old_summaries, the time window's pruning, and raw searches.
func TestSummariesOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sum")
	accelerate(t, dir, eventsFile)
	procs := "| tstats count from datamodel=Endpoint.Processes by Processes.dest"
	rawBoth, _ := runCSV(t, procs, "--data", eventsFile, "--data", procsFile)
	rawOne, _ := runCSV(t, procs, "--data", eventsFile)
	if rawBoth == rawOne {
		t.Fatalf("the second file adds no process row:\n%s", rawBoth)
	}
	// summariesonly=false (the default): summaries plus the --data not
	// yet summarised; eventsFile is not read again.
	got, errOut := runCSV(t, procs, "--summaries", dir, "--data", eventsFile, "--data", procsFile)
	if got != rawBoth {
		t.Errorf("summariesonly=false:\n%s\nwant\n%s", got, rawBoth)
	}
	if !strings.Contains(errOut, "--data: 1 file already summarised (not read), 1 input not yet summarised (read now)") {
		t.Errorf("stderr does not say which --data were read:\n%s", errOut)
	}
	only := strings.Replace(procs, "tstats ", "tstats summariesonly=true ", 1)
	got, errOut = runCSV(t, only, "--summaries", dir, "--data", eventsFile, "--data", procsFile)
	if got != rawOne {
		t.Errorf("summariesonly=true:\n%s\nwant\n%s", got, rawOne)
	}
	if !strings.Contains(errOut, "summariesonly=true: 19 rows of --data not yet summarised not searched") {
		t.Errorf("summariesonly=true does not say what it left out:\n%s", errOut)
	}

	// The window prunes partitions and changes no result.
	for _, win := range [][]string{
		{"--earliest", "2024-09-30T15:00:00", "--latest", "2024-10-01T00:00:00"},
		{"--earliest", "2024-10-01T00:00:00"},
		{"--latest", "2024-09-30T00:00:00"},
	} {
		raw, _ := runCSV(t, byActionDest, append([]string{"--data", eventsFile}, win...)...)
		sum, errOut := runCSV(t, byActionDest, append([]string{"--summaries", dir}, win...)...)
		if raw != sum {
			t.Errorf("window %v: raw\n%s\nsummaries\n%s", win, raw, sum)
		}
		if win[0] != "--earliest" || len(win) > 2 {
			continue
		}
		if !strings.Contains(errOut, "pruned 3 of 3 partitions") || !strings.Contains(errOut, "read 0 rows from 0 files") {
			t.Errorf("window %v after every row: %s", win, errOut)
		}
	}

	// Rows of another mapping version: skipped unless allowed.
	cat := datamodel.DefaultCatalog()
	st := datamodel.NewStore(cat, datamodel.Options{})
	defer st.Release()
	if err := st.IngestFile(procsFile); err != nil {
		t.Fatal(err)
	}
	w, err := summaries.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(cat, st, nil, summaries.WriteOptions{MappingVersion: "old-mapping"}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got, errOut = runCSV(t, procs, "--summaries", dir)
	if got != rawOne || !strings.Contains(errOut, "allow_old_summaries=false: skipped 19 rows of mapping version old-mapping") {
		t.Errorf("old mapping, default allow_old_summaries=false:\n%s\nwant\n%s\nstderr:\n%s", got, rawOne, errOut)
	}
	allow := strings.Replace(procs, "tstats ", "tstats allow_old_summaries=true ", 1)
	if got, _ = runCSV(t, allow, "--summaries", dir); got != rawBoth {
		t.Errorf("allow_old_summaries=true:\n%s\nwant\n%s", got, rawBoth)
	}

	// Raw events are not in the summaries: an error, not 0 results.
	status, stdout, stderr := invoke(t, "", "run", "--summaries", dir, "search Manipulator")
	if status != exitError || stdout != "" || !strings.Contains(stderr, "reads raw events") {
		t.Errorf("raw search over summaries: status %d, stdout %q, stderr %s", status, stdout, stderr)
	}
	status, _, stderr = invoke(t, "", "run", "--summaries", filepath.Join(t.TempDir(), "none"), byActionDest)
	if status != exitError || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing summaries: status %d, stderr %s", status, stderr)
	}
}

// TestAccelerateKilled sends SIGKILL to `minispl accelerate` at a sweep
// of times while it summarises a generated file into summaries that
// already hold a first commit. After every kill a reader sees either the
// first commit's rows or both commits' rows, nothing in between; the next
// accelerate repairs the folder and ends with both commits' rows, once.
func TestAccelerateKilled(t *testing.T) {
	bin := buildBinary(t)
	tmp := t.TempDir()
	big := filepath.Join(tmp, "gen.xml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sysmongen.Write(f, 30000, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rows := func(dir string) int64 {
		s, err := summaries.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		bs, st, err := s.Read(context.Background(), datamodel.DefaultCatalog(), summaries.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		summaries.Release(bs)
		return st.Rows
	}
	accel := func(dir string) *exec.Cmd {
		return exec.Command(bin, "accelerate", "--out", dir, "--data", eventsFile, "--data", big)
	}
	// The whole run, timed, gives the rows of both commits.
	full := filepath.Join(tmp, "full")
	accelerate(t, full, eventsFile)
	first := rows(full)
	start := time.Now()
	if out, err := accel(full).CombinedOutput(); err != nil {
		t.Fatalf("accelerate: %v\n%s", err, out)
	}
	took := time.Since(start)
	both := rows(full)
	if both <= first {
		t.Fatalf("the generated file adds no rows (%d, %d)", first, both)
	}
	states := map[string]int{}
	// Ingest takes most of the run; the commit is in its last part.
	for _, i := range []int{4, 7, 9, 10, 11, 12} {
		dir := filepath.Join(tmp, fmt.Sprint("k", i))
		accelerate(t, dir, eventsFile)
		cmd := accel(dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(took * time.Duration(i) / 12)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		switch n := rows(dir); n {
		case first:
			states["before the commit"]++
		case both:
			states["committed"]++
		default:
			t.Errorf("kill %d/12 of the way: a reader sees %d rows, want %d or %d", i, n, first, both)
		}
		if out, err := accel(dir).CombinedOutput(); err != nil {
			t.Fatalf("accelerate after the kill: %v\n%s", err, out)
		}
		if n := rows(dir); n != both {
			t.Errorf("kill %d/12 of the way, then accelerate: %d rows, want %d", i, n, both)
		}
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".tmp") {
				t.Errorf("temporary file left after the repair: %s", p)
			}
			return nil
		})
	}
	t.Logf("kills: %v (run of %v)", states, took)
}
