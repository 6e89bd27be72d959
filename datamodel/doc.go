// Package datamodel turns Windows events, as Splunk's XmlWinEventLog text,
// as JSON lines in the NXLog/OTRF shape or as binary EVTX files (also
// inside zip and gzip archives, from files, folders or streams), into CIM
// datasets (Endpoint.Registry, Endpoint.Processes, Endpoint.Filesystem,
// Network_Traffic.All_Traffic, Authentication.Authentication and
// Change.All_Changes) stored as
// Apache Arrow record batches, with the field mapping of Splunk's Sysmon
// add-on 4.0, Splunk_TA_windows 8.8.0 and the CIM 5.x calculations; and
// keeps every event, of any channel, in an event store for raw searches
// (see "Event store").
//
// # Pipeline
//
// Every input goes through one entry point (see "Inputs"), which chooses
// how to read it from its first bytes (Sniff): archives are unpacked, text
// goes to the scanners, binary kinds to their Decoder. For
// XmlWinEventLog, the store reads
// text line by line (xmlevent.go), frames events, and parses each with a
// hand-written scanner into the System values and the
// <Data Name='X'>value</Data> pairs; a JSON line is parsed into the same
// event (see "JSON lines"). Every well-formed event is kept for the event
// store. An event is routed by its source and EventCode to the dataset
// whose constraint tags its eventtypes carry (eventtypes.go: the add-ons'
// eventtypes and tags as one table, from which the routing is computed):
// Sysmon events by the Sysmon add-on's eventtypes, Security 4688, 4689,
// 4696, 4673 and 4674 into Endpoint.Processes, 4624/4625 into
// Authentication (raw-events.md §4, §5) and the account, audit and policy
// EventCodes (4720-4767, 4780-4794, 4798, 4799, 1100-1102, 1105, 1108,
// 4715-4719, ...) into Change.All_Changes by Splunk_TA_windows'. Each
// dataset field is then
// computed by the derivation the add-on's props.conf uses for that EventID
// (sysmon.go, derive.go), followed by the dataset's CIM calculations in
// Endpoint.json order (cim.go). Rows are appended, in input order, to Arrow
// builders and cut into record batches of Options.BatchSize rows (store.go).
//
// The data models are ONE declarative table (catalogTable) and the add-on
// mapping is ONE table of field -> EventIDs -> named derivation
// (sysmonFields): a new dataset is a table entry plus mapping rows, as
// Network_Traffic.All_Traffic (EventID 3) shows. The CIM calculations are a
// small vocabulary of expression kinds (fill "unknown", name from command,
// isnum or null, isnum or 0, fill with lower, total/part sums,
// vendor_product, lower) that any dataset's table entry may use.
//
// A Windows (non-Sysmon) event routed to a dataset gets its fields from
// the same search-time computation as the event store (winta.go), so a
// tstats over Endpoint.Processes sees Security 4688 rows with the fields
// raw-events.md §4.2 gives (process from CommandLine or NewProcessName,
// process_id as the hexadecimal NewProcessId, user TargetUserName or else
// SubjectUserName, ...), beside the Sysmon rows.
//
// # Event store
//
// Store.Events returns the EventStore: every kept event with its
// search-time fields, computed in Splunk's order (raw-events.md §1.2):
// _raw, _time, host, source (XmlWinEventLog:<Channel>), sourcetype
// (xmlwineventlog), index (main); Splunk_TA_windows' generic XML
// extraction (every attribute-less System child, every System attribute
// WITH its quotes, every named <Data> as a field, multivalue when
// repeated, absent when empty, entities verbatim; EventCode also from an
// <EventID Qualifiers='...'>); the source stanza of Security and System
// (winta.go) or the Sysmon add-on's fields (sysmonFields); the
// sourcetype's aliases and EVALs (dvc, user_id, signature_id,
// vendor_product, ...); the rows of the add-on lookups the reference
// quotes; then the multivalue eventtype and tag fields (eventtypes.go).
//
// Layout, measured and chosen: the store keeps only the event text at
// ingest (copied into blocks of 256 KiB, each compressed with S2 once
// full, no allocation per event; eventsraw.go), and builds
// its columns the first time a search asks for them. BenchmarkIngest
// (-cpu 1, benchstat over 6 runs, same machine) shows no significant
// change in time from before the event store, at the cost of the kept
// text (B/op 17.5 MiB -> 44 MiB for 20,000 events); building columns at
// ingest would cost every tstats-only run the full field computation.
// Columns are grouped by source and EventCode: events of one group share
// their field names (Windows events of one EventCode have one schema per
// version), so each group's batches are dense, and a field name that only
// one channel has (thousands across channels) is a column of that group
// alone instead of a sparse column of every batch. Strings are
// dictionary<int32, utf8> columns (EventCode, Computer, Image repeat);
// a field that has several values in a batch's row is list<utf8>. _raw
// is not a column: each chunk keeps its rows' texts in S2 blocks of 128
// KiB, which a search decompresses where it reads them (EventChunk.Raw;
// RawView, which decodes a block once per chunk and only if a row of it
// is read, and RawColumn, a utf8 array over the decoded bytes with no
// copy), and the build lets the ingest's blocks go as it reads
// them, so that each text is held once, compressed (7-8 times smaller on
// the generated Sysmon XML). The XML block fields (System_Props_Xml, EventData_Xml, ...)
// repeat most of _raw and are not stored: XMLBlock computes them from _raw
// when a search names them. Each chunk carries every row's position in
// the store's order, newest first (descending _time, then input order),
// the order a Splunk search returns events.
//
// IngestOptions.NoEventStore reads the events without keeping their
// texts, for a run whose searches read only datasets (in the generated
// benchmark input, 1.1 KB of the 1.5 KB an event holds after ingest);
// Store.EventsLeftOut counts those events, and a search over raw events
// fails while it is not zero rather than miss them. Store.SetEventFields
// keeps only the fields the planned searches read as the event store's
// columns (every field is still computed), and Store.SetDatasets only the
// rows of the datasets they read; a search that reads a field or dataset
// left out fails (EventStore.Keeps, Store.RowsLeftOut). minispl run and
// hunt set both from their compiled searches (engine.EventFields,
// engine.Datasets).
//
// Building the columns hashes fewer names and values per event: the
// record of an event's fields numbers every name it has held (record.ids,
// kept across events: a field is found by one lookup, and the record is
// reset without clearing and refilling a map), a name read from the event
// is interned and numbered by that one lookup (record.addNamed), and a
// group finds a field's column by its number, without a lookup
// (eventGroup.colOf). A column's dictionary
// is probed only when the value differs from the one added last, and
// scanned instead of hashed while it holds at most 8 values; the
// eventtypes of a source and EventCode are worked out once per build
// goroutine; the columns of a finished segment's groups are reused with
// their dictionaries. The store's content does not change
// (TestEventStoreDump, TestLayoutDump against the commit before).
//
// # Why a hand-written scanner
//
// encoding/xml decodes entities, while Splunk does not: the add-on's
// extractions are regexes over _raw with KV_MODE=none, so "&amp;" stays
// "&amp;" in every field (sysmon-to-cim §2). encoding/xml is also slow:
// decoding the BenchmarkIngest input runs at about 40 MB/s on one core
// (BenchmarkIngestBaselineEncodingXML, 5.7M allocations per 20,000 events),
// below the 50 MB/s target before any mapping, against about 700 MB/s for
// the scanner alone (BenchmarkIngestScannerOnly, 17x) on the same input. The
// scanner instead walks the '<' of each event once with bytes.IndexByte,
// keeps every value as a sub-slice of the read buffer (copied only into the
// Arrow dictionaries), accepts single- and double-quoted attributes and
// self-closing <Data Name='X'/> elements, and never decodes anything.
// BenchmarkIngest measures about 360 MB/s and 320,000 events/s on one core
// (see "CPU per event").
// The string functions of props.conf (basename with its look-ahead, noads,
// shortuser, the registry key/value splits) are hand-coded for the same
// reason and because Go's RE2 lacks look-ahead; each names its PCRE.
//
// # CPU per event
//
// Where a Sysmon event's CPU time went on one core (BenchmarkIngest's CPU
// profile, 02f82e6, about 5 µs per event): finding its "</Event>" with
// bytes.Index, which stops at each of the event's 80 or so '<', 0.9 µs;
// the scanner 1.8 µs (a bytes.IndexByte call per '<' and per '>', most
// of them one or a few bytes on); arrow's dictionary builders 1.4 µs (a
// memo lookup per column and row: hashing, a generic probe, the
// comparison); the derivations 0.4 µs; keeping the text for the event
// store 0.4 µs. What changed, each proven against the code before:
//   - One pass frames and parses a one-line event (parseEventLine): the
//     scanner already visits every '<' of the event in order, so it
//     checks each "</" it visits for "</Event>" and stops at the first.
//     It steps over a tag's name and attributes and a Data value up to
//     its first '<', so where one of those holds a '<' (or a Data value's
//     first '<' is not its "</Data>") it gives up and the event is framed
//     by indexEventEnd and parsed as before; with the pre-filter on it is
//     not used (the filter reads the framed text first). scanEvent's
//     comment has the argument that its reads stop before the end it
//     finds; TestParseEventLine and FuzzParseEvent check it against
//     bytes.Index and the scanner of 02f82e6 (parseEventRef).
//   - indexEventEnd, for multi-line events, EVTX records and filtered
//     reads, tests eight bytes at a time for a '<' followed by a '/'
//     (SWAR), then compares the eight bytes there (TestIndexEventEnd).
//   - The scanner looks for the next '<' and a tag's '>' in the next
//     bytes before it calls bytes.IndexByte, and reads the usual
//     <Data Name='X'> without the general attribute search (dataTag).
//   - dictBuilder (dictbuild.go) replaces arrow's BinaryDictionaryBuilder:
//     an open-addressing table of 64-bit slots (32 bits of maphash, the
//     value's index) over the dictionary's own bytes, kept and cleared
//     from batch to batch, the buffers of the next batch sized as the
//     last's, and a value equal to the row before's (host, source, most
//     constants) not looked up, while such repeats are common in the
//     column. It makes the same dictionary, in the same order, and the
//     same indices and nulls (TestDictBuilderMatchesArrow).
//   - parseUtcTime counts days from the civil date itself rather than
//     through time.Date (TestCivilDaysMatchesTime).
//   - event.data starts at the first Data name of the wanted name's key
//     (64 slots set as names are added) instead of comparing every name
//     (TestEventDataIndex).
//
// Together (BenchmarkIngest, idle, six interleaved runs): 205,000 to
// 322,000 events per CPU-second on one core (3.1 µs per event), 191,000
// to 301,000 on two, which still scale 1.81 times.
//
// The whole store is checked unchanged by TestLayoutDump: with
// MINISPL_LAYOUT_DUMP set it writes a SHA-256 of every batch's row count,
// dictionaries, indices, nulls and timestamps and of the Stats, for every
// framing corner, the test events, 30,000 generated events and the shared
// attack_data and OTRF files, read serially and on two workers at two
// batch sizes; the file was byte-identical before and after each change.
//
// # Parallel reading
//
// A text input (XmlWinEventLog or JSON lines) larger than one part
// (16 MiB) is read on GOMAXPROCS workers (parallel.go): one goroutine
// reads it and cuts it into parts, each worker scans and maps a part into
// record batches of its own, and the parts are merged in input order, so
// the rows, their order, the counts and the problems are exactly those of
// the serial read (TestParallelIngestEqualsSerial compares both on every
// framing corner, with parts down to one byte). An XmlWinEventLog input is
// cut only just before a line beginning "<Event": such a line starts a new
// event whatever came before (an event still open there is malformed, "no
// </Event> before the next <Event", a run of text outside events ends),
// so the scanner's state after it depends on nothing before except
// whether an event was found, which the merge carries (with the problems
// held before the first event, see below). JSON lines are cut after any
// line end. Problem lines are counted from a part's start and renumbered
// when it is merged. A part that finds no cut within 32 MiB (a giant
// event or line) ends the parallel read: the rest of the input is read
// serially, from that part's start. Near the end of the input (of a
// file's or an in-memory reader's known size, or once the rest is read)
// the parts shrink to a share of what is left per worker, down to a
// quarter part, so that the workers finish together (tailPartSize: on an
// idle 2-core machine, 100,000 events went from 1.72-1.75 to 1.77-1.79
// times the one-core speed). Record batches end at the end of each
// part as well as every Options.BatchSize rows; no result depends on
// where batches end. With GOMAXPROCS=1, or an input of one part, the
// input is read serially as before. EVTX files are rendered by chunk on
// every core (see "EVTX files"). Several files (IngestPaths of a folder or
// of several paths) are read at once too, each into a store of its own,
// merged in file order; "already loaded" is decided in that order before
// any is read, and an error keeps only the files before it, as serially
// (TestParallelFilesEqualSerial).
//
// # Pre-filter
//
// IngestOptions.Filter (a RawFilter, built by engine.RawFilter from the
// plans of the searches to run) leaves out, before parsing, every
// XmlWinEventLog or EVTX event whose text holds none of the literals some
// search needs: such an event counts in Stats.Events and in
// Stats.Skipped[SkipFiltered] ("pre-filter: cannot match the searches"),
// and, not being parsed, is not checked for malformation. Its soundness
// rests on one property this package states and tests: for the fields
// Catalog.RawField accepts, every value of a row is null, one of a few
// constants ("unknown", "0"), or a substring of its event's text up to
// ASCII case, because their derivations copy a Data element or System
// value as it stands (no entity is decoded, see "Why a hand-written
// scanner") and their CIM calculations only lower-case ASCII, null a
// non-number or put those constants in; TestRawFieldsAreSubstrings checks
// it on the generated, test and shared events. A glob the field must
// match, and that no constant matches, thus has its literal segments in
// the event's text (engine/prefilter.go has the rest of the argument).
// JSON lines are never filtered: their values are decoded from JSON
// escapes, so a value need not stand in the line as it is.
//
// # Framing and accounting
//
// A new event starts only at a line beginning with "<Event" and ends at the
// first "</Event>"; lines in between (pretty-printed XML, values with line
// breaks) belong to it, with their line ends kept. CRLF, a UTF-8 BOM and
// several events on one line are accepted. Every event read is counted once
// in Stats.Events and is either kept (Stats.Kept, the event store; it may
// also be a row of one dataset, Stats.Used) or skipped as malformed with a
// reason (Stats.Skipped): "malformed: ..." (no
// </Event> before the next <Event or before the end, a multi-line event
// longer than 16 MiB, whose text is not kept, no or bad EventID, no or bad
// UtcTime for a Sysmon event, no or bad <TimeCreated SystemTime> for
// another, a run of non-blank lines outside any event, which counts as
// one, or an event in the classic WinEventLog text format, which minispl
// does not read: it starts at a line holding only its time as Windows
// writes it, "01/14/2021 11:41:39 PM", and runs, blank lines included, up
// to the next such line or "<Event" line, counting once as "classic
// WinEventLog text event (key=value lines, not XML; not read)"; attack_data's
// certutil_exe_certificate_extraction.raw holds 19 of them between its 40
// XML events). The first 20 malformed events are listed in Stats.Problems as
// "name:line: reason" ("name:record N: reason" for events of a Decoder).
//
// # JSON lines
//
// OTRF's Security-Datasets (Mordor) ship host logs as JSON lines written by
// NXLog's im_msvistalog (and passed through Logstash): one flat object per
// line, the EventData fields at top level beside System values under
// NXLog's names. Each object is mapped onto the event the XML scanner
// produces, so the mapping tables apply unchanged:
//   - Provider is SourceName, EventID is EventID (a JSON number or a string
//     of digits), Channel is Channel, Computer is Hostname (NXLog's name for
//     <Computer>; "host" is Logstash's collector, not the event's host) or
//     Computer when present, Version is Version, the Security UserID is
//     UserID (NXLog's name for it).
//   - Keywords as a number (NXLog writes the 64-bit mask as a signed
//     integer, Logstash may re-encode it as a float) is written back as the
//     XML's hexadecimal text: -9223372036854775808 is 0x8000000000000000.
//   - Every other key is an EventData field by its exact (case-sensitive)
//     name, except the metadata NXLog and Logstash add (EventTime,
//     EventReceivedTime, Severity, SeverityValue, Task, Opcode, Category,
//     Message, RecordNumber, ThreadID, Domain, AccountName, @timestamp,
//     host, port, tags, ...; isJSONMeta) and the other OTRF shape's
//     TimeCreated and Level. Nested arrays and objects are not event fields
//     and are ignored; null is an absent field; numbers and booleans keep
//     their JSON text.
//   - EventType clashes: NXLog's own EventType (INFO, AUDIT_SUCCESS, ...)
//     and Sysmon's EventType Data (CreateKey, SetValue, ...) share the key.
//     OTRF's pipeline keeps Sysmon's and moves NXLog's to EventTypeOrignal
//     (sic). EventType is read as EventData when EventTypeOrignal (or
//     EventTypeOriginal) is present or when its value is not one of NXLog's
//     seven level names, which no Sysmon EventType is.
//   - The first occurrence of a duplicated key counts.
//
// Values: JSON strings hold decoded text, while the XmlWinEventLog path
// keeps XML entities verbatim (the add-on sees "&amp;", see above). To give
// the results Splunk gives on the same events as XmlWinEventLog, '&', '<'
// and '>' in string values are written back as the Windows event renderer
// writes them in element text: "&amp;", "&lt;", "&gt;". Quotes are not
// escaped in element text and stay as they are. Invalid UTF-8 is kept as it
// is, as on the XML path. Every non-blank line is one event: used, skipped
// as not Sysmon like an XML event, or malformed ("bad JSON" with
// encoding/json's message and column, "JSON value is not an object", "not a
// Windows event: no EventID", "not a Windows event: no SourceName or
// Channel", "bad EventID", or the UtcTime problems of the XML path), with
// name:line in Stats.Problems. Pretty-printed (multi-line) JSON is not
// read: each of its lines is a malformed event.
//
// Why hand-written on top of json.Valid: encoding/json's Unmarshal into a
// struct matches keys case-insensitively (NXLog's ProcessID would fill
// Sysmon's ProcessId) and cannot keep the open set of EventData names, and
// into map[string]any it allocates for every key and value
// (BenchmarkParseJSONBaselineMap: about 60 MB/s and 130 allocations per
// line, against 200 MB/s and none for BenchmarkParseJSONScanner). So json.Valid (encoding/json's own
// validator, no allocation) accepts or rejects the line, and a small
// scanner over the then well-formed object reads each key and value as a
// sub-slice of the line, decoding escapes (and adding the XML escapes) into
// the event's arena only for strings that need it. FuzzParseJSONEvent
// checks it against encoding/json's decoding. BenchmarkIngestJSON measures
// about 140-150 MB/s and 145,000-150,000 events/s on one core for
// generated NXLog lines, BenchmarkIngestOTRF 165-180 MB/s and about 90,000
// events/s on the 80 MB OTRF file (its events are about 2 KB each).
//
// # Inputs
//
// Store.IngestPaths (files and folders), IngestPath and IngestReader
// (streams: standard input, an embedded sample) are the one way in; Ingest
// and IngestFile are their short forms. The CLI, the REPL and the tests
// all use them. A folder is walked recursively in name order (links to
// folders are not followed); every path is resolved before any file is
// read. Each input is read by its content, never its name (Sniff, in
// sniff.go):
//   - a zip signature (PK\x03\x04, or PK\x05\x06 for an empty archive):
//     a zip archive, whose members are ingested in name order, each as an
//     input named "archive:member" in problems ("archive:member:line");
//     folders are not members, macOS resource forks (__MACOSX/) are
//     listed as skipped;
//   - a gzip header (1f 8b 08): a gzip stream (all its members, as gzip
//     does), whose content is sniffed again under the same name;
//   - "ElfFile\x00": an EVTX file, read by the Decoder of KindEVTX (from
//     IngestOptions.Decoders, or built in: package evtx, see "EVTX
//     files"), which hands each record to an EventSink as XmlWinEventLog
//     text; without a Decoder the file is skipped as "EVTX reader not
//     available";
//   - a UTF-16 byte order mark, or '<' then a zero byte: UTF-16 text,
//     skipped ("UTF-16 text is not read; convert it to UTF-8");
//   - any other zero byte in the first 512: binary data, skipped;
//   - after a UTF-8 byte order mark and white space, '{' or '[': JSON
//     lines; anything else: text, read as XmlWinEventLog.
//
// Archives nest up to four deep (a .gz in a zip in a folder, a zip in a
// .gz). A zip archive or EVTX file that comes as a stream (standard input,
// a zip member, a gzip stream) is read into memory first, up to 1 GiB
// (both need random access); a file is read in place. Decompression is
// bounded per top-level input: past IngestOptions.MaxDecompressed (16 GiB)
// decompressed bytes, or past 200 times the input's stored size once
// 64 MiB are out (deflate reaches about 1,030:1 on runs of one byte, event
// text 10 to 30), the input stops with an error that says "a zip or gzip
// bomb?", after the events read before. Lines are bounded too (64 MiB,
// handed on in pieces), so input without line ends cannot fill memory. A
// damaged archive or member (bad directory, checksum error, bad gzip
// header) is an error naming it, after the events read before it.
// Stats.Bytes counts the text read: for an archive, its members'
// uncompressed bytes.
//
// Every input is either read (counted in Stats.Files and FileKinds; an
// archive counts once, a stream once) or skipped with a reason (counted in
// Stats.FilesSkipped and listed in SkippedFiles): "not event data", text
// in which no event starts (an XmlWinEventLog "<Event" line, or a JSON
// line that is a Windows event); "empty"; "binary, not event data"; the
// UTF-16 and EVTX reasons above; "already loaded" for a file the Store has
// ingested before, by any path (os.SameFile), until Reset; "archive nested
// too deep"; "not a regular file (...)" for a named pipe, socket or device
// found in a folder, which is never opened (a pipe would wait for a
// writer; a pipe given by itself, such as /dev/stdin, is read as a
// stream). The malformed lines of a text input before its first event
// are held back and counted only once an event shows that the input holds
// events, so a licence file is one skipped file, not a run of malformed
// events. The banner line evtxexport prints before its events
// ("evtxexport 20181227") is not text.
//
// # EVTX files
//
// The built-in Decoder of KindEVTX (evtxinput.go) is package evtx's
// reader: every record is rendered as the XmlWinEventLog text Splunk's
// forwarder writes (evtx/doc.go lists the rendering choices) and then
// parsed and mapped exactly like an event of an XmlWinEventLog file, so the
// two forms of the same events give the same rows (TestEVTXMatchesXML).
// Chunks are rendered on GOMAXPROCS goroutines, at most two per worker
// ahead of the mapping, and mapped in file order. Problems read
// "name:chunk N record K: reason" for the K-th record of chunk N and
// "name:chunk N: reason" for a chunk. A record the reader cannot return
// (torn, cut off by the end of the file, of an impossible size, or of
// unparseable BinXML) is one malformed event "unreadable EVTX record
// (KIND)"; a chunk with a bad signature is one "unreadable EVTX chunk
// (KIND)" (its records cannot be counted); a file too short for its header
// or of an unknown version is one "unreadable EVTX file". A bad checksum
// is listed in Problems only: the records are still read.
//
// # Ownership
//
// The Store owns its record batches: Batches returns them without retaining
// them, and Store.Release releases them all. AddBatch retains the batch it
// is given.
//
// # Choices on uncertain points
//
// Where sysmon-to-cim.md marks a point [U], this package chooses as follows;
// tests pin each choice.
//   - _time is the UtcTime Data element read as UTC with milliseconds;
//     an event without a valid UtcTime is malformed, not given another time.
//   - An empty Data value (<Data Name='X'></Data> or <Data Name='X'/>) is
//     treated as absent: Splunk creates no field for an empty extraction.
//     FillUnknown fields show "unknown" either way; other fields show null.
//   - Whitespace around Data values: the field a <Data Name='X'> gives
//     (eventdata_xml_data) has its leading and trailing whitespace (PCRE
//     \s) removed, so a value that is only whitespace is absent. The
//     reference does not say whether Splunk trims extracted values; the
//     evidence is ESCU's own content: Windows AD Same Domain SID History
//     Addition (written in September 2022 against
//     T1134.005/mimikatz/windows-security-xml.log, sha256 1baea362..., the
//     file ESCU's test replayed until November 2022) parses SidHistory with
//     rex "(^%{|^)..." and passed its test, which is only possible when the
//     value starts with "%{", not with the CR LF TAB TAB the XML holds. The
//     add-ons' own EXTRACTs and REPORTs over _raw (Security's
//     Process_Command_Line, new_process, ...; the Sysmon add-on's fields)
//     keep the text as written, as their regexes read it.
//   - Details with `TYPE (...)` is matched against the value alone
//     (`^\w+\s\((.+)\)` up to the value's end, where the add-on's regex
//     over _raw has `\)</Data>`; '.' not matching a line break) rather than
//     the add-on's regex over _raw, which could in theory run past </Data>.
//   - The add-on's regexes are read with PCRE's default options, as
//     Splunk compiles replace() and transforms without (?s) or (?m): the
//     newline is LF alone, so '.' matches a CR but not an LF and CR LF is
//     an ordinary CR before a line break; `$` matches at the end or before
//     a final LF; replace() replaces every match. A value holding line
//     breaks is derived line-aware (derive.go, "Line breaks"): file_name
//     of `C:\Users\ADMIN\AppData` CR LF `\Local\Temp\2\setup.exe` is
//     `AppData` CR LF `setup.exe`.
//   - \w is ASCII [A-Za-z0-9_] (sysmon-to-cim §9 item 4).
//   - registry_hive: like() is case-sensitive and has no escape character,
//     and the output "HKEY_LOCAL_MACHINE\\\\System" holds TWO backslashes
//     after SPL unescaping (`\\` -> `\`, the rule under which every add-on
//     regex compiles). So HKLM\System\... gives HKEY_LOCAL_MACHINE\\System
//     but HKLM\SYSTEM\... gives null.
//   - user_id is the Security UserID without quotes (the §6a.6 example) in
//     the CIM datasets; in the event store, UserID and its alias user_id
//     keep the quotes, as every System attribute does (raw-events.md §1.5,
//     [UNCERTAIN] with strong evidence).
//   - _time of a non-Sysmon event is <TimeCreated SystemTime> in UTC,
//     truncated to the millisecond (raw-events.md §1.6); for a JSON line,
//     its TimeCreated or @timestamp.
//   - Security lookups: the add-on's CSV files are not available, so only
//     the rows the reference quotes are applied (winta.go
//     securityLookups); a lookup without a matching row leaves earlier
//     fields alone (§9 item 2). REPORT classes run in the order the
//     reference's dependency chains need (§1.2 [UNCERTAIN]).
//   - Eventtypes the reference names but does not quote
//     (wineventlog_windows, winsec, windows_event_signature,
//     endpoint_services_processes, the logon eventtypes) are modelled from
//     §1.4's field lists and §5 (eventtypes.go); an event's eventtypes are
//     in name order (their priorities are not in the reference).
//   - Authentication's declared field list is CIM's documented one; the
//     reference quotes only its constraint and calculations (catalog.go).
//   - Change.All_Changes is not in the reference beyond its constraint: its
//     fields and calculations follow Splunk_SA_CIM's Change.json as
//     published (catalog.go, change), the eventtypes that tag Security
//     events change and the Change lookups (action, change_type,
//     object_category, object_attrs, result) follow Splunk_TA_windows
//     8.4.0's files as published (eventtypes.go; winta.go, changeLookups),
//     8.8.0's not being available. windows_account_management is modelled
//     as the EventCodes of Windows' Account Management audit category (its
//     search reads a CategoryString lookup column that is not available).
//     A Security event with only a Workstation source (4776, 4794) gets src
//     = Workstation (the 8.4.0 REPORT chain). Sysmon's WMI events
//     (EventIDs 19-21) are not Change rows: the Sysmon add-on's Change
//     fields are not modelled. An event is in one dataset at most, so a
//     4625 that windows_audit_log_logon would also tag change stays an
//     Authentication row only.
//   - Data elements with double-quoted Name attributes are read as well
//     (the add-on's regexes need single quotes); Event Viewer and EVTX
//     exports use double quotes.
//   - The multi-valued CIM field tag is not a column (one string per row);
//     no ESCU detection groups by it.
//   - file_access_time, file_create_time and file_modify_time are typed Time
//     as in CIM but hold Sysmon's text verbatim ("2023-02-08 13:01:11.053"),
//     as the add-on passes it.
//   - An event is Sysmon when its Channel is
//     Microsoft-Windows-Sysmon/Operational: the add-on keys every setting on
//     source, which Splunk_TA_windows derives from <Channel>. Linux-Sysmon is
//     therefore "not a Sysmon event".
//   - WIN88's FIELDALIAS that may remove parent_process (§6a.5) is not
//     applied: parent_process is ParentCommandLine.
//   - Network_Traffic.All_Traffic's field list and calculations follow
//     Splunk_SA_CIM's Network_Traffic.json as published (CIM 6.x); the
//     reference quotes no CIM 5.2.0 list for it (catalog.go). EID 3's src
//     falls back to SourceIp when SourceHostname is absent or "-", like
//     dest; direction and protocol_version test Initiated and
//     DestinationIsIpv6 for "true" (sysmon.go).
//   - isnum() accepts decimal numbers only (no hex, Inf, NaN or spaces).
//   - JSON lines (see "JSON lines"): string values get '&', '<' and '>'
//     back as "&amp;", "&lt;" and "&gt;" (what Splunk sees in the
//     XmlWinEventLog rendering of the same event), quotes stay; the event's
//     Computer is NXLog's Hostname; EventType is Sysmon's unless it is one
//     of NXLog's level names with no EventTypeOrignal beside it; the first
//     of duplicated keys counts; numeric Keywords become 0x-hex text.
//   - A text input is event data once a line starts an event ("<Event"),
//     even when no event in it is complete: a truncated export keeps its
//     broken event as malformed ("no </Event> before end of input") rather
//     than being called "not event data". A JSON-lines input is event data
//     once a line is a Windows event (EventID and a source), even one with
//     a bad value.
//   - The source, sourcetype and host of a JSON event are those of an
//     XmlWinEventLog one (XmlWinEventLog:Microsoft-Windows-Sysmon/Operational,
//     xmlwineventlog, Options.Host): the rows are what Splunk returns for
//     the same events indexed as XmlWinEventLog.
package datamodel
