package datamodel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/minispl/minispl/internal/english"
)

// String returns the name of a field type: "string", "number" or "time".
func (t FieldType) String() string {
	switch t {
	case String:
		return "string"
	case Number:
		return "number"
	case Time:
		return "time"
	}
	return fmt.Sprintf("FieldType(%d)", int(t))
}

// Describe returns a multi-line description of dataset d: its name, its
// tag constraint, the Sysmon EventIDs and Windows (source, EventCode)
// pairs the eventtype table routes to it, and every column with its type and CIM
// calculation, in schema order. It is meant for a CLI's "describe"
// command.
func (c *Catalog) Describe(d *Dataset) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", d.FullName())
	spec := c.spec(d)
	if spec != nil {
		tags := make([]string, len(spec.tags))
		for i, t := range spec.tags {
			tags[i] = "tag=" + t
		}
		fmt.Fprintf(&b, "  constraint: %s\n", strings.Join(tags, " "))
		if len(spec.eventIDs) > 0 {
			ids := make([]string, len(spec.eventIDs))
			for i, id := range spec.eventIDs {
				ids[i] = fmt.Sprint(id)
			}
			fmt.Fprintf(&b, "  Sysmon EventIDs: %s\n", strings.Join(ids, ", "))
		}
		bySource := map[string][]string{}
		var sources []string
		for _, k := range spec.winCodes {
			if bySource[k.source] == nil {
				sources = append(sources, k.source)
			}
			bySource[k.source] = append(bySource[k.source], fmt.Sprint(k.code))
		}
		for _, src := range sources {
			fmt.Fprintf(&b, "  %s EventCodes: %s\n", src, strings.Join(bySource[src], ", "))
		}
		for _, f := range spec.baseEval {
			fmt.Fprintf(&b, "  base search: eval %s=%s\n", f.name, calcText(f))
		}
	}
	fmt.Fprintf(&b, "  %-28s time (UTC, ms)\n", FieldTime)
	for _, n := range []string{FieldHost, FieldSource, FieldSourcetype} {
		fmt.Fprintf(&b, "  %-28s string\n", n)
	}
	for i, f := range d.Fields {
		calc := ""
		if spec != nil && i < len(spec.fields) {
			if t := calcText(spec.fields[i]); t != "" {
				calc = "  = " + t
			}
		}
		fmt.Fprintf(&b, "  %-28s %s%s\n", f.Name, f.Type, calc)
	}
	return b.String()
}

// calcText renders a calculation as the SPL expression CIM uses.
func calcText(f fieldSpec) string {
	x := f.name
	switch f.calc {
	case calcFillUnknown:
		return fmt.Sprintf(`if(isnull(%s) OR %s="","unknown",%s)`, x, x, x)
	case calcNameFromCommand:
		return fmt.Sprintf(`case(isnotnull(%s) AND %s!="",%s,isnotnull(%s) AND %s!="",replace(%s,"^\s*([^\s]+).*","\1"),1=1,"unknown")`, x, x, x, f.arg, f.arg, f.arg)
	case calcOrEventField:
		def := strconv.Quote(f.def)
		if _, err := strconv.Atoi(f.def); err == nil {
			def = f.def
		}
		return fmt.Sprintf(`if(isnotnull(%s) AND %s!="",%s,if(isnotnull(%s) AND %s!="",%s,%s))`, x, x, x, f.arg, f.arg, f.arg, def)
	case calcNumberOrNull:
		return fmt.Sprintf(`if(isnum(%s),%s,null())`, x, x)
	case calcVendorProduct:
		return fmt.Sprintf(`case(isnotnull(%s),%s,...,isnotnull(sourcetype),sourcetype,1=1,"unknown")`, x, x)
	case calcLower:
		return fmt.Sprintf(`lower(%s)`, x)
	case calcNumberOrZero:
		return fmt.Sprintf(`if(isnum(%s),%s,0)`, x, x)
	case calcFillUnknownLower:
		return fmt.Sprintf(`if(isnull(%s) OR %s="","unknown",lower(%s))`, x, x, x)
	case calcTotal, calcPart:
		op := "+"
		if f.calc == calcPart {
			op = "-"
		}
		return fmt.Sprintf(`case(isnum(%s),%s,isnum(%s) AND isnum(%s),%s%s%s,1=1,null())`, x, x, f.arg, f.arg2, f.arg, op, f.arg2)
	}
	return ""
}

// String summarises the statistics, as minispl prints them after
// ingesting:
//
//	ingested 2 files, 1,234 events: 1,100 Endpoint.Registry, 4 skipped (4 malformed: bad UtcTime)
//
// Datasets are in name order and only those that received rows are shown;
// skip reasons are sorted by count, most first. When the files read are
// of more than one kind, their kinds follow the count: "ingested 3 files
// (2 XmlWinEventLog, 1 gzip)". When inputs were skipped, a second line
// lists them (see SkippedFilesLine). Problems are not included (see
// Problems).
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ingested %s", english.Plural(s.Files, "file"))
	if kinds := countList(s.FileKinds); len(kinds) > 1 {
		fmt.Fprintf(&b, " (%s)", strings.Join(kinds, ", "))
	}
	fmt.Fprintf(&b, ", %s", english.Plural(s.Events, "event"))
	var parts []string
	for _, k := range sortedKeys(s.Used) {
		if s.Used[k] > 0 {
			parts = append(parts, english.Thousands(s.Used[k])+" "+k)
		}
	}
	if why := countList(s.Skipped); len(why) > 0 {
		skipped := 0
		for _, n := range s.Skipped {
			skipped += n
		}
		parts = append(parts, fmt.Sprintf("%s skipped (%s)", english.Thousands(skipped), strings.Join(why, ", ")))
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, ", "))
	}
	if line := s.SkippedFilesLine(); line != "" {
		b.WriteString("\n")
		b.WriteString(line)
	}
	return b.String()
}

// maxListedFiles is how many skipped inputs SkippedFilesLine names.
const maxListedFiles = 10

// SkippedFilesLine returns "" when no input was skipped, and otherwise
// one line naming them with their reasons, the first 10 by name:
//
//	2 files skipped: LICENSE.txt (not event data), notes.md (not event data)
//
// and, when there are more, their counts by reason first:
//
//	47 files skipped (39 EVTX reader not available, 8 not event data): A.evtx (EVTX reader not available), ..., ... and 37 more
func (s Stats) SkippedFilesLine() string {
	total := 0
	for _, n := range s.FilesSkipped {
		total += n
	}
	if total == 0 {
		return ""
	}
	var names []string
	for i, f := range s.SkippedFiles {
		if i == maxListedFiles {
			break
		}
		names = append(names, f.String())
	}
	more := total - len(names)
	if more == 0 {
		return fmt.Sprintf("%s skipped: %s", english.Plural(total, "file"), strings.Join(names, ", "))
	}
	return fmt.Sprintf("%s skipped (%s): %s, ... and %s more", english.Plural(total, "file"),
		strings.Join(countList(s.FilesSkipped), ", "), strings.Join(names, ", "), english.Thousands(more))
}

// countList renders the non-zero counts of m as "N key", most first, then
// by key.
func countList(m map[string]int) []string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	var out []string
	for _, k := range keys {
		if m[k] > 0 {
			out = append(out, english.Thousands(m[k])+" "+k)
		}
	}
	return out
}

// Since returns what happened between before and s, two Stats of the same
// Store: the counts ingested in between and the problems and skipped
// inputs found meanwhile.
func (s Stats) Since(before Stats) Stats {
	d := Stats{
		Files:  s.Files - before.Files,
		Bytes:  s.Bytes - before.Bytes,
		Events: s.Events - before.Events,
		Kept:   s.Kept - before.Kept,
	}
	diff := func(now, then map[string]int) map[string]int {
		out := map[string]int{}
		for k, n := range now {
			if n -= then[k]; n > 0 {
				out[k] = n
			}
		}
		return out
	}
	d.Used, d.Skipped = diff(s.Used, before.Used), diff(s.Skipped, before.Skipped)
	d.FileKinds, d.FilesSkipped = diff(s.FileKinds, before.FileKinds), diff(s.FilesSkipped, before.FilesSkipped)
	if len(s.Problems) > len(before.Problems) {
		d.Problems = s.Problems[len(before.Problems):]
	}
	if len(s.SkippedFiles) > len(before.SkippedFiles) {
		d.SkippedFiles = s.SkippedFiles[len(before.SkippedFiles):]
	}
	return d
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Check verifies the accounting identities of s: every event read is kept
// (in the event store) or skipped (Events = Kept + the sum of Skipped), no
// dataset holds more rows than there are kept events, every input
// read is counted under its kind (Files = the sum of FileKinds), and the
// inputs listed as skipped agree with their counts (SkippedFiles, up to
// its bound of 100, are as many as the sum of FilesSkipped). It returns
// an error naming the first one that fails; tests check it after every
// ingest.
func (s Stats) Check() error {
	sum := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	used, skipped := sum(s.Used), sum(s.Skipped)
	if s.Events != s.Kept+skipped {
		return fmt.Errorf("accounting: %d events read, but %d kept + %d skipped", s.Events, s.Kept, skipped)
	}
	if used > s.Kept {
		return fmt.Errorf("accounting: %d dataset rows from %d kept events", used, s.Kept)
	}
	if kinds := sum(s.FileKinds); s.Files != kinds {
		return fmt.Errorf("accounting: %d files read, but %d counted by kind", s.Files, kinds)
	}
	if n := sum(s.FilesSkipped); len(s.SkippedFiles) != min(n, maxSkippedFiles) {
		return fmt.Errorf("accounting: %d files skipped, but %d listed", n, len(s.SkippedFiles))
	}
	return nil
}
