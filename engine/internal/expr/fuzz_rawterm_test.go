package expr

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/minispl/minispl/spl"
)

// FuzzRawTerm checks the matching of a search term against _raw (bare
// term, quoted phrase, CASE(x), TERM(x); raw-events.md §2.3), both the
// regular expression and match (the byte matcher where it applies), against a
// reference written from the segmentation rules without regular
// expressions: the term's runes, equal under Unicode simple case folding
// unless CASE, with a breaker or the text's edge on both sides (major and
// minor breakers, only major ones for TERM), '*' in an unquoted term
// matching any run of characters that are not major breakers. Text that
// is not UTF-8 is decoded as the matcher decodes it (each bad byte one
// U+FFFD). Compiling never panics; it fails, with a *spl.Error, exactly
// for a term that is not UTF-8, an unquoted CASE(x) holding whitespace
// and a TERM(x) holding a major breaker.
func FuzzRawTerm(f *testing.F) {
	for _, s := range []struct {
		term   string
		dir    uint8
		quoted bool
		text   string
	}{
		{"reg.exe", 0, false, `<Data Name='Image'>C:\Windows\System32\REG.exe</Data>`},
		{"system32", 0, false, `C:\Windows\System32\reg.exe`},
		{"10.0.0.1", 2, false, "src=10.0.0.1 dst=10.0.0.10"},
		{"10.0.0.1", 2, false, "ip 10.0.0.10"},
		{"10.0.*", 2, false, "[10.0.3.4]"},
		{"user=bob", 2, false, "login user=bob ok"},
		{"Failed Password", 1, true, "sshd: Failed Password for root"},
		{"Admin", 1, false, "admin Admin"},
		{"a b", 1, false, "a b"},
		{"a|b", 2, false, "a|b"},
		{"kerberos", 0, false, "\u212Aerberos ticket"},
		{"*", 0, false, ""},
		{"", 0, true, " "},
		{"a*b*c", 0, false, "xaxbyc a-b-c"},
		{"a*", 0, true, "a* a"},
		{"\xff", 0, false, "\xff"},
		{"\ufffd", 0, false, "x \xff y"},
	} {
		f.Add(s.term, s.dir, s.quoted, s.text)
	}
	f.Fuzz(func(t *testing.T, term string, dir uint8, quoted bool, text string) {
		d := []spl.Directive{spl.DirNone, spl.DirCase, spl.DirTerm}[dir%3]
		e := &spl.SearchTerm{Value: spl.Value{Text: term, Quoted: quoted}, Directive: d}
		rt, err := compileRawTerm(e, 0)
		wantErr := !utf8.ValidString(term) ||
			d == spl.DirCase && !quoted && strings.ContainsAny(term, " \t\r\n") ||
			d == spl.DirTerm && strings.ContainsFunc(term, func(r rune) bool {
				return r < utf8.RuneSelf && strings.ContainsRune(majorBreakers, r) && (r != '*' || quoted)
			})
		if err != nil {
			var se *spl.Error
			if !errors.As(err, &se) {
				t.Fatalf("compile %s: error %T %v, want *spl.Error", e, err, err)
			}
			if !wantErr {
				t.Fatalf("compile %s (quoted %v): unexpected error %v", e, quoted, err)
			}
			return
		}
		if wantErr {
			t.Fatalf("compile %s (quoted %v): no error", e, quoted)
		}
		want := refRawMatch(term, d, quoted, text)
		if got := rt.re.MatchString(text); got != want {
			t.Fatalf("%s (quoted %v) on %q: regexp match %v, reference %v (regexp %s)", e, quoted, text, got, want, rt.re)
		}
		if got := rt.match(text); got != want {
			t.Fatalf("%s (quoted %v) on %q: match %v, reference %v (byte matcher used: %v)", e, quoted, text, got, want, rt.lit != nil && rt.lit.applies(text))
		}
	})
}

// refRawMatch is the reference matcher of FuzzRawTerm.
func refRawMatch(term string, d spl.Directive, quoted bool, text string) bool {
	bounds := majorBreakers + minorBreakers
	if d == spl.DirTerm {
		bounds = majorBreakers
	}
	in := func(set string, r rune) bool { return r < utf8.RuneSelf && strings.ContainsRune(set, r) }
	var x []rune
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		x = append(x, r)
		i += n
	}
	const star = -1
	var pat []rune
	for _, r := range term {
		if r == '*' && !quoted {
			pat = append(pat, star)
		} else {
			pat = append(pat, r)
		}
	}
	eq := func(a, b rune) bool {
		if a == b {
			return true
		}
		if d == spl.DirCase {
			return false
		}
		for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
			if r == b {
				return true
			}
		}
		return false
	}
	// failed[i*(len(x)+1)+q]: pat[i:] cannot match from x[q].
	failed := make([]bool, (len(pat)+1)*(len(x)+1))
	var match func(i, q int) bool
	match = func(i, q int) bool {
		if failed[i*(len(x)+1)+q] {
			return false
		}
		ok := false
		switch {
		case i == len(pat):
			ok = q == len(x) || in(bounds, x[q])
		case pat[i] == star:
			for k := q; ; k++ {
				if match(i+1, k) {
					ok = true
					break
				}
				if k == len(x) || in(majorBreakers, x[k]) {
					break
				}
			}
		default:
			ok = q < len(x) && eq(pat[i], x[q]) && match(i+1, q+1)
		}
		if !ok {
			failed[i*(len(x)+1)+q] = true
		}
		return ok
	}
	for p := 0; p <= len(x); p++ {
		if (p == 0 || in(bounds, x[p-1])) && match(0, p) {
			return true
		}
	}
	return false
}

// TestRawTermNotUTF8 is the regression test of the first FuzzRawTerm
// finding: a search term holding a byte that is not UTF-8 (search "\xff"
// over raw events) made regexp.MustCompile panic; it is now a positioned
// error.
func TestRawTermNotUTF8(t *testing.T) {
	for _, text := range []string{"\xff", "a\xffb", "\xff*"} {
		for _, q := range []bool{false, true} {
			e := &spl.SearchTerm{Value: spl.Value{Text: text, Quoted: q}, Pos: spl.Span{Start: 7, End: 7 + len(text)}}
			_, err := compileRawTerm(e, 0)
			var se *spl.Error
			if !errors.As(err, &se) || !strings.Contains(se.Msg, "not UTF-8") || se.Pos != e.Pos {
				t.Errorf("%q quoted %v: %v, want a positioned not-UTF-8 error", text, q, err)
			}
		}
	}
}
