package datamodel

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// xmlText undoes the XML entities the tests' events use, giving the text
// that a JSON rendering of the same event holds.
var xmlText = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&")

// nxlog renders an XmlWinEventLog event line as one JSON line in the shape
// NXLog's im_msvistalog and OTRF write: EventData fields at top level with
// decoded text, Keywords as a signed integer, NXLog's own EventType moved
// to EventTypeOrignal when Sysmon has an EventType, plus the usual NXLog and
// Logstash metadata. escapeHTML selects encoding/json's \u0026-style
// escaping of '&', '<' and '>'.
func nxlog(t testing.TB, xmlLine []byte, escapeHTML bool) []byte {
	t.Helper()
	var e event
	if r := parseEvent(xmlLine, &e); r != "" {
		t.Fatalf("parseEvent: %s", r)
	}
	m := map[string]any{
		"EventID": e.eventID, "SourceName": string(e.provider), "Channel": string(e.channel),
		"Hostname": string(e.computer), "UserID": string(e.userID),
		"EventTime": "2021-07-12 04:11:04", "SeverityValue": 2, "Severity": "INFO",
		"host": "wec.internal.cloudapp.net", "port": 53971, "@version": "1",
		"tags": []string{"mordorDataset"}, "Message": "Registry value set:\r\nRuleName: -",
		"ProviderGuid": "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", "Category": "x (rule: y)",
		"Domain": "NT AUTHORITY", "AccountName": "SYSTEM", "RecordNumber": 115295,
		"EventType": "INFO", "@timestamp": string(e.timeCreated),
	}
	if v, err := strconv.ParseUint(strings.TrimPrefix(string(e.keywords), "0x"), 16, 64); err == nil {
		m["Keywords"] = int64(v)
	}
	if v, err := strconv.Atoi(string(e.version)); err == nil {
		m["Version"] = v
	}
	for i, n := range e.names {
		if string(n) == "EventType" {
			m["EventTypeOrignal"] = "INFO"
		}
		if len(e.values[i]) == 0 {
			continue // an empty Data element is absent in NXLog's output
		}
		m[string(n)] = xmlText.Replace(string(e.values[i]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want Kind
	}{
		{"<Event xmlns='x'>", KindXML},
		{"\xef\xbb\xbf\r\n  <Event>", KindXML},
		{`{"EventID":1}`, KindJSON},
		{"\xef\xbb\xbf\n\n\t{", KindJSON},
		{"[{}]", KindJSON},
		{"PK\x03\x04rest", KindZip},
		{"PK\x05\x06", KindZip},
		{"", KindEmpty},
		{"  \n", KindXML}, // blank text: read, then skipped as empty
		{"hello", KindXML},
		{"evtxexport 20181227\n\n<Event", KindXML},
		{"\xff\xfe<\x00E\x00", KindUTF16},
		{"\xfe\xff\x00<\x00E", KindUTF16},
		{"<\x00E\x00v\x00", KindUTF16}, // UTF-16LE without a byte order mark
		{"\x1f\x8b\x08\x00\x00\x00", KindGzip},
		{"\x1f\x8b\x09", KindXML}, // not deflate: control characters, read as text
		{"ElfFile\x00\x00\x00", KindEVTX},
		{"ElfFile!", KindXML}, // no NUL: text
		{"\x89PNG\r\n\x1a\n\x00\x00", KindBinary},
		{"text\x00", KindBinary},
	}
	for _, tc := range tests {
		if got := Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

func TestLineReaderHead(t *testing.T) {
	// head must see past leading blank lines even when the reader hands
	// out one byte at a time, and next must then return every line.
	text := "\n\n  \n{\"a\":1}\nx\n"
	lr := newLineReader(&oneByteReader{s: text}, 64)
	if h := lr.head(4); Sniff(h) != KindJSON {
		t.Fatalf("head %q not sniffed as JSON", h)
	}
	var got []string
	for {
		l, ok := lr.next()
		if !ok {
			break
		}
		got = append(got, string(l))
	}
	if strings.Join(got, "") != text || len(got) != 5 {
		t.Errorf("lines %q, want the 5 lines of %q", got, text)
	}
}

type oneByteReader struct{ s string }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	p[0] = r.s[0]
	r.s = r.s[1:]
	return 1, nil
}

func TestParseJSONEvent(t *testing.T) {
	type want struct {
		reason, provider, channel, computer, keywords, version, userID string
		eventID                                                        int
		data                                                           map[string]string
	}
	sysmon := `"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational"`
	tests := []struct {
		name, line string
		want       want
	}{
		{"NXLog registry event",
			`{"EventID":13,` + sysmon + `,"Hostname":"WS6.theshire.local","Keywords":-9223372036854775808,"Version":2,"UserID":"S-1-5-18","EventType":"SetValue","EventTypeOrignal":"INFO","TargetObject":"HKLM\\A\\a&b<c>","Details":"x \"y\" 'z'","ProcessId":"728","Message":"m","tags":["mordorDataset",{"k":"]}"}],"@timestamp":"t","host":"wec","port":1}`,
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", computer: "WS6.theshire.local",
				keywords: "0x8000000000000000", version: "2", userID: "S-1-5-18", eventID: 13,
				data: map[string]string{"EventType": "SetValue", "TargetObject": `HKLM\A\a&amp;b&lt;c&gt;`, "Details": `x "y" 'z'`, "ProcessId": "728"}}},
		{"Keywords re-encoded as a float, EventID as text",
			`{"EventID":"12",` + sysmon + `,"Keywords":-9223372036854776000,"EventType":"CreateKey"}`,
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", keywords: "0x8000000000000000",
				eventID: 12, data: map[string]string{"EventType": "CreateKey"}}},
		{"Security Keywords, NXLog EventType dropped",
			`{"EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","Keywords":-9214364837600034816,"EventType":"AUDIT_SUCCESS","Version":"2"}`,
			want{provider: "Microsoft-Windows-Security-Auditing", channel: "Security", keywords: "0x8020000000000000", version: "2", eventID: 4624,
				data: map[string]string{}}},
		{"other OTRF shape: Keywords text, TimeCreated and Level are metadata",
			`{"EventID":1,` + sysmon + `,"Keywords":"0x8000000000000000","TimeCreated":"2020-10-22T02:57:59.857Z","Level":"4","EventType":"INFO","User":"WS\\w"}`,
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", keywords: "0x8000000000000000", eventID: 1,
				data: map[string]string{"User": `WS\w`}}},
		{"Computer wins over Hostname in either order",
			`{"Computer":"C1","EventID":1,"Hostname":"H1",` + sysmon + `}`,
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", computer: "C1", eventID: 1, data: map[string]string{}}},
		{"escapes: \\u0026, surrogate pair, lone surrogate, control escapes, null, numbers, booleans",
			"{\"EventID\":1," + sysmon + ",\"A\":\"\\u0026\\u003c\\u003e\",\"B\":\"\\ud83d\\ude00 \\ud800x\",\"C\":\"a\\tb\\nc\\/\\\\\",\"D\":null,\"E\":1.5e3,\"F\":true,\"G\":false, \"H\" : \"é\" }",
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", eventID: 1,
				data: map[string]string{"A": "&amp;&lt;&gt;", "B": "\U0001F600 \uFFFDx", "C": "a\tb\nc/\\", "E": "1.5e3", "F": "true", "G": "false", "H": "é"}}},
		{"first of duplicate keys counts",
			`{"EventID":1,` + sysmon + `,"EventID":2,"SourceName":"Y","Hostname":"H1","Hostname":"H2","Image":"a","Image":"b"}`,
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", computer: "H1", eventID: 1,
				data: map[string]string{"Image": "a"}}},
		{"escaped key", `{"EventID":1,` + sysmon + `,"Target\u004fbject":"k"}`,
			want{provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", eventID: 1, data: map[string]string{"TargetObject": "k"}}},
		{"truncated line", `{"EventID":1,"SourceName":"x`, want{reason: "bad JSON"}},
		{"trailing garbage", `{"EventID":1} x`, want{reason: "bad JSON"}},
		{"array", `[{"EventID":1}]`, want{reason: "JSON value is not an object"}},
		{"string", `"x"`, want{reason: "JSON value is not an object"}},
		{"not a Windows event", `{"user":"bob","action":"login"}`, want{reason: "not a Windows event: no EventID", data: map[string]string{"user": "bob", "action": "login"}}},
		{"no source", `{"EventID":4624}`, want{reason: "not a Windows event: no SourceName or Channel", eventID: 4624, data: map[string]string{}}},
		{"bad EventID", `{"EventID":1.5,` + sysmon + `}`, want{reason: `bad EventID "1.5"`, provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", data: map[string]string{}}},
		{"negative EventID", `{"EventID":-1,` + sysmon + `}`, want{reason: `bad EventID "-1"`, provider: "Microsoft-Windows-Sysmon", channel: "Microsoft-Windows-Sysmon/Operational", data: map[string]string{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e event
			reason, _ := parseJSONEvent([]byte(tc.line), &e)
			if reason != tc.want.reason {
				t.Fatalf("reason %q, want %q", reason, tc.want.reason)
			}
			if strings.HasPrefix(reason, "bad JSON") || strings.HasPrefix(reason, "JSON value") {
				return
			}
			got := want{reason: reason, provider: string(e.provider), channel: string(e.channel), computer: string(e.computer),
				keywords: string(e.keywords), version: string(e.version), userID: string(e.userID), eventID: e.eventID,
				data: map[string]string{}}
			for i, n := range e.names {
				if _, dup := got.data[string(n)]; !dup { // data() reads the first
					got.data[string(n)] = string(e.values[i])
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestJSONErrorDetail(t *testing.T) {
	var e event
	reason, detail := parseJSONEvent([]byte(`{"EventID":1,}`), &e)
	if reason != "bad JSON" || !strings.Contains(detail, "column 14") || !strings.Contains(detail, "invalid character '}'") {
		t.Errorf("reason %q detail %q, want bad JSON at column 14", reason, detail)
	}
}

// regJSON is a Sysmon registry event as an NXLog JSON line; extra holds
// more "key":value members.
func regJSON(eid int, eventType, target, extra string) string {
	et := ""
	if eventType != "" {
		et = `"EventType":"` + eventType + `","EventTypeOrignal":"INFO",`
	}
	return `{"SourceModuleType":"im_msvistalog","Version":2,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"WORKSTATION6.theshire.local",` +
		et + `"Keywords":-9223372036854775808,"UserID":"S-1-5-18","EventID":` + strconv.Itoa(eid) +
		`,"ProcessId":"728","ProcessGuid":"{69e8992a-d6e9-5f51-0c00-000000000400}","UtcTime":"2020-09-04 07:06:09.681","Channel":"Microsoft-Windows-Sysmon/Operational",` +
		`"RuleName":"-","Image":"C:\\windows\\system32\\lsass.exe","TargetObject":` + strconv.Quote(target) + extra + `}`
}

func TestJSONIngest(t *testing.T) {
	lines := []string{
		regJSON(12, "CreateKey", `HKU\S-1-5-21-1\Software\R&D <test>`, ""),
		"",
		regJSON(13, "SetValue", `HKLM\System\CurrentControlSet\Services\a&b\Start`, `,"Details":"DWORD (0x00000002)","User":"NT AUTHORITY\\SYSTEM"`),
		regJSON(14, "RenameKey", `HKLM\SOFTWARE\Foo\Bar`, `,"NewName":"HKLM\\SOFTWARE\\Foo\\Baz"`),
		`{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WORKSTATION5","EventType":"INFO","Keywords":-9223372036854775808,"UserID":"S-1-5-18","UtcTime":"2020-10-20 02:47:08.745","ProcessId":"8684","Image":"C:\\Windows\\System32\\reg.exe","CommandLine":"REG.exe  ADD HKCU\\Environment /v X /d \"a & b\" /f","User":"WORKSTATION5\\wardog","ParentImage":"C:\\Windows\\System32\\cmd.exe","IntegrityLevel":"High"}`,
		`{"EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","Hostname":"DC1","EventType":"AUDIT_SUCCESS","TimeCreated":"2020-10-20T02:47:09.000Z","TargetUserName":"bob"}`,
		`{"EventID":12,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"X`,
		`{"user":"bob"}`,
		"  \t",
		strings.Replace(regJSON(13, "SetValue", `HKLM\SOFTWARE\T`, ""), "2020-09-04 07:06:09.681", "yesterday", 1),
	}
	text := "\xef\xbb\xbf" + strings.Join(lines, "\r\n") + "\r\n"
	s := ingestText(t, text, Options{BatchSize: 2})
	st := s.Stats()
	checkAccounting(t, st)
	if st.Events != 8 || st.Bytes != int64(len(text)) {
		t.Errorf("Events %d Bytes %d, want 8 events (blank lines are none) and %d bytes", st.Events, st.Bytes, len(text))
	}
	// The Security 4624 is kept as an event and is an Authentication row.
	wantUsed := map[string]int{"Endpoint.Registry": 3, "Endpoint.Processes": 1, "Endpoint.Filesystem": 0, "Network_Traffic.All_Traffic": 0, "Authentication.Authentication": 1, "Change.All_Changes": 0}
	if !reflect.DeepEqual(st.Used, wantUsed) {
		t.Errorf("used %v, want %v", st.Used, wantUsed)
	}
	wantSkipped := map[string]int{
		"malformed: bad JSON":                        1,
		"malformed: not a Windows event: no EventID": 1,
		"malformed: bad UtcTime":                     1,
	}
	if !reflect.DeepEqual(st.Skipped, wantSkipped) {
		t.Errorf("skipped %v, want %v", st.Skipped, wantSkipped)
	}
	if len(st.Problems) != 3 ||
		!strings.HasPrefix(st.Problems[0], "test.log:7: bad JSON: unexpected end of JSON input") ||
		st.Problems[1] != "test.log:8: not a Windows event: no EventID" ||
		st.Problems[2] != `test.log:10: bad UtcTime: "yesterday"` {
		t.Errorf("problems %q", st.Problems)
	}
	reg := rows(t, s, "Endpoint.Registry")
	if len(reg) != 3 {
		t.Fatalf("%d registry rows, want 3", len(reg))
	}
	common := map[string]string{
		"_time": "2020-09-04 07:06:09.681", "dest": "WORKSTATION6.theshire.local", "process_id": "728",
		"process_guid": "{69e8992a-d6e9-5f51-0c00-000000000400}", "status": "success",
		"source": "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "sourcetype": "xmlwineventlog",
		"vendor_product": "Microsoft Sysmon",
	}
	checkRow(t, reg[0], common)
	checkRow(t, reg[0], map[string]string{
		"action": "created", "registry_path": `HKU\S-1-5-21-1\Software\R&amp;D &lt;test&gt;`,
		"registry_key_name": `HKU\S-1-5-21-1\Software\R&amp;D &lt;test&gt;`, "registry_hive": "HKEY_CURRENT_USER", "user": "unknown",
	})
	checkRow(t, reg[1], common)
	checkRow(t, reg[1], map[string]string{
		"action": "modified", "registry_path": `HKLM\System\CurrentControlSet\Services\a&amp;b\Start`,
		"registry_key_name": `HKLM\System\CurrentControlSet\Services\a&amp;b`, "registry_value_name": "Start",
		"registry_value_data": "0x00000002", "registry_value_type": "REG_DWORD", "user": "SYSTEM",
		"registry_hive": `HKEY_LOCAL_MACHINE\\System`,
	})
	// EID 14 status needs Keywords 0x8000000000000000: the integer NXLog
	// writes must have been turned back into the XML's hexadecimal text.
	checkRow(t, reg[2], common)
	checkRow(t, reg[2], map[string]string{"action": "modified", "registry_key_name": `HKLM\SOFTWARE\Foo\Bar`, "registry_value_name": "unknown"})
	proc := rows(t, s, "Endpoint.Processes")
	if len(proc) != 1 {
		t.Fatalf("%d process rows, want 1", len(proc))
	}
	checkRow(t, proc[0], map[string]string{
		"_time": "2020-10-20 02:47:08.745", "dest": "WORKSTATION5", "process": `REG.exe  ADD HKCU\Environment /v X /d "a &amp; b" /f`,
		"process_name": "reg.exe", "parent_process_name": "cmd.exe", "user": "wardog", "user_id": "S-1-5-18",
		"process_integrity_level": "high", "process_id": "8684", "action": "allowed",
	})
}

// TestJSONMatchesXML writes the same events by hand as XmlWinEventLog and
// as NXLog JSON lines; both must give the same rows in every dataset.
func TestJSONMatchesXML(t *testing.T) {
	pairs := []struct{ name, xml, json string }{
		{"registry 13 with entities",
			`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>13</EventID><Version>2</Version><Level>4</Level><Task>13</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2020-09-04T07:06:09.682Z'/><EventRecordID>115295</EventRecordID><Correlation/><Execution ProcessID='3252' ThreadID='4224'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WORKSTATION6.theshire.local</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='EventType'>SetValue</Data><Data Name='UtcTime'>2020-09-04 07:06:09.681</Data><Data Name='ProcessGuid'>{69e8992a-d6e9-5f51-0c00-000000000400}</Data><Data Name='ProcessId'>728</Data><Data Name='Image'>C:\windows\system32\lsass.exe</Data><Data Name='TargetObject'>HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run\R&amp;D</Data><Data Name='Details'>"C:\a.exe" &lt;x&gt; &amp; "y"</Data><Data Name='User'>THESHIRE\pgustavo</Data></EventData></Event>`,
			`{"SourceName":"Microsoft-Windows-Sysmon","EventID":13,"Version":2,"Keywords":-9223372036854775808,"EventType":"SetValue","EventTypeOrignal":"INFO","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WORKSTATION6.theshire.local","UserID":"S-1-5-18","RuleName":"-","UtcTime":"2020-09-04 07:06:09.681","ProcessGuid":"{69e8992a-d6e9-5f51-0c00-000000000400}","ProcessId":"728","Image":"C:\\windows\\system32\\lsass.exe","TargetObject":"HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\R\u0026D","Details":"\"C:\\a.exe\" <x> & \"y\"","User":"THESHIRE\\pgustavo","tags":["mordorDataset"],"port":53971}`},
		{"process 1",
			`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2020-09-04T07:06:21.389Z'/><EventRecordID>231554</EventRecordID><Correlation/><Execution ProcessID='3956' ThreadID='4284'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>MORDORDC.theshire.local</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2020-09-04 07:06:21.388</Data><Data Name='ProcessGuid'>{8ee6d027-e76d-5f51-3b03-000000000400}</Data><Data Name='ProcessId'>1820</Data><Data Name='Image'>C:\Windows\System32\wbem\WmiPrvSE.exe</Data><Data Name='FileVersion'>10.0.17763.1 (WinBuild.160101.0800)</Data><Data Name='Description'>WMI Provider Host</Data><Data Name='Product'>Microsoft® Windows® Operating System</Data><Data Name='Company'>Microsoft Corporation</Data><Data Name='OriginalFileName'>Wmiprvse.exe</Data><Data Name='CommandLine'>C:\windows\system32\wbem\wmiprvse.exe -Embedding &amp;&amp; echo "&lt;ok&gt;"</Data><Data Name='CurrentDirectory'>C:\windows\system32\</Data><Data Name='User'>NT AUTHORITY\SYSTEM</Data><Data Name='LogonGuid'>{8ee6d027-d5bd-5f51-e703-000000000000}</Data><Data Name='LogonId'>0x3e7</Data><Data Name='TerminalSessionId'>0</Data><Data Name='IntegrityLevel'>System</Data><Data Name='Hashes'>SHA1=67C25C8F28B5FA7F5BAA85BF1D2726AED48E9CF0</Data><Data Name='ParentProcessGuid'>{8ee6d027-d5c1-5f51-0e00-000000000400}</Data><Data Name='ParentProcessId'>952</Data><Data Name='ParentImage'>C:\Windows\System32\svchost.exe</Data><Data Name='ParentCommandLine'>C:\windows\system32\svchost.exe -k DcomLaunch -p</Data></EventData></Event>`,
			`{"Version":5,"Product":"Microsoft® Windows® Operating System","Domain":"NT AUTHORITY","UserID":"S-1-5-18","Hostname":"MORDORDC.theshire.local","TerminalSessionId":"0","EventType":"INFO","ParentCommandLine":"C:\\windows\\system32\\svchost.exe -k DcomLaunch -p","Keywords":-9223372036854776000,"CurrentDirectory":"C:\\windows\\system32\\","CommandLine":"C:\\windows\\system32\\wbem\\wmiprvse.exe -Embedding \u0026\u0026 echo \"\u003cok\u003e\"","IntegrityLevel":"System","AccountName":"SYSTEM","EventID":1,"FileVersion":"10.0.17763.1 (WinBuild.160101.0800)","ParentProcessId":"952","ProcessId":"1820","ProcessGuid":"{8ee6d027-e76d-5f51-3b03-000000000400}","Description":"WMI Provider Host","Hashes":"SHA1=67C25C8F28B5FA7F5BAA85BF1D2726AED48E9CF0","Channel":"Microsoft-Windows-Sysmon/Operational","ProviderGuid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","ExecutionProcessID":3956,"SourceModuleType":"im_msvistalog","AccountType":"User","ParentProcessGuid":"{8ee6d027-d5c1-5f51-0e00-000000000400}","Opcode":"Info","SourceName":"Microsoft-Windows-Sysmon","Company":"Microsoft Corporation","ThreadID":4284,"RecordNumber":231554,"SeverityValue":2,"SourceModuleName":"eventlog","ParentImage":"C:\\Windows\\System32\\svchost.exe","Severity":"INFO","OriginalFileName":"Wmiprvse.exe","OpcodeValue":0,"host":"wec.internal.cloudapp.net","port":53971,"@version":"1","Category":"Process Create (rule: ProcessCreate)","EventReceivedTime":"2020-09-04 03:06:22","Task":1,"UtcTime":"2020-09-04 07:06:21.388","EventTime":"2020-09-04 03:06:21","LogonGuid":"{8ee6d027-d5bd-5f51-e703-000000000000}","@timestamp":"2020-09-04T07:06:22.432Z","User":"NT AUTHORITY\\SYSTEM","tags":["mordorDataset"],"LogonId":"0x3e7","RuleName":"-","Image":"C:\\Windows\\System32\\wbem\\WmiPrvSE.exe"}`},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			x := ingestText(t, p.xml+"\n", Options{})
			j := ingestText(t, p.json+"\n", Options{})
			n := 0
			for _, d := range DefaultCatalog().Datasets() {
				xr, jr := rows(t, x, d.FullName()), rows(t, j, d.FullName())
				if !reflect.DeepEqual(xr, jr) {
					t.Errorf("%s: XML rows\n%v\nJSON rows\n%v", d.FullName(), xr, jr)
				}
				n += len(xr)
			}
			if n != 1 {
				t.Errorf("%d rows in all, want 1", n)
			}
		})
	}
}

// TestJSONMatchesXMLGenerated renders every generated XmlWinEventLog event
// as an NXLog JSON line (with and without encoding/json's \u0026
// escaping) and checks that both inputs give the same rows and counts.
func TestJSONMatchesXMLGenerated(t *testing.T) {
	text, _ := generated(t, 3000)
	for _, escapeHTML := range []bool{false, true} {
		var js bytes.Buffer
		for _, l := range bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n")) {
			js.Write(nxlog(t, l, escapeHTML))
			js.WriteByte('\n')
		}
		x := ingestText(t, string(text), Options{BatchSize: 500})
		j := ingestText(t, js.String(), Options{BatchSize: 77})
		xs, jst := x.Stats(), j.Stats()
		if !reflect.DeepEqual(xs.Used, jst.Used) || !reflect.DeepEqual(xs.Skipped, jst.Skipped) || xs.Events != jst.Events {
			t.Errorf("escapeHTML=%v: XML stats %+v, JSON stats %+v", escapeHTML, xs, jst)
		}
		for _, d := range DefaultCatalog().Datasets() {
			xr, jr := rows(t, x, d.FullName()), rows(t, j, d.FullName())
			if len(xr) != len(jr) {
				t.Fatalf("%s: %d XML rows, %d JSON rows", d.FullName(), len(xr), len(jr))
			}
			for i := range xr {
				if !reflect.DeepEqual(xr[i], jr[i]) {
					t.Fatalf("escapeHTML=%v %s row %d:\nXML  %v\nJSON %v", escapeHTML, d.FullName(), i, xr[i], jr[i])
				}
			}
		}
	}
}

// FuzzParseJSONEvent checks that no line makes the scanner panic, and that
// for every valid JSON object its keys and string values agree with
// encoding/json's decoding (values XML-escaped).
func FuzzParseJSONEvent(f *testing.F) {
	f.Add([]byte(`{"EventID":13,"SourceName":"S","TargetObject":"a\\b&<>\u00e9\ud83d\ude00","n":[1,{"x":"]"}],"z":null}`))
	f.Add([]byte(`{"a":"\ud800\u0041","b":"\"\\\/\b\f\n\r\t"}`))
	f.Add([]byte(`{"EventID":1,`))
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	f.Fuzz(func(t *testing.T, line []byte) {
		var e event
		reason, _ := parseJSONEvent(line, &e)
		var m map[string]any
		// Invalid UTF-8 is kept as it is (as the XML path keeps it), where
		// encoding/json writes U+FFFD: nothing to compare.
		if !utf8.Valid(line) || json.Unmarshal(line, &m) != nil || strings.HasPrefix(reason, "bad JSON") || strings.HasPrefix(reason, "JSON value") {
			return
		}
		seen := map[string]bool{}
		for _, n := range e.names {
			if seen[string(n)] {
				return // duplicate keys: encoding/json keeps the last, data() reads the first
			}
			seen[string(n)] = true
		}
		for i, n := range e.names {
			if s, ok := m[string(n)].(string); ok && esc.Replace(s) != string(e.values[i]) {
				t.Errorf("key %q: value %q, encoding/json %q", n, e.values[i], s)
			}
			if _, ok := m[string(n)]; !ok {
				t.Errorf("key %q not in encoding/json's object %v", n, m)
			}
		}
	})
}

func TestParseInt64(t *testing.T) {
	for _, s := range []string{"0", "13", "-1", "+7", "-9223372036854775808", "9223372036854775807",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999", "", "-", "1.5", "1e3", " 1", "0x10"} {
		got, ok := parseInt64([]byte(s))
		want, err := strconv.ParseInt(s, 10, 64)
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("parseInt64(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
	}
}
