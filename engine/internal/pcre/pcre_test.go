package pcre

import (
	"slices"
	"strings"
	"testing"
)

// TestBacktrackingConstructs checks the PCRE constructs RE2 lacks against
// results worked out by hand.
func TestBacktrackingConstructs(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{`(?<=win)-dc`, "win-dc-01", true},
		{`(?<=win)-dc`, "lin-dc-01", false},
		{`(?<!win)-dc`, "win-dc-01", false},
		{`(?<!\/)\b\w+(\.\w+)?:\w+(\.\w+)?$`, `C:\x\file.txt:hidden.exe`, true},
		{`(?<!\/)\b\w+(\.\w+)?:\w+(\.\w+)?$`, `https://host`, false},
		{`^(?!win)`, "WS-FIN-07", true},
		{`^(?!win)`, "win-dc-01", false},
		{`a(?=b)`, "ab", true},
		{`a(?=b)`, "ac", false},
		{`(\w)\1`, "hello", true},
		{`(\w)\1`, "helo", false},
		{`(?<c>\w)\k<c>`, "aa", true},
		{`(?>a+)b`, "aaab", true},
		{`(?>a+)ab`, "aaab", false}, // the atomic group keeps every a
	}
	for _, tc := range tests {
		re, err := Compile(tc.pat)
		if err != nil {
			t.Errorf("Compile(%q): %v", tc.pat, err)
			continue
		}
		if !re.Backtracking() {
			t.Errorf("Compile(%q) runs on RE2, want the backtracking engine", tc.pat)
		}
		if got := re.MatchString(tc.s); got != tc.want {
			t.Errorf("%q matching %q = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
}

// TestOffsets checks byte offsets (after a two-byte rune), groups that do
// not take part, group numbering by opening parenthesis with named groups
// among unnamed ones, and FindAll.
func TestOffsets(t *testing.T) {
	re, err := Compile(`(?<=é )(\w+)(?<ext>\.\w+)?(x)?(?=;)`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := re.SubexpNames(), []string{"", "", "ext", ""}; !slices.Equal(got, want) {
		t.Errorf("SubexpNames = %q, want %q", got, want)
	}
	if re.NumSubexp() != 3 {
		t.Errorf("NumSubexp = %d, want 3", re.NumSubexp())
	}
	// "é " is 3 bytes: "file" is [3,7), ".txt" [7,11), group 3 absent.
	s := "é file.txt; é b;"
	if got, want := re.FindStringSubmatchIndex(s), []int{3, 11, 3, 7, 7, 11, -1, -1}; !slices.Equal(got, want) {
		t.Errorf("FindStringSubmatchIndex = %v, want %v", got, want)
	}
	all := re.FindAllStringSubmatchIndex(s, -1)
	if len(all) != 2 || !slices.Equal(all[1], []int{16, 17, 16, 17, -1, -1, -1, -1}) {
		t.Errorf("FindAllStringSubmatchIndex = %v, want two matches, the second b at [16,17) (after the semicolon, a space, the two-byte é and a space)", all)
	}
	if got := re.FindAllStringSubmatchIndex(s, 1); len(got) != 1 {
		t.Errorf("FindAllStringSubmatchIndex(s, 1) gave %d matches", len(got))
	}
	if got, want := re.FindStringSubmatch(s), []string{"file.txt", "file", ".txt", ""}; !slices.Equal(got, want) {
		t.Errorf("FindStringSubmatch = %q, want %q", got, want)
	}
	if re.FindStringSubmatch("no") != nil || re.FindStringSubmatchIndex("no") != nil {
		t.Error("no match must give nil")
	}
}

// TestReplace checks templates on the backtracking engine: numbers,
// names, braces, $$, a name that is no group, and text around matches.
func TestReplace(t *testing.T) {
	re, err := Compile(`(?<=\\)(?<dir>\w+)(\\)`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ repl, want string }{
		{"<${dir}>$2", `C:\<Windows>\<System32>\x`},
		{"$dir$$", `C:\Windows$System32$x`},
		{"${1}x", `C:\WindowsxSystem32xx`},
		{"$1x", `C:\x`},      // $1x names group "1x", which does not exist
		{"$nope!", `C:\!!x`}, // so does $nope
		{"$", `C:\$$x`},
	}
	for _, tc := range tests {
		if got := re.ReplaceAllString(`C:\Windows\System32\x`, tc.repl); got != tc.want {
			t.Errorf("ReplaceAllString(%q) = %q, want %q", tc.repl, got, tc.want)
		}
	}
	if got := re.ReplaceAllString("none", "x"); got != "none" {
		t.Errorf("ReplaceAllString without a match = %q", got)
	}
}

// TestEnginesAgree runs RE2-compatible patterns on both engines: they must
// give the same offsets, submatches and replacements.
func TestEnginesAgree(t *testing.T) {
	pats := []string{`(?<user>\w+)@(?<host>[\w.]+)`, `a|ab`, `(a*)(b)?`, `^\s*(\S+)\s+(\S+)$`, `(?i)WIN-(\d+)`, `x*`, `[^\\]+$`, `(?:(a)|b)+`}
	inputs := []string{"", "bob@host.example a", "ab abb", "  cmd.exe /c", "win-12 WIN-3", "C:\\a\\b.exe", "abab"}
	for _, p := range pats {
		fast, err := Compile(p)
		if err != nil || fast.Backtracking() {
			t.Fatalf("Compile(%q) = %v, backtracking %v; want RE2", p, err, fast != nil && fast.Backtracking())
		}
		slow, err := compileBacktracking(p)
		if err != nil {
			t.Fatalf("compileBacktracking(%q): %v", p, err)
		}
		if !slices.Equal(fast.SubexpNames(), slow.SubexpNames()) {
			t.Errorf("%q: SubexpNames %q and %q", p, fast.SubexpNames(), slow.SubexpNames())
		}
		for _, s := range inputs {
			if a, b := fast.FindStringSubmatchIndex(s), slow.FindStringSubmatchIndex(s); !slices.Equal(a, b) {
				t.Errorf("%q on %q: RE2 %v, backtracking %v", p, s, a, b)
			}
			if a, b := fast.MatchString(s), slow.MatchString(s); a != b {
				t.Errorf("%q on %q: MatchString RE2 %v, backtracking %v", p, s, a, b)
			}
			if a, b := fast.ReplaceAllString(s, "<$1>"), slow.ReplaceAllString(s, "<$1>"); a != b && !strings.Contains(p, "*") {
				t.Errorf("%q on %q: ReplaceAllString RE2 %q, backtracking %q", p, s, a, b)
			}
		}
	}
}

// TestRefused checks that constructs no engine here runs are errors that
// name the construct and its offset.
func TestRefused(t *testing.T) {
	tests := []struct{ pat, want string }{
		{`ab\Kc`, `\K (keep-out) at offset 2`},
		{`\Ga`, `\G at offset 0`},
		{`a++`, "possessive quantifier at offset 1"},
		{`(?|a)`, "branch reset (?|...) at offset 0"},
		{`(?R)`, "recursion (?R) at offset 0"},
		{`a(?1)`, "recursion at offset 1"},
		{`a[`, "invalid regex"},
		{`(?<=a`, "invalid regex"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.pat)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Compile(%q): %v, want no error", tc.pat, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("Compile(%q) = %v, want an error containing %q", tc.pat, err, tc.want)
		}
	}
}
