package datamodel

import (
	"fmt"
	"sort"
	"strings"
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
	}
	return ""
}

// String summarises the statistics on a few lines: files, bytes, events,
// rows per dataset and skips per reason (both sorted by name), then the
// problems.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d files, %d bytes, %d events\n", s.Files, s.Bytes, s.Events)
	for _, k := range sortedKeys(s.Used) {
		fmt.Fprintf(&b, "  used    %8d  %s\n", s.Used[k], k)
	}
	for _, k := range sortedKeys(s.Skipped) {
		fmt.Fprintf(&b, "  skipped %8d  %s\n", s.Skipped[k], k)
	}
	for _, p := range s.Problems {
		fmt.Fprintf(&b, "  problem %s\n", p)
	}
	return b.String()
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
