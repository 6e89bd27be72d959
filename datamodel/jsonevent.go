package datamodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file reads Windows events as JSON lines in the shape NXLog's
// im_msvistalog writes and OTRF's Security-Datasets (Mordor) ship: one flat
// JSON object per line, the EventData fields at top level beside the
// System values (SourceName, EventID, Hostname, Channel, Keywords, ...).
// See doc.go, "JSON lines", for the mapping and why the scanner is
// hand-written on top of json.Valid.

// ingestJSON reads JSON lines: every non-blank line is one event, used or
// skipped. Blank lines are not events. Lines that are not Windows events
// (bad JSON, not an object, no EventID or source) before the first one
// that is are held back: an input with no Windows event in it is not event
// data, and found is false.
//
// fr is as for ingestXML: only the first part of an input may begin with a
// byte order mark, and a part that is not the last and found no event
// leaves its held problems in fr.
func (s *storeImpl) ingestJSON(lr *lineReader, name string, fr *textFrame) (found bool, err error) {
	held := &fr.held
	found = fr.found
	defer func() { fr.found = found }()
	for {
		raw, ok := lr.next()
		if !ok {
			break
		}
		if lr.cont {
			continue // the rest of a line too long to keep, already counted
		}
		line := trimEOL(raw)
		if lr.line == 1 && fr.first {
			line = bytes.TrimPrefix(line, []byte(bom))
		}
		if isBlank(line) {
			continue
		}
		e := &s.ev
		e.reset()
		reason, detail := parseJSONEvent(line, e)
		if !found {
			if notAnEvent(reason) {
				held.add(lr.line, reason, detail)
				continue
			}
			found = true
			held.release(s, name)
		}
		s.st.Events++
		if reason != "" {
			s.malformed(at(name, lr.line), reason, detail)
			continue
		}
		s.curRaw, s.curJSON = line, true
		s.mapEvent(e, at(name, lr.line))
	}
	if !found && fr.last && !s.shard { // a shard leaves them to the merge
		*held = heldProblems{}
	}
	if lr.err != nil {
		return found, fmt.Errorf("ingest %s: %w", name, lr.err)
	}
	return found, nil
}

// notAnEvent reports whether parseJSONEvent's reason says the line is no
// Windows event at all (rather than one with a bad value).
func notAnEvent(reason string) bool {
	return strings.HasPrefix(reason, "bad JSON") || strings.HasPrefix(reason, "JSON value is not") || strings.HasPrefix(reason, "not a Windows event")
}

// isJSONMeta reports whether a top-level key is not EventData: what
// NXLog's im_msvistalog adds beside the event's own fields, what Logstash
// adds (@timestamp, @version, host, port, tags), and the System values of
// the other OTRF shape (TimeCreated, Level). The System values the mapping
// reads (EventID, SourceName, Channel, Hostname, Computer, Keywords,
// Version, UserID) are taken by parseJSONEvent before this is asked.
func isJSONMeta(key []byte) bool {
	switch string(key) {
	case "EventTime", "EventReceivedTime", "SourceModuleName", "SourceModuleType",
		"SeverityValue", "Severity", "ProviderGuid", "Task", "OpcodeValue", "Opcode",
		"RecordNumber", "ActivityID", "RelatedActivityID", "ExecutionProcessID",
		"ThreadID", "Domain", "AccountName", "AccountType", "Category", "Message",
		"Level", "TimeCreated", "@timestamp", "@version", "host", "port", "tags":
		return true
	}
	return false
}

// isNXLogEventType reports whether v is a value of NXLog's own EventType
// field (the event's level as NXLog names it). Sysmon's EventType Data
// values (CreateKey, SetValue, CreatePipe, ...) are none of these.
func isNXLogEventType(v []byte) bool {
	switch string(v) {
	case "CRITICAL", "ERROR", "AUDIT_FAILURE", "AUDIT_SUCCESS", "INFO", "WARNING", "VERBOSE":
		return true
	}
	return false
}

// parseJSONEvent parses one JSON line into e. It returns a non-empty
// reason (and a detail for the problem list) when the line is not a
// Windows event. Values that need no change alias line; decoded or
// re-escaped ones are built in e.arena.
func parseJSONEvent(line []byte, e *event) (reason, detail string) {
	if !json.Valid(line) {
		return "bad JSON", jsonErrorDetail(line)
	}
	i := skipJSONSpace(line, 0)
	if line[i] != '{' {
		return "JSON value is not an object", snippet(line)
	}
	i++
	var (
		eventType    []byte
		eventTypeKey []byte // the key "EventType" as it is in line
		hasEventType bool
		renamed      bool // NXLog's EventType was moved aside: EventType is Sysmon's
		fromComputer bool // Computer seen: it wins over Hostname
		hasSource    bool
		seen         uint8 // systemKeyBit of the System keys read
	)
	for {
		i = skipJSONSpace(line, i)
		if line[i] == '}' {
			break
		}
		if line[i] == ',' {
			i = skipJSONSpace(line, i+1)
		}
		var key, val []byte
		key, i = e.jsonString(line, i, false)
		i = skipJSONSpace(line, i) + 1 // ':'
		i = skipJSONSpace(line, i)
		isString := false
		switch c := line[i]; c {
		case '"':
			val, i = e.jsonString(line, i, true)
			isString = true
		case '{', '[':
			i = skipJSONComposite(line, i)
			continue // nested values are not Windows event fields (e.g. tags)
		case 'n':
			i += len("null")
			continue // null: the field is absent
		case 't':
			val, i = line[i:i+len("true")], i+len("true")
		case 'f':
			val, i = line[i:i+len("false")], i+len("false")
		default:
			j := i
			for j < len(line) && isJSONNumberByte(line[j]) {
				j++
			}
			val, i = line[i:j], j
		}
		// The first occurrence of a key counts, for System values as for
		// EventData (data returns the first of equal names).
		switch k := string(key); k {
		case "EventID":
			if !e.hasEventID {
				e.eventIDText, e.hasEventID = val, true
			}
		case "SourceName", "Channel", "Computer", "Hostname", "Keywords", "Version", "UserID", "EventType":
			bit := systemKeyBit(k)
			if seen&bit != 0 {
				continue
			}
			seen |= bit
			switch k {
			case "SourceName":
				e.provider, hasSource = val, true
			case "Channel":
				e.channel, hasSource = val, true
			case "Computer":
				e.computer, fromComputer = val, true
			case "Hostname":
				if !fromComputer {
					e.computer = val
				}
			case "Keywords":
				if isString {
					e.keywords = val
				} else {
					e.keywords = e.keywordsHex(val)
				}
			case "Version":
				e.version = val
			case "UserID":
				e.userID = val
			case "EventType":
				eventType, eventTypeKey, hasEventType = val, key, true
			}
		case "EventTypeOrignal", "EventTypeOriginal":
			renamed = true
		default:
			if !isJSONMeta(key) {
				e.addName(key, val)
			} else if isString && e.timeCreated == nil && (k == "TimeCreated" || k == "@timestamp") {
				// The time of a non-Sysmon event (events.go eventTime).
				e.timeCreated = val
			}
		}
	}
	if hasEventType && (renamed || !isNXLogEventType(eventType)) {
		e.addName(eventTypeKey, eventType)
	}
	if !e.hasEventID {
		return "not a Windows event: no EventID", ""
	}
	id, ok := parseInt64(e.eventIDText)
	if !ok || id < 0 || id > 1<<31-1 {
		return "bad EventID " + strconv.Quote(string(e.eventIDText)), ""
	}
	e.eventID = int(id)
	if !hasSource {
		return "not a Windows event: no SourceName or Channel", ""
	}
	return "", ""
}

// systemKeyBit returns the bit that marks System key k as read.
func systemKeyBit(k string) uint8 {
	switch k {
	case "SourceName":
		return 1
	case "Channel":
		return 2
	case "Computer":
		return 4
	case "Hostname":
		return 8
	case "Keywords":
		return 16
	case "Version":
		return 32
	case "UserID":
		return 64
	}
	return 128 // EventType
}

// jsonErrorDetail describes why line is not valid JSON, with the column
// (1-based byte offset) where encoding/json stopped.
func jsonErrorDetail(line []byte) string {
	var v any
	err := json.Unmarshal(line, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (column %d)", se, se.Offset)
	}
	if err != nil {
		return err.Error()
	}
	return "invalid"
}

// keywordsHex renders a numeric Keywords value as the event XML writes it
// (0x8000000000000000). NXLog writes the 64-bit mask as a signed integer
// (-9223372036854775808), and Logstash may have re-encoded it as a float
// (-9223372036854776000), which is read as the nearest integer: the masks
// in practice have few low bits, so this is exact. Text that is no number
// is kept as it is.
func (e *event) keywordsHex(num []byte) []byte {
	var u uint64
	if v, ok := parseInt64(num); ok {
		u = uint64(v)
	} else if v, err := strconv.ParseUint(string(num), 10, 64); err == nil {
		u = v
	} else if f, err := strconv.ParseFloat(string(num), 64); err == nil && f >= -(1<<63) && f < 1<<64 {
		if f < 0 {
			u = uint64(int64(f))
		} else {
			u = uint64(f)
		}
	} else {
		return num
	}
	start := len(e.arena)
	e.arena = append(e.arena, "0x"...)
	e.arena = strconv.AppendUint(e.arena, u, 16)
	return e.arena[start:len(e.arena):len(e.arena)]
}

// jsonString decodes the JSON string starting at line[i] (a '"') and
// returns it and the index after its closing quote. With xmlEscape, '&',
// '<' and '>' are written as "&amp;", "&lt;" and "&gt;", as the Windows
// event renderer writes them in XML text (doc.go). A string with nothing
// to decode or escape is returned as a sub-slice of line; any other is
// built in e.arena. line must be valid JSON (json.Valid).
func (e *event) jsonString(line []byte, i int, xmlEscape bool) ([]byte, int) {
	start := i + 1
	j := start
	for {
		c := line[j]
		if c == '"' {
			return line[start:j], j + 1
		}
		if c == '\\' || (xmlEscape && (c == '&' || c == '<' || c == '>')) {
			break
		}
		j++
	}
	out := len(e.arena)
	e.arena = append(e.arena, line[start:j]...)
	for {
		c := line[j]
		switch {
		case c == '"':
			return e.arena[out:len(e.arena):len(e.arena)], j + 1
		case c == '\\':
			j++
			switch line[j] {
			case 'b':
				e.arena = append(e.arena, '\b')
			case 'f':
				e.arena = append(e.arena, '\f')
			case 'n':
				e.arena = append(e.arena, '\n')
			case 'r':
				e.arena = append(e.arena, '\r')
			case 't':
				e.arena = append(e.arena, '\t')
			case 'u':
				r := hex4(line[j+1 : j+5])
				j += 4
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if j+6 < len(line) && line[j+1] == '\\' && line[j+2] == 'u' {
						r2 = hex4(line[j+3 : j+7])
					}
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						j += 6
					} else {
						r = utf8.RuneError
					}
				}
				e.appendText(r, xmlEscape)
			default: // '"', '\\', '/'
				e.appendText(rune(line[j]), xmlEscape)
			}
			j++
		case xmlEscape && (c == '&' || c == '<' || c == '>'):
			e.appendText(rune(c), true)
			j++
		default:
			e.arena = append(e.arena, c)
			j++
		}
	}
}

// parseInt64 parses an optionally signed decimal integer that fits int64,
// like strconv.ParseInt(string(b), 10, 64) but without allocating the
// string (ParseInt's error keeps it).
func parseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0') // at most 19 digits: no overflow of uint64
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true // -(1<<63) wraps to MinInt64
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// appendText appends r to the arena, escaped as XML text when xmlEscape.
func (e *event) appendText(r rune, xmlEscape bool) {
	if xmlEscape {
		switch r {
		case '&':
			e.arena = append(e.arena, "&amp;"...)
			return
		case '<':
			e.arena = append(e.arena, "&lt;"...)
			return
		case '>':
			e.arena = append(e.arena, "&gt;"...)
			return
		}
	}
	e.arena = utf8.AppendRune(e.arena, r)
}

// hex4 decodes four hexadecimal digits (valid after json.Valid).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skipJSONSpace returns the index of the first byte at or after i that is
// not JSON white space.
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipJSONComposite returns the index after the object or array starting
// at b[i], skipping nested values and strings (b must be valid JSON).
func skipJSONComposite(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			for i++; b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return i
}

// isJSONNumberByte reports whether c can be part of a JSON number.
func isJSONNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
