package expr

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/spl"
)

// TestSelectByIndex checks selectByIndex and selectMask against the
// plain loop, over densities from none to all and lengths that are not
// multiples of eight.
func TestSelectByIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, density := range []float64{0, 0.01, 0.2, 0.5, 1} {
		for _, n := range []int{0, 1, 7, 8, 9, 63, 1000} {
			res := make([]bool, 50)
			for i := range res {
				res[i] = r.Float64() < density
			}
			idx := make([]int32, n)
			mask := make([]bool, n)
			var want []int32
			for i := range idx {
				idx[i] = int32(r.IntN(len(res)))
				mask[i] = res[idx[i]]
				if mask[i] {
					want = append(want, int32(i))
				}
			}
			if got := selectByIndex(make([]int32, n), idx, res); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("density %v, %d rows: selectByIndex %v, want %v", density, n, got, want)
			}
			if got := selectMask(make([]int32, n), mask); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("density %v, %d rows: selectMask %v, want %v", density, n, got, want)
			}
		}
	}
}

// BenchmarkSelectByIndex selects 1% of 16,384 rows (the seed's
// selectivity) by a 280-entry dictionary result.
func BenchmarkSelectByIndex(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	res := make([]bool, 280)
	for i := 0; i < 3; i++ {
		res[r.IntN(len(res))] = true
	}
	idx := make([]int32, 16384)
	for i := range idx {
		idx[i] = int32(r.IntN(len(res)))
	}
	sel := make([]int32, len(idx))
	b.SetBytes(int64(4 * len(idx)))
	for b.Loop() {
		selectByIndex(sel, idx, res)
	}
}

// TestDictionaryAgainstStrings checks the dictionary path of a leaf
// (once per entry, with Glob.MatchEach over the packed entries, then
// Select's lookup by index) against the same test on a plain string
// column (testStr row by row), over random values with nulls, repeated
// entries and letters that fold across ASCII, for =, !=, IN with literals
// and globs, NOT and orderings.
func TestDictionaryAgainstStrings(t *testing.T) {
	mem := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(11, 12))
	parts := []string{`HKLM`, `\SOFTWARE`, `\Run`, `\run`, `\System`, `\Remote Manipulator`, ` System`, `\\`, "\u212a", "\u212aey", "\u017fy", `é`, `.exe`, `1`,
		`\SYSTEM\Remote Manipulator System`, "\\\u017fYSTEM\\Remote Manipulator \u017fystem"}
	word := func() string {
		var b strings.Builder
		for range r.IntN(7) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		return b.String()
	}
	distinct := make([]string, 300)
	for i := range distinct {
		distinct[i] = word()
	}
	const rows = 5000
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	sb := array.NewStringBuilder(mem)
	for range rows {
		if r.IntN(20) == 0 {
			db.AppendNull()
			sb.AppendNull()
			continue
		}
		v := distinct[r.IntN(len(distinct))]
		if err := db.AppendString(v); err != nil {
			t.Fatal(err)
		}
		sb.Append(v)
	}
	dcol, scol := db.NewArray(), sb.NewArray()
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dcol.DataType(), Nullable: true}, {Name: "s", Type: scol.DataType(), Nullable: true}}, nil)
	b := array.NewRecordBatch(schema, []arrow.Array{dcol, scol}, rows)
	defer b.Release()
	dcol.(*array.Dictionary).Dictionary() // built now, as the store does
	if d := dcol.(*array.Dictionary).Dictionary(); len(d.(*array.String).ValueBytes()) < 2048 {
		t.Fatalf("dictionary of %d bytes: too small for MatchEach's whole-buffer search", len(d.(*array.String).ValueBytes()))
	}
	for _, q := range []string{
		`f="*\\SYSTEM\\Remote Manipulator System*"`,
		`f="*\\run*"`,
		`f="*key*"`,
		`f="*sy*"`,
		`f="HKLM*run*"`,
		`f="*\\system*" OR f="*.exe" OR f=HKLM`,
		`f IN ("*ey*", "hklm\\run", "HKLM\\SOFTWARE", "*1")`,
		`f!="*run*"`,
		`NOT f="*run*"`,
		`f>HKLM`,
		`f=*`,
		`f="*zzz*"`, // no entry: Select reads no row
	} {
		e, err := spl.ParseSearchExpr(q)
		if err != nil {
			t.Fatal(err)
		}
		compile := func(col int) (Pred, *PredState) {
			c := &SearchCompiler{Mode: ModeTstats, Resolve: func(string) int { return col }}
			p, err := c.Compile(e)
			if err != nil {
				t.Fatal(err)
			}
			return p, NewPredState(c.NLeaves)
		}
		pd, std := compile(0)
		ps, sts := compile(1)
		sts.full = true // every row by testStr: the reference
		want := make([]bool, rows)
		if err := ps.Eval(sts, b, want); err != nil {
			t.Fatal(err)
		}
		got := make([]bool, rows)
		if err := pd.Eval(std, b, got); err != nil {
			t.Fatal(err)
		}
		// The string column tested whole (evalStrings, every row
		// mattering), and row by row where few rows matter.
		_, stw := compile(1)
		whole := make([]bool, rows)
		if err := ps.Eval(stw, b, whole); err != nil {
			t.Fatal(err)
		}
		care := make([]bool, rows)
		for i := range care {
			care[i] = r.IntN(10) == 0
		}
		_, stc := compile(1)
		stc.SetCare(care)
		sparse := make([]bool, rows)
		if err := ps.Eval(stc, b, sparse); err != nil {
			t.Fatal(err)
		}
		// A slice of the batch: offsets that do not start at 0.
		sl := b.NewSlice(100, 4000)
		_, sts2 := compile(1)
		part := make([]bool, sl.NumRows())
		if err := ps.Eval(sts2, sl, part); err != nil {
			t.Fatal(err)
		}
		sl.Release()
		for i, v := range part {
			if v != want[100+i] {
				t.Fatalf("%s, row %d of a slice at 100: %v, want %v", q, i, v, want[100+i])
			}
		}
		n := 0
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s, row %d: dictionary %v, strings %v", q, i, got[i], want[i])
			}
			if whole[i] != want[i] {
				t.Fatalf("%s, row %d: strings whole %v, row by row %v", q, i, whole[i], want[i])
			}
			if care[i] && sparse[i] != want[i] {
				t.Fatalf("%s, row %d: strings where few rows matter %v, row by row %v", q, i, sparse[i], want[i])
			}
			if want[i] {
				n++
			}
		}
		if (n == 0) != strings.Contains(q, "zzz") || n == rows {
			t.Errorf("%s selects %d of %d rows; the case needs some of each", q, n, rows)
		}
		for _, ix := range []Index{nil, buildAlways{}} {
			st := NewPredState(len(std.leaves))
			st.SetIndex(ix)
			sel, err := Select(pd, st, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(sel) != n {
				t.Fatalf("%s, index %v: Select kept %d rows, Eval %d", q, ix, len(sel), n)
			}
			for _, i := range sel {
				if !want[i] {
					t.Fatalf("%s, index %v: Select kept row %d", q, ix, i)
				}
			}
		}
	}
}

// buildAlways is an Index that builds the postings of every column it is
// asked for.
type buildAlways struct{}

func (buildAlways) Postings(c *array.Dictionary) *Postings { return BuildPostings(c) }
