package spl

import (
	"strings"
	"testing"
)

// TestCaretWindow checks the windowing of a line longer than 160 runes:
// the part more than 80 runes before the caret is shown as "...", the
// line is cut at 160 runes with "...", and the caret line pads under the
// "..." with spaces. A caret at columns 82 and 83 (1 or 2 runes to cut)
// used to panic.
func TestCaretWindow(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	sp := func(n int) string { return strings.Repeat(" ", n) }
	long := a(200)
	shown := "  | ..." + a(157) + "..."
	tab := a(90) + "\t" + a(109)
	for _, c := range []struct {
		text string
		span Span
		want string
	}{
		// cut 1: "..." then runes 1..157, caret under rune 81 at 3+80.
		{long, Span{81, 82}, shown + "\n  | " + sp(83) + "^"},
		{long, Span{82, 83}, shown + "\n  | " + sp(83) + "^"},
		{long, Span{100, 102}, shown + "\n  | " + sp(83) + "^~"},
		// A tab kept after the cut stays a tab in the padding.
		{tab, Span{100, 101}, "  | ..." + a(70) + "\t" + a(86) + "...\n  | " + sp(73) + "\t" + sp(9) + "^"},
		// Within 80 runes of the start nothing is cut before the caret.
		{long, Span{80, 81}, "  | " + a(160) + "...\n  | " + sp(80) + "^"},
	} {
		if got := Caret(c.text, c.span); got != c.want {
			t.Errorf("Caret(%d runes, %v):\n got %q\nwant %q", len(c.text), c.span, got, c.want)
		}
	}
}
