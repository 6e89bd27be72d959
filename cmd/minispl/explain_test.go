package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// loadedREPL returns a REPL over a session with opt and the events of
// eventsFile, printing into the returned buffer.
func loadedREPL(t *testing.T, opt sessionOptions) (*repl, *bytes.Buffer) {
	t.Helper()
	s, err := newSession(opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.loadData([]string{eventsFile}); err != nil {
		t.Fatal(err)
	}
	out := &bytes.Buffer{}
	return newREPL(s, out, out), out
}

// TestExplainWindow checks .explain after a search whose time window
// (--earliest 2024-10-01) is after every event, worked out by hand: the 14
// Registry rows of rms_registry.xml have _time from 14:05:09.123 (the
// first CreateKey) to 15:42:00.000 (the last SetValue) on 2024-09-30, so
// the window keeps none of them; the stage reads 14 rows and returns none.
func TestExplainWindow(t *testing.T) {
	r, out := loadedREPL(t, sessionOptions{Time: timeWindow{Location: time.UTC, Earliest: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)}})
	r.hideTimes = true
	r.search(context.Background(), "| tstats count from datamodel=Endpoint.Registry by Registry.dest")
	r.dotExplain(context.Background(), "")
	// The stage column is as wide as the plan's one line.
	stage := "Tstats datamodel=Endpoint.Registry aggs=[count] by=[Registry.dest] drop_null_keys earliest=2024-10-01T00:00:00Z"
	pad := func(s string) string { return s + strings.Repeat(" ", len(stage)-len(s)) }
	want := "0 results\n" +
		pad("stage") + "  rows in  rows out\n" +
		strings.Repeat("-", len(stage)) + "  -------  --------\n" +
		stage + "  14       0\n" +
		"result: 0 rows\n" +
		"\n" +
		"tstats over Endpoint.Registry: 14 rows, _time from 2024-09-30T14:05:09.123+00:00 to 2024-09-30T15:42:00.000+00:00\n" +
		"  time window [2024-10-01T00:00:00.000+00:00, +inf): 0 rows\n" +
		"\n" +
		"note: the time window [2024-10-01T00:00:00.000+00:00, +inf) excludes all 14 rows of Endpoint.Registry, whose _time spans 2024-09-30T14:05:09.123+00:00 to 2024-09-30T15:42:00.000+00:00\n"
	if out.String() != want {
		t.Errorf(".explain printed\n%s\nwant\n%s", out.String(), want)
	}
}

// TestExplainStages checks the stage table of a pipeline: rows in are the
// rows out of the stage below, and a where stage that keeps one of the
// two destinations (8 rows on WS-FIN-07, 6 on win-dc-01) returns 1 row.
func TestExplainStages(t *testing.T) {
	r, out := loadedREPL(t, sessionOptions{})
	r.dotExplain(context.Background(), "| tstats count from datamodel=Endpoint.Registry by Registry.dest | where count > 7")
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "stage ") || !strings.HasSuffix(lines[0], "rows in  rows out  time") {
		t.Fatalf("explain:\n%s", out.String())
	}
	where, tstats := strings.Fields(lines[2]), strings.Fields(lines[3])
	// where: rows in 2, out 1, a time; tstats: 14 in, 2 out, a time.
	if got := strings.Join(where[len(where)-3:len(where)-1], " "); !strings.HasPrefix(lines[2], "Where ") || got != "2 1" {
		t.Errorf("where stage %q", lines[2])
	}
	if got := strings.Join(tstats[len(tstats)-3:len(tstats)-1], " "); !strings.HasPrefix(lines[3], "  Tstats ") || got != "14 2" {
		t.Errorf("tstats stage %q", lines[3])
	}
	if _, err := time.ParseDuration(where[len(where)-1]); err != nil {
		t.Errorf("where time %q: %v", where[len(where)-1], err)
	}
}
