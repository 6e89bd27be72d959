package datamodel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// This file is the one entry point for reading events into a Store: files,
// folders, archives and streams. See doc.go, "Inputs".

// IngestOptions tune one IngestPaths, IngestPath or IngestReader call. The
// zero value is ready to use.
type IngestOptions struct {
	// Progress, when set, is told the total size of the files found before
	// any is read, and then every chunk of their stored bytes as it is
	// read (for a progress bar).
	Progress Progress
	// MaxDecompressed bounds the bytes decompressed from one input (its
	// gzip streams and zip members, at every level of nesting); 0 means
	// DefaultMaxDecompressed. An input that also expands to more than
	// maxExpandRatio times its stored size is stopped as a bomb.
	MaxDecompressed int64
	// Decoders read inputs of binary kinds (KindEVTX) into events; an
	// entry here replaces the built-in reader of its kind (see
	// builtinDecoder). Tests use it to plug in a reader.
	Decoders map[Kind]Decoder
	// Filter, when set, leaves out before parsing every XmlWinEventLog or
	// EVTX event whose text cannot match the searches it was built from
	// (see doc.go, "Pre-filter"); such an event counts in Stats.Events and
	// Stats.Skipped[SkipFiltered]. JSON lines are never filtered.
	Filter *RawFilter
	// NoEventStore leaves the events read out of the event store
	// (Store.Events): their texts are not kept, which saves holding a copy
	// of the input in memory. Set it when no search will read raw events
	// (query.ReadsEvents says so of compiled searches). Such events still
	// count in Stats.Kept (they are read and routed to the datasets);
	// Store.EventsLeftOut counts them, and a search over raw events fails
	// when it is not zero, rather than miss them.
	NoEventStore bool
}

// Progress follows an ingest for a progress bar. Its methods are called
// from one goroutine at a time (files read in parallel take turns).
type Progress interface {
	// Start is called once, before anything is read, with the total size
	// in bytes of the files to read (0 for a stream).
	Start(total int64)
	// Add is called with every chunk of stored (possibly compressed) bytes
	// read; chunk must not be kept.
	Add(chunk []byte)
}

// Decoder reads the events of one input of a binary kind (EVTX), held in
// ra (size bytes), and hands each event or unreadable part to sink, in
// input order. It returns an error only when reading ra fails or ctx is
// done; damaged parts of the input are sink.Skip calls, not errors (a file
// whose header cannot be read at all is one Skip, "file header: ...",
// so that the file counts as read with one malformed event). A
// Decoder may work in parallel inside, but must call sink from one
// goroutine at a time.
type Decoder func(ctx context.Context, ra io.ReaderAt, size int64, sink EventSink) error

// EventSink takes the events a Decoder reads. Problems are reported as
// "name:pos: reason", name being the input's name.
type EventSink interface {
	// Event ingests one event given as XmlWinEventLog text, from "<Event"
	// to "</Event>"; pos locates it in the input ("record 12"). The text
	// is not kept after Event returns.
	Event(xml []byte, pos string)
	// Skip counts one part of the input that could not be read (a chunk,
	// a record) as one malformed event with reason, at pos
	// ("chunk 3").
	Skip(pos, reason string)
}

// DefaultMaxDecompressed is the default of IngestOptions.MaxDecompressed:
// 16 GiB decompressed from one input.
const DefaultMaxDecompressed int64 = 16 << 30

// SkippedFile is an input that was not read as events: a file, a zip
// member, or a stream.
type SkippedFile struct {
	// Name is the file's path relative to the folder given (the path as
	// given for a file given by itself), "archive:member" inside a zip.
	Name string
	// Reason says why: "not event data", "empty", "binary, not event
	// data", "EVTX reader not available", "already loaded", ...
	Reason string
}

// String returns "name (reason)".
func (f SkippedFile) String() string { return f.Name + " (" + f.Reason + ")" }

// IngestPaths ingests every path: a file of any kind Sniff knows, or a
// folder, whose files are all read, recursively, in name order. Every path
// is resolved to its files before any is read, so a missing path reads
// nothing. Each file is read or listed in Stats.SkippedFiles with the
// reason, never dropped silently; a file already ingested into the Store
// (the same file by any path) is skipped as "already loaded". It returns
// what this call added (see Stats.Since). The error is an I/O failure, a
// damaged archive, an input stopped as a decompression bomb, or ctx's
// error; the events read before it stay in the Store.
func (s *Store) IngestPaths(ctx context.Context, paths []string, opt IngestOptions) (Stats, error) {
	before := s.Stats()
	inputs, err := findInputs(paths)
	if err != nil {
		return Stats{}, err
	}
	if opt.Progress != nil {
		var total int64
		for _, in := range inputs {
			total += in.size
		}
		opt.Progress.Start(total)
	}
	im := &s.impl
	im.initStats()
	im.filter, im.noEvents = opt.Filter, opt.NoEventStore
	defer func() { im.filter, im.noEvents = nil, false }()
	err = im.ingestInputs(ctx, inputs, &opt)
	return s.Stats().Since(before), err
}

// IngestPath is IngestPaths of one path.
func (s *Store) IngestPath(ctx context.Context, path string, opt IngestOptions) (Stats, error) {
	return s.IngestPaths(ctx, []string{path}, opt)
}

// IngestReader ingests one input read from r (standard input, an embedded
// sample, a test's text), of any kind Sniff knows, named name in reports.
// A zip or EVTX stream is read into memory first (both need random
// access), up to 2 GiB. It returns what this call added; errors are as for
// IngestPaths.
func (s *Store) IngestReader(ctx context.Context, r io.Reader, name string, opt IngestOptions) (Stats, error) {
	before := s.Stats()
	im := &s.impl
	im.initStats()
	im.filter, im.noEvents = opt.Filter, opt.NoEventStore
	defer func() { im.filter, im.noEvents = nil, false }()
	if opt.Progress != nil {
		opt.Progress.Start(0)
	}
	run := newIngestRun(ctx, im, &opt, 0)
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok { // bytes.Reader, strings.Reader, bytes.Buffer
		size = int64(l.Len())
	}
	kind, reason, err := run.stream(run.raw(r), size, name, 0)
	im.count(name, kind, reason)
	return s.Stats().Since(before), err
}

// Reset empties the Store: it releases every record batch (as Release
// does) and the event store (Events; an EventStore returned before must
// not be used afterwards), and forgets every kept event text, every count
// and every file ingested, so that the same files can be read again.
func (s *Store) Reset() {
	im := &s.impl
	im.flush() // rows still in the builders become batches, released below
	s.Release()
	im.st = Stats{}
	im.initStats()
	for _, p := range im.plans {
		im.st.Used[p.name] = 0
	}
	im.seen = nil
	im.pending, im.pendingTooLong = im.pending[:0], false
	im.evMu.Lock()
	if im.events != nil {
		im.events.release()
	}
	im.events, im.eventsBuilt = nil, 0
	im.evMu.Unlock()
	// The kept texts' block buffers are scratch (seal copies a block out),
	// kept for the next ingest: a log made anew cleared logBlockSize for
	// its first text, more than a small input costs to read (the REPL's
	// .clear, each input of FuzzIngestXML).
	w := im.raw.w
	im.raw = rawLog{host: im.raw.host, w: blockWriter{size: w.size, open: w.open[:0], enc: w.enc}}
}

// input is one file found by findInputs.
type input struct {
	path    string // as it is opened
	display string // as SkippedFiles names it
	size    int64
	info    fs.FileInfo
	// skip, when set, is the reason the input is listed as skipped
	// without being opened (a named pipe or device inside a folder).
	skip string
}

// findInputs resolves paths to the files to read, in order: a path that is
// not a folder is one input, a folder gives every file under it in name
// order. Errors name the path.
func findInputs(paths []string) ([]input, error) {
	var out []input
	for _, p := range paths {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file or folder", p)
		}
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, input{path: p, display: p, size: st.Size(), info: st})
			continue
		}
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			info, err := os.Stat(f) // follows a link to a file
			if err != nil {
				return err
			}
			if info.IsDir() {
				return nil // a link to a folder is not followed (no cycles)
			}
			rel, err := filepath.Rel(p, f)
			if err != nil {
				rel = f
			}
			in := input{path: f, display: rel, size: info.Size(), info: info}
			if !info.Mode().IsRegular() {
				// Opening a named pipe would wait for a writer, a device
				// could be endless: inside a folder only regular files
				// are read (a pipe given by itself is read as a stream).
				in.skip = skipNotRegular
			}
			out = append(out, in)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ingestInput reads one file found by findInputs, or skips it as already
// loaded.
func (s *storeImpl) ingestInput(ctx context.Context, in input, opt *IngestOptions) error {
	if in.skip != "" {
		s.skipFile(in.display, in.skip)
		return nil
	}
	if s.loaded(in.info) {
		s.skipFile(in.display, SkipAlreadyLoaded)
		return nil
	}
	err := s.readInput(ctx, in, opt)
	if s.opened {
		s.remember(in.info)
	}
	return err
}

// readInput reads one file found by findInputs; s.opened tells whether it
// could be opened (and so counts as ingested for "already loaded").
func (s *storeImpl) readInput(ctx context.Context, in input, opt *IngestOptions) error {
	s.opened = false
	f, err := os.Open(in.path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	s.opened = true
	run := newIngestRun(ctx, s, opt, in.size)
	var (
		kind   Kind
		reason string
	)
	if in.info.Mode().IsRegular() {
		kind, reason, err = run.random(run.rawAt(f), in.size, in.path, 0)
	} else { // a pipe or device: read it as a stream
		kind, reason, err = run.stream(run.raw(f), -1, in.path, 0)
	}
	s.count(in.display, kind, reason)
	return err
}

// count records one top-level input: read as kind, or skipped for reason.
func (s *storeImpl) count(name string, kind Kind, reason string) {
	if reason != "" {
		s.skipFile(name, reason)
		return
	}
	s.st.Files++
	s.st.FileKinds[kind.String()]++
}

// skipFile records an input that was not read.
func (s *storeImpl) skipFile(name, reason string) {
	s.st.FilesSkipped[reason]++
	if len(s.st.SkippedFiles) < maxSkippedFiles {
		s.st.SkippedFiles = append(s.st.SkippedFiles, SkippedFile{Name: name, Reason: reason})
	}
}

// maxSkippedFiles bounds Stats.SkippedFiles.
const maxSkippedFiles = 100

// loaded reports whether the file of info was ingested before.
func (s *storeImpl) loaded(info fs.FileInfo) bool {
	for _, o := range s.seen[info.Size()] {
		if os.SameFile(o, info) {
			return true
		}
	}
	return false
}

// remember records that the file of info is being ingested.
func (s *storeImpl) remember(info fs.FileInfo) {
	if s.seen == nil {
		s.seen = map[int64][]fs.FileInfo{}
	}
	s.seen[info.Size()] = append(s.seen[info.Size()], info)
}

// builtinDecoder returns the reader of a binary kind, or nil when there is
// none: package evtx's reader for KindEVTX (evtxinput.go).
func builtinDecoder(k Kind) Decoder {
	if k == KindEVTX {
		return decodeEVTX
	}
	return nil
}

// decoder returns the reader of kind k, from opt or built in.
func (r *ingestRun) decoder(k Kind) Decoder {
	if d := r.opt.Decoders[k]; d != nil {
		return d
	}
	return builtinDecoder(k)
}

// decoderSink is the EventSink of one input.
type decoderSink struct {
	s    *storeImpl
	name string
}

// Event implements EventSink.
func (d decoderSink) Event(xml []byte, pos string) {
	d.s.process(xml, position{name: d.name, unit: pos})
}

// Skip implements EventSink.
func (d decoderSink) Skip(pos, reason string) {
	d.SkipDetail(pos, reason, "")
}

// SkipDetail is Skip with a detail that Stats.Problems shows after the
// reason (the Skipped count is keyed by the reason alone).
func (d decoderSink) SkipDetail(pos, reason, detail string) {
	d.s.st.Events++
	d.s.malformed(position{name: d.name, unit: pos}, reason, detail)
}

// Warn lists a problem that lost no event ("chunk 3: bad data checksum
// (records read anyway)") in Stats.Problems.
func (d decoderSink) Warn(pos, message string) {
	if len(d.s.st.Problems) < maxProblems {
		d.s.st.Problems = append(d.s.st.Problems, position{name: d.name, unit: pos}.String()+": "+message)
	}
}
