package expr

import (
	"math/rand/v2"
	"slices"
	"testing"
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
