package datamodel

// record is the search-time fields of one event while they are computed:
// an ordered set of names, each with one or more values (a multivalue
// field). Values alias the event text or the record's arena and are only
// valid until the next event; the event store copies them.
type record struct {
	names []string
	vals  [][][]byte
	// nameIDs holds the id (ids) of each of names.
	nameIDs []int32
	// ids numbers every name the record has held, across events, so that
	// an event's fields are found without a map of their own: slots[id]
	// is the name's index in names when gens[id] is gen, the current
	// event's generation (reset moves it on instead of clearing a map).
	ids     map[string]int32
	idNames []string
	slots   []int32
	gens    []uint32
	gen     uint32
	arena   []byte
	// intern maps a field name read from the event to one string, so that
	// names are not allocated per event.
	intern map[string]string
}

func newRecord() *record {
	return &record{ids: map[string]int32{}, gen: 1, intern: map[string]string{}}
}

// reset clears r for the next event, keeping its capacity.
func (r *record) reset() {
	r.names = r.names[:0]
	r.nameIDs = r.nameIDs[:0]
	for i := range r.vals {
		r.vals[i] = r.vals[i][:0]
	}
	r.vals = r.vals[:0]
	if r.gen++; r.gen == 0 {
		clear(r.gens) // wrapped: no stamp may match the new generation
		r.gen = 1
	}
	r.arena = r.arena[:0]
}

// index returns the index in names of field name in this event.
func (r *record) index(name string) (int, bool) {
	id, ok := r.ids[name]
	if !ok || r.gens[id] != r.gen {
		return 0, false
	}
	return int(r.slots[id]), true
}

// name returns the interned string for b.
func (r *record) name(b []byte) string {
	if s, ok := r.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	r.intern[s] = s
	return s
}

// addNamed is add of the field named b (a name read from the event):
// one lookup finds both the name's string and its id.
func (r *record) addNamed(b, v []byte) {
	if len(v) == 0 {
		return
	}
	id, ok := r.ids[string(b)]
	if !ok {
		name := r.name(b)
		id = r.newID(name)
	}
	i := r.slotOf(id, r.idNames[id])
	r.vals[i] = append(r.vals[i], v)
}

// newID numbers name, which has no id yet.
func (r *record) newID(name string) int32 {
	id := int32(len(r.slots))
	r.ids[name] = id
	r.idNames = append(r.idNames, name)
	r.slots = append(r.slots, 0)
	r.gens = append(r.gens, 0)
	return id
}

// slot returns the index of field name, creating it (with no value) when
// absent.
func (r *record) slot(name string) int {
	id, ok := r.ids[name]
	if !ok {
		id = r.newID(name)
	}
	return r.slotOf(id, name)
}

// slotOf is slot of the field numbered id, named name.
func (r *record) slotOf(id int32, name string) int {
	if r.gens[id] == r.gen {
		return int(r.slots[id])
	}
	i := len(r.names)
	r.gens[id], r.slots[id] = r.gen, int32(i)
	r.names = append(r.names, name)
	r.nameIDs = append(r.nameIDs, id)
	if i < cap(r.vals) {
		r.vals = r.vals[:i+1]
		r.vals[i] = r.vals[i][:0]
	} else {
		r.vals = append(r.vals, nil)
	}
	return i
}

// get returns the first value of name, or nil when the field is absent.
func (r *record) get(name string) []byte {
	if i, ok := r.index(name); ok && len(r.vals[i]) > 0 {
		return r.vals[i][0]
	}
	return nil
}

// all returns every value of name.
func (r *record) all(name string) [][]byte {
	if i, ok := r.index(name); ok {
		return r.vals[i]
	}
	return nil
}

// has reports whether name has a value.
func (r *record) has(name string) bool { return r.get(name) != nil }

// add appends v to name (MV_ADD): a second value makes a multivalue field.
// An empty v is not kept (KEEP_EMPTY_VALS = false).
func (r *record) add(name string, v []byte) {
	if len(v) == 0 {
		return
	}
	i := r.slot(name)
	r.vals[i] = append(r.vals[i], v)
}

// addNew sets name to v unless it already has a value: a REPORT or
// EXTRACT without MV_ADD discards a later value, and FIELDALIAS ASNEW
// keeps an existing target.
func (r *record) addNew(name string, v []byte) {
	if len(v) == 0 || r.has(name) {
		return
	}
	r.add(name, v)
}

// set replaces name's values by v; a nil or empty v removes the field (an
// EVAL that yields null, or FIELDALIAS AS of an absent source).
func (r *record) set(name string, v []byte) {
	if len(v) == 0 {
		if i, ok := r.index(name); ok {
			r.vals[i] = r.vals[i][:0]
		}
		return
	}
	i := r.slot(name)
	r.vals[i] = append(r.vals[i][:0], v)
}

// setAll replaces name's values by vs (FIELDALIAS AS of a multivalue
// field).
func (r *record) setAll(name string, vs [][]byte) {
	if len(vs) == 0 {
		r.set(name, nil)
		return
	}
	i := r.slot(name)
	r.vals[i] = append(r.vals[i][:0], vs...)
}

// build appends parts to the arena and returns the result.
func (r *record) build(parts ...[]byte) []byte {
	start := len(r.arena)
	for _, p := range parts {
		r.arena = append(r.arena, p...)
	}
	return r.arena[start:len(r.arena):len(r.arena)]
}

// lit copies the constant s into the arena and returns it.
func (r *record) lit(s string) []byte {
	start := len(r.arena)
	r.arena = append(r.arena, s...)
	return r.arena[start:len(r.arena):len(r.arena)]
}
