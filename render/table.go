package render

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Layout constants of the table format.
const (
	// colSep separates columns.
	colSep = "  "
	// minColWidth is the narrowest a column is squeezed to when the table
	// is fitted into a terminal width (a column narrower than this by
	// nature keeps its natural width). Below it a column holds too little
	// text to read, so a table that cannot fit even then overflows.
	minColWidth = 4
)

// WriteTable writes t as an aligned text table. width is the display width
// to fit into, 0 for no limit. See the package doc for the layout.
func WriteTable(w io.Writer, t Table, width int) error {
	return writeTable(w, t, Options{Width: width})
}

// writeTable writes t as a table, or vertically (see writeVertical) when
// opt asks for it or, in VerticalAuto, when the table does not fit opt.Width.
func writeTable(w io.Writer, t Table, opt Options) error {
	rows := t.NumRows()
	if rows == 0 {
		_, err := io.WriteString(w, emptyMessage)
		return err
	}
	if opt.Vertical == VerticalOn {
		return writeVertical(w, t, opt)
	}
	width := opt.Width
	fields := t.Fields()
	cond := newCondition()

	// Pass 1: the natural width of every column, and whether any row
	// takes more than one line (then rows are separated by a blank line so
	// that the lines of one row are not read as the next row).
	widths := make([]int, len(fields))
	for c, f := range fields {
		widths[c] = maxLineWidth(cond, sanitize(f))
	}
	tall := false
	for r := 0; r < rows; r++ {
		for c := range fields {
			cell := t.Cell(r, c)
			tall = tall || len(cell) > 1
			for _, v := range cell {
				s := sanitize(v)
				tall = tall || strings.IndexByte(s, '\n') >= 0
				widths[c] = max(widths[c], maxLineWidth(cond, s))
			}
		}
	}
	if width > 0 {
		natural := append([]int(nil), widths...)
		fits := fitWidths(widths, width-len(colSep)*(len(fields)-1))
		if !fits && opt.Vertical == VerticalAuto {
			return writeVertical(w, t, opt)
		}
		tall = tall || !slices.Equal(natural, widths)
	}

	// Pass 2: the header, the separator and the rows.
	bw := bufio.NewWriter(w)
	tw := tableWriter{w: bw, cond: cond, widths: widths, cells: make([][]string, len(fields))}
	for c, f := range fields {
		tw.cells[c] = tw.wrapCell(tw.cells[c][:0], []string{f}, c)
	}
	tw.style = opt.Header
	tw.flushRow()
	tw.style = nil
	for c, n := range widths {
		if c > 0 {
			bw.WriteString(colSep)
		}
		bw.WriteString(strings.Repeat("-", max(n, 1)))
	}
	bw.WriteByte('\n')
	for r := 0; r < rows; r++ {
		if tall && r > 0 {
			bw.WriteByte('\n')
		}
		for c := range fields {
			tw.cells[c] = tw.wrapCell(tw.cells[c][:0], t.Cell(r, c), c)
		}
		tw.flushRow()
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	return nil
}

// newCondition returns the width rules used everywhere in this package:
// East Asian ambiguous characters are narrow whatever the locale, so that
// output does not depend on environment variables.
func newCondition() *runewidth.Condition {
	c := runewidth.NewCondition()
	c.EastAsianWidth = false
	return c
}

// tableWriter holds the state of pass 2; cells is reused row after row.
type tableWriter struct {
	w      *bufio.Writer
	cond   *runewidth.Condition
	widths []int
	cells  [][]string // the display lines of each cell of the current row
	// style, when set, wraps each piece of text written (the header's).
	style func(string) string
}

// wrapCell appends to dst the display lines of a cell's values in column c.
func (tw *tableWriter) wrapCell(dst, values []string, c int) []string {
	for _, v := range values {
		for line := range strings.SplitSeq(sanitize(v), "\n") {
			dst = wrapLine(dst, tw.cond, line, tw.widths[c])
		}
	}
	return dst
}

// flushRow writes the current row, as many lines as its tallest cell.
func (tw *tableWriter) flushRow() {
	height := 1
	for _, lines := range tw.cells {
		height = max(height, len(lines))
	}
	for i := 0; i < height; i++ {
		pending := 0 // spaces owed before the next non-empty text
		for c, lines := range tw.cells {
			if c > 0 {
				pending += len(colSep)
			}
			text := ""
			if i < len(lines) {
				text = lines[i]
			}
			if text != "" {
				tw.w.WriteString(strings.Repeat(" ", pending))
				if tw.style != nil {
					tw.w.WriteString(tw.style(text))
				} else {
					tw.w.WriteString(text)
				}
				pending = 0
			}
			pending += max(tw.widths[c]-tw.cond.StringWidth(text), 0)
		}
		tw.w.WriteByte('\n') // trailing padding is never written
	}
}

// maxLineWidth returns the display width of the widest line of s.
func maxLineWidth(cond *runewidth.Condition, s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n = max(n, cond.StringWidth(line))
	}
	return n
}

// Fitting constants: a column of natural width at most shortWidth (a
// timestamp, a host name, a count) is kept whole when the wider columns
// can still get wrapWidth each; see fitWidths.
const (
	shortWidth = 30
	wrapWidth  = 12
)

// fitWidths narrows columns so that the widths sum to at most budget. It
// keeps short columns (natural width at most shortWidth) whole and wraps
// the widest ones: it wraps the k widest columns for the smallest k that
// leaves every wrapped column min(natural, wrapWidth) cells, and shares
// the room left among the wrapped columns by capping (waterFill). When no
// such k exists, every column is capped, and no column is cut below
// minColWidth; when even that does not fit, the table is left wider than
// budget. fitted reports whether the first rule applied (or no column
// was narrowed), which the vertical "auto" mode reads as "the table
// fits".
func fitWidths(widths []int, budget int) (fitted bool) {
	sum := 0
	for _, n := range widths {
		sum += n
	}
	if sum <= budget {
		return true
	}
	order := make([]int, len(widths))
	for i := range order {
		order[i] = i
	}
	// Widest first; ties keep the column order.
	slices.SortStableFunc(order, func(a, b int) int { return widths[b] - widths[a] })
	for k := 1; k <= len(order); k++ {
		kept, need := 0, 0
		ok := true
		for j, i := range order {
			if j < k {
				need += min(widths[i], wrapWidth)
				continue
			}
			if widths[i] > shortWidth {
				ok = false
				break
			}
			kept += widths[i]
		}
		if !ok || kept+need > budget {
			continue
		}
		wrapped := make([]int, k)
		// waterFill works left to right: give it the columns in table order.
		idx := slices.Clone(order[:k])
		slices.Sort(idx)
		for j, i := range idx {
			wrapped[j] = widths[i]
		}
		waterFill(wrapped, budget-kept)
		for j, i := range idx {
			widths[i] = wrapped[j]
		}
		return true
	}
	waterFill(widths, budget)
	return false
}

// waterFill narrows the widest columns so that the widths sum to at most
// budget: every column wider than a cap is cut to the cap, the cap being
// the largest that fits, and the cells left over go one each to the cut
// columns from the left. No column is cut below minColWidth; when even
// that does not fit, the table is left wider than budget.
func waterFill(widths []int, budget int) {
	sum := 0
	floor := 0
	for _, n := range widths {
		sum += n
		floor += min(n, minColWidth)
	}
	if sum <= budget {
		return
	}
	if floor > budget {
		for i, n := range widths {
			widths[i] = min(n, minColWidth)
		}
		return
	}
	// The largest cap with sum(min(w, cap)) <= budget; cap >= minColWidth
	// since floor <= budget.
	lo, hi := minColWidth, 0
	for _, n := range widths {
		hi = max(hi, n)
	}
	capped := func(c int) int {
		s := 0
		for _, n := range widths {
			s += min(n, c)
		}
		return s
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if capped(mid) <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	left := budget - capped(lo)
	for i, n := range widths {
		if n > lo {
			widths[i] = lo
			if left > 0 && n > lo+1 {
				widths[i]++
				left--
			}
		}
	}
}

// isBreakAfter reports whether a line may break after r.
func isBreakAfter(r rune) bool {
	switch r {
	case ' ', '\\', '/', ',', ';':
		return true
	}
	return false
}

// wrapLine appends line to dst cut into pieces of display width at most w,
// breaking after a space, '\', '/', ',' or ';' where it can and mid-word
// only for a word wider than w. Spaces at a break are dropped. An empty
// line stays one empty line.
func wrapLine(dst []string, cond *runewidth.Condition, line string, w int) []string {
	if w <= 0 || cond.StringWidth(line) <= w {
		return append(dst, line)
	}
	n := len(dst)
	emit := func(piece string) {
		if piece = strings.TrimRight(piece, " "); piece != "" {
			dst = append(dst, piece)
		}
	}
	start, cur := 0, 0 // the piece being built is line[start:pos], cur wide
	for pos := 0; pos < len(line); {
		// The next word: up to and including a break character.
		end := pos
		for end < len(line) {
			r, size := utf8.DecodeRuneInString(line[end:])
			end += size
			if isBreakAfter(r) {
				break
			}
		}
		for end < len(line) && line[end] == ' ' {
			end++ // a run of spaces stays with the word before it
		}
		word := line[pos:end]
		core := strings.TrimRight(word, " ") // trailing spaces may hang past w
		spaces := len(word) - len(core)
		cw := cond.StringWidth(core)
		switch {
		case cur+cw <= w:
			cur += cw + spaces
		case cw <= w:
			emit(line[start:pos])
			start, cur = pos, cw+spaces
		default:
			emit(line[start:pos])
			pieces := strings.Split(cond.Wrap(core, w), "\n")
			for _, p := range pieces[:len(pieces)-1] {
				emit(p)
			}
			last := pieces[len(pieces)-1]
			start, cur = pos+len(core)-len(last), cond.StringWidth(last)+spaces
		}
		pos = end
	}
	emit(line[start:])
	if len(dst) == n {
		dst = append(dst, "")
	}
	return dst
}

// sanitize replaces control characters other than '\n' by Go escapes
// (\t, \r, \x1b, \u0085) so that they cannot move the cursor or break the
// alignment. It returns s itself when there is nothing to replace.
func sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\n') || b == 0x7f || b == 0xc2 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
