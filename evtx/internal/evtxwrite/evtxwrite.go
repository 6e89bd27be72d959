// Package evtxwrite writes small EVTX files for the tests of package evtx:
// the BinXML subset the tests need (template definitions written inline on
// first use and referenced by offset afterwards, names likewise, normal and
// optional substitutions, dependency ids, arrays, nested BinXml values,
// template-less records, text, character and entity references, CDATA and
// processing instructions), with valid header and data checksums. Tests
// damage the bytes it returns to make corrupted and truncated files.
//
// It follows the layout of ../shared/reference/evtx-format.md (§1-§6), the
// same description the reader is written from; the agreement test against
// evtxexport checks the reader independently.
//
// Imports: the standard library only (not evtx: a writer built on the
// reader's code could not check it); it is internal and used by tests.
package evtxwrite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Node is a piece of element content or of an attribute value: *Elem,
// Text, Subst, CharRef, EntityRef, CDATA or PI.
type Node interface{ node() }

// Elem is an element. Dep is its dependency id (a value index whose Null
// drops the element; -1 for none, which is written as 0xFFFF); it is only
// written inside template definitions.
type Elem struct {
	Name     string
	Dep      int
	Attrs    []Attr
	Children []Node
	// Empty writes CloseEmptyElement (rendered "/>"); Children must be nil.
	Empty bool
}

// Attr is an attribute with value tokens (Text, Subst, CharRef,
// EntityRef).
type Attr struct {
	Name  string
	Value []Node
}

// Text is a value text token.
type Text string

// Subst is a substitution of value Index; Optional writes token 0x0E.
type Subst struct {
	Index    int
	Optional bool
	Type     byte
}

// CharRef is a character reference &#N;.
type CharRef uint16

// EntityRef is an entity reference &name;.
type EntityRef string

// CDATA is a CDATA section.
type CDATA string

// PI is a processing instruction.
type PI struct{ Target, Data string }

func (*Elem) node()     {}
func (Text) node()      {}
func (Subst) node()     {}
func (CharRef) node()   {}
func (EntityRef) node() {}
func (CDATA) node()     {}
func (PI) node()        {}

// E builds an element without a dependency id.
func E(name string, attrs []Attr, children ...Node) *Elem {
	return &Elem{Name: name, Dep: -1, Attrs: attrs, Children: children}
}

// Template is a template definition. NoDepIDs writes its element starts
// without dependency ids, as some files do (evtx-format.md §5.2).
type Template struct {
	GUID     [16]byte
	Root     *Elem
	NoDepIDs bool
}

// Instance is a template instance: a template and its values.
type Instance struct {
	Template *Template
	Values   []Value
}

// Value is a substitution value. Nested, when set, is written as a BinXml
// (0x21) value holding a fragment with that instance; Type and Data are
// then ignored.
type Value struct {
	Type   byte
	Data   []byte
	Nested *Instance
}

// Record is an event record: a template instance, or (Plain) a
// template-less element tree.
type Record struct {
	ID      uint64
	Written uint64 // FILETIME
	Event   *Instance
	Plain   *Elem
}

// Writer accumulates records into chunks.
type Writer struct {
	chunks []*chunk
	cur    *chunk
	nextID uint64
	Flags  uint32 // file header flags
	sys    *Template
	data   map[string]*Template
}

type chunk struct {
	b         []byte // bytes 0..len written so far (grows up to 65536)
	names     map[string]int
	templates map[*Template]int
	firstID   uint64
	lastID    uint64
	lastOff   int
	records   int
}

// ErrTooLarge is returned for a record that does not fit in an empty
// chunk.
var ErrTooLarge = errors.New("evtxwrite: record does not fit in a chunk")

// New returns an empty Writer.
func New() *Writer { return &Writer{nextID: 1} }

// NewChunk makes the next record start a new chunk.
func (w *Writer) NewChunk() { w.cur = nil }

func newChunk() *chunk {
	return &chunk{b: make([]byte, 512, 65536), names: map[string]int{}, templates: map[*Template]int{}}
}

// Add appends a record, starting a new chunk when it does not fit. A zero
// ID gets the next id.
func (w *Writer) Add(r Record) error {
	if r.ID == 0 {
		r.ID = w.nextID
	}
	if w.cur == nil {
		w.cur = newChunk()
		w.chunks = append(w.chunks, w.cur)
	}
	err := w.cur.add(r)
	if err == ErrTooLarge && w.cur.records > 0 {
		w.cur = newChunk()
		w.chunks = append(w.chunks, w.cur)
		err = w.cur.add(r)
	}
	if err != nil {
		return err
	}
	w.nextID = r.ID + 1
	return nil
}

// add encodes r at the end of c, or leaves c unchanged and returns
// ErrTooLarge.
func (c *chunk) add(r Record) (err error) {
	start := len(c.b)
	// Undo name and template additions if the record does not fit.
	names := map[string]bool{}
	tmpls := map[*Template]bool{}
	e := &enc{c: c, newNames: names, newTmpls: tmpls}
	defer func() {
		if err != nil {
			c.b = c.b[:start]
			for n := range names {
				delete(c.names, n)
			}
			for t := range tmpls {
				delete(c.templates, t)
			}
		}
	}()
	e.put([]byte("**\x00\x00"))
	sizeAt := e.reserve(4)
	e.u64(r.ID)
	e.u64(r.Written)
	e.put([]byte{0x0F, 0x01, 0x01, 0x00})
	switch {
	case r.Event != nil:
		if err := e.instance(r.Event); err != nil {
			return err
		}
	case r.Plain != nil:
		if err := e.elem(r.Plain, false); err != nil {
			return err
		}
	default:
		return errors.New("evtxwrite: record has no event")
	}
	e.put([]byte{0x00}) // EOF
	size := len(c.b) - start + 4
	e.u32(uint32(size))
	if len(c.b) > 65536 {
		return ErrTooLarge
	}
	binary.LittleEndian.PutUint32(c.b[sizeAt:], uint32(size))
	if c.records == 0 {
		c.firstID = r.ID
	}
	c.lastID, c.lastOff = r.ID, start
	c.records++
	return nil
}

type enc struct {
	c        *chunk
	newNames map[string]bool
	newTmpls map[*Template]bool
}

func (e *enc) put(b []byte) { e.c.b = append(e.c.b, b...) }
func (e *enc) u16(v uint16) { e.c.b = binary.LittleEndian.AppendUint16(e.c.b, v) }
func (e *enc) u32(v uint32) { e.c.b = binary.LittleEndian.AppendUint32(e.c.b, v) }
func (e *enc) u64(v uint64) { e.c.b = binary.LittleEndian.AppendUint64(e.c.b, v) }
func (e *enc) pos() int     { return len(e.c.b) }
func (e *enc) reserve(n int) int {
	p := len(e.c.b)
	e.c.b = append(e.c.b, make([]byte, n)...)
	return p
}
func (e *enc) patch32(at int, v int) { binary.LittleEndian.PutUint32(e.c.b[at:], uint32(v)) }

func (e *enc) utf16(s string) {
	for _, u := range utf16.Encode([]rune(s)) {
		e.u16(u)
	}
}

// name writes a name reference: inline on first use in the chunk.
func (e *enc) name(s string) {
	if off, ok := e.c.names[s]; ok {
		e.u32(uint32(off))
		return
	}
	off := e.pos() + 4
	e.u32(uint32(off))
	e.c.names[s] = off
	e.newNames[s] = true
	u := utf16.Encode([]rune(s))
	e.u32(0) // next string in bucket
	e.u16(Hash(s))
	e.u16(uint16(len(u)))
	for _, c := range u {
		e.u16(c)
	}
	e.u16(0)
}

// Hash is the MS-EVEN6 name hash: the low 16 bits of h = h*65599 + c over
// the UTF-16 code units.
func Hash(s string) uint16 {
	var h uint32
	for _, c := range utf16.Encode([]rune(s)) {
		h = h*65599 + uint32(c)
	}
	return uint16(h)
}

func (e *enc) instance(in *Instance) error {
	t := in.Template
	e.put([]byte{0x0C, 0x01})
	e.u32(binary.LittleEndian.Uint32(t.GUID[:4]))
	if off, ok := e.c.templates[t]; ok {
		e.u32(uint32(off))
	} else {
		off := e.pos() + 4
		e.u32(uint32(off))
		e.c.templates[t] = off
		e.newTmpls[t] = true
		e.u32(0) // next template
		e.put(t.GUID[:])
		sizeAt := e.reserve(4)
		dstart := e.pos()
		e.put([]byte{0x0F, 0x01, 0x01, 0x00})
		if err := e.elem(t.Root, !t.NoDepIDs); err != nil {
			return err
		}
		e.put([]byte{0x00})
		e.patch32(sizeAt, e.pos()-dstart)
	}
	e.u32(uint32(len(in.Values)))
	descAt := e.reserve(4 * len(in.Values))
	for i, v := range in.Values {
		start := e.pos()
		typ := v.Type
		if v.Nested != nil {
			typ = 0x21
			e.put([]byte{0x0F, 0x01, 0x01, 0x00})
			if err := e.instance(v.Nested); err != nil {
				return err
			}
		} else {
			e.put(v.Data)
		}
		size := e.pos() - start
		if size > 0xFFFF {
			return fmt.Errorf("evtxwrite: value %d of %d bytes", i, size)
		}
		binary.LittleEndian.PutUint16(e.c.b[descAt+4*i:], uint16(size))
		e.c.b[descAt+4*i+2] = typ
	}
	if len(e.c.b) > 65536 {
		return ErrTooLarge
	}
	return nil
}

func (e *enc) elem(el *Elem, dep bool) error {
	tok := byte(0x01)
	if len(el.Attrs) > 0 {
		tok = 0x41
	}
	e.put([]byte{tok})
	if dep {
		d := el.Dep
		if d < 0 {
			d = 0xFFFF
		}
		e.u16(uint16(d))
	}
	lenAt := e.reserve(4)
	start := e.pos()
	e.name(el.Name)
	if len(el.Attrs) > 0 {
		alAt := e.reserve(4)
		astart := e.pos()
		for i, a := range el.Attrs {
			t := byte(0x06)
			if i < len(el.Attrs)-1 {
				t = 0x46
			}
			e.put([]byte{t})
			e.name(a.Name)
			for _, n := range a.Value {
				if err := e.content(n, dep); err != nil {
					return err
				}
			}
		}
		e.patch32(alAt, e.pos()-astart)
	}
	if el.Empty {
		e.put([]byte{0x03})
	} else {
		e.put([]byte{0x02})
		for _, n := range el.Children {
			if err := e.content(n, dep); err != nil {
				return err
			}
		}
		e.put([]byte{0x04})
	}
	e.patch32(lenAt, e.pos()-start)
	if len(e.c.b) > 65536 {
		return ErrTooLarge
	}
	return nil
}

func (e *enc) content(n Node, dep bool) error {
	switch n := n.(type) {
	case *Elem:
		return e.elem(n, dep)
	case Text:
		e.put([]byte{0x05, 0x01})
		e.u16(uint16(len(utf16.Encode([]rune(string(n))))))
		e.utf16(string(n))
	case Subst:
		t := byte(0x0D)
		if n.Optional {
			t = 0x0E
		}
		e.put([]byte{t})
		e.u16(uint16(n.Index))
		e.put([]byte{n.Type})
	case CharRef:
		e.put([]byte{0x08})
		e.u16(uint16(n))
	case EntityRef:
		e.put([]byte{0x09})
		e.name(string(n))
	case CDATA:
		e.put([]byte{0x07})
		e.u16(uint16(len(utf16.Encode([]rune(string(n))))))
		e.utf16(string(n))
	case PI:
		e.put([]byte{0x0A})
		e.name(n.Target)
		e.put([]byte{0x0B})
		e.u16(uint16(len(utf16.Encode([]rune(n.Data)))))
		e.utf16(n.Data)
	default:
		return fmt.Errorf("evtxwrite: unknown node %T", n)
	}
	return nil
}

// NumChunks returns the number of chunks written so far.
func (w *Writer) NumChunks() int { return len(w.chunks) }

// Bytes returns the file: header and chunks, with valid checksums.
func (w *Writer) Bytes() []byte {
	le := binary.LittleEndian
	out := make([]byte, 4096, 4096+65536*len(w.chunks))
	copy(out, "ElfFile\x00")
	if n := len(w.chunks); n > 0 {
		le.PutUint64(out[16:], uint64(n-1))
	}
	le.PutUint64(out[24:], w.nextID)
	le.PutUint32(out[32:], 128)
	le.PutUint16(out[36:], 1)
	le.PutUint16(out[38:], 3)
	le.PutUint16(out[40:], 4096)
	le.PutUint16(out[42:], uint16(len(w.chunks)))
	le.PutUint32(out[120:], w.Flags)
	le.PutUint32(out[124:], crc32.ChecksumIEEE(out[:120]))
	for _, c := range w.chunks {
		b := make([]byte, 65536)
		copy(b, c.b)
		copy(b, "ElfChnk\x00")
		le.PutUint64(b[8:], c.firstID)
		le.PutUint64(b[16:], c.lastID)
		le.PutUint64(b[24:], c.firstID)
		le.PutUint64(b[32:], c.lastID)
		le.PutUint32(b[40:], 128)
		le.PutUint32(b[44:], uint32(c.lastOff))
		le.PutUint32(b[48:], uint32(len(c.b)))
		le.PutUint32(b[52:], crc32.ChecksumIEEE(b[512:len(c.b)]))
		le.PutUint32(b[120:], 1)
		FixChunkHeaderCRC(b)
		out = append(out, b...)
	}
	return out
}

// FixChunkHeaderCRC recomputes the header checksum of the chunk in b.
func FixChunkHeaderCRC(b []byte) {
	h := crc32.ChecksumIEEE(b[:120])
	h = crc32.Update(h, crc32.IEEETable, b[128:512])
	binary.LittleEndian.PutUint32(b[124:], h)
}

// Value constructors.

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// Null is a NullType value.
func Null() Value { return Value{Type: 0x00} }

// String is a UTF-16 string value (no NUL).
func String(s string) Value {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return Value{Type: 0x01, Data: b}
}

// Ansi is an AnsiString value of raw bytes.
func Ansi(b []byte) Value { return Value{Type: 0x02, Data: b} }

// Int8 makes a value of that type, as the constructors below do.
func Int8(v int8) Value { return Value{Type: 0x03, Data: []byte{byte(v)}} }

// UInt8 makes a value of that type.
func UInt8(v uint8) Value { return Value{Type: 0x04, Data: []byte{v}} }

// Int16 makes a value of that type.
func Int16(v int16) Value { return Value{Type: 0x05, Data: le16(uint16(v))} }

// UInt16 makes a value of that type.
func UInt16(v uint16) Value { return Value{Type: 0x06, Data: le16(v)} }

// Int32 makes a value of that type.
func Int32(v int32) Value { return Value{Type: 0x07, Data: le32(uint32(v))} }

// UInt32 makes a value of that type.
func UInt32(v uint32) Value { return Value{Type: 0x08, Data: le32(v)} }

// Int64 makes a value of that type.
func Int64(v int64) Value { return Value{Type: 0x09, Data: le64(uint64(v))} }

// UInt64 makes a value of that type.
func UInt64(v uint64) Value { return Value{Type: 0x0A, Data: le64(v)} }

// Real32 makes a value of that type.
func Real32(v float32) Value { return Value{Type: 0x0B, Data: le32(math.Float32bits(v))} }

// Real64 makes a value of that type.
func Real64(v float64) Value { return Value{Type: 0x0C, Data: le64(math.Float64bits(v))} }

// Bool makes a value of that type.
func Bool(v int32) Value { return Value{Type: 0x0D, Data: le32(uint32(v))} }

// Binary makes a value of that type.
func Binary(b []byte) Value { return Value{Type: 0x0E, Data: b} }

// SizeT32 makes a value of that type.
func SizeT32(v uint32) Value { return Value{Type: 0x10, Data: le32(v)} }

// SizeT64 makes a value of that type.
func SizeT64(v uint64) Value { return Value{Type: 0x10, Data: le64(v)} }

// Hex32 makes a value of that type.
func Hex32(v uint32) Value { return Value{Type: 0x14, Data: le32(v)} }

// Hex64 makes a value of that type.
func Hex64(v uint64) Value { return Value{Type: 0x15, Data: le64(v)} }

// Nested makes a BinXml (0x21) value holding a fragment with in.
func Nested(in *Instance) Value { return Value{Nested: in} }

// FileTimeOf converts t to a FILETIME.
func FileTimeOf(t time.Time) uint64 {
	return uint64(t.Unix()+11644473600)*10_000_000 + uint64(t.Nanosecond()/100)
}

// FileTime is a FILETIME value.
func FileTime(t time.Time) Value { return Value{Type: 0x11, Data: le64(FileTimeOf(t))} }

// SysTime is a SYSTEMTIME value (milliseconds precision).
func SysTime(t time.Time) Value {
	var b []byte
	for _, v := range []int{t.Year(), int(t.Month()), int(t.Weekday()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1e6} {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return Value{Type: 0x12, Data: b}
}

// GUID parses "{8-4-4-4-12}" into a Guid value.
func GUID(s string) Value { g := ParseGUID(s); return Value{Type: 0x0F, Data: g[:]} }

// ParseGUID parses "{8-4-4-4-12}" (braces optional) into its 16 stored
// bytes. It panics on a malformed GUID (test input).
func ParseGUID(s string) [16]byte {
	s = strings.Trim(s, "{}")
	p := strings.Split(s, "-")
	if len(p) != 5 {
		panic("evtxwrite: bad GUID " + s)
	}
	num := func(x string) uint64 {
		v, err := strconv.ParseUint(x, 16, 64)
		if err != nil {
			panic("evtxwrite: bad GUID " + s)
		}
		return v
	}
	var g [16]byte
	binary.LittleEndian.PutUint32(g[0:], uint32(num(p[0])))
	binary.LittleEndian.PutUint16(g[4:], uint16(num(p[1])))
	binary.LittleEndian.PutUint16(g[6:], uint16(num(p[2])))
	binary.BigEndian.PutUint16(g[8:], uint16(num(p[3])))
	rest := num(p[4])
	for i := 0; i < 6; i++ {
		g[15-i] = byte(rest >> (8 * i))
	}
	return g
}

// SIDBytes encodes "S-1-5-21-..." as a binary SID.
func SIDBytes(s string) []byte {
	p := strings.Split(s, "-")
	if len(p) < 3 || p[0] != "S" {
		panic("evtxwrite: bad SID " + s)
	}
	rev, _ := strconv.Atoi(p[1])
	auth, _ := strconv.ParseUint(p[2], 10, 48)
	b := []byte{byte(rev), byte(len(p) - 3)}
	for i := 5; i >= 0; i-- {
		b = append(b, byte(auth>>(8*i)))
	}
	for _, x := range p[3:] {
		v, _ := strconv.ParseUint(x, 10, 32)
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

// SID is a Sid value.
func SID(s string) Value { return Value{Type: 0x13, Data: SIDBytes(s)} }

// StringArray is a StringArray (0x81) value: NUL-terminated UTF-16 items.
func StringArray(items ...string) Value {
	var b []byte
	for _, s := range items {
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		b = append(b, 0, 0)
	}
	return Value{Type: 0x81, Data: b}
}

// UInt16Array is a UInt16 array (0x86) value.
func UInt16Array(items ...uint16) Value {
	var b []byte
	for _, v := range items {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return Value{Type: 0x86, Data: b}
}

// SIDArray is a Sid array (0x93) value.
func SIDArray(items ...string) Value {
	var b []byte
	for _, s := range items {
		b = append(b, SIDBytes(s)...)
	}
	return Value{Type: 0x93, Data: b}
}

// Event is a Windows event in the shape the Windows event log writes it: a
// System template instance whose last value is a nested BinXml EventData
// instance of <Data Name='X'> elements. Data values are the rendered text
// (already decoded: "&" not "&amp;"), written as strings.
type Event struct {
	Provider, ProviderGUID string // GUID "" writes a Null (the attribute is dropped)
	EventID                uint16
	Qualifiers             int // -1 or a value: EventID Qualifiers='N'
	Version, Level         uint8
	Task                   uint16
	Opcode                 uint8
	Keywords               uint64
	TimeCreated            time.Time
	RecordID               uint64
	ProcessID, ThreadID    uint32
	Channel, Computer      string
	UserID                 string // SID text; "" writes a Null
	Data                   []NameValue
}

// NameValue is one <Data Name='Name'>Value</Data>.
type NameValue struct{ Name, Value string }

// systemTemplate is the System part of a Windows event (evtx-format.md
// §5.4: Correlation and Security render empty when their optional values
// are Null). Value indices: 0 Provider, 1 Guid, 2 EventID, 3 Qualifiers,
// 4 Version, 5 Level, 6 Task, 7 Opcode, 8 Keywords, 9 TimeCreated,
// 10 EventRecordID, 11 ActivityID, 12 ProcessID, 13 ThreadID, 14 Channel,
// 15 Computer, 16 UserID, 17 EventData.
func systemTemplate() *Template {
	s := func(i int, t byte) Node { return Subst{Index: i, Type: t} }
	o := func(i int, t byte) Node { return Subst{Index: i, Type: t, Optional: true} }
	a := func(name string, v ...Node) Attr { return Attr{Name: name, Value: v} }
	empty := func(name string, attrs ...Attr) *Elem { return &Elem{Name: name, Dep: -1, Attrs: attrs, Empty: true} }
	root := E("Event", []Attr{a("xmlns", Text("http://schemas.microsoft.com/win/2004/08/events/event"))},
		E("System", nil,
			empty("Provider", a("Name", o(0, 0x01)), a("Guid", o(1, 0x0F))),
			E("EventID", []Attr{a("Qualifiers", o(3, 0x06))}, s(2, 0x06)),
			E("Version", nil, o(4, 0x04)),
			E("Level", nil, o(5, 0x04)),
			E("Task", nil, o(6, 0x06)),
			E("Opcode", nil, o(7, 0x04)),
			E("Keywords", nil, o(8, 0x15)),
			empty("TimeCreated", a("SystemTime", o(9, 0x11))),
			E("EventRecordID", nil, o(10, 0x0A)),
			empty("Correlation", a("ActivityID", o(11, 0x0F))),
			empty("Execution", a("ProcessID", o(12, 0x08)), a("ThreadID", o(13, 0x08))),
			E("Channel", nil, o(14, 0x01)),
			E("Computer", nil, o(15, 0x01)),
			empty("Security", a("UserID", o(16, 0x13))),
		),
		o(17, 0x21),
	)
	return &Template{GUID: ParseGUID("{B1E2C3D4-0001-0002-0003-000000000001}"), Root: root}
}

// dataTemplate is an EventData template for the given Data names.
func dataTemplate(names []string, n int) *Template {
	var ch []Node
	for i, name := range names {
		ch = append(ch, E("Data", []Attr{{Name: "Name", Value: []Node{Text(name)}}}, Subst{Index: i, Type: 0x01, Optional: true}))
	}
	g := ParseGUID("{D47A0000-0000-0000-0000-000000000000}")
	binary.LittleEndian.PutUint32(g[:4], uint32(0xD47A0000+n))
	return &Template{GUID: g, Root: E("EventData", nil, ch...)}
}

// AddEvent appends ev as a record (id = ev.RecordID's position in the
// file), reusing one System template and one EventData template per set of
// Data names.
func (w *Writer) AddEvent(ev Event) error {
	if w.sys == nil {
		w.sys = systemTemplate()
		w.data = map[string]*Template{}
	}
	names := make([]string, len(ev.Data))
	vals := make([]Value, len(ev.Data))
	for i, d := range ev.Data {
		names[i] = d.Name
		if d.Value == "" {
			vals[i] = Null()
		} else {
			vals[i] = String(d.Value)
		}
	}
	key := strings.Join(names, "\x00")
	dt := w.data[key]
	if dt == nil {
		dt = dataTemplate(names, len(w.data))
		w.data[key] = dt
	}
	str := func(s string) Value {
		if s == "" {
			return Null()
		}
		return String(s)
	}
	guid := Null()
	if ev.ProviderGUID != "" {
		guid = GUID(ev.ProviderGUID)
	}
	qual := Null()
	if ev.Qualifiers >= 0 {
		qual = UInt16(uint16(ev.Qualifiers))
	}
	user := Null()
	if ev.UserID != "" {
		user = SID(ev.UserID)
	}
	sys := []Value{
		str(ev.Provider), guid, UInt16(ev.EventID), qual, UInt8(ev.Version), UInt8(ev.Level),
		UInt16(ev.Task), UInt8(ev.Opcode), Hex64(ev.Keywords), FileTime(ev.TimeCreated), UInt64(ev.RecordID),
		Null(), UInt32(ev.ProcessID), UInt32(ev.ThreadID), str(ev.Channel), str(ev.Computer), user,
		Nested(&Instance{Template: dt, Values: vals}),
	}
	return w.Add(Record{Written: FileTimeOf(ev.TimeCreated), Event: &Instance{Template: w.sys, Values: sys}})
}

// NV makes a NameValue.
func NV(name, value string) NameValue { return NameValue{Name: name, Value: value} }
