package datamodel

import (
	"bytes"
	"context"
	"runtime"
	"testing"
)

// smallInput is one registry event as XmlWinEventLog text, about 1 KB:
// the size of a fuzz input or of a small file in a folder.
func smallInput() []byte {
	return []byte(regEvt(13, "SetValue", `HKLM\System\A\B`, kv{"Details", "DWORD (0x00000001)"}).xml() + "\n")
}

// TestSmallInputBuffer checks that reading a small input of known size
// allocates a line buffer of about its size, not readBufferSize (each of
// a folder's small files, and each input of FuzzIngestXML and
// FuzzIngestArchive, cleared 1 MiB), that a Reset Store reuses its kept
// texts' block buffer (logBlockSize), and that the input is still read
// whole: the event is counted and kept.
func TestSmallInputBuffer(t *testing.T) {
	data := smallInput()
	s := NewStore(DefaultCatalog(), Options{BatchSize: 4})
	defer s.Release()
	ingest := func() Stats {
		s.Reset()
		st, err := s.IngestReader(context.Background(), bytes.NewReader(data), "small", IngestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	ingest() // the Store's builders and tables are made by the first input
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 8
	for range runs {
		if st := ingest(); st.Events != 1 || st.Kept != 1 || st.Used["Endpoint.Registry"] != 1 {
			t.Fatalf("read %d, kept %d, Endpoint.Registry %d; want 1 each", st.Events, st.Kept, st.Used["Endpoint.Registry"])
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per >= logBlockSize/2 {
		t.Errorf("a %d-byte input allocated %d bytes, want under %d (logBlockSize/2)", len(data), per, logBlockSize/2)
	}
}

// TestLineBufferSize checks the first line buffer's size: the input's and
// a byte more, between minLineBuffer and readBufferSize.
func TestLineBufferSize(t *testing.T) {
	for _, c := range []struct {
		size int64
		want int
	}{
		{-1, readBufferSize},
		{0, minLineBuffer},
		{minLineBuffer - 1, minLineBuffer},
		{minLineBuffer, minLineBuffer + 1},
		{100000, 100001},
		{readBufferSize - 1, readBufferSize},
		{readBufferSize, readBufferSize},
		{1 << 40, readBufferSize},
	} {
		if got := lineBufferSize(c.size); got != c.want {
			t.Errorf("lineBufferSize(%d) = %d, want %d", c.size, got, c.want)
		}
	}
}

// BenchmarkIngestSmall measures the fixed cost of one small input (a
// fuzz execution of FuzzIngestXML, or one small file of a folder): Reset
// and IngestReader of smallInput.
func BenchmarkIngestSmall(b *testing.B) {
	data := smallInput()
	s := NewStore(DefaultCatalog(), Options{BatchSize: 4})
	defer s.Release()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s.Reset()
		if _, err := s.IngestReader(context.Background(), bytes.NewReader(data), "small", IngestOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
