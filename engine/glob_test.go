package engine

import "testing"

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
		if got := compileGlob(tc.pattern).match(tc.value); got != tc.want {
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
		if got := compileGlob(tc.pattern).kind; got != tc.want {
			t.Errorf("kind(%q) = %d, want %d", tc.pattern, got, tc.want)
		}
	}
}

func TestMatchName(t *testing.T) {
	tests := []struct {
		pattern, name string
		caps          []string
		ok            bool
	}{
		{"Registry.*", "Registry.dest", []string{"dest"}, true},
		{"Registry.*", "registry.dest", nil, false},
		{"*.*", "a.b.c", []string{"a", "b.c"}, true},
		{"*Time", "firstTime", []string{"first"}, true},
		{"a*b*c", "aXbYc", []string{"X", "Y"}, true},
		{"count", "count", nil, true},
	}
	for _, tc := range tests {
		caps, ok := matchName(tc.pattern, tc.name)
		if ok != tc.ok {
			t.Errorf("matchName(%q, %q) ok = %v, want %v", tc.pattern, tc.name, ok, tc.ok)
			continue
		}
		if ok && len(tc.caps) > 0 && (len(caps) != len(tc.caps) || caps[0] != tc.caps[0] || caps[len(caps)-1] != tc.caps[len(caps)-1]) {
			t.Errorf("matchName(%q, %q) caps = %q, want %q", tc.pattern, tc.name, caps, tc.caps)
		}
	}
	if got := substituteName("*_x_*", []string{"a", "b"}); got != "a_x_b" {
		t.Errorf("substituteName = %q", got)
	}
}

func BenchmarkGlobContains(b *testing.B) {
	g := compileGlob(`*\SYSTEM\Remote Manipulator System*`)
	v := `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\SomethingLong\Value`
	b.SetBytes(int64(len(v)))
	for b.Loop() {
		g.match(v)
	}
}
