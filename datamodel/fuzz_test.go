package datamodel

import (
	"strings"
	"testing"
)

// FuzzIngestXML feeds arbitrary text to the XmlWinEventLog path (framing,
// parseEvent and the mapping of every dataset): it must never panic, and
// every event read must be either kept or skipped with a reason, the
// counts matching what the Store holds (checkStoreAccounting). One Store
// is built per process and Reset before each input: building one (the
// Arrow builders of every dataset) cost more than ingesting a small input.
func FuzzIngestXML(f *testing.F) {
	good := regEvt(13, "SetValue", `HKLM\System\A\B`, kv{"Details", "DWORD (0x00000001)"}, kv{"User", `NT AUTHORITY\SYSTEM`}).xml()
	f.Add(good + "\n" + good)
	f.Add(strings.Replace(good, "<EventData>", "\r\n<EventData>\r\n", 1))
	f.Add(evt{eid: 1, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"CommandLine", ` "a b" c`}, {"Image", `C:\x\y.exe`}}}.xml())
	f.Add(evt{eid: 11, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"TargetFilename", `C:\a:b.c:$DATA`}}}.xml())
	f.Add(evt{eid: 3, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"SourceHostname", "-"}}}.xml())
	f.Add("<Event><Data Name='a'/><Data Name=\"b\"></Data><Computer/><EventID>12</EventID></Event>")
	f.Add("<Event <\n<Event>\n</Event")
	s := NewStore(DefaultCatalog(), Options{BatchSize: 3})
	defer s.Release()
	f.Fuzz(func(t *testing.T, text string) {
		s.Reset()
		if err := s.Ingest(strings.NewReader(text), "fuzz"); err != nil {
			t.Fatalf("Ingest: %v", err)
		}
		st := s.Stats()
		checkAccounting(t, st)
		checkStoreAccounting(t, s, st)
	})
}

// checkStoreAccounting checks that the counts of st, everything s
// ingested since it was made or Reset, are what s holds: each dataset's
// rows in its batches are its Used count, and the events kept for the
// event store (or left out of it) are Kept.
func checkStoreAccounting(t *testing.T, s *Store, st Stats) {
	t.Helper()
	if err := st.Check(); err != nil {
		t.Fatalf("%v (%+v)", err, st)
	}
	for _, p := range s.impl.plans {
		rows := 0
		for _, b := range p.batches {
			rows += int(b.NumRows())
		}
		if rows != st.Used[p.name] || p.rows != 0 {
			t.Fatalf("%s: %d rows in batches (%d pending), Used %d", p.name, rows, p.rows, st.Used[p.name])
		}
	}
	if kept := len(s.impl.raw.evs) + s.impl.raw.left; kept != st.Kept {
		t.Fatalf("%d event texts kept, Kept %d", kept, st.Kept)
	}
}
