package datamodel

import "bytes"

// This file holds the string functions the add-on's props.conf expresses as
// PCRE replace() calls. Go's RE2 lacks look-ahead (basename) and would cost
// a regexp run per field per event, so each is hand-coded; the comment of
// each function gives the props.conf expression it implements and the
// tests in derive_test.go pin its behaviour.

// isWordByte reports whether c is in PCRE's ASCII \w: [A-Za-z0-9_].
// (sysmon-to-cim §9 item 4: ASCII \w is the choice here.)
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isWord reports whether b is a non-empty run of ASCII \w.
func isWord(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isWordByte(c) {
			return false
		}
	}
	return true
}

// lastValueSegment finds the final `\` + (\w+ | "(Default)") segment of a
// registry path, as the PCRE `\\(\w+|\(Default\))$` does. It returns the
// index of that backslash, or -1 when the path does not end so.
func lastValueSegment(path []byte) int {
	i := bytes.LastIndexByte(path, '\\')
	if i < 0 {
		return -1
	}
	seg := path[i+1:]
	if isWord(seg) || string(seg) == "(Default)" {
		return i
	}
	return -1
}

// registryKeyName13 implements, for EID 13,
// replace(TargetObject,"\\\(\w+|\(Default\))$",""): the path without its
// final value segment when that segment is \w+ or (Default), else the whole
// path.
func registryKeyName13(path []byte) []byte {
	if i := lastValueSegment(path); i >= 0 {
		return path[:i]
	}
	return path
}

// registryValueName implements
// replace(TargetObject,"(.*)\\\(\w+|\(Default\))$","\2"): the final value
// segment when it is \w+ or (Default), else the whole path (no match, no
// replacement).
func registryValueName(path []byte) []byte {
	if i := lastValueSegment(path); i >= 0 {
		return path[i+1:]
	}
	return path
}

// splitDetails matches Details against `^(\w+)\s\((.+)\)$`, the value-level
// form of the add-on's transforms sysmon-registryvaluetype and
// sysmon-registryvaluedata (`<Data Name='Details'>(\w+)\s\((.+)\)</Data>`):
// the .+ is greedy, so data runs to the last ')' which must end the value.
// '.' does not match a line break in PCRE, so a value holding one does not
// match. It returns the type word and the data inside the parentheses.
func splitDetails(d []byte) (typ, data []byte, ok bool) {
	i := 0
	for i < len(d) && isWordByte(d[i]) {
		i++
	}
	if i == 0 || i+2 >= len(d) || !isPCRESpace(d[i]) || d[i+1] != '(' {
		return nil, nil, false
	}
	if d[len(d)-1] != ')' {
		return nil, nil, false
	}
	inner := d[i+2 : len(d)-1]
	if len(inner) == 0 || bytes.IndexByte(inner, '\n') >= 0 {
		return nil, nil, false
	}
	return d[:i], inner, true
}

// isPCRESpace reports whether c is in PCRE's \s.
func isPCRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// shortUser implements replace(X,"(.*)\\\(.+)$","\2"): the text after the
// last backslash that has at least one character after it; X unchanged when
// there is none.
func shortUser(u []byte) []byte {
	end := len(u)
	if end > 0 && u[end-1] == '\\' {
		// `.+` needs a character, so a trailing backslash cannot be the
		// separator; the previous one can (and `.+` then takes the rest).
		end--
	}
	i := bytes.LastIndexByte(u[:end], '\\')
	if i < 0 {
		return u
	}
	if bytes.IndexByte(u[i+1:], '\n') >= 0 {
		return u
	}
	return u[i+1:]
}

// basename implements replace(X,"(.*\\\)(?=.*(\.\w*)$|(\w+)$)",""), the
// add-on's process_name/process_exec: it removes everything up to the last
// backslash when what follows the whole value ends in `.\w*` or the part
// after the last backslash is all \w; otherwise X is unchanged
// (sysmon-to-cim §9 item 3). Earlier backslashes never qualify where the
// last does not: their remainder contains a backslash (so is not all \w)
// and ends like the whole value.
func basename(x []byte) []byte {
	i := bytes.LastIndexByte(x, '\\')
	if i < 0 {
		return x
	}
	rest := x[i+1:]
	if endsInDotWord(x) || isWord(rest) {
		return rest
	}
	return x
}

// endsInDotWord reports whether x matches `\.\w*$`.
func endsInDotWord(x []byte) bool {
	j := len(x)
	for j > 0 && isWordByte(x[j-1]) {
		j--
	}
	return j > 0 && x[j-1] == '.'
}

// afterLastBackslash implements replace(X,"(.*\\\)",""): the text after the
// last backslash, or X when there is none.
func afterLastBackslash(x []byte) []byte {
	if i := bytes.LastIndexByte(x, '\\'); i >= 0 {
		return x[i+1:]
	}
	return x
}

// noADS implements replace(X,"(:[\w\. ]+)",""): it deletes every ':'
// followed by a run of \w, '.' and ' ' (an NTFS alternate data stream
// suffix such as ":Zone.Identifier"); a drive colon (followed by '\') or
// ":$DATA" stays. The result is built in e's arena only when something is
// removed.
func noADS(e *event, x []byte) []byte {
	i := indexADS(x, 0)
	if i < 0 {
		return x
	}
	start := len(e.arena)
	prev := 0
	for i >= 0 {
		e.arena = append(e.arena, x[prev:i]...)
		j := i + 1
		for j < len(x) && isADSByte(x[j]) {
			j++
		}
		prev = j
		i = indexADS(x, j)
	}
	e.arena = append(e.arena, x[prev:]...)
	return e.arena[start:len(e.arena):len(e.arena)]
}

func isADSByte(c byte) bool { return isWordByte(c) || c == '.' || c == ' ' }

// indexADS returns the index of the next ':' at or after from that is
// followed by at least one stream-name byte, or -1.
func indexADS(x []byte, from int) int {
	for from < len(x) {
		k := bytes.IndexByte(x[from:], ':')
		if k < 0 {
			return -1
		}
		k += from
		if k+1 < len(x) && isADSByte(x[k+1]) {
			return k
		}
		from = k + 1
	}
	return -1
}

// firstToken implements replace(X,"^\s*([^\s]+).*","\1"): the first run of
// non-space characters. When X is all space the pattern does not match
// and X is returned unchanged.
func firstToken(x []byte) []byte {
	i := 0
	for i < len(x) && isPCRESpace(x[i]) {
		i++
	}
	j := i
	for j < len(x) && !isPCRESpace(x[j]) {
		j++
	}
	if j == i {
		return x
	}
	// `.*` stops at a line break, and replace() keeps what follows it.
	if k := bytes.IndexByte(x[j:], '\n'); k >= 0 {
		return append(append([]byte(nil), x[i:j]...), x[j+k:]...)
	}
	return x[i:j]
}
