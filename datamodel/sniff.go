package datamodel

import (
	"bytes"
	"fmt"
)

// This file chooses how to read an input from its first bytes, never from
// its name. See doc.go, "Inputs".

// Kind is what an input's content shows it to be.
type Kind int

// The kinds of input. KindXML is also the kind of any other text: text in
// which no event is found is then skipped as "not event data".
const (
	KindXML    Kind = iota // Splunk XmlWinEventLog text (and any other text)
	KindJSON               // JSON lines in the NXLog/OTRF shape
	KindZip                // a zip archive of inputs
	KindGzip               // a gzip stream of one input
	KindEVTX               // a Windows XML Event Log file (binary)
	KindUTF16              // UTF-16 text, which is not read
	KindBinary             // binary data of no known kind
	KindEmpty              // no bytes at all
)

// String names the kind as reports print it.
func (k Kind) String() string {
	switch k {
	case KindXML:
		return "XmlWinEventLog"
	case KindJSON:
		return "JSON lines"
	case KindZip:
		return "zip"
	case KindGzip:
		return "gzip"
	case KindEVTX:
		return "EVTX"
	case KindUTF16:
		return "UTF-16 text"
	case KindBinary:
		return "binary"
	case KindEmpty:
		return "empty"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Signatures at the start of an input.
const (
	// zipMagic starts a zip archive's first local file header.
	zipMagic = "PK\x03\x04"
	// zipEmptyMagic starts the end record of an archive without members.
	zipEmptyMagic = "PK\x05\x06"
	// gzipMagic starts a gzip member (RFC 1952: ID1 ID2, then CM 8 =
	// deflate).
	gzipMagic = "\x1f\x8b\x08"
	// evtxMagic starts an EVTX file header.
	evtxMagic = "ElfFile\x00"
)

// sniffLen is how many leading bytes sniff wants to see (fewer when the
// input is shorter).
const sniffLen = 512

// Sniff returns the kind of an input from its first bytes (up to 512 are
// looked at; give as many as the input has). Signatures come first (zip,
// gzip, EVTX), then a UTF-16 byte order mark, or a '<' followed by a zero
// byte (UTF-16LE text without one); any other zero byte in head means
// binary data; after a UTF-8 byte order mark and white space, '{' or '['
// means JSON lines; anything else is text, read as XmlWinEventLog.
func Sniff(head []byte) Kind {
	switch {
	case len(head) == 0:
		return KindEmpty
	case bytes.HasPrefix(head, []byte(zipMagic)) || bytes.HasPrefix(head, []byte(zipEmptyMagic)):
		return KindZip
	case bytes.HasPrefix(head, []byte(gzipMagic)):
		return KindGzip
	case bytes.HasPrefix(head, []byte(evtxMagic)):
		return KindEVTX
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")),
		len(head) >= 2 && head[0] == '<' && head[1] == 0:
		return KindUTF16
	}
	if bytes.IndexByte(head[:min(len(head), sniffLen)], 0) >= 0 {
		return KindBinary
	}
	t := trimLeftSpace(bytes.TrimPrefix(head, []byte(bom)))
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return KindJSON
	}
	return KindXML
}

// SkipAlreadyLoaded is the reason of a file skipped because the Store
// has ingested it before (see IngestPaths).
const SkipAlreadyLoaded = "already loaded"

// Reasons a whole input is skipped (see Stats.SkippedFiles).
const (
	skipNotEvents   = "not event data"
	skipEmpty       = "empty"
	skipBinary      = "binary, not event data"
	skipUTF16       = "UTF-16 text is not read; convert it to UTF-8"
	skipNoEVTX      = "EVTX reader not available"
	skipMacOS       = "macOS resource fork"
	skipTooDeep     = "archive nested too deep"
	skipNotRegular  = "not a regular file (a named pipe, socket or device in a folder)"
	skipMemberLarge = "too large to unpack in memory"
)
