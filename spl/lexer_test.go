package spl

import (
	"strings"
	"testing"
)

func TestLexer(t *testing.T) {
	tests := []struct {
		in   string
		want string // "Type:value" pairs separated by spaces
	}{
		{`| tstats count`, `Pipe:| Word:tstats Word:count`},
		{"`m(a, \"x,y\")` x", "MacroOpen:` MacroBody:m(a, \"x,y\") MacroClose:` Word:x"},
		{`x="a\"b|c" y`, `Word:x Op:= String:"a\"b|c" Word:y`},
		{`Registry.registry_path=*\\Explorer\\FileExts*`, `Word:Registry.registry_path Op:= Word:*\\Explorer\\FileExts*`},
		{`a!=b c<=d e>=f g<h i>j`, `Word:a Op:!= Word:b Word:c Op:<= Word:d Word:e Op:>= Word:f Word:g Op:< Word:h Word:i Op:> Word:j`},
		{`f(a,b) [x]`, `Word:f LParen:( Word:a Comma:, Word:b RParen:) LBrack:[ Word:x RBrack:]`},
		{`'Registry.dest'=x don't`, `SQuote:'Registry.dest' Op:= Word:x Word:don't`},
		{`a\|b c\ d`, `Word:a\|b Word:c\ d`},
		{`x="abc`, `Word:x Op:= BadString:"abc`},
		{`a ! b`, `Word:a Other:! Word:b`},
		{`a!b`, `Word:a!b`},
		{`%Y-%m-%dT%H:%M:%S {x} $y$ @z`, `Word:%Y-%m-%dT%H:%M:%S Word:{x} Word:$y$ Word:@z`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			toks, err := tokenize(tt.in)
			if err != nil {
				t.Fatalf("tokenize: %v", err)
			}
			var got []string
			for _, tok := range toks {
				if tok.EOF() {
					break
				}
				got = append(got, tokenName(tok.Type)+":"+tok.Value)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("tokens\n got: %s\nwant: %s", g, tt.want)
			}
		})
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`*\\SYSTEM\\Remote*`, `*\SYSTEM\Remote*`},
		{`a\"b`, `a"b`},
		{`\s`, `\s`},
		{`\\s`, `\s`},
		{`\\\\`, `\\`},
		{`trailing\`, `trailing\`},
		{`plain`, `plain`},
		{`a\|b`, `a\|b`}, // inside quotes a pipe needs no escape
		{`a|b`, `a|b`},
		{`a\\|b`, `a\|b`},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := unescape(escape(tt.want)); got != tt.want {
			t.Errorf("unescape(escape(%q)) = %q", tt.want, got)
		}
		if got := unescapeWord(escapeMin(tt.want)); got != tt.want {
			t.Errorf("unescapeWord(escapeMin(%q)) = %q", tt.want, got)
		}
	}
}

// TestUnescapeWord covers bare words, in which `\|` is a literal pipe
// (spl-semantics §2.3: "the backslash escapes quotes, pipes and itself").
func TestUnescapeWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a\|b`, `a|b`},
		{`a\\\|b`, `a\|b`},
		{`a\\|b`, `a\|b`}, // only reachable inside a longer word: \\ then \|
		{`*\\SYSTEM\\*`, `*\SYSTEM\*`},
		{`\d+`, `\d+`},
	}
	for _, tt := range tests {
		if got := unescapeWord(tt.in); got != tt.want {
			t.Errorf("unescapeWord(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := unescapeWord(escapeMin(tt.want)); got != tt.want {
			t.Errorf("unescapeWord(escapeMin(%q)) = %q", tt.want, got)
		}
	}
}

// TestUnescapeEval covers eval string literals, in which `\t` is a tab
// and any other backslash pair but `\\` and `\"` stays as written.
func TestUnescapeEval(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a\tb`, "a\tb"},
		{`\\t`, `\t`},
		{`say \"hi\"`, `say "hi"`},
		{`\d+\.\s`, `\d+\.\s`},
		{`a\|b`, `a\|b`},
		{`trailing\`, `trailing\`},
		{`plain`, `plain`},
	}
	for _, tt := range tests {
		if got := unescapeEval(tt.in); got != tt.want {
			t.Errorf("unescapeEval(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPipeEscape checks where `\|` is a pipe: in bare values and field
// names, not inside double quotes (so that a rex regex keeps `\|`), and that
// the printer writes a bare value holding a pipe back as `\|`.
func TestPipeEscape(t *testing.T) {
	tests := []struct {
		search, want, printed string
	}{
		{`x=a\|b`, `a|b`, `x=a\|b`},
		{`x="a\|b"`, `a\|b`, `x="a\\|b"`},
		{`x=a\\\|b`, `a\|b`, `x=a\\\|b`},
		{`a\|b`, `a|b`, `a\|b`},
	}
	for _, tt := range tests {
		p, err := Parse(tt.search)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.search, err)
		}
		var got string
		switch e := p.Commands[0].(*Search).Expr.(type) {
		case *SearchCompare:
			got = e.Value.Text
		case *SearchTerm:
			got = e.Value.Text
		}
		if got != tt.want {
			t.Errorf("Parse(%q): value %q, want %q", tt.search, got, tt.want)
		}
		if s := p.String(); s != tt.printed {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.search, s, tt.printed)
		}
		if msg := roundTrip(p); msg != "" {
			t.Errorf("%q: %s", tt.search, msg)
		}
	}
	p, err := Parse(`| rex field=f "(?<a>[^\|]+)\|(?<b>.*)"`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Commands[0].(*Rex).Regex.Text, `(?<a>[^\|]+)\|(?<b>.*)`; got != want {
		t.Errorf("rex regex = %q, want %q", got, want)
	}
}

func TestBoolOpCase(t *testing.T) {
	// Lower-case and/or/not are plain terms (spl-semantics §2.1).
	p, err := Parse("a or b")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "a AND or AND b" {
		t.Errorf("got %q", got)
	}
}
