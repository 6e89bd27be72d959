package engine

import "testing"

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
