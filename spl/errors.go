package spl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a problem found at a place in a search text: a syntax error, an
// undefined macro, an unsupported command. Pos is a byte range in Text.
//
// Error() gives a one-line "line:col: message"; Format gives the cel-go style
// display with the offending line and a caret under the token:
//
//	1:23: unexpected "by", expected a field name
//	  | tstats count from datamodel= by x
//	  |                              ^~
type Error struct {
	Pos Span
	Msg string
	// Text is the search text Pos refers to; it may be empty, in which case
	// no position is shown.
	Text string
	// Notes are extra lines printed under the caret, e.g. the chain of
	// macro expansions that produced the text.
	Notes []string
}

// Errorf returns an *Error at span in text.
func Errorf(text string, span Span, format string, args ...any) *Error {
	return &Error{Pos: span, Msg: fmt.Sprintf(format, args...), Text: text}
}

// Error returns "line:col: message".
func (e *Error) Error() string {
	if e.Text == "" && e.Pos == (Span{}) {
		return e.Msg
	}
	line, col := LineCol(e.Text, e.Pos.Start)
	return fmt.Sprintf("%d:%d: %s", line, col, e.Msg)
}

// Format returns the error with the source line and a caret line under the
// offending range, followed by any notes.
func (e *Error) Format() string {
	var b strings.Builder
	b.WriteString(e.Error())
	if e.Text != "" {
		b.WriteByte('\n')
		b.WriteString(Caret(e.Text, e.Pos))
	}
	for _, n := range e.Notes {
		b.WriteString("\n  note: ")
		b.WriteString(n)
	}
	return b.String()
}

// LineCol converts a byte offset in text into a 1-based line and a 1-based
// column counted in runes.
func LineCol(text string, off int) (line, col int) {
	off = clamp(off, 0, len(text))
	line = 1 + strings.Count(text[:off], "\n")
	start := strings.LastIndexByte(text[:off], '\n') + 1
	col = 1 + utf8.RuneCountInString(text[start:off])
	return line, col
}

// Caret renders the line of text holding span.Start with a caret line under
// span, both prefixed by "  | ". A span running past the end of the line is
// cut at the line end. Lines longer than 160 runes are windowed around the
// caret.
func Caret(text string, span Span) string {
	start := clamp(span.Start, 0, len(text))
	end := clamp(span.End, start, len(text))
	lineStart := strings.LastIndexByte(text[:start], '\n') + 1
	lineEnd := len(text)
	if i := strings.IndexByte(text[start:], '\n'); i >= 0 {
		lineEnd = start + i
	}
	if end > lineEnd {
		end = lineEnd
	}
	line := strings.TrimRight(text[lineStart:lineEnd], "\r")
	prefix := []rune(text[lineStart:start])
	width := utf8.RuneCountInString(text[start:end])
	if width < 1 {
		width = 1
	}
	const maxWidth = 160
	runes := []rune(line)
	// cut runes of the line are left out before the caret, shown as
	// "...", which the caret line pads with spaces.
	cut, dots := 0, 0
	if len(runes) > maxWidth && len(prefix) > maxWidth/2 {
		cut, dots = len(prefix)-maxWidth/2, 3
		runes = append([]rune("..."), runes[cut:]...)
	}
	if len(runes) > maxWidth {
		runes = append(runes[:maxWidth], []rune("...")...)
	}
	pad := make([]rune, 0, dots+len(prefix)-cut)
	for range dots {
		pad = append(pad, ' ')
	}
	for _, r := range prefix[cut:] {
		if r == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	marks := "^" + strings.Repeat("~", width-1)
	return "  | " + string(runes) + "\n  | " + string(pad) + marks
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
