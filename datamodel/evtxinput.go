package datamodel

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/minispl/minispl/evtx"
)

// This file is the built-in Decoder of KindEVTX, package evtx's reader.
// See doc.go, "EVTX files".

// evtxChunk is the rendered records of one chunk: their XML texts
// concatenated in text, record k being text[ends[k-1]:ends[k]].
type evtxChunk struct {
	text  []byte
	ends  []int
	stats evtx.ChunkStats
	err   error
}

// problemSink is what the store's EventSink offers beyond EventSink: a
// skip with a detail for Stats.Problems (the Skipped count stays keyed by
// the reason alone) and a warning that counts no event.
type problemSink interface {
	SkipDetail(pos, reason, detail string)
	Warn(pos, message string)
}

// decodeEVTX renders the chunks of the EVTX file in ra on GOMAXPROCS
// goroutines and hands the records to sink in file order, at most two
// rendered chunks per worker ahead of it. A record's position is "chunk N
// record K", the K-th record of chunk N (1-based).
func decodeEVTX(ctx context.Context, ra io.ReaderAt, size int64, sink EventSink) error {
	ps, _ := sink.(problemSink)
	f, err := evtx.Open(ra, size)
	if err != nil {
		// A header too short or of an unknown version: nothing to read.
		msg := strings.TrimPrefix(err.Error(), "evtx: ")
		if ps != nil {
			ps.SkipDetail("file header", "unreadable EVTX file", msg)
		} else {
			sink.Skip("file header", "unreadable EVTX file: "+msg)
		}
		return nil
	}
	if ps != nil {
		for _, p := range f.Problems() {
			ps.Warn("file header", p.Reason)
		}
	}
	n := f.NumChunks()
	workers := min(runtime.GOMAXPROCS(0), n)
	// Tokens are taken in chunk order, so the next chunk to hand on
	// always has one: no deadlock, and at most 2*workers chunks in memory.
	sem := make(chan struct{}, 2*max(workers, 1))
	done := make(chan struct{})
	defer close(done)
	results := make([]chan *evtxChunk, n)
	for i := range results {
		results[i] = make(chan *evtxChunk, 1)
	}
	var pool sync.Pool
	var mu sync.Mutex
	next := 0
	for w := 0; w < workers; w++ {
		go func() {
			d := f.NewDecoder()
			for {
				select {
				case sem <- struct{}{}:
				case <-done:
					return
				}
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				r, _ := pool.Get().(*evtxChunk)
				if r == nil {
					r = &evtxChunk{}
				}
				r.text, r.ends = r.text[:0], r.ends[:0]
				r.stats, r.err = d.ReadChunk(i, func(rec evtx.Record) error {
					r.text = append(r.text, rec.XML...)
					r.ends = append(r.ends, len(r.text))
					return nil
				})
				results[i] <- r
			}
		}()
	}
	for i := 0; i < n; i++ {
		var r *evtxChunk
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		handEVTXChunk(r, sink, ps)
		pool.Put(r)
		<-sem
	}
	return nil
}

// handEVTXChunk hands one rendered chunk to sink: its records, then its
// problems. A lost record or an unreadable chunk is one malformed event
// ("unreadable EVTX record (torn record)", ...); a checksum mismatch is a
// warning only, as the records are still read.
func handEVTXChunk(r *evtxChunk, sink EventSink, ps problemSink) {
	chunk := "chunk " + strconv.Itoa(r.stats.Chunk)
	start := 0
	for k, end := range r.ends {
		sink.Event(r.text[start:end], chunk+" record "+strconv.Itoa(k+1))
		start = end
	}
	for _, p := range r.stats.Problems {
		pos := chunk
		if p.Offset != 0 {
			pos = fmt.Sprintf("%s: record %d at offset 0x%x", chunk, p.RecordID, p.Offset)
			if p.RecordID == 0 {
				pos = fmt.Sprintf("%s: offset 0x%x", chunk, p.Offset)
			}
		}
		what := "unreadable EVTX record (" + p.Kind + ")"
		if p.Offset == 0 {
			what = "unreadable EVTX chunk (" + p.Kind + ")"
		}
		switch {
		case !p.Skipped:
			if ps != nil {
				ps.Warn(pos, p.Reason)
			}
		case ps != nil:
			ps.SkipDetail(pos, what, p.Reason)
		default:
			sink.Skip(pos, what+": "+p.Reason)
		}
	}
}
