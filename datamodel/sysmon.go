package datamodel

import (
	"bytes"
)

// This file is the Sysmon-to-CIM mapping as data: for each field the add-on
// Splunk_TA_microsoft_sysmon 4.0.0 computes (props.conf, stanza
// [source::XmlWinEventLog:Microsoft-Windows-Sysmon/Operational]), which
// derivation applies to which EventIDs, mirroring the add-on's case()
// branches (sysmon-to-cim.md §3, §6a.1). A dataset takes the add-on fields
// whose names it declares; the CIM calculations (cim.go) run afterwards.
// Add-on EVALs read only extracted fields, never each other's output
// (sysmon-to-cim §2, "Calculation order"), so every derivation reads the
// event alone.

// sysmonChannel is the <Channel> of Sysmon events. Every add-on setting and
// eventtype is keyed on source XmlWinEventLog:<Channel> (sysmon-to-cim §1).
const sysmonChannel = "Microsoft-Windows-Sysmon/Operational"

// deriveFunc computes one add-on field of one event. nil means null.
type deriveFunc func(e *event) []byte

// branch applies derive to the events whose EventID is in eventIDs.
type branch struct {
	eventIDs []int
	derive   deriveFunc
}

// taField is one field the add-on computes. The first branch whose
// EventIDs contain the event's EventID applies; none means null.
type taField struct {
	name     string
	branches []branch
}

// ids is shorthand for a list of EventIDs.
func ids(v ...int) []int { return v }

// span returns the EventIDs lo..hi inclusive.
func span(lo, hi int) []int {
	var v []int
	for i := lo; i <= hi; i++ {
		v = append(v, i)
	}
	return v
}

// allSysmonIDs is every Sysmon EventID (1-29 and 255); used by settings
// that apply whatever the EventID.
func allSysmonIDs() []int { return append(span(1, 29), 255) }

// Named derivations. Each returns a deriveFunc so that the table below is
// plain data.

// alias is FIELDALIAS-x = Name AS x, or EVAL-x = Name.
func alias(name string) deriveFunc { return func(e *event) []byte { return e.data(name) } }

// constant is EVAL-x = "text".
func constant(text string) deriveFunc {
	b := []byte(text)
	return func(*event) []byte { return b }
}

// computer is the <Computer> text.
func computer(e *event) []byte { return nonEmpty(e.computer) }

// securityUserID is the <Security UserID='...'/> SID without its quotes.
// [U] sysmon-to-cim §2: Splunk_TA_windows' extraction may keep the quotes;
// the worked example of §6a.6 shows S-1-5-18, which is the choice here.
func securityUserID(e *event) []byte { return nonEmpty(e.userID) }

// basenameOf is basename(Name), see basename.
func basenameOf(name string) deriveFunc {
	return func(e *event) []byte {
		if v := e.data(name); v != nil {
			return basename(e, v)
		}
		return nil
	}
}

// noADSOf is noads(Name): file_path.
func noADSOf(name string) deriveFunc {
	return func(e *event) []byte {
		if v := e.data(name); v != nil {
			return nonEmpty(noADS(e, v))
		}
		return nil
	}
}

// fileNameOf is noads(replace(Name,"(.*\\\)","")): file_name.
func fileNameOf(name string) deriveFunc {
	return func(e *event) []byte {
		if v := e.data(name); v != nil {
			return nonEmpty(noADS(e, afterLastBackslash(e, v)))
		}
		return nil
	}
}

// unlessDash is Name when present and not "-": original_file_name.
func unlessDash(name string) deriveFunc {
	return func(e *event) []byte {
		if v := e.data(name); v != nil && string(v) != "-" {
			return v
		}
		return nil
	}
}

// user is EVAL-user (l.129-130): case(NOT isnull(User) AND NOT User IN
// ("-"), shortuser(User), NOT isnull(SourceUser) AND NOT isnull(TargetUser)
// AND SourceUser==TargetUser, shortuser(SourceUser)).
func user(e *event) []byte {
	if u := e.data("User"); u != nil && string(u) != "-" {
		return shortUser(e, u)
	}
	su, tu := e.data("SourceUser"), e.data("TargetUser")
	if su != nil && tu != nil && bytes.Equal(su, tu) {
		return shortUser(e, su)
	}
	return nil
}

// eventTypeIs reports whether the EventType Data element equals t.
func eventTypeIs(e *event, t string) bool { return string(e.data("EventType")) == t }

// action12 is EVAL-action for EID 12: CreateKey -> created, DeleteKey and
// DeleteValue -> deleted, any other EventType -> null.
func action12(e *event) []byte {
	switch string(e.data("EventType")) {
	case "CreateKey":
		return e.build([]byte("created"))
	case "DeleteKey", "DeleteValue":
		return e.build([]byte("deleted"))
	}
	return nil
}

// action11 is EVAL-action for EID 11: created when UtcTime equals
// CreationUtcTime, else modified; null when either is missing.
func action11(e *event) []byte {
	u, c := e.data("UtcTime"), e.data("CreationUtcTime")
	if u == nil || c == nil {
		return nil
	}
	if bytes.Equal(u, c) {
		return e.build([]byte("created"))
	}
	return e.build([]byte("modified"))
}

// status14 is EVAL-status for EID 14: success only when <Keywords> is
// 0x8000000000000000.
func status14(e *event) []byte {
	if string(e.keywords) == "0x8000000000000000" {
		return e.build([]byte("success"))
	}
	return nil
}

// targetObject is TargetObject verbatim (registry_path; registry_key_name
// for 12 and 14).
func targetObject(e *event) []byte { return e.data("TargetObject") }

// keyName13 is registry_key_name for EID 13, see registryKeyName13.
func keyName13(e *event) []byte {
	if t := e.data("TargetObject"); t != nil {
		return nonEmpty(registryKeyName13(e, t))
	}
	return nil
}

// valueName is registry_value_name for 13, and for 14 when EventType is
// RenameValue, see registryValueName.
func valueName(e *event) []byte {
	if e.eventID == 14 && !eventTypeIs(e, "RenameValue") {
		return nil
	}
	if t := e.data("TargetObject"); t != nil {
		return registryValueName(e, t)
	}
	return nil
}

// valueData is registry_value_data (l.116-117):
// case((EventCode="13" AND isnotnull(RegistryValueData)) OR
// (EventCode="14" AND EventType="RenameValue"), RegistryValueData,
// EventCode="13", Details). RegistryValueData is the inside of `TYPE (...)`
// in Details (see splitDetails).
func valueData(e *event) []byte {
	d := e.data("Details")
	var rvd []byte
	if d != nil {
		if _, in, ok := splitDetails(d); ok {
			rvd = in
		}
	}
	switch {
	case e.eventID == 13 && rvd != nil, e.eventID == 14 && eventTypeIs(e, "RenameValue"):
		return rvd
	case e.eventID == 13:
		return d
	}
	return nil
}

// valueType is registry_value_type (l.119): for 13 and 14 RenameValue,
// "REG_"+RegistryValueType, null when Details is not `TYPE (...)`.
func valueType(e *event) []byte {
	if e.eventID == 14 && !eventTypeIs(e, "RenameValue") {
		return nil
	}
	d := e.data("Details")
	if d == nil {
		return nil
	}
	if t, _, ok := splitDetails(d); ok {
		return e.build([]byte("REG_"), t)
	}
	return nil
}

// registryHive is EVAL-registry_hive (l.113-115):
// like(TargetObject,"HKLM\System\%") -> HKEY_LOCAL_MACHINE\\System,
// like(TargetObject,"HKU\%") -> HKEY_CURRENT_USER,
// like(TargetObject,"HKLM\SOFTWARE\%") -> HKEY_LOCAL_MACHINE\\Software,
// anything else null.
//
// [U] sysmon-to-cim §3 leaves three points open; the choices are: like()
// treats `\` literally (no escape character) and compares case-sensitively
// (eval functions are case-sensitive, unlike search), and the output
// literal "HKEY_LOCAL_MACHINE\\\\System" unescapes to TWO backslashes by the
// same `\\` -> `\` rule under which all the add-on's regexes compile.
func registryHive(e *event) []byte {
	t := e.data("TargetObject")
	switch {
	case bytes.HasPrefix(t, []byte(`HKLM\System\`)):
		return e.build([]byte(`HKEY_LOCAL_MACHINE\\System`))
	case bytes.HasPrefix(t, []byte(`HKU\`)):
		return e.build([]byte(`HKEY_CURRENT_USER`))
	case bytes.HasPrefix(t, []byte(`HKLM\SOFTWARE\`)):
		return e.build([]byte(`HKEY_LOCAL_MACHINE\\Software`))
	}
	return nil
}

// orUnlessDash is EVAL-x = if(isnotnull(A) AND A!="-",A,B): A when it is
// present and not "-", else B (Network_Traffic dest from
// DestinationHostname/DestinationIp, src from SourceHostname/SourceIp).
//
// [U] sysmon-to-cim §6 gives dest as "DestinationHostname if not null and
// not '-', else DestinationIp" and src as "SourceHostname if not '-', else
// SourceIp" without the add-on's text; src is read like dest here, so an
// absent SourceHostname also falls back to SourceIp.
func orUnlessDash(a, b string) deriveFunc {
	return func(e *event) []byte {
		if v := e.data(a); v != nil && string(v) != "-" {
			return v
		}
		return e.data(b)
	}
}

// ifTrue is EVAL-x = if(Name=="true",yes,no): Sysmon writes the booleans
// Initiated and DestinationIsIpv6 as "true"/"false". An absent Name gives
// no: SPL's if() takes the else branch when the test is null.
//
// [U] sysmon-to-cim §6 says "direction = outbound if Initiated=="true",
// else inbound" and "protocol_version ipv6/ipv4 from DestinationIsIpv6";
// both are read as this if().
func ifTrue(name, yes, no string) deriveFunc {
	y, n := []byte(yes), []byte(no)
	return func(e *event) []byte {
		if string(e.data(name)) == "true" {
			return y
		}
		return n
	}
}

// nonEmpty returns nil for an empty value.
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// sysmonFields returns the add-on's field definitions. Line numbers refer
// to props.conf of Splunk_TA_microsoft_sysmon 4.0.0 as quoted in
// sysmon-to-cim.md. Only the EventIDs of the eventtypes this package loads
// (and their neighbours in the same case()) are listed.
func sysmonFields() []taField {
	processImageIDs := ids(1, 2, 5, 7, 9, 11, 12, 13, 14, 15, 17, 18, 23, 24, 25, 26, 27, 28)
	processNameIDs := ids(1, 2, 3, 5, 7, 9, 11, 12, 13, 14, 15, 17, 18, 22, 23, 24, 26, 27, 28)
	processGUIDIDs := ids(1, 2, 3, 5, 7, 9, 11, 12, 13, 14, 15, 17, 18, 22, 23, 24, 25, 26, 27, 28, 29)
	processIDIDs := ids(1, 2, 3, 5, 7, 9, 11, 12, 13, 14, 15, 17, 18, 23, 24, 25, 26, 27, 28, 29)
	filePathIDs := ids(2, 11, 15, 23, 26, 27, 28, 29)
	destIDs := append(append(ids(1, 2), span(4, 21)...), append(span(23, 29), 255)...)
	return []taField{
		// EVAL-action l.27-32.
		{"action", []branch{
			{ids(1, 3, 6, 8, 9, 10, 15, 17, 18, 24, 25), constant("allowed")},
			{ids(5, 27, 28), constant("blocked")},
			{ids(29, 19), constant("created")},
			{ids(11), action11},
			{ids(12), action12},
			{ids(23, 26), constant("deleted")},
			{ids(2, 13, 14), constant("modified")},
			{ids(7), constant("success")},
		}},
		// EVAL-dest l.33-35.
		{"dest", []branch{{destIDs, computer}, {ids(3), orUnlessDash("DestinationHostname", "DestinationIp")}}},
		// EVAL-vendor_product l.95.
		{"vendor_product", []branch{{allSysmonIDs(), constant("Microsoft Sysmon")}}},
		// EVAL-os l.131.
		{"os", []branch{{ids(1, 5, 6, 7, 8, 9, 10, 15, 17, 18, 24, 25, 27, 28), constant("Microsoft Windows")}}},
		// EVAL-user l.129-130.
		{"user", []branch{{allSysmonIDs(), user}}},
		// WIN88 FIELDALIAS-user_id_for_windows = UserID AS user_id.
		{"user_id", []branch{{allSysmonIDs(), securityUserID}}},
		// EVAL-status l.163-166 (only the registry branches are in a loaded
		// dataset).
		{"status", []branch{
			{ids(12, 13, 19, 20, 21), constant("success")},
			{ids(14), status14},
			{ids(255), constant("critical")},
			{ids(16), constant("started")},
		}},
		// Registry, l.110-119.
		{"registry_path", []branch{{ids(12, 13, 14), targetObject}}},
		{"registry_key_name", []branch{{ids(12, 14), targetObject}, {ids(13), keyName13}}},
		{"registry_value_name", []branch{{ids(13, 14), valueName}}},
		{"registry_value_data", []branch{{ids(13, 14), valueData}}},
		{"registry_value_type", []branch{{ids(13, 14), valueType}}},
		{"registry_hive", []branch{{ids(12, 13, 14), registryHive}}},
		// Processes, l.20, 38-40, 132-162, 183-184.
		{"process", []branch{{ids(1), alias("CommandLine")}, {ids(5, 27, 28), alias("Image")}}},
		{"process_path", []branch{
			{processImageIDs, alias("Image")},
			{ids(6), alias("ImageLoaded")},
			{ids(8, 10), alias("TargetImage")},
		}},
		{"process_name", []branch{{processNameIDs, basenameOf("Image")}, {ids(8, 10), basenameOf("TargetImage")}}},
		{"process_exec", []branch{{processNameIDs, basenameOf("Image")}, {ids(8, 10), basenameOf("TargetImage")}}},
		{"process_guid", []branch{
			{processGUIDIDs, alias("ProcessGuid")},
			{ids(8), alias("TargetProcessGuid")},
			{ids(10), alias("TargetProcessGUID")},
		}},
		{"process_id", []branch{{processIDIDs, alias("ProcessId")}, {ids(8, 10), alias("TargetProcessId")}}},
		{"process_hash", []branch{{ids(1, 6, 7, 24, 27, 28), alias("Hashes")}}},
		{"process_integrity_level", []branch{{allSysmonIDs(), alias("IntegrityLevel")}}},
		{"process_current_directory", []branch{{allSysmonIDs(), alias("CurrentDirectory")}}},
		{"original_file_name", []branch{{ids(1, 7), unlessDash("OriginalFileName")}}},
		{"loaded_file", []branch{{ids(7), basenameOf("ImageLoaded")}, {ids(8), basenameOf("StartModule")}}},
		{"parent_process", []branch{{allSysmonIDs(), alias("ParentCommandLine")}}},
		{"parent_process_path", []branch{{ids(1), alias("ParentImage")}, {ids(8, 10), alias("SourceImage")}}},
		{"parent_process_name", []branch{{ids(1), basenameOf("ParentImage")}, {ids(8, 10), basenameOf("SourceImage")}}},
		{"parent_process_exec", []branch{{ids(1), basenameOf("ParentImage")}, {ids(8, 10), basenameOf("SourceImage")}}},
		{"parent_process_id", []branch{{ids(1), alias("ParentProcessId")}, {ids(8, 10), alias("SourceProcessId")}}},
		{"parent_process_guid", []branch{
			{ids(1), alias("ParentProcessGuid")},
			{ids(8), alias("SourceProcessGuid")},
			{ids(10), alias("SourceProcessGUID")},
		}},
		// Filesystem, l.18-19, 172-177.
		{"file_hash", []branch{{ids(15), alias("Hash")}, {ids(23, 26, 27, 28, 29), alias("Hashes")}}},
		{"file_create_time", []branch{{allSysmonIDs(), alias("CreationUtcTime")}}},
		{"file_modify_time", []branch{{ids(2, 23, 26, 27, 28), alias("UtcTime")}}},
		{"file_access_time", []branch{{ids(2, 26, 27, 28, 29), alias("UtcTime")}}},
		{"file_path", []branch{{filePathIDs, noADSOf("TargetFilename")}}},
		{"file_name", []branch{{filePathIDs, fileNameOf("TargetFilename")}}},
		// Network_Traffic, EID 3 (sysmon-to-cim §6 "EID 3 → Network_Traffic").
		// EID 3's process_guid, process_id, user, action and vendor_product
		// come from the shared rows above.
		{"src", []branch{{ids(3), orUnlessDash("SourceHostname", "SourceIp")}}},
		{"src_ip", []branch{{ids(3), alias("SourceIp")}}},
		{"dest_ip", []branch{{ids(3), alias("DestinationIp")}}},
		{"src_port", []branch{{ids(3), alias("SourcePort")}}},
		{"dest_port", []branch{{ids(3), alias("DestinationPort")}}},
		{"transport", []branch{{ids(3), alias("Protocol")}}},
		{"protocol", []branch{{ids(3), constant("ip")}}},
		{"protocol_version", []branch{{ids(3), ifTrue("DestinationIsIpv6", "ipv6", "ipv4")}}},
		{"direction", []branch{{ids(3), ifTrue("Initiated", "outbound", "inbound")}}},
		{"app", []branch{{ids(3), alias("Image")}}},
		// FIELDALIAS-dvc = Computer AS dvc (every event; WIN88 has the same).
		{"dvc", []branch{{allSysmonIDs(), computer}}},
		{"dvc_ip", []branch{{ids(3), alias("SourceIp")}}},
	}
}

// deriveFor returns the derivation of field name for EventID id, or nil
// when the add-on leaves the field null for that EventID.
func deriveFor(fields []taField, name string, id int) deriveFunc {
	for _, f := range fields {
		if f.name != name {
			continue
		}
		for _, b := range f.branches {
			for _, x := range b.eventIDs {
				if x == id {
					return b.derive
				}
			}
		}
		return nil
	}
	return nil
}
