package datamodel

import (
	"slices"
	"strings"
)

// This file holds the add-ons' eventtypes and tags as one table, and the
// CIM datasets' tag constraints read from it: an event's eventtypes come
// from its source and EventCode, its tags from its eventtypes and field
// values, and a dataset takes the events carrying all the tags of its
// constraint (sysmon-to-cim.md §4, §5; raw-events.md §2.4, §4.3, §5). The
// routing of events into datasets at ingest is computed from this table
// (routeTable), for Sysmon and Security alike.

// eventtypeSpec is one eventtypes.conf stanza whose search is a
// disjunction of sources and, optionally, of EventCodes:
// (source=A OR source=B) (EventCode=1 OR EventCode=2).
type eventtypeSpec struct {
	name string
	// sources are the source values the search names (matched exactly);
	// allSources matches every XmlWinEventLog event (a sourcetype search).
	sources    []string
	allSources bool
	// codes restrict the EventCode; nil means any.
	codes []int
	// tags are tags.conf's [eventtype=name] tags.
	tags []string
}

// Sources the eventtypes name.
const (
	sysmonSource   = sourcePrefix + sysmonChannel
	securitySource = sourcePrefix + securityChannel
	systemSource   = sourcePrefix + systemChannel
	appSource      = sourcePrefix + "Application"
)

// eventtypeTable returns the eventtypes minispl evaluates, in name order
// (Splunk orders an event's eventtypes by priority, then by name; the
// add-ons' priorities are not in the reference, so name order is used).
//
// Sysmon's are TA4's (sysmon-to-cim §4). The Windows ones are WIN88's as
// raw-events.md §3 and §4.3 quote them; wineventlog_windows, winsec,
// windows_event_signature and endpoint_services_processes are not quoted,
// only named in §1.4's field lists, and are modelled from those lists
// [UNCERTAIN]: the first two match Security, System and Application (winsec
// Security only), the last two every XmlWinEventLog event.
// windows_logon_success, windows_logon_failure and
// windows_security_authentication (e.291-298, e.747, tags authentication)
// are modelled as Security 4624 and 4625 [UNCERTAIN: their searches are
// not quoted].
func eventtypeTable() []eventtypeSpec {
	winClassic := func(ch string) []string {
		return []string{"WinEventLog:" + ch, "WMI:WinEventLog:" + ch, sourcePrefix + ch}
	}
	sec := winClassic(securityChannel)
	t := []eventtypeSpec{
		{name: "endpoint_services_processes", allSources: true},
		{name: "ms-sysmon-filemod", sources: []string{sysmonSource}, codes: []int{2, 11, 23, 26, 27, 28, 29}, tags: []string{"endpoint", "filesystem"}},
		{name: "ms-sysmon-network", sources: []string{sysmonSource}, codes: []int{3}, tags: []string{"network", "communicate"}},
		{name: "ms-sysmon-process", sources: []string{sysmonSource}, codes: []int{1, 5, 6, 7, 8, 9, 10, 15, 17, 18, 24, 25}, tags: []string{"process", "report"}},
		{name: "ms-sysmon-regmod", sources: []string{sysmonSource}, codes: []int{12, 13, 14}, tags: []string{"endpoint", "registry"}},
		{name: "ms-sysmon-dns", sources: []string{sysmonSource}, codes: []int{22}, tags: []string{"network", "resolution", "dns"}},
		{name: "ms-sysmon-service", sources: []string{sysmonSource}, codes: []int{4, 16, 255}, tags: []string{"service", "report"}},
		{name: "ms-sysmon-wmimod", sources: []string{sysmonSource}, codes: []int{19, 20, 21}, tags: []string{"change", "endpoint"}},
		{name: "wineventlog_application", sources: winClassic("Application"), tags: []string{"os", "windows"}},
		{name: "wineventlog_security", sources: sec, tags: []string{"os", "windows"}},
		{name: "wineventlog_system", sources: winClassic(systemChannel), tags: []string{"os", "windows"}},
		{name: "wineventlog_windows", sources: append(append(append([]string(nil), sec...), winClassic(systemChannel)...), winClassic("Application")...), tags: []string{"os", "windows"}},
		{name: "windows_endpoint_processes", sources: []string{"WinEventLog:Security", securitySource}, codes: []int{4688, 4689, 4696, 4673, 4674}, tags: []string{"process", "report"}},
		{name: "windows_event_signature", allSources: true, tags: []string{"track_event_signatures"}},
		{name: "windows_logon_failure", sources: sec, codes: []int{4625}},
		{name: "windows_logon_success", sources: sec, codes: []int{4624}},
		{name: "windows_process_new", sources: sec, codes: []int{4688, 592}, tags: []string{"process", "execute", "start"}},
		{name: "windows_security_authentication", sources: sec, codes: []int{4624, 4625}, tags: []string{"authentication"}},
		{name: "winsec", sources: sec, tags: []string{"security"}},
	}
	slices.SortFunc(t, func(a, b eventtypeSpec) int { return strings.Compare(a.name, b.name) })
	return t
}

// fieldTags are tags.conf stanzas on field values ([action=success]
// success = enabled, ...; raw-events.md §2.4, CIM52 tags.conf).
var fieldTags = [...]struct{ field, value, tag string }{
	{"action", "success", "success"},
	{"action", "failure", "failure"},
	{"Logon_Type", "8", "cleartext"},
	{"app", "win:remote", "remote"},
}

// matches reports whether the eventtype covers an event of source and
// EventCode code.
func (t *eventtypeSpec) matches(source string, code int) bool {
	if !t.allSources && !slices.Contains(t.sources, source) {
		return false
	}
	return t.codes == nil || slices.Contains(t.codes, code)
}

// eventtypesOf returns the names and the tags (sorted, without
// duplicates) of the eventtypes covering source and code.
func eventtypesOf(table []eventtypeSpec, source string, code int) (names, tags []string) {
	for i := range table {
		t := &table[i]
		if t.matches(source, code) {
			names = append(names, t.name)
			tags = append(tags, t.tags...)
		}
	}
	slices.Sort(tags)
	return names, slices.Compact(tags)
}

// hasTags reports whether have (sorted) holds every tag of want.
func hasTags(have, want []string) bool {
	for _, w := range want {
		if _, ok := slices.BinarySearch(have, w); !ok {
			return false
		}
	}
	return len(want) > 0
}

// routeKey is the source and EventCode of an event.
type routeKey struct {
	source string
	code   int
}

// routeTable returns, for every (source, EventCode) an eventtype names,
// the first dataset (in catalog order) whose constraint tags the event's
// eventtypes carry. Events of other keys are in no dataset.
func routeTable(specs []*datasetSpec) map[routeKey]*datasetSpec {
	table := eventtypeTable()
	out := map[routeKey]*datasetSpec{}
	for _, t := range table {
		for _, src := range t.sources {
			for _, c := range t.codes {
				k := routeKey{src, c}
				if _, done := out[k]; done {
					continue
				}
				_, tags := eventtypesOf(table, src, c)
				for _, s := range specs {
					if hasTags(tags, s.tags) {
						out[k] = s
						break
					}
				}
			}
		}
	}
	return out
}
