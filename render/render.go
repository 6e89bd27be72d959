// Package render writes search results for people and for tools, in four
// formats:
//
//   - table: aligned columns under a header and a dashed separator line,
//     for a terminal. A multivalue cell shows one value per line; a value
//     holding newlines shows one line per line. With a width > 0 (the
//     terminal's), wide columns are narrowed so the table fits and their
//     cells are wrapped, preferring a break after a space, '\', '/', ',' or
//     ';' and cutting mid-word only when a word alone is wider than its
//     column. Widths are display widths (go-runewidth), so CJK and emoji
//     cells stay aligned. Other control characters are shown as Go escapes
//     (\t, \x1b) so that a value can never move the cursor or break the
//     alignment. A null cell is blank. When any row takes more than one
//     line, rows are separated by a blank line. Fitting keeps short
//     columns (at most 30 cells: times, hosts, counts) whole and wraps the
//     widest ones, as long as each wrapped column keeps 12 cells; when
//     that cannot be, every wide column is capped at one width (see
//     fitWidths). Options.Vertical prints one field per line instead
//     (psql's \x), always or, in VerticalAuto, when the table does not fit.
//   - csv: RFC 4180 through encoding/csv, a header row of field names, then
//     one record per row; a multivalue cell is its values joined by "\n"
//     inside one quoted cell, as Splunk's CSV export does; a null cell is
//     empty.
//   - json: one JSON object per result row and line (JSON Lines), keys in
//     column order, every value a JSON string, a multivalue cell a JSON
//     array of strings, and null cells omitted, as Splunk's REST export
//     does ("result" objects hold only the fields a row has). Objects are
//     written by hand because encoding/json sorts map keys; strings are
//     escaped per RFC 8259 without HTML escaping, so "<Event>" stays
//     readable.
//   - markdown: a GitHub-flavoured table. '|' is escaped as "\|", the
//     characters that would start inline markup ('*', '`', '<', '[', ']')
//     and a '\' before punctuation are backslash-escaped, and values of a
//     multivalue cell (and lines of a value) are joined with "<br>".
//
// With Options.Time, the _time field is rendered in every format as
// Splunk's UI and its REST and CSV exports show it: ISO 8601 with
// milliseconds and the zone's offset (spl-semantics §8.2).
//
// An empty result (no rows) prints "0 results" in table and markdown
// formats; csv prints the header row alone (so a tool still sees the
// columns; nothing at all when there are no columns either), and json
// prints nothing, as a JSON Lines stream of zero rows is empty.
//
// Imports: the standard library and go-runewidth only; no minispl package
// and not Arrow. It reads any Table, which the engine's results implement,
// so every front end and any later back end prints through it; it sits
// beside the engine, not in it, and must not import engine, datamodel or
// spl.
package render

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Table is a result set to render. Cell returns nil for a null cell, one
// string for a single value, several for a multivalue cell.
type Table interface {
	Fields() []string
	NumRows() int
	Cell(row, col int) []string
}

// Format names an output format.
type Format string

// The output formats.
const (
	FormatTable    Format = "table"
	FormatCSV      Format = "csv"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "markdown"
)

// Formats lists every format in the order help texts show them.
func Formats() []Format {
	return []Format{FormatTable, FormatCSV, FormatJSON, FormatMarkdown}
}

// formatAliases are other names of formats: "jsonl" and "ndjson" are
// the usual names of JSON Lines, which the json format writes.
var formatAliases = map[string]Format{"jsonl": FormatJSON, "ndjson": FormatJSON, "md": FormatMarkdown}

// FormatNames lists every name ParseFormat accepts: the formats, then the
// aliases.
func FormatNames() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return append(names, "jsonl", "ndjson", "md")
}

// ParseFormat returns the format named s (case-insensitive), or by one of
// its aliases (jsonl and ndjson for json, md for markdown).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if a, ok := formatAliases[string(f)]; ok {
		return a, nil
	}
	for _, g := range Formats() {
		if f == g {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, g := range Formats() {
		names = append(names, string(g))
	}
	return "", fmt.Errorf("unknown output format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Vertical selects the table format's layout.
type Vertical int

// The layouts of the table format.
const (
	// VerticalOff is the aligned table.
	VerticalOff Vertical = iota
	// VerticalOn writes one field per line (psql's \x).
	VerticalOn
	// VerticalAuto writes one field per line when the table does not fit
	// the width: when fitting it would leave a column longer than 30
	// cells whole or a wrapped column under 12 cells (see fitWidths).
	VerticalAuto
)

// Options tune a writer.
type Options struct {
	// Width is the display width the table format fits its columns into;
	// 0 means no limit (no wrapping). Other formats ignore it.
	Width int
	// Vertical selects the table format's layout (off by default); other
	// formats ignore it.
	Vertical Vertical
	// Time, when set, renders the _time field as Splunk does: ISO 8601
	// with milliseconds and the zone's offset (2024-09-30T14:05:09.000+00:00)
	// in this zone, in every format, as Splunk's UI and its REST and CSV
	// exports all do (spl-semantics §8.2). Nil leaves _time as the
	// engine gives it, epoch seconds.
	Time *time.Location
	// Header, when set, styles the header of the table format and the
	// field names of its vertical layout (the CLI makes them bold on a
	// colour terminal). It gets the text of one line of a header cell,
	// and what it adds must take no room on the screen (escape codes).
	Header func(string) string
}

// Write renders t in format f to w.
func Write(w io.Writer, t Table, f Format, opt Options) error {
	t = withTime(t, opt.Time)
	switch f {
	case FormatTable:
		return writeTable(w, t, opt)
	case FormatCSV:
		return WriteCSV(w, t)
	case FormatJSON:
		return WriteJSON(w, t)
	case FormatMarkdown:
		return WriteMarkdown(w, t)
	}
	return fmt.Errorf("render: unknown output format %q", f)
}

// emptyMessage is what table and markdown print for a result without rows.
const emptyMessage = "0 results\n"
