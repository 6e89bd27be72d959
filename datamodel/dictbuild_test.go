package datamodel

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestDictBuilderMatchesArrow appends the same rows to a dictBuilder and
// to arrow's BinaryDictionaryBuilder (the builder the datasets used
// before) and checks that every batch is the same array: length, nulls,
// dictionary values in order and each row's index. The rows mix nulls,
// empty values, runs of one value, a few values and many distinct ones
// (so that the memo table grows), and runs of nulls at a batch's start
// or filling it, over several batches.
func TestDictBuilderMatchesArrow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mem := memory.NewGoAllocator()
	ref := array.NewDictionaryBuilder(mem, dictType()).(*array.BinaryDictionaryBuilder)
	defer ref.Release()
	b := newDictBuilder()
	// Each batch: its rows, and how many of them first are null (a
	// column null for the first EventIDs of a batch, or for all).
	for batch, bt := range [][2]int{{0, 0}, {1, 0}, {7, 0}, {3000, 0}, {20000, 0}, {5, 0}, {4, 4}, {300, 100}, {1, 1}, {70000, 0}, {2000, 2000}, {10, 3}} {
		rows, lead := bt[0], bt[1]
		for i := 0; i < rows; i++ {
			var v []byte
			switch r := rng.IntN(10); {
			case r == 0 || i < lead:
				b.appendNull()
				ref.AppendNull()
				continue
			case r == 1:
				v = []byte{}
			case r < 5:
				v = fmt.Appendf(nil, "few%d", rng.IntN(5))
			case r < 7:
				v = fmt.Appendf(nil, "%d", batch) // a run
			default:
				v = fmt.Appendf(nil, `HKLM\System\CurrentControlSet\Services\%d`, rng.IntN(1<<20))
			}
			b.append(v)
			if err := ref.Append(v); err != nil {
				t.Fatal(err)
			}
		}
		got, want := b.newArray(), ref.NewDictionaryArray()
		ref.ResetFull()
		if got.Len() != want.Len() || got.NullN() != want.NullN() {
			t.Fatalf("batch %d: %d rows, %d null; want %d, %d", batch, got.Len(), got.NullN(), want.Len(), want.NullN())
		}
		gd, wd := got.Dictionary().(*array.String), want.Dictionary().(*array.String)
		if gd.Len() != wd.Len() {
			t.Fatalf("batch %d: dictionary of %d values, want %d", batch, gd.Len(), wd.Len())
		}
		for k := 0; k < gd.Len(); k++ {
			if gd.Value(k) != wd.Value(k) || gd.IsNull(k) != wd.IsNull(k) {
				t.Fatalf("batch %d: dictionary value %d is %q, want %q", batch, k, gd.Value(k), wd.Value(k))
			}
		}
		for i := 0; i < got.Len(); i++ {
			if got.IsNull(i) != want.IsNull(i) || (!got.IsNull(i) && got.GetValueIndex(i) != want.GetValueIndex(i)) {
				t.Fatalf("batch %d row %d: index %d (null %v), want %d (null %v)", batch, i,
					got.GetValueIndex(i), got.IsNull(i), want.GetValueIndex(i), want.IsNull(i))
			}
		}
		if !array.Equal(got, want) {
			t.Fatalf("batch %d: array.Equal says the arrays differ", batch)
		}
		got.Release()
		want.Release()
	}
}

// TestIndexEventEnd compares indexEventEnd with bytes.Index on random
// texts of '<', '/', "</Event>" pieces and letters, of every length up
// to 40 and longer, the tag at every offset from a word's start.
func TestIndexEventEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"<", "/", "</", "</Event>", "</Event", "Event>", "E", "x", "<Event>", "\\n", "\xff"}
	for n := 0; n < 20000; n++ {
		var b []byte
		for len(b) < rng.IntN(60) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		if n%7 == 0 {
			b = append(bytes.Repeat([]byte("<a>x</a>"), rng.IntN(200)), b...)
		}
		want := bytes.Index(b, []byte("</Event>"))
		if want >= 0 {
			want += len("</Event>")
		}
		if got := indexEventEnd(b); got != want {
			t.Fatalf("indexEventEnd(%q) = %d, want %d", b, got, want)
		}
	}
}

// TestCivilDaysMatchesTime compares parseUtcTime, which counts days
// itself, with time.Date on every day (and the day after each month's
// last) of years around the leap-year rules, at a few times of day.
func TestCivilDaysMatchesTime(t *testing.T) {
	for _, y := range []int{0, 1, 4, 99, 100, 400, 1600, 1700, 1900, 1969, 1970, 1972, 2000, 2023, 2024, 2100, 9999} {
		for mo := 1; mo <= 12; mo++ {
			for d := 0; d <= 32; d++ {
				for _, hms := range [][4]int{{0, 0, 0, 0}, {23, 59, 59, 999}, {12, 30, 5, 7}} {
					in := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d.%03d", y, mo, d, hms[0], hms[1], hms[2], hms[3])
					got, ok := parseUtcTime([]byte(in))
					tt := time.Date(y, time.Month(mo), d, hms[0], hms[1], hms[2], hms[3]*int(time.Millisecond), time.UTC)
					wantOK := d >= 1 && tt.Day() == d
					if ok != wantOK || (ok && got != tt.UnixMilli()) {
						t.Fatalf("parseUtcTime(%q) = %d, %v; want %d, %v", in, got, ok, tt.UnixMilli(), wantOK)
					}
				}
			}
		}
	}
}
