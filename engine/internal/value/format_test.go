package value

import (
	"math"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{3, "3"}, {0.5, "0.5"}, {1626077464.547, "1626077464.547"}, {-2, "-2"},
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1e15, "1000000000000000"},
		{123456789012, "123456789012"}, {0.30000000000000004, "0.30000000000000004"},
		{1e-7, "1e-07"}, {1e21, "1e+21"}, {math.NaN(), "nan"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
		{2.50, "2.5"},
	}
	for _, tc := range tests {
		if got := FormatNumber(tc.in); got != tc.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"-1.5", -1.5, true}, {"+2", 2, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"1e3", 1000, true}, {"1E-2", 0.01, true}, {"", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"0x10", 0, false}, {"inf", 0, false}, {"NaN", 0, false}, {"1_000", 0, false}, {"1e", 0, false},
		{".", 0, false}, {"-", 0, false}, {"abc", 0, false}, {"0x0", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseNumber(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDecimals(t *testing.T) {
	tests := []struct {
		text string
		want int8
	}{
		{"5", 0}, {"-5", 0}, {"2.50", 2}, {"1727705109.547", 3}, {".5", 1}, {"5.", 0},
		{"1.5e-3", 4}, {"1.5E3", 0}, {"15e-1", 1}, {"+0.25e+1", 1},
		{"0.000000000000000001", DecFull}, {"1e-400", DecFull},
	}
	for _, tc := range tests {
		if got := TextDecimals(tc.text); got != tc.want {
			t.Errorf("TextDecimals(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	floats := []struct {
		f    float64
		want int8
	}{
		{0, 0}, {42, 0}, {-42, 0}, {1e21, 0}, {1727705109.547, 3}, {-1727699298.67, 2},
		{0.1, 1}, {2.5e-7, 8}, {1.0 / 3, 16}, {1e-20, DecFull},
		{math.NaN(), DecFull}, {math.Inf(1), DecFull}, {math.Inf(-1), DecFull},
	}
	for _, tc := range floats {
		if got := shortestDecimals(tc.f); got != tc.want {
			t.Errorf("shortestDecimals(%v) = %d, want %d", tc.f, got, tc.want)
		}
	}
}

func TestRoundPlaces(t *testing.T) {
	// Variables, so that the sums are float64 operations, not exact
	// constant arithmetic.
	last, first, a, b, c := 1727705109.547, 1727699298.67, 0.1, 0.2, 1.1
	tests := []struct {
		f    float64
		d    int8
		want string
	}{
		{last - first, 3, "5810.877"},
		{last - first, DecFull, "5810.8769998550415"},
		{a + b, 1, "0.3"},
		{c * c, 2, "1.21"},
		{-2.5, 0, "-3"},
		{2.675, 2, "2.68"}, // an exact decimal in the text, not the binary value
		{a + b, DecFull, "0.30000000000000004"},
		{1e300 * 10, 2, "1e+301"},
		{4503599627370495.5, 1, "4503599627370495.5"}, // 2^52 - 0.5: no digits to spare
		{math.Inf(1), 3, "inf"},
		{math.NaN(), 3, "nan"},
	}
	for _, tc := range tests {
		if got := FormatNumber(RoundPlaces(tc.f, tc.d)); got != tc.want {
			t.Errorf("roundPlaces(%v, %d) = %s, want %s", tc.f, tc.d, got, tc.want)
		}
	}
}

func TestDecimalsNoAlloc(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = shortestDecimals(1727705109.547)
		_ = TextDecimals("1727699298.67")
		_ = RoundPlaces(5810.877000001, 3)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}

// TestShortestDecimalsAgreesWithText checks shortestDecimals against the
// Decimals of the shortest round-trip text on times, prices and sums.
func TestShortestDecimalsAgreesWithText(t *testing.T) {
	var vals []float64
	for i := 0; i < 20000; i++ {
		vals = append(vals,
			1727699298+float64(i)/1000, // epoch seconds with milliseconds
			float64(i)/100,             // prices
			float64(i)*0.1+0.2,         // float sums
			-float64(i)/7,              // repeating fractions
			float64(i)*1e-9,            // small values
		)
	}
	for _, f := range vals {
		want := TextDecimals(FormatNumber(f))
		if math.Abs(f) < 1e-6 && f != 0 {
			continue // exponent form: compared through textDecimals anyway
		}
		// Full precision stands for a text of 16 or 17 significant digits,
		// where a float64 has no decimal to spare.
		if got := shortestDecimals(f); got != want && !(got == DecFull && sigDigits(FormatNumber(f)) >= 16) {
			t.Fatalf("shortestDecimals(%v) = %d, text %s has %d", f, got, FormatNumber(f), want)
		}
	}
}

// sigDigits counts the significant digits of a plain decimal text.
func sigDigits(s string) int {
	n, lead := 0, true
	for _, ch := range s {
		switch {
		case ch == '0' && lead:
		case ch >= '0' && ch <= '9':
			n++
			lead = false
		}
	}
	return n
}

// TestDecimalExponent pins floor(log10|x|) at the powers of ten, where the
// table scan and the math.Log10 fallback meet, and sigFigs on the texts of
// productDecimals' examples.
func TestDecimalExponent(t *testing.T) {
	tests := []struct {
		x    float64
		want int
	}{
		{1, 0}, {9.999, 0}, {10, 1}, {99, 1}, {100, 2}, {1727705109.547, 9},
		{1e21, 21}, {9.99e21, 21}, {1e22, 22}, {1e23, 23}, {1.7e308, 308},
		{0.5, -1}, {0.1, -1}, {0.099, -2}, {0.01, -2}, {0.014, -2}, {0.00322, -3},
		{1e-22, -22}, {1e-23, -23}, {5e-324, -324},
	}
	for _, tc := range tests {
		for _, x := range []float64{tc.x, -tc.x} {
			if got := decimalExponent(x); got != tc.want {
				t.Errorf("decimalExponent(%g) = %d, want %d", x, got, tc.want)
			}
		}
	}
	for _, tc := range []struct {
		text string
		want int
	}{{"0.014", 2}, {"0.23", 2}, {"0.230", 3}, {"1.00", 3}, {"1024.0", 5}, {"0.5", 1}, {"2.10000", 6}, {"1.5e-3", 2}} {
		f, _ := ParseNumber(tc.text)
		if got := sigFigs(f, TextDecimals(tc.text)); got != tc.want {
			t.Errorf("sigFigs(%s) = %d, want %d", tc.text, got, tc.want)
		}
	}
}
