package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/minispl/minispl/datamodel"
)

func TestCountTags(t *testing.T) {
	const ev = "<Event xmlns='x'><System><EventID>1</EventID></System><EventData/></Event>\n"
	text := strings.Repeat(ev, 5) + "<Event><System/></Event>"
	for _, chunk := range []int{1, 2, 3, 6, 7, 8, 100, len(text)} {
		p := &ingestProgress{}
		r := p.reader(strings.NewReader(text))
		buf := make([]byte, chunk)
		n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
		if err != nil || n != int64(len(text)) {
			t.Fatalf("chunk %d: copied %d, %v", chunk, n, err)
		}
		if p.events != 6 {
			t.Errorf("chunk %d: %d events, want 6", chunk, p.events)
		}
	}
	p := &ingestProgress{}
	if _, err := io.ReadAll(p.reader(iotest.OneByteReader(strings.NewReader(text)))); err != nil || p.events != 6 {
		t.Errorf("one byte reads: %d events, %v", p.events, err)
	}
}

// TestProgressOffWhenNotTerminal checks that no bar is drawn on a writer
// that is not a terminal, whatever the input size.
func TestProgressOffWhenNotTerminal(t *testing.T) {
	var buf bytes.Buffer
	if p := startProgress(&buf, 1<<40, 0); p != nil {
		t.Error("progress bar on a bytes.Buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := startProgress(f, 1<<40, 0); p != nil {
		t.Error("progress bar on a regular file")
	}
	if p := startProgress(nil, 1<<40, 0); p != nil {
		t.Error("progress bar on no writer")
	}
	// Through a session with no size threshold: stderr gets nothing.
	s, err := newSession(sessionOptions{Progress: &buf, ProgressMin: 0})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.loadData([]string{eventsFile})
	if err != nil || st.Files != 1 || st.Events != 17 {
		t.Fatalf("loadData: %+v, %v", st, err)
	}
	if buf.Len() != 0 {
		t.Errorf("progress output on a non-terminal: %q", buf.String())
	}
}

// TestProgressBar draws the bar into a buffer (as on a terminal) and checks
// that it counts the input's bytes and events, and that a session ingesting
// through it counts files as IngestFile does.
func TestProgressBar(t *testing.T) {
	data, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	p := newIngestProgress(&buf, int64(len(data)))
	if _, err := io.Copy(io.Discard, p.reader(bytes.NewReader(data))); err != nil {
		t.Fatal(err)
	}
	if got := p.bar.State().CurrentNum; got != int64(len(data)) {
		t.Errorf("bar at %d bytes, want %d", got, len(data))
	}
	if p.events != 17 {
		t.Errorf("%d events, want 17", p.events)
	}
	if !strings.Contains(p.describe(p.start.Add(2e9)), "17 events (8/s)") {
		t.Errorf("describe = %q", p.describe(p.start.Add(2e9)))
	}
	p.finish()
	if buf.Len() == 0 {
		t.Error("the bar drew nothing")
	}

	// Through datamodel's Progress, as loadData uses it: the bar opens
	// with the total size and counts every byte and event read.
	s, err := newSession(sessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	prog := &barProgress{open: func(n int64) *ingestProgress { total = n; return newIngestProgress(io.Discard, n) }}
	st, err := s.store.IngestPath(context.Background(), eventsFile, datamodel.IngestOptions{Progress: prog})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 1 || st.Events != 17 || st.Used["Endpoint.Registry"] != 14 {
		t.Errorf("ingest through the bar: %+v", st)
	}
	if total != int64(len(data)) || prog.bar.events != 17 || prog.bar.bar.State().CurrentNum != int64(len(data)) {
		t.Errorf("bar opened for %d bytes, at %d bytes and %d events; want %d bytes, 17 events", total, prog.bar.bar.State().CurrentNum, prog.bar.events, len(data))
	}
	prog.finish()
}

// BenchmarkCountingReader measures the progress bar's cost per byte read:
// counting event tags and advancing a bar that draws nowhere.
func BenchmarkCountingReader(b *testing.B) {
	events, err := os.ReadFile(eventsFile)
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat(events, 200)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		p := newIngestProgress(io.Discard, int64(len(data)))
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{p.reader(bytes.NewReader(data))}, buf); err != nil {
			b.Fatal(err)
		}
		n = p.events
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
