package expr

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestPredCare: AND, OR and NOT evaluated with the rows that matter
// narrowed (PredState.care: the right side of AND where the left is true,
// each part of OR where none before is, a side no row needs skipped)
// give every row the mask of the evaluation of every part on every row,
// over random expressions on three dictionary columns with nulls,
// batches sharing a dictionary and batches of their own.
func TestPredCare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"cmd.exe", "CMD.exe", "powershell.exe", "a", "ab", "abc", "", "x y", "7", "10"}
	pats := []string{"cmd.exe", "*.exe", "a*", "*b*", "", "x*", "7", "ab", "*"}
	fields := []string{"f", "g", "h"}
	mem := memory.NewGoAllocator()
	var leafText func() string
	leafText = func() string {
		f := fields[rng.IntN(len(fields))]
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprintf("%s=%q", f, pats[rng.IntN(len(pats))])
		case 1:
			return fmt.Sprintf("%s!=%q", f, pats[rng.IntN(len(pats))])
		case 2:
			return fmt.Sprintf("%s IN (%q, %q)", f, pats[rng.IntN(len(pats))], pats[rng.IntN(len(pats))])
		default:
			return fmt.Sprintf("%s>%q", f, words[rng.IntN(len(words))])
		}
	}
	exprText := func(depth int) string { return randomExprText(rng, depth, leafText) }
	// batch builds n rows; shared reuses the dictionaries of prev.
	batch := func(n int) arrow.RecordBatch {
		cols := make([]arrow.Array, len(fields))
		fs := make([]arrow.Field, len(fields))
		for c := range fields {
			cols[c] = randomDictColumn(t, mem, rng, words, n)
			fs[c] = arrow.Field{Name: fields[c], Type: cols[c].DataType(), Nullable: true}
		}
		return array.NewRecordBatch(arrow.NewSchema(fs, nil), cols, int64(n))
	}
	for range 400 {
		text := exprText(4)
		c := &SearchCompiler{Mode: ModeResults, Resolve: func(f string) int {
			for i, x := range fields {
				if x == f {
					return i
				}
			}
			return -1
		}}
		p, err := c.Compile(parseSearch(t, text))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		narrow, full := NewPredState(c.NLeaves), NewPredState(c.NLeaves)
		full.full = true
		first := batch(40)
		batches := []arrow.RecordBatch{first, first.NewSlice(5, 30), batch(40), first}
		for bi, b := range batches {
			rows := int(b.NumRows())
			got, want := make([]bool, rows), make([]bool, rows)
			if err := p.Eval(narrow, b, got); err != nil {
				t.Fatal(err)
			}
			if err := p.Eval(full, b, want); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s, batch %d:\n got %v\nwant %v", text, bi, got, want)
			}
		}
		for _, b := range batches {
			b.Release()
		}
	}
}

// randomDictColumn returns a dictionary column of n rows, each a random
// one of words or, one time in six, null.
func randomDictColumn(t testing.TB, mem memory.Allocator, rng *rand.Rand, words []string, n int) arrow.Array {
	t.Helper()
	ty := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, ty).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for range n {
		if rng.IntN(6) == 0 {
			b.AppendNull()
		} else if err := b.AppendString(words[rng.IntN(len(words))]); err != nil {
			t.Fatal(err)
		}
	}
	return b.NewArray()
}

// randomExprText returns a random search expression of at most depth
// levels of AND, OR (of three) and NOT over leaves from leaf.
func randomExprText(rng *rand.Rand, depth int, leaf func() string) string {
	if depth == 0 || rng.IntN(3) == 0 {
		return leaf()
	}
	switch rng.IntN(3) {
	case 0:
		return "(" + randomExprText(rng, depth-1, leaf) + " AND " + randomExprText(rng, depth-1, leaf) + ")"
	case 1:
		parts := []string{randomExprText(rng, depth-1, leaf), randomExprText(rng, depth-1, leaf), randomExprText(rng, depth-1, leaf)}
		return "(" + strings.Join(parts, " OR ") + ")"
	default:
		return "NOT " + randomExprText(rng, depth-1, leaf)
	}
}
