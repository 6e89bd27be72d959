package evtx

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	w "github.com/minispl/minispl/evtx/internal/evtxwrite"
)

var updateTestdata = flag.Bool("update-testdata", false, "rewrite ../testdata/events/*.evtx from their .xml")

// testdataEVTX are the project's XmlWinEventLog event files that are also
// kept as EVTX, written by evtxwrite from the XML: the golden cases
// evtx_*.test and datamodel's TestEVTXMatchesXML run the same searches over
// both.
var testdataEVTX = []string{"rms_registry", "processes_filesystem"}

// xmlEvent is the part of an XmlWinEventLog event that a Windows event
// record holds (the System values of the Windows template and the Data
// elements).
type xmlEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
			GUID string `xml:"Guid,attr"`
		}
		EventID struct {
			Value      string `xml:",chardata"`
			Qualifiers string `xml:"Qualifiers,attr"`
		}
		Version, Level, Task, Opcode, Keywords, EventRecordID string
		TimeCreated                                           struct {
			SystemTime string `xml:"SystemTime,attr"`
		}
		Execution struct {
			ProcessID string `xml:"ProcessID,attr"`
			ThreadID  string `xml:"ThreadID,attr"`
		}
		Channel, Computer string
		Security          struct {
			UserID string `xml:"UserID,attr"`
		}
	}
	EventData struct {
		Data []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		}
	}
}

// eventsFromXML converts the well-formed events of an XmlWinEventLog file
// into writer events (values decoded: the reader escapes them again). The
// file's malformed events (kept there on purpose) are not converted; they
// map to no row, so both forms give the same rows.
func eventsFromXML(t *testing.T, text []byte) ([]w.Event, int) {
	var out []w.Event
	dropped := 0
	for {
		i := bytes.Index(text, []byte("<Event"))
		if i < 0 {
			break
		}
		j := bytes.Index(text[i:], []byte("</Event>"))
		if j < 0 {
			dropped++
			break
		}
		seg := text[i : i+j+len("</Event>")]
		text = text[i+j+len("</Event>"):]
		if k := bytes.Index(seg[1:], []byte("<Event")); k >= 0 && bytes.HasPrefix(seg[k+1:], []byte("<Event ")) {
			// A second event starts before this one ends: malformed.
			text = append(append([]byte(nil), seg[k+1:]...), text...)
			dropped++
			continue
		}
		var x xmlEvent
		if err := xml.Unmarshal(seg, &x); err != nil {
			dropped++
			continue
		}
		ev, ok := toWriterEvent(x)
		if !ok {
			dropped++
			continue
		}
		out = append(out, ev)
	}
	return out, dropped
}

func toWriterEvent(x xmlEvent) (w.Event, bool) {
	s := x.System
	num := func(v string, bits int) (uint64, bool) {
		if v == "" {
			return 0, true
		}
		n, err := strconv.ParseUint(v, 10, bits)
		return n, err == nil
	}
	id, ok1 := num(strings.TrimSpace(s.EventID.Value), 16)
	ver, ok2 := num(s.Version, 8)
	lvl, ok3 := num(s.Level, 8)
	task, ok4 := num(s.Task, 16)
	op, ok5 := num(s.Opcode, 8)
	rid, ok6 := num(s.EventRecordID, 64)
	pid, ok7 := num(s.Execution.ProcessID, 32)
	tid, ok8 := num(s.Execution.ThreadID, 32)
	kw, err := strconv.ParseUint(strings.TrimPrefix(s.Keywords, "0x"), 16, 64)
	tc, err2 := time.Parse(time.RFC3339Nano, s.TimeCreated.SystemTime)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8) || err != nil || err2 != nil || s.EventID.Qualifiers != "" ||
		(s.Security.UserID != "" && !strings.HasPrefix(s.Security.UserID, "S-")) {
		return w.Event{}, false
	}
	ev := w.Event{
		Provider: s.Provider.Name, ProviderGUID: s.Provider.GUID, EventID: uint16(id), Qualifiers: -1,
		Version: uint8(ver), Level: uint8(lvl), Task: uint16(task), Opcode: uint8(op), Keywords: kw,
		TimeCreated: tc, RecordID: rid, ProcessID: uint32(pid), ThreadID: uint32(tid),
		Channel: s.Channel, Computer: s.Computer, UserID: s.Security.UserID,
	}
	for _, d := range x.EventData.Data {
		ev.Data = append(ev.Data, w.NV(d.Name, d.Value))
	}
	return ev, true
}

// TestTestdataEVTX keeps ../testdata/events/NAME.evtx equal to what the
// writer makes of NAME.xml (-update-testdata rewrites them), and checks
// that reading it back renders every converted event.
func TestTestdataEVTX(t *testing.T) {
	for _, name := range testdataEVTX {
		src := filepath.Join("..", "testdata", "events", name+".xml")
		text, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		evs, dropped := eventsFromXML(t, text)
		wr := w.New()
		for _, ev := range evs {
			if err := wr.AddEvent(ev); err != nil {
				t.Fatal(err)
			}
		}
		b := wr.Bytes()
		dst := filepath.Join("..", "testdata", "events", name+".evtx")
		if *updateTestdata {
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(dst)
		if err != nil {
			t.Fatalf("%v (go test ./evtx -run TestTestdataEVTX -update-testdata writes it)", err)
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s is not what the writer makes of %s: run go test ./evtx -run TestTestdataEVTX -update-testdata", dst, src)
		}
		out, st := readAll(t, got)
		if len(out) != len(evs) || st.Skipped != 0 {
			t.Errorf("%s: read %d records (%d skipped), wrote %d", dst, len(out), st.Skipped, len(evs))
		}
		t.Logf("%s: %d events, %d malformed ones of the XML not converted", dst, len(evs), dropped)
	}
}
