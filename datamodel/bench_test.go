package datamodel

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkIngest measures ingestion of generated Sysmon events (mostly
// registry) into all datasets. Run with -cpu 1,2 for the one-core figure
// (the serial scanner) and the parallel read on two cores; it reports MB/s
// and events/s. The input, 100,000 events (about 120 MB), is several parts
// of the parallel read (defaultPartSize), so that two workers have work.
func BenchmarkIngest(b *testing.B) {
	text, counts := generated(b, 100000)
	benchIngest(b, text, counts.Registry+counts.Process+counts.Network+counts.Security)
}

// BenchmarkParseEvent measures the scanner alone on one registry event.
func BenchmarkParseEvent(b *testing.B) {
	line := []byte(regEvt(13, "SetValue", `HKLM\System\CurrentControlSet\Services\W32Time\SecureTimeLimits\SecureTimeHigh`,
		kv{"Details", "QWORD (0x01d776fd-0xd724b8c5)"}, kv{"User", `NT AUTHORITY\SYSTEM`}).xml())
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	b.ResetTimer()
	var e event
	for i := 0; i < b.N; i++ {
		e.reset()
		if r := parseEvent(line, &e); r != "" {
			b.Fatal(r)
		}
	}
}

// BenchmarkIngestJSON measures ingestion of the generated events of
// BenchmarkIngest rendered as NXLog JSON lines (with the usual NXLog and
// Logstash metadata, so each line is about twice the XML's size). It
// reports MB/s of JSON and events/s.
func BenchmarkIngestJSON(b *testing.B) {
	lines := generatedJSON(b, 20000)
	benchIngest(b, append(bytes.Join(lines, []byte("\n")), '\n'), len(lines))
}

// BenchmarkIngestOTRF measures ingestion of the largest OTRF file
// (empire_persistence_registry_modification_run_keys_standard_user: 80 MB,
// 40,569 events), unzipped into memory first; skipped without ../shared.
func BenchmarkIngestOTRF(b *testing.B) {
	path := filepath.Join(sharedDir(b), "datasets", "otrf", "OTRF_empire_persistence_registry_modification_run_keys_standard_user.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Skipf("%v", err)
	}
	defer zr.Close()
	rc, err := zr.File[0].Open()
	if err != nil {
		b.Fatal(err)
	}
	text, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		b.Fatal(err)
	}
	benchIngest(b, text, bytes.Count(text, []byte("\n")))
}

// benchIngest ingests text into a fresh Store per iteration and reports
// events/s besides MB/s, and the CPU figures of reportCPU.
func benchIngest(b *testing.B, text []byte, events int) {
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		s := NewStore(DefaultCatalog(), Options{})
		if err := s.Ingest(bytes.NewReader(text), "bench"); err != nil {
			b.Fatal(err)
		}
		s.Release()
	}
	b.StopTimer()
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	reportCPU(b, processCPU()-cpu0, events*b.N)
}

// reportCPU reports the process CPU time (user and system, every thread,
// GC included) the timed loop used, per event, as events/CPU-s, and as
// the share of the wall time (cores busy, at most -cpu): on a shared
// machine the wall-time figures follow the load, these much less.
func reportCPU(b *testing.B, cpu time.Duration, events int) {
	if cpu <= 0 {
		return
	}
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/CPU-s")
	b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores")
}

// generatedJSON returns the generated events as NXLog JSON lines.
func generatedJSON(b *testing.B, n int) [][]byte {
	text, _ := generated(b, n)
	var lines [][]byte
	for _, l := range bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n")) {
		lines = append(lines, nxlog(b, l, false))
	}
	return lines
}

// startLinesBench sets the bytes per iteration to the size of lines,
// reports allocations and starts the timer.
func startLinesBench(b *testing.B, lines [][]byte) {
	size := 0
	for _, l := range lines {
		size += len(l)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
}

// BenchmarkParseJSONScanner measures parseJSONEvent alone (json.Valid and
// the scanner), the baseline of BenchmarkParseJSONBaselineMap.
func BenchmarkParseJSONScanner(b *testing.B) {
	lines := generatedJSON(b, 5000)
	startLinesBench(b, lines)
	var e event
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			e.reset()
			if r, _ := parseJSONEvent(l, &e); r != "" {
				b.Fatal(r)
			}
		}
	}
}

// BenchmarkParseJSONBaselineMap decodes the same lines with encoding/json
// into map[string]any, the library way the package doc compares against.
func BenchmarkParseJSONBaselineMap(b *testing.B) {
	lines := generatedJSON(b, 5000)
	startLinesBench(b, lines)
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			var m map[string]any
			if err := json.Unmarshal(l, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
}
