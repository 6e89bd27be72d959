package datamodel

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/minispl/minispl/internal/english"
)

// This file reads one input of any kind: it sniffs it, unpacks zip
// archives and gzip streams (OTRF ships its datasets as zips of JSON
// lines), bounds what they decompress, and hands text to the scanners and
// binary kinds to their Decoder. See doc.go, "Inputs".

// Bounds of unpacking.
const (
	// maxDepth is how many archives (zip or gzip) may hold one another.
	maxDepth = 4
	// maxInMemory bounds a zip archive or EVTX file read into memory: one
	// that comes as a stream (standard input, a zip member, a gzip
	// stream) rather than a file with random access.
	maxInMemory = 1 << 30
	// maxExpandRatio and ratioFloor: an input that has decompressed more
	// than ratioFloor bytes, and more than maxExpandRatio times its stored
	// size, is stopped as a bomb. Deflate alone reaches about 1,030:1 on
	// runs of one byte; event text compresses 10 to 30 times (the
	// sysmongen events gzip at about 25:1).
	maxExpandRatio = 200
	ratioFloor     = 64 << 20
)

// errBomb reports an input stopped for decompressing too much.
type errBomb struct{ msg string }

func (e *errBomb) Error() string { return e.msg + ": a zip or gzip bomb? (nothing after it was read)" }

// ingestRun reads one top-level input (a file or a stream) and whatever it
// holds.
type ingestRun struct {
	ctx context.Context
	s   *storeImpl
	opt *IngestOptions
	// limit is the most bytes decompressed from the input.
	limit int64
	// size is the stored size of a file (0 for a stream).
	size int64
	// stored counts the bytes read through raw. An EVTX file is read
	// by several chunk decoders at once through rawReaderAt, so stored
	// is atomic and progressMu makes their calls to opt.Progress one at
	// a time.
	stored     atomic.Int64
	progressMu sync.Mutex
	// expanded counts the bytes decompressed so far, at every level.
	expanded int64
}

func newIngestRun(ctx context.Context, s *storeImpl, opt *IngestOptions, size int64) *ingestRun {
	limit := opt.MaxDecompressed
	if limit <= 0 {
		limit = DefaultMaxDecompressed
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return &ingestRun{ctx: ctx, s: s, opt: opt, limit: limit, size: size}
}

// stream ingests one input read as a stream, of size bytes (-1 when that
// is not known: a pipe, a decompressed member). It returns the kind it was
// read as and, when the input is not read as events, the reason it is
// skipped.
func (r *ingestRun) stream(rd io.Reader, size int64, name string, depth int) (Kind, string, error) {
	s := r.s
	lr := newLineReader(rd, lineBufferSize(size))
	kind := Sniff(lr.head(sniffLen))
	if lr.err != nil && lr.err != io.EOF {
		return kind, "", fmt.Errorf("ingest %s: %w", name, lr.err)
	}
	defer s.flush()
	switch kind {
	case KindZip, KindEVTX:
		data, err := readAllBounded(lr.rest(), maxInMemory)
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return kind, fmt.Sprintf("%s larger than %s in a stream or archive; give it as a file", kind, english.Thousands(maxInMemory>>20)+" MiB"), nil
			}
			return kind, "", fmt.Errorf("ingest %s: %w", name, err)
		}
		return r.random(bytes.NewReader(data), int64(len(data)), name, depth)
	case KindGzip:
		if depth >= maxDepth {
			return kind, skipTooDeep, nil
		}
		zr, err := gzip.NewReader(lr.rest())
		if err != nil {
			return kind, "", fmt.Errorf("ingest %s: gzip: %w", name, err)
		}
		defer zr.Close()
		_, reason, err := r.stream(r.expand(zr), -1, name, depth+1)
		if reason != "" {
			reason = "gzip: " + reason
		}
		return kind, reason, err
	case KindJSON:
		found, _, err := s.ingestText(lr, size, name, kind)
		if err == nil && !found {
			return kind, skipNotEvents, nil
		}
		s.st.Bytes += lr.bytes
		return kind, "", err
	case KindXML:
		found, text, err := s.ingestText(lr, size, name, kind)
		if err == nil && !found {
			if !text {
				return kind, skipEmpty, nil
			}
			return kind, skipNotEvents, nil
		}
		s.st.Bytes += lr.bytes
		return kind, "", err
	case KindUTF16:
		return kind, skipUTF16, nil
	case KindBinary:
		return kind, skipBinary, nil
	}
	return kind, skipEmpty, nil
}

// lineBufferSize is the first line buffer of an input of size bytes (-1
// when not known): readBufferSize, or for a smaller input its size and a
// byte more (the buffer holds all of it and the read that finds its end:
// a file gives its last bytes without io.EOF), at least minLineBuffer.
// The buffer grows for longer lines (lineReader.fill) and ingestText hands
// an input that fills it to the parallel path, so the size changes only
// what is allocated: a 1 MiB buffer cleared for each small file of a
// folder, or each input of FuzzIngestXML, cost more than reading it.
func lineBufferSize(size int64) int {
	if size < 0 || size >= readBufferSize {
		return readBufferSize
	}
	return max(int(size)+1, minLineBuffer)
}

// minLineBuffer is the smallest first line buffer (lineBufferSize): more
// than sniffLen, so that a file that grew after its size was taken is
// still sniffed on as many bytes.
const minLineBuffer = 4 << 10

// random ingests one input with random access (a file, or a zip archive
// or EVTX file read into memory), with the same results as stream.
func (r *ingestRun) random(ra io.ReaderAt, size int64, name string, depth int) (Kind, string, error) {
	head := make([]byte, min(size, sniffLen))
	sniffAt := ra
	if raw, ok := ra.(*rawReaderAt); ok {
		sniffAt = raw.ra // the head is read again below: count it once
	}
	n, err := sniffAt.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return KindBinary, "", fmt.Errorf("ingest %s: %w", name, err)
	}
	switch kind := Sniff(head[:n]); kind {
	case KindZip:
		if depth >= maxDepth {
			return kind, skipTooDeep, nil
		}
		return kind, "", r.zip(ra, size, name, depth)
	case KindEVTX:
		dec := r.decoder(KindEVTX)
		if dec == nil {
			return kind, skipNoEVTX, nil
		}
		defer r.s.flush()
		if err := dec(r.ctx, ra, size, decoderSink{s: r.s, name: name}); err != nil {
			return kind, "", fmt.Errorf("ingest %s: %w", name, err)
		}
		return kind, "", nil
	}
	return r.stream(io.NewSectionReader(ra, 0, size), size, name, depth)
}

// zip ingests every member of the zip archive in ra, in name order, each
// as its own input named "name:member" (so problems read
// "name:member:line"). Members not read are listed in Stats.SkippedFiles;
// folders are not members. A damaged archive or member is an error naming
// it.
func (r *ingestRun) zip(ra io.ReaderAt, size int64, name string, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Member names are only used in messages, never as paths.
		return fmt.Errorf("ingest %s: reading zip archive: %w", name, err)
	}
	files := slices.Clone(zr.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range files {
		if f.FileInfo().IsDir() {
			continue
		}
		member := name + ":" + f.Name
		if strings.HasPrefix(f.Name, "__MACOSX/") {
			r.s.skipFile(member, skipMacOS)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("ingest %s: %w", member, err)
		}
		_, reason, err := r.stream(r.expand(rc), -1, member, depth+1)
		rc.Close()
		if err != nil {
			return err
		}
		if reason != "" {
			r.s.skipFile(member, reason)
		}
	}
	return nil
}

// errTooLarge reports input longer than readAllBounded's limit.
var errTooLarge = errors.New("input too large")

// readAllBounded reads r to its end, or fails with errTooLarge after
// limit bytes.
func readAllBounded(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// raw wraps the stored bytes of a stream input: it stops when ctx is
// done, counts them and tells the progress.
func (r *ingestRun) raw(rd io.Reader) io.Reader { return &rawReader{run: r, r: rd} }

// rawAt is raw for a file read with random access.
func (r *ingestRun) rawAt(ra io.ReaderAt) io.ReaderAt { return &rawReaderAt{run: r, ra: ra} }

// expand wraps a decompressing reader: it counts what it produces and
// stops the input when that passes the limits.
func (r *ingestRun) expand(rd io.Reader) io.Reader { return &expandReader{run: r, r: rd} }

type rawReader struct {
	run *ingestRun
	r   io.Reader
}

// Read implements io.Reader.
func (c *rawReader) Read(b []byte) (int, error) {
	return c.run.readStored(b, c.r.Read)
}

type rawReaderAt struct {
	run *ingestRun
	ra  io.ReaderAt
}

// ReadAt implements io.ReaderAt.
func (c *rawReaderAt) ReadAt(b []byte, off int64) (int, error) {
	return c.run.readStored(b, func(b []byte) (int, error) { return c.ra.ReadAt(b, off) })
}

// readStored reads stored bytes of the input into b with read, unless
// ctx is done, and counts them and tells the progress.
func (r *ingestRun) readStored(b []byte, read func([]byte) (int, error)) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := read(b)
	r.stored.Add(int64(n))
	if p := r.opt.Progress; p != nil && n > 0 {
		r.progressMu.Lock()
		p.Add(b[:n])
		r.progressMu.Unlock()
	}
	return n, err
}

type expandReader struct {
	run *ingestRun
	r   io.Reader
}

// Read implements io.Reader.
func (e *expandReader) Read(b []byte) (int, error) {
	run := e.run
	if err := run.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := e.r.Read(b)
	run.expanded += int64(n)
	if run.expanded > run.limit {
		return n, &errBomb{fmt.Sprintf("more than %s bytes decompressed (the limit for one input)", english.Thousands(int(run.limit)))}
	}
	if stored := max(run.size, run.stored.Load()); run.expanded > ratioFloor && run.expanded > maxExpandRatio*stored {
		return n, &errBomb{fmt.Sprintf("it decompresses to more than %d times its %s bytes", maxExpandRatio, english.Thousands(int(stored)))}
	}
	return n, err
}
