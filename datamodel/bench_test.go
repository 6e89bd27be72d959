package datamodel

import (
	"bytes"
	"testing"
)

// BenchmarkIngest measures ingestion of generated Sysmon events (mostly
// registry) into all datasets. Run with GOMAXPROCS=1 (-cpu 1) for the
// one-core figure; it reports MB/s and events/s.
func BenchmarkIngest(b *testing.B) {
	text, counts := generated(b, 20000)
	events := counts.Registry + counts.Process + counts.Network + counts.Security
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := NewStore(DefaultCatalog(), Options{})
		if err := s.Ingest(bytes.NewReader(text), "bench"); err != nil {
			b.Fatal(err)
		}
		s.Release()
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkParseEvent measures the scanner alone on one registry event.
func BenchmarkParseEvent(b *testing.B) {
	line := []byte(regEvt(13, "SetValue", `HKLM\System\CurrentControlSet\Services\W32Time\SecureTimeLimits\SecureTimeHigh`,
		kv{"Details", "QWORD (0x01d776fd-0xd724b8c5)"}, kv{"User", `NT AUTHORITY\SYSTEM`}).xml())
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	var e event
	for i := 0; i < b.N; i++ {
		e.reset()
		if r := parseEvent(line, &e); r != "" {
			b.Fatal(r)
		}
	}
}
