package datamodel

import (
	"strings"
	"testing"
)

// secEvt builds a Security event (audit success unless keywords says
// otherwise).
func secEvt(eid int, keywords string, data ...kv) evt {
	if keywords == "" {
		keywords = "0x8020000000000000"
	}
	return evt{provider: "Microsoft-Windows-Security-Auditing", channel: "Security", computer: "dc1.corp.example.com",
		keywords: keywords, eid: eid, data: data}
}

// TestChangeRows checks Change.All_Changes field by field against the
// choices of catalog.go (change), eventtypes.go and winta.go
// (changeLookups): which events are rows, the Change lookups beating the
// Keywords action, CIM's result and result_id fallbacks, and the fills.
func TestChangeRows(t *testing.T) {
	subject := []kv{{"SubjectUserName", "admin"}, {"SubjectDomainName", "CORP"}, {"SubjectLogonId", "0x3e7"}}
	events := []evt{
		// 4720 user created: windows_account_created and
		// windows_account_management; lookups action created,
		// change_type user, object_category user, result "account was
		// created" (object_attrs empty in the lookup).
		secEvt(4720, "", append(subject, kv{"TargetUserName", "bob"}, kv{"TargetDomainName", "CORP"}, kv{"SamAccountName", "bob"})...),
		// 4742 computer changed: user_type computer (EVAL-user_type).
		secEvt(4742, "", append(subject, kv{"TargetUserName", "WS1$"}, kv{"TargetDomainName", "CORP"})...),
		// 5461 (windows_security_change): action modified and status
		// failure from windows_wineventlog_change_action, before the
		// Keywords lookup's success.
		secEvt(5461, "", subject...),
		// 4794: no lookup row; result and result_id from signature and
		// signature_id; src the Workstation.
		secEvt(4794, "", append(subject, kv{"Workstation", "WS9"}, kv{"Status", "0x0"})...),
		// 4625: Authentication, not Change.
		secEvt(4625, "0x8010000000000000", append(subject, kv{"TargetUserName", "eve"}, kv{"LogonType", "3"})...),
		// 4688: Endpoint.Processes, not Change.
		secEvt(4688, "", append(subject, kv{"NewProcessName", `C:\x.exe`}, kv{"NewProcessId", "0x10"})...),
		// Sysmon 19 (WMI filter, tags change endpoint): not routed to
		// Change (windowsOnly).
		{eid: 19, data: []kv{{"RuleName", "-"}, {"EventType", "WmiFilterEvent"}, {"UtcTime", "2021-07-12 08:11:04.547"},
			{"Operation", "Created"}, {"User", `CORP\admin`}, {"EventNamespace", `"root\cimv2"`}, {"Name", `"f"`}, {"Query", `"q"`}}},
	}
	var text strings.Builder
	for _, e := range events {
		text.WriteString(e.xml() + "\n")
	}
	s := ingestText(t, text.String(), Options{})
	st := s.Stats()
	if st.Used["Change.All_Changes"] != 4 || st.Used["Authentication.Authentication"] != 1 || st.Used["Endpoint.Processes"] != 1 {
		t.Fatalf("used %v, want 4 Change rows (4720, 4742, 5461, 4794), 1 Authentication, 1 Processes", st.Used)
	}
	got := rows(t, s, "Change.All_Changes")
	want := []map[string]string{
		{"result_id": "4720", "result": "account was created", "action": "created", "change_type": "user",
			"object_category": "user", "object_attrs": "unknown", "user": "bob", "user_type": null, "status": "success",
			"dest": "dc1.corp.example.com", "dvc": "dc1.corp.example.com", "src": "unknown", "vendor_product": "Microsoft Windows",
			"command": "unknown", "object": "unknown", "user_name": "unknown", "sourcetype": "xmlwineventlog", "source": "XmlWinEventLog:Security"},
		{"result_id": "4742", "result": "account was changed", "action": "modified", "change_type": "user",
			"object_category": "user", "object_attrs": "computer account", "user": "WS1$", "user_type": "computer"},
		{"result_id": "5461", "result": "unknown", "action": "modified", "status": "failure", "change_type": "unknown",
			"object_category": "unknown", "user": "unknown"},
		{"result_id": "4794", "result": "An attempt was made to set the Directory Services Restore Mode administrator password",
			"action": "success", "status": "success", "src": "WS9", "user": "unknown", "change_type": "unknown"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		for k, v := range w {
			if got[i][k] != v {
				t.Errorf("row %d (%s): %s = %q, want %q", i, w["result_id"], k, got[i][k], v)
			}
		}
	}
	// The CIM calculations as minispl datamodels describes them.
	cat := DefaultCatalog()
	d, _ := cat.Lookup("Change.All_Changes")
	desc := cat.Describe(d)
	for _, w := range []string{
		"constraint: tag=change",
		`result_id                    string  = if(isnotnull(result_id) AND result_id!="",result_id,if(isnotnull(signature_id) AND signature_id!="",signature_id,-1))`,
		`result                       string  = if(isnotnull(result) AND result!="",result,if(isnotnull(signature) AND signature!="",signature,"unknown"))`,
		"XmlWinEventLog:Security EventCodes: 1100, 1101, 1102, 1105, 1108, 4703,",
	} {
		if !strings.Contains(desc, w) {
			t.Errorf("Describe lacks %q:\n%s", w, desc)
		}
	}
	if strings.Contains(desc, "Sysmon EventIDs") {
		t.Errorf("Change takes Sysmon events:\n%s", desc)
	}
}

// TestChangeExclusion: CIM52's constraint drops a change-tagged event whose
// object_category is file, directory or registry (in any case).
func TestChangeExclusion(t *testing.T) {
	spec := change()
	for _, tc := range []struct {
		category string
		out      bool
	}{{"file", true}, {"Registry", true}, {"directory", true}, {"user", false}, {"", false}} {
		r := newRecord()
		if tc.category != "" {
			r.add("object_category", r.lit(tc.category))
		}
		if got := spec.exclude(r); got != tc.out {
			t.Errorf("object_category %q: excluded %v, want %v", tc.category, got, tc.out)
		}
	}
}
