package datamodel

import (
	"fmt"
	"sort"
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

// Describe returns a multi-line description of dataset d: its name, the
// Sysmon EventIDs routed to it, and every column with its type and CIM
// calculation, in schema order. It is meant for a CLI's "describe"
// command.
func (c *Catalog) Describe(d *Dataset) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", d.FullName())
	spec := c.spec(d)
	if spec != nil {
		ids := make([]string, len(spec.eventIDs))
		for i, id := range spec.eventIDs {
			ids[i] = fmt.Sprint(id)
		}
		fmt.Fprintf(&b, "  Sysmon EventIDs: %s\n", strings.Join(ids, ", "))
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

// String summarises the statistics on one line, as minispl prints them
// after ingesting:
//
//	ingested 2 files, 1,234 events: 1,100 Endpoint.Registry, 34 skipped (30 not a Sysmon event, 4 malformed)
//
// Datasets are in name order and only those that received rows are shown;
// skip reasons are sorted by count, most first. Problems are not included
// (see Problems).
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ingested %s, %s", english.Plural(s.Files, "file"), english.Plural(s.Events, "event"))
	var parts []string
	for _, k := range sortedKeys(s.Used) {
		if s.Used[k] > 0 {
			parts = append(parts, english.Thousands(s.Used[k])+" "+k)
		}
	}
	reasons := sortedKeys(s.Skipped)
	sort.SliceStable(reasons, func(i, j int) bool { return s.Skipped[reasons[i]] > s.Skipped[reasons[j]] })
	skipped := 0
	var why []string
	for _, r := range reasons {
		skipped += s.Skipped[r]
		why = append(why, english.Thousands(s.Skipped[r])+" "+r)
	}
	if skipped > 0 {
		parts = append(parts, fmt.Sprintf("%s skipped (%s)", english.Thousands(skipped), strings.Join(why, ", ")))
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, ", "))
	}
	return b.String()
}

// Since returns what happened between before and s, two Stats of the same
// Store: the counts ingested in between and the problems found meanwhile.
func (s Stats) Since(before Stats) Stats {
	d := Stats{
		Files:   s.Files - before.Files,
		Bytes:   s.Bytes - before.Bytes,
		Events:  s.Events - before.Events,
		Used:    map[string]int{},
		Skipped: map[string]int{},
	}
	for k, n := range s.Used {
		if n -= before.Used[k]; n > 0 {
			d.Used[k] = n
		}
	}
	for k, n := range s.Skipped {
		if n -= before.Skipped[k]; n > 0 {
			d.Skipped[k] = n
		}
	}
	if len(s.Problems) > len(before.Problems) {
		d.Problems = s.Problems[len(before.Problems):]
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
