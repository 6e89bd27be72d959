package value

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Kind is the dynamic type of one value in a Vector.
type Kind uint8

// The value kinds. A string that parses as a number (see parseNumber) and
// comes from a field is a KindNumber that keeps its text; a string literal
// of an expression stays a KindString even when it looks numeric.
const (
	KindNull   Kind = iota // no value
	KindNumber             // Nums[i]; Strs[i] is the original text, "" if none
	KindString             // Strs[i]
	KindBool               // Nums[i] is 1 (true) or 0 (false)
	KindMulti              // Multi[i], two or more values
)

// String returns the kind's name as typeof() prints it. The Search
// Reference (Informational functions, typeof) gives the names: "This
// example returns "NumberStringBoolInvalid"" for typeof(12) +
// typeof("string") + typeof(1==2) + typeof(badfield), so a Boolean is
// "Bool". "Multivalue" is minispl's name (the docs show none).
func (k Kind) String() string {
	switch k {
	case KindNumber:
		return "Number"
	case KindString:
		return "String"
	case KindBool:
		return "Bool"
	case KindMulti:
		return "Multivalue"
	}
	return "Invalid"
}

// Vector is one batch of dynamic values, a struct of arrays indexed by row.
// Only the slot matching Kinds[i] is meaningful. Strings may point into the
// Arrow buffers of the batch they were loaded from: a Vector is valid only
// while that batch is alive. Reset reuses the slices, so a Vector kept
// across batches does not allocate in the steady state.
type Vector struct {
	Kinds []Kind
	Nums  []float64
	Strs  []string
	Multi [][]string
	// decs is the precision of a computed number (see decimals): the
	// number of decimal places + - and * round to, decFull or decShortest.
	// A number that kept its field text takes its precision from the text.
	decs []int8
	// mv is the backing store of the Multi slices loaded from list columns.
	mv []string
}

// Precision markers in Vector.decs; values from 0 up are decimal places.
const (
	// DecFull is full precision: the shortest round-trip form of the
	// float64 (a quotient, a function result, exact()).
	DecFull int8 = -1
	// decShortest is the precision of a float64 read from a column, where
	// the number of decimals is that of its shortest text, found only when
	// arithmetic needs it.
	decShortest int8 = -2
	// maxDecimals bounds a tracked precision: more decimal places than a
	// float64 holds is full precision.
	maxDecimals = 17
)

// Reset makes v n rows long, every row null.
func (v *Vector) Reset(n int) {
	if cap(v.Kinds) < n {
		v.Kinds = make([]Kind, n)
		v.Nums = make([]float64, n)
		v.Strs = make([]string, n)
		v.Multi = make([][]string, n)
	}
	if cap(v.decs) < n {
		v.decs = make([]int8, n)
	}
	v.Kinds, v.Nums, v.Strs, v.Multi, v.decs = v.Kinds[:n], v.Nums[:n], v.Strs[:n], v.Multi[:n], v.decs[:n]
	clear(v.Kinds)
	clear(v.Strs)
	clear(v.Multi)
	for i := range v.decs {
		v.decs[i] = DecFull
	}
	v.mv = v.mv[:0]
}

// SetRaw sets row i from its parts: kind k, the number and text slots and
// the precision d (decimal places, DecFull or DecShortest), as a constant
// of an expression is written into every row.
func (v *Vector) SetRaw(i int, k Kind, num float64, str string, d int8) {
	v.Kinds[i], v.Nums[i], v.Strs[i], v.Multi[i], v.decs[i] = k, num, str, nil, d
}

// Len returns the number of rows.
func (v *Vector) Len() int { return len(v.Kinds) }

// SetNull makes row i null.
func (v *Vector) SetNull(i int) { v.Kinds[i], v.Strs[i], v.Multi[i] = KindNull, "", nil }

// SetNum makes row i the number f, at full precision.
func (v *Vector) SetNum(i int, f float64) {
	v.Kinds[i], v.Nums[i], v.Strs[i], v.Multi[i], v.decs[i] = KindNumber, f, "", nil, DecFull
}

// SetNumDec makes row i the number f with precision d (decimal places,
// DecFull or decShortest).
func (v *Vector) SetNumDec(i int, f float64, d int8) {
	v.Kinds[i], v.Nums[i], v.Strs[i], v.Multi[i], v.decs[i] = KindNumber, f, "", nil, d
}

// Decimals returns the precision of number row i: the decimal places of
// its field text ("1727705109.547" has 3, "2.50" has 2) or, for a computed
// number, the tracked decimals; decFull (-1) for full precision.
func (v *Vector) Decimals(i int) int8 {
	if s := v.Strs[i]; s != "" {
		return TextDecimals(s)
	}
	if d := v.decs[i]; d != decShortest {
		return d
	}
	return shortestDecimals(v.Nums[i])
}

// SetStr makes row i the string s.
func (v *Vector) SetStr(i int, s string) { v.Kinds[i], v.Strs[i], v.Multi[i] = KindString, s, nil }

// SetBool makes row i the boolean b.
func (v *Vector) SetBool(i int, b bool) {
	f := 0.0
	if b {
		f = 1
	}
	v.Kinds[i], v.Nums[i], v.Strs[i], v.Multi[i] = KindBool, f, "", nil
}

// SetText makes row i the field value s: a number when s parses as one
// (keeping s as its text), else a string.
func (v *Vector) SetText(i int, s string) {
	if f, ok := ParseNumber(s); ok {
		v.Kinds[i], v.Nums[i], v.Strs[i], v.Multi[i] = KindNumber, f, s, nil
		return
	}
	v.SetStr(i, s)
}

// SetValues makes row i the values vals: null when empty, a single value
// (typed as SetText does) when one, else a multivalue. vals is kept, not
// copied.
func (v *Vector) SetValues(i int, vals []string) {
	switch len(vals) {
	case 0:
		v.SetNull(i)
	case 1:
		v.SetText(i, vals[0])
	default:
		v.Kinds[i], v.Strs[i], v.Multi[i] = KindMulti, "", vals
	}
}

// CopyRow sets row i of v to row j of src.
func (v *Vector) CopyRow(i int, src *Vector, j int) {
	v.Kinds[i], v.Nums[i], v.Strs[i], v.Multi[i], v.decs[i] = src.Kinds[j], src.Nums[j], src.Strs[j], src.Multi[j], src.decs[j]
}

// IsNull reports whether row i is null.
func (v *Vector) IsNull(i int) bool { return v.Kinds[i] == KindNull }

// Bool returns row i as a truth value: ok is false for a null row; any
// non-boolean value is true (as a field tested in a condition).
func (v *Vector) Bool(i int) (b, ok bool) {
	switch v.Kinds[i] {
	case KindNull:
		return false, false
	case KindBool:
		return v.Nums[i] != 0, true
	}
	return true, true
}

// Num returns row i as a number: ok only for KindNumber (a string literal
// is not a number, even "42").
func (v *Vector) Num(i int) (float64, bool) {
	if v.Kinds[i] == KindNumber {
		return v.Nums[i], true
	}
	return 0, false
}

// Str returns the string form of row i as Splunk renders it: the text of a
// number read from a field, FormatNumber of a computed number, "true" or
// "false" for a boolean, and the first value of a multivalue. ok is false
// for a null row. Only computed numbers allocate.
func (v *Vector) Str(i int) (string, bool) {
	switch v.Kinds[i] {
	case KindString:
		return v.Strs[i], true
	case KindNumber:
		if v.Strs[i] != "" {
			return v.Strs[i], true
		}
		return FormatNumber(v.Nums[i]), true
	case KindBool:
		if v.Nums[i] != 0 {
			return "true", true
		}
		return "false", true
	case KindMulti:
		return v.Multi[i][0], true
	}
	return "", false
}

// Values appends the values of row i to dst in string form: none for null,
// one for a single value, all of a multivalue.
func (v *Vector) Values(i int, dst []string) []string {
	if v.Kinds[i] == KindMulti {
		return append(dst, v.Multi[i]...)
	}
	if s, ok := v.Str(i); ok {
		return append(dst, s)
	}
	return dst
}

// Build returns v as the narrowest Arrow column: list<utf8> when any row is
// a multivalue (single values become one-element lists), float64 when every
// non-null row is a computed number (a number that kept its field text is
// rendered as that text, so it makes the column utf8), utf8 otherwise. A
// column of nulls only is utf8. Different batches of one field may thus
// have different types; read them through Column, which hides the type.
func (v *Vector) Build(mem memory.Allocator) arrow.Array {
	allNum, anyMulti := true, false
	for i, k := range v.Kinds {
		switch k {
		case KindNull:
		case KindNumber:
			allNum = allNum && v.Strs[i] == ""
		case KindMulti:
			anyMulti = true
			allNum = false
		default:
			allNum = false
		}
	}
	nonNull := 0
	for _, k := range v.Kinds {
		if k != KindNull {
			nonNull++
		}
	}
	switch {
	case anyMulti:
		return BuildList(mem, v)
	case allNum && nonNull > 0:
		bld := array.NewFloat64Builder(mem)
		defer bld.Release()
		bld.Reserve(len(v.Kinds))
		for i, k := range v.Kinds {
			if k == KindNull {
				bld.UnsafeAppendBoolToBitmap(false)
				continue
			}
			bld.UnsafeAppend(v.Nums[i])
		}
		return bld.NewArray()
	}
	bld := array.NewStringBuilder(mem)
	defer bld.Release()
	bld.Reserve(len(v.Kinds))
	for i := range v.Kinds {
		if s, ok := v.Str(i); ok {
			bld.Append(s)
		} else {
			bld.AppendNull()
		}
	}
	return bld.NewArray()
}

// BuildList builds a list<utf8> column of v's values (a single value is a
// list of one).
func BuildList(mem memory.Allocator, v *Vector) arrow.Array {
	bld := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer bld.Release()
	vb := bld.ValueBuilder().(*array.StringBuilder)
	var tmp []string
	for i := range v.Len() {
		if v.IsNull(i) {
			bld.AppendNull()
			continue
		}
		bld.Append(true)
		tmp = v.Values(i, tmp[:0])
		for _, s := range tmp {
			vb.Append(s)
		}
	}
	return bld.NewArray()
}

// Column reads one Arrow column as Splunk values, row by row, without
// allocating per row (except String on int64, float64 and timestamp
// columns, which formats the number). It supports utf8,
// dictionary<int32, utf8>, int64, float64, boolean, timestamp (read as
// epoch seconds with a millisecond fraction) and list<utf8> (multivalue; an
// empty list is null). A Column is valid while its array is alive.
type Column struct {
	a     arrow.Array
	str   *array.String
	dict  *array.Dictionary
	idx   []int32 // dictionary indices when int32, else nil
	dvals *array.String
	i64   *array.Int64
	f64   *array.Float64
	bools *array.Boolean
	ts    *array.Timestamp
	toMs  func(int64) int64
	list  *array.List
	lvals *array.String
}

// NewColumn returns a reader over a, or an error naming the unsupported
// type.
func NewColumn(a arrow.Array) (*Column, error) {
	c := &Column{a: a}
	switch x := a.(type) {
	case *array.String:
		c.str = x
	case *array.Dictionary:
		d, ok := x.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("unsupported dictionary value type %s", x.Dictionary().DataType())
		}
		c.dict, c.dvals = x, d
		if ix, ok := x.Indices().(*array.Int32); ok {
			c.idx = ix.Int32Values()
		}
	case *array.Int64:
		c.i64 = x
	case *array.Float64:
		c.f64 = x
	case *array.Boolean:
		c.bools = x
	case *array.Timestamp:
		c.ts = x
		c.toMs = TimestampToMs(x.DataType().(*arrow.TimestampType).Unit)
	case *array.List:
		lv, ok := x.ListValues().(*array.String)
		if !ok {
			return nil, fmt.Errorf("unsupported list value type %s", x.ListValues().DataType())
		}
		c.list, c.lvals = x, lv
	case *array.Null:
	default:
		return nil, fmt.Errorf("unsupported column type %s", a.DataType())
	}
	return c, nil
}

// Len returns the number of rows.
func (c *Column) Len() int { return c.a.Len() }

// IsMulti reports whether the column is a multivalue (list) column.
func (c *Column) IsMulti() bool { return c.list != nil }

// IsNull reports whether row i has no value.
func (c *Column) IsNull(i int) bool {
	if c.a.IsNull(i) {
		return true
	}
	if c.list != nil {
		s, e := c.list.ValueOffsets(i)
		return s == e
	}
	return false
}

// dictIndex returns the dictionary entry of row i.
func (c *Column) dictIndex(i int) int {
	if c.idx != nil {
		return int(c.idx[i])
	}
	return c.dict.GetValueIndex(i)
}

// String returns row i as Splunk renders it (numbers with FormatNumber,
// booleans as "true"/"false", the first value of a multivalue); ok is false
// for null.
func (c *Column) String(i int) (string, bool) {
	if c.IsNull(i) {
		return "", false
	}
	switch {
	case c.str != nil:
		return c.str.Value(i), true
	case c.dict != nil:
		return c.dvals.Value(c.dictIndex(i)), true
	case c.i64 != nil:
		return strconv.FormatInt(c.i64.Value(i), 10), true
	case c.f64 != nil:
		return FormatNumber(c.f64.Value(i)), true
	case c.bools != nil:
		return strconv.FormatBool(c.bools.Value(i)), true
	case c.ts != nil:
		return FormatNumber(c.tsSeconds(i)), true
	case c.list != nil:
		s, _ := c.list.ValueOffsets(i)
		return c.lvals.Value(int(s)), true
	}
	return "", false
}

func (c *Column) tsSeconds(i int) float64 {
	return float64(c.toMs(int64(c.ts.Value(i)))) / 1000
}

// Number returns row i as a number when it is one: numeric columns always,
// strings when they parse as a number (parseNumber), a multivalue never.
func (c *Column) Number(i int) (float64, bool) {
	if c.IsNull(i) {
		return 0, false
	}
	switch {
	case c.i64 != nil:
		return float64(c.i64.Value(i)), true
	case c.f64 != nil:
		return c.f64.Value(i), true
	case c.ts != nil:
		return c.tsSeconds(i), true
	case c.str != nil:
		return ParseNumber(c.str.Value(i))
	case c.dict != nil:
		return ParseNumber(c.dvals.Value(c.dictIndex(i)))
	case c.list != nil:
		s, e := c.list.ValueOffsets(i)
		if e-s == 1 {
			return ParseNumber(c.lvals.Value(int(s)))
		}
	}
	return 0, false
}

// Values appends the values of row i to dst: none for null, one for a
// single value, every value of a multivalue row.
func (c *Column) Values(i int, dst []string) []string {
	if c.IsNull(i) {
		return dst
	}
	if c.list != nil {
		s, e := c.list.ValueOffsets(i)
		for j := s; j < e; j++ {
			if c.lvals.IsValid(int(j)) {
				dst = append(dst, c.lvals.Value(int(j)))
			}
		}
		return dst
	}
	s, _ := c.String(i)
	return append(dst, s)
}

// Load fills v with the whole column: numbers as KindNumber (a string that
// parses as a number too, keeping its text; int64 values have 0 decimals,
// timestamps 3 when they have a millisecond fraction, float64 values the
// Decimals of their shortest text), other strings as KindString,
// booleans as the strings "true"/"false", multivalue rows as KindMulti (a
// one-value list row is a single value). v is Reset first.
func (c *Column) Load(v *Vector) {
	n := c.Len()
	v.Reset(n)
	switch {
	case c.dict != nil:
		nulls := c.dict.NullN() > 0
		for i := 0; i < n; i++ {
			if nulls && c.dict.IsNull(i) {
				continue
			}
			v.SetText(i, c.dvals.Value(c.dictIndex(i)))
		}
	case c.str != nil:
		nulls := c.str.NullN() > 0
		for i := 0; i < n; i++ {
			if nulls && c.str.IsNull(i) {
				continue
			}
			v.SetText(i, c.str.Value(i))
		}
	case c.f64 != nil:
		for i, f := range c.f64.Float64Values() {
			if c.f64.IsValid(i) {
				v.SetNumDec(i, f, decShortest)
			}
		}
	case c.i64 != nil:
		for i, x := range c.i64.Int64Values() {
			if c.i64.IsValid(i) {
				v.SetNumDec(i, float64(x), 0)
			}
		}
	case c.ts != nil:
		for i := 0; i < n; i++ {
			if c.ts.IsValid(i) {
				// Epoch seconds with a millisecond fraction: 3 decimals
				// when there is a fraction, else 0.
				ms := c.toMs(int64(c.ts.Value(i)))
				d := int8(0)
				if ms%1000 != 0 {
					d = 3
				}
				v.SetNumDec(i, float64(ms)/1000, d)
			}
		}
	case c.bools != nil:
		for i := 0; i < n; i++ {
			if c.bools.IsValid(i) {
				v.SetStr(i, strconv.FormatBool(c.bools.Value(i)))
			}
		}
	case c.list != nil:
		for i := 0; i < n; i++ {
			if c.IsNull(i) {
				continue
			}
			start := len(v.mv)
			v.mv = c.Values(i, v.mv)
			v.SetValues(i, v.mv[start:len(v.mv):len(v.mv)])
		}
	}
}
