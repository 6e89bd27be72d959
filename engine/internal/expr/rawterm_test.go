package expr

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/minispl/minispl/spl"
)

// rawTermVariants compiles term in every form: bare, quoted, CASE and
// TERM, each quoted or not; the forms that do not compile are left out.
func rawTermVariants(t testing.TB, term string) []*rawTerm {
	var out []*rawTerm
	for _, d := range []spl.Directive{spl.DirNone, spl.DirCase, spl.DirTerm} {
		for _, q := range []bool{false, true} {
			e := &spl.SearchTerm{Value: spl.Value{Text: term, Quoted: q}, Directive: d}
			if rt, err := compileRawTerm(e, 0); err == nil {
				out = append(out, rt)
			}
		}
	}
	return out
}

// TestRawTermMatchers checks match (the byte matcher where it applies)
// and the regular expression against the reference matcher of
// FuzzRawTerm on every term of up to three symbols and every text of up
// to four, over alphabets with letters that fold to non-ASCII runes,
// breakers of both kinds and the wildcard.
func TestRawTermMatchers(t *testing.T) {
	terms := []string{"a", "k", "*", "."}
	texts := []string{"a", "K", "\u212a", ".", " ", "\xff"}
	all := func(alpha []string, n int) []string {
		out := []string{""}
		level := []string{""}
		for range n {
			var next []string
			for _, p := range level {
				for _, c := range alpha {
					next = append(next, p+c)
				}
			}
			out = append(out, next...)
			level = next
		}
		return out
	}
	termSet := all(terms, 3)
	textSet := all(texts, 4)
	compared, fast := 0, 0
	for _, term := range termSet {
		for _, q := range []bool{false, true} {
			for _, d := range []spl.Directive{spl.DirNone, spl.DirCase, spl.DirTerm} {
				e := &spl.SearchTerm{Value: spl.Value{Text: term, Quoted: q}, Directive: d}
				rt, err := compileRawTerm(e, 0)
				if err != nil {
					continue
				}
				for _, text := range textSet {
					want := refRawMatch(term, d, q, text)
					if got := rt.match(text); got != want {
						t.Fatalf("%s (quoted %v) on %q: match %v, reference %v", e, q, text, got, want)
					}
					if got := rt.re.MatchString(text); got != want {
						t.Fatalf("%s (quoted %v) on %q: regexp %v, reference %v", e, q, text, got, want)
					}
					compared++
					if rt.lit != nil && rt.lit.applies(text) {
						fast++
					}
				}
			}
		}
	}
	if fast < compared/2 {
		t.Fatalf("the byte matcher answered %d of %d comparisons; it should answer most", fast, compared)
	}
	t.Logf("%d comparisons, %d by the byte matcher", compared, fast)
}

// TestRawTermMatchersOnEvents compares match with the regular expression
// on the event texts of testdata/events (Sysmon XML) for terms of every
// shape seen in ESCU's raw searches: paths with backslashes, wildcards
// at either end and inside, key=value pairs, quoted phrases.
func TestRawTermMatchersOnEvents(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "events", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no event files in testdata/events")
	}
	var texts []string
	ev := regexp.MustCompile(`(?s)<Event[ >].*?</Event>`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, ev.FindAllString(string(b), -1)...)
	}
	terms := []string{
		"reg.exe", "system32", `C:\Windows\System32\*`, `*\\powershell.exe`, "*powershell*", "EventID",
		"13", "Event*", "*Data", "Name='Image'", "RegistryEvent", "HKLM*", `*\CurrentVersion\Run*`,
		"Microsoft-Windows-Sysmon/Operational", "Sysmon*Operational", "k*s", "s", "Keys", "*.exe*",
		"<EventID>13</EventID>", "win-dc-01", "*-01.*", "TargetObject", "a*b*c", "x", "Z",
	}
	for _, term := range terms {
		for _, rt := range rawTermVariants(t, term) {
			for _, text := range texts {
				if got, want := rt.match(text), rt.re.MatchString(text); got != want {
					t.Fatalf("%s on an event of %d bytes: match %v, regexp %v\n%s", rt.text, len(text), got, want, text)
				}
			}
		}
	}
	t.Logf("%d terms over %d events", len(terms), len(texts))
}

// BenchmarkRawTerm matches terms of several shapes against Sysmon event
// texts, with the regular expression alone (regexp) and with match.
func BenchmarkRawTerm(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "events", "*.xml"))
	var texts []string
	ev := regexp.MustCompile(`(?s)<Event[ >].*?</Event>`)
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range ev.FindAllString(string(data), -1) {
			texts = append(texts, s)
			size += len(s)
		}
	}
	for _, term := range []string{"reg.exe", `*\\powershell.exe*`, "Sysmon*Operational", "13"} {
		e := &spl.SearchTerm{Value: spl.Value{Text: term}}
		rt, err := compileRawTerm(e, 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range []struct {
			name  string
			match func(string) bool
		}{{"regexp", rt.re.MatchString}, {"match", rt.match}} {
			b.Run(term+"/"+m.name, func(b *testing.B) {
				b.SetBytes(int64(size))
				for b.Loop() {
					for _, s := range texts {
						m.match(s)
					}
				}
			})
		}
	}
}
