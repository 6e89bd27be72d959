package datamodel

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file is the event store: every well-formed event read, of any
// channel, kept with its search-time fields for raw searches. See the
// package doc, "Event store", for the layout and why.

// Event store column names beyond the dataset's inherited fields.
const (
	// FieldRaw is the event text.
	FieldRaw = "_raw"
	// FieldIndex is the index, "main" for every event.
	FieldIndex = "index"
	// FieldEventtype and FieldTag are the multivalue eventtype and tag
	// fields.
	FieldEventtype = "eventtype"
	FieldTag       = "tag"
)

// rawChunkSize is the size of the blocks kept event texts are copied into.
const rawChunkSize = 4 << 20

// keptEvent locates one kept event's text in rawLog.
type keptEvent struct {
	chunk, off, n int32
	json          bool
	ms            int64
}

// rawLog holds the text of every kept event, in input order, in large
// blocks (no allocation per event).
type rawLog struct {
	chunks [][]byte
	evs    []keptEvent
	host   []byte
}

// keep copies text into the log.
func (l *rawLog) keep(text []byte, json bool, ms int64) {
	n := len(l.chunks)
	if n == 0 || len(l.chunks[n-1])+len(text) > cap(l.chunks[n-1]) {
		size := max(rawChunkSize, len(text))
		l.chunks = append(l.chunks, make([]byte, 0, size))
		n++
	}
	c := l.chunks[n-1]
	off := len(c)
	l.chunks[n-1] = append(c, text...)
	l.evs = append(l.evs, keptEvent{chunk: int32(n - 1), off: int32(off), n: int32(len(text)), json: json, ms: ms})
}

// merge appends the events of o (a later part of the same input) to l.
func (l *rawLog) merge(o *rawLog) {
	base := int32(len(l.chunks))
	l.chunks = append(l.chunks, o.chunks...)
	for _, k := range o.evs {
		k.chunk += base
		l.evs = append(l.evs, k)
	}
}

func (l *rawLog) text(k keptEvent) []byte {
	return l.chunks[k.chunk][k.off : k.off+k.n : k.off+k.n]
}

// EventStore is the columnar store of every kept event, built from the
// kept texts the first time a search asks for it (Store.Events). Events
// are grouped by source and EventCode, the unit within which Windows
// events share their field names; each group has its own schema, so that
// thousands of distinct field names across channels cost nothing in the
// groups that lack them.
type EventStore struct {
	chunks []EventChunk
	n      int
	mem    memory.Allocator
}

// EventChunk is one record batch of one group (one source and EventCode)
// of the event store. Its columns are _time (timestamp[ms, UTC]), _raw
// (utf8), then the group's fields in the order they first appeared, each a
// dictionary<int32, utf8> column, or list<utf8> when a row of the batch
// has several values (a repeated <Data> name, eventtype, tag). A field
// absent from an event is null in its row. Pos gives each row's position
// in the store's order: descending _time, then input order, as a Splunk
// search returns events (newest first).
type EventChunk struct {
	Source, EventCode string
	Batch             arrow.RecordBatch
	Pos               []int32
}

// Chunks returns the store's batches; they stay owned by the store.
func (s *EventStore) Chunks() []EventChunk { return s.chunks }

// Len returns the number of events.
func (s *EventStore) Len() int { return s.n }

// Events returns the event store, building it on the first call from the
// kept event texts (every event read that was not malformed). It is safe
// to call concurrently once ingestion is over; a later Ingest makes the
// next call rebuild it.
func (s *Store) Events() *EventStore {
	im := &s.impl
	im.evMu.Lock()
	defer im.evMu.Unlock()
	if im.events == nil || im.eventsBuilt != len(im.raw.evs) {
		if im.events != nil {
			im.events.release()
		}
		im.events = buildEventStore(&im.raw, im.batchSizeOr(), im.host())
		im.eventsBuilt = len(im.raw.evs)
	}
	return im.events
}

func (s *storeImpl) batchSizeOr() int {
	if s.batchSize <= 0 {
		return defaultBatchSize
	}
	return s.batchSize
}

func (s *storeImpl) host() []byte {
	if len(s.raw.host) == 0 {
		return []byte(defaultHost)
	}
	return s.raw.host
}

func (s *EventStore) release() {
	for _, c := range s.chunks {
		c.Batch.Release()
	}
	s.chunks = nil
}

// eventGroup accumulates the rows of one source and EventCode.
type eventGroup struct {
	source, code string
	names        []string
	idx          map[string]int
	cols         []*colAcc
	times        []int64
	raw          *array.StringBuilder
	pos          []int32
	rows         int
	buf          []byte
	out          []EventChunk
}

// colAcc is one column of a group's pending batch: per row, how many
// values; the values as end offsets into the group's buf.
type colAcc struct {
	counts       []int32
	starts, ends []int32
	multi        bool
}

// eventBuilder turns kept events into the event store.
type eventBuilder struct {
	mem       memory.Allocator
	batchSize int
	host      []byte
	groups    map[string]*eventGroup
	order     []*eventGroup
	rec       *record
	ev        event
	evals     evalSet
	sysmon    []taField
	types     []eventtypeSpec
}

func buildEventStore(l *rawLog, batchSize int, host []byte) *EventStore {
	b := &eventBuilder{
		mem: memory.NewGoAllocator(), batchSize: batchSize, host: host,
		groups: map[string]*eventGroup{}, rec: newRecord(),
		sysmon: sysmonFields(), types: eventtypeTable(),
	}
	order := make([]int32, len(l.evs))
	for i := range order {
		order[i] = int32(i)
	}
	// Newest first; equal times keep input order.
	slices.SortStableFunc(order, func(a, c int32) int { return cmp.Compare(l.evs[c].ms, l.evs[a].ms) })
	for pos, i := range order {
		k := l.evs[i]
		b.add(l.text(k), k.json, k.ms, int32(pos))
	}
	st := &EventStore{n: len(order), mem: b.mem}
	for _, g := range b.order {
		b.flush(g)
		st.chunks = append(st.chunks, g.out...)
	}
	return st
}

// add computes one event's fields and appends it to its group.
func (b *eventBuilder) add(text []byte, json bool, ms int64, pos int32) {
	e := &b.ev
	e.reset()
	if json {
		if reason, _ := parseJSONEvent(text, e); reason != "" {
			return // not reached: the event parsed when it was kept
		}
	} else if reason := parseEvent(text, e); reason != "" {
		return
	}
	r := b.rec
	r.reset()
	searchTimeFields(r, e, text, json, b.host, b.sysmon, &b.evals)
	source := string(r.get(FieldSource))
	code := eventCode(r)
	names, tags := eventtypesOf(b.types, source, code)
	for _, n := range names {
		r.add(FieldEventtype, r.lit(n))
	}
	for _, t := range tags {
		r.add(FieldTag, r.lit(t))
	}
	var more []string
	for _, ft := range fieldTags {
		for _, v := range r.all(ft.field) {
			if string(v) == ft.value {
				more = append(more, ft.tag)
			}
		}
	}
	if len(more) > 0 {
		all := append(append([]string(nil), tags...), more...)
		slices.Sort(all)
		r.set(FieldTag, nil)
		for _, t := range slices.Compact(all) {
			r.add(FieldTag, r.lit(t))
		}
	}
	key := source + "\x00" + string(r.get("EventCode"))
	g := b.groups[key]
	if g == nil {
		g = &eventGroup{source: source, code: string(r.get("EventCode")), idx: map[string]int{}, raw: array.NewStringBuilder(b.mem)}
		b.groups[key] = g
		b.order = append(b.order, g)
	}
	g.append(r, text, ms, pos)
	if g.rows >= b.batchSize {
		b.flush(g)
	}
}

// searchTimeFields computes every search-time field of one event into r,
// in Splunk's order (raw-events.md §1.2, §8 item 1): the default fields;
// EXTRACT and REPORT (the sourcetype stanza's generic XML extraction, then
// the source stanza's); FIELDALIAS (the sourcetype's, then the source's);
// EVAL (the sourcetype's and the source's read one snapshot, and the
// source stanza's wins a name both set: vendor_product, process_name);
// LOOKUP. Eventtypes and tags follow (eventBuilder.add).
func searchTimeFields(r *record, e *event, text []byte, json bool, host []byte, sysmon []taField, ev *evalSet) {
	r.add(FieldHost, host)
	channel := bytes.TrimSpace(e.channel)
	r.add(FieldSource, r.build([]byte(sourcePrefix), channel))
	r.add(FieldSourcetype, r.lit(sourcetypeValue))
	r.add(FieldIndex, r.lit(indexValue))
	if json {
		jsonFields(r, e)
	} else {
		genericXMLFields(r, e, text)
	}
	code := eventCode(r)
	ch := string(channel)
	switch ch {
	case securityChannel:
		securityReports(r, e)
	case systemChannel:
		systemFields(r)
	}
	sourcetypeAliases(r)
	if ch == securityChannel {
		fieldAlias(r, "Source_Port", "src_port")
	}
	sourcetypeEvals(r, ev)
	switch ch {
	case securityChannel:
		securityEvals(r, code, ev)
	case sysmonChannel:
		sysmonEvals(e, sysmon, ev)
	}
	ev.apply(r)
	if ch == securityChannel {
		securityLookups(r, code)
	}
}

// append adds r as the group's next row.
func (g *eventGroup) append(r *record, text []byte, ms int64, pos int32) {
	row := g.rows
	for i, name := range r.names {
		vals := r.vals[i]
		if len(vals) == 0 {
			continue
		}
		switch name {
		case FieldRaw:
			continue
		}
		j, ok := g.idx[name]
		if !ok {
			j = len(g.names)
			g.idx[name] = j
			g.names = append(g.names, name)
			g.cols = append(g.cols, &colAcc{})
		}
		c := g.cols[j]
		for len(c.counts) < row {
			c.counts = append(c.counts, 0)
		}
		if len(c.counts) > row {
			continue // a name twice in r cannot happen; be safe
		}
		c.counts = append(c.counts, int32(len(vals)))
		if len(vals) > 1 {
			c.multi = true
		}
		for _, v := range vals {
			c.starts = append(c.starts, int32(len(g.buf)))
			g.buf = append(g.buf, v...)
			c.ends = append(c.ends, int32(len(g.buf)))
		}
	}
	g.times = append(g.times, ms)
	g.raw.BinaryBuilder.Append(text)
	g.pos = append(g.pos, pos)
	g.rows++
}

// flush turns a group's pending rows into one record batch.
func (b *eventBuilder) flush(g *eventGroup) {
	if g.rows == 0 {
		return
	}
	fields := make([]arrow.Field, 0, 2+len(g.names))
	cols := make([]arrow.Array, 0, 2+len(g.names))
	tb := array.NewTimestampBuilder(b.mem, timeType())
	for _, t := range g.times {
		tb.Append(arrow.Timestamp(t))
	}
	fields = append(fields, arrow.Field{Name: FieldTime, Type: timeType()}, arrow.Field{Name: FieldRaw, Type: arrow.BinaryTypes.String})
	cols = append(cols, tb.NewArray(), g.raw.NewArray())
	tb.Release()
	for i, name := range g.names {
		c := g.cols[i]
		for len(c.counts) < g.rows {
			c.counts = append(c.counts, 0)
		}
		var arr arrow.Array
		if c.multi {
			lb := array.NewListBuilder(b.mem, arrow.BinaryTypes.String)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			k := 0
			for _, n := range c.counts {
				if n == 0 {
					lb.AppendNull()
					continue
				}
				lb.Append(true)
				for range n {
					vb.BinaryBuilder.Append(g.buf[c.starts[k]:c.ends[k]])
					k++
				}
			}
			arr = lb.NewArray()
			lb.Release()
			fields = append(fields, arrow.Field{Name: name, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true})
		} else {
			db := array.NewDictionaryBuilder(b.mem, dictType()).(*array.BinaryDictionaryBuilder)
			k := 0
			for _, n := range c.counts {
				if n == 0 {
					db.AppendNull()
					continue
				}
				_ = db.Append(g.buf[c.starts[k]:c.ends[k]])
				k++
			}
			arr = db.NewArray()
			db.Release()
			fields = append(fields, arrow.Field{Name: name, Type: dictType(), Nullable: true})
		}
		cols = append(cols, arr)
		c.counts, c.starts, c.ends, c.multi = c.counts[:0], c.starts[:0], c.ends[:0], false
	}
	primeDictionaries(cols)
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(g.rows))
	for _, c := range cols {
		c.Release()
	}
	g.out = append(g.out, EventChunk{Source: g.source, EventCode: g.code, Batch: rec, Pos: g.pos})
	g.pos = nil
	g.times = g.times[:0]
	g.buf = g.buf[:0]
	g.rows = 0
}

// eventTime returns the _time of a parsed event in Unix milliseconds: the
// Sysmon add-on's UtcTime for Sysmon events (sysmon-to-cim §1), else
// <TimeCreated SystemTime> (raw-events.md §1.6), or a malformed reason.
func eventTime(e *event) (int64, string, string) {
	if string(e.channel) == sysmonChannel {
		ut := e.data("UtcTime")
		if ut == nil {
			return 0, "no UtcTime", ""
		}
		ms, ok := parseUtcTime(ut)
		if !ok {
			return 0, "bad UtcTime", strconv.Quote(string(ut))
		}
		return ms, "", ""
	}
	if e.timeCreated == nil {
		return 0, "no TimeCreated SystemTime", ""
	}
	ms, ok := parseSystemTime(e.timeCreated)
	if !ok {
		return 0, "bad TimeCreated SystemTime", strconv.Quote(string(e.timeCreated))
	}
	return ms, "", ""
}
