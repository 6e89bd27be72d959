package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// WriteCSV writes t as CSV (RFC 4180 quoting through encoding/csv, records
// ended by "\n"): a header row of field names, then one record per row. A
// multivalue cell is its values joined by "\n" in one quoted cell, a null
// cell is empty. A result without rows is the header alone.
func WriteCSV(w io.Writer, t Table) error {
	fields := t.Fields()
	if len(fields) == 0 {
		return nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(fields); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	record := make([]string, len(fields))
	for r, n := 0, t.NumRows(); r < n; r++ {
		for c := range fields {
			record[c] = joinValues(t.Cell(r, c), "\n")
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("render csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	return nil
}

// joinValues joins the values of a cell; it does not allocate for a null
// or single-valued cell.
func joinValues(values []string, sep string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values, sep)
}
