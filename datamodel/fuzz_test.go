package datamodel

import (
	"strings"
	"testing"
)

// FuzzIngestXML feeds arbitrary text to the XmlWinEventLog path (framing,
// parseEvent and the mapping of every dataset): it must never panic, and
// every event read must be either used or skipped.
func FuzzIngestXML(f *testing.F) {
	good := regEvt(13, "SetValue", `HKLM\System\A\B`, kv{"Details", "DWORD (0x00000001)"}, kv{"User", `NT AUTHORITY\SYSTEM`}).xml()
	f.Add(good + "\n" + good)
	f.Add(strings.Replace(good, "<EventData>", "\r\n<EventData>\r\n", 1))
	f.Add(evt{eid: 1, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"CommandLine", ` "a b" c`}, {"Image", `C:\x\y.exe`}}}.xml())
	f.Add(evt{eid: 11, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"TargetFilename", `C:\a:b.c:$DATA`}}}.xml())
	f.Add(evt{eid: 3, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"SourceHostname", "-"}}}.xml())
	f.Add("<Event><Data Name='a'/><Data Name=\"b\"></Data><Computer/><EventID>12</EventID></Event>")
	f.Add("<Event <\n<Event>\n</Event")
	f.Fuzz(func(t *testing.T, text string) {
		s := NewStore(DefaultCatalog(), Options{BatchSize: 3})
		defer s.Release()
		if err := s.Ingest(strings.NewReader(text), "fuzz"); err != nil {
			t.Fatalf("Ingest: %v", err)
		}
		checkAccounting(t, s.Stats())
	})
}
