package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/minispl/minispl/render"
)

// BenchmarkPipeline measures what `minispl run` does for the seed search:
// ingest (the project's events repeated to 17,000 events), then expand,
// parse, plan, execute and render as CSV. It reports events/s and MB/s of
// the whole, and rows/s of the output.
func BenchmarkPipeline(b *testing.B) {
	events, err := os.ReadFile(eventsFile)
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat(append(bytes.TrimRight(events, "\n"), '\n'), 1000)
	var nEvents, nRows int
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := newSession(sessionOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.store.Ingest(bytes.NewReader(data), "bench.xml"); err != nil {
			b.Fatal(err)
		}
		res, _, err := s.run(context.Background(), seedSearch)
		if err != nil {
			b.Fatal(err)
		}
		if err := render.WriteCSV(io.Discard, res); err != nil {
			b.Fatal(err)
		}
		nEvents, nRows = s.store.Stats().Events, res.NumRows()
		res.Release()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(nEvents)*float64(b.N)/sec, "events/s")
	b.ReportMetric(float64(nRows)*float64(b.N)/sec, "rows/s")
}
