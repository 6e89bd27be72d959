package datamodel

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// This file holds the baselines the ingest benchmarks are compared with in
// the same run: encoding/xml, the obvious alternative to the hand-written
// scanner of xmlevent.go, and the scanner alone on the same input. Compare
//
//	BenchmarkIngestBaselineEncodingXML  (encoding/xml, decode only)
//	BenchmarkIngestScannerOnly          (lineReader + parseEvent, decode only)
//	BenchmarkIngest                     (scanner + mapping + Arrow builders)
//
// with -cpu 1. The first two do the same work (System values and Data
// name/value pairs of every event, nothing more); TestEncodingXMLBaseline
// checks that they extract the same values, so the ratio is like for like.

// benchEvents is the number of generated events of every ingest benchmark
// (the same input as BenchmarkIngest).
const benchEvents = 20000

// xmlEvent is what the encoding/xml baseline decodes per event: the System
// values the scanner reads and the Data name/value pairs in order.
type xmlEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
		} `xml:"Provider"`
		EventID     string `xml:"EventID"`
		Version     string `xml:"Version"`
		Keywords    string `xml:"Keywords"`
		TimeCreated struct {
			SystemTime string `xml:"SystemTime,attr"`
		} `xml:"TimeCreated"`
		Channel  string `xml:"Channel"`
		Computer string `xml:"Computer"`
		Security struct {
			UserID string `xml:"UserID,attr"`
		} `xml:"Security"`
	} `xml:"System"`
	Data []xmlData `xml:"EventData>Data"`
}

// xmlData is one <Data Name='X'>value</Data> element.
type xmlData struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:",chardata"`
}

// decodeXML decodes every <Event> of text with one encoding/xml Decoder,
// calling fn for each, and returns the number of events decoded. ev is
// reused between events (encoding/xml appends to slices, so Data is
// truncated first), as a careful user of the package would.
func decodeXML(text []byte, fn func(*xmlEvent)) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(text))
	var ev xmlEvent
	n := 0
	for {
		data := ev.Data[:0]
		ev = xmlEvent{Data: data}
		err := d.Decode(&ev)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("encoding/xml: event %d: %w", n+1, err)
		}
		n++
		if fn != nil {
			fn(&ev)
		}
	}
}

// scanEvents frames text into events one line each, as the generator
// writes them (Ingest's one-line fast path: the event is parsed in place up
// to its "</Event>"), and parses each with the scanner, calling fn for each.
// It returns the number of events parsed.
func scanEvents(text []byte, fn func(*event)) (int, error) {
	lr := newLineReader(bytes.NewReader(text), readBufferSize)
	var e event
	n := 0
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if !isEventStart(line) {
			continue
		}
		end := indexEventEnd(line)
		if end < 0 {
			return n, fmt.Errorf("scanner: line %d: no </Event>", lr.line)
		}
		e.reset()
		if r := parseEvent(line[:end], &e); r != "" {
			return n, fmt.Errorf("scanner: line %d: %s", lr.line, r)
		}
		n++
		if fn != nil {
			fn(&e)
		}
	}
	if lr.err != nil {
		return n, fmt.Errorf("scanner: %w", lr.err)
	}
	return n, nil
}

// flatXML and flatScan render the values both decoders extract as one
// comparable line per event.
func flatXML(e *xmlEvent) string {
	s := &e.System
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%s|%s", s.Provider.Name, s.EventID, s.Version, s.Keywords,
		s.TimeCreated.SystemTime, s.Channel, s.Computer, s.Security.UserID)
	for _, d := range e.Data {
		fmt.Fprintf(&b, "|%s=%s", d.Name, d.Value)
	}
	return b.String()
}

func flatScan(e *event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%s|%s", e.provider, e.eventIDText, e.version, e.keywords,
		e.timeCreated, e.channel, e.computer, e.userID)
	for i, n := range e.names {
		fmt.Fprintf(&b, "|%s=%s", n, e.values[i])
	}
	return b.String()
}

// TestEncodingXMLBaseline checks that the encoding/xml baseline and the
// scanner extract the same values from the benchmark input, so that the
// benchmark ratio compares the same work. The one intended difference is
// entity decoding: encoding/xml turns "&amp;" into "&", the scanner keeps
// it (doc.go); the comparison re-escapes the baseline's "&" for that.
func TestEncodingXMLBaseline(t *testing.T) {
	text, counts := generated(t, 3000)
	want := counts.Registry + counts.Process + counts.Network + counts.Security
	var fromXML, fromScan []string
	nx, err := decodeXML(text, func(e *xmlEvent) {
		fromXML = append(fromXML, strings.ReplaceAll(flatXML(e), "&", "&amp;"))
	})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := scanEvents(text, func(e *event) { fromScan = append(fromScan, flatScan(e)) })
	if err != nil {
		t.Fatal(err)
	}
	if nx != want || ns != want {
		t.Fatalf("events: encoding/xml %d, scanner %d, generated %d", nx, ns, want)
	}
	entities := 0
	for i := range fromXML {
		if fromXML[i] != fromScan[i] {
			t.Fatalf("event %d differs:\nencoding/xml: %s\nscanner:      %s", i+1, fromXML[i], fromScan[i])
		}
		if strings.Contains(fromScan[i], "&amp;") {
			entities++
		}
	}
	// The input must exercise the entity difference, or the re-escaping
	// above proves nothing.
	if entities == 0 {
		t.Error("no generated event holds &amp;")
	}
}

// BenchmarkIngestBaselineEncodingXML decodes the input of BenchmarkIngest
// with encoding/xml into xmlEvent values (decode only: no mapping, no
// Arrow). Run with -cpu 1; it reports MB/s and events/s.
func BenchmarkIngestBaselineEncodingXML(b *testing.B) {
	benchDecode(b, func(text []byte) (int, error) { return decodeXML(text, nil) })
}

// BenchmarkIngestScannerOnly runs the hand-written scanner alone (line
// framing and parseEvent) over the input of BenchmarkIngest: the same work
// as BenchmarkIngestBaselineEncodingXML. Run with -cpu 1.
func BenchmarkIngestScannerOnly(b *testing.B) {
	benchDecode(b, func(text []byte) (int, error) { return scanEvents(text, nil) })
}

// benchDecode runs decode over the input of BenchmarkIngest, checks that
// it read every event, and reports MB/s and events/s.
func benchDecode(b *testing.B, decode func([]byte) (int, error)) {
	text, counts := generated(b, benchEvents)
	events := counts.Registry + counts.Process + counts.Network + counts.Security
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n, err := decode(text)
		if err != nil {
			b.Fatal(err)
		}
		if n != events {
			b.Fatalf("decoded %d events, want %d", n, events)
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
