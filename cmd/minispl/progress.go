package main

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/minispl/minispl/internal/english"
)

// progressMinBytes is the input size from which ingestion shows a progress
// bar: smaller inputs load in well under a second.
const progressMinBytes = 8 << 20

// eventEnd closes an XmlWinEventLog event (</EventID> and </EventData> do
// not match it). Counting one tag is half the work of counting the two
// opening forms (<Event xmlns=...> and <Event>).
var eventEnd = []byte("</Event>")

// ingestProgress draws a progress bar of bytes read, with the events seen
// and their rate, while files are ingested. It counts events by their end
// tag in the bytes read, so it needs nothing from the store (whose Stats
// are not meant to be read in the middle of an Ingest).
type ingestProgress struct {
	bar    *progressbar.ProgressBar
	start  time.Time
	last   time.Time // last description update
	events int64
	// tail holds the last bytes read, for tags split across reads.
	tail []byte
}

// startProgress returns a progress bar on w for total bytes of input, or
// nil (no bar) when w is not a terminal or total is below min. The bar is
// never drawn on anything but a terminal: redirected stderr stays clean.
func startProgress(w io.Writer, total, min int64) *ingestProgress {
	if w == nil || total < min || !isTerminal(w) {
		return nil
	}
	return newIngestProgress(w, total)
}

// newIngestProgress returns a progress bar on w for total bytes.
func newIngestProgress(w io.Writer, total int64) *ingestProgress {
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("ingesting"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	now := time.Now()
	return &ingestProgress{bar: bar, start: now, last: now}
}

// reader wraps r so that what is read from it advances the bar.
func (p *ingestProgress) reader(r io.Reader) io.Reader {
	return &countingReader{r: r, p: p}
}

// countingReader counts the bytes and events read through it.
type countingReader struct {
	r io.Reader
	p *ingestProgress
}

// Read implements io.Reader.
func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.p.add(b[:n])
	}
	return n, err
}

// add counts chunk.
func (p *ingestProgress) add(chunk []byte) {
	p.events += int64(countTags(p.tail, chunk))
	keep := len(eventEnd) - 1
	if len(chunk) >= keep {
		p.tail = append(p.tail[:0], chunk[len(chunk)-keep:]...)
	} else {
		p.tail = append(p.tail, chunk...)
		if len(p.tail) > keep {
			p.tail = p.tail[len(p.tail)-keep:]
		}
	}
	if p.bar == nil {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
		p.last = now
		p.bar.Describe(p.describe(now))
	}
	_ = p.bar.Add64(int64(len(chunk))) // a bar's write error is not the ingest's
}

// describe is the text before the bar: events and events per second.
func (p *ingestProgress) describe(now time.Time) string {
	d := now.Sub(p.start).Seconds()
	if d <= 0 {
		return fmt.Sprintf("%s events", english.Thousands(int(p.events)))
	}
	return fmt.Sprintf("%s events (%s/s)", english.Thousands(int(p.events)), english.Thousands(int(float64(p.events)/d)))
}

// finish removes the bar, leaving the terminal for the summary line.
func (p *ingestProgress) finish() {
	if p != nil && p.bar != nil {
		_ = p.bar.Finish()
	}
}

// countTags counts the event end tags in chunk, including one that starts
// in tail (the bytes read just before, shorter than the tag) and ends in
// chunk.
func countTags(tail, chunk []byte) int {
	n := bytes.Count(chunk, eventEnd)
	if len(tail) == 0 {
		return n
	}
	var buf [16]byte
	joined := append(buf[:0], tail...)
	joined = append(joined, chunk[:min(len(chunk), len(eventEnd)-1)]...)
	for i := range tail {
		if bytes.HasPrefix(joined[i:], eventEnd) {
			n++
		}
	}
	return n
}
