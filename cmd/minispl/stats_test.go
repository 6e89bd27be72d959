package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestStatsJSON checks --stats-json on the embedded sample and a folder
// with files that are not events. The sample's counts are those of its
// summary line in README: 17 events, 1 Endpoint.Processes, 14
// Endpoint.Registry, 1 Network_Traffic.All_Traffic and 1 Security event
// skipped. The folder adds testdata/events/rms_registry.xml, the same 17
// events in a file of its own (so read again, not "already loaded"),
// doubling every event count, and two files skipped: an empty one and a
// text that holds no event. Endpoint.Filesystem is listed with 0 rows.
func TestStatsJSON(t *testing.T) {
	dir := t.TempDir()
	events, err := os.ReadFile(filepath.Join("..", "..", "testdata", "events", "rms_registry.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"a.xml": string(events), "empty.log": "", "notes.txt": "hello\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "stats.json")
	status, _, stderr := invoke(t, "", "run", "--sample", "--data", dir, "--stats-json", out, "| tstats count from datamodel=Endpoint.Registry")
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got statsJSON
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	var want statsJSON
	want.Files.Read, want.Files.ReadByKind = 2, map[string]int{"XmlWinEventLog": 2}
	want.Files.Skipped, want.Files.SkippedByReason = 2, map[string]int{"empty": 1, "not event data": 1}
	want.Files.SkippedList = []datamodelSkippedFile{{"empty.log", "empty"}, {"notes.txt", "not event data"}}
	// Every event is kept; the Security 4688 of each copy is a Processes
	// row, so all 34 are dataset rows too.
	want.Events.Read, want.Events.Kept, want.Events.Used, want.Events.Skipped = 34, 34, 34, 0
	want.Events.UsedByDataset = map[string]int{"Authentication.Authentication": 0, "Change.All_Changes": 0, "Endpoint.Filesystem": 0, "Endpoint.Processes": 4, "Endpoint.Registry": 28, "Network_Traffic.All_Traffic": 2}
	want.Events.SkippedByReason = map[string]int{}
	want.Bytes, want.Problems = got.Bytes, []string{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("--stats-json:\n%s\nwant %+v", data, want)
	}
	if got.Events.Read != got.Events.Kept+got.Events.Skipped {
		t.Errorf("read %d != kept %d + skipped %d", got.Events.Read, got.Events.Kept, got.Events.Skipped)
	}
}
