package datamodel

// MappingVersion names the version of the event-to-dataset mapping: the
// catalog's datasets and fields and the derivation of every field from
// Sysmon and Windows events. Summaries (package summaries) record it in
// every file they write, so that a search can tell rows mapped by another
// version apart (tstats allow_old_summaries=false skips them). Change it
// whenever a change to the mapping could give a row another value: a new
// field, a derivation fixed, an event routed to another dataset.
const MappingVersion = "2026-12-04.1"
