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
	for _, tc := range tests {
		var e event
		var got []byte
		in := []byte(tc.in)
		switch tc.fn {
		case "basename":
			got = basename(in)
		case "shortUser":
			got = shortUser(in)
		case "noADS":
			got = noADS(&e, in)
		case "keyName13":
			got = registryKeyName13(in)
		case "valueName":
			got = registryValueName(in)
		case "firstToken":
			got = firstToken(in)
		case "afterLastBackslash":
			got = afterLastBackslash(in)
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
