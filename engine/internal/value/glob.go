package value

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// globKind classifies a compiled pattern so that the common shapes are
// matched with one comparison instead of the general segment walk.
type globKind uint8

const (
	globLiteral  globKind = iota // no '*': whole-value equality
	globAny                      // "*", "**", ...: any value
	globPrefix                   // "abc*"
	globSuffix                   // "*abc"
	globContains                 // "*abc*"
	globGeneral                  // anything else, e.g. "a*b*c"
)

// Glob is a compiled SPL value pattern: a whole-value, case-insensitive
// Match in which '*' stands for any run of characters (including none) and
// every other character, backslash included, is literal.
//
// Matching folds ASCII letters byte by byte without allocating. When the
// pattern or the value holds a non-ASCII byte, the match falls back to a
// rune-wise comparison under Unicode simple case folding (so "É" matches
// "é" and the Kelvin sign matches "k"), which allocates.
type Glob struct {
	pattern string
	kind    globKind
	// segs are the lower-cased (ASCII) literal pieces between stars; for
	// globGeneral the first piece is anchored at the start when
	// anchoredStart and the last at the end when anchoredEnd.
	segs []string
	// anchors index, in each of segs, the byte indexFold looks for
	// first (anchorOf).
	anchors       []int
	anchoredStart bool
	anchoredEnd   bool
	ascii         bool
	// folded is the pattern with every rune replaced by its fold
	// representative; used only by the non-ASCII path.
	folded []rune
}

// CompileGlob compiles pattern once; the result is immutable and safe for
// concurrent use.
func CompileGlob(pattern string) *Glob {
	g := &Glob{pattern: pattern, ascii: isASCII(pattern)}
	parts := strings.Split(pattern, "*")
	literal := len(parts) == 1
	if !literal {
		g.anchoredStart = parts[0] != ""
		g.anchoredEnd = parts[len(parts)-1] != ""
	}
	var segs []string
	for _, p := range parts {
		if p != "" {
			segs = append(segs, asciiLower(p))
		}
	}
	g.segs = segs
	if !literal {
		switch {
		case len(segs) == 0:
			g.kind = globAny
		case len(segs) == 1 && g.anchoredStart && !g.anchoredEnd:
			g.kind = globPrefix
		case len(segs) == 1 && !g.anchoredStart && g.anchoredEnd:
			g.kind = globSuffix
		case len(segs) == 1 && !g.anchoredStart && !g.anchoredEnd:
			g.kind = globContains
		default:
			g.kind = globGeneral
		}
	} else {
		g.segs = []string{asciiLower(pattern)}
	}
	for _, seg := range g.segs {
		g.anchors = append(g.anchors, anchorOf(seg))
	}
	if !g.ascii {
		g.folded = foldRunes(pattern)
	}
	return g
}

// String returns the pattern as written (after escape processing).
func (g *Glob) String() string { return g.pattern }

// Match reports whether the whole of s matches the pattern.
func (g *Glob) Match(s string) bool {
	if g.kind == globAny {
		return true
	}
	if g.ascii && g.kind <= globSuffix {
		// An ASCII literal, prefix or suffix: decided byte by byte
		// without first reading the whole value for a non-ASCII byte
		// (affixASCII says when it cannot decide).
		if m, ok := affixASCII(g.kind, s, g.segs[0]); ok {
			return m
		}
	}
	if !g.ascii || !isASCII(s) {
		return matchFolded(g.folded0(), foldRunes(s))
	}
	switch g.kind {
	case globLiteral:
		return len(s) == len(g.segs[0]) && hasPrefixFold(s, g.segs[0])
	case globPrefix:
		return hasPrefixFold(s, g.segs[0])
	case globSuffix:
		p := g.segs[0]
		return len(s) >= len(p) && hasPrefixFold(s[len(s)-len(p):], p)
	case globContains:
		return indexFold(s, g.segs[0], g.anchors[0]) >= 0
	}
	segs, anchors := g.segs, g.anchors
	if g.anchoredStart {
		if !hasPrefixFold(s, segs[0]) {
			return false
		}
		s = s[len(segs[0]):]
		segs, anchors = segs[1:], anchors[1:]
	}
	var last string
	if g.anchoredEnd {
		last = segs[len(segs)-1]
		segs, anchors = segs[:len(segs)-1], anchors[:len(anchors)-1]
		if len(s) < len(last) || !hasPrefixFold(s[len(s)-len(last):], last) {
			return false
		}
		s = s[:len(s)-len(last)]
	}
	// Middle segments: leftmost greedy placement is optimal for '*' globs.
	for k, seg := range segs {
		i := indexFold(s, seg, anchors[k])
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}

// folded0 returns the folded pattern, computing it for ASCII patterns that
// meet a non-ASCII value (rare, so not cached to keep glob immutable).
func (g *Glob) folded0() []rune {
	if g.folded != nil {
		return g.folded
	}
	return foldRunes(g.pattern)
}

// affixASCII matches s against an ASCII literal (kind globLiteral),
// prefix (lower*) or suffix (*lower), lower lower-cased, comparing bytes
// from the anchored end with ASCII case folded, and reports ok when that
// gives the answer of the rune-wise match under Unicode folding:
//
//   - every byte compared equal (folded): those bytes are ASCII, each a
//     rune equal to the pattern's; a prefix or suffix then matches, and a
//     literal matches when s has no more bytes (more bytes are more runes,
//     a shorter s has fewer);
//   - an ASCII byte of s differs: the bytes before it (from the anchored
//     end) are ASCII runes aligned with the pattern's, and two ASCII runes
//     fold together only when their lower cases are equal, so no match;
//   - a non-ASCII byte of s differs: a rune such as the Kelvin sign (three
//     bytes, folding to k) may still match; not ok, the caller folds.
//
// A value shorter than lower whose bytes all compared equal cannot match
// either: each rune takes at least one byte.
func affixASCII(kind globKind, s, lower string) (match, ok bool) {
	n := min(len(s), len(lower))
	if kind == globSuffix {
		for i := 1; i <= n; i++ {
			c := s[len(s)-i]
			if lowerByte(c) != lower[len(lower)-i] {
				return false, c < utf8.RuneSelf
			}
		}
		return len(s) >= len(lower), true
	}
	for i := 0; i < n; i++ {
		c := s[i]
		if lowerByte(c) != lower[i] {
			return false, c < utf8.RuneSelf
		}
	}
	if kind == globLiteral {
		return len(s) == len(lower), true
	}
	return len(s) >= len(lower), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerByte(b[j])
			}
			return string(b)
		}
	}
	return s
}

// hasPrefixFold reports whether s starts with lower, an ASCII lower-cased
// string, ignoring ASCII case in s.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if lowerByte(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

// indexFold is strings.Index ignoring ASCII case in s; sub is lower-cased
// and anchor is anchorOf(sub). A byte of sub that is not a letter matches
// only itself, so every match starts anchor bytes before an occurrence of
// it: indexFold finds those with strings.IndexByte (vectorised) and checks
// each candidate start in increasing order, which finds the leftmost
// match as the plain scan does. Without an anchor it is the plain scan.
func indexFold(s, sub string, anchor int) int {
	if len(sub) == 0 {
		return 0
	}
	if anchor < 0 {
		first := sub[0]
		for i := 0; i+len(sub) <= len(s); i++ {
			if lowerByte(s[i]) == first && hasPrefixFold(s[i+1:], sub[1:]) {
				return i
			}
		}
		return -1
	}
	c := sub[anchor]
	// Candidate starts are i..len(s)-len(sub); their anchor bytes lie in
	// s[i+anchor : len(s)-len(sub)+anchor+1].
	for i := 0; i+len(sub) <= len(s); {
		j := strings.IndexByte(s[i+anchor:len(s)-len(sub)+anchor+1], c)
		if j < 0 {
			return -1
		}
		start := i + j
		if hasPrefixFold(s[start:], sub) {
			return start
		}
		i = start + 1
	}
	return -1
}

// anchorOf picks the byte of sub that indexFold looks for first: one that
// is not an ASCII letter (those match only themselves), preferring bytes
// other than the separators and digits common in paths and command lines;
// -1 when every byte is a letter.
func anchorOf(sub string) int {
	anchor := -1
	for i := 0; i < len(sub); i++ {
		c := sub[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			continue
		}
		if !strings.ContainsRune(`\/._-0123456789`, rune(c)) {
			return i
		}
		if anchor < 0 {
			anchor = i
		}
	}
	return anchor
}

// foldRune maps r to the smallest rune of its Unicode simple-folding orbit,
// so two runes are equal under case folding iff their foldRune are equal.
func foldRune(r rune) rune {
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}

func foldRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, foldRune(r))
	}
	return out
}

// matchFolded is the general glob match over folded runes, with the classic
// single-backtrack-point algorithm (linear in practice, no recursion).
func matchFolded(p, s []rune) bool {
	star := -1
	var mark int
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case i < len(p) && p[i] == s[j]:
			i++
			j++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// FoldKey appends to dst the case-folded form of s: two strings are equal
// under the case folding of glob (ASCII letters; Unicode simple folding
// elsewhere) exactly when their foldKeys are equal, so a literal pattern
// matches s when foldKey(pattern) == foldKey(s). ASCII text is lower-cased
// byte by byte; other runes are mapped to the smallest rune of their
// folding orbit, and then to lower case when that is an ASCII letter (so
// the Kelvin sign folds to "k", as "K" does).
func FoldKey(dst []byte, s string) []byte {
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			dst = append(dst, lowerByte(s[i]))
		}
		return dst
	}
	for _, r := range s {
		f := foldRune(r)
		if f < utf8.RuneSelf {
			f = rune(lowerByte(byte(f)))
		}
		dst = utf8.AppendRune(dst, f)
	}
	return dst
}

// IsFolded reports whether s is its own foldKey: ASCII without upper-case
// letters.
func IsFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
