package datamodel

import "bytes"

// This file holds the string functions the add-on's props.conf expresses as
// PCRE replace() calls. Go's RE2 lacks look-ahead (basename) and would cost
// a regexp run per field per event, so each is hand-coded; the comment of
// each function gives the props.conf expression it implements and the
// tests in derive_test.go pin its behaviour, line breaks included.
//
// # Line breaks
//
// A value can hold line breaks (WIN88's eventdata_xml_data extraction,
// `([^<]*)`, crosses them; sysmon-to-cim §6a, "Data fields"). Each function
// gives what its PCRE gives under PCRE's defaults, the options Splunk's
// replace() and the add-on's transforms compile with (no (?s), no (?m)):
//   - the newline is LF: `.` matches any character but "\n", so a CR is an
//     ordinary character for `.` and `$`, and CR LF is a CR and then a line
//     break;
//   - `^` matches only at the start of the value, and `$` only at its end
//     or just before a "\n" that is its last character;
//   - replace() replaces every match, left to right, each search starting
//     where the previous match ended.
//
// So a pattern made of `.`, `\\`, `\w`, `\.` and anchored by `$` matches
// only inside the value's "last line": the text between the last "\n"
// before the end (or the start) and the end, a final "\n" excluded
// (onLastLine). What precedes that line, and the final "\n", are kept. A
// pattern without `$`, like file_name's `(.*\\)`, matches once in each
// line. Each derivation is a one-line function (the code before line
// breaks were handled, exact for a value without "\n") and a wrapper: a
// value of a one-line event (event.noLF, the common case) goes straight to
// the one-line function, for a flag test and a call more (BenchmarkDerive:
// about 4% more instructions than before, BenchmarkIngest within 1%);
// otherwise one bytes.IndexByte looks for a line break, and only a value
// holding one is rebuilt, in the event's arena.

// hasLF reports whether value x of e may hold a line break: never for a
// one-line event (e.noLF), else when x holds a "\n" (bytes.IndexByte is
// vectorised, unlike bytes.LastIndexByte).
func hasLF(e *event, x []byte) bool { return !e.noLF && bytes.IndexByte(x, '\n') >= 0 }

// onLastLine applies f to x's last line as PCRE's `$` sees it and keeps the
// rest of x: the line ends at len(x), or at len(x)-1 when x ends in "\n"
// (`$` matches before a final newline), and starts after the last "\n"
// before that end. A match that ends at `$` and cannot cross "\n" lies in
// that line. f is a one-line derivation that returns its input when its
// pattern does not match and something shorter when it does; x is then
// returned unchanged, or rebuilt in e's arena as what precedes the line,
// f's result and the final "\n" if any.
func onLastLine(e *event, x []byte, f func([]byte) []byte) []byte {
	end := len(x)
	if x[end-1] == '\n' {
		end--
	}
	start := bytes.LastIndexByte(x[:end], '\n') + 1
	line := x[start:end]
	r := f(line)
	if len(r) == len(line) {
		return x
	}
	return join3(e, x[:start], r, x[end:])
}

// join3 returns a+b+c built in e's arena.
func join3(e *event, a, b, c []byte) []byte {
	start := len(e.arena)
	e.arena = append(append(append(e.arena, a...), b...), c...)
	return e.arena[start:len(e.arena):len(e.arena)]
}

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
// one-line registry path, as the PCRE `\\(\w+|\(Default\))$` does. It
// returns the index of that backslash, or -1 when the path does not end so.
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
// replace(TargetObject,"\\\(\w+|\(Default\))$",""), PCRE
// `\\(\w+|\(Default\))$`: the path without its final value segment when
// that segment is \w+ or (Default), else the whole path. The segment ends
// at `$`, so before a final "\n", which stays: `HKLM\K\V` LF gives
// `HKLM\K` LF, while `HKLM\K\V` CR LF does not match (CR is not \w) and
// stays whole. There is at most one match.
func registryKeyName13(e *event, path []byte) []byte {
	if hasLF(e, path) {
		return onLastLine(e, path, keyName13Line)
	}
	return keyName13Line(path)
}

// keyName13Line is registryKeyName13 of a path without "\n".
func keyName13Line(path []byte) []byte {
	if i := lastValueSegment(path); i >= 0 {
		return path[:i]
	}
	return path
}

// registryValueName implements
// replace(TargetObject,"(.*)\\\(\w+|\(Default\))$","\2"), PCRE
// `(.*)\\(\w+|\(Default\))$` replaced by `\2`: the final value segment when
// it is \w+ or (Default), else the whole path (no match, no replacement).
// `.` does not match "\n", so the match is the whole last line (the
// leftmost start that can reach `$`) and only that line is replaced:
// `HKLM\A` CR LF `\B\V` gives `HKLM\A` CR LF `V`, and a final "\n" stays.
func registryValueName(e *event, path []byte) []byte {
	if hasLF(e, path) {
		return onLastLine(e, path, valueNameLine)
	}
	return valueNameLine(path)
}

// valueNameLine is registryValueName of a path without "\n".
func valueNameLine(path []byte) []byte {
	if i := lastValueSegment(path); i >= 0 {
		return path[i+1:]
	}
	return path
}

// splitDetails matches Details as the add-on's transforms
// sysmon-registryvaluetype and sysmon-registryvaluedata do, PCRE
// `<Data Name='Details'>(\w+)\s\((.+)\)</Data>` over _raw, read on the value
// alone as `^(\w+)\s\((.+)\)` followed by the value's very end (the
// `</Data>`, so a final line break defeats it, unlike `$`): the .+ is
// greedy, so data runs to the last ')' which must end the value. `\s` may
// be a CR or LF, but '.' does not match "\n", so data holding one does not
// match (a CR in it does). It returns the type word and the data inside the
// parentheses.
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

// shortUser implements replace(X,"(.*)\\\(.+)$","\2"), PCRE `(.*)\\(.+)$`
// replaced by `\2`: in the last line (see onLastLine), the text after the
// last backslash that has at least one character after it; X unchanged
// when there is none. What precedes the last line and a final "\n" stay:
// `DOM\a` LF `B\c` gives `DOM\a` LF `c`.
func shortUser(e *event, u []byte) []byte {
	if hasLF(e, u) {
		return onLastLine(e, u, shortUserLine)
	}
	return shortUserLine(u)
}

// shortUserLine is shortUser of a value without "\n".
func shortUserLine(u []byte) []byte {
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
	return u[i+1:]
}

// basename implements replace(X,"(.*\\\)(?=.*(\.\w*)$|(\w+)$)",""), PCRE
// `(.*\\)(?=.*(\.\w*)$|(\w+)$)` replaced by "", the add-on's
// process_name/process_exec: it removes everything up to the last
// backslash when what follows the whole value ends in `.\w*` or the part
// after the last backslash is all \w; otherwise X is unchanged
// (sysmon-to-cim §9 item 3). Earlier backslashes never qualify where the
// last does not: their remainder contains a backslash (so is not all \w)
// and ends like the whole value. The look-ahead must reach `$` without
// crossing "\n", so only the last line (see onLastLine) can match, from its
// start: `C:\a` LF `C:\b\c.exe` gives `C:\a` LF `c.exe`.
func basename(e *event, x []byte) []byte {
	if hasLF(e, x) {
		return onLastLine(e, x, basenameLine)
	}
	return basenameLine(x)
}

// basenameLine is basename of a value without "\n".
func basenameLine(x []byte) []byte {
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

// endsInDotWord reports whether x matches `\.\w*` followed by x's end.
func endsInDotWord(x []byte) bool {
	j := len(x)
	for j > 0 && isWordByte(x[j-1]) {
		j--
	}
	return j > 0 && x[j-1] == '.'
}

// afterLastBackslash implements replace(X,"(.*\\\)",""), PCRE `(.*\\)`
// replaced by "" at every match: `.*` does not cross "\n", so each line
// loses the text up to its own last backslash (file_name of
// `C:\Users\ADMIN\AppData` CR LF `\Local\Temp\2\setup.exe` is `AppData` CR
// LF `setup.exe`). A value without "\n" gives the text after its last
// backslash, or X when there is none, as a sub-slice; one with a line
// break is rebuilt in e's arena when some line holds a backslash.
func afterLastBackslash(e *event, x []byte) []byte {
	if !hasLF(e, x) {
		if i := bytes.LastIndexByte(x, '\\'); i >= 0 {
			return x[i+1:]
		}
		return x
	}
	if bytes.IndexByte(x, '\\') < 0 {
		return x
	}
	start := len(e.arena)
	for len(x) > 0 {
		line := x
		nl := bytes.IndexByte(x, '\n')
		if nl >= 0 {
			line = x[:nl+1] // the "\n" is no backslash: it stays
		}
		if i := bytes.LastIndexByte(line, '\\'); i >= 0 {
			line = line[i+1:]
		}
		e.arena = append(e.arena, line...)
		if nl < 0 {
			break
		}
		x = x[nl+1:]
	}
	return e.arena[start:len(e.arena):len(e.arena)]
}

// noADS implements replace(X,"(:[\w\. ]+)",""), PCRE `(:[\w\. ]+)` replaced
// by "" at every match: it deletes every ':' followed by a run of \w, '.'
// and ' ' (an NTFS alternate data stream suffix such as ":Zone.Identifier");
// a drive colon (followed by '\') or ":$DATA" stays. Neither CR nor LF is
// in the class, so a line break ends a run and is kept. The result is
// built in e's arena only when something is removed.
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

// firstToken implements replace(X,"^\s*([^\s]+).*","\1"), PCRE
// `^\s*([^\s]+).*` replaced by `\1`: the first run of non-space
// characters. `^` matches only at the start (one match at most); `\s*` may
// cross line breaks, but `.*` stops before the first "\n" after the token,
// and replace() keeps the text from that "\n" on. When X is all space the
// pattern does not match and X is returned unchanged. A kept remainder is
// joined in e's arena.
func firstToken(e *event, x []byte) []byte {
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
	if k := bytes.IndexByte(x[j:], '\n'); k >= 0 {
		return e.build(x[i:j], x[j+k:])
	}
	return x[i:j]
}
