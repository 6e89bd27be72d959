package evtx

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// benchFile is the 8 MB shared file of 120 full chunks (4,746 records of
// Security, Sysmon, System and PowerShell events).
var benchFile = filepath.Join(sharedEVTX, "E2MA_synthetic_120_full_chunks_8MB.evtx")

func loadBench(b *testing.B) []byte {
	data, err := os.ReadFile(benchFile)
	if err != nil {
		b.Skipf("benchmark file absent: %v", err)
	}
	return data
}

func report(b *testing.B, records int, size int) {
	b.SetBytes(int64(size))
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReadEVTX renders every record of the file on one goroutine
// (run with -cpu 1 for the one-core figure).
func BenchmarkReadEVTX(b *testing.B) {
	data := loadBench(b)
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	d := f.NewDecoder()
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n = 0
		for c := 0; c < f.NumChunks(); c++ {
			if _, err := d.ReadChunk(c, func(r Record) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
	}
	report(b, n, len(data))
}

// BenchmarkReadEVTXParallel renders the chunks on GOMAXPROCS goroutines
// (-cpu 1,2 shows the scaling across cores).
func BenchmarkReadEVTXParallel(b *testing.B) {
	data := loadBench(b)
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	workers := runtime.GOMAXPROCS(0)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.Store(0)
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := f.NewDecoder()
				for {
					c := int(next.Add(1) - 1)
					if c >= f.NumChunks() {
						return
					}
					cs, err := d.ReadChunk(c, func(Record) error { return nil })
					if err != nil {
						b.Error(err)
						return
					}
					n.Add(int64(cs.Records))
				}
			}()
		}
		wg.Wait()
	}
	report(b, int(n.Load()), len(data))
}

// BenchmarkEvtxexport runs libevtx's evtxexport -f xml on the same file,
// output discarded: the baseline of issue 8 (at least 20x its rate on one
// core). It is a single-threaded process.
func BenchmarkEvtxexport(b *testing.B) {
	data := loadBench(b)
	bin, err := exec.LookPath("evtxexport")
	if err != nil {
		b.Skip("evtxexport is not installed (Debian libevtx-utils)")
	}
	records := 4746 // evtxexport's count for this file (datasets README)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "-f", "xml", benchFile)
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
	report(b, records, len(data))
}
