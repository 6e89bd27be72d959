package datamodel

import "testing"

func TestStringFunctions(t *testing.T) {
	tests := []struct {
		fn   string
		in   string
		want string
	}{
		// basename: replace(X,"(.*\\\)(?=.*(\.\w*)$|(\w+)$)","")
		{"basename", `C:\Windows\System32\cmd.exe`, "cmd.exe"},
		{"basename", `C:\Windows\System32\cmd`, "cmd"},
		{"basename", `C:\Program Files\My App\run me.exe`, "run me.exe"},
		{"basename", `C:\Windows\System32\some-tool`, `C:\Windows\System32\some-tool`},
		{"basename", `C:\dir.d\file-x`, `C:\dir.d\file-x`},
		{"basename", `C:\dir\`, `C:\dir\`},
		{"basename", `cmd.exe`, "cmd.exe"},
		{"basename", `-`, "-"},
		{"basename", `C:\a\b.`, "b."},
		// shortuser: replace(X,"(.*)\\\(.+)$","\2")
		{"shortUser", `NT AUTHORITY\SYSTEM`, "SYSTEM"},
		{"shortUser", `ATTACKRANGE\Administrator`, "Administrator"},
		{"shortUser", `a\b\c`, "c"},
		{"shortUser", `alice`, "alice"},
		{"shortUser", `DOM\`, `DOM\`},
		{"shortUser", `A\B\`, `B\`},
		// noads: replace(X,"(:[\w\. ]+)","")
		{"noADS", `C:\d\f.txt:Zone.Identifier`, `C:\d\f.txt`},
		{"noADS", `C:\d\f:s:$DATA`, `C:\d\f:$DATA`},
		{"noADS", `C:\d\f`, `C:\d\f`},
		{"noADS", `C:\a:b c\x:y`, `C:\a\x`},
		{"noADS", `f:`, `f:`},
		// registry_key_name for EID 13
		{"keyName13", `HKLM\A\B\Value_1`, `HKLM\A\B`},
		{"keyName13", `HKLM\A\B\(Default)`, `HKLM\A\B`},
		{"keyName13", `HKLM\A\B\Some Value`, `HKLM\A\B\Some Value`},
		{"keyName13", `HKLM\A\B\{0D807408-8157}`, `HKLM\A\B\{0D807408-8157}`},
		{"keyName13", `HKLM\A\B\Wert_é`, `HKLM\A\B\Wert_é`}, // ASCII \w only
		{"keyName13", `NoBackslash`, `NoBackslash`},
		// registry_value_name
		{"valueName", `HKLM\A\B\Value_1`, "Value_1"},
		{"valueName", `HKLM\A\B\(Default)`, "(Default)"},
		{"valueName", `HKLM\A\B\a.b`, `HKLM\A\B\a.b`},
		// first token of a command line
		{"firstToken", `  "C:\Program Files\x.exe" -a`, `"C:\Program`},
		{"firstToken", `cmd.exe /c dir`, "cmd.exe"},
		{"firstToken", `   `, `   `},
		{"afterLastBackslash", `C:\a\b`, "b"},
		{"afterLastBackslash", `b`, "b"},
	}
	tests = append(tests, lineBreakCases...)
	for _, tc := range tests {
		var e event
		var got []byte
		in := []byte(tc.in)
		switch tc.fn {
		case "basename":
			got = basename(&e, in)
		case "shortUser":
			got = shortUser(&e, in)
		case "noADS":
			got = noADS(&e, in)
		case "keyName13":
			got = registryKeyName13(&e, in)
		case "valueName":
			got = registryValueName(&e, in)
		case "firstToken":
			got = firstToken(&e, in)
		case "afterLastBackslash":
			got = afterLastBackslash(&e, in)
		case "fileName":
			got = noADS(&e, afterLastBackslash(&e, in))
		default:
			t.Fatalf("unknown function %s", tc.fn)
		}
		if string(got) != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.fn, tc.in, got, tc.want)
		}
	}
}

func TestSplitDetails(t *testing.T) {
	tests := []struct {
		in, typ, data string
		ok            bool
	}{
		{"DWORD (0x00000001)", "DWORD", "0x00000001", true},
		{"QWORD (0x01d776fd-0xd724b8c5)", "QWORD", "0x01d776fd-0xd724b8c5", true},
		{"DWORD (a) (b)", "DWORD", "a) (b", true},
		{"Binary Data", "", "", false},
		{"(Empty)", "", "", false},
		{"DWORD ()", "", "", false},
		{"DWORD  (1)", "", "", false},
		{"DWORD\t(1)", "DWORD", "1", true},
		{"DWORD (1) x", "", "", false},
		{"DWORD (1\n2)", "", "", false},
		// Line breaks: `\s` matches CR and LF, `.` matches CR but not LF,
		// and `\)</Data>` must end the value, so any final CR or LF fails.
		{"DWORD\n(1)", "DWORD", "1", true},
		{"DWORD\r(1)", "DWORD", "1", true},
		{"DWORD\r\n(1)", "", "", false}, // `\s` is CR, then LF is not `(`
		{"\nDWORD (1)", "", "", false},  // `\w+` must follow `>`
		{"\r\nDWORD (1)", "", "", false},
		{"DWORD (1\r)", "DWORD", "1\r", true},
		{"DWORD (1)\n", "", "", false},
		{"DWORD (1)\r\n", "", "", false},
		{"DWORD (1)\n(2)", "", "", false},
	}
	for _, tc := range tests {
		typ, data, ok := splitDetails([]byte(tc.in))
		if ok != tc.ok || string(typ) != tc.typ || string(data) != tc.data {
			t.Errorf("splitDetails(%q) = %q, %q, %v; want %q, %q, %v", tc.in, typ, data, ok, tc.typ, tc.data, tc.ok)
		}
	}
}

func TestParseUtcTime(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2021-07-12 08:11:04.547", 1626077464547, true},
		{"1970-01-01 00:00:00.000", 0, true},
		{"2024-02-29 23:59:59.999", 1709251199999, true},
		{"2023-02-29 00:00:00.000", 0, false},
		{"2021-07-12T08:11:04.547", 0, false},
		{"2021-07-12 08:11:04", 0, false},
		{"2021-07-12 24:00:00.000", 0, false},
		{"2021-07-12 08:11:04.5470", 0, false},
		{"2021-0x-12 08:11:04.547", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseUtcTime([]byte(tc.in))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseUtcTime(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// lineBreakCases pin each derivation on values with CR, LF and CR LF at
// the start, in the middle and at the end, worked out from PCRE's defaults
// (derive.go, "Line breaks"): `.` matches CR but not LF, `$` matches at the
// end or before a final LF, replace() replaces every match.
var lineBreakCases = []struct {
	fn   string
	in   string
	want string
}{
	// registry_key_name (EID 13), `\\(\w+|\(Default\))$` -> "".
	{"keyName13", "\nHKLM\\A\\V", "\nHKLM\\A"},
	{"keyName13", "\r\nHKLM\\A\\V", "\r\nHKLM\\A"},
	{"keyName13", "HKLM\\A\n\\B\\V", "HKLM\\A\n\\B"},
	{"keyName13", "HKLM\\A\r\n\\B\\V", "HKLM\\A\r\n\\B"},
	{"keyName13", "HKLM\\A\r\\B", "HKLM\\A\r"},            // a lone CR is ordinary
	{"keyName13", "HKLM\\A\\Val\nue", "HKLM\\A\\Val\nue"}, // `$` is not before a middle LF
	{"keyName13", "HKLM\\A\\V\n", "HKLM\\A\n"},            // `$` before the final LF
	{"keyName13", "HKLM\\A\\(Default)\n", "HKLM\\A\n"},
	{"keyName13", "HKLM\\A\\V\r\n", "HKLM\\A\\V\r\n"}, // CR is not \w
	{"keyName13", "HKLM\\A\\V\r", "HKLM\\A\\V\r"},
	{"keyName13", "HKLM\\A\\V\n\n", "HKLM\\A\\V\n\n"}, // `$` only before the last LF
	// registry_value_name, `(.*)\\(\w+|\(Default\))$` -> `\2`: the last
	// line is replaced, what precedes it stays.
	{"valueName", "\nHKLM\\A\\V", "\nV"},
	{"valueName", "\r\nHKLM\\A\\V", "\r\nV"},
	{"valueName", "HKLM\\A\n\\B\\V", "HKLM\\A\nV"},
	{"valueName", "HKLM\\A\r\n\\B\\V", "HKLM\\A\r\nV"},
	{"valueName", "HKLM\\A\r\n\\B\\(Default)", "HKLM\\A\r\n(Default)"},
	{"valueName", "HKLM\\A\r\\B", "B"}, // `.*` takes the CR
	{"valueName", "HKLM\\A\\Val\nue", "HKLM\\A\\Val\nue"},
	{"valueName", "HKLM\\A\\V\nW", "HKLM\\A\\V\nW"}, // the last line has no backslash
	{"valueName", "HKLM\\A\\V\n", "V\n"},
	{"valueName", "HKLM\\A\\V\r\n", "HKLM\\A\\V\r\n"},
	{"valueName", "HKLM\\A\\V\n\n", "HKLM\\A\\V\n\n"},
	// user, `(.*)\\(.+)$` -> `\2`: `.+` takes a CR.
	{"shortUser", "\nDOM\\u", "\nu"},
	{"shortUser", "\r\nDOM\\u", "\r\nu"},
	{"shortUser", "DOM\\a\nB\\c", "DOM\\a\nc"},
	{"shortUser", "DOM\\a\r\nB\\c", "DOM\\a\r\nc"},
	{"shortUser", "DOM\\user\nX", "DOM\\user\nX"},
	{"shortUser", "DOM\\u\n", "u\n"},
	{"shortUser", "DOM\\u\r\n", "u\r\n"},
	{"shortUser", "DOM\\u\r", "u\r"},
	{"shortUser", "A\\B\\\n", "B\\\n"},
	{"shortUser", "DOM\\u\n\n", "DOM\\u\n\n"},
	// process_name, `(.*\\)(?=.*(\.\w*)$|(\w+)$)` -> "": the look-ahead
	// must reach `$` within the line.
	{"basename", "\nC:\\W\\cmd.exe", "\ncmd.exe"},
	{"basename", "\r\nC:\\W\\cmd.exe", "\r\ncmd.exe"},
	{"basename", "C:\\a\nC:\\b\\c.exe", "C:\\a\nc.exe"},
	{"basename", "C:\\a\r\nC:\\b\\c.exe", "C:\\a\r\nc.exe"},
	{"basename", "C:\\a\\b.exe\nrun", "C:\\a\\b.exe\nrun"},
	{"basename", "C:\\x.y\nC:\\a\\b-c", "C:\\x.y\nC:\\a\\b-c"},
	{"basename", "C:\\W\\cmd.exe\n", "cmd.exe\n"},
	{"basename", "C:\\W\\cmd\n", "cmd\n"},
	{"basename", "C:\\W\\cmd.exe\r\n", "C:\\W\\cmd.exe\r\n"}, // `\w*$` stops at CR
	{"basename", "C:\\W\\cmd.exe\r", "C:\\W\\cmd.exe\r"},
	// file_name's replace, `(.*\\)` -> "" at every match: each line loses
	// the text up to its own last backslash.
	{"afterLastBackslash", "C:\\Users\\ADMIN\\AppData\r\n\\Local\\Temp\\2\\setup.exe", "AppData\r\nsetup.exe"},
	{"afterLastBackslash", "\nC:\\a\\b", "\nb"},
	{"afterLastBackslash", "\r\nC:\\a\\b", "\r\nb"},
	{"afterLastBackslash", "a\\b\nplain\nc\\d", "b\nplain\nd"},
	{"afterLastBackslash", "C:\\a\\\nx", "\nx"},
	{"afterLastBackslash", "C:\\a\rb\\c", "c"},
	{"afterLastBackslash", "C:\\a\\b\n", "b\n"},
	{"afterLastBackslash", "C:\\a\\b\r\n", "b\r\n"},
	{"afterLastBackslash", "plain\r\ntext", "plain\r\ntext"},
	// noads, `(:[\w\. ]+)` -> "": CR and LF end a stream name.
	{"noADS", "\n:ads x", "\n"},
	{"noADS", "f:a\nb:c", "f\nb"},
	{"noADS", "C:\\d\\f.txt:Zone.Identifier\r\n", "C:\\d\\f.txt\r\n"},
	{"noADS", "f:\nx", "f:\nx"},
	// file_name, noads after the per-line replace.
	{"fileName", "C:\\d\\f.txt:Zone.Identifier\r\n\\e\\g:s", "f.txt\r\ng"},
	{"fileName", "\nC:\\d\\f.txt:Zone.Identifier", "\nf.txt"},
	{"fileName", "C:\\d\\f.txt:Zone.Identifier\n", "f.txt\n"},
	// CIM process_name fallback, `^\s*([^\s]+).*` -> `\1`: `\s*` crosses
	// line breaks, `.*` takes a CR and stops before the first LF.
	{"firstToken", "\r\n  cmd.exe /c", "cmd.exe"},
	{"firstToken", "cmd.exe /c\ndir", "cmd.exe\ndir"},
	{"firstToken", "cmd.exe /c\r\ndir", "cmd.exe\ndir"},
	{"firstToken", "a\nb c", "a\nb c"},
	{"firstToken", "cmd.exe\n", "cmd.exe\n"},
	{"firstToken", "cmd.exe\r\n", "cmd.exe\n"},
}
