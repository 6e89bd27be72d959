package expr

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestListAgainstRows checks a leaf on a list<utf8> column (a multivalue
// field) tested whole (evalList: every value at once, then each row's
// any) and, where few rows matter, row by row over those rows, against
// the row-by-row test of every row (PredState.full): over random rows
// with nulls, empty lists, null values and several values, for =, !=,
// IN, globs, CASE(), orderings and NOT, on the batch and on slices of it.
func TestListAgainstRows(t *testing.T) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(21, 22))
	words := []string{"cmd.exe", "CMD.EXE", "powershell.exe", "whoami", "a", "", "\u212aey", "net user", "10", "9"}
	lb := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	vb := lb.ValueBuilder().(*array.StringBuilder)
	const rows = 3000
	for range rows {
		switch rng.IntN(8) {
		case 0:
			lb.AppendNull()
		case 1:
			lb.Append(true) // empty
		default:
			lb.Append(true)
			for range 1 + rng.IntN(3) {
				if rng.IntN(10) == 0 {
					vb.AppendNull()
				} else {
					vb.Append(words[rng.IntN(len(words))])
				}
			}
		}
	}
	col := lb.NewArray()
	lb.Release()
	b := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "f", Type: col.DataType(), Nullable: true}}, nil), []arrow.Array{col}, rows)
	col.Release()
	defer b.Release()
	for _, q := range []string{
		`f="cmd.exe"`, `f="*.exe"`, `f!="*.exe"`, `NOT f="*.exe"`, `f IN ("whoami", "a", "net*")`,
		`f IN ("whoami", "cmd.exe")`, `f=*`, `f=""`, `f!=""`, `f="*key*"`, `f=CASE(CMD.EXE)`, `f!=CASE(*.exe)`,
		`f>9`, `f<="b"`, `f="*.exe" OR f=whoami`, `f="*.exe" f!=whoami`,
	} {
		compile := func() (Pred, *PredState) {
			c := &SearchCompiler{Mode: ModeResults, Resolve: func(string) int { return 0 }}
			p, err := c.Compile(parseSearch(t, q))
			if err != nil {
				t.Fatal(err)
			}
			return p, NewPredState(c.NLeaves)
		}
		for _, sl := range [][2]int64{{0, rows}, {17, 2900}, {2999, 3000}, {5, 5}} {
			batch := b.NewSlice(sl[0], sl[1])
			n := int(batch.NumRows())
			p, ref := compile()
			ref.full = true
			want := make([]bool, n)
			if err := p.Eval(ref, batch, want); err != nil {
				t.Fatal(err)
			}
			_, st := compile()
			whole := make([]bool, n)
			if err := p.Eval(st, batch, whole); err != nil {
				t.Fatal(err)
			}
			care := make([]bool, n)
			for i := range care {
				care[i] = rng.IntN(10) == 0
			}
			_, sc := compile()
			sc.SetCare(care)
			sparse := make([]bool, n)
			if err := p.Eval(sc, batch, sparse); err != nil {
				t.Fatal(err)
			}
			kept := 0
			for i := range want {
				if whole[i] != want[i] {
					t.Fatalf("%s, slice %v, row %d: whole %v, row by row %v", q, sl, i, whole[i], want[i])
				}
				if care[i] && sparse[i] != want[i] {
					t.Fatalf("%s, slice %v, row %d: few rows mattering %v, row by row %v", q, sl, i, sparse[i], want[i])
				}
				if want[i] {
					kept++
				}
			}
			batch.Release()
			if sl == [2]int64{0, rows} && (kept == 0 || kept == rows) {
				t.Errorf("%s keeps %d of %d rows; the case needs some of each", q, kept, rows)
			}
		}
	}
}
