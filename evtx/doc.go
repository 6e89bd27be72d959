// Package evtx reads Windows XML Event Log (EVTX) files natively and
// renders each event record as the XML text that Splunk's universal
// forwarder indexes as XmlWinEventLog, so that the same mapping reads an
// EVTX file and a Splunk export alike.
//
// # Why hand-written
//
// No Go EVTX module is served by the module proxy this project builds with
// (the known ones, such as Velocidex/evtx and 0xrawsec/golang-evtx, are
// refused), and libevtx is C. The reader is therefore the project's own
// work, written from ../shared/reference/evtx-format.md (which compiles
// libevtx's format documentation, MS-EVEN6 and the Rust and Go readers)
// and checked record by record against libevtx's evtxexport
// (TestAgreementWithEvtxexport).
//
// # What is read
//
// A file is a 4096-byte header and 64 KiB chunks (evtx-format.md §1-§3).
// The chunks are found from the file size, not from the header's chunk
// count, which is wrong in dirty and truncated files; a partial last chunk
// is read up to its end. Each chunk is self-contained (its own names,
// template definitions and checksums), so chunks are independent:
// File.ReadChunk may be called from several goroutines, and File.Records
// reads them in order. In a chunk, records are read from offset 512 up to
// the free-space offset (clamped to the chunk), a zero signature, or the
// record whose id is the chunk's last record id; records in the unused
// space after them (old copies, "recovered" by some tools) are never
// returned, so nothing is counted twice.
//
// BinXML (§5) is read with every token: elements with and without
// dependency ids (libfwevt's test decides per element inside template
// definitions), attributes, value text, CDATA, character and entity
// references, processing instructions, template instances with inline or
// referenced definitions (compiled once per chunk, cached by offset),
// normal and optional substitutions, and nested BinXml values. Template-less
// records (saved and forwarded events, §5.9) are read too. Every value type
// of §6 is rendered, including arrays. Nesting and the work per record are
// bounded against crafted input.
//
// # Rendering (the Windows/Splunk form, evtx-format.md §7-§8)
//
//   - One line, no whitespace between elements, attributes in single
//     quotes; a CloseEmpty element is "<X/>" and any other element has an
//     end tag, so an empty Data is <Data Name='X'></Data>.
//   - '&', '<', '>' are escaped in text and attributes, and '\” in
//     attributes only; '"' is never escaped. Line breaks and other control
//     characters in values are kept verbatim, as Windows keeps them.
//   - An attribute whose value renders empty is not written (so
//     <Correlation/>, <Security/>); an element whose dependency value is
//     Null is not written; an optional substitution of Null writes
//     nothing; an out-of-range substitution index writes nothing.
//   - An array that is the only content of its element repeats the element
//     once per item, and an empty array gives one empty element; an array
//     elsewhere (an attribute, mixed content) writes its items joined by
//     ", " [uncertain: no such record is known].
//   - HexInt32/64 and SizeT: "0x" and lowercase hexadecimal, no padding.
//     Integers in decimal. Bool "true" for any non-zero value, as
//     evtxexport. Binary, EvtHandle and EvtXml: uppercase hexadecimal.
//     Real32/64: Go's shortest round-trip form [uncertain: Windows' form is
//     not documented]. SID: S-R-A-S1-..., an authority of 2^32 or more in
//     hexadecimal.
//   - GUID: braces and upper case, as older Windows builds and evtxexport
//     write it (newer builds write lower case; GUIDs written as literal
//     text in a template keep their case).
//   - FILETIME (TimeCreated): nine fractional digits, the last two 0
//     (2021-11-03T08:34:27.978376200Z), as older Windows builds and
//     evtxexport write it; newer builds write seven. SYSTEMTIME: three
//     digits, fields as stored.
//   - UTF-16 strings are cut at their first NUL; unpaired surrogates
//     become U+FFFD. ANSI strings are read as windows-1252 (evtxexport's
//     default) and cut at their first NUL.
//   - RenderingInfo is kept when a record holds it (evtxexport drops it).
//
// An offline reader cannot reproduce what the forwarder adds: SIDs
// resolved to names (evt_resolve_ad_obj) stay S-1-... (§8.2).
//
// # Damage
//
// Nothing in a file makes the reader panic or give up on the rest of the
// file (FuzzReader). Checksums are verified but advisory, as libevtx and
// the reference recommend: a bad file header, chunk header or data
// checksum is a Problem ("chunk 3: bad header checksum (records read
// anyway)") and the records are still read, each of which must still
// parse; dirty logs routinely have torn data checksums with good records
// before the tear. Files and chunks with the NO_CRC32 flag are not checked.
// A chunk with a bad signature, or too short for its header, is skipped
// whole and reported (ChunkStats.Unreadable). A record that is torn (its
// size and the copy of its size differ), has an impossible size, is cut
// off by the end of the file, or whose BinXML cannot be rendered is
// counted in ChunkStats.Skipped with a Problem naming the chunk, the record
// id, its offset and the reason; a bad size or signature ends the chunk,
// while after a torn or unrenderable record the next one is read.
//
// # Performance
//
// A Decoder reuses its chunk buffer, value stack and output buffer;
// Record.XML points into the output buffer and is valid only during the
// callback. BenchmarkReadEVTX measures records/s and MB/s on the 8 MB
// shared file beside evtxexport on the same file (BenchmarkEvtxexport).
//
// Imports: the standard library only; it must not import datamodel or any
// other package of the module (datamodel imports evtx as its EVTX decoder).
package evtx
