package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// writeVertical writes t one field per line, as psql's expanded display
// (\x) and duckdb's line mode do: each row starts with a line
// "-[ row N ]" followed by dashes, then one line per field, the field
// name padded to the widest name and the value after two spaces. A
// multivalue cell or a value with newlines continues on the next lines,
// under the value; a null cell leaves the value blank. With opt.Width > 0
// values are wrapped into the width left of the names (as the table
// wraps cells), and the row lines are as wide as opt.Width.
func writeVertical(w io.Writer, t Table, opt Options) error {
	fields := t.Fields()
	cond := newCondition()
	nameW := 0
	names := make([]string, len(fields))
	for c, f := range fields {
		names[c] = strings.ReplaceAll(sanitize(f), "\n", " ")
		nameW = max(nameW, cond.StringWidth(names[c]))
	}
	valueW := 0
	if opt.Width > 0 {
		valueW = max(opt.Width-nameW-len(colSep), minColWidth)
	}
	rule := 40
	if opt.Width > 0 {
		rule = opt.Width
	}
	bw := bufio.NewWriter(w)
	var lines []string
	for r, n := 0, t.NumRows(); r < n; r++ {
		head := fmt.Sprintf("-[ row %d ]", r+1)
		bw.WriteString(head + strings.Repeat("-", max(rule-len(head), 1)) + "\n")
		for c := range fields {
			lines = lines[:0]
			for _, v := range t.Cell(r, c) {
				for line := range strings.SplitSeq(sanitize(v), "\n") {
					lines = wrapLine(lines, cond, line, valueW)
				}
			}
			name := names[c]
			if opt.Header != nil {
				name = opt.Header(name)
			}
			bw.WriteString(name)
			if len(lines) == 0 {
				bw.WriteByte('\n')
				continue
			}
			pad := nameW - cond.StringWidth(names[c]) + len(colSep)
			for i, l := range lines {
				if i > 0 {
					pad = nameW + len(colSep)
				}
				if l != "" {
					bw.WriteString(strings.Repeat(" ", pad))
					bw.WriteString(l)
				}
				bw.WriteByte('\n')
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render vertical: %w", err)
	}
	return nil
}
