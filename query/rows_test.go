package query_test

import (
	"context"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/query"
)

// rowsText runs q over st and returns its rows as text to compare: a line
// a row, each cell's values joined by \x1e and ended by \x1f; with header,
// a first line of the field names joined by commas.
func rowsText(q *query.Query, st *datamodel.Store, header bool) (string, error) {
	res, err := q.Run(context.Background(), st)
	if err != nil {
		return "", err
	}
	defer res.Release()
	var b strings.Builder
	if header {
		b.WriteString(strings.Join(res.Fields(), ",") + "\n")
	}
	for r := 0; r < res.NumRows(); r++ {
		for c := range res.Fields() {
			b.WriteString(strings.Join(res.Cell(r, c), "\x1e") + "\x1f")
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// rowsOrError is rowsText, or "error: " and the message when q fails, so
// that two runs compare by their text alone.
func rowsOrError(q *query.Query, st *datamodel.Store, header bool) string {
	s, err := rowsText(q, st, header)
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}
