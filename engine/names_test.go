package engine

import (
	"slices"
	"testing"

	"github.com/minispl/minispl/spl"
)

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

// TestLaterFields checks the names xmlkv and spath keep: field names of
// every kind of command, without literal values, option keys or replace's
// pairs, and the patterns apart.
func TestLaterFields(t *testing.T) {
	p, err := spl.Parse(`| makeresults | table a b | stats count by c | rename d as e | search f=xval g IN (1) | replace "lit" WITH "y" IN h | eval k=lower(m) . "sfx" | fields - w*`)
	if err != nil {
		t.Fatal(err)
	}
	names, wild := laterFields(p.Commands[1:])
	for _, want := range []string{"a", "b", "count", "c", "d", "e", "f", "g", "h", "k", "m"} {
		if !slices.Contains(names, want) {
			t.Errorf("laterFields: %q missing from %q", want, names)
		}
	}
	for _, not := range []string{"xval", "1", "lit", "y", "sfx", "w*"} {
		if slices.Contains(names, not) {
			t.Errorf("laterFields: %q is not a field name, in %q", not, names)
		}
	}
	if !slices.Equal(wild, []string{"w*"}) {
		t.Errorf("laterFields patterns = %q, want [w*]", wild)
	}
}
