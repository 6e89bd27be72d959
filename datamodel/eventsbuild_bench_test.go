package datamodel

import (
	"bytes"
	"testing"
)

// BenchmarkEventStoreBuild builds the event store of 20,000 generated
// events (ingested once, outside the timer) again and again: the
// search-time fields of every event and the columns, without the ingest
// that BenchmarkEventStoreIngest also times.
func BenchmarkEventStoreBuild(b *testing.B) {
	const n = 20000
	text, _ := generated(b, n)
	s := NewStore(DefaultCatalog(), Options{})
	defer s.Release()
	if err := s.Ingest(bytes.NewReader(text), "bench"); err != nil {
		b.Fatal(err)
	}
	s.Events()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		s.impl.evMu.Lock()
		s.impl.eventsBuilt = -1 // the next Events builds the store again
		s.impl.evMu.Unlock()
		if got := s.Events().Len(); got != n {
			b.Fatalf("event store holds %d events, want %d", got, n)
		}
	}
	b.StopTimer()
	reportCPU(b, processCPU()-cpu0, n*b.N)
}
