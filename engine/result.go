package engine

import (
	"sort"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/value"
)

// Result holds the rows of an executed search as Arrow record batches that
// all share one schema. Release it when done.
type Result struct {
	fields  []string
	batches []arrow.RecordBatch
	// starts[i] is the global row number of batches[i]'s first row.
	starts []int
	rows   int
	// warnings are problems found while running (rawFieldWarnings).
	warnings []string
}

// Warnings returns problems found while the search ran that did not stop
// it, such as a field that no event read has (the plan's own warnings are
// Plan.Warnings).
func (r *Result) Warnings() []string { return r.warnings }

func (r *Result) add(b arrow.RecordBatch) {
	r.batches = append(r.batches, b)
	r.starts = append(r.starts, r.rows)
	r.rows += int(b.NumRows())
}

// Fields returns the column names in output order.
func (r *Result) Fields() []string { return r.fields }

// NumRows returns the number of result rows.
func (r *Result) NumRows() int { return r.rows }

// Batches returns the record batches, still owned by r.
func (r *Result) Batches() []arrow.RecordBatch { return r.batches }

// Release releases the batches; r must not be used afterwards.
func (r *Result) Release() {
	for _, b := range r.batches {
		b.Release()
	}
	r.batches, r.starts, r.rows = nil, nil, 0
}

// Cell returns the value of column col in row row as Splunk renders it:
// nil for null, one string for a single value, several for a multivalue
// field. Numbers render with value.FormatNumber, timestamps as epoch seconds. It
// returns nil for an out-of-range row or column.
func (r *Result) Cell(row, col int) []string {
	if row < 0 || row >= r.rows || col < 0 || col >= len(r.fields) {
		return nil
	}
	bi := sort.Search(len(r.starts), func(i int) bool { return r.starts[i] > row }) - 1
	b := r.batches[bi]
	return cellValues(b.Column(col), row-r.starts[bi])
}

// cellValues renders row i of a column.
func cellValues(a arrow.Array, i int) []string {
	if a.IsNull(i) {
		return nil
	}
	switch c := a.(type) {
	case *array.String:
		return []string{c.Value(i)}
	case *array.Dictionary:
		return cellValues(c.Dictionary(), c.GetValueIndex(i))
	case *array.Int64:
		return []string{strconv.FormatInt(c.Value(i), 10)}
	case *array.Float64:
		return []string{value.FormatNumber(c.Value(i))}
	case *array.Boolean:
		return []string{strconv.FormatBool(c.Value(i))}
	case *array.Timestamp:
		toMs := value.TimestampToMs(c.DataType().(*arrow.TimestampType).Unit)
		return []string{value.FormatNumber(float64(toMs(int64(c.Value(i)))) / 1000)}
	case *array.List:
		start, end := c.ValueOffsets(i)
		if start == end {
			return nil
		}
		vals := c.ListValues()
		var out []string
		for j := int(start); j < int(end); j++ {
			out = append(out, cellValues(vals, j)...)
		}
		return out
	}
	return []string{a.ValueStr(i)}
}
