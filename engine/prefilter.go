package engine

import (
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// This file derives the ingest pre-filter (datamodel.RawFilter) from
// plans: which literals an event's text must hold for some tstats of the
// plans to match one of its rows.
//
// Why it is sound: a row of dataset D passes `F=P` in a tstats WHERE only
// when its value v of F matches the glob P, case-insensitively. When
// datamodel says that F is raw-preserving in D (Catalog.RawField), v is
// null, one of a few constants, or a substring of the event's text up to
// ASCII case. So when no constant matches P, v is such a substring, and
// every literal segment of P (the text between wildcards) is in v and
// hence in the event's text, up to case. Only ASCII segments are used, and
// the filter also keeps events holding a non-ASCII rune that Unicode
// simple folding equates with an ASCII letter (the Kelvin sign with k, the
// long s with s), as the glob does. An AND needs the terms of both sides;
// an OR of two sides with requirements needs one literal from each side's
// requirement; NOT, !=, orderings, subsearch terms and fields that are not
// raw-preserving require nothing. A plan that reads the store other than
// through tstats (any node this file does not list), or a tstats with
// nothing required, keeps every event. The filter is used only for
// XmlWinEventLog and EVTX text, whose field values are verbatim slices of
// the text (datamodel does not decode entities); JSON lines are never
// filtered.
//
// A search over raw events (rawScanNode) requires, through the same AND
// and OR rules, the longest ASCII literal segment of each bare term,
// quoted phrase, TERM(x) and CASE(x) it holds outside a NOT: each matches
// only where _raw, which is the event's text as read, holds that literal
// up to case (a bare term, a phrase and TERM() with Unicode simple
// folding, which the filter covers as above; CASE() exactly, which
// implies it). Its field=value tests require nothing: many event fields
// are computed (EVAL, lookups), not slices of the text. A raw search whose
// results are events with every field keeps every event: the field names
// come from all the events read.

// minLiteral is the shortest literal worth filtering on.
const minLiteral = 3

// RawFilter returns the pre-filter of plans: an event whose text fails it
// cannot give any of the plans' tstats a row that matches its WHERE, so
// ingest may leave it out. It returns nil (keep every event) when some
// plan could match any event.
func RawFilter(cat *datamodel.Catalog, plans ...*Plan) *datamodel.RawFilter {
	var scans [][][]string
	for _, p := range plans {
		sc, ok := storeScans(p.root)
		if !ok {
			return nil
		}
		for _, s := range sc {
			if s.all {
				return nil
			}
			scans = append(scans, requiredLiterals(cat, s.ds, s.where))
		}
	}
	if len(scans) == 0 {
		return nil
	}
	return datamodel.NewRawFilter(scans)
}

// ReadsEvents reports whether some plan may read the event store (a
// search over raw events, datamodel.Store.Events): false only when every
// node of every plan is one that storeScans knows, and none of them is a
// raw search, so ingest may leave the events' texts out
// (datamodel.IngestOptions.NoEventStore).
func ReadsEvents(plans ...*Plan) bool {
	for _, p := range plans {
		sc, ok := storeScans(p.root)
		if !ok {
			return true
		}
		for _, s := range sc {
			if s.ds == nil {
				return true
			}
		}
	}
	return false
}

// storeScan is one read of a dataset, or of the raw events (ds nil), by
// a plan.
type storeScan struct {
	ds    *datamodel.Dataset
	where spl.SearchExpr
	// all is set for a raw search whose results are events with every
	// field (rawScanNode.all): no pre-filter applies to it.
	all bool
}

// storeScans lists the dataset reads of n, its inputs and subsearches; ok
// is false when a node may read the store otherwise.
func storeScans(n node) (out []storeScan, ok bool) {
	for ; n != nil; n = n.input() {
		switch x := n.(type) {
		case *tstatsNode:
			out = append(out, storeScan{ds: x.ds, where: x.whereText})
		case *tstatsTermsNode:
			out = append(out, storeScan{ds: x.ts.ds, where: x.ts.whereText})
		case *rawScanNode:
			out = append(out, storeScan{ds: nil, where: x.expr, all: x.all})
		case *addtotalsNode, *appendNode, *appendpipeNode, *binNode, *convertNode, *dedupNode, *evalNode,
			*fieldsNode, *fillnullNode, *headNode, *inputlookupNode, *joinNode, *lookupNode,
			*makemvNode, *makeresultsNode, *mvexpandNode, *regexNode, *renameNode,
			*replaceNode, *replayNode, *rexNode, *searchNode, *sortNode, *spathNode, *statsNode,
			*tableNode, *transactionNode, *whereNode, *xmlkvNode:
			// These read their input (appendpipe's subpipeline, whose
			// leaf replays it, is walked below), or a lookup file, not
			// the store.
		default:
			return nil, false
		}
		if sp, isSub := n.(subplanner); isSub {
			for _, s := range sp.subplans() {
				sub, ok := storeScans(s)
				if !ok {
					return nil, false
				}
				out = append(out, sub...)
			}
		}
	}
	return out, true
}

// requiredLiterals returns the clauses an event of ds (nil: a raw event)
// must satisfy for a row of it to pass where: each clause is literals of
// which its text holds one.
func requiredLiterals(cat *datamodel.Catalog, ds *datamodel.Dataset, where spl.SearchExpr) [][]string {
	if ds == nil {
		if x, ok := where.(*spl.SearchTerm); ok {
			if lit := termLiteral(x.Value); lit != "" {
				return [][]string{{lit}}
			}
			return nil
		}
		switch where.(type) {
		case *spl.SearchCompare, *spl.SearchIn:
			return nil
		}
	}
	switch x := where.(type) {
	case *spl.SearchAnd:
		return append(requiredLiterals(cat, ds, x.Left), requiredLiterals(cat, ds, x.Right)...)
	case *spl.SearchOr:
		l, r := requiredLiterals(cat, ds, x.Left), requiredLiterals(cat, ds, x.Right)
		if len(l) == 0 || len(r) == 0 {
			return nil
		}
		return [][]string{append(append([]string{}, bestClause(l)...), bestClause(r)...)}
	case *spl.SearchCompare:
		if x.Op == spl.OpEq {
			if c := fieldLiterals(cat, ds, x.Field, []spl.Value{x.Value}); c != nil {
				return [][]string{c}
			}
		}
	case *spl.SearchIn:
		if c := fieldLiterals(cat, ds, x.Field, x.Values); c != nil {
			return [][]string{c}
		}
	}
	return nil
}

// termLiteral is the longest ASCII segment between the wildcards of a raw
// term (all of a quoted phrase, where '*' is literal: its segments are in
// the text all the same), or "" when it is shorter than minLiteral.
func termLiteral(v spl.Value) string {
	if v.Macro != nil {
		return ""
	}
	lit := ""
	for _, seg := range strings.Split(v.Text, "*") {
		if len(seg) > len(lit) && isASCII(seg) {
			lit = seg
		}
	}
	if len(lit) < minLiteral {
		return ""
	}
	return lit
}

// bestClause picks the clause whose shortest literal is longest.
func bestClause(cs [][]string) []string {
	best, bestLen := cs[0], -1
	for _, c := range cs {
		short := len(c[0])
		for _, l := range c {
			short = min(short, len(l))
		}
		if short > bestLen {
			best, bestLen = c, short
		}
	}
	return best
}

// fieldLiterals returns one literal per pattern that a raw-preserving
// field's value must hold to match it, or nil when the field is not
// raw-preserving, a pattern may match one of its constants, or a pattern
// has no ASCII literal of minLiteral bytes.
func fieldLiterals(cat *datamodel.Catalog, ds *datamodel.Dataset, field string, vals []spl.Value) []string {
	col, ok := strings.CutPrefix(field, ds.Name+".")
	if !ok {
		return nil
	}
	consts, ok := cat.RawField(ds, col)
	if !ok {
		return nil
	}
	var out []string
	for _, v := range vals {
		if v.Macro != nil {
			return nil
		}
		g := value.CompileGlob(v.Text)
		for _, c := range consts {
			if g.Match(c) {
				return nil
			}
		}
		lit := ""
		for _, seg := range strings.Split(v.Text, "*") {
			if len(seg) > len(lit) && isASCII(seg) {
				lit = seg
			}
		}
		if len(lit) < minLiteral {
			return nil
		}
		out = append(out, lit)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
