package datamodel

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// parseEventRef is parseEvent as it was before its speed-ups (commit
// 02f82e6), the reference TestParseEventMatchesRef and FuzzParseEvent
// compare it with. It parses the text of one event, from "<Event" to "</Event>"
// inclusive, into e. It returns a non-empty reason when the event is
// malformed. Only the elements the mapping needs are read; unknown elements
// are skipped.
func parseEventRef(b []byte, e *event) (reason string) {
	e.noLF = bytes.IndexByte(b, '\n') < 0
	pos := 0
	for {
		i := bytes.IndexByte(b[pos:], '<')
		if i < 0 {
			break
		}
		pos += i + 1
		if pos >= len(b) {
			break
		}
		c := b[pos]
		if c == '/' || c == '?' || c == '!' {
			continue
		}
		nameEnd := pos
		for nameEnd < len(b) && !isNameEnd(b[nameEnd]) {
			nameEnd++
		}
		name := b[pos:nameEnd]
		tagEnd := bytes.IndexByte(b[nameEnd:], '>')
		if tagEnd < 0 {
			return "unterminated tag <" + string(name)
		}
		tagEnd += nameEnd
		attrs := b[nameEnd:tagEnd]
		selfClosing := tagEnd > nameEnd && b[tagEnd-1] == '/'
		pos = tagEnd + 1
		switch string(name) {
		case "Data":
			n, ok := attr(attrs, "Name")
			if !ok {
				continue
			}
			var v []byte
			if !selfClosing {
				end := indexCloseRef(b[pos:], "</Data>")
				if end < 0 {
					return "<Data Name='" + string(n) + "'> without </Data>"
				}
				v = b[pos : pos+end]
				pos += end + len("</Data>")
			} else {
				v = b[pos:pos]
			}
			e.names = append(e.names, n)
			e.values = append(e.values, v)
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
	if !e.hasEventID {
		return "no EventID"
	}
	id, err := strconv.Atoi(string(e.eventIDText))
	if err != nil || id < 0 {
		return "bad EventID " + strconv.Quote(string(e.eventIDText))
	}
	e.eventID = id
	return ""
}

// indexCloseRef is indexClose before its speed-up: it returns the index of the closing tag tag in b, or -1. Text
// cannot hold a raw '<', so the first '<' is normally the closing tag; the
// general search is the fallback for anything else.
func indexCloseRef(b []byte, tag string) int {
	i := bytes.IndexByte(b, '<')
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

// parseBoth parses text with parseEvent and parseEventRef and fails when
// the events or the reasons differ.
func parseBoth(t *testing.T, text []byte) {
	t.Helper()
	var got, want event
	gr, wr := parseEvent(text, &got), parseEventRef(text, &want)
	got.first = [64]uint8{} // the reference has no index (TestEventDataIndex checks it)
	if gr != wr || !reflect.DeepEqual(got, want) {
		t.Fatalf("parseEvent(%q):\n got %q %+v\nwant %q %+v", text, gr, got, wr, want)
	}
}

// refEvents returns the event texts of the test event files and of
// generated events, each up to its first "</Event>", as ingestXML hands
// them to parseEvent.
func refEvents(t *testing.T) [][]byte {
	var out [][]byte
	gen, _ := generated(t, 2000)
	texts := [][]byte{gen}
	for _, f := range []string{"linebreaks.xml", "processes_filesystem.xml", "rms_registry.xml", "certutil_extract.xml", "term_case.xml", "windows_raw.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "events", f))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, b)
	}
	for _, b := range texts {
		for _, ev := range bytes.SplitAfter(b, []byte("</Event>")) {
			if i := bytes.Index(ev, []byte("<Event")); i >= 0 {
				out = append(out, ev[i:])
			}
		}
	}
	return out
}

// TestParseEventMatchesRef compares parseEvent with parseEventRef on
// every test and generated event, on each cut short at every '<' and
// '>' and quote, and on random one-byte changes at the places the
// scanner's shortcuts look (tag ends, Data names, quotes).
func TestParseEventMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	subst := []byte("<>/'\" =\t\nNDa?!x")
	for n, ev := range refEvents(t) {
		parseBoth(t, ev)
		if n%10 != 0 {
			continue
		}
		for i, c := range ev {
			if c == '<' || c == '>' || c == '\'' || c == '"' || c == ' ' {
				parseBoth(t, ev[:i])
				parseBoth(t, ev[:i+1])
			}
		}
		for k := 0; k < 300; k++ {
			m := bytes.Clone(ev)
			for j := 0; j < 1+rng.IntN(3); j++ {
				m[rng.IntN(len(m))] = subst[rng.IntN(len(subst))]
			}
			parseBoth(t, m)
		}
	}
	for _, s := range []string{
		"<Data Name='x'>v</Data>", "<Data Name=\"x\">v</Data>", "<Data Name='x\">v</Data>", "<Data Name='x>v</Data>",
		"<Data Name='x'/>", "<Data  Name='x'>v</Data>", "<Data Name ='x'>v</Data>", "<Data Name='x' >v</Data>",
		"<Data Name=''>v</Data>", "<Data Name='a' Name='b'>v</Data>", "<Data xName='a' Name='b'>v</Data>",
		"<EventID>1</EventID>", "<EventID/>", "<EventID", "<EventID>", "<Computer>x", "<Computer/>y<",
		"<" + strconv.Itoa(1) + ">", "<a\tb='1'>", "<Data\tName='x'>v</Data><EventID>2</EventID>",
	} {
		parseBoth(t, []byte(s))
		parseBoth(t, []byte("<Event><System><EventID>4</EventID></System>"+s+"</Event>"))
	}
}

// lineBoth checks parseEventLine on line against the two passes it
// replaces: the first "</Event>" by bytes.Index, then parseEventRef of the
// text up to it. It returns whether parseEventLine was sure (ok).
func lineBoth(t *testing.T, line []byte) bool {
	t.Helper()
	var got, want event
	end, reason, ok := parseEventLine(line, &got)
	got.first = [64]uint8{} // the reference has no index (TestEventDataIndex checks it)
	wantEnd := bytes.Index(line, []byte("</Event>"))
	if wantEnd < 0 {
		if ok {
			t.Fatalf("parseEventLine(%q) = %d, ok; the line has no </Event>", line, end)
		}
		return false
	}
	if !ok {
		return false
	}
	wantEnd += len("</Event>")
	wantReason := parseEventRef(line[:wantEnd], &want)
	if end != wantEnd || reason != wantReason || !reflect.DeepEqual(got, want) {
		t.Fatalf("parseEventLine(%q) = %d %q %+v\nwant %d %q %+v", line, end, reason, got, wantEnd, wantReason, want)
	}
	return true
}

// TestParseEventLine compares parseEventLine with the two passes it
// replaces on every test and generated event as a line (with the line
// ends and text after the event ingestXML sees), on random one-byte
// changes, and on '<' and "</Event>" where the scanner steps over text;
// every unchanged event must take the one-pass path.
func TestParseEventLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	subst := []byte("<>/'\" =\nE")
	for n, ev := range refEvents(t) {
		for _, tail := range []string{"\n", "\r\n", "", "</Event>\n", " x<Event>\n"} {
			line := append(bytes.Clone(ev), tail...)
			if !lineBoth(t, line) && !bytes.Contains(ev, []byte("\n")) {
				t.Errorf("event %d with tail %q: not read in one pass: %q", n, tail, line)
			}
		}
		if n%5 != 0 {
			continue
		}
		for k := 0; k < 200; k++ {
			m := append(bytes.Clone(ev), '\n')
			for j := 0; j < 1+rng.IntN(3); j++ {
				m[rng.IntN(len(m))] = subst[rng.IntN(len(subst))]
			}
			lineBoth(t, m)
			at := rng.IntN(len(m))
			lineBoth(t, append(append(bytes.Clone(m[:at]), "</Event>"...), m[at:]...))
		}
	}
	for _, s := range []string{
		"<Event><System><Provider Name='</Event>'/><EventID>1</EventID></System></Event>",
		"<Event><System><EventID>1</EventID></System><EventData><Data Name='a</Event>'>v</Data></EventData></Event>",
		"<Event><System><EventID>1</EventID></System><EventData><Data Name='a'>v<x></Event></Data></EventData></Event>",
		"<Event><System><EventID>1</EventID></System><EventData><Data Name='a'>v</Event></Data></EventData></Event>",
		"<Event><System><Event</Event>ID>1</EventID></System></Event>",
		"<Event><System><EventID>1</EventID></System><Data Name='a'", "<Event><System><EventID>1",
		"<Event></Event>", "<Event><EventID>x</EventID></Event>", "<Event><Computer/></Event>",
	} {
		lineBoth(t, []byte(s+"\n"))
	}
}

// FuzzParseEvent checks parseEvent against parseEventRef, and
// parseEventLine against its two passes, on any bytes.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte("<Event><System><EventID>1</EventID></System><EventData><Data Name='a'>b</Data></EventData></Event>"))
	f.Add([]byte("<Data Name=\"x\"/><Data Name='y>z</Data>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got, want event
		gr, wr := parseEvent(b, &got), parseEventRef(b, &want)
		got.first = [64]uint8{}
		if gr != wr || !reflect.DeepEqual(got, want) {
			t.Fatalf("parseEvent(%q):\n got %q %+v\nwant %q %+v", b, gr, got, wr, want)
		}
		lineBoth(t, b)
	})
}

// TestEventDataIndex checks event.data, which starts at the first name
// of the wanted name's key, against a search of every name, on the test
// and generated events and on random lists of names that share keys,
// repeat, are empty or number over 255.
func TestEventDataIndex(t *testing.T) {
	linear := func(e *event, name string) []byte {
		for i, n := range e.names {
			if string(n) == name {
				if len(e.values[i]) == 0 {
					return nil
				}
				return e.values[i]
			}
		}
		return nil
	}
	check := func(e *event, extra ...string) {
		t.Helper()
		names := append([]string{}, extra...)
		for _, n := range e.names {
			names = append(names, string(n))
		}
		for _, n := range names {
			if got, want := e.data(n), linear(e, n); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
				t.Fatalf("data(%q) = %q, want %q (names %q)", n, got, want, e.names)
			}
		}
	}
	for _, ev := range refEvents(t) {
		var e event
		parseEvent(ev, &e)
		check(&e, "UtcTime", "TargetObject", "User", "Image", "Nope", "")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	alphabet := []string{"a", "b", "A", "Id", "ProcessId", "ProcessGuid", "", "x1", "1x", "aa", "ab", "ba"}
	for k := 0; k < 3000; k++ {
		var e event
		n := rng.IntN(12)
		if k%50 == 0 {
			n = 300 + rng.IntN(10)
		}
		for i := 0; i < n; i++ {
			name := alphabet[rng.IntN(len(alphabet))] + strconv.Itoa(rng.IntN(3))[:rng.IntN(2)]
			v := []byte(strconv.Itoa(i) + strings.Repeat("v", rng.IntN(2)))
			if rng.IntN(4) == 0 {
				v = v[:0] // an empty value: absent to data
			}
			e.addName([]byte(name), v)
		}
		check(&e, alphabet...)
	}
}
