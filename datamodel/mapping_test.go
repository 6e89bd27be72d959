package datamodel

import (
	"strings"
	"testing"
)

const rmsKey = `HKLM\SYSTEM\Remote Manipulator System\v4\Server\Parameters`

// checkRow compares the listed columns of got with want.
func checkRow(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("no column %q", k)
			continue
		}
		if g != v {
			t.Errorf("%s = %q, want %q", k, g, v)
		}
	}
}

// TestRegistryWorkedExamples uses the worked-example table of
// sysmon-to-cim.md §3 as expected values.
func TestRegistryWorkedExamples(t *testing.T) {
	const hku = `HKU\S-1-5-21-1854396824-2342670854-3736740652-1112_Classes\exefile\shell\runas\command`
	const w32 = `HKLM\System\CurrentControlSet\Services\W32Time\SecureTimeLimits\SecureTimeHigh`
	tests := []struct {
		name string
		in   evt
		want map[string]string
	}{
		{"12 DeleteKey (SC)", regEvt(12, "DeleteKey", hku), map[string]string{
			"registry_path": hku, "registry_key_name": hku, "registry_value_name": "unknown",
			"registry_value_data": "unknown", "registry_value_type": "unknown", "action": "deleted", "user": "unknown",
			"status": "success", "registry_hive": "HKEY_CURRENT_USER",
		}},
		{"13 SetValue (SC)", regEvt(13, "SetValue", w32, kv{"Details", "QWORD (0x01d776fd-0xd724b8c5)"}), map[string]string{
			"registry_path": w32, "registry_key_name": `HKLM\System\CurrentControlSet\Services\W32Time\SecureTimeLimits`,
			"registry_value_name": "SecureTimeHigh", "registry_value_data": "0x01d776fd-0xd724b8c5",
			"registry_value_type": "REG_QWORD", "action": "modified", "user": "unknown", "status": "success",
			"registry_hive": `HKEY_LOCAL_MACHINE\\System`,
		}},
		{"12 CreateKey RMS", regEvt(12, "CreateKey", rmsKey), map[string]string{
			"registry_path": rmsKey, "registry_key_name": rmsKey, "registry_value_name": "unknown",
			"registry_value_data": "unknown", "registry_value_type": "unknown", "action": "created", "user": "unknown",
			// like() is case-sensitive: HKLM\SYSTEM\ is not HKLM\System\.
			"registry_hive": null,
		}},
		{"13 Binary Data with User", regEvt(13, "SetValue", rmsKey+`\Options`, kv{"Details", "Binary Data"}, kv{"User", `NT AUTHORITY\SYSTEM`}), map[string]string{
			"registry_path": rmsKey + `\Options`, "registry_key_name": rmsKey, "registry_value_name": "Options",
			"registry_value_data": "Binary Data", "registry_value_type": "unknown", "action": "modified", "user": "SYSTEM",
		}},
		{"13 value name with a space", regEvt(13, "SetValue", rmsKey+`\Some Value`, kv{"Details", "DWORD (0x00000001)"}), map[string]string{
			"registry_key_name": rmsKey + `\Some Value`, "registry_value_name": rmsKey + `\Some Value`,
			"registry_value_data": "0x00000001", "registry_value_type": "REG_DWORD", "action": "modified", "user": "unknown",
		}},
		{"13 (Default)", regEvt(13, "SetValue", rmsKey+`\(Default)`, kv{"Details", "Foo"}), map[string]string{
			"registry_key_name": rmsKey, "registry_value_name": "(Default)", "registry_value_data": "Foo",
			"registry_value_type": "unknown", "action": "modified", "user": "unknown",
		}},
		{"14 RenameValue", regEvt(14, "RenameValue", `HKLM\SOFTWARE\Foo\Bar`, kv{"NewName", `HKLM\SOFTWARE\Foo\Baz`}, kv{"User", `CORP\j.doe`}), map[string]string{
			"registry_key_name": `HKLM\SOFTWARE\Foo\Bar`, "registry_value_name": "Bar", "registry_value_data": "unknown",
			"registry_value_type": "unknown", "action": "modified", "user": "j.doe", "status": "success",
			"registry_hive": `HKEY_LOCAL_MACHINE\\Software`,
		}},
		{"14 RenameKey, other Keywords", func() evt {
			e := regEvt(14, "RenameKey", `HKLM\SOFTWARE\Foo\Bar`, kv{"NewName", `HKLM\SOFTWARE\Foo\Baz`})
			e.keywords = "0x4000000000000000"
			return e
		}(), map[string]string{
			"registry_key_name": `HKLM\SOFTWARE\Foo\Bar`, "registry_value_name": "unknown", "registry_value_data": "unknown",
			"action": "modified", "status": null,
		}},
		{"12 other EventType, User dash", regEvt(12, "CreateValue", `HKLM\SOFTWARE\X`, kv{"User", "-"}), map[string]string{
			"action": "unknown", "user": "unknown", "registry_value_name": "unknown",
		}},
		{"13 value name with a dot, entity kept", regEvt(13, "SetValue", `HKU\S-1-5-18\Software\a&amp;b\Updater.exe`, kv{"Details", `"C:\x.exe" &amp; y`}), map[string]string{
			"registry_path":     `HKU\S-1-5-18\Software\a&amp;b\Updater.exe`,
			"registry_key_name": `HKU\S-1-5-18\Software\a&amp;b\Updater.exe`, "registry_value_data": `"C:\x.exe" &amp; y`,
		}},
		{"13 Details with parentheses inside", regEvt(13, "SetValue", `HKLM\SOFTWARE\V`, kv{"Details", "DWORD (a (b) c)"}), map[string]string{
			"registry_value_data": "a (b) c", "registry_value_type": "REG_DWORD",
		}},
		{"13 empty Details", regEvt(13, "SetValue", `HKLM\SOFTWARE\V`, kv{"Details", selfClose}), map[string]string{
			"registry_value_data": "unknown", "registry_value_type": "unknown",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ingestText(t, tc.in.xml()+"\n", Options{})
			got := rows(t, s, "Endpoint.Registry")
			if len(got) != 1 {
				t.Fatalf("got %d rows, want 1 (stats %+v)", len(got), s.Stats())
			}
			checkRow(t, got[0], tc.want)
			// Fields every registry row carries.
			checkRow(t, got[0], map[string]string{
				"_time": "2021-07-12 08:11:04.547", "host": "CONTENTCTL_HOST",
				"source":     "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational",
				"sourcetype": "xmlwineventlog", "dest": "win-host-623.attackrange.local",
				"process_guid": "{0C1E0330-048F-60E8-0B00-00000000D001}", "process_id": "628",
				"vendor_product": "Microsoft Sysmon", "registry_value_text": null, "dest_bunit": null,
			})
		})
	}
}

func TestHostOption(t *testing.T) {
	s := ingestText(t, regEvt(13, "SetValue", `HKLM\SOFTWARE\V`).xml(), Options{Host: "replay-1"})
	got := rows(t, s, "Endpoint.Registry")
	if len(got) != 1 || got[0]["host"] != "replay-1" {
		t.Fatalf("rows %v, want one with host replay-1", got)
	}
}

// TestProcessesWorkedExample uses sysmon-to-cim.md §6a.6 (EID 1).
func TestProcessesWorkedExample(t *testing.T) {
	cmd := `"C:\Windows\system32\cmd.exe" /c "reg save HKLM\sam %%temp%%\sam &amp; reg save HKLM\security %%temp%%\security" `
	hashes := "MD5=F4F684066175B77E0C3A000549D2922C,SHA256=935C1861DF1F4018D698E8B65ABFA02D7E9037D8F68CA3C2065B6CA165D44AD2,IMPHASH=3062ED732D4B25D1C64F084DAC97D37A"
	parentCmd := `"powershell.exe" -noninteractive -encodedcommand WwBDAG8AbgBzAG8AbABlAF0A`
	e := evt{eid: 1, computer: "win-dc-6764986.attackrange.local", data: []kv{
		{"RuleName", "-"}, {"UtcTime", "2020-10-08 11:03:46.615"},
		{"ProcessGuid", "{96128EA2-F212-5F7E-E400-000000007F01}"}, {"ProcessId", "2296"},
		{"Image", `C:\Windows\System32\cmd.exe`}, {"FileVersion", "10.0.14393.0"},
		{"OriginalFileName", "Cmd.Exe"}, {"CommandLine", cmd},
		{"CurrentDirectory", `C:\Users\ADMINI~1\AppData\Local\Temp\`}, {"User", `ATTACKRANGE\Administrator`},
		{"IntegrityLevel", "High"}, {"Hashes", hashes},
		{"ParentProcessGuid", "{96128EA2-F211-5F7E-DF00-000000007F01}"}, {"ParentProcessId", "4624"},
		{"ParentImage", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`}, {"ParentCommandLine", parentCmd},
	}}
	s := ingestText(t, e.xml(), Options{})
	got := rows(t, s, "Endpoint.Processes")
	if len(got) != 1 {
		t.Fatalf("got %d rows, want 1", len(got))
	}
	checkRow(t, got[0], map[string]string{
		"action": "allowed", "dest": "win-dc-6764986.attackrange.local", "process": cmd,
		"process_name": "cmd.exe", "process_exec": "cmd.exe", "process_path": `C:\Windows\System32\cmd.exe`,
		"process_id": "2296", "process_guid": "{96128EA2-F212-5F7E-E400-000000007F01}", "process_hash": hashes,
		"process_integrity_level": "high", "process_current_directory": `C:\Users\ADMINI~1\AppData\Local\Temp\`,
		"original_file_name": "Cmd.Exe", "parent_process": parentCmd, "parent_process_name": "powershell.exe",
		"parent_process_exec": "powershell.exe", "parent_process_path": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
		"parent_process_id": "4624", "parent_process_guid": "{96128EA2-F211-5F7E-DF00-000000007F01}",
		"user": "Administrator", "user_id": "S-1-5-18", "loaded_file": "unknown", "os": "Microsoft Windows",
		"vendor_product": "Microsoft Sysmon", "_time": "2020-10-08 11:03:46.615", "cpu_load_percent": null,
	})
}

// TestProcessesOtherEventIDs checks the per-EventID columns of §6a.2 and
// the CIM name fallbacks of §6a.4.
func TestProcessesOtherEventIDs(t *testing.T) {
	base := func(eid int, extra ...kv) evt {
		return evt{eid: eid, data: append([]kv{{"UtcTime", "2023-01-01 00:00:00.000"}}, extra...)}
	}
	tests := []struct {
		name string
		in   evt
		want map[string]string
	}{
		{"5 terminated", base(5, kv{"ProcessGuid", "{G}"}, kv{"ProcessId", "7"}, kv{"Image", `C:\a\b.exe`}, kv{"User", `D\u`}), map[string]string{
			"action": "blocked", "process": `C:\a\b.exe`, "process_name": "b.exe", "process_id": "7", "user": "u", "parent_process_name": "unknown",
		}},
		{"6 driver", base(6, kv{"ImageLoaded", `C:\Windows\System32\drivers\x.sys`}, kv{"Hashes", "SHA1=AB"}), map[string]string{
			"action": "allowed", "process_path": `C:\Windows\System32\drivers\x.sys`, "process_name": "unknown",
			"process": "unknown", "process_guid": null, "process_id": null, "user": "unknown", "process_hash": "SHA1=AB",
		}},
		{"7 image load", base(7, kv{"ProcessGuid", "{G}"}, kv{"ProcessId", "9"}, kv{"Image", `C:\p\app.exe`},
			kv{"ImageLoaded", `C:\Windows\System32\ntdll.dll`}, kv{"OriginalFileName", "-"}), map[string]string{
			"action": "success", "process_name": "app.exe", "loaded_file": "ntdll.dll", "original_file_name": "unknown",
		}},
		{"8 remote thread", base(8, kv{"SourceProcessGuid", "{S}"}, kv{"SourceProcessId", "1"}, kv{"SourceImage", `C:\s\src.exe`},
			kv{"TargetProcessGuid", "{T}"}, kv{"TargetProcessId", "2"}, kv{"TargetImage", `C:\t\dst.exe`}, kv{"StartModule", "-"},
			kv{"SourceUser", `D\x`}, kv{"TargetUser", `D\x`}), map[string]string{
			"process_guid": "{T}", "process_id": "2", "process_name": "dst.exe", "process_path": `C:\t\dst.exe`,
			"parent_process_guid": "{S}", "parent_process_id": "1", "parent_process_name": "src.exe",
			"parent_process": "unknown", "loaded_file": "-", "user": "x",
		}},
		{"10 process access", base(10, kv{"SourceProcessGUID", "{S}"}, kv{"TargetProcessGUID", "{T}"}, kv{"TargetImage", `C:\t\lsass.exe`},
			kv{"SourceImage", `C:\s\mimi.exe`}, kv{"SourceUser", `D\x`}, kv{"TargetUser", `NT AUTHORITY\SYSTEM`}), map[string]string{
			"process_guid": "{T}", "parent_process_guid": "{S}", "process_name": "lsass.exe", "user": "unknown",
		}},
		{"25 tampering", base(25, kv{"ProcessGuid", "{G}"}, kv{"Image", `C:\x\y.exe`}), map[string]string{
			"process_path": `C:\x\y.exe`, "process_name": "unknown", "process_exec": null,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rows(t, ingestText(t, tc.in.xml(), Options{}), "Endpoint.Processes")
			if len(got) != 1 {
				t.Fatalf("got %d rows, want 1", len(got))
			}
			checkRow(t, got[0], tc.want)
		})
	}
}

// TestFilesystemWorkedExamples uses sysmon-to-cim.md §6a.6 (EIDs 11, 23)
// and §6a.3.
func TestFilesystemWorkedExamples(t *testing.T) {
	e11 := evt{eid: 11, computer: "win-dc-mhaag-attack-range-84.attackrange.local", data: []kv{
		{"RuleName", "-"}, {"UtcTime", "2023-02-08 13:01:11.053"},
		{"ProcessGuid", "{0F9A6540-A70E-63E2-3091-00000000BD02}"}, {"ProcessId", "9332"},
		{"Image", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`},
		{"TargetFilename", `C:\Users\Administrator\Downloads\mimikatz_trunk\x64\CURRENT_USER_My_4_atomic@art2.local.pfx`},
		{"CreationUtcTime", "2023-02-08 13:01:11.053"},
	}}
	hashes := "MD5=75E78E4BF561031D39F86143753400FF,SHA256=1758085A61527B427C4380F0C976D29A8BEE889F2AC480C356A3F166433BF70E,IMPHASH=BF380CA9A0E2D8E1B3DA2C2D5A3A5D1B"
	e23 := evt{eid: 23, computer: "win-dc-ctus-attack-range-865.attackrange.local", data: []kv{
		{"RuleName", "-"}, {"UtcTime", "2023-02-01 10:57:09.814"},
		{"ProcessGuid", "{F522A29C-446D-63DA-9F01-00000000BB02}"}, {"ProcessId", "2428"},
		{"User", `ATTACKRANGE\Administrator`}, {"Image", `C:\Python311\python.exe`},
		{"TargetFilename", `C:\Python311\vcruntime140_1.dll`}, {"Hashes", hashes},
		{"IsExecutable", "true"}, {"Archived", "false"},
	}}
	e26ads := evt{eid: 26, data: []kv{{"UtcTime", "2023-03-01 00:00:00.000"}, {"TargetFilename", `C:\d\f.txt:Zone.Identifier`}, {"User", "-"}}}
	e11mod := evt{eid: 11, data: []kv{{"UtcTime", "2023-03-01 00:00:00.000"}, {"CreationUtcTime", "2020-01-01 00:00:00.000"}, {"TargetFilename", `C:\d\f:s:$DATA`}}}
	e11nocreate := evt{eid: 11, data: []kv{{"UtcTime", "2023-03-01 00:00:00.000"}, {"TargetFilename", `C:\d\g`}}}
	text := strings.Join([]string{e11.xml(), e23.xml(), e26ads.xml(), e11mod.xml(), e11nocreate.xml()}, "\n")
	got := rows(t, ingestText(t, text, Options{}), "Endpoint.Filesystem")
	if len(got) != 5 {
		t.Fatalf("got %d rows, want 5", len(got))
	}
	checkRow(t, got[0], map[string]string{
		"dest": "win-dc-mhaag-attack-range-84.attackrange.local", "action": "created",
		"file_path": `C:\Users\Administrator\Downloads\mimikatz_trunk\x64\CURRENT_USER_My_4_atomic@art2.local.pfx`,
		"file_name": "CURRENT_USER_My_4_atomic@art2.local.pfx", "file_create_time": "2023-02-08 13:01:11.053",
		"file_modify_time": null, "file_access_time": null, "file_hash": "unknown",
		"process_guid": "{0F9A6540-A70E-63E2-3091-00000000BD02}", "process_id": "9332", "user": "unknown",
		"file_acl": "unknown", "file_size": null, "vendor_product": "Microsoft Sysmon",
	})
	checkRow(t, got[1], map[string]string{
		"dest": "win-dc-ctus-attack-range-865.attackrange.local", "action": "deleted",
		"file_path": `C:\Python311\vcruntime140_1.dll`, "file_name": "vcruntime140_1.dll",
		"file_create_time": null, "file_modify_time": "2023-02-01 10:57:09.814", "file_access_time": null,
		"file_hash": hashes, "process_guid": "{F522A29C-446D-63DA-9F01-00000000BB02}", "process_id": "2428",
		"user": "Administrator", "file_acl": "unknown", "file_size": null,
	})
	checkRow(t, got[2], map[string]string{
		"action": "deleted", "file_path": `C:\d\f.txt`, "file_name": "f.txt", "user": "unknown",
		"file_modify_time": "2023-03-01 00:00:00.000", "file_access_time": "2023-03-01 00:00:00.000",
	})
	checkRow(t, got[3], map[string]string{"action": "modified", "file_path": `C:\d\f:$DATA`, "file_name": "f:$DATA"})
	checkRow(t, got[4], map[string]string{"action": "unknown", "file_name": "g"})
}
