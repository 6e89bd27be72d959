package value

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// SchemaFields lists a batch's column names.
func SchemaFields(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return out
}

// TimestampToMs returns a converter from a timestamp unit to milliseconds.
func TimestampToMs(u arrow.TimeUnit) func(int64) int64 {
	switch u {
	case arrow.Second:
		return func(v int64) int64 { return v * 1000 }
	case arrow.Microsecond:
		return func(v int64) int64 { return FloorDiv(v, 1000) }
	case arrow.Nanosecond:
		return func(v int64) int64 { return FloorDiv(v, 1000000) }
	}
	return func(v int64) int64 { return v }
}

// FloorDiv is a / b rounded toward negative infinity (Go's / truncates).
func FloorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// SetColumn returns a batch holding b's columns with column name set to a:
// replaced in place when b has that column, appended at the end otherwise.
// The new batch retains what it uses; the caller still owns (and must
// release) b and a.
func SetColumn(b arrow.RecordBatch, name string, a arrow.Array) arrow.RecordBatch {
	cols := append([]arrow.Array(nil), b.Columns()...)
	fields := append([]arrow.Field(nil), b.Schema().Fields()...)
	f := arrow.Field{Name: name, Type: a.DataType(), Nullable: true}
	if i := slices.Index(SchemaFields(b.Schema()), name); i >= 0 {
		cols[i], fields[i] = a, f
	} else {
		cols, fields = append(cols, a), append(fields, f)
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, b.NumRows())
}

// ColumnByName returns the column of b named name, or nil.
func ColumnByName(b arrow.RecordBatch, name string) arrow.Array {
	for i, f := range b.Schema().Fields() {
		if f.Name == name {
			return b.Column(i)
		}
	}
	return nil
}
