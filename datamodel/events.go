package datamodel

import (
	"bytes"
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

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

// keptEvent locates one kept event's text: bytes off to off+n of the
// rawLog's block, or, once stored, row off of the event store's chunk
// (its _raw column).
type keptEvent struct {
	chunk, off, n int32
	json, stored  bool
	ms            int64
}

// rawLog holds the text of every kept event, in input order, in
// compressed blocks (eventsraw.go; no allocation per event). Once the
// event store is built, the texts are read from its _raw columns (store)
// and the blocks are let go, each as soon as the build has read its
// events, so that each text is held once.
type rawLog struct {
	w     blockWriter
	evs   []keptEvent
	host  []byte
	store *EventStore
	// left counts the events read with IngestOptions.NoEventStore.
	left int
	// want is the Store's SetEventFields (nil: every field).
	want *fieldSet
}

// keep copies text into the log.
func (l *rawLog) keep(text []byte, json bool, ms int64) {
	if l.w.size == 0 {
		l.w.size = logBlockSize
	}
	b, off := l.w.add(text)
	l.evs = append(l.evs, keptEvent{chunk: b, off: off, n: int32(len(text)), json: json, ms: ms})
}

// merge appends the events of o (a later part of the same input, whose
// event store was never built) to l.
func (l *rawLog) merge(o *rawLog) {
	l.left += o.left
	if len(o.evs) == 0 {
		return
	}
	l.w.seal()
	o.w.seal()
	base := int32(len(l.w.blocks))
	l.w.blocks = append(l.w.blocks, o.w.blocks...)
	for _, k := range o.evs {
		if !k.stored {
			k.chunk += base
		}
		l.evs = append(l.evs, k)
	}
	o.w.blocks, o.evs = nil, nil
}

// text returns the text of k, through cache (valid as blockCache.block
// says).
func (l *rawLog) text(k keptEvent, cache *blockCache) ([]byte, error) {
	if k.stored {
		return l.store.chunks[k.chunk].raw.text(int(k.off), cache)
	}
	data, err := cache.block(&l.w.blocks[k.chunk])
	if err != nil {
		return nil, err
	}
	return data[k.off : k.off+k.n : k.off+k.n], nil
}

// pending returns, per block of l, how many of its events are not stored.
func (l *rawLog) pending() []int32 {
	p := make([]int32, len(l.w.blocks))
	for _, k := range l.evs {
		if !k.stored {
			p[k.chunk]++
		}
	}
	return p
}

// stored points every event of l at its row of st, just built from l,
// and lets the text blocks go. order maps a position in the store's order
// to the event's index in l.
func (l *rawLog) stored(st *EventStore, order []int32) {
	for ci, ch := range st.chunks {
		for r, pos := range ch.Pos {
			k := &l.evs[order[pos]]
			k.chunk, k.off, k.stored = int32(ci), int32(r), true
		}
	}
	l.w.blocks, l.store = nil, st
}

// fieldSet is the set of fields an event store keeps (SetEventFields).
type fieldSet struct {
	names []string
	has   map[string]bool
}

// newFieldSet returns the set of names, nil for every field.
func newFieldSet(names []string) *fieldSet {
	if names == nil {
		return nil
	}
	f := &fieldSet{has: map[string]bool{}}
	for _, n := range names {
		if !f.has[n] {
			f.has[n] = true
			f.names = append(f.names, n)
		}
	}
	slices.Sort(f.names)
	return f
}

// keeps reports whether the set keeps field name (a nil set keeps all).
func (f *fieldSet) keeps(name string) bool { return f == nil || f.has[name] }

// covers reports whether a store built with f has every field of want.
func (f *fieldSet) covers(want *fieldSet) bool {
	if f == nil {
		return true
	}
	if want == nil {
		return false
	}
	for _, n := range want.names {
		if !f.has[n] {
			return false
		}
	}
	return true
}

// SetEventFields limits the event store built from now on (Store.Events)
// to the fields named, besides _time and _raw: the search-time fields of
// every event are computed as always, and only those are kept as columns.
// nil (the default) keeps every field. Set it when every search that
// will read the event store is known and names the fields it reads (a
// search whose results are events with every field needs them all); a
// search that reads a field the store did not keep must fail, not see it
// null (EventStore.Keeps says which it kept). An event store already
// built with fewer fields than asked is built again.
func (s *Store) SetEventFields(names []string) {
	im := &s.impl
	im.evMu.Lock()
	defer im.evMu.Unlock()
	im.raw.want = newFieldSet(names)
}

// Keeps reports whether the event store kept the field name as a column
// (every field, unless Store.SetEventFields limited it): a field it did
// not keep is not null in the events, it is unknown. _time and _raw are
// always kept.
func (s *EventStore) Keeps(name string) bool {
	return name == FieldTime || name == FieldRaw || s.fields.keeps(name)
}

// FieldNames returns the name of every field of any event in the store,
// in byte order: _time, _raw, the chunks' columns and the fields the
// store did not keep (Keeps).
func (s *EventStore) FieldNames() []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if s.n > 0 {
		add(FieldTime)
		add(FieldRaw)
	}
	for _, ch := range s.chunks {
		for _, f := range ch.Batch.Schema().Fields() {
			add(f.Name)
		}
	}
	for _, name := range s.dropped {
		add(name)
	}
	slices.Sort(out)
	return out
}

// KeepsAll reports whether the event store kept every field.
func (s *EventStore) KeepsAll() bool { return s.fields == nil }

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
	fields *fieldSet
	// dropped are the fields of some event that the store does not keep
	// (fields).
	dropped []string
}

// EventChunk is one record batch of one group (one source and EventCode)
// of the event store. Its columns are _time (timestamp[ms, UTC]), then
// the group's fields in the order they first appeared, each a
// dictionary<int32, utf8> column, or list<utf8> when a row of the batch
// has several values (a repeated <Data> name, eventtype, tag). A field
// absent from an event is null in its row. Pos gives each row's position
// in the store's order: descending _time, then input order, as a Splunk
// search returns events (newest first). The rows' _raw is not a column
// of Batch: it is kept compressed (Raw and RawColumn read it).
type EventChunk struct {
	Source, EventCode string
	Batch             arrow.RecordBatch
	Pos               []int32
	raw               rawColumn
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
	if im.events == nil || im.eventsBuilt != len(im.raw.evs) || !im.events.fields.covers(im.raw.want) {
		// The old store holds the texts of the events it has: it is let
		// go once the new one has copied them.
		old := im.events
		var order []int32
		im.raw.w.seal()
		im.events, order = buildEventStore(&im.raw, im.batchSizeOr(), im.host())
		im.raw.stored(im.events, order)
		if old != nil {
			old.release()
		}
		im.eventsBuilt = len(im.raw.evs)
	}
	return im.events
}

// EventsLeftOut returns the number of events read with
// IngestOptions.NoEventStore: Store.Events lacks them.
func (s *Store) EventsLeftOut() int { return s.impl.raw.left }

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
	// colOf gives, per id of a field name in rec (record.ids), one more
	// than the index of its column (0: the group has none yet), so that
	// a field's column is found without hashing its name. Every record
	// appended is rec, whose ids number names for as long as it lives.
	colOf []int32
	rec   *record
	cols  []*colAcc
	times []int64
	raw   rawColumnWriter
	pos   []int32
	rows  int
	arena valueArena
	out   []EventChunk
}

// colAcc is one column of a group's pending batch, dictionary-encoded as
// it is filled: per row, how many values (0 is null; rows past the end
// are null); per value, its index in the column's dictionary. Each
// distinct value is copied once, into the group's arena. A column whose
// values are mostly distinct (UtcTime, EventRecordID, ProcessGuid) is
// not worth hashing: once plainProbe values of a batch hold more than
// half distinct ones, the column turns plain for the rest of the batch,
// its values copied into data (ends[i] ends value i) and stored as utf8.
type colAcc struct {
	counts []int32
	ids    []int32
	dict   map[string]int32
	vals   []string
	multi  bool
	plain  bool
	data   []byte
	ends   []int32
	// last is the index of the value added last (while it is below
	// len(vals)): a value equal to it, as in a column whose value repeats
	// from row to row, takes it without a dictionary lookup.
	last int32
}

// plainProbe is the number of values of a batch after which a column
// with more than half of them distinct turns plain.
const plainProbe = 1024

// value adds v as the column's next value.
func (c *colAcc) value(v []byte, a *valueArena) {
	if c.plain {
		c.data = append(c.data, v...)
		c.ends = append(c.ends, int32(len(c.data)))
		return
	}
	c.ids = append(c.ids, c.id(v, a))
	if len(c.ids) == plainProbe && len(c.vals) > plainProbe/2 {
		c.plain = true
		for _, id := range c.ids {
			c.data = append(c.data, c.vals[id]...)
			c.ends = append(c.ends, int32(len(c.data)))
		}
	}
}

// smallDict is the number of values up to which colAcc.id scans a
// dictionary's values instead of hashing v (a third of the lookups in
// the generated events are into dictionaries of at most 16 values).
const smallDict = 8

// id returns the dictionary index of v, adding it when new.
func (c *colAcc) id(v []byte, a *valueArena) int32 {
	if int(c.last) < len(c.vals) && c.vals[c.last] == string(v) {
		return c.last
	}
	if len(c.vals) <= smallDict {
		// vals holds every value: a scan finds v or shows it new.
		for i, have := range c.vals {
			if have == string(v) {
				c.last = int32(i)
				return c.last
			}
		}
	} else if i, ok := c.dict[string(v)]; ok {
		c.last = i
		return i
	}
	s := a.keep(v)
	i := int32(len(c.vals))
	c.dict[s] = i
	c.vals = append(c.vals, s)
	c.last = i
	return i
}

// at returns value k of the pending batch.
func (c *colAcc) at(k int) string {
	if c.plain {
		start := int32(0)
		if k > 0 {
			start = c.ends[k-1]
		}
		return unsafe.String(unsafe.SliceData(c.data[start:]), int(c.ends[k]-start))
	}
	return c.vals[c.ids[k]]
}

// valueArena holds the distinct values of a group's pending batch in
// blocks that are never written twice, so that a string viewing a block
// (a dictionary key) stays valid; a batch's flush drops the blocks.
type valueArena struct {
	block []byte
}

// arenaBlock is the size of a valueArena block.
const arenaBlock = 256 << 10

// keep copies v into the arena and returns it as a string.
func (a *valueArena) keep(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	if len(a.block)+len(v) > cap(a.block) {
		a.block = make([]byte, 0, max(arenaBlock, len(v)))
	}
	off := len(a.block)
	a.block = append(a.block, v...)
	return unsafe.String(&a.block[off], len(v))
}

// eventSegment is the number of events (in store order) one goroutine of
// buildEventStore turns into batches at a time. A fixed size keeps the
// batches the same whatever the number of cores.
const eventSegment = 1 << 13

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
	sysmon    *sysmonDerivs
	types     []eventtypeSpec
	// etypes memoizes eventtypesOf per source and EventCode (read only).
	etypes map[routeKey]eventtypeSet
	key    []byte
	fields *fieldSet
	// cache decompresses the kept texts; free holds the block buffers of
	// the groups of finished segments, for the next segment's groups.
	cache blockCache
	free  []blockWriter
	// freeCols holds the emptied columns of the groups of finished
	// segments (their dictionaries and buffers keep their capacity), for
	// the next segment's groups.
	freeCols []*colAcc
	// dropped are the names of the fields seen that the store does not
	// keep.
	dropped map[string]bool
}

func newEventBuilder(mem memory.Allocator, batchSize int, host []byte) *eventBuilder {
	return &eventBuilder{
		mem: mem, batchSize: batchSize, host: host,
		groups: map[string]*eventGroup{}, rec: newRecord(), dropped: map[string]bool{},
		sysmon: newSysmonDerivs(), types: eventtypeTable(), etypes: map[routeKey]eventtypeSet{},
	}
}

// eventtypeSet is what eventtypesOf returns.
type eventtypeSet struct{ names, tags []string }

// buildEventStore computes the fields of every kept event of l and lays
// them out in batches, newest first; it also returns the store's order
// (the index in l of the event at each position). The store order is cut into segments
// of eventSegment events, built on GOMAXPROCS goroutines, each segment's
// groups in the order they first appear in it; the chunks are the
// segments' in order, so they do not depend on the number of cores.
//
// Each block of l's texts is let go as soon as the build has read every
// event in it, so that the texts are not held twice, in l and in the
// store, for longer than a segment takes.
func buildEventStore(l *rawLog, batchSize int, host []byte) (*EventStore, []int32) {
	mem := memory.NewGoAllocator()
	pending := l.pending()
	order := make([]int32, len(l.evs))
	for i := range order {
		order[i] = int32(i)
	}
	// Newest first; equal times keep input order.
	slices.SortStableFunc(order, func(a, c int32) int { return cmp.Compare(l.evs[c].ms, l.evs[a].ms) })
	nseg := (len(order) + eventSegment - 1) / eventSegment
	segs := make([][]EventChunk, nseg)
	var next atomic.Int64
	var wg sync.WaitGroup
	builders := make([]*eventBuilder, min(runtime.GOMAXPROCS(0), nseg))
	for w := range builders {
		b := newEventBuilder(mem, batchSize, host)
		b.fields = l.want
		builders[w] = b
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= nseg {
					return
				}
				lo := i * eventSegment
				hi := min(lo+eventSegment, len(order))
				segs[i] = b.segment(l, order[lo:hi], lo, pending)
			}
		}()
	}
	wg.Wait()
	st := &EventStore{n: len(order), mem: mem, fields: l.want}
	for _, b := range builders {
		for name := range b.dropped {
			if !slices.Contains(st.dropped, name) {
				st.dropped = append(st.dropped, name)
			}
		}
	}
	for _, c := range segs {
		st.chunks = append(st.chunks, c...)
	}
	return st, order
}

// segment builds the batches of the events order lists, the first at
// position base in the store's order. pending counts, per block of l,
// the events not yet read (shared by the goroutines of the build): the
// one that reads a block's last event lets the block go.
func (b *eventBuilder) segment(l *rawLog, order []int32, base int, pending []int32) []EventChunk {
	clear(b.groups)
	b.order = b.order[:0]
	for j, i := range order {
		k := l.evs[i]
		text, err := l.text(k, &b.cache)
		if err != nil {
			// The blocks are written and read by this package only.
			panic(fmt.Sprintf("event store: event %d: %v", i, err))
		}
		b.add(text, k.json, k.ms, int32(base+j))
		if !k.stored && atomic.AddInt32(&pending[k.chunk], -1) == 0 {
			l.w.blocks[k.chunk].data = nil
		}
	}
	var out []EventChunk
	for _, g := range b.order {
		b.flush(g)
		out = append(out, g.out...)
		b.free = append(b.free, g.raw.w)
		for _, c := range g.cols {
			if c != nil {
				b.freeCols = append(b.freeCols, c) // emptied by flush
			}
		}
	}
	return out
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
	source := r.name(r.get(FieldSource))
	code := eventCode(r)
	et, ok := b.etypes[routeKey{source, code}]
	if !ok {
		et.names, et.tags = eventtypesOf(b.types, source, code)
		b.etypes[routeKey{source, code}] = et
	}
	names, tags := et.names, et.tags
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
	b.key = append(append(append(b.key[:0], source...), 0), r.get("EventCode")...)
	g := b.groups[string(b.key)]
	if g == nil {
		g = &eventGroup{source: source, code: string(r.get("EventCode"))}
		if n := len(b.free); n > 0 {
			g.raw.w, b.free = b.free[n-1], b.free[:n-1]
		}
		b.groups[string(b.key)] = g
		b.order = append(b.order, g)
	}
	g.append(r, text, ms, pos, b.fields, &b.freeCols)
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
func searchTimeFields(r *record, e *event, text []byte, json bool, host []byte, sysmon *sysmonDerivs, ev *evalSet) {
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
func (g *eventGroup) append(r *record, text []byte, ms int64, pos int32, fields *fieldSet, free *[]*colAcc) {
	row := g.rows
	if g.rec == nil {
		g.rec = r
	} else if g.rec != r {
		panic("event store: a group's rows come from one record") // colOf holds its ids
	}
	for i, name := range r.names {
		vals := r.vals[i]
		if len(vals) == 0 || name == FieldRaw {
			continue
		}
		id := int(r.nameIDs[i])
		if id >= len(g.colOf) {
			g.colOf = append(g.colOf, make([]int32, id+1-len(g.colOf))...)
		}
		j := int(g.colOf[id]) - 1
		if j < 0 {
			j = g.column(name, fields, free)
			g.colOf[id] = int32(j + 1)
		}
		c := g.cols[j]
		if c == nil {
			continue
		}
		if len(c.counts) > row {
			continue // a name twice in r cannot happen; be safe
		}
		for len(c.counts) < row {
			c.counts = append(c.counts, 0)
		}
		c.counts = append(c.counts, int32(len(vals)))
		if len(vals) > 1 {
			c.multi = true
		}
		for _, v := range vals {
			c.value(v, &g.arena)
		}
	}
	g.times = append(g.times, ms)
	g.raw.add(text)
	g.pos = append(g.pos, pos)
	g.rows++
}

// column adds a column for field name, which the group has none of (an
// emptied one of free, when there is one), and returns its index.
func (g *eventGroup) column(name string, fields *fieldSet, free *[]*colAcc) int {
	j := len(g.names)
	g.names = append(g.names, name)
	var c *colAcc
	if fields.keeps(name) {
		if n := len(*free); n > 0 {
			c, *free = (*free)[n-1], (*free)[:n-1]
		} else {
			c = &colAcc{dict: map[string]int32{}}
		}
	}
	g.cols = append(g.cols, c) // nil: a field the store does not keep
	return j
}

// flush turns a group's pending rows into one record batch.
func (b *eventBuilder) flush(g *eventGroup) {
	if g.rows == 0 {
		return
	}
	fields := make([]arrow.Field, 0, 2+len(g.names))
	cols := make([]arrow.Array, 0, 2+len(g.names))
	tb := array.NewTimestampBuilder(b.mem, timeType())
	tb.Reserve(len(g.times))
	for _, t := range g.times {
		tb.UnsafeAppend(arrow.Timestamp(t))
	}
	fields = append(fields, arrow.Field{Name: FieldTime, Type: timeType()})
	cols = append(cols, tb.NewArray())
	tb.Release()
	raw := g.raw.column()
	var valid []bool
	var idx []int32
	for i, name := range g.names {
		c := g.cols[i]
		if c == nil {
			b.dropped[name] = true
			continue
		}
		var arr arrow.Array
		if c.multi {
			lb := array.NewListBuilder(b.mem, arrow.BinaryTypes.String)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			k := 0
			for r := range g.rows {
				n := int32(0)
				if r < len(c.counts) {
					n = c.counts[r]
				}
				if n == 0 {
					lb.AppendNull()
					continue
				}
				lb.Append(true)
				for range n {
					vb.Append(c.at(k))
					k++
				}
			}
			arr = lb.NewArray()
			lb.Release()
			fields = append(fields, arrow.Field{Name: name, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true})
		} else if c.plain {
			sb := array.NewStringBuilder(b.mem)
			sb.Reserve(g.rows)
			sb.ReserveData(len(c.data))
			k := 0
			for r := range g.rows {
				if r < len(c.counts) && c.counts[r] > 0 {
					sb.Append(c.at(k))
					k++
				} else {
					sb.AppendNull()
				}
			}
			arr = sb.NewArray()
			sb.Release()
			fields = append(fields, arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true})
		} else {
			valid = slices.Grow(valid[:0], g.rows)[:g.rows]
			idx = slices.Grow(idx[:0], g.rows)[:g.rows]
			k := 0
			for r := range g.rows {
				if r < len(c.counts) && c.counts[r] > 0 {
					valid[r], idx[r] = true, c.ids[k]
					k++
				} else {
					valid[r], idx[r] = false, 0
				}
			}
			ib := array.NewInt32Builder(b.mem)
			ib.Reserve(g.rows)
			ib.AppendValues(idx, valid)
			ind := ib.NewArray()
			ib.Release()
			db := array.NewStringBuilder(b.mem)
			size := 0
			for _, v := range c.vals {
				size += len(v)
			}
			db.Reserve(len(c.vals))
			db.ReserveData(size)
			db.AppendValues(c.vals, nil)
			dict := db.NewArray()
			db.Release()
			arr = array.NewDictionaryArray(dictType(), ind, dict)
			ind.Release()
			dict.Release()
			fields = append(fields, arrow.Field{Name: name, Type: dictType(), Nullable: true})
		}
		cols = append(cols, arr)
		c.counts, c.ids, c.vals, c.multi = c.counts[:0], c.ids[:0], nil, false
		c.plain, c.data, c.ends = false, c.data[:0], c.ends[:0]
		clear(c.dict)
	}
	primeDictionaries(cols)
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(g.rows))
	for _, c := range cols {
		c.Release()
	}
	g.out = append(g.out, EventChunk{Source: g.source, EventCode: g.code, Batch: rec, Pos: g.pos, raw: raw})
	g.pos = nil
	g.times = g.times[:0]
	g.arena = valueArena{}
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
