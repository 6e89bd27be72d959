package datamodel

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		reason   string
		eid      int
		provider string
		channel  string
		computer string
		keywords string
		userID   string
		data     map[string]string
	}{
		{
			name: "single quotes",
			in:   regEvt(13, "SetValue", `HKLM\A\B`, kv{"Details", "a &amp; b &lt;c&gt;"}).xml(),
			eid:  13, provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational",
			computer: "win-host-623.attackrange.local", keywords: "0x8000000000000000", userID: "S-1-5-18",
			data: map[string]string{"EventType": "SetValue", "TargetObject": `HKLM\A\B`, "Details": "a &amp; b &lt;c&gt;"},
		},
		{
			name: "double quotes, pretty-printed, qualifiers",
			in: "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\r\n  <System>\r\n" +
				"    <Provider Name=\"Microsoft-Windows-Security-Auditing\" Guid=\"{54849625}\" />\r\n" +
				"    <EventID Qualifiers=\"0\">4624</EventID>\r\n    <Channel>Security</Channel>\r\n" +
				"    <Computer>dc1</Computer>\r\n    <Security />\r\n  </System>\r\n  <EventData>\r\n" +
				"    <Data Name=\"TargetUserName\">bob</Data>\r\n    <Data Name=\"Empty\" />\r\n" +
				"    <Data Name=\"Multi\">line1\r\nline2</Data>\r\n  </EventData>\r\n</Event>",
			eid: 4624, provider: "Microsoft-Windows-Security-Auditing", channel: "Security", computer: "dc1",
			data: map[string]string{"TargetUserName": "bob", "Empty": "", "Multi": "line1\r\nline2"},
		},
		{
			name: "empty Data elements",
			in:   evt{eid: 1, data: []kv{{"RuleName", ""}, {"Other", selfClose}, {"UtcTime", "2021-01-01 00:00:00.000"}}}.xml(),
			eid:  1, provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational",
			computer: "win-host-623.attackrange.local", keywords: "0x8000000000000000", userID: "S-1-5-18",
			data: map[string]string{"RuleName": "", "Other": "", "UtcTime": "2021-01-01 00:00:00.000"},
		},
		{
			// A self-closing System element has no text: the white space
			// after it belongs to <System>, so dest is not "\n    ".
			name: "self-closing System elements",
			in: "<Event>\n  <System>\n    <EventID>13</EventID>\n    <Keywords/>\n    <Channel/>\n" +
				"    <Computer/>\n  </System>\n</Event>",
			eid: 13,
		},
		{name: "no EventID", in: "<Event><System><Provider Name='x'/></System></Event>", reason: "no EventID"},
		{name: "bad EventID", in: "<Event><System><EventID>1x</EventID></System></Event>", reason: `bad EventID "1x"`},
		{name: "unterminated Data", in: "<Event><System><EventID>1</EventID></System><EventData><Data Name='a'>x</Event>", reason: "<Data Name='a'> without </Data>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e event
			reason := parseEvent([]byte(tc.in), &e)
			if reason != tc.reason {
				t.Fatalf("reason %q, want %q", reason, tc.reason)
			}
			if reason != "" {
				return
			}
			got := map[string]string{}
			for i, n := range e.names {
				got[string(n)] = string(e.values[i])
			}
			for k, v := range tc.data {
				if got[k] != v {
					t.Errorf("Data %s = %q, want %q", k, got[k], v)
				}
			}
			if e.eventID != tc.eid || string(e.provider) != tc.provider || string(e.channel) != tc.channel ||
				string(e.computer) != tc.computer || string(e.keywords) != tc.keywords || string(e.userID) != tc.userID {
				t.Errorf("system = %d %q %q %q %q %q", e.eventID, e.provider, e.channel, e.computer, e.keywords, e.userID)
			}
		})
	}
}

func TestAttr(t *testing.T) {
	tests := []struct {
		attrs, name, want string
		ok                bool
	}{
		{` Name='a' Guid='b'`, "Name", "a", true},
		{` Guid="b" Name = "a b"`, "Name", "a b", true},
		{` XName='z' Name='a'`, "Name", "a", true},
		{` Name=a`, "Name", "", false},
		{` Other='a'`, "Name", "", false},
	}
	for _, tc := range tests {
		got, ok := attr([]byte(tc.attrs), tc.name)
		if string(got) != tc.want || ok != tc.ok {
			t.Errorf("attr(%q, %q) = %q, %v; want %q, %v", tc.attrs, tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// TestIngestFraming checks event separation and the accounting of every
// event read: used, skipped, or malformed with a problem line.
func TestIngestFraming(t *testing.T) {
	good := regEvt(13, "SetValue", `HKLM\SOFTWARE\A\B`, kv{"Details", "DWORD (0x00000001)"}).xml()
	multi := strings.Replace(good, "<EventData>", "\n<EventData>\n", 1)
	sec := evt{provider: "Microsoft-Windows-Security-Auditing", channel: "Security", eid: 4624}.xml()
	eid22 := evt{eid: 22, data: []kv{{"UtcTime", "2021-01-01 00:00:00.000"}, {"QueryName", "example.com"}}}.xml()
	badTime := regEvt(12, "CreateKey", `HKLM\X`)
	badTime.data[2].v = "2021-13-01 00:00:00.000"
	tests := []struct {
		name     string
		text     string
		used     int
		skipped  map[string]int
		problems []string
	}{
		{"one line LF", good + "\n" + good + "\n", 2, nil, nil},
		{"CRLF and BOM", "\xef\xbb\xbf" + good + "\r\n" + good + "\r\n", 2, nil, nil},
		{"no final newline", good + "\n" + good, 2, nil, nil},
		{"multi-line event", multi + "\n" + good + "\n", 2, nil, nil},
		{"multi-line CRLF", strings.ReplaceAll(multi, "\n", "\r\n") + "\r\n", 1, nil, nil},
		{"two events on one line", good + good + "\n", 2, nil, nil},
		// Events of other providers and EventIDs are kept as events, not
		// skipped.
		{"other providers and EventIDs", sec + "\n" + eid22 + "\n" + good + "\n", 1, nil, nil},
		{"garbage lines", "hello\nworld\n\n" + good + "\nbye\n", 1, map[string]int{
			"malformed: text outside an <Event> element": 2,
		}, []string{`test.log:1: text outside an <Event> element: "hello"`, `test.log:5: text outside an <Event> element: "bye"`}},
		// Two classic WinEventLog text events between XML events (as in
		// attack_data's certutil file): each counts once, blank lines in
		// its Message and all; a line that only looks like a header (a
		// 24-hour time) does not start one.
		{"classic text events", good + "\n01/14/2021 11:41:39 PM\r\nLogName=Microsoft-Windows-PowerShell/Operational\r\nEventCode=4104\r\nMessage=Creating Scriptblock text (1 of 1):\r\nline one\r\n\r\nline two\r\n\r\nScriptBlock ID: 5a4f\r\nPath:\r\n" +
			"01/14/2021 11:41:08 AM\nLogName=Security\n\nMessage=x\n13/14/2021 23:41:08 XM\n" + good + "\nbye\n\nagain\n", 2, map[string]int{
			"malformed: classic WinEventLog text event (key=value lines, not XML; not read)": 2,
			"malformed: text outside an <Event> element":                                     2,
		}, []string{`test.log:2: classic WinEventLog text event (key=value lines, not XML; not read): "01/14/2021 11:41:39 PM"`,
			`test.log:12: classic WinEventLog text event (key=value lines, not XML; not read): "01/14/2021 11:41:08 AM"`,
			`test.log:18: text outside an <Event> element: "bye"`, `test.log:20: text outside an <Event> element: "again"`}},
		{"truncated last event", good + "\n" + good[:200], 1, map[string]int{
			"malformed: no </Event> before end of input": 1,
		}, []string{"test.log:2: no </Event> before end of input"}},
		{"truncated before next event", good[:300] + "\n" + good + "\n", 1, map[string]int{
			"malformed: no </Event> before the next <Event": 1,
		}, []string{"test.log:1: no </Event> before the next <Event"}},
		{"bad UtcTime", badTime.xml() + "\n", 0, map[string]int{"malformed: bad UtcTime": 1},
			[]string{`test.log:1: bad UtcTime: "2021-13-01 00:00:00.000"`}},
		{"missing EventID", "<Event><System><Channel>x</Channel></System></Event>\n", 0,
			map[string]int{"malformed: no EventID": 1}, []string{"test.log:1: no EventID"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ingestText(t, tc.text, Options{})
			st := s.Stats()
			if st.Used["Endpoint.Registry"] != tc.used {
				t.Errorf("used %d, want %d", st.Used["Endpoint.Registry"], tc.used)
			}
			if tc.skipped == nil {
				tc.skipped = map[string]int{}
			}
			if !reflect.DeepEqual(st.Skipped, tc.skipped) {
				t.Errorf("skipped %v, want %v", st.Skipped, tc.skipped)
			}
			if !reflect.DeepEqual(st.Problems, tc.problems) {
				t.Errorf("problems %q, want %q", st.Problems, tc.problems)
			}
			checkAccounting(t, st)
			if st.Bytes != int64(len(tc.text)) {
				t.Errorf("Bytes %d, want %d", st.Bytes, len(tc.text))
			}
			for _, r := range rows(t, s, "Endpoint.Registry") {
				if r["registry_value_data"] != "0x00000001" && r["registry_path"] != `HKLM\SOFTWARE\A\B` {
					t.Errorf("unexpected row %v", r)
				}
			}
		})
	}
}

// checkAccounting asserts Events == Kept + sum(Skipped): every event read
// is kept in the event store or skipped with a reason, and no dataset
// holds more rows than there are kept events.
func checkAccounting(t testing.TB, st Stats) {
	t.Helper()
	n := st.Kept
	for _, v := range st.Skipped {
		n += v
	}
	if n != st.Events {
		t.Errorf("Events %d != kept+skipped %d (%+v)", st.Events, n, st)
	}
	used := 0
	for _, v := range st.Used {
		used += v
	}
	if used > st.Kept {
		t.Errorf("%d dataset rows from %d kept events (%+v)", used, st.Kept, st)
	}
	if err := st.Check(); err != nil {
		t.Errorf("%v (%+v)", err, st)
	}
}

func TestProblemsBounded(t *testing.T) {
	good := regEvt(13, "SetValue", `HKLM\SOFTWARE\A\B`, kv{"Details", "DWORD (0x00000001)"}).xml()
	junk := strings.Repeat("junk\n\n", 50)
	// The 50 runs of junk count as malformed events whether they come
	// after the first event or before it (held back until the event shows
	// that the input holds events), and only the first 20 are listed.
	for name, text := range map[string]string{"after": good + "\n" + junk, "before": junk + good + "\n"} {
		st := ingestText(t, text, Options{}).Stats()
		if len(st.Problems) != maxProblems {
			t.Errorf("%s: %d problems kept, want %d", name, len(st.Problems), maxProblems)
		}
		if st.Skipped["malformed: text outside an <Event> element"] != 50 || st.Events != 51 || st.Used["Endpoint.Registry"] != 1 {
			t.Errorf("%s: stats %+v, want 50 malformed events and 1 used", name, st)
		}
		checkAccounting(t, st)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("disk on fire")
	}
	r.n--
	return copy(p, "junk\n"), nil
}

func TestIngestReadError(t *testing.T) {
	s := NewStore(DefaultCatalog(), Options{})
	err := s.Ingest(&failingReader{n: 1}, "f.log")
	if err == nil || !strings.Contains(err.Error(), "f.log") || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v, want one naming f.log and the cause", err)
	}
	if err := s.IngestFile("/nonexistent/x.log"); err == nil || !strings.Contains(err.Error(), "/nonexistent/x.log") {
		t.Fatalf("IngestFile error %v, want one naming the path", err)
	}
}

func TestLongLine(t *testing.T) {
	long := strings.Repeat("A", 3*readBufferSize)
	e := regEvt(13, "SetValue", `HKLM\SOFTWARE\V`, kv{"Details", long})
	got := rows(t, ingestText(t, e.xml()+"\n"+e.xml(), Options{}), "Endpoint.Registry")
	if len(got) != 2 || got[1]["registry_value_data"] != long {
		t.Fatalf("long line not read back: %d rows", len(got))
	}
}

// TestEventTooLong pins the bound on a multi-line event's text: an event
// whose </Event> comes after more than maxEvent bytes is one malformed
// event, an "<Event" line with no end does not keep the rest of the input
// in memory, and the events around it are read.
func TestEventTooLong(t *testing.T) {
	good := regEvt(13, "SetValue", `HKLM\SOFTWARE\A\B`, kv{"Details", "DWORD (0x00000001)"}).xml()
	multi := strings.Replace(good, "<EventData>", "\n<EventData>\n", 1)
	long := strings.Replace(good, "<EventData>", "\n"+strings.Repeat("<Pad/>\n", 200)+"<EventData>", 1)
	tests := []struct {
		name     string
		text     string
		used     int
		problems []string
		pending  int // the most pending may hold afterwards
	}{
		{"within the bound", multi + "\n" + good + "\n", 2, nil, 1000},
		{"too long, then closed", long + "\n" + good + "\n", 1, []string{"test.log:1: event longer than 1,000 bytes"}, 1000},
		{"too long, never closed", good[:300] + "\n" + strings.Repeat("<Pad/>\n", 10000), 0,
			[]string{"test.log:1: no </Event> before end of input"}, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore(DefaultCatalog(), Options{})
			s.impl.maxEvent = 1000
			if err := s.Ingest(strings.NewReader(tc.text), "test.log"); err != nil {
				t.Fatal(err)
			}
			st := s.Stats()
			if st.Used["Endpoint.Registry"] != tc.used || !reflect.DeepEqual(st.Problems, tc.problems) {
				t.Errorf("used %d, problems %q; want %d, %q", st.Used["Endpoint.Registry"], st.Problems, tc.used, tc.problems)
			}
			checkAccounting(t, st)
			if cap(s.impl.pending) > 2*tc.pending {
				t.Errorf("pending buffer grew to %d bytes", cap(s.impl.pending))
			}
		})
	}
}
