package datamodel

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// eventRows returns every event of the store as field -> values, in the
// store's order (newest first).
func eventRows(t *testing.T, s *Store) []map[string][]string {
	t.Helper()
	st := s.Events()
	out := make([]map[string][]string, st.Len())
	var rd RawReader
	for _, ch := range st.Chunks() {
		b := ch.Batch
		for r := 0; r < int(b.NumRows()); r++ {
			m := map[string][]string{}
			for c, f := range b.Schema().Fields() {
				col := b.Column(c)
				if col.IsNull(r) {
					continue
				}
				switch a := col.(type) {
				case *array.Dictionary:
					m[f.Name] = []string{a.Dictionary().(*array.String).Value(a.GetValueIndex(r))}
				case *array.String:
					m[f.Name] = []string{a.Value(r)}
				case *array.List:
					vs := a.ListValues().(*array.String)
					s, e := a.ValueOffsets(r)
					for j := s; j < e; j++ {
						m[f.Name] = append(m[f.Name], vs.Value(int(j)))
					}
				case *array.Timestamp:
					m[f.Name] = []string{a.Value(r).ToTime(arrow.Millisecond).UTC().Format("2006-01-02T15:04:05.000")}
				}
			}
			raw, err := ch.Raw(r, &rd)
			if err != nil {
				t.Fatal(err)
			}
			m[FieldRaw] = []string{string(raw)}
			out[ch.Pos[r]] = m
		}
	}
	return out
}

func TestEventStoreFields(t *testing.T) {
	// A 4688 without CommandLine, a 7045 with Qualifiers on EventID, a 4104
	// with a multi-line ScriptBlockText, an empty Path, and a repeated Data
	// name; entities stay verbatim.
	text := strings.Join([]string{
		`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/><EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2021-01-14T23:41:39.938175300Z'/><EventRecordID>309556</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='164'/><Channel>Security</Channel><Computer>dc1.example.com</Computer><Security/></System><EventData><Data Name='SubjectUserName'>DC1$</Data><Data Name='NewProcessId'>0x1b28</Data><Data Name='NewProcessName'>C:\Windows\System32\whoami.exe</Data><Data Name='ProcessId'>0x1acc</Data><Data Name='TargetUserName'>-</Data><Data Name='ParentProcessName'>C:\Windows\System32\cmd.exe</Data></EventData></Event>`,
		`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager' Guid='{555908d1-a6d7-4695-8e1e-26931d2012f4}' EventSourceName='Service Control Manager'/><EventID Qualifiers='16384'>7045</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8080000000000000</Keywords><TimeCreated SystemTime='2021-01-14T23:41:40.000Z'/><EventRecordID>7</EventRecordID><Correlation/><Execution ProcessID='660' ThreadID='700'/><Channel>System</Channel><Computer>dc1.example.com</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='ServiceName'>a &amp; b</Data><Data Name='ImagePath'>C:\x.exe</Data><Data Name='X'>1</Data><Data Name='X'>2</Data><Data Name='Empty'></Data></EventData></Event>`,
		`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-PowerShell' Guid='{a0c1853b-5c40-4b15-8766-3cf1c58f985a}'/><EventID>4104</EventID><Version>1</Version><Level>5</Level><Task>2</Task><Opcode>15</Opcode><Keywords>0x0</Keywords><TimeCreated SystemTime='2021-01-14T23:41:38.5Z'/><EventRecordID>9</EventRecordID><Correlation ActivityID='{3e02b68e-0000-0000-0000-000000000000}'/><Execution ProcessID='18992' ThreadID='14176'/><Channel>Microsoft-Windows-PowerShell/Operational</Channel><Computer>ws1</Computer><Security UserID='S-1-5-21-1'/></System><EventData><Data Name='MessageNumber'>1</Data><Data Name='ScriptBlockText'>line one`,
		`line "two" &lt;x&gt;</Data><Data Name='Path'></Data></EventData></Event>`,
	}, "\n") + "\n"
	s := ingestText(t, text, Options{})
	st := s.Stats()
	if st.Kept != 3 || len(st.Skipped) != 0 {
		t.Fatalf("stats %+v, want 3 kept, none skipped", st)
	}
	rows := eventRows(t, s)
	// Newest first: the 7045 (23:41:40), the 4688 (39.938), the 4104 (38.5).
	want := []map[string][]string{
		{"EventCode": {"4688"}, "_time": {"2021-01-14T23:41:39.938"}, "source": {"XmlWinEventLog:Security"},
			"process": {`C:\Windows\System32\whoami.exe`}, "process_name": {"whoami.exe"}, "process_id": {"0x1b28"},
			"parent_process": {`C:\Windows\System32\cmd.exe`}, "parent_process_id": {"0x1acc"},
			"user": {"DC1$"}, "src_user": {"DC1$"}, "dest": {"dc1.example.com"}, "action": {"allowed"}, "status": {"success"},
			"Name": {"'Microsoft-Windows-Security-Auditing'"}, "ProcessID": {"'4'"}, "UserID": nil, "Process_Command_Line": nil,
			"signature": {"A new process has been created"}},
		{"EventCode": {"7045"}, "EventID": nil, "Qualifiers": {"'16384'"}, "source": {"XmlWinEventLog:System"},
			"ServiceName": {"a &amp; b"}, "service_name": {"a &amp; b"}, "X": {"1", "2"}, "Empty": nil,
			"UserID": {"'S-1-5-18'"}, "user_id": {"'S-1-5-18'"}, "dest": {"dc1.example.com"},
			"eventtype": {"endpoint_services_processes", "windows_event_signature", "wineventlog_system", "wineventlog_windows"}},
		{"EventCode": {"4104"}, "_time": {"2021-01-14T23:41:38.500"}, "ScriptBlockText": {"line one\nline \"two\" &lt;x&gt;"},
			"Path": nil, "dest": nil, "user": nil, "ActivityID": {"'{3e02b68e-0000-0000-0000-000000000000}'"},
			"vendor_product": {"Microsoft Windows"}, "eventtype": {"endpoint_services_processes", "windows_event_signature"}},
	}
	order := []int{1, 0, 2}
	for i, w := range want {
		got := rows[order[i]]
		for k, v := range w {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("event %s: %s = %q, want %q", w["EventCode"], k, got[k], v)
			}
		}
	}
	if got := XMLBlock("EventData_Xml", []byte(strings.Split(text, "\n")[1])); !strings.HasPrefix(string(got), "<Data Name='ServiceName'>") {
		t.Errorf("EventData_Xml = %q", got)
	}
}

// TestDataWhitespace pins the choice of doc.go, "Whitespace around Data
// values": a Data field loses the whitespace around its value (the
// SidHistory of attack_data's T1134.005 file starts with CR LF TAB TAB), a
// value of whitespace alone is absent, and the Security add-on's EXTRACTs
// over _raw keep the text as written (Process_Command_Line keeps its
// trailing space).
func TestDataWhitespace(t *testing.T) {
	text := "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4688</EventID><Version>2</Version><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2022-08-04T09:26:26.793Z'/><EventRecordID>1</EventRecordID><Channel>Security</Channel><Computer>dc1</Computer><Security/></System><EventData>" +
		"<Data Name='SidHistory'>\r\n\t\t%{S-1-5-21-1-500}</Data><Data Name='Blank'> \t</Data>" +
		"<Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data><Data Name='CommandLine'>cmd.exe /c dir </Data></EventData></Event>\n"
	s := ingestText(t, text, Options{})
	if st := s.Stats(); st.Kept != 1 {
		t.Fatalf("stats %+v, want 1 kept", st)
	}
	got := eventRows(t, s)[0]
	want := map[string][]string{
		"SidHistory": {"%{S-1-5-21-1-500}"}, "Blank": nil, "CommandLine": {"cmd.exe /c dir"},
		"Process_Command_Line": {"cmd.exe /c dir "}, "process": {`C:\Windows\System32\cmd.exe /c dir `},
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// TestEventStoreLayout checks that the event store's rows do not depend on
// how it is laid out: batches of 300 rows (every column a dictionary, as
// no batch reaches plainProbe values) against the default batches (whose
// mostly distinct columns turn plain utf8), on one core and on several
// (segments built in parallel), and a store built, then grown by a second
// input and rebuilt from the texts held in its first build's _raw columns.
func TestEventStoreLayout(t *testing.T) {
	text, _ := generated(t, 3*eventSegment/2+1000)
	lines := strings.SplitAfter(string(text), "\n")
	half := strings.Join(lines[:len(lines)/2], "")
	rest := strings.Join(lines[len(lines)/2:], "")
	want := eventRows(t, ingestText(t, string(text), Options{BatchSize: 300}))
	if len(want) != 3*eventSegment/2+1000 {
		t.Fatalf("%d events, want %d", len(want), 3*eventSegment/2+1000)
	}
	check := func(name string, s *Store) {
		t.Helper()
		if got := eventRows(t, s); !reflect.DeepEqual(got, want) {
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("%s: event %d = %v, want %v", name, i, got[i], want[i])
				}
			}
			t.Fatalf("%s: %d events, want %d", name, len(got), len(want))
		}
	}
	s := ingestText(t, string(text), Options{})
	plain, dict := 0, 0
	for _, ch := range s.Events().Chunks() {
		for i, f := range ch.Batch.Schema().Fields() {
			switch ch.Batch.Column(i).(type) {
			case *array.String:
				if f.Name != FieldRaw {
					plain++
				}
			case *array.Dictionary:
				dict++
			}
		}
	}
	if plain == 0 || dict == 0 {
		t.Fatalf("%d plain and %d dictionary columns, want both kinds", plain, dict)
	}
	check("default", s)
	prev := runtime.GOMAXPROCS(1)
	one := ingestText(t, string(text), Options{})
	one.Events()
	runtime.GOMAXPROCS(prev)
	check("one core", one)
	if a, b := len(one.Events().Chunks()), len(s.Events().Chunks()); a != b {
		t.Errorf("%d chunks on one core, %d on %d", a, b, prev)
	}
	grown := ingestText(t, half, Options{})
	grown.Events()
	if err := grown.Ingest(strings.NewReader(rest), "rest.log"); err != nil {
		t.Fatal(err)
	}
	check("grown", grown)
}
