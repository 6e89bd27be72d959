package datamodel

import (
	"bytes"
	"io"
	"strconv"
)

// This file is the hand-written scanner of Splunk XmlWinEventLog text. See
// doc.go for why it is not encoding/xml.

// event is one parsed <Event> element. Every []byte aliases the text the
// event was parsed from and is only valid until the next event is read.
// Values are verbatim: no entity decoding, no trimming.
type event struct {
	provider    []byte
	eventIDText []byte
	eventID     int
	version     []byte
	keywords    []byte
	timeCreated []byte
	channel     []byte
	computer    []byte
	userID      []byte // <Security UserID='...'/>, quotes removed
	hasEventID  bool

	// names and values are the <Data Name='X'>value</Data> pairs in order
	// (added by addName).
	names, values [][]byte
	// first[nameKey(n)] is one more than the index of the first name
	// with that key, 255 for an index of 254 or more, 0 when no name has
	// it: data starts its search there.
	first [64]uint8

	// arena holds bytes that derivations construct (e.g. "REG_DWORD"); it
	// is reset per event.
	arena []byte

	// noLF is set when the event's text holds no "\n", so no value does:
	// the line-aware derivations (derive.go) then skip their search for a
	// line break. The zero value (unknown, as for a JSON event, whose
	// escapes may decode to "\n") makes them search.
	noLF bool
}

// reset clears e for reuse, keeping its slices' capacity.
func (e *event) reset() {
	names, values, arena := e.names[:0], e.values[:0], e.arena[:0]
	*e = event{names: names, values: values, arena: arena}
}

// data returns the value of the Data element called name, or nil when the
// element is absent or its value is empty (Splunk creates no field for an
// empty extraction; see doc.go).
func (e *event) data(name string) []byte {
	start := 0
	if name != "" {
		// No name before the first with name's key can be name
		// (TestEventDataIndex).
		switch k := e.first[nameKey(name)]; k {
		case 0:
			return nil
		case 255:
		default:
			start = int(k) - 1
		}
	}
	for i := start; i < len(e.names); i++ {
		if string(e.names[i]) == name {
			if len(e.values[i]) == 0 {
				return nil
			}
			return e.values[i]
		}
	}
	return nil
}

// addName appends the Data element (or JSON field) n of value v.
func (e *event) addName(n, v []byte) {
	if len(n) > 0 {
		if k := nameKey(n); e.first[k] == 0 {
			e.first[k] = uint8(min(len(e.names)+1, 255))
		}
	}
	e.names = append(e.names, n)
	e.values = append(e.values, v)
}

// nameKey hashes a non-empty name into first's 64 slots.
func nameKey[T string | []byte](n T) uint8 {
	return uint8(uint(len(n))*31+uint(n[0])+7*uint(n[len(n)-1])) & 63
}

// build appends parts to the event's arena and returns the result.
func (e *event) build(parts ...[]byte) []byte {
	start := len(e.arena)
	for _, p := range parts {
		e.arena = append(e.arena, p...)
	}
	return e.arena[start:len(e.arena):len(e.arena)]
}

// parseEvent parses the text of one event, from "<Event" to "</Event>"
// inclusive, into e. It returns a non-empty reason when the event is
// malformed. Only the elements the mapping needs are read; unknown elements
// are skipped.
func parseEvent(b []byte, e *event) (reason string) {
	_, reason = scanEvent(b, e, false)
	return reason
}

// parseEventLine frames and parses in one pass the event that starts a
// line (isEventStart): when it returns ok, end is what indexEventEnd(line)
// returns and e and reason are what parseEvent(line[:end]) gives. When it
// cannot be sure of that (no "</Event>" in the line, or a '<' where the
// scanner skips text: in a tag's attributes or name, or a Data value not
// followed by its "</Data>"), it returns ok false and the caller frames
// the event by indexEventEnd and parses it again (TestParseEventLine).
func parseEventLine(line []byte, e *event) (end int, reason string, ok bool) {
	end, reason = scanEvent(line, e, true)
	return end, reason, end >= 0
}

// scanEvent is parseEvent, and parseEventLine when line is set: then it
// stops at the first "</Event>" and returns the index after it, or -1
// when it is not sure that it found the first (see parseEventLine).
//
// Why one pass finds the first "</Event>": the scanner visits every '<'
// of the text in order except those in the parts it steps over (a tag's
// name and attributes, a Data value up to its first '<'), and it checks
// at each visited "</" whether "</Event>" starts there. In line mode it
// gives up where a stepped-over part holds a '<', so the first visited
// "</Event>" is the first of the text; and every read before it ends
// before it (a tag's '>' is found before the '<' of "</Event>" because
// the attributes hold no '<'; a text or value ends at the first '<'), so
// the scanner read what it reads of line[:end].
func scanEvent(b []byte, e *event, line bool) (end int, reason string) {
	const eventEnd = "</Event>"
	if !line {
		e.noLF = bytes.IndexByte(b, '\n') < 0
	}
	end = -1
	pos := 0
	for {
		i := 0 // the next '<' is most often the next byte: "><"
		if pos >= len(b) || b[pos] != '<' {
			if i = indexByteNear(b[pos:], '<'); i < 0 {
				break
			}
		}
		pos += i + 1
		if pos >= len(b) {
			break
		}
		c := b[pos]
		if c == '/' || c == '?' || c == '!' {
			if line && c == '/' && len(b)-pos >= len(eventEnd)-1 && string(b[pos-1:pos-1+len(eventEnd)]) == eventEnd {
				end = pos - 1 + len(eventEnd)
				break
			}
			continue
		}
		nameEnd, lt := pos, false
		for nameEnd < len(b) {
			if c := b[nameEnd]; c <= '>' { // letters are above '>'
				if isNameEnd(c) {
					break
				}
				lt = lt || c == '<'
			}
			nameEnd++
		}
		if line && lt {
			return -1, ""
		}
		name := b[pos:nameEnd]
		if string(name) == "Data" {
			if n, tagEnd, ok := dataTag(b, nameEnd); ok {
				pos = tagEnd + 1
				if !e.addData(b, &pos, n, b[tagEnd-1] == '/', line, &reason) {
					return -1, ""
				}
				if reason != "" {
					return -1, reason
				}
				continue
			}
		}
		tagEnd := nameEnd // most tags have no attributes: <EventID>
		if tagEnd >= len(b) || b[tagEnd] != '>' {
			// Attributes other than a Data name are long: <Provider Name=...
			tagEnd = bytes.IndexByte(b[nameEnd:], '>')
			if tagEnd < 0 {
				if line {
					return -1, ""
				}
				return -1, "unterminated tag <" + string(name)
			}
			tagEnd += nameEnd
		}
		attrs := b[nameEnd:tagEnd]
		if line && len(attrs) > 0 && bytes.IndexByte(attrs, '<') >= 0 {
			return -1, ""
		}
		selfClosing := tagEnd > nameEnd && b[tagEnd-1] == '/'
		pos = tagEnd + 1
		switch string(name) {
		case "Data":
			n, ok := dataName(attrs)
			if !ok {
				continue
			}
			if !e.addData(b, &pos, n, selfClosing, line, &reason) {
				return -1, ""
			}
			if reason != "" {
				return -1, reason
			}
		case "Provider":
			e.provider, _ = attr(attrs, "Name")
		case "TimeCreated":
			e.timeCreated, _ = attr(attrs, "SystemTime")
		case "Security":
			e.userID, _ = attr(attrs, "UserID")
		case "EventID":
			if !selfClosing {
				e.eventIDText = text(b, pos)
				e.hasEventID = true
			}
		case "Version":
			e.version = elementText(b, pos, selfClosing)
		case "Keywords":
			e.keywords = elementText(b, pos, selfClosing)
		case "Channel":
			e.channel = elementText(b, pos, selfClosing)
		case "Computer":
			e.computer = elementText(b, pos, selfClosing)
		}
	}
	if line {
		if end < 0 {
			return -1, ""
		}
		e.noLF = bytes.IndexByte(b[:end], '\n') < 0
	}
	if !e.hasEventID {
		return end, "no EventID"
	}
	id, err := strconv.Atoi(string(e.eventIDText))
	if err != nil || id < 0 {
		return end, "bad EventID " + strconv.Quote(string(e.eventIDText))
	}
	e.eventID = id
	return end, ""
}

// addData adds the Data element called n whose start tag ends just
// before *pos, and moves *pos past its end tag; a Data element without
// one sets *reason. In line mode (scanEvent) it returns false instead
// when the value's first '<' does not start "</Data>" (the general search
// would step over that '<').
func (e *event) addData(b []byte, pos *int, n []byte, selfClosing, line bool, reason *string) bool {
	p := *pos
	v := b[p:p]
	if !selfClosing {
		end := -1
		if i := indexByteNear(b[p:], '<'); i >= 0 && len(b)-p-i >= len("</Data>") && string(b[p+i:p+i+len("</Data>")]) == "</Data>" {
			end = i
		} else if line {
			return false
		} else {
			end = indexClose(b[p:], "</Data>")
		}
		if end < 0 {
			*reason = "<Data Name='" + string(n) + "'> without </Data>"
			return true
		}
		v = b[p : p+end]
		*pos = p + end + len("</Data>")
	}
	e.addName(n, v)
	return true
}

// dataTag reads the start tag of a Data element of the usual form,
// <Data Name='X'> or <Data Name='X'/> (either quote), whose name ends at
// nameEnd: it returns X and the index of the tag's '>'. ok is false for
// any other form, which the general path reads. The two agree: with no
// '>' before the closing quote, the tag's first '>' is the one after it,
// and dataName of the tag's attributes is X (TestParseEventMatchesRef).
func dataTag(b []byte, nameEnd int) (n []byte, tagEnd int, ok bool) {
	p := nameEnd + len(" Name='")
	if p >= len(b) || string(b[nameEnd:p-1]) != " Name=" {
		return nil, 0, false
	}
	q := b[p-1]
	if q != '\'' && q != '"' {
		return nil, 0, false
	}
	for k := p; k < len(b); k++ {
		switch b[k] {
		case '>', '<':
			return nil, 0, false
		case q:
			switch {
			case k+1 < len(b) && b[k+1] == '>':
				return b[p:k], k + 1, true
			case k+2 < len(b) && b[k+1] == '/' && b[k+2] == '>':
				return b[p:k], k + 2, true
			}
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// isNameEnd reports whether c ends an element name.
func isNameEnd(c byte) bool {
	return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r'
}

// elementText is the text of an element whose start tag ends just before
// pos: none for a self-closing element (<Computer/>), whose following text
// belongs to its parent.
func elementText(b []byte, pos int, selfClosing bool) []byte {
	if selfClosing {
		return nil
	}
	return text(b, pos)
}

// text returns the character data starting at pos, up to the next '<'.
func text(b []byte, pos int) []byte {
	i := bytes.IndexByte(b[pos:], '<')
	if i < 0 {
		return b[pos:pos]
	}
	return b[pos : pos+i]
}

// indexClose returns the index of the closing tag tag in b, or -1. Text
// cannot hold a raw '<', so the first '<' is normally the closing tag; the
// general search is the fallback for anything else.
func indexClose(b []byte, tag string) int {
	i := indexByteNear(b, '<')
	if i < 0 {
		return -1
	}
	if bytes.HasPrefix(b[i:], []byte(tag)) {
		return i
	}
	j := bytes.Index(b[i:], []byte(tag))
	if j < 0 {
		return -1
	}
	return i + j
}

// indexByteNear is bytes.IndexByte for a byte that is usually near the
// start of b (the next '<' or '>' of an event): a plain loop over the
// first bytes, which costs less than a call of bytes.IndexByte for a
// short distance, then bytes.IndexByte.
func indexByteNear(b []byte, c byte) int {
	n := min(len(b), 16)
	for i, x := range b[:n] {
		if x == c {
			return i
		}
	}
	if n == len(b) {
		return -1
	}
	if j := bytes.IndexByte(b[n:], c); j >= 0 {
		return n + j
	}
	return -1
}

// dataName is attr(attrs, "Name") for the attributes of a Data element,
// which are nearly always exactly " Name='X'" or ` Name="X"`: then the
// first "Name" attr finds is the one at 1, and its value runs to the next
// quote of its kind (TestDataNameMatchesAttr).
func dataName(attrs []byte) ([]byte, bool) {
	if len(attrs) > 7 && string(attrs[:6]) == " Name=" && (attrs[6] == '\'' || attrs[6] == '"') {
		k := bytes.IndexByte(attrs[7:], attrs[6])
		if k < 0 {
			return nil, false
		}
		return attrs[7 : 7+k], true
	}
	return attr(attrs, "Name")
}

// attr returns the value of attribute name in the attribute text of a tag
// (everything between the element name and '>'), with either quote style.
func attr(attrs []byte, name string) ([]byte, bool) {
	for off := 0; off < len(attrs); {
		i := bytes.Index(attrs[off:], []byte(name))
		if i < 0 {
			return nil, false
		}
		i += off
		j := i + len(name)
		off = j
		if i > 0 && !isSpace(attrs[i-1]) {
			continue
		}
		for j < len(attrs) && isSpace(attrs[j]) {
			j++
		}
		if j >= len(attrs) || attrs[j] != '=' {
			continue
		}
		j++
		for j < len(attrs) && isSpace(attrs[j]) {
			j++
		}
		if j >= len(attrs) || (attrs[j] != '\'' && attrs[j] != '"') {
			continue
		}
		q := attrs[j]
		k := bytes.IndexByte(attrs[j+1:], q)
		if k < 0 {
			return nil, false
		}
		return attrs[j+1 : j+1+k], true
	}
	return nil, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lineReader splits a stream into lines without copying: each line aliases
// an internal buffer and is valid until the next call to next. A line
// longer than maxLine is handed out in pieces of at least maxLine bytes,
// so that input without line ends cannot fill memory; cont marks the
// pieces after the first.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int
	err        error
	line       int   // number of the line last returned, 1-based
	bytes      int64 // bytes read from r
	maxLine    int
	// cont is set when the piece last returned continues the line before
	// it; partial when that piece is not the end of its line.
	cont, partial bool
}

// maxLineSize is lineReader.maxLine: more than any event (maxEventSize).
const maxLineSize = 64 << 20

func newLineReader(r io.Reader, size int) *lineReader {
	return &lineReader{r: r, buf: make([]byte, size), maxLine: maxLineSize}
}

// next returns the next line including its "\n" (absent on a last line
// without one). It returns ok=false at the end of input; lr.err then holds
// any read error other than io.EOF.
func (lr *lineReader) next() (line []byte, ok bool) {
	lr.cont = lr.partial
	for {
		if i := bytes.IndexByte(lr.buf[lr.start:lr.end], '\n'); i >= 0 {
			line = lr.buf[lr.start : lr.start+i+1]
			lr.start += i + 1
			lr.endPiece(false)
			return line, true
		}
		if lr.err != nil {
			if lr.start < lr.end {
				line = lr.buf[lr.start:lr.end]
				lr.start = lr.end
				lr.endPiece(false)
				return line, true
			}
			if lr.err == io.EOF {
				lr.err = nil
			}
			return nil, false
		}
		if lr.end-lr.start >= lr.maxLine {
			line = lr.buf[lr.start:lr.end]
			lr.start = lr.end
			lr.endPiece(true)
			return line, true
		}
		lr.fill(true)
	}
}

// endPiece counts the line of a piece being returned; partial says that
// the line goes on after it.
func (lr *lineReader) endPiece(partial bool) {
	if !lr.cont {
		lr.line++
	}
	lr.partial = partial
}

// rest returns a reader of the input from its first unread byte: the
// buffered bytes, then the rest of the underlying reader.
func (lr *lineReader) rest() io.Reader {
	buf := bytes.NewReader(lr.buf[lr.start:lr.end])
	switch lr.err {
	case nil:
		return io.MultiReader(buf, lr.r)
	case io.EOF:
		return buf
	}
	return io.MultiReader(buf, errReader{lr.err})
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// fill reads more input into the buffer after moving the unread bytes to
// its front; when the buffer is full it doubles it if grow is set and
// otherwise reads nothing.
func (lr *lineReader) fill(grow bool) {
	if lr.start > 0 {
		n := copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start, lr.end = 0, n
	}
	if lr.end == len(lr.buf) {
		if !grow {
			return
		}
		nb := make([]byte, 2*len(lr.buf))
		copy(nb, lr.buf[:lr.end])
		lr.buf = nb
	}
	n, err := lr.r.Read(lr.buf[lr.end:])
	lr.end += n
	lr.bytes += int64(n)
	if err != nil {
		lr.err = err
	}
}

// head returns the unread bytes at the start of the input, reading until
// the buffer holds at least n bytes or a byte that is neither white space
// nor part of a UTF-8 byte order mark, or until the input or the initial
// buffer ends. It must be called before the first next.
func (lr *lineReader) head(n int) []byte {
	for lr.err == nil && lr.end < len(lr.buf) {
		b := lr.buf[lr.start:lr.end]
		if len(b) >= n && len(trimLeftSpace(bytes.TrimPrefix(b, []byte(bom)))) > 0 {
			break
		}
		lr.fill(false)
	}
	return lr.buf[lr.start:lr.end]
}

// bom is the UTF-8 byte order mark.
const bom = "\xef\xbb\xbf"

// trimEOL removes a trailing "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// isEventStart reports whether a line begins a new event: "<Event" followed
// by a space or '>' at the very start of the line.
func isEventStart(line []byte) bool {
	return len(line) > 6 && string(line[:6]) == "<Event" && (line[6] == ' ' || line[6] == '>' || line[6] == '\t' || line[6] == '\r' || line[6] == '\n')
}

// isBlank reports whether b holds only white space.
func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}
