package datamodel

import (
	"bytes"
	"slices"
)

// This file is the raw-text pre-filter of selective searches. See doc.go,
// "Pre-filter".

// SkipFiltered is the Stats.Skipped reason of an event that an
// IngestOptions.Filter left out: none of the searches can match it, so it
// was not parsed (a malformed event among them is not reported).
const SkipFiltered = "pre-filter: cannot match the searches"

// RawFilter keeps the events that some search may match: an event is kept
// when, for at least one of its scans, every clause has one of its
// literals in the event's text, compared with ASCII case folded. Build it
// with NewRawFilter; the zero value and nil keep every event.
type RawFilter struct {
	scans [][]rawClause
}

// rawClause is an OR of literals, folded to ASCII lower case.
type rawClause struct {
	lits []rawLiteral
	// fold is set when a literal holds k or s: Unicode simple folding
	// matches them with the Kelvin sign and the long s, which are not ASCII
	// (see containsFold).
	fold bool
}

// rawLiteral is one literal and the byte it is looked up by.
type rawLiteral struct {
	lit    []byte // ASCII lower case
	anchor int    // index in lit of the byte searched first
}

// NewRawFilter returns the filter of scans: scans[i] is the clauses of the
// i-th read of a dataset the searches make, each clause the literals of
// which a matching event holds at least one. A literal must be ASCII; an
// empty literal, a clause without literals or a scan without clauses
// keeps every event, and so does a filter with no scan at all: NewRawFilter
// returns nil then.
func NewRawFilter(scans [][][]string) *RawFilter {
	f := &RawFilter{}
	for _, sc := range scans {
		var cl []rawClause
		for _, alts := range sc {
			c, ok := newRawClause(alts)
			if ok {
				cl = append(cl, c)
			}
		}
		if len(cl) == 0 {
			return nil // this scan may match any event
		}
		f.scans = append(f.scans, cl)
	}
	if len(f.scans) == 0 {
		return nil
	}
	return f
}

func newRawClause(alts []string) (rawClause, bool) {
	var c rawClause
	if len(alts) == 0 {
		return c, false
	}
	for _, a := range alts {
		if a == "" {
			return c, false
		}
		lit := make([]byte, len(a))
		for i := 0; i < len(a); i++ {
			if a[i] >= 0x80 {
				return c, false
			}
			lit[i] = lowerByte(a[i])
			if lit[i] == 'k' || lit[i] == 's' {
				c.fold = true
			}
		}
		c.lits = append(c.lits, rawLiteral{lit: lit, anchor: rarest(lit)})
	}
	return c, true
}

// Keep reports whether the event whose text is text may match a search.
func (f *RawFilter) Keep(text []byte) bool {
	if f == nil {
		return true
	}
	for _, sc := range f.scans {
		if slices.IndexFunc(sc, func(c rawClause) bool { return !c.match(text) }) < 0 {
			return true
		}
	}
	return false
}

// match reports whether text holds one of c's literals, or, when c.fold
// is set, a rune that folds to k or s.
func (c *rawClause) match(text []byte) bool {
	for i := range c.lits {
		if containsFold(text, &c.lits[i]) {
			return true
		}
	}
	return c.fold && (bytes.Contains(text, []byte("\u212a")) || bytes.Contains(text, []byte("\u017f")))
}

// containsFold reports whether text holds l.lit with ASCII case folded. It
// looks for the anchor byte in both cases with bytes.IndexByte and
// compares the literal around each.
func containsFold(text []byte, l *rawLiteral) bool {
	n, a := len(l.lit), l.anchor
	lo := l.lit[a]
	up := lo
	if lo >= 'a' && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	for _, c := range [2]byte{lo, up} {
		for pos := a; pos < len(text); {
			i := bytes.IndexByte(text[pos:], c)
			if i < 0 {
				break
			}
			pos += i
			start := pos - a
			if start+n <= len(text) && equalFoldASCII(text[start:start+n], l.lit) {
				return true
			}
			pos++
		}
		if up == lo {
			break
		}
	}
	return false
}

// equalFoldASCII reports whether b equals lit (ASCII lower case) with
// ASCII case folded.
func equalFoldASCII(b, lit []byte) bool {
	for i, c := range lit {
		if lowerByte(b[i]) != c {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// rarest returns the index of the byte of lit that is least common in
// event text, by a rough ranking of bytes in XmlWinEventLog events
// (markup, English words, paths and GUIDs): it only decides how fast the
// search is, never its result.
func rarest(lit []byte) int {
	const common = " <>/='\"etaoinsrhldcumEWSPN0123456789-.:\\{}_"
	best, bestRank := 0, 1<<30
	for i, c := range lit {
		rank := 0
		if j := bytes.IndexByte([]byte(common), c); j >= 0 {
			rank = 100 - j
		}
		if c >= 'a' && c <= 'z' {
			if j := bytes.IndexByte([]byte(common), c-'a'+'A'); j >= 0 {
				rank += 100 - j
			}
		}
		if rank < bestRank {
			best, bestRank = i, rank
		}
	}
	return best
}

// rawPreserving are the dataset fields whose every derivation, for every
// EventID the add-on maps (sysmonFields), returns the text of a Data
// element or System value as it stands in the event (alias, targetObject,
// computer, securityUserID, unlessDash, orUnlessDash, and valueData, which
// is Details or the inside of its "TYPE (...)"), never a constant or a
// value built from pieces: so a non-null value is a substring of the
// event's XmlWinEventLog text. TestRawFieldsAreSubstrings checks it on
// every test and shared event.
var rawPreserving = map[string]bool{
	"registry_path": true, "registry_value_data": true,
	"process": true, "process_path": true, "process_guid": true, "process_id": true,
	"process_hash": true, "process_integrity_level": true, "process_current_directory": true,
	"original_file_name": true, "parent_process": true, "parent_process_path": true,
	"parent_process_id": true, "parent_process_guid": true,
	"file_hash": true, "file_create_time": true, "file_modify_time": true, "file_access_time": true,
	"dest": true, "dvc": true, "user_id": true,
	"src": true, "src_ip": true, "dest_ip": true, "src_port": true, "dest_port": true,
	"transport": true, "app": true, "dvc_ip": true,
}

// winConstructed are the rawPreserving fields that Splunk_TA_windows
// builds from pieces or constants for the Windows (non-Sysmon) events a
// dataset takes (winta.go): a 4688's process is NewProcessName + " " +
// the arguments, app is "win:remote" or "win:unknown". A dataset fed by
// Windows events (winCodes) does not preserve them.
var winConstructed = map[string]bool{"process": true, "app": true}

// RawField reports whether every value of field name (as a dataset column
// is named, without the dataset prefix) of dataset d is, for every event,
// null, one of consts, or a substring of the event's XmlWinEventLog text
// up to ASCII case. It holds for the fields whose derivation copies event
// text (rawPreserving) and whose CIM calculations only lower-case it (ASCII
// only), keep it or null it (isnum), or put a constant in its place
// ("unknown" for an absent value, "0" for a non-number), which consts lists.
// The pre-filter may then require a literal the field's value must hold.
func (c *Catalog) RawField(d *Dataset, name string) (consts []string, ok bool) {
	spec := c.spec(d)
	if spec == nil || !rawPreserving[name] || len(spec.winCodes) > 0 && winConstructed[name] {
		return nil, false
	}
	idx := slices.IndexFunc(spec.fields, func(f fieldSpec) bool { return f.name == name })
	if idx < 0 {
		return nil, false
	}
	steps, err := compileCalcs(spec)
	if err != nil {
		return nil, false
	}
	for _, st := range steps {
		if st.field != idx {
			continue
		}
		switch st.kind {
		case calcLower, calcNumberOrNull:
		case calcFillUnknown, calcFillUnknownLower:
			consts = append(consts, "unknown")
		case calcNumberOrZero:
			consts = append(consts, "0")
		default:
			return nil, false
		}
	}
	return consts, true
}
