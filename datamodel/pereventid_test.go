package datamodel

import (
	"fmt"
	"testing"
)

// TestFilesystemPerEventID pins the columns of sysmon-to-cim.md §6a.3 for
// the EventIDs the worked examples do not cover (2, 27, 28, 29), after the
// CIM calculations of §6a.4.
func TestFilesystemPerEventID(t *testing.T) {
	const utc, created = "2023-05-01 10:00:00.000", "2020-01-01 00:00:00.000"
	common := []kv{
		{"UtcTime", utc}, {"ProcessGuid", "{G}"}, {"ProcessId", "42"}, {"User", `D\u`},
		{"Image", `C:\p\app.exe`}, {"TargetFilename", `C:\d\f.exe:s`},
	}
	tests := []struct {
		eid   int
		extra []kv
		want  map[string]string
	}{
		{2, []kv{{"CreationUtcTime", created}, {"PreviousCreationUtcTime", "2019-01-01 00:00:00.000"}}, map[string]string{
			"action": "modified", "file_create_time": created, "file_modify_time": utc, "file_access_time": utc,
			"file_hash": "unknown",
		}},
		{27, []kv{{"Hashes", "SHA1=A"}}, map[string]string{
			"action": "blocked", "file_create_time": null, "file_modify_time": utc, "file_access_time": utc,
			"file_hash": "SHA1=A",
		}},
		{28, []kv{{"Hashes", "SHA1=B"}, {"IsExecutable", "true"}}, map[string]string{
			"action": "blocked", "file_create_time": null, "file_modify_time": utc, "file_access_time": utc,
			"file_hash": "SHA1=B",
		}},
		{29, []kv{{"Hashes", "SHA1=C"}}, map[string]string{
			"action": "created", "file_create_time": null, "file_modify_time": null, "file_access_time": utc,
			"file_hash": "SHA1=C",
		}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.eid), func(t *testing.T) {
			e := evt{eid: tc.eid, data: append(append([]kv(nil), common...), tc.extra...)}
			got := rows(t, ingestText(t, e.xml(), Options{}), "Endpoint.Filesystem")
			if len(got) != 1 {
				t.Fatalf("got %d rows, want 1", len(got))
			}
			checkRow(t, got[0], tc.want)
			// The same in every column of §6a.3.
			checkRow(t, got[0], map[string]string{
				"file_path": `C:\d\f.exe`, "file_name": "f.exe", "process_guid": "{G}", "process_id": "42",
				"dest": "win-host-623.attackrange.local", "user": "u", "vendor_product": "Microsoft Sysmon",
				"file_acl": "unknown", "file_size": null,
			})
		})
	}
}

// TestProcessesSharedColumn pins the column "9, 15, 17, 18" and the 24
// column of sysmon-to-cim.md §6a.2: action allowed, process_* from Image,
// ProcessGuid and ProcessId, process_hash only for 24, and the CIM fills.
func TestProcessesSharedColumn(t *testing.T) {
	for _, eid := range []int{9, 15, 17, 18, 24} {
		t.Run(fmt.Sprint(eid), func(t *testing.T) {
			e := evt{eid: eid, data: []kv{
				{"UtcTime", "2023-05-01 10:00:00.000"}, {"ProcessGuid", "{G}"}, {"ProcessId", "42"},
				{"Image", `C:\p\app.exe`}, {"User", `D\u`}, {"Hashes", "SHA1=A"},
			}}
			got := rows(t, ingestText(t, e.xml(), Options{}), "Endpoint.Processes")
			if len(got) != 1 {
				t.Fatalf("got %d rows, want 1", len(got))
			}
			hash := null
			if eid == 24 {
				hash = "SHA1=A"
			}
			checkRow(t, got[0], map[string]string{
				"action": "allowed", "process_path": `C:\p\app.exe`, "process_name": "app.exe", "process_exec": "app.exe",
				"process_guid": "{G}", "process_id": "42", "process_hash": hash, "user": "u", "os": "Microsoft Windows",
				"process": "unknown", "parent_process": "unknown", "parent_process_name": "unknown",
				"loaded_file": "unknown", "original_file_name": "unknown", "process_integrity_level": null,
				"dest": "win-host-623.attackrange.local", "vendor_product": "Microsoft Sysmon",
			})
		})
	}
}

// TestMappingRowsAreUsed checks the add-on table against the catalog: every
// field sysmonFields derives is a column of at least one dataset, so no
// mapping row is dead or misspelt.
func TestMappingRowsAreUsed(t *testing.T) {
	declared := map[string]bool{}
	for _, spec := range catalogTable() {
		for _, f := range spec.fields {
			declared[f.name] = true
		}
	}
	for _, f := range sysmonFields() {
		if !declared[f.name] {
			t.Errorf("sysmonFields derives %q, which no dataset declares", f.name)
		}
	}
}
