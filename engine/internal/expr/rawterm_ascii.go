package expr

import "strings"

// asciiTerm matches a search term whose text is ASCII against _raw by
// bytes, with the rules of compileRawTerm, without a regular expression:
//
//   - the term is split at each unquoted '*' into literal segments, lit;
//     a '*' matches any run of bytes that are not major breakers, so all
//     the segments after the first lie in the word (the run of
//     non-major-breaker bytes) that follows the first one;
//   - the first segment must have a bound (a breaker of the term's kind:
//     major and minor, or only major for TERM) or the text's start before
//     it, unless the term starts with '*' (a '*' can always start just
//     after the last major breaker before the segment, or at the text's
//     start, both of which are bounds);
//   - the last must have a bound or the text's end after it, unless the
//     term ends with '*' (which can run to the next major breaker or the
//     text's end);
//   - for one start of the first segment, placing each middle segment at
//     its leftmost place in the word leaves the most room to the rest, so
//     only the last segment's places are tried one by one.
//
// Bytes are the regular expression's runes wherever the answer can tell:
// the term is ASCII, so it can only match ASCII bytes, and every breaker
// is ASCII, so a multi-byte rune (or a byte that is not UTF-8, which the
// regular expression reads as U+FFFD) is, as its bytes, neither a bound
// nor a breaker nor a match. The one difference is case folding: 'k' and
// 's' also match U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S
// (Unicode simple folding, as regexp's (?i)), so a folded term holding k
// or s does not apply to a text holding either (applies; the regular
// expression answers then).
type asciiTerm struct {
	lit      []string // literal segments, lower-case when fold; none empty
	leading  bool     // the term starts with '*'
	trailing bool     // the term ends with '*'
	fold     bool     // case-insensitive (not CASE)
	ks       bool     // fold and some segment holds k or s
	bound    [256]bool
	major    [256]bool
	anchor   []int // per segment, the index of the byte searched for first
}

// newASCIITerm returns the byte matcher of the term text (quoted: no
// wildcards) with the given bounds, or nil where it cannot give the
// regular expression's answer: a term that is not ASCII, one of only '*'
// (or empty), or a wildcard term whose segments hold a major breaker.
func newASCIITerm(text string, quoted, fold bool, bounds string) *asciiTerm {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return nil
		}
	}
	a := &asciiTerm{fold: fold}
	for i := 0; i < len(bounds); i++ {
		a.bound[bounds[i]] = true
	}
	for i := 0; i < len(majorBreakers); i++ {
		a.major[majorBreakers[i]] = true
	}
	segs := []string{text}
	if !quoted {
		segs = strings.Split(text, "*")
	}
	a.leading = len(segs) > 1 && segs[0] == ""
	a.trailing = len(segs) > 1 && segs[len(segs)-1] == ""
	for _, s := range segs {
		if s == "" {
			continue
		}
		if fold {
			s = strings.ToLower(s)
			a.ks = a.ks || strings.ContainsAny(s, "ks")
		}
		if len(segs) > 1 {
			for i := 0; i < len(s); i++ {
				if a.major[s[i]] {
					return nil
				}
			}
		}
		a.lit = append(a.lit, s)
		a.anchor = append(a.anchor, rarest(s))
	}
	if len(a.lit) == 0 {
		return nil
	}
	return a
}

// applies reports whether match gives the regular expression's answer on
// s: always, except for a folded term holding k or s over a text holding
// U+212A or U+017F.
func (a *asciiTerm) applies(s string) bool {
	return !a.ks || !strings.Contains(s, "\u212a") && !strings.Contains(s, "\u017f")
}

// match reports whether s holds the term.
func (a *asciiTerm) match(s string) bool {
	first := a.lit[0]
	for p := a.index(s, 0, 0); p >= 0; p = a.index(s, 0, p+1) {
		if !a.leading && p > 0 && !a.bound[s[p-1]] {
			continue
		}
		if a.rest(s, p+len(first)) {
			return true
		}
	}
	return false
}

// rest reports whether the segments after the first match from pos, the
// first having matched just before it.
func (a *asciiTerm) rest(s string, pos int) bool {
	n := len(a.lit)
	if n == 1 {
		return a.trailing || pos == len(s) || a.bound[s[pos]]
	}
	limit := pos
	for limit < len(s) && !a.major[s[limit]] {
		limit++
	}
	w := s[:limit]
	for k := 1; k < n-1; k++ {
		q := a.index(w, k, pos)
		if q < 0 {
			return false
		}
		pos = q + len(a.lit[k])
	}
	last := a.lit[n-1]
	for q := a.index(w, n-1, pos); q >= 0; q = a.index(w, n-1, q+1) {
		if end := q + len(last); a.trailing || end == len(s) || a.bound[s[end]] {
			return true
		}
	}
	return false
}

// index returns the first place at or after from where segment k occurs
// in s (case-insensitively when fold), or -1. It looks for the segment's
// anchor byte (the one expected to be rarest in event text) with
// strings.IndexByte, in both cases for a letter, and compares the rest.
func (a *asciiTerm) index(s string, k, from int) int {
	seg, at := a.lit[k], a.anchor[k]
	if !a.fold {
		if from > len(s) {
			return -1
		}
		if i := strings.Index(s[from:], seg); i >= 0 {
			return from + i
		}
		return -1
	}
	c := seg[at]
	upper := c
	if 'a' <= c && c <= 'z' {
		upper = c - 'a' + 'A'
	}
	// The anchor of a place p is at p+at; places start at from.
	for i := from + at; i+len(seg)-at <= len(s); {
		rest := s[i:]
		j := strings.IndexByte(rest, c)
		if upper != c {
			lim := len(rest)
			if j >= 0 {
				lim = j
			}
			if u := strings.IndexByte(rest[:lim], upper); u >= 0 {
				j = u
			}
		}
		if j < 0 {
			return -1
		}
		p := i + j - at
		if p+len(seg) > len(s) {
			return -1
		}
		if equalFoldASCII(s[p:p+len(seg)], seg) {
			return p
		}
		i += j + 1
	}
	return -1
}

// equalFoldASCII reports whether s equals the lower-case ASCII lower
// under ASCII case folding.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// rarest returns the index of the byte of seg that is expected to be the
// rarest in Windows event XML, the one index searches for: markup and
// digits are everywhere, common letters next, then the rest.
func rarest(seg string) int {
	const common = `<>"'= /:.-0123456789etaoinsrhldcumfpgwyb`
	best, bestRank := 0, -1
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		rank := len(common) // not listed: rarer than any listed byte
		if j := strings.IndexByte(common, c); j >= 0 {
			rank = j // later in the list: rarer
		}
		if rank > bestRank {
			best, bestRank = i, rank
		}
	}
	return best
}
