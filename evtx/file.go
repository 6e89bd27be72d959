package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// Layout constants (evtx-format.md §1-§3).
const (
	// FileHeaderSize is the size of the file header block; chunk 0 starts
	// here.
	FileHeaderSize = 4096
	// ChunkSize is the size of one chunk.
	ChunkSize = 65536
	// chunkHeaderSize is the chunk header with its string and template
	// tables; records start here.
	chunkHeaderSize = 512
	// recordHeaderSize is signature, size, id and written time.
	recordHeaderSize = 24
	// minRecordSize is a record header plus the trailing copy of the size.
	minRecordSize = recordHeaderSize + 4
)

// Flag bits of the file and chunk headers.
const (
	FlagDirty   = 0x1 // file: not closed cleanly
	FlagFull    = 0x2 // file: log full
	FlagNoCRC32 = 0x4 // file or chunk: checksums are not maintained
)

var (
	fileMagic   = []byte("ElfFile\x00")
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte("**\x00\x00")
)

// ErrNotEVTX is returned by Open for input that does not start with the
// EVTX file signature "ElfFile\0".
var ErrNotEVTX = errors.New("not an EVTX file (no ElfFile signature)")

// Header is the file header. Only Flags and the versions are used by the
// reader: the chunk fields are unreliable in dirty, wrapped and truncated
// files (evtx-format.md §2), so the chunks are found from the file size.
type Header struct {
	FirstChunk, LastChunk uint64
	NextRecordID          uint64
	MinorVersion          uint16
	MajorVersion          uint16
	// ChunkCount is the header's (16-bit, often wrong) chunk count.
	ChunkCount uint16
	Flags      uint32
	// ChecksumOK reports whether the header CRC-32 matched (always true
	// when Flags has FlagNoCRC32).
	ChecksumOK bool
}

// File is an open EVTX file. Its methods are safe for concurrent use, so
// callers may read different chunks from several goroutines.
type File struct {
	r       io.ReaderAt
	size    int64
	hdr     Header
	nchunks int
	pool    sync.Pool // *Decoder
}

// Open reads the file header of the EVTX file in r, of size bytes. It fails
// only when the input is not an EVTX file (ErrNotEVTX, wrapped), is shorter
// than the 128 bytes of the header, has a major version other than 3, or
// cannot be read. A bad header checksum is not an error: it is reported by
// Problems, and the chunks are still read, since they are self-contained.
func Open(r io.ReaderAt, size int64) (*File, error) {
	var h [128]byte
	n, err := r.ReadAt(h[:], 0)
	if n < len(h) {
		if n >= len(fileMagic) && !bytes.Equal(h[:len(fileMagic)], fileMagic) {
			return nil, fmt.Errorf("evtx: %w", ErrNotEVTX)
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("evtx: reading file header: %w", err)
		}
		return nil, fmt.Errorf("evtx: file of %d bytes is shorter than the 128-byte file header", n)
	}
	if !bytes.Equal(h[:8], fileMagic) {
		return nil, fmt.Errorf("evtx: %w", ErrNotEVTX)
	}
	le := binary.LittleEndian
	f := &File{r: r, size: size}
	f.hdr = Header{
		FirstChunk:   le.Uint64(h[8:]),
		LastChunk:    le.Uint64(h[16:]),
		NextRecordID: le.Uint64(h[24:]),
		MinorVersion: le.Uint16(h[36:]),
		MajorVersion: le.Uint16(h[38:]),
		ChunkCount:   le.Uint16(h[42:]),
		Flags:        le.Uint32(h[120:]),
	}
	f.hdr.ChecksumOK = f.hdr.Flags&FlagNoCRC32 != 0 || crc32.ChecksumIEEE(h[:120]) == le.Uint32(h[124:])
	if f.hdr.MajorVersion != 3 {
		return nil, fmt.Errorf("evtx: unsupported format version %d.%d (only 3.x is known)", f.hdr.MajorVersion, f.hdr.MinorVersion)
	}
	if size > FileHeaderSize {
		f.nchunks = int((size - FileHeaderSize + ChunkSize - 1) / ChunkSize)
	}
	return f, nil
}

// Header returns the file header.
func (f *File) Header() Header { return f.hdr }

// Size returns the file size given to Open.
func (f *File) Size() int64 { return f.size }

// NumChunks returns the number of chunk slots in the file, counted from its
// size (a partial last chunk counts), not from the header's chunk count.
func (f *File) NumChunks() int { return f.nchunks }

// Problems returns the file-level problems: a bad file header checksum.
// They do not stop the chunks from being read.
func (f *File) Problems() []Problem {
	if f.hdr.ChecksumOK {
		return nil
	}
	return []Problem{{Chunk: -1, Kind: KindChecksum, Reason: "bad file header checksum (chunks read anyway)"}}
}

// Record is one event record. XML and the slices it shares memory with are
// valid only during the callback that receives the Record: copy what must
// outlive it.
type Record struct {
	// Chunk is the chunk index and Offset the record's chunk-relative
	// offset.
	Chunk, Offset int
	// ID is the record header's identifier. It is NOT the event's
	// EventRecordID in exported files (evtx-format.md §4.1): read that from
	// the XML.
	ID uint64
	// Written is the record header's FILETIME (100 ns since 1601), which
	// is not TimeCreated in exported files.
	Written uint64
	// XML is the event rendered in the Windows/Splunk XmlWinEventLog form
	// (see the package doc), on one line unless values hold line breaks.
	XML []byte
}

// Problem is something wrong in a chunk or record. Skipped tells whether a
// record was lost through it (counted in ChunkStats.Skipped) or whether it
// is a warning only (a checksum mismatch, after which the records are still
// read and each still has to parse).
type Problem struct {
	Chunk    int    // chunk index; -1 for the file header
	Offset   int    // chunk-relative offset of the record; 0 for the chunk itself
	RecordID uint64 // record header id, when a record header was read
	Skipped  bool   // a record (or the whole chunk) was not returned
	// Kind is a short stable class of the problem, for counting: one of
	// the Kind constants.
	Kind   string
	Reason string
}

// Problem kinds.
const (
	KindChecksum        = "bad checksum"
	KindTruncatedChunk  = "truncated chunk"
	KindChunkSignature  = "bad chunk signature"
	KindRecordSignature = "bad record signature"
	KindRecordSize      = "bad record size"
	KindTruncatedRecord = "record cut off by end of file"
	KindTornRecord      = "torn record"
	KindBinXML          = "bad BinXML"
)

// String renders p as "chunk N: reason" or "chunk N: record ID at offset
// 0xOFF: reason".
func (p Problem) String() string {
	if p.Chunk < 0 {
		return "file header: " + p.Reason
	}
	if p.Offset == 0 {
		return fmt.Sprintf("chunk %d: %s", p.Chunk, p.Reason)
	}
	if p.RecordID != 0 {
		return fmt.Sprintf("chunk %d: record %d at offset 0x%x: %s", p.Chunk, p.RecordID, p.Offset, p.Reason)
	}
	return fmt.Sprintf("chunk %d: offset 0x%x: %s", p.Chunk, p.Offset, p.Reason)
}

// ChunkStats tells what reading one chunk did. Every allocated record of a
// readable chunk is either returned (Records) or counted in Skipped with a
// Problem. A chunk whose header cannot be used is Unreadable, with its
// Problem; its records cannot be counted.
type ChunkStats struct {
	Chunk   int
	Records int  // records passed to the callback
	Skipped int  // records found but not returned (torn, bad size, bad BinXML)
	Empty   bool // an unused, all-zero chunk slot: not a problem
	// Unreadable marks a chunk skipped whole: bad signature, or too
	// short for its header.
	Unreadable bool
	Problems   []Problem
}

// Stats sums the ChunkStats of a whole file (see File.Records).
type Stats struct {
	Chunks, EmptyChunks, UnreadableChunks int
	Records, Skipped                      int
	Problems                              []Problem // file problems first, then by chunk
}

// Add adds one chunk's counts to st.
func (st *Stats) Add(cs ChunkStats) {
	st.Chunks++
	st.Records += cs.Records
	st.Skipped += cs.Skipped
	if cs.Empty {
		st.EmptyChunks++
	}
	if cs.Unreadable {
		st.UnreadableChunks++
	}
	st.Problems = append(st.Problems, cs.Problems...)
}

// ReadChunk reads chunk i and calls fn for each allocated record in order.
// It is safe to call concurrently for different (or the same) chunks; each
// call uses its own Decoder from a pool of f's. The error is an I/O error
// or fn's error (which stops the chunk); problems of the data are in the
// returned ChunkStats.
func (f *File) ReadChunk(i int, fn func(Record) error) (ChunkStats, error) {
	d, _ := f.pool.Get().(*Decoder)
	if d == nil {
		d = f.NewDecoder()
	}
	defer f.pool.Put(d)
	return d.ReadChunk(i, fn)
}

// Records reads every chunk in order and calls fn for each record. It stops
// at the first I/O error or error from fn.
func (f *File) Records(fn func(Record) error) (Stats, error) {
	st := Stats{Problems: f.Problems()}
	d := f.NewDecoder()
	for i := 0; i < f.nchunks; i++ {
		cs, err := d.ReadChunk(i, fn)
		st.Add(cs)
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// NewDecoder returns a Decoder of f: the reusable buffers (chunk bytes,
// template cache, rendered XML) that reading a chunk needs. A Decoder is
// not safe for concurrent use; use one per goroutine.
func (f *File) NewDecoder() *Decoder {
	return &Decoder{f: f, chunk: make([]byte, ChunkSize), tmpl: map[uint32]*template{}}
}

// Decoder reads chunks of one File with reusable buffers: a chunk costs no
// allocation beyond its templates once the buffers have grown.
type Decoder struct {
	f     *File
	chunk []byte
	p     parser
	tmpl  map[uint32]*template
}

// ReadChunk reads chunk i like File.ReadChunk, with d's buffers. The
// Record.XML slices point into d's output buffer.
func (d *Decoder) ReadChunk(i int, fn func(Record) error) (ChunkStats, error) {
	cs := ChunkStats{Chunk: i}
	if i < 0 || i >= d.f.nchunks {
		return cs, fmt.Errorf("evtx: chunk %d out of range [0,%d)", i, d.f.nchunks)
	}
	off := int64(FileHeaderSize) + int64(i)*ChunkSize
	n, err := d.f.r.ReadAt(d.chunk[:ChunkSize], off)
	if err != nil && err != io.EOF {
		return cs, fmt.Errorf("evtx: reading chunk %d: %w", i, err)
	}
	c := d.chunk[:n]
	problem := func(offset int, id uint64, skipped bool, kind, format string, args ...any) {
		cs.Problems = append(cs.Problems, Problem{Chunk: i, Offset: offset, RecordID: id, Skipped: skipped, Kind: kind, Reason: fmt.Sprintf(format, args...)})
	}
	if allZero(c) {
		cs.Empty = true
		return cs, nil
	}
	if n < chunkHeaderSize {
		cs.Unreadable = true
		problem(0, 0, true, KindTruncatedChunk, "truncated: %d bytes, shorter than the 512-byte chunk header", n)
		return cs, nil
	}
	if !bytes.Equal(c[:8], chunkMagic) {
		cs.Unreadable = true
		problem(0, 0, true, KindChunkSignature, "bad signature %q", c[:8])
		return cs, nil
	}
	if n < ChunkSize {
		problem(0, 0, false, KindTruncatedChunk, "truncated: %d of %d bytes (records inside are read)", n, ChunkSize)
	}
	le := binary.LittleEndian
	lastID := le.Uint64(c[32:])
	free := int(le.Uint32(c[48:]))
	flags := le.Uint32(c[120:])
	noCRC := flags&FlagNoCRC32 != 0 || d.f.hdr.Flags&FlagNoCRC32 != 0
	if !noCRC {
		h := crc32.ChecksumIEEE(c[:120])
		h = crc32.Update(h, crc32.IEEETable, c[128:chunkHeaderSize])
		if h != le.Uint32(c[124:]) {
			problem(0, 0, false, KindChecksum, "bad header checksum (records read anyway)")
		}
		if free >= chunkHeaderSize && free <= n {
			if crc32.ChecksumIEEE(c[chunkHeaderSize:free]) != le.Uint32(c[52:]) {
				problem(0, 0, false, KindChecksum, "bad data checksum (records read anyway)")
			}
		}
	}
	end := free
	if end > n || end < chunkHeaderSize {
		end = n // the header may lie (evtx-format.md §3.2)
	}
	clear(d.tmpl)
	d.p.reset(c, d.tmpl)
	pos := chunkHeaderSize
	for pos+4 <= end {
		sig := c[pos : pos+4]
		if allZero(sig) {
			break // slack
		}
		if !bytes.Equal(sig, recordMagic) {
			cs.Skipped++
			problem(pos, 0, true, KindRecordSignature, "bad record signature %q; rest of chunk not read", sig)
			break
		}
		if pos+recordHeaderSize > n {
			cs.Skipped++
			problem(pos, 0, true, KindTruncatedRecord, "record header cut off by end of file")
			break
		}
		size := int(le.Uint32(c[pos+4:]))
		id := le.Uint64(c[pos+8:])
		if size < minRecordSize || pos+size > ChunkSize {
			cs.Skipped++
			problem(pos, id, true, KindRecordSize, "bad record size %d; rest of chunk not read", size)
			break
		}
		if pos+size > n {
			cs.Skipped++
			problem(pos, id, true, KindTruncatedRecord, "record of %d bytes cut off by end of file", size)
			break
		}
		if cp := int(le.Uint32(c[pos+size-4:])); cp != size {
			// A torn record: the write was cut off (evtx-format.md §3.2).
			// evtxexport excludes it too.
			cs.Skipped++
			problem(pos, id, true, KindTornRecord, "torn record: size %d, copy of size %d", size, cp)
		} else {
			xml, err := d.p.renderRecord(pos+recordHeaderSize, pos+size-4)
			if err != nil {
				cs.Skipped++
				problem(pos, id, true, KindBinXML, "%v", err)
			} else {
				cs.Records++
				rec := Record{Chunk: i, Offset: pos, ID: id, Written: le.Uint64(c[pos+16:]), XML: xml}
				if err := fn(rec); err != nil {
					return cs, err
				}
			}
		}
		pos += size
		if id == lastID {
			break
		}
	}
	return cs, nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
