package datamodel

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/minispl/minispl/internal/english"
)

// Defaults of Options.
const (
	defaultBatchSize = 65536
	defaultHost      = "CONTENTCTL_HOST"
	// sourcetypeValue is the sourcetype after the add-on's rename
	// (sysmon-to-cim §1).
	sourcetypeValue = "xmlwineventlog"
	// maxProblems bounds Stats.Problems.
	maxProblems = 20
	// readBufferSize is the initial line buffer; it grows for longer lines.
	readBufferSize = 1 << 20
	// maxEventSize bounds the text of a multi-line event kept while waiting
	// for its </Event>, so that input with an "<Event" line and no end
	// cannot fill memory. A Windows event record is at most 64 KiB
	// (rendered, a few times that); a larger event is malformed.
	maxEventSize = 16 << 20
)

// datasetPlan is the compiled mapping of one dataset plus its batch
// builder.
type datasetPlan struct {
	ds     *Dataset
	spec   *datasetSpec
	name   string
	schema *arrow.Schema
	// derive[id] are the per-field derivations for Sysmon EventID id.
	derive map[int][]deriveFunc
	calcs  []calcStep
	vals   [][]byte // row scratch

	timeB          *array.TimestampBuilder
	hostB, srcB    *dictBuilder
	stB            *dictBuilder
	fieldB         []*dictBuilder
	rows           int
	batches        []arrow.RecordBatch
	host, src, stv []byte
	// skip leaves the dataset's rows out (Store.SetDatasets).
	skip bool
}

type storeImpl struct {
	mem       memory.Allocator
	batchSize int
	plans     []*datasetPlan
	route     map[int]*datasetPlan
	extra     map[string][]arrow.RecordBatch // AddBatch for datasets without a plan
	consts    cimConsts
	ev        event
	// pending holds the text of the open multi-line event; pendingTooLong
	// marks one that outgrew maxEvent (its text is dropped, it is counted
	// once as malformed).
	pending        []byte
	pendingTooLong bool
	// maxEvent is maxEventSize; tests lower it.
	maxEvent int
	// seen are the files ingested, by size, to skip a second load.
	seen map[int64][]fs.FileInfo

	// workers is how many goroutines read one text input (parallel.go);
	// 0 means GOMAXPROCS. partSize and maxPart bound the parts an input is
	// cut into; tests lower them.
	workers, partSize, maxPart int
	// shard marks the store of one worker of a parallel read: its
	// problems are kept in partProblems, lines numbered from the part's
	// start, until the part is merged.
	shard        bool
	partProblems []partProblem
	// filter is the IngestOptions.Filter of the ingest under way, and
	// noEvents its NoEventStore.
	filter   *RawFilter
	noEvents bool
	// opened is set by readInput once its file is open.
	opened bool

	// raw keeps the text of every well-formed event for the event store
	// (events.go), which Events builds on demand under evMu; curRaw and
	// curJSON are the text and format of the event being mapped.
	raw         rawLog
	curRaw      []byte
	curJSON     bool
	evMu        sync.Mutex
	events      *EventStore
	eventsBuilt int
	// winRoute maps a Windows (source, EventCode) to its dataset; rec
	// and evals compute the search-time fields of such an event.
	winRoute map[routeKey]*datasetPlan
	rec      *record
	evals    evalSet

	st Stats
}

func newStore(cat *Catalog, opt Options) *Store {
	s := &Store{}
	im := &s.impl
	im.mem = memory.NewGoAllocator()
	im.batchSize = opt.BatchSize
	im.maxEvent = maxEventSize
	if im.batchSize <= 0 {
		im.batchSize = defaultBatchSize
	}
	host := opt.Host
	if host == "" {
		host = defaultHost
	}
	im.consts = cimConsts{unknown: []byte("unknown"), sourcetype: []byte(sourcetypeValue), zero: []byte("0")}
	im.route = map[int]*datasetPlan{}
	im.initStats()
	im.winRoute = map[routeKey]*datasetPlan{}
	im.raw.host = []byte(host)
	if cat == nil {
		return s
	}
	ta := sysmonFields()
	for _, d := range cat.Datasets() {
		spec := cat.spec(d)
		if spec == nil {
			continue
		}
		calcs, err := compileCalcs(spec)
		if err != nil {
			// The catalog table is static and tested; this is a bug.
			panic("datamodel: " + err.Error())
		}
		p := &datasetPlan{
			ds: d, name: d.FullName(), schema: d.Schema(),
			derive: map[int][]deriveFunc{}, calcs: calcs,
			vals: make([][]byte, len(spec.fields)),
			host: []byte(host), src: []byte("XmlWinEventLog:" + sysmonChannel), stv: []byte(sourcetypeValue),
		}
		for _, id := range spec.eventIDs {
			fs := make([]deriveFunc, len(spec.fields))
			for i, f := range spec.fields {
				fs[i] = deriveFor(ta, f.name, id)
			}
			p.derive[id] = fs
			if _, dup := im.route[id]; !dup {
				im.route[id] = p
			}
		}
		p.spec = spec
		for _, k := range spec.winCodes {
			if _, dup := im.winRoute[k]; !dup {
				im.winRoute[k] = p
			}
		}
		p.newBuilders(im.mem, len(spec.fields))
		im.plans = append(im.plans, p)
		im.st.Used[p.name] = 0
	}
	return s
}

func (p *datasetPlan) newBuilders(mem memory.Allocator, n int) {
	p.timeB = array.NewTimestampBuilder(mem, timeType())
	p.hostB, p.srcB, p.stB = newDictBuilder(), newDictBuilder(), newDictBuilder()
	p.fieldB = make([]*dictBuilder, n)
	for i := range p.fieldB {
		p.fieldB[i] = newDictBuilder()
	}
}

// appendRow evaluates the dataset's fields for the Sysmon event e and
// appends one row.
func (p *datasetPlan) appendRow(e *event, ms int64, k *cimConsts, batchSize int) {
	fs := p.derive[e.eventID]
	for i, f := range fs {
		if f == nil {
			p.vals[i] = nil
		} else {
			p.vals[i] = f(e)
		}
	}
	p.appendVals(e, ms, p.src, k, batchSize)
}

// appendRecord appends one row whose dataset fields are those of r, the
// search-time fields of a Windows event e of source src.
func (p *datasetPlan) appendRecord(e *event, r *record, ms int64, src []byte, k *cimConsts, batchSize int) {
	for i, f := range p.spec.fields {
		v := r.get(f.name)
		if len(v) == 0 && f.calc == calcOrEventField {
			v = r.get(f.arg)
		}
		p.vals[i] = v
	}
	p.appendVals(e, ms, src, k, batchSize)
}

// appendVals applies the CIM calculations to p.vals and appends the row.
func (p *datasetPlan) appendVals(e *event, ms int64, src []byte, k *cimConsts, batchSize int) {
	applyCalcs(p.calcs, p.vals, e, k)
	p.timeB.Append(arrow.Timestamp(ms))
	p.hostB.append(p.host)
	p.srcB.append(src)
	p.stB.append(p.stv)
	for i, v := range p.vals {
		if v == nil {
			p.fieldB[i].appendNull()
		} else {
			p.fieldB[i].append(v)
		}
	}
	p.rows++
	if p.rows >= batchSize {
		p.flush()
	}
}

// flush turns the pending rows into a record batch with its own
// dictionaries.
func (p *datasetPlan) flush() {
	if p.rows == 0 {
		return
	}
	cols := make([]arrow.Array, 0, 4+len(p.fieldB))
	cols = append(cols, p.timeB.NewArray())
	for _, b := range append([]*dictBuilder{p.hostB, p.srcB, p.stB}, p.fieldB...) {
		cols = append(cols, b.newArray()) // per-batch dictionary
	}
	primeDictionaries(cols)
	rec := array.NewRecordBatch(p.schema, cols, int64(p.rows))
	for _, c := range cols {
		c.Release()
	}
	p.batches = append(p.batches, rec)
	p.rows = 0
}

func (s *storeImpl) batches(d *Dataset) []arrow.RecordBatch {
	if d == nil {
		return nil
	}
	var out []arrow.RecordBatch
	for _, p := range s.plans {
		if p.ds == d || p.name == d.FullName() {
			out = append(out, p.batches...)
			break
		}
	}
	return append(out, s.extra[d.FullName()]...)
}

func (s *storeImpl) stats() Stats {
	st := s.st
	st.Used, st.Skipped = maps.Clone(s.st.Used), maps.Clone(s.st.Skipped)
	st.FileKinds, st.FilesSkipped = maps.Clone(s.st.FileKinds), maps.Clone(s.st.FilesSkipped)
	st.Problems = slices.Clone(s.st.Problems)
	st.SkippedFiles = slices.Clone(s.st.SkippedFiles)
	return st
}

// AddBatch appends a hand-built record batch to dataset d, after any
// ingested batches. It exists for tests of code that reads a Store (the
// engine): b must have the schema d.Schema(), which AddBatch does not
// check. AddBatch retains b; the caller still releases its own reference,
// and Release releases the Store's.
func (s *Store) AddBatch(d *Dataset, b arrow.RecordBatch) {
	if s.impl.extra == nil {
		s.impl.extra = map[string][]arrow.RecordBatch{}
	}
	b.Retain()
	s.impl.extra[d.FullName()] = append(s.impl.extra[d.FullName()], b)
}

// Release releases every record batch the Store holds. Batches returned by
// Batches must not be used afterwards unless the caller retained them.
func (s *Store) Release() {
	for _, p := range s.impl.plans {
		for _, b := range p.batches {
			b.Release()
		}
		p.batches = nil
	}
	for k, bs := range s.impl.extra {
		for _, b := range bs {
			b.Release()
		}
		delete(s.impl.extra, k)
	}
}

// skip counts one event skipped for reason.
func (s *storeImpl) skip(reason string) {
	s.st.Skipped[reason]++
}

// position locates an event for a problem report: name:line, or
// name:unit when unit is set (an EVTX record).
type position struct {
	name string
	line int
	unit string
}

func (p position) String() string {
	if p.unit != "" {
		return p.name + ":" + p.unit
	}
	return p.name + ":" + strconv.Itoa(p.line)
}

// at is the position of line of input name.
func at(name string, line int) position { return position{name: name, line: line} }

// malformed counts one malformed event and records it as a problem.
func (s *storeImpl) malformed(p position, reason, detail string) {
	s.st.Skipped["malformed: "+reason]++
	if s.shard {
		// A part of an input read in parallel: its lines are numbered from
		// the part's start until the parts are merged (parallel.go).
		if len(s.partProblems) < maxProblems {
			s.partProblems = append(s.partProblems, partProblem{p, reason, detail})
		}
		return
	}
	s.problem(p, reason, detail)
}

// problem lists one malformed event in Stats.Problems, unless the list is
// full.
func (s *storeImpl) problem(p position, reason, detail string) {
	if len(s.st.Problems) < maxProblems {
		if detail != "" {
			reason += ": " + detail
		}
		s.st.Problems = append(s.st.Problems, p.String()+": "+reason)
	}
}

// initStats makes the count maps of a zero Store (not from NewStore).
func (s *storeImpl) initStats() {
	if s.st.Used == nil {
		s.st.Used, s.st.Skipped = map[string]int{}, map[string]int{}
	}
	if s.st.FileKinds == nil {
		s.st.FileKinds, s.st.FilesSkipped = map[string]int{}, map[string]int{}
	}
}

// flush cuts the pending rows of every dataset into record batches.
func (s *storeImpl) flush() {
	for _, p := range s.plans {
		p.flush()
	}
}

// ingestXML reads XmlWinEventLog text line by line. An event starts at a
// line beginning with "<Event" and ends at the first "</Event>"; a one-line
// event is parsed in place, a multi-line one is copied into s.pending
// first. A run of non-blank lines outside any event counts as one malformed
// event. Until the first event starts, such runs are held back: input in
// which no event starts is not event data, and found is false (text
// reports whether it had any non-blank line). Evtxexport's banner line is
// not text.
//
// fr says which part of the input lr holds (parallel.go cuts an input at
// lines that start an event): only the first part may begin with a byte
// order mark, and an event still open at the end of a part that is not
// the last ends at the next part's "<Event" line. found and text are
// also left in fr, with the held problems of a part that is not the last
// and found no event.
func (s *storeImpl) ingestXML(lr *lineReader, name string, fr *textFrame) (found, text bool, err error) {
	open := false      // an event started and has not ended
	openLine := 0      // its first line
	inGarbage := false // inside a run of non-event lines
	inClassic := false // that run is a classic WinEventLog text event
	held := &fr.held
	found, text = fr.found, fr.text
	defer func() { fr.found, fr.text = found, text }()
	bad := func(line int, reason, detail string) {
		if found {
			s.st.Events++
			s.malformed(at(name, line), reason, detail)
		} else {
			held.add(line, reason, detail)
		}
	}
	started := func() {
		if !found {
			found = true
			held.release(s, name)
		}
	}
	for {
		raw, ok := lr.next()
		if !ok {
			break
		}
		line := raw
		if lr.cont && !open {
			continue // the rest of a line too long to keep, already counted
		}
		if lr.line == 1 && fr.first && bytes.HasPrefix(line, []byte(bom)) {
			line = line[3:] // UTF-8 byte order mark
		}
		for len(line) > 0 {
			if isEventStart(line) {
				inGarbage, inClassic, text = false, false, true
				started()
				if open {
					bad(openLine, "no </Event> before the next <Event", "")
					open = false
				}
				if end, ok := s.processLine(line, at(name, lr.line)); ok {
					line = line[end:]
					continue
				}
				if end := indexEventEnd(line); end >= 0 {
					s.process(line[:end], at(name, lr.line))
					line = line[end:]
					continue
				}
				open, openLine = true, lr.line
				s.pending, s.pendingTooLong = s.pending[:0], false
				s.appendPending(line)
				line = nil
				continue
			}
			if open {
				if end := indexEventEnd(line); end >= 0 {
					s.appendPending(line[:end])
					if s.pendingTooLong {
						s.st.Events++
						s.malformed(at(name, openLine), "event longer than "+english.Thousands(s.maxEvent)+" bytes", "")
					} else {
						s.process(s.pending, at(name, openLine))
					}
					open = false
					line = line[end:]
					continue
				}
				s.appendPending(line)
				line = nil
				continue
			}
			if isBlank(line) {
				// A classic event's Message holds blank lines: the event
				// goes on to the next header or "<Event" line.
				inGarbage = inGarbage && inClassic
				line = nil
				continue
			}
			if !lr.cont && isEvtxexportBanner(line) {
				inGarbage, inClassic = false, false
				line = nil
				continue
			}
			// Text outside any event, including text after "</Event>" on
			// the same line: skip leading space so that a following
			// "<Event" is recognised.
			if t := trimLeftSpace(line); len(t) < len(line) && isEventStart(t) {
				line = t
				continue
			}
			text = true
			if !lr.cont && isClassicHeader(trimEOL(line)) {
				inGarbage, inClassic = true, true
				bad(lr.line, classicReason, snippet(trimEOL(line)))
			} else if !inGarbage {
				inGarbage, inClassic = true, false
				bad(lr.line, garbageReason, snippet(trimEOL(line)))
			}
			line = nil
		}
	}
	if open {
		if fr.last {
			bad(openLine, "no </Event> before end of input", "")
		} else {
			bad(openLine, "no </Event> before the next <Event", "")
		}
	}
	if !found && fr.last && !s.shard { // a shard leaves them to the merge
		*held = heldProblems{} // not event data: the problems never count
	}
	if lr.err != nil {
		return found, text, fmt.Errorf("ingest %s: %w", name, lr.err)
	}
	return found, text, nil
}

// garbageReason is the malformed reason of a run of text outside events.
const garbageReason = "text outside an <Event> element"

// classicReason is the malformed reason of an event in the classic
// WinEventLog text format, which minispl does not read: a header line
// with the time (isClassicHeader), then LogName=, SourceName=,
// EventCode=, ... lines and a Message= that runs over lines, blank ones
// included, up to the next header or "<Event" line. One such event counts
// once, whatever its blank lines.
const classicReason = "classic WinEventLog text event (key=value lines, not XML; not read)"

// isClassicHeader reports whether line is the first line of a classic
// WinEventLog text event, its time as Windows writes it:
// MM/DD/YYYY hh:mm:ss AM or PM (e.g. "01/14/2021 11:41:39 PM").
func isClassicHeader(line []byte) bool {
	const form = "00/00/0000 00:00:00 AM"
	if len(line) != len(form) {
		return false
	}
	for i := 0; i < len(form); i++ {
		c, f := line[i], form[i]
		switch {
		case f == '0':
			if c < '0' || c > '9' {
				return false
			}
		case f == 'A':
			if c != 'A' && c != 'P' {
				return false
			}
		case c != f:
			return false
		}
	}
	return true
}

// heldProblems are the malformed events of an input before its first
// event: they count only once the input shows that it holds events.
type heldProblems struct {
	first []heldProblem  // the first maxProblems
	rest  map[string]int // the others, by reason
}

type heldProblem struct {
	line           int
	reason, detail string
}

func (h *heldProblems) add(line int, reason, detail string) {
	if len(h.first) < maxProblems {
		h.first = append(h.first, heldProblem{line, reason, detail})
		return
	}
	if h.rest == nil {
		h.rest = map[string]int{}
	}
	h.rest[reason]++
}

// release counts the held events as malformed, in s.
func (h *heldProblems) release(s *storeImpl, name string) {
	for _, p := range h.first {
		s.st.Events++
		s.malformed(at(name, p.line), p.reason, p.detail)
	}
	for r, n := range h.rest {
		s.st.Events += n
		s.st.Skipped["malformed: "+r] += n
	}
	*h = heldProblems{}
}

// isEvtxexportBanner reports whether line is the first line evtxexport
// (libevtx-utils) prints before the events: "evtxexport 20181227".
func isEvtxexportBanner(line []byte) bool {
	rest, ok := bytes.CutPrefix(trimEOL(line), []byte("evtxexport "))
	if !ok || len(rest) == 0 {
		return false
	}
	for _, c := range bytes.TrimRight(rest, " \t") {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// appendPending adds b to the open multi-line event's text, unless that
// would make it longer than s.maxEvent: then the text is dropped and the
// event marked too long.
func (s *storeImpl) appendPending(b []byte) {
	if s.pendingTooLong {
		return
	}
	limit := s.maxEvent
	if limit <= 0 { // a zero Store (not from NewStore)
		limit = maxEventSize
	}
	if len(s.pending)+len(b) > limit {
		s.pending, s.pendingTooLong = s.pending[:0], true
		return
	}
	s.pending = append(s.pending, b...)
}

// indexEventEnd returns the index just after the first "</Event>" in b,
// or -1. It reads b eight bytes at a time and tests only the places where
// a '<' is followed by a '/' (swarEq), since bytes.Index, which stops at
// each '<' of the event (about 80 in a Sysmon event), cost about 0.9 µs
// per event, a fifth of the ingest (TestIndexEventEnd compares it with
// bytes.Index).
func indexEventEnd(b []byte) int {
	const tag = "</Event>"
	i := 0
	for ; i+9 <= len(b); i += 8 {
		m := swarEq(binary.LittleEndian.Uint64(b[i:]), '<') & swarEq(binary.LittleEndian.Uint64(b[i+1:]), '/')
		for m != 0 {
			j := i + bits.TrailingZeros64(m)/8
			if j+len(tag) <= len(b) && string(b[j:j+len(tag)]) == tag {
				return j + len(tag)
			}
			m &= m - 1
		}
	}
	if j := bytes.Index(b[i:], []byte(tag)); j >= 0 {
		return i + j + len(tag)
	}
	return -1
}

// swarEq returns the word whose byte k has its high bit set exactly when
// byte k of w (little-endian) is c, and is zero otherwise.
func swarEq(w uint64, c byte) uint64 {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	x := w ^ (0x0101010101010101 * uint64(c)) // zero bytes where w has c
	// The high bit of ((x & lo7) + lo7) is set when the low seven bits
	// of the byte are not all zero; no carry crosses into the next byte.
	return ^(((x & lo7) + lo7) | x | lo7)
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// snippet shortens text for a problem report.
func snippet(b []byte) string {
	const max = 60
	if len(b) > max {
		return strconv.Quote(string(b[:max]) + "...")
	}
	return strconv.Quote(string(b))
}

// process maps one complete event text.
func (s *storeImpl) process(text []byte, p position) {
	s.st.Events++
	if s.filter != nil && !s.filter.Keep(text) {
		s.skip(SkipFiltered)
		return
	}
	e := &s.ev
	e.reset()
	if reason := parseEvent(text, e); reason != "" {
		s.malformed(p, reason, "")
		return
	}
	s.curRaw, s.curJSON = text, false
	s.mapEvent(e, p)
}

// processLine is process(line[:end]) for end = indexEventEnd(line), the
// event that starts line, framed and parsed in one pass
// (parseEventLine). It returns false, having done nothing, when the
// pre-filter is on (it must see the text before the parse) or when that
// pass cannot frame the event; the caller then frames it.
func (s *storeImpl) processLine(line []byte, p position) (end int, ok bool) {
	if s.filter != nil {
		return 0, false
	}
	e := &s.ev
	e.reset()
	end, reason, ok := parseEventLine(line, e)
	if !ok {
		return 0, false
	}
	s.st.Events++
	if reason != "" {
		s.malformed(p, reason, "")
		return end, true
	}
	s.curRaw, s.curJSON = line[:end], false
	s.mapEvent(e, p)
	return end, true
}

// mapEvent keeps one parsed event (from either format) in the event
// store and routes it to its dataset, if any; the event is already
// counted in Stats.Events. Sysmon events are mapped by the add-on's
// derivations (sysmon.go); other Windows events of a routed source and
// EventCode by their search-time fields (winta.go).
func (s *storeImpl) mapEvent(e *event, pos position) {
	ms, reason, detail := eventTime(e)
	if reason != "" {
		s.malformed(pos, reason, detail)
		return
	}
	if s.noEvents {
		s.raw.left++
	} else {
		s.raw.keep(s.curRaw, s.curJSON, ms)
	}
	s.st.Kept++
	if string(e.channel) != sysmonChannel {
		s.mapWindows(e, ms)
		return
	}
	if p := s.route[e.eventID]; p != nil {
		if !p.skip {
			p.appendRow(e, ms, &s.consts, s.batchSize)
		}
		s.st.Used[p.name]++
	}
}

// mapWindows appends a non-Sysmon event to the dataset its source and
// EventCode route to, unless the dataset's constraint excludes it.
func (s *storeImpl) mapWindows(e *event, ms int64) {
	if len(s.winRoute) == 0 || !e.hasEventID {
		return
	}
	src := bytes.TrimSpace(e.channel)
	var key [64]byte
	k := routeKey{source: string(append(append(key[:0], sourcePrefix...), src...)), code: e.eventID}
	p := s.winRoute[k]
	if p == nil {
		return
	}
	if s.rec == nil {
		s.rec = newRecord()
	}
	r := s.rec
	r.reset()
	searchTimeFields(r, e, s.curRaw, s.curJSON, s.raw.host, nil, &s.evals)
	if p.spec.exclude != nil && p.spec.exclude(r) {
		return
	}
	if !p.skip {
		p.appendRecord(e, r, ms, r.get(FieldSource), &s.consts, s.batchSize)
	}
	s.st.Used[p.name]++
}

// parseUtcTime parses Sysmon's "YYYY-MM-DD HH:MM:SS.mmm" (the add-on's
// TIME_FORMAT %Y-%m-%d %H:%M:%S.%3N, TZ=UTC) into Unix milliseconds.
func parseUtcTime(b []byte) (int64, bool) {
	if len(b) != 23 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' || b[19] != '.' {
		return 0, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	ms, ok7 := num(20, 3)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return 0, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59 {
		return 0, false // e.g. February 30
	}
	secs := ((civilDays(y, mo, d)*24+int64(h))*60+int64(mi))*60 + int64(sec)
	return secs*1000 + int64(ms), true
}

// daysIn returns the number of days of month mo (1-12) of year y in the
// proleptic Gregorian calendar.
func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDays returns the days from 1970-01-01 to the date y-mo-d (y >= 0,
// proleptic Gregorian), as time.Date(...).Unix()/86400 would, without
// time.Date's normalisation (TestCivilDaysMatchesTime): the count of
// 400-year eras, years and days of a calendar whose year starts on 1
// March, so that the leap day is the year's last.
func civilDays(y, mo, d int) int64 {
	if mo <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400                     // [0, 399]
	mp := (mo + 9) % 12                    // March = 0
	doy := (153*mp+2)/5 + d - 1            // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return int64(era)*146097 + int64(doe) - 719468
}

// primeDictionaries builds, once and now, the dictionary array that
// arrow's Dictionary() otherwise creates lazily on its first call (a
// write): a stored batch is read by many searches at once (hunt runs
// detections in parallel over one store), and the lazy write would be a
// data race between them.
func primeDictionaries(cols []arrow.Array) {
	for _, c := range cols {
		switch a := c.(type) {
		case *array.Dictionary:
			a.Dictionary()
		case *array.List:
			primeDictionaries([]arrow.Array{a.ListValues()})
		}
	}
}
