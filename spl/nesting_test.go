package spl

import (
	"errors"
	"strings"
	"testing"
)

// TestNestingLimit checks that searches nested up to maxNesting parse and
// that deeper ones, up to hostile depths that would overflow the stack of a
// recursive descent parser, are positioned errors.
func TestNestingLimit(t *testing.T) {
	deep := func(open, mid, close string, n int) string {
		return strings.Repeat(open, n) + mid + strings.Repeat(close, n)
	}
	const hostile = 100000
	tests := []struct {
		name    string
		text    string
		wantErr string // "" when the text must parse
		wantPos int    // byte offset of the error
	}{
		{"parens at the limit", deep("(", "a", ")", maxNesting), "", 0},
		{"parens over the limit", deep("(", "a", ")", maxNesting+1), `'(' nested more than 256 levels deep`, maxNesting},
		{"hostile parens", deep("(", "a", ")", hostile), `'(' nested more than 256 levels deep`, maxNesting},
		{"hostile unclosed parens", strings.Repeat("(", hostile), `'(' nested more than 256 levels deep`, maxNesting},
		{"hostile subsearches", deep("[", "a", "]", hostile), `'[' nested more than 256 levels deep`, maxNesting},
		{"NOT at the limit", strings.Repeat("NOT ", maxNesting) + "a", "", 0},
		{"hostile NOT", strings.Repeat("NOT ", hostile) + "a", "NOT nested more than 256 levels deep", 4 * maxNesting},
		{"NOT inside parens", deep("(NOT ", "a", ")", hostile), "NOT nested more than 256 levels deep", 5*(maxNesting-1) + 1},
		{"parens in strings do not count", `x="` + strings.Repeat("(", hostile) + `"`, "", 0},
		{"parens in macro calls do not count", "`m(" + strings.Repeat("(", hostile) + ")`", "", 0},
		{"NOT inside a word does not count", strings.Repeat("xNOT ", 1000) + "a", "", 0},
		{"eval unary minus at the limit", "| eval x=" + strings.Repeat("-", maxNesting-1) + "1", "", 0},
		{"hostile eval unary minus", "| eval x=" + strings.Repeat("-", hostile) + "1", "expression nested more than 256 levels deep", 9 + maxNesting},
		{"hostile eval not", "| where " + strings.Repeat("not ", hostile) + "1", "expression nested more than 256 levels deep", 8 + 4*maxNesting},
		{"hostile eval calls", "| eval x=" + deep("f(", "1", ")", hostile/2), `'(' nested more than 256 levels deep`, 9 + 2*maxNesting + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.text)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error = %v (%T), want *Error %q", err, err, tt.wantErr)
			}
			if !strings.Contains(e.Msg, tt.wantErr) || e.Pos.Start != tt.wantPos {
				t.Errorf("Parse error = %q at %d, want %q at %d", e.Msg, e.Pos.Start, tt.wantErr, tt.wantPos)
			}
		})
	}
}
