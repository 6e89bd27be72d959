package engine

import (
	"testing"

	"github.com/minispl/minispl/engine/internal/value"
)

// TestAppendKeyPart checks that tuples of strings that differ make
// different keys, also when values hold NUL bytes or look like lengths.
func TestAppendKeyPart(t *testing.T) {
	key := func(parts ...string) string {
		var k []byte
		for _, p := range parts {
			k = value.AppendKeyPart(k, p)
		}
		return string(k)
	}
	tests := []struct {
		name string
		a, b []string
	}{
		{"NUL moved across the boundary", []string{"x\x00", "y"}, []string{"x", "\x00y"}},
		{"empty part moved", []string{"", "ab"}, []string{"ab", ""}},
		{"split point", []string{"ab", "c"}, []string{"a", "bc"}},
		{"length-like text", []string{"\x01a", ""}, []string{"a"}},
	}
	for _, tt := range tests {
		if key(tt.a...) == key(tt.b...) {
			t.Errorf("%s: %q and %q make the same key", tt.name, tt.a, tt.b)
		}
	}
	if key("a", "b") != key("a", "b") {
		t.Error("equal tuples make different keys")
	}
}

// TestParseBool checks the accepted spellings and that anything else is
// not a boolean.
func TestParseBool(t *testing.T) {
	tests := []struct {
		in     string
		want   bool
		wantOK bool
	}{
		{"true", true, true}, {"T", true, true}, {"1", true, true}, {"Yes", true, true}, {"y", true, true},
		{"false", false, true}, {"F", false, true}, {"0", false, true}, {"no", false, true}, {"n", false, true},
		{"flase", false, false}, {"", false, false}, {"2", false, false},
	}
	for _, tt := range tests {
		got, ok := parseBool(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseBool(%q) = %t, %t; want %t, %t", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestJoinKeyWithNUL checks that join does not match ("x\0", "y") with
// ("x", "\0y"): the key of each field is length-prefixed.
func TestJoinKeyWithNUL(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	q := shapeBase + ` | head 1 | eval a=urldecode("x%00"), b="y" | join type=left a b [` +
		shapeBase + ` | head 1 | eval a="x", b=urldecode("%00y"), m="matched" | table a b m] | table dest m`
	equalLines(t, "join", env.run(t, q), []string{"dest | m", "Zed | <null>"})
}
