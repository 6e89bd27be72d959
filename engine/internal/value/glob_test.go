package value

import (
	"math/rand/v2"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"abc", "abc", true},
		{"abc", "ABC", true},
		{"abc", "abcd", false},
		{"abc", "xabc", false},
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything", true},
		{"**", "x", true},
		{"ab*", "ABCDEF", true},
		{"ab*", "xab", false},
		{"*ef", "abcDEF", true},
		{"*ef", "efx", false},
		{"*cd*", "abCDef", true},
		{"*cd*", "abef", false},
		{"a*c*e", "abcde", true},
		{"a*c*e", "ace", true},
		{"a*c*e", "abcdef", false},
		{"a*b*b", "abb", true},
		{"a*b*b", "ab", false},
		{"*a*a*", "aa", true},
		{"*a*a*", "a", false},
		// Backslashes are literal; the pattern text has escapes resolved.
		{`*\SYSTEM\Remote Manipulator System*`, `HKLM\System\Remote Manipulator System\Params`, true},
		{`*\SYSTEM\Remote Manipulator System*`, `HKLM\SYSTEM/Remote Manipulator System`, false},
		{`a\*`, `a\xyz`, true},
		{`a\b`, `a\\b`, false},
		// Non-ASCII: Unicode simple case folding.
		{"*é*", "CAFÉ", true},
		{"ÉTÉ", "été", true},
		{"straße", "STRASSE", false},
		{"k", "\u212a", true},  // Kelvin sign folds to k
		{"*s", "\u017f", true}, // long s folds to s
		{"a*ü", "AxÜ", true},
		{"a*ü", "Axu", false},
		{"日本*", "日本語", true},
	}
	for _, tc := range tests {
		if got := CompileGlob(tc.pattern).Match(tc.value); got != tc.want {
			t.Errorf("glob %q match %q = %v, want %v", tc.pattern, tc.value, got, tc.want)
		}
	}
}

func TestGlobKind(t *testing.T) {
	tests := []struct {
		pattern string
		want    globKind
	}{
		{"abc", globLiteral}, {"*", globAny}, {"a*", globPrefix}, {"*a", globSuffix},
		{"*a*", globContains}, {"a*b", globGeneral}, {"", globLiteral},
	}
	for _, tc := range tests {
		if got := CompileGlob(tc.pattern).kind; got != tc.want {
			t.Errorf("kind(%q) = %d, want %d", tc.pattern, got, tc.want)
		}
	}
}

func BenchmarkGlobContains(b *testing.B) {
	g := CompileGlob(`*\SYSTEM\Remote Manipulator System*`)
	v := `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\SomethingLong\Value`
	b.SetBytes(int64(len(v)))
	for b.Loop() {
		g.Match(v)
	}
}

// TestIndexFoldAnchor checks indexFold with the anchor anchorOf picks
// against the plain scan (no anchor) over random strings of an alphabet
// of letters of both cases, separators and a space, where matches are
// frequent, overlap and sit at both ends.
func TestIndexFoldAnchor(t *testing.T) {
	const alphabet = `aAbB\ .1`
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 200000 {
		sub := asciiLower(word(1 + r.IntN(4)))
		s := word(r.IntN(12))
		k := anchorOf(sub)
		if got, want := indexFold(s, sub, k), indexFold(s, sub, -1); got != want {
			t.Fatalf("indexFold(%q, %q, anchor %d) = %d, the plain scan %d", s, sub, k, got, want)
		}
	}
	for _, tc := range []struct {
		sub  string
		want int
	}{{`abc`, -1}, {`a\b`, 1}, {`\a.b`, 0}, {`a\ .b`, 2}, {`1 `, 1}} {
		if got := anchorOf(tc.sub); got != tc.want {
			t.Errorf("anchorOf(%q) = %d, want %d", tc.sub, got, tc.want)
		}
	}
}

// TestGlobAffixAgainstFolded checks the byte-wise literal, prefix and
// suffix match of ASCII patterns (affixASCII) against the rune-wise
// match under Unicode simple folding (matchFolded, the reference for
// every value), over random values built from pieces that fold across
// ASCII (the Kelvin sign, the long s), other non-ASCII letters, bytes
// that are not UTF-8, and the pattern's own letters in either case.
func TestGlobAffixAgainstFolded(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	pats := []string{"key", "KEY", "sk", "wineventlog_security", "a", "", "ms-sysmon-process", `c:\windows\`, "ks.exe"}
	pieces := []string{"k", "K", "\u212a", "s", "S", "\u017f", "e", "y", "E", "Y", "é", "\xff", "\xe2\x84", "-", "_", "x", "wineventlog", "_security", "ms-sysmon", "-process", `C:\Windows\`, ".exe", "a", "A"}
	value := func() string {
		var b []byte
		for range r.IntN(6) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		return string(b)
	}
	for _, p := range pats {
		for _, pattern := range []string{p, p + "*", "*" + p} {
			g := CompileGlob(pattern)
			if pattern != "" && g.kind > globSuffix {
				t.Fatalf("%q: kind %d", pattern, g.kind)
			}
			ref := foldRunes(pattern)
			check := func(s string) {
				if got, want := g.Match(s), matchFolded(ref, foldRunes(s)); got != want {
					t.Fatalf("glob %q match %q = %v, want %v", pattern, s, got, want)
				}
			}
			for range 3000 {
				check(value())
				// The pattern's letters, cases and folds mixed.
				var b []byte
				for _, c := range []byte(p) {
					switch {
					case c == 'k' && r.IntN(3) == 0:
						b = append(b, "\u212a"...)
					case c == 's' && r.IntN(3) == 0:
						b = append(b, "\u017f"...)
					case r.IntN(2) == 0:
						b = append(b, c&^0x20)
					default:
						b = append(b, c)
					}
				}
				check(value() + string(b) + value())
				check(string(b) + value())
				check(value() + string(b))
				check(string(b))
			}
		}
	}
}
