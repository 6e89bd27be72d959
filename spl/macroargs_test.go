package spl

import (
	"reflect"
	"testing"
)

func TestSplitMacroArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"Registry", []string{"Registry"}},
		{" a , b ", []string{"a", "b"}},
		{`"a,b", c`, []string{`"a,b"`, "c"}},
		{"f(a, b), c", []string{"f(a, b)", "c"}},
		{`"a\",b", c`, []string{`"a\",b"`, "c"}},
		// Outside a string \" is a pair and opens no string (ESCU writes
		// \"Authentication\" once), so the comma splits.
		{`\"a,b\", c`, []string{`\"a`, `b\"`, "c"}},
		{`\\"a,b", c`, []string{`\\"a,b"`, "c"}},
		// An unbalanced ")" does not stop later commas from splitting.
		{"a), b", []string{"a)", "b"}},
		{"a,,b", []string{"a", "", "b"}},
		{"a,", []string{"a", ""}},
	}
	for _, tt := range tests {
		if got := SplitMacroArgs(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitMacroArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseMacroArgs checks that a macro call in a search carries the
// arguments SplitMacroArgs gives, as the macros package expands them.
func TestParseMacroArgs(t *testing.T) {
	for _, body := range []string{`\"a,b\", c`, "a), b", `"x,y"`, ""} {
		p, err := Parse("| `m(" + body + ")`")
		if err != nil {
			t.Fatalf("Parse(%q): %v", body, err)
		}
		got := p.Commands[0].(*MacroCommand).Call.Args
		if want := SplitMacroArgs(body); !reflect.DeepEqual(got, want) {
			t.Errorf("m(%s): Args = %q, want %q", body, got, want)
		}
	}
}
