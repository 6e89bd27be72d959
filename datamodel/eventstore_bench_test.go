package datamodel

import (
	"bytes"
	"runtime"
	"testing"
)

// BenchmarkEventStoreIngest measures ingestion of generated Sysmon events
// (with a few Security 4624 events) into the datasets and the event store
// (Store.Events, which builds the columnar store from the kept texts). It
// reports MB/s, events/s, the CPU figures of reportCPU, and
// heap_B/1Mevents: the live heap the store holds after the last iteration
// (runtime.MemStats.HeapAlloc after a GC, minus the heap before it),
// scaled to one million events.
func BenchmarkEventStoreIngest(b *testing.B) {
	const n = 20000
	text, _ := generated(b, n)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	var s *Store
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		if s != nil {
			s.Release()
		}
		s = NewStore(DefaultCatalog(), Options{})
		if err := s.Ingest(bytes.NewReader(text), "bench"); err != nil {
			b.Fatal(err)
		}
		if got := s.Events().Len(); got != n {
			b.Fatalf("event store holds %d events, want %d", got, n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	reportCPU(b, processCPU()-cpu0, n*b.N)
	s.Release()
	runtime.GC()
	runtime.ReadMemStats(&before)
	s = NewStore(DefaultCatalog(), Options{})
	if err := s.Ingest(bytes.NewReader(text), "bench"); err != nil {
		b.Fatal(err)
	}
	s.Events()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))*1e6/n, "heap_B/1Mevents")
	runtime.KeepAlive(s)
	// The input is live across both readings: without this, the GC frees
	// it between them and the figure is the store less the input.
	runtime.KeepAlive(text)
	s.Release()
}
