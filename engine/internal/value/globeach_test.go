package value

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// packed lays values out as an Arrow string array does: one buffer and
// offsets, the first of which need not be 0 (a sliced array).
func packed(values []string, base int32) (string, []int32) {
	offsets := []int32{base}
	var b strings.Builder
	for _, v := range values {
		b.WriteString(v)
		offsets = append(offsets, base+int32(b.Len()))
	}
	return b.String(), offsets
}

// TestMatchEachAgainstMatch checks MatchEach against Match value by value
// over random lists of values large enough for the whole-buffer search,
// from an alphabet where pieces occur often, overlap, straddle two values
// and meet non-ASCII letters that fold to ASCII ones (the Kelvin sign,
// the long s).
func TestMatchEachAgainstMatch(t *testing.T) {
	alphabet := []string{"a", "A", "b", "B", "s", "S", "k", `\`, " ", ".", "é", "\u212a", "\u017f"}
	r := rand.New(rand.NewPCG(3, 4))
	word := func(n int, star bool) string {
		var b strings.Builder
		for range n {
			if star && r.IntN(4) == 0 {
				b.WriteByte('*')
				continue
			}
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	patterns := 0
	for range 3000 {
		pat := word(1+r.IntN(5), true)
		if r.IntN(2) == 0 {
			pat = "*" + pat + "*"
		}
		g := CompileGlob(pat)
		values := make([]string, 200+r.IntN(400))
		for i := range values {
			values[i] = word(r.IntN(14), false)
			if r.IntN(50) == 0 {
				values[i] = ""
			}
		}
		data, offsets := packed(values, int32(r.IntN(3)))
		got := make([]bool, len(values))
		for i := range got {
			got[i] = r.IntN(30) == 0 // already set: left set
		}
		pre := append([]bool(nil), got...)
		g.MatchEach(data, offsets, got)
		if len(data) >= minEachBytes && (g.kind == globContains || g.kind == globGeneral) && g.ascii {
			patterns++
		}
		for i, v := range values {
			if want := pre[i] || g.Match(v); got[i] != want {
				t.Fatalf("pattern %q, value %d %q: MatchEach %v, Match %v (set before: %v)", pat, i, v, got[i], want, pre[i])
			}
		}
	}
	if patterns < 500 {
		t.Fatalf("only %d cases took the whole-buffer search", patterns)
	}
}

func TestMatchEachExamples(t *testing.T) {
	g := CompileGlob(`*\SYSTEM\Remote Manipulator System*`)
	values := []string{
		`HKLM\SYSTEM\Remote Manipulator System`,
		`HKLM\SOFTWARE\Remote Manipulator System`,
		`HKU\S-1\Software\system\remote manipulator system\Temp`,
		`HKLM\SYSTEM\Remote Manipulator`, // the piece straddles into the next value
		` System\x`,
		"HKLM\\\u017fYSTEM\\Remote Manipulator \u017fystem\\v4", // long s folds to s
		"",
	}
	for len(values) < 200 {
		values = append(values, `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Value`)
	}
	data, offsets := packed(values, 7)
	if len(data) < minEachBytes {
		t.Fatalf("%d bytes: too few for the whole-buffer search", len(data))
	}
	got := make([]bool, len(values))
	g.MatchEach(data, offsets, got)
	want := []bool{true, false, true, false, false, true, false}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("value %q: %v, want %v", values[i], got[i], w)
		}
	}
	for i := len(want); i < len(values); i++ {
		if got[i] {
			t.Fatalf("value %d %q matched", i, values[i])
		}
	}
}

// BenchmarkMatchEach is the seed's glob over 2,000 registry-path-like
// values, packed (MatchEach) and value by value (Match).
func BenchmarkMatchEach(b *testing.B) {
	g := CompileGlob(`*\SYSTEM\Remote Manipulator System*`)
	r := rand.New(rand.NewPCG(5, 6))
	parts := []string{`HKLM`, `SOFTWARE`, `Microsoft`, `Windows`, `CurrentVersion`, `Run`, `Services`, `SYSTEM`, `ControlSet001`, `Policies`, `Explorer`, `Remote Manipulator System`, `v4`, `Parameters`, `Windows NT`}
	values := make([]string, 2000)
	for i := range values {
		var sb strings.Builder
		sb.WriteString(`HKLM`)
		for range 3 + r.IntN(6) {
			sb.WriteByte('\\')
			sb.WriteString(parts[r.IntN(len(parts))])
		}
		values[i] = sb.String()
	}
	data, offsets := packed(values, 0)
	out := make([]bool, len(values))
	b.Run("packed", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			clear(out)
			g.MatchEach(data, offsets, out)
		}
	})
	b.Run("each", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for i, v := range values {
				out[i] = g.Match(v)
			}
		}
	})
}

// TestFoldToASCII pins what MatchEach relies on: the only runes beyond
// ASCII that foldRune maps to an ASCII character are the Kelvin sign and
// the long s (to K and S, as k and s fold), and ASCII characters fold to
// themselves or their other case.
func TestFoldToASCII(t *testing.T) {
	for r := rune(0x80); r <= 0x10ffff; r++ {
		if f := foldRune(r); f < 0x80 {
			found := false
			for _, x := range foldsToASCII {
				found = found || x.rune == string(r) && foldRune(x.letter) == f
			}
			if !found {
				t.Errorf("foldRune(%U) = %q, not listed in foldsToASCII", r, f)
			}
		}
	}
	for c := rune(0); c < 0x80; c++ {
		if f := foldRune(c); f != c && lowerByte(byte(f)) != lowerByte(byte(c)) {
			t.Errorf("foldRune(%q) = %q", c, f)
		}
	}
}
