package datamodel

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRawFilterKeep checks the raw-text pre-filter against a reference
// written the slow way: an event whose text holds the literal under
// Unicode simple case folding (strings.EqualFold over every window of as
// many runes as the literal has bytes) must be kept, since leaving it out
// would lose a row silently; and on ASCII text the filter is exact (it
// keeps only text that holds the literal).
func FuzzRawFilterKeep(f *testing.F) {
	f.Add("<Data Name='Image'>C:\\Windows\\System32\\REG.exe</Data>", "reg.exe")
	f.Add("\u212Aerberos", "kerberos")
	f.Add("mi\u017F\u017Fing", "missing")
	f.Add("abc", "")
	f.Add("xxabab", "abab")
	f.Fuzz(func(t *testing.T, text, lit string) {
		for i := 0; i < len(lit); i++ {
			if lit[i] >= utf8.RuneSelf {
				return // literals are ASCII (NewRawFilter's contract)
			}
		}
		filter := NewRawFilter([][][]string{{{lit}}})
		keep := filter == nil || filter.Keep([]byte(text))
		holds := lit == "" || foldContains(text, lit)
		if holds && !keep {
			t.Fatalf("Keep(%q) with literal %q = false, but the text holds it under case folding", text, lit)
		}
		ascii := true
		for i := 0; i < len(text); i++ {
			ascii = ascii && text[i] < utf8.RuneSelf
		}
		if ascii && keep && !holds {
			t.Fatalf("Keep(%q) with literal %q = true on ASCII text that does not hold it", text, lit)
		}
	})
}

// foldContains reports whether some window of text, of as many runes as
// lit (ASCII) has bytes, equals lit under Unicode simple folding.
func foldContains(text, lit string) bool {
	n := len(lit)
	for i := 0; i < len(text); {
		j, k := i, 0
		for ; k < n && j < len(text); k++ {
			_, size := utf8.DecodeRuneInString(text[j:])
			j += size
		}
		if k == n && strings.EqualFold(text[i:j], lit) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return false
}
