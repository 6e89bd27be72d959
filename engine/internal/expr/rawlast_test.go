package expr

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// countedTexts is a RawTexts over a _raw column that records the rows
// read.
type countedTexts struct {
	col  *array.String
	read []bool
	n    int
}

func (c *countedTexts) Text(i int) ([]byte, error) {
	c.read[i] = true
	c.n++
	return []byte(c.col.Value(i)), nil
}

// TestOrderRawLast: random search expressions of field terms, bare terms
// and _raw comparisons, under AND, OR and NOT, evaluated with the parts
// that read _raw last (OrderRawLast), the bare terms reading their texts
// on demand (PredState.SetRaw) and a random care mask (SetCare), give
// every row that matters the value of the expression as written,
// evaluated on every row from a _raw column; the texts read are only
// those of rows in care; and String is the expression as written.
func TestOrderRawLast(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	words := []string{"cmd.exe", "CMD.exe", "powershell.exe", "a", "ab", "", "7"}
	raws := []string{"C:\\Windows\\cmd.exe /c whoami", "powershell -enc AB", "<Event>net user</Event>", "", "whoami.exe", "a b c"}
	terms := []string{"whoami", "cmd", `"net user"`, "ab*", "*.exe", "TERM(a)", "CASE(AB)"}
	pats := []string{"cmd.exe", "*.exe", "a*", "*b*", "", "7"}
	fields := []string{"f", "g", "_raw"}
	mem := memory.NewGoAllocator()
	leafText := func() string {
		switch rng.IntN(6) {
		case 0, 1:
			return terms[rng.IntN(len(terms))]
		case 2:
			return fmt.Sprintf("_raw=%q", "*"+terms[rng.IntN(2)]+"*")
		}
		f := fields[rng.IntN(2)]
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("%s!=%q", f, pats[rng.IntN(len(pats))])
		}
		return fmt.Sprintf("%s=%q", f, pats[rng.IntN(len(pats))])
	}
	exprText := func(depth int) string { return randomExprText(rng, depth, leafText) }
	const rows = 60
	cols := make([]arrow.Array, 3)
	fs := make([]arrow.Field, 3)
	for c := range 2 {
		cols[c] = randomDictColumn(t, mem, rng, words, rows)
		fs[c] = arrow.Field{Name: fields[c], Type: cols[c].DataType(), Nullable: true}
	}
	sb := array.NewStringBuilder(mem)
	for range rows {
		sb.Append(raws[rng.IntN(len(raws))])
	}
	cols[2] = sb.NewArray()
	sb.Release()
	fs[2] = arrow.Field{Name: "_raw", Type: arrow.BinaryTypes.String}
	batch := array.NewRecordBatch(arrow.NewSchema(fs, nil), cols, rows)
	defer batch.Release()
	resolve := func(f string) int {
		for i, x := range fields {
			if x == f {
				return i
			}
		}
		return -1
	}
	swapped := 0
	for range 600 {
		text := exprText(4)
		c := &SearchCompiler{Mode: ModeRaw, Resolve: resolve, Raw: 2}
		p, err := c.Compile(parseSearch(t, text))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		q := OrderRawLast(p)
		if q.String() != p.String() {
			t.Fatalf("%s: String %s, want %s", text, q, p)
		}
		if q != p {
			swapped++
		}
		full := NewPredState(c.NLeaves)
		full.full = true
		want := make([]bool, rows)
		if err := p.Eval(full, batch, want); err != nil {
			t.Fatal(err)
		}
		care := make([]bool, rows)
		for i := range care {
			care[i] = rng.IntN(4) != 0
		}
		for _, cm := range [][]bool{nil, care} {
			st := NewPredState(c.NLeaves)
			src := &countedTexts{col: cols[2].(*array.String), read: make([]bool, rows)}
			st.SetRaw(src)
			st.SetCare(cm)
			got := make([]bool, rows)
			if err := q.Eval(st, batch, got); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if (cm == nil || cm[i]) && got[i] != want[i] {
					t.Fatalf("%s (as %s evaluated), row %d (care %v): %v, want %v", text, q, i, cm != nil, got[i], want[i])
				}
				if cm != nil && !cm[i] && src.read[i] {
					t.Fatalf("%s: read the text of row %d, outside care", text, i)
				}
			}
		}
	}
	if swapped < 100 {
		t.Fatalf("only %d of 600 expressions reordered", swapped)
	}
}

// TestOrderRawLastReadsNoText: a bare term in a conjunction (or after a
// disjunct) that the field terms decide reads no row's text, wherever it
// is written; where they do not decide a row, it reads that row's only.
func TestOrderRawLastReadsNoText(t *testing.T) {
	mem := memory.NewGoAllocator()
	ty := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	db := array.NewDictionaryBuilder(mem, ty).(*array.BinaryDictionaryBuilder)
	sb := array.NewStringBuilder(mem)
	for i := range 100 {
		code := "13"
		if i == 42 {
			code = "1"
		}
		if err := db.AppendString(code); err != nil {
			t.Fatal(err)
		}
		sb.Append("cmd.exe /c whoami")
	}
	codes, raw := db.NewArray(), sb.NewArray()
	db.Release()
	sb.Release()
	batch := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "EventCode", Type: ty}, {Name: "_raw", Type: arrow.BinaryTypes.String}}, nil), []arrow.Array{codes, raw}, 100)
	codes.Release()
	raw.Release()
	defer batch.Release()
	for _, tc := range []struct {
		search string
		reads  int
		hits   int
	}{
		{`EventCode=4688 whoami`, 0, 0},
		{`whoami EventCode=4688`, 0, 0},
		{`(whoami OR cmd) EventCode=4688`, 0, 0},
		{`whoami OR EventCode=13`, 1, 100},
		{`whoami EventCode=1`, 1, 1},
		{`NOT whoami EventCode=1`, 1, 0},
		{`EventCode=1 OR NOT (whoami AND EventCode=4688)`, 0, 100},
	} {
		// _raw is no column: the bare terms read it from src only.
		c := &SearchCompiler{Mode: ModeRaw, Resolve: func(f string) int {
			if f == "EventCode" {
				return 0
			}
			return -1
		}, Raw: -1}
		p, err := c.Compile(parseSearch(t, tc.search))
		if err != nil {
			t.Fatal(err)
		}
		st := NewPredState(c.NLeaves)
		src := &countedTexts{col: batch.Column(1).(*array.String), read: make([]bool, 100)}
		st.SetRaw(src)
		out := make([]bool, 100)
		if err := OrderRawLast(p).Eval(st, batch, out); err != nil {
			t.Fatal(err)
		}
		hits := 0
		for _, o := range out {
			if o {
				hits++
			}
		}
		if src.n != tc.reads || hits != tc.hits {
			t.Errorf("%s: %d texts read, %d rows kept; want %d and %d", tc.search, src.n, hits, tc.reads, tc.hits)
		}
	}
}
