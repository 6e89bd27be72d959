package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes t as a GitHub-flavoured Markdown table; see the
// package doc for the escaping. A result without rows writes "0 results".
func WriteMarkdown(w io.Writer, t Table) error {
	rows := t.NumRows()
	if rows == 0 {
		_, err := io.WriteString(w, emptyMessage)
		return err
	}
	fields := t.Fields()
	bw := bufio.NewWriter(w)
	writeRow := func(cell func(c int) []string) {
		bw.WriteByte('|')
		for c := range fields {
			bw.WriteByte(' ')
			for i, v := range cell(c) {
				if i > 0 {
					bw.WriteString("<br>")
				}
				markdownEscape(bw, v)
			}
			bw.WriteString(" |")
		}
		bw.WriteByte('\n')
	}
	writeRow(func(c int) []string { return fields[c : c+1] })
	bw.WriteByte('|')
	for range fields {
		bw.WriteString(" --- |")
	}
	bw.WriteByte('\n')
	for r := 0; r < rows; r++ {
		writeRow(func(c int) []string { return t.Cell(r, c) })
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	return nil
}

// markdownEscape writes s to b so that it shows literally in a table cell.
func markdownEscape(b *bufio.Writer, s string) {
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = sanitize(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\n':
			b.WriteString("<br>")
		case '|', '*', '`', '<', '[', ']':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\\':
			// A backslash is only an escape before ASCII punctuation.
			if i+1 < len(s) && isASCIIPunct(s[i+1]) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// isASCIIPunct reports whether c is ASCII punctuation (CommonMark §2.1).
func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}
