package value

import (
	"strings"
)

// minEachBytes is the size of packed values below which MatchEach tests
// each value with Match: the whole-buffer search pays off over many values.
const minEachBytes = 2048

// sampleBytes is how much of the packed values MatchEach reads to count
// byte frequencies when it picks the byte to search for.
const sampleBytes = 256

// MatchEach sets out[i] to true for every value i of a packed list of
// strings that g matches, and leaves the other entries of out as they are
// (so several globs OR into one out). Value i is
// data[offsets[i]-offsets[0] : offsets[i+1]-offsets[0]], the layout of an
// Arrow string array (ValueBytes and ValueOffsets); len(out) is
// len(offsets)-1. The result is Match's on every value.
//
// A "*abc*" or general pattern of ASCII text is matched over the whole
// buffer rather than value by value: the byte of its pieces that is
// rarest in the buffer (case folded; a sample counts them) is found with
// strings.IndexByte, each occurrence is checked against its piece where
// it stands, case-insensitively, and a value that holds the piece is
// matched (for "*abc*", holding the piece is matching; a general pattern
// is then tested with Match). A value holding one of the two runes beyond
// ASCII that fold to an ASCII letter of the piece is tested with Match.
// Other patterns (a literal, "abc*", "*abc") cost one comparison per
// value and are tested with Match.
func (g *Glob) MatchEach(data string, offsets []int32, out []bool) {
	n := len(offsets) - 1
	if n <= 0 {
		return
	}
	base := offsets[0]
	value := func(i int) string { return data[offsets[i]-base : offsets[i+1]-base] }
	if g.kind == globAny {
		for i := range out[:n] {
			out[i] = true
		}
		return
	}
	if !g.ascii || (g.kind != globContains && g.kind != globGeneral) || len(data) < minEachBytes {
		for i := range out[:n] {
			if !out[i] && g.Match(value(i)) {
				out[i] = true
			}
		}
		return
	}
	seg, at := g.rarestByte(data)
	L := len(seg)
	// test decides value e, which holds seg at its offset s: a contains
	// pattern matches; a general one is matched whole.
	test := func(e int) {
		if g.kind == globContains || g.Match(value(e)) {
			out[e] = true
		}
	}
	c := seg[at]
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			if c < 'a' || c > 'z' {
				break
			}
			c -= 'a' - 'A'
		}
		for p := at; p < len(data); {
			j := strings.IndexByte(data[p:], c)
			if j < 0 {
				break
			}
			pos := p + j
			p = pos + 1
			s := pos - at
			if s < 0 || s+L > len(data) || !hasPrefixFold(data[s:], seg) {
				continue
			}
			e := valueAt(offsets, int32(s)+base)
			end := int(offsets[e+1] - base)
			if s+L > end {
				continue
			}
			if !out[e] {
				test(e)
			}
			if out[e] {
				// Decided: go on after the value.
				p = max(p, end+at)
			}
		}
	}
	// Values that are not ASCII: the search above compares bytes, so it
	// finds seg in them as Match does, except where Match's Unicode
	// folding lets a rune that is not ASCII stand for a letter of seg.
	// Only the Kelvin sign (k) and the long s (s) fold to ASCII letters
	// (TestFoldToASCII), so only values holding one of those, when seg
	// has that letter, can match unseen; Match decides them.
	for _, r := range foldsToASCII {
		if !strings.ContainsRune(seg, r.letter) {
			continue
		}
		for p := 0; p < len(data); {
			q := strings.Index(data[p:], r.rune)
			if q < 0 {
				break
			}
			e := valueAt(offsets, int32(p+q)+base)
			if !out[e] && g.Match(value(e)) {
				out[e] = true
			}
			p = max(p+q+1, int(offsets[e+1]-base))
		}
	}
}

// foldsToASCII are the runes beyond ASCII whose Unicode simple folding
// (foldRune) is an ASCII letter, with that letter.
var foldsToASCII = [...]struct {
	letter rune
	rune   string
}{{'k', "\u212a"}, {'s', "\u017f"}}

// valueAt returns the value of offsets whose bytes hold position pos
// (absolute, as offsets are): the last i with offsets[i] <= pos, among
// values 0..len(offsets)-2.
func valueAt(offsets []int32, pos int32) int {
	lo, hi := 0, len(offsets)-1 // offsets[lo] <= pos < offsets[hi]
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if offsets[m] <= pos {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// rarestByte returns the piece of g and the index in it of the byte that
// MatchEach searches for: the one whose search costs least by a sample of
// data, counting each occurrence (case folded) as a check of the piece
// and each pass over the buffer (two for a letter: both cases) as the
// sample's length. A value that g matches holds every piece.
func (g *Glob) rarestByte(data string) (seg string, at int) {
	var count [256]int32
	sample := data[:min(len(data), sampleBytes)]
	for i := 0; i < len(sample); i++ {
		count[lowerByte(sample[i])]++
	}
	best := -1
	for _, s := range g.segs {
		for i := 0; i < len(s); i++ {
			cost := 100*int(count[s[i]]) + len(sample)
			if 'a' <= s[i] && s[i] <= 'z' {
				cost += len(sample)
			}
			if best < 0 || cost < best {
				seg, at, best = s, i, cost
			}
		}
	}
	return seg, at
}
