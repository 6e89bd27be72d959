package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// eventsSummary is what loading eventsFile prints on stderr.
const eventsSummary = "ingested 1 file, 17 events: 2 Endpoint.Processes, 14 Endpoint.Registry, 1 Network_Traffic.All_Traffic\n"

// gzipped compresses data.
func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRunStdin: `cat F | minispl run SPL`, `minispl run --data - SPL` and
// `minispl run --data F SPL` print the same results and summary; so does a
// gzip of F on stdin.
func TestRunStdin(t *testing.T) {
	data, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	gz := string(gzipped(t, data))
	runs := []struct {
		name, stdin string
		args        []string
	}{
		{"--data F", "", []string{"run", "--data", eventsFile}},
		{"piped", string(data), []string{"run"}},
		{"--data -", string(data), []string{"run", "--data", "-"}},
		{"piped gzip", gz, []string{"run"}},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			status, stdout, stderr := invoke(t, r.stdin, append(r.args, "--format", "csv", byActionDest)...)
			if status != exitOK || stdout != byActionDestCSV || stderr != eventsSummary {
				t.Errorf("status %d, stdout\n%s\nstderr %q; want 0, the rows of %s and %q", status, stdout, stderr, eventsFile, eventsSummary)
			}
		})
	}
}

// TestRunSampleOnlyWhenAsked: the embedded sample is searched with
// --sample, never in place of missing input.
func TestRunSampleOnlyWhenAsked(t *testing.T) {
	status, stdout, stderr := invoke(t, "", "run", "--sample", "--format", "csv", byActionDest)
	if status != exitOK || stdout != byActionDestCSV || stderr != strings.TrimSuffix(eventsSummary, "\n")+" (embedded sample; use --data for your own events)\n" {
		t.Errorf("--sample: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	// No --data, no --sample, empty stdin: an error, no rows.
	status, stdout, stderr = invoke(t, "", "run", "--format", "csv", byActionDest)
	if status != exitError || stdout != "" || !strings.HasSuffix(stderr, "error: no events read from standard input\n") {
		t.Errorf("no input: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	// With data and --sample, both are searched: every count doubles
	// (the sample holds the events of eventsFile).
	status, stdout, stderr = invoke(t, "", "run", "--sample", "--data", eventsFile, "--format", "csv", byActionDest)
	want := "Registry.action,Registry.dest,count\ncreated,win-dc-01.attackrange.local,4\ndeleted,WS-FIN-07.corp.example.com,4\n" +
		"modified,WS-FIN-07.corp.example.com,12\nmodified,win-dc-01.attackrange.local,8\n"
	if status != exitOK || stdout != want || !strings.HasPrefix(stderr, "ingested 2 files, 34 events: ") || !strings.Contains(stderr, "(with the embedded sample)") {
		t.Errorf("--sample --data: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

// TestDataPathsTerminal: with stdin a terminal (nil here) and no input
// flag, there is nothing to search: a clear error before anything runs.
func TestDataPathsTerminal(t *testing.T) {
	_, err := dataPaths(&env{}, sourceFlags{})
	if err == nil || !strings.Contains(err.Error(), "no events to search: give --data PATH (a file or folder, - for standard input), pipe events in, or --sample") {
		t.Errorf("got %v", err)
	}
	if p, err := dataPaths(&env{stdin: strings.NewReader("")}, sourceFlags{}); err != nil || len(p) != 1 || p[0] != "-" {
		t.Errorf("piped stdin: %q, %v; want [-]", p, err)
	}
	if p, err := dataPaths(&env{stdin: strings.NewReader("x")}, sourceFlags{Sample: true}); err != nil || len(p) != 0 {
		t.Errorf("--sample with piped stdin: %q, %v; want the sample alone", p, err)
	}
}

// TestRunNothingUsable: a folder of licence and notes files, or events of
// no dataset, is an error with exit status 1 that lists what was skipped.
func TestRunNothingUsable(t *testing.T) {
	dir := t.TempDir()
	err := os.CopyFS(dir, fstest.MapFS{
		"LICENSE.txt": {Data: []byte("MIT License\n\nPermission is hereby granted, free of charge...\n")},
		"notes.md":    {Data: []byte("# Notes\nThe host was imaged at 10:00.\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := invoke(t, "", "run", "--data", dir, byActionDest)
	want := "ingested 0 files, 0 events\n2 files skipped: LICENSE.txt (not event data), notes.md (not event data)\nerror: no events read from " + dir + "\n"
	if status != exitError || stdout != "" || stderr != want {
		t.Errorf("status %d, stdout %q, stderr\n%s\nwant\n%s", status, stdout, stderr, want)
	}
	// One malformed event: read, but nothing to search.
	bad := "<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID><Channel>Security</Channel></System></Event>\n"
	status, stdout, stderr = invoke(t, bad, "run", byActionDest)
	want = "ingested 1 file, 1 event: 1 skipped (1 malformed: no TimeCreated SystemTime)\n  stdin:1: no TimeCreated SystemTime\n" +
		"error: none of the 1 event read from standard input can be searched (see the reasons above)\n"
	if status != exitError || stdout != "" || stderr != want {
		t.Errorf("status %d, stdout %q, stderr\n%s\nwant\n%s", status, stdout, stderr, want)
	}
	// One Security event with a time: kept as an event (a raw search can
	// read it), so the search runs, finds no Registry row (exit status
	// exitNoResults, not exitError), and a raw search finds the event.
	sec := "<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID><TimeCreated SystemTime='2024-01-01T00:00:00.000Z'/><Channel>Security</Channel></System></Event>\n"
	status, _, _ = invoke(t, sec, "run", byActionDest)
	if status != exitNoResults {
		t.Errorf("one kept Security event: status %d, want %d", status, exitNoResults)
	}
	status, stdout, _ = invoke(t, sec, "run", "--format", "csv", "EventCode=4624 | stats count by source")
	if status != exitOK || stdout != "source,count\nXmlWinEventLog:Security,1\n" {
		t.Errorf("raw search: status %d, stdout %q", status, stdout)
	}
}

// TestRunMixedFolder: events as gzipped text beside an EVTX file, a notes
// file and a licence: the events are searched, the rest listed.
func TestRunMixedFolder(t *testing.T) {
	data, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	// processes_filesystem.xml's 20 events as EVTX (see
	// testdata/golden/evtx_processes_filesystem.test): no Registry event.
	evtxData, err := os.ReadFile(filepath.Join("..", "..", "testdata", "events", "processes_filesystem.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	err = os.CopyFS(dir, fstest.MapFS{
		"host1/sysmon.xml.gz": {Data: gzipped(t, data)},
		"host1/System.evtx":   {Data: evtxData},
		"notes.md":            {Data: []byte("# Notes\n")},
		"LICENSE":             {Data: []byte("Apache License\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := invoke(t, "", "run", "--data", dir, "--format", "csv", byActionDest)
	// The 17 events of eventsFile (eventsSummary) and the EVTX file's 20:
	// 12 Processes (1 + 11), 6 Filesystem, 14 Registry, 2 Network_Traffic
	// (1 + 1), and the 2 Security 4688 events are Processes rows too (14
	// in all); every event is kept, none skipped.
	want := "ingested 2 files (1 EVTX, 1 gzip), 37 events: 6 Endpoint.Filesystem, 14 Endpoint.Processes, 14 Endpoint.Registry, 2 Network_Traffic.All_Traffic\n" +
		"2 files skipped: LICENSE (not event data), notes.md (not event data)\n"
	if status != exitOK || stdout != byActionDestCSV || stderr != want {
		t.Errorf("status %d, stdout\n%s\nstderr\n%s\nwant\n%s", status, stdout, stderr, want)
	}
}

// TestREPLSample: a REPL started without --data searches the sample and
// says so; the first .data replaces it (14 Registry rows, not 28).
func TestREPLSample(t *testing.T) {
	in := ".datamodels\n.data " + eventsFile + "\n.datamodels\n.clear\n.datamodels\n"
	status, stdout, stderr := invoke(t, in, "repl")
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr)
	}
	if want := strings.TrimSuffix(eventsSummary, "\n") + " (embedded sample; .data PATH loads your events instead)\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	dm := func(reg, proc, net int) string {
		return "Endpoint.Registry  (27 fields; rows: " + strconv.Itoa(reg) + ")\nEndpoint.Processes  (40 fields; rows: " + strconv.Itoa(proc) +
			")\nEndpoint.Filesystem  (28 fields; rows: 0)\nNetwork_Traffic.All_Traffic  (69 fields; rows: " + strconv.Itoa(net) + ")\n" +
			"Authentication.Authentication  (20 fields; rows: 0)\nChange.All_Changes  (35 fields; rows: 0)\n"
	}
	want := dm(14, 2, 1) + "the embedded sample is replaced\n" + eventsSummary + dm(14, 2, 1) +
		"the store is empty; .data PATH loads events\n" + dm(0, 0, 0)
	if stdout != want {
		t.Errorf("stdout\n%s\nwant\n%s", stdout, want)
	}
	if status, _, stderr := invoke(t, "", "repl", "--data", "-"); status != exitError || !strings.Contains(stderr, "--data - is for run") {
		t.Errorf("repl --data -: %d, %q", status, stderr)
	}
}

// TestREPLBanner: on a terminal, a REPL over the sample says so first.
func TestREPLBanner(t *testing.T) {
	r := newREPL(nil, nil, nil)
	usage := "minispl REPL: end a search with Enter (a line ending in | or \\ continues), .help for commands, Ctrl-D to quit\n"
	if got := r.banner(); got != usage {
		t.Errorf("banner %q, want %q", got, usage)
	}
	r.sample = true
	if got, want := r.banner(), "minispl REPL: searching the embedded sample of Sysmon events; .data PATH loads your events instead\n"+usage; got != want {
		t.Errorf("banner %q, want %q", got, want)
	}
}

// TestRunEVTXStdin: an EVTX file piped in prints what --data FILE prints
// (the stream is read into memory; chunks need random access).
func TestRunEVTXStdin(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "events", "rms_registry.evtx")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st1, out1, err1 := invoke(t, "", "run", "--data", path, "--format", "csv", byActionDest)
	st2, out2, err2 := invoke(t, string(data), "run", "--format", "csv", byActionDest)
	// rms_registry.xml's events (see testdata/golden/evtx_rms_seed.test).
	if st1 != exitOK || st2 != exitOK || out1 != byActionDestCSV || out2 != out1 || err1 != err2 {
		t.Errorf("--data: %d %q %q\nstdin: %d %q %q", st1, out1, err1, st2, out2, err2)
	}
}
