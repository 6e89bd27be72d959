package datamodel

import (
	"bytes"
	"slices"
	"strconv"
)

// This file is the search-time layer of Splunk_TA_windows 8.8.0 (WIN88)
// and the Sysmon add-on 4.0 over one raw event, after the generic XML
// extraction (eventfields.go): the [xmlwineventlog] sourcetype aliases and
// EVALs, the [source::XmlWinEventLog:Security] and
// [source::XmlWinEventLog:System] stanzas (raw-events.md §4.2, §5, §6.2,
// §7), the Sysmon add-on's fields (sysmonFields, the table the CIM
// datasets use), and the rows of the add-on's lookups that the reference
// quotes. Every EVAL of one stanza reads the fields as they were before
// any EVAL ran ("as if they are run in parallel"), so EVAL results are
// computed first and assigned together (evalSet).

// Channels with a source stanza.
const (
	securityChannel = "Security"
	systemChannel   = "System"
)

// evalSet collects EVAL results, to be assigned after all are computed.
type evalSet struct {
	names []string
	vals  [][]byte
}

func (s *evalSet) put(name string, v []byte) {
	s.names = append(s.names, name)
	s.vals = append(s.vals, v)
}

// apply assigns every result; a null result removes the field.
func (s *evalSet) apply(r *record) {
	for i, n := range s.names {
		r.set(n, s.vals[i])
	}
	s.names, s.vals = s.names[:0], s.vals[:0]
}

// fieldAlias is FIELDALIAS src AS dst: dst takes src's values, and is removed
// when src has none.
func fieldAlias(r *record, src, dst string) { r.setAll(dst, r.all(src)) }

// notDash returns v unless it is exactly "-" (the (?!^-$)(.+) of the
// *_as_src_user transforms).
func notDash(v []byte) []byte {
	if len(v) == 1 && v[0] == '-' {
		return nil
	}
	return v
}

// baseName is (?:.*\\)?(.*): the text after the last backslash.
func baseName(v []byte) []byte {
	if v == nil {
		return nil
	}
	if i := bytes.LastIndexByte(v, '\\'); i >= 0 {
		return v[i+1:]
	}
	return v
}

// eventCodeIn reports whether code is one of the listed EventCodes.
func eventCodeIn(code int, list ...int) bool {
	for _, c := range list {
		if c == code {
			return true
		}
	}
	return false
}

// sourcetypeAliases applies the [xmlwineventlog] stanza's FIELDALIASes
// (raw-events.md §1.3): dvc_for_windows, event_id_for_windows,
// id_for_windows, user_id_for_windows, service_for_windows,
// service_id_for_windows and the lower-case stanza's
// process_name_for_windows (ProcessName AS process_name; the Security
// stanza's EVAL-process_name replaces it).
func sourcetypeAliases(r *record) {
	fieldAlias(r, "host", "dvc_nt_host")
	fieldAlias(r, "Computer", "dvc")
	fieldAlias(r, "RecordNumber", "event_id")
	fieldAlias(r, "RecordNumber", "id")
	fieldAlias(r, "UserID", "user_id")
	fieldAlias(r, "ServiceName", "service")
	fieldAlias(r, "ServiceName", "service_name")
	fieldAlias(r, "ServiceSid", "service_id")
	fieldAlias(r, "ProcessName", "process_name")
}

// sourcetypeEvals puts the sourcetype stanza's EVAL-signature_id and
// EVAL-vendor_product; a source stanza's EVAL of the same name, put
// after them, wins.
func sourcetypeEvals(r *record, ev *evalSet) {
	if string(r.get("SourceName")) == "Microsoft-Windows-WindowsUpdateClient" {
		ev.put("signature_id", r.get("signature_id"))
	} else {
		ev.put("signature_id", r.get("EventCode"))
	}
	ev.put("vendor_product", r.lit("Microsoft Windows"))
}

// securityExtracts are the inline EXTRACT-<f>_from_xml of the Security
// stanza (p.332-337): <Data Name='X'>(?<f>[^<]+)</Data>, the first value.
var securityExtracts = [...][2]string{
	{"NewProcessName", "new_process"},
	{"ParentProcessName", "parent_process"},
	{"NewProcessId", "new_process_id"},
	{"ProcessId", "process_id"},
	{"ProcessName", "process"},
	{"CommandLine", "Process_Command_Line"},
}

// securityCopies are the Security stanza's simple (.+) copies
// (p.258-266, p.287, p.304): SubjectUserName_as_Caller_User_Name and the
// like.
var securityCopies = [...][2]string{
	{"SubjectUserName", "Caller_User_Name"},
	{"SubjectDomainName", "Caller_Domain"},
	{"SubjectLogonId", "Logon_ID"},
	{"SubjectLogonId", "session_id"},
	{"TargetUserName", "Target_User_Name"},
	{"TargetDomainName", "Target_Domain"},
	{"LogonType", "Logon_Type"},
	{"TokenElevationType", "Token_Elevation_Type"},
	{"IpPort", "Source_Port"},
	{"AuthenticationPackageName", "authentication_method"},
}

// securityReports applies the EXTRACTs and REPORTs of
// [source::XmlWinEventLog:Security] (raw-events.md §4.2, §5, §7). Its
// FIELDALIAS (IpPort via Source_Port AS src_port) is applied by the
// caller, then securityEvals, then securityLookups. The EXTRACTs read
// _raw, so they take the Data text as written (e.data), not the trimmed
// Data field (addData).
func securityReports(r *record, e *event) {
	// EXTRACT (before every REPORT).
	for _, x := range securityExtracts {
		r.addNew(x[1], e.data(x[0]))
	}
	if ip := r.get("IpAddress"); ip != nil && !bytes.HasPrefix(ip, []byte("::1")) && !bytes.HasPrefix(ip, []byte("127.0.0.1")) {
		r.addNew("src_ip", ip) // EXTRACT-1IpAddress (p.331)
	}
	// REPORT.
	for _, x := range securityCopies {
		r.addNew(x[1], r.get(x[0]))
	}
	if t := r.get("Token_Elevation_Type"); bytes.HasPrefix(t, []byte("%%")) {
		r.addNew("Token_Elevation_Type_id", t[2:])
	}
	r.addNew("new_process_name", baseName(r.get("new_process")))
	r.addNew("parent_process_name", baseName(r.get("parent_process")))
	if cl := r.get("Process_Command_Line"); cl != nil {
		proc, args := splitCommandLine(cl)
		r.addNew("process_command_line_process", proc)
		r.addNew("process_command_line_arguments", args)
	}
	// Source_Workstation_as_src (REPORT-src_for_windows_security, after
	// Workstation_as_Source_Workstation) [UNCERTAIN: Splunk_TA_windows
	// 8.4.0's REPORTs; the reference quotes only EVAL-src, which prefers
	// IpAddress and WorkstationName to this value]: an event whose only
	// source is Workstation (4776, 4794) has src = Workstation unless "-".
	r.addNew("src", notDash(r.get("Workstation")))
	r.addNew("src_user", notDash(r.get("Caller_User_Name")))
	r.addNew("user", r.get("Target_User_Name"))
	if d := r.get("TargetServerName"); d != nil {
		r.addNew("dest", d)
	}
	r.addNew("dest", r.get("Computer"))
	r.addNew("src_nt_domain", notDash(r.get("SubjectDomainName")))
	r.addNew("dest_nt_domain", r.get("TargetDomainName"))
	if on := r.get("ObjectName"); on != nil {
		// object_file_name_and_path_from_ObjectName_for_xml (t.1407):
		// ^((?:.*[\\/]+)*([^-].*))$.
		name := on
		if i := bytes.LastIndexAny(on, `\/`); i >= 0 {
			name = on[i+1:]
		}
		if len(name) > 0 && name[0] != '-' {
			r.addNew("object_file_path", on)
			r.addNew("object_file_name", name)
		}
	}
}

// securityEvals puts the Security stanza's EVALs for EventCode code, all
// reading the fields as they are before any EVAL.
func securityEvals(r *record, code int, ev *evalSet) {
	is4688 := code == 4688
	switch {
	case is4688:
		ev.put("process", process4688(r))
	case code == 4696:
		ev.put("process", r.get("TargetProcessName"))
	default:
		ev.put("process", coalesce(r.get("process"), r.get("Process"), r.get("ProcessName")))
	}
	if is4688 {
		ev.put("process_path", r.get("new_process"))
		ev.put("process_id", r.get("new_process_id"))
		ev.put("parent_process_path", r.get("parent_process"))
	} else {
		ev.put("process_path", r.get("ProcessName"))
		ev.put("process_id", r.get("process_id"))
		ev.put("parent_process_path", nil)
	}
	switch {
	case is4688:
		ev.put("process_name", r.get("new_process_name"))
		ev.put("process_exec", r.get("new_process_name"))
	case eventCodeIn(code, 4689, 4674, 4673):
		ev.put("process_name", baseName(r.get("ProcessName")))
		ev.put("process_exec", baseName(r.get("ProcessName")))
	default:
		ev.put("process_name", r.get("ProcessName"))
		ev.put("process_exec", nil)
	}
	if code == 4696 {
		ev.put("parent_process", r.get("ProcessName"))
	} else {
		ev.put("parent_process", r.get("parent_process"))
	}
	if is4688 || code == 4696 {
		ev.put("parent_process_id", r.get("ProcessId"))
	} else {
		ev.put("parent_process_id", nil)
	}
	ev.put("user", securityUser(r, code))
	ev.put("src_user", securitySrcUser(r, code))
	// EVAL-src (p.353) [derived from the §5 examples]: IpAddress unless
	// "-", else WorkstationName unless "-".
	ev.put("src", coalesce(notDash(r.get("IpAddress")), notDash(r.get("WorkstationName")), r.get("src")))
	if code == 4688 && string(r.get("Keywords")) == "0x8020000000000000" {
		ev.put("action", r.lit("allowed")) // EVAL-action (p.377)
	} else {
		ev.put("action", r.get("action"))
	}
	ev.put("dest_nt_domain", notDash(r.get("dest_nt_domain"))) // nullif(dest_nt_domain,"-")
	if code >= 4741 && code <= 4743 {
		ev.put("user_type", r.lit("computer")) // EVAL-user_type (p.383)
	}
	fileName := r.get("file_name")
	filePath := r.get("file_path")
	if string(r.get("ObjectType")) == "File" {
		fileName = coalesce(fileName, r.get("object_file_name"))
		filePath = coalesce(filePath, r.get("object_file_path"))
	}
	ev.put("file_name", coalesce(fileName, r.get("ShareName")))
	ev.put("file_path", filePath)
	ev.put("vendor", r.lit("Microsoft"))
	ev.put("product", r.lit("Windows"))
}

// coalesce returns the first non-nil value.
func coalesce(vs ...[]byte) []byte {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// splitCommandLine is process_command_line_process_and_arguments (t.1372):
// (^\"[^\"]+\"|[^\s]+)\s*(.*) on the command line: the first token (a
// leading double-quoted string, or a run of non-spaces) and the rest; an
// empty rest is not kept.
func splitCommandLine(cl []byte) (proc, args []byte) {
	end := -1
	if len(cl) > 1 && cl[0] == '"' {
		if i := bytes.IndexByte(cl[1:], '"'); i > 0 {
			end = i + 2
		}
	}
	if end < 0 {
		end = 0
		for end < len(cl) && !isRegexSpace(cl[end]) {
			end++
		}
		if end == 0 {
			return nil, nil
		}
	}
	proc = cl[:end]
	rest := cl[end:]
	for len(rest) > 0 && isRegexSpace(rest[0]) {
		rest = rest[1:]
	}
	// (.*) stops at a line break (no (?s) in a REPORT).
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	if len(rest) == 0 {
		return proc, nil
	}
	return proc, rest
}

// process4688 is EVAL-process's 4688 branch (p.357): the command line
// verbatim when its first token holds a backslash; else NewProcessName
// (quoted when it holds white space) + " " + the arguments; NewProcessName
// when there are no arguments or no command line.
func process4688(r *record) []byte {
	cl := r.get("Process_Command_Line")
	if p := r.get("process_command_line_process"); p != nil && bytes.IndexByte(p, '\\') >= 0 {
		return cl
	}
	npn := r.get("NewProcessName")
	args := r.get("process_command_line_arguments")
	if npn != nil && args != nil && cl != nil {
		if bytes.IndexFunc(npn, func(c rune) bool { return c < 0x80 && isRegexSpace(byte(c)) }) >= 0 {
			return r.build([]byte(`"`), npn, []byte(`" `), args)
		}
		return r.build(npn, []byte(" "), args)
	}
	return npn
}

// securityUser is EVAL-user (p.369) by EventCode.
func securityUser(r *record, code int) []byte {
	switch {
	case code == 4688:
		if u := r.get("user"); u != nil && string(u) != "-" {
			return u
		}
		return r.get("src_user")
	case eventCodeIn(code, 4703, 4704, 4705, 4720, 4722, 4723, 4724, 4725, 4726, 4738, 4767):
		return r.get("TargetUserName")
	case code == 4781:
		return r.get("NewTargetUserName")
	case eventCodeIn(code, 1102, 4673, 4674, 4689, 4697, 4698, 4700, 4701, 4702, 4719, 4799):
		return notDash(r.get("SubjectUserName"))
	case eventCodeIn(code, 4727, 4730, 4731, 4734, 4735, 4737, 4754, 4755, 4758, 4764):
		return nil
	}
	return r.get("user")
}

// securitySrcUser is EVAL-src_user (p.371) by EventCode.
func securitySrcUser(r *record, code int) []byte {
	switch {
	case eventCodeIn(code, 4624, 4625, 4703, 4704, 4705, 4720, 4722, 4723, 4724, 4725, 4726, 4727, 4728, 4729,
		4730, 4731, 4733, 4734, 4735, 4737, 4738, 4754, 4755, 4756, 4757, 4758, 4764, 4767, 4781):
		return notDash(r.get("SubjectUserName"))
	case eventCodeIn(code, 4634, 4800, 4801):
		return r.get("TargetUserName")
	}
	return r.get("src_user")
}

// securityLookups writes the outputs of the Security stanza's lookups for
// the rows the reference quotes (raw-events.md §4.2, §5); the add-on's CSV
// files themselves are not available:
//   - LOOKUP-action_for_windows_xmlsecurity_input on
//     xmlsecurity_eventcode_errorcode_action.csv: 4624 success; 4625
//     failure (every 4625 is a failed logon) [derived];
//   - LOOKUP-action_for_windows2_security, windows_action_lookup Type AS
//     Keywords OUTPUTNEW action, action AS status: 0x8020000000000000
//     (audit success) success, 0x8010000000000000 (audit failure) failure;
//   - windows_signature_lookup signature_id OUTPUTNEW signature, signature
//     AS name, signature AS subject, and windows_signature_lookup2 on
//     (signature_id, Sub_Status) before it: the three rows quoted;
//   - the windows_apps.csv app lookups: win:remote for Logon_Type 3,
//     win:unknown otherwise [UNCERTAIN, lookup order].
//
// A lookup without a matching row changes nothing here: whether Splunk's
// "clears all of the output fields" also removes a field set before an
// OUTPUTNEW lookup is open (§9 item 2); keeping it is what the ESCU 4688
// field list (action, status) shows.
func securityLookups(r *record, code int) {
	changeLookups(r, code)
	var action []byte
	switch code {
	case 4624:
		action = r.lit("success")
	case 4625:
		action = r.lit("failure")
	}
	if action != nil {
		r.addNew("action", action)
		r.addNew("status", action)
	}
	switch string(r.get("Keywords")) {
	case "0x8020000000000000":
		r.addNew("action", r.lit("success"))
		r.addNew("status", r.lit("success"))
	case "0x8010000000000000":
		r.addNew("action", r.lit("failure"))
		r.addNew("status", r.lit("failure"))
	}
	var sig string
	switch {
	case code == 4625 && string(bytes.ToLower(r.get("Sub_Status"))) == "0xc000006a":
		sig = "User logon with misspelled or bad password"
	case code == 4688:
		sig = "A new process has been created"
	case code == 4624:
		sig = "An account was successfully logged on"
	case code == 4794:
		// The text ESCU's Windows AD DSRM Password Reset matches in
		// All_Changes.result (Windows' own title of the event).
		sig = "An attempt was made to set the Directory Services Restore Mode administrator password"
	}
	if sig != "" {
		v := r.lit(sig)
		r.addNew("signature", v)
		r.addNew("name", v)
		r.addNew("subject", v)
	}
	if string(r.get("Logon_Type")) == "3" {
		r.addNew("app", r.lit("win:remote"))
	} else {
		r.addNew("app", r.lit("win:unknown"))
	}
}

// auditChange is a row of windows_audit_changes.csv (EventCode -> action,
// change_type, object_category) and of
// xmlsecurity_change_audit_and_account_management.csv (EventCode ->
// object_attrs, result); an empty value is no output.
type auditChange struct {
	action, changeType, objectCategory, objectAttrs, result string
}

// auditChanges holds those two lookups' rows for the EventCodes of XML
// Security events, as Splunk_TA_windows 8.4.0 ships them [UNCERTAIN for
// 8.8.0: its CSV files were not available; the reference quotes neither].
// The pre-Vista EventCodes (517, 624, ...) of the CSV never occur in XML
// events and are left out.
var auditChangeRows = [...]struct {
	code int
	auditChange
}{
	{1100, auditChange{"stopped", "audit", "audit", "service", ""}},
	{1101, auditChange{"success", "audit", "audit", "transport", ""}},
	{1102, auditChange{"cleared", "audit", "audit", "registry", ""}},
	{1108, auditChange{"success", "audit", "audit", "Microsoft-Windows-Security-Auditing", ""}},
	{4703, auditChange{"modified", "AAA", "user", "account", "A token right was adjusted"}},
	{4704, auditChange{"modified", "AAA", "user", "account", "A user right was assigned"}},
	{4705, auditChange{"modified", "AAA", "user", "account", "A user right was removed"}},
	{4717, auditChange{"", "AAA", "security access", "", "access was granted"}},
	{4718, auditChange{"", "AAA", "security access", "", "account was removed"}},
	{4719, auditChange{"", "audit", "audit", "Kerberos Authentication Service", ""}},
	{4720, auditChange{"created", "user", "user", "", "account was created"}},
	{4722, auditChange{"modified", "AAA", "user", "account", "A user account was enabled"}},
	{4723, auditChange{"modified", "AAA", "user", "account", "An attempt was made to change an account's password"}},
	{4724, auditChange{"modified", "AAA", "user", "account", "An attempt was made to reset an account's password"}},
	{4725, auditChange{"modified", "AAA", "user", "account", "A user account was disabled"}},
	{4726, auditChange{"deleted", "AAA", "user", "account", "A user account was deleted"}},
	{4727, auditChange{"", "AAA", "global group", "", "group was created"}},
	{4728, auditChange{"", "AAA", "user", "", "member was added to a security-enabled global group"}},
	{4729, auditChange{"", "AAA", "user", "", "member was removed from a security-enabled global group"}},
	{4730, auditChange{"", "AAA", "global group", "", "group was deleted"}},
	{4731, auditChange{"", "AAA", "local group", "", "group was created"}},
	{4732, auditChange{"", "AAA", "user", "", "member was added to a security-enabled local group"}},
	{4733, auditChange{"", "AAA", "user", "", "member was removed from a security-enabled local group"}},
	{4734, auditChange{"", "AAA", "local group", "", "group was deleted"}},
	{4735, auditChange{"", "AAA", "local group", "", "group was changed"}},
	{4737, auditChange{"", "AAA", "global group", "", "group was changed"}},
	{4738, auditChange{"modified", "AAA", "user", "account", "A user account was changed"}},
	{4739, auditChange{"", "AAA", "global group", "domain policy", "Domain Policy was changed"}},
	{4740, auditChange{"modified", "user", "user", "", "lockout"}},
	{4741, auditChange{"created", "user", "user", "computer account", "account was created"}},
	{4742, auditChange{"modified", "user", "user", "computer account", "account was changed"}},
	{4743, auditChange{"deleted", "user", "user", "computer account", "account was deleted"}},
	{4750, auditChange{"", "AAA", "global group", "", "group was changed"}},
	{4753, auditChange{"", "AAA", "global group", "", "group was deleted"}},
	{4754, auditChange{"", "AAA", "universal group", "", "group was created"}},
	{4755, auditChange{"", "AAA", "universal group", "", "group was changed"}},
	{4756, auditChange{"", "AAA", "user", "", "member was added to a security-enabled universal group"}},
	{4757, auditChange{"", "AAA", "user", "", "member was removed from a security-enabled universal group"}},
	{4758, auditChange{"", "AAA", "universal group", "", "group was deleted"}},
	{4764, auditChange{"", "AAA", "group", "", "group was deleted"}},
	{4767, auditChange{"modified", "AAA", "user", "account", "A user account was unlocked"}},
	{4781, auditChange{"modified", "AAA", "user", "account", "The name of an account was changed"}},
}

// auditChanges returns the auditChangeRows row of code.
func auditChanges(code int) (auditChange, bool) {
	i, ok := slices.BinarySearchFunc(auditChangeRows[:], code, func(r struct {
		code int
		auditChange
	}, c int) int {
		return r.code - c
	})
	if !ok {
		return auditChange{}, false
	}
	return auditChangeRows[i].auditChange, true
}

// changeLookups applies the Security stanza's Change lookups, which run
// before the Keywords action lookup (LOOKUP classes apply in ASCII order
// of their names: action_for_windows00, action_for_windows0, then
// action_for_windows1/2; object_for_windows3 after them, all OUTPUTNEW)
// [UNCERTAIN: Splunk_TA_windows 8.4.0's props.conf and CSV files]:
// windows_wineventlog_change_action (5461: action modified, status
// failure), windows_audit_changes and
// xmlsecurity_change_audit_and_account_management (auditChanges). The
// add-on's EVAL-object_attrs (SamAccountName, AccessGranted, ... by
// EventCode) and FIELDALIAS sourcetype AS object are not modelled.
func changeLookups(r *record, code int) {
	if code == 5461 {
		r.addNew("action", r.lit("modified"))
		r.addNew("status", r.lit("failure"))
	}
	row, ok := auditChanges(code)
	if !ok {
		return
	}
	for _, kv := range [...][2]string{
		{"action", row.action}, {"change_type", row.changeType}, {"object_category", row.objectCategory},
		{"object_attrs", row.objectAttrs}, {"result", row.result},
	} {
		if kv[1] != "" {
			r.addNew(kv[0], r.lit(kv[1]))
		}
	}
}

// systemFields applies [source::XmlWinEventLog:System] (raw-events.md
// §6.2): REPORT Computer_as_dest and ServiceName_as_service_name. The
// start_mode, status and EventID 104 lookups are not modelled (their CSV
// files are not available).
func systemFields(r *record) {
	r.addNew("dest", r.get("Computer"))
	r.addNew("service_name", r.get("ServiceName"))
}

// sysmonEvals puts the Sysmon add-on's source stanza, as the CIM mapping
// models it (sysmonFields), for a raw Sysmon event: every field whose
// derivation covers the EventID, as an EVAL (put after the sourcetype's,
// so "Microsoft Sysmon" replaces vendor_product). user_id is left to
// WIN88's alias of UserID (the add-on defines none; sysmon-to-cim §6a.5),
// so it keeps its quotes like every raw System attribute.
func sysmonEvals(e *event, sd *sysmonDerivs, ev *evalSet) {
	if sd == nil {
		return
	}
	for _, d := range sd.forID(e.eventID) {
		if v := d.derive(e); v != nil {
			ev.put(d.name, v)
		}
	}
}

// sysmonDerivs holds the add-on's derivations of each Sysmon EventID (in
// the add-on's field order, user_id left out), worked out from its fields
// the first time an event of that EventID is seen: looking each field's
// derivation up per event (deriveFor scans the fields) cost the event
// store build about a tenth of its CPU time.
type sysmonDerivs struct {
	ta  []taField
	ids map[int][]namedDerive
}

// namedDerive is the derivation of one field.
type namedDerive struct {
	name   string
	derive deriveFunc
}

func newSysmonDerivs() *sysmonDerivs {
	return &sysmonDerivs{ta: sysmonFields(), ids: map[int][]namedDerive{}}
}

// forID returns the derivations of EventID id: deriveFor of every field
// but user_id, those that are not nil.
func (s *sysmonDerivs) forID(id int) []namedDerive {
	if d, ok := s.ids[id]; ok {
		return d
	}
	var out []namedDerive
	for _, f := range s.ta {
		if f.name == "user_id" {
			continue
		}
		if d := deriveFor(s.ta, f.name, id); d != nil {
			out = append(out, namedDerive{f.name, d})
		}
	}
	s.ids[id] = out
	return out
}

// parseSystemTime reads <TimeCreated SystemTime='2021-01-14T23:41:39.938175300Z'/>
// (RFC 3339 in UTC, up to 100 ns) into Unix milliseconds, truncating the
// sub-millisecond digits.
func parseSystemTime(b []byte) (int64, bool) {
	// YYYY-MM-DDTHH:MM:SS[.fraction]Z
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	base := make([]byte, 0, 23)
	base = append(base, b[:10]...)
	base = append(base, ' ')
	base = append(base, b[11:19]...)
	rest := b[19:]
	frac := []byte("000")
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		digits := rest[1:n]
		if len(digits) == 0 {
			return 0, false
		}
		f := append([]byte(nil), digits...)
		for len(f) < 3 {
			f = append(f, '0')
		}
		frac = f[:3]
		rest = rest[n:]
	}
	if string(rest) != "Z" && string(rest) != "" {
		return 0, false
	}
	base = append(base, '.')
	base = append(base, frac...)
	return parseUtcTime(base)
}

// eventCode returns the numeric EventCode of r, or -1.
func eventCode(r *record) int {
	n, err := strconv.Atoi(string(r.get("EventCode")))
	if err != nil {
		return -1
	}
	return n
}
