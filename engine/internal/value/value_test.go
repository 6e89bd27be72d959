package value

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// cells renders every row of a Column as "<null>" or values joined by ";".
func cells(t *testing.T, a arrow.Array) []string {
	t.Helper()
	c, err := NewColumn(a)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := 0; i < c.Len(); i++ {
		if c.IsNull(i) {
			out = append(out, "<null>")
			continue
		}
		out = append(out, strings.Join(c.Values(i, nil), ";"))
	}
	return out
}

func TestColumnReader(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"42", "abc", ""}, []bool{true, true, true})
	sb.AppendNull()
	str := sb.NewArray()
	sb.Release()
	defer str.Release()

	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, s := range []string{"x", "1.5", "x"} {
		if err := db.AppendString(s); err != nil {
			t.Fatal(err)
		}
	}
	db.AppendNull()
	dict := db.NewArray()
	db.Release()
	defer dict.Release()

	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{3, 0.5, 1e21}, nil)
	fb.AppendNull()
	f64 := fb.NewArray()
	fb.Release()
	defer f64.Release()

	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Millisecond})
	tb.AppendValues([]arrow.Timestamp{1626077464547, 1000, 0}, nil)
	tb.AppendNull()
	ts := tb.NewArray()
	tb.Release()
	defer ts.Release()

	lb := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	vb := lb.ValueBuilder().(*array.StringBuilder)
	lb.Append(true)
	vb.AppendValues([]string{"a", "b"}, nil)
	lb.Append(true)
	vb.Append("7")
	lb.Append(true) // empty list: null
	lb.AppendNull()
	list := lb.NewArray()
	lb.Release()
	defer list.Release()

	tests := []struct {
		name string
		a    arrow.Array
		want []string
		nums []string // Number(i) rendered, "-" when not a number
		kind []Kind
	}{
		{"utf8", str, []string{"42", "abc", "", "<null>"}, []string{"42", "-", "-", "-"}, []Kind{KindNumber, KindString, KindString, KindNull}},
		{"dict", dict, []string{"x", "1.5", "x", "<null>"}, []string{"-", "1.5", "-", "-"}, []Kind{KindString, KindNumber, KindString, KindNull}},
		{"float64", f64, []string{"3", "0.5", "1e+21", "<null>"}, []string{"3", "0.5", "1e+21", "-"}, []Kind{KindNumber, KindNumber, KindNumber, KindNull}},
		{"timestamp", ts, []string{"1626077464.547", "1", "0", "<null>"}, []string{"1626077464.547", "1", "0", "-"}, []Kind{KindNumber, KindNumber, KindNumber, KindNull}},
		{"list", list, []string{"a;b", "7", "<null>", "<null>"}, []string{"-", "7", "-", "-"}, []Kind{KindMulti, KindNumber, KindNull, KindNull}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cells(t, tc.a); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("values = %q, want %q", got, tc.want)
			}
			c, _ := NewColumn(tc.a)
			var v Vector
			c.Load(&v)
			for i := 0; i < c.Len(); i++ {
				got := "-"
				if f, ok := c.Number(i); ok {
					got = FormatNumber(f)
				}
				if got != tc.nums[i] {
					t.Errorf("Number(%d) = %s, want %s", i, got, tc.nums[i])
				}
				if v.Kinds[i] != tc.kind[i] {
					t.Errorf("Load kind %d = %v, want %v", i, v.Kinds[i], tc.kind[i])
				}
				s, ok := c.String(i)
				vs, vok := v.Str(i)
				if ok != vok || s != vs {
					t.Errorf("row %d: Column.String = %q,%v; Vector.Str = %q,%v", i, s, ok, vs, vok)
				}
			}
		})
	}
}

func TestVectorBuild(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		name string
		fill func(v *Vector)
		typ  arrow.DataType
		want []string
	}{
		{"numbers", func(v *Vector) { v.SetNum(0, 3); v.SetNum(1, 2.5) }, arrow.PrimitiveTypes.Float64, []string{"3", "2.5", "<null>"}},
		{"field text keeps utf8", func(v *Vector) { v.SetText(0, "007"); v.SetNum(1, 1) }, arrow.BinaryTypes.String, []string{"007", "1", "<null>"}},
		{"mixed", func(v *Vector) { v.SetStr(0, "a"); v.SetNum(1, 1) }, arrow.BinaryTypes.String, []string{"a", "1", "<null>"}},
		{"all null", func(v *Vector) {}, arrow.BinaryTypes.String, []string{"<null>", "<null>", "<null>"}},
		{"multi", func(v *Vector) { v.SetValues(0, []string{"a", "b"}); v.SetNum(2, 4) }, arrow.ListOf(arrow.BinaryTypes.String), []string{"a;b", "<null>", "4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v Vector
			v.Reset(3)
			tc.fill(&v)
			a := v.Build(mem)
			defer a.Release()
			if !arrow.TypeEqual(a.DataType(), tc.typ) {
				t.Errorf("type = %s, want %s", a.DataType(), tc.typ)
			}
			if got := cells(t, a); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("cells = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSetColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	mk := func(vals ...float64) arrow.Array {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	a, b2, c := mk(1), mk(2), mk(3)
	defer a.Release()
	defer b2.Release()
	defer c.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Float64}, {Name: "b", Type: arrow.PrimitiveTypes.Float64}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{a, b2}, 1)
	defer rec.Release()

	replaced := SetColumn(rec, "a", c)
	defer replaced.Release()
	if got := SchemaFields(replaced.Schema()); strings.Join(got, ",") != "a,b" {
		t.Errorf("replace: fields %v", got)
	}
	if got := cells(t, ColumnByName(replaced, "a")); got[0] != "3" {
		t.Errorf("replace: a = %v", got)
	}
	appended := SetColumn(rec, "z", c)
	defer appended.Release()
	if got := SchemaFields(appended.Schema()); strings.Join(got, ",") != "a,b,z" {
		t.Errorf("append: fields %v", got)
	}
	if ColumnByName(appended, "nope") != nil {
		t.Error("ColumnByName of an absent field is not nil")
	}
}

func TestLoadDecimals(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tsb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Millisecond})
	tsb.AppendValues([]arrow.Timestamp{1727705109547, 1727705109000, 1727705109500}, nil)
	f64 := array.NewFloat64Builder(mem)
	f64.AppendValues([]float64{1727699298.67, 3, 0.30000000000000004}, nil)
	i64 := array.NewInt64Builder(mem)
	i64.AppendValues([]int64{1, 2, 3}, nil)
	str := array.NewStringBuilder(mem)
	str.AppendValues([]string{"2.50", "7", "1e-2"}, nil)
	tests := []struct {
		name string
		b    array.Builder
		want []int8
	}{
		{"timestamp", tsb, []int8{3, 0, 3}},
		{"float64", f64, []int8{2, 0, DecFull}},
		{"int64", i64, []int8{0, 0, 0}},
		{"utf8", str, []int8{2, 0, 2}},
	}
	var v Vector
	for _, tc := range tests {
		a := tc.b.NewArray()
		tc.b.Release()
		c, err := NewColumn(a)
		if err != nil {
			t.Fatal(err)
		}
		c.Load(&v)
		for i, want := range tc.want {
			if got := v.Decimals(i); got != want {
				t.Errorf("%s row %d: decimals %d, want %d", tc.name, i, got, want)
			}
		}
		a.Release()
	}
}
