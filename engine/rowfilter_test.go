package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/engine/internal/value"
)

// TestMaskBatch checks the engine's one row filter: rows kept in order in
// every column (dictionary, utf8, float64, list), the batch itself when
// every row is kept, nil when none is, and an error on a mask of the
// wrong length.
func TestMaskBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var v value.Vector
	v.Reset(4)
	for i, s := range []string{"a", "b", "c", "d"} {
		v.SetStr(i, s)
	}
	strs := v.Build(mem)
	for i := range 4 {
		v.SetNum(i, float64(i))
	}
	nums := v.Build(mem)
	v.SetValues(0, []string{"x", "y"})
	v.SetNull(1)
	v.SetStr(2, "z")
	v.SetValues(3, []string{"p", "q"})
	lists := v.Build(mem)
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, s := range []string{"h1", "h2", "h1", "h3"} {
		if err := db.AppendString(s); err != nil {
			t.Fatal(err)
		}
	}
	dict := db.NewArray()
	db.Release()
	b := newBatch([]string{"s", "n", "mv", "d"}, []arrow.Array{strs, nums, lists, dict}, 4)
	defer b.Release()

	tests := []struct {
		name    string
		mask    []bool
		want    []string // rendered rows; nil: no batch
		same    bool     // the input batch itself
		wantErr string
	}{
		{name: "some", mask: []bool{false, true, false, true}, want: []string{"b|1||h2", "d|3|p,q|h3"}},
		{name: "first and last", mask: []bool{true, false, false, true}, want: []string{"a|0|x,y|h1", "d|3|p,q|h3"}},
		{name: "all", mask: []bool{true, true, true, true}, want: []string{"a|0|x,y|h1", "b|1||h2", "c|2|z|h1", "d|3|p,q|h3"}, same: true},
		{name: "none", mask: []bool{false, false, false, false}},
		{name: "short mask", mask: []bool{true}, wantErr: "mask of 1 rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := maskBatch(context.Background(), mem, b, tc.mask)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if out != nil {
					t.Fatalf("got %d rows, want no batch", out.NumRows())
				}
				return
			}
			defer out.Release()
			if (out == b) != tc.same {
				t.Errorf("returned the input batch: %v, want %v", out == b, tc.same)
			}
			var got []string
			for r := range int(out.NumRows()) {
				var cells []string
				for c := range int(out.NumCols()) {
					cells = append(cells, strings.Join(cellValues(out.Column(c), r), ","))
				}
				got = append(got, strings.Join(cells, "|"))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows = %q, want %q", got, tc.want)
			}
		})
	}
}
