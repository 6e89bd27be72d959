package engine

import (
	"fmt"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/spl"
)

// This file is the warning of a search over raw events that names a field
// no event has: `EventCode=4688 | stats count by New_Process_Name` over XML
// events, which carry NewProcessName and the add-on's new_process_name but
// not the classic WinEventLog name (raw-events.md §7), returns nothing,
// and the user should hear why.
//
// Which names: those the search expression compares, then the fields the
// commands right after it read from the events, as long as the commands
// are ones whose reads and writes are known here: head (without an
// expression), table, fields, sort and dedup read their fields; stats and
// eventstats read their BY fields and their aggregates' argument fields;
// rename reads its old names. The walk stops after stats, eventstats and
// rename (their output names are not event fields) and at any other
// command (eval, rex, lookup, ... may create the names that follow), so a
// name is reported only when it can only come from the events. A name
// with a wildcard or a macro is skipped.
//
// Absent means: no chunk of the event store has a column of that name and
// it is not a field the scan computes from _raw (the XML block fields,
// datamodel.IsXMLBlockField). The columns are every field of every event
// read, the add-on's search-time fields included, so the warning is made
// only when the store is known, when the search runs (Result.Warnings).

// rawReadNames returns the names of fields that a raw search expr and the
// commands after it (rest) read from the events, in order, without
// repeats.
func rawReadNames(expr spl.SearchExpr, rest []spl.Command) []string {
	var out []string
	seen := map[string]bool{}
	add := func(f string) {
		if f == "" || seen[f] || strings.Contains(f, "*") {
			return
		}
		seen[f] = true
		out = append(out, f)
	}
	spl.Inspect(expr, func(n spl.Node) bool {
		switch n := n.(type) {
		case *spl.SearchCompare:
			add(n.Field)
		case *spl.SearchIn:
			add(n.Field)
		}
		return true
	})
	values := func(vs []spl.Value) {
		for _, v := range vs {
			if v.Macro == nil {
				add(v.Text)
			}
		}
	}
	aggs := func(as []spl.StatsAgg, by []string) {
		for _, a := range as {
			if a.Eval == nil {
				add(a.Field)
			}
		}
		for _, f := range by {
			add(f)
		}
	}
	for _, c := range rest {
		switch c := c.(type) {
		case *spl.Head:
			if c.Expr != nil {
				return out
			}
		case *spl.Table:
			values(c.Fields)
		case *spl.Fields:
			if !c.Remove {
				values(c.Fields)
			}
		case *spl.Sort:
			for _, k := range c.Keys {
				add(k.Field)
			}
		case *spl.Dedup:
			for _, f := range c.Fields {
				add(f)
			}
			for _, k := range c.SortBy {
				add(k.Field)
			}
		case *spl.Stats:
			aggs(c.Aggs, c.By)
			return out
		case *spl.Eventstats:
			aggs(c.Aggs, c.By)
			return out
		case *spl.Rename:
			for _, p := range c.Pairs {
				if p.From.Macro == nil {
					add(p.From.Text)
				}
			}
			return out
		default:
			return out
		}
	}
	return out
}

// rawFieldWarnings returns, for every raw search of the plan rooted at
// root (subsearches included), one warning per name it reads that no
// event of the event store has; events is called only when there is a
// raw search (the event store is built on demand).
func rawFieldWarnings(events func() *datamodel.EventStore, root node) []string {
	var scans []*rawScanNode
	var walk func(n node)
	walk = func(n node) {
		for ; n != nil; n = n.input() {
			if r, ok := n.(*rawScanNode); ok {
				scans = append(scans, r)
			}
			if sp, ok := n.(subplanner); ok {
				for _, s := range sp.subplans() {
					walk(s)
				}
			}
		}
	}
	walk(root)
	if len(scans) == 0 {
		return nil
	}
	have := map[string]bool{}
	names := eventFieldNames(events())
	for _, f := range names {
		have[f] = true
	}
	var out []string
	warned := map[string]bool{}
	for _, r := range scans {
		for _, f := range r.reads {
			if have[f] || warned[f] || datamodel.IsXMLBlockField(f) {
				continue
			}
			warned[f] = true
			msg := fmt.Sprintf("no event read has a field named %s, so it is null in every event", f)
			if like := similarNames(f, names); len(like) > 0 {
				msg += fmt.Sprintf(" (field names are case-sensitive; the events have %s)", strings.Join(like, ", "))
			}
			out = append(out, msg)
		}
	}
	return out
}

// similarNames returns the names that equal f up to case and underscores
// (New_Process_Name: NewProcessName, new_process_name), at most five.
func similarNames(f string, names []string) []string {
	key := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	k := key(f)
	var out []string
	for _, n := range names {
		if n != f && key(n) == k && len(out) < 5 {
			out = append(out, n)
		}
	}
	return out
}

// EventFields returns the fields that the searches over raw events of
// plans (subsearches included) can read from the event store: every
// field a raw search emits (its projection, rawScanNode.out) and every
// name it checks (rawReadNames), so that an event store keeping only
// these (datamodel.Store.SetEventFields) gives the plans the same
// results. all is set when some plan needs every field: a raw search
// whose results are events with every field (whose names come from the
// events read), or a map, whose searches are planned per row. A raw scan
// that finds a field it reads missing from the store fails
// (checkKept), so a name left out here is an error, never a silent null.
func EventFields(plans ...*Plan) (names []string, all bool) {
	seen := map[string]bool{}
	add := func(fs []string) {
		for _, f := range fs {
			if !seen[f] {
				seen[f] = true
				names = append(names, f)
			}
		}
	}
	var walk func(n node)
	walk = func(n node) {
		for ; n != nil && !all; n = n.input() {
			switch x := n.(type) {
			case *rawScanNode:
				if x.all {
					all = true
					return
				}
				add(x.out)
				add(x.reads)
			case *mapInputNode:
				all = true
				return
			}
			if sp, ok := n.(subplanner); ok {
				for _, s := range sp.subplans() {
					walk(s)
				}
			}
		}
	}
	for _, p := range plans {
		if p.events != nil {
			return nil, true
		}
		walk(p.root)
		if all {
			return nil, true
		}
	}
	return names, false
}

// Datasets returns the full names of the datasets the plans read (their
// tstats, subsearches included), so that ingest may leave the others'
// rows out (datamodel.Store.SetDatasets); ok is false when some plan may
// read any dataset (a command storeScans does not know). A tstats whose
// dataset had rows left out fails (tstatsOp.run), so a name missing here
// is an error, never an empty result.
func Datasets(plans ...*Plan) (names []string, ok bool) {
	seen := map[string]bool{}
	names = []string{} // none read is not "every one"
	for _, p := range plans {
		scans, ok := storeScans(p.root)
		if !ok {
			return nil, false
		}
		for _, s := range scans {
			if s.ds != nil && !seen[s.ds.FullName()] {
				seen[s.ds.FullName()] = true
				names = append(names, s.ds.FullName())
			}
		}
	}
	return names, true
}

// checkRowsKept returns an error when ingest left rows of ds out
// (datamodel.Store.SetDatasets).
func checkRowsKept(store *datamodel.Store, ds *datamodel.Dataset) error {
	if n := store.RowsLeftOut(ds); n > 0 {
		return fmt.Errorf("tstats: %d rows of %s were not kept when the events were loaded (no search planned before loading read that dataset)", n, ds.FullName())
	}
	return nil
}
