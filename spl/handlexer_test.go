package spl

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// lexAll returns every token of text (the EOF token last) as def lexes
// it, or the tokens before an error and the error.
func lexAll(t testing.TB, def lexer.StringDefinition, text string) ([]lexer.Token, error) {
	t.Helper()
	lx, err := def.LexString("f", text)
	if err != nil {
		return nil, err
	}
	var toks []lexer.Token
	for len(toks) <= len(text)+1 {
		tok, err := lx.Next()
		if err != nil {
			return toks, err
		}
		toks = append(toks, tok)
		if tok.EOF() {
			return toks, nil
		}
	}
	t.Fatalf("%q: more tokens than bytes", text)
	return nil, nil
}

// sameTokens fails t when the hand lexer and regexLexer disagree on text:
// the same tokens (type, text, offset, line, column) or the same error.
func sameTokens(t testing.TB, text string) {
	t.Helper()
	want, werr := lexAll(t, regexLexer, text)
	got, gerr := lexAll(t, splLexer, text)
	if fmt.Sprint(werr) != fmt.Sprint(gerr) {
		t.Fatalf("%q: error %v, want %v", text, gerr, werr)
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("%q: token %d is %s %q at %v, want %s %q at %v", text, i,
				tokenName(got[i].Type), got[i].Value, got[i].Pos, tokenName(want[i].Type), want[i].Value, want[i].Pos)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d tokens, want %d", text, len(got), len(want))
	}
}

// lexerCases are texts at the edges of the rules.
var lexerCases = []string{
	"", " ", "\t\n\f\r ", "\v", "a\vb", "|", "||a", "`", "``", "`m(a, \"b|c\")` | x", "`unclosed | x",
	`"a"`, `"a\"b"`, `"a\\"b"`, `"unterminated`, `"ends in \`, `"ends in \\`, `"\`, `\`, `a\`, `a\\`, `\|b`, `a\ b`,
	`'q'`, `'q\'r'`, `'unterminated`, `'`, `a'b'`, `x='a b'`, `!`, `!!`, `!=`, `!!=`, `!a`, `a!b`, `a!`, `a!=b`, `a!!\x`, `!'a`, `!\`,
	`<`, `<=`, `>`, `>=`, `=`, `==`, `a<=b>=c<d>e=f`, `()[],`, `f(a,b)[c]`, "caf\u00e9 na\u00efve", "\\\u00e9", "\"\\\u00e9\"",
	"\xff\xfe", "a\xffb", "\"\xff\"", "\\\xff", "!\xff", "line1\nline2 \"a\nb\" `m\nn` x", "\r\n|\r\n", "a\u00a0b",
	seedSearch,
}

// TestLexerMatchesRules: the hand lexer gives regexLexer's tokens on the
// edge cases above and on every ESCU search and macro definition of
// ../shared (when present).
func TestLexerMatchesRules(t *testing.T) {
	for _, s := range lexerCases {
		sameTokens(t, s)
	}
	escu := filepath.Join("..", "..", "shared", "escu")
	if _, err := os.Stat(escu); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	n := 0
	for _, file := range []string{"detections_processes.jsonl", "detections_registry.jsonl", "detections_filesystem.jsonl", "detections_raw.jsonl"} {
		_, searches := readSearches(t, filepath.Join(escu, file))
		for _, s := range searches {
			sameTokens(t, s)
			n++
		}
	}
	for _, s := range macroDefinitions(t, filepath.Join(escu, "macros.jsonl")) {
		sameTokens(t, s)
		n++
	}
	if n < 1000 {
		t.Errorf("%d texts compared", n)
	}
}

// macroDefinitions returns the "definition" field of every JSON line.
func macroDefinitions(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m struct {
			Definition string `json:"definition"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m.Definition)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzLexer: on any text the hand lexer gives regexLexer's tokens.
func FuzzLexer(f *testing.F) {
	for _, s := range lexerCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameTokens(t, s)
	})
}

func BenchmarkLexSeed(b *testing.B) {
	for _, c := range []struct {
		name string
		def  lexer.StringDefinition
	}{{"regex", regexLexer}, {"hand", splLexer}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(seedSearch)))
			for b.Loop() {
				if _, err := lexAll(b, c.def, seedSearch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
