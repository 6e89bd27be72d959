package value

import (
	"bytes"
	"math"
	"strconv"
)

// FormatNumber renders a number the way Splunk prints it in results:
// integers without a fraction ("3", not "3.0"), the shortest decimal that
// round-trips otherwise ("0.5", "1626077464.547"), no exponent for ordinary
// magnitudes (1e-6 <= |f| < 1e21) and no trailing zeros. NaN renders as
// "nan" and the infinities as "inf" and "-inf" (spl-semantics §6.1); -0
// renders as "0".
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		return "0"
	}
	a := math.Abs(f)
	if a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// ParseNumber reports whether s is a plain decimal number as Splunk
// recognises one in comparisons and numeric aggregates: an optional sign,
// digits with an optional fraction (at least one digit in all), and an
// optional exponent. Surrounding spaces, hexadecimal, "inf", "nan" and digit
// separators are not numbers.
func ParseNumber(s string) (float64, bool) {
	if !LooksNumeric(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Only range errors are possible here; ParseFloat still returns
		// ±Inf or 0, which is the value Splunk would use as a double.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// LooksNumeric is the syntax check of parseNumber, done without allocation.
func LooksNumeric(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// TextDecimals returns the decimal places of the number text s (which
// ParseNumber accepts): the digits after the point less the exponent,
// never below 0 ("2.50" has 2, "1.5e-3" has 4, "1.5e3" has 0), or decFull
// when that is more than maxDecimals.
func TextDecimals(s string) int8 {
	frac, exp, i := 0, 0, 0
	for i < len(s) && s[i] != '.' && s[i] != 'e' && s[i] != 'E' {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			frac++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp < 1000 {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if neg {
			exp = -exp
		}
	}
	return clampDecimals(frac - exp)
}

// shortestDecimals returns the decimal places of f: the fewest d for
// which f is the float64 nearest a number of d decimals (1727705109.547
// has 3, as its shortest round-trip text), found by rounding f*10^d
// rather than by formatting f, which is several times slower. It is
// DecFull for NaN, the infinities, and when no d up to the precision of a
// float64 (f*10^d below 2^52) fits (1.0/3 has 16, 0.1+0.2 is full). It
// does not allocate.
func shortestDecimals(f float64) int8 {
	if f == math.Trunc(f) {
		if math.IsInf(f, 0) {
			return DecFull
		}
		return 0
	}
	for d := 1; d <= maxDecimals; d++ {
		p := pow10[d]
		x := f * p
		if !(math.Abs(x) < 1<<52) { // NaN included
			return DecFull
		}
		if math.Round(x)/p == f {
			return int8(d)
		}
	}
	return DecFull
}

// clampDecimals maps a count of decimal places to a precision: 0 for a
// negative count, decFull above maxDecimals.
func clampDecimals(d int) int8 {
	switch {
	case d < 0:
		return 0
	case d > maxDecimals:
		return DecFull
	}
	return int8(d)
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// RoundPlaces rounds f to d decimal places (half away from zero), the
// precision tracking of eval arithmetic: with d the decimals of an exact
// decimal sum, difference or product, the result is the float64 nearest
// that exact decimal (5810.877, not 5810.87700009346), since both the
// rounded f*10^d and 10^d are exact and the division is correctly
// rounded. f is returned unchanged for decFull, and when f*10^d is 2^52 or
// more, where a float64 has no digits to spare (NaN and ±Inf included).
func RoundPlaces(f float64, d int8) float64 {
	if d < 0 || int(d) >= len(pow10) {
		return f
	}
	p := pow10[d]
	x := f * p
	if !(math.Abs(x) < 1<<52) {
		return f
	}
	return math.Round(x) / p
}

// ProductDecimals is the precision of the product p = a * b, whose
// operands have da and db decimal places: the decimals that keep as many
// significant figures as the operand with the fewest, but never fewer than
// none (a product is not rounded into its integer digits). An operand
// without decimals (an integer: 3, 1024, a count) is exact and does not
// limit the figures; two integers give an integer. Full precision when
// either operand is.
//
// The Search Reference (Mathematical functions, sigfig) states the rule:
// "For multiplication and division, the result should have the minimum
// number of significant figures of all of the operands", and shows that *
// itself does not round into integer digits: "The calculation 1.00*1111
// returns the value n=1111, but ... sigfig returns n=1110". Splunk's
// community wiki (Community:BadMath) shows `eval a=3, c=0.5 | eval
// t=a*c` giving 2 and exact(a*c) 1.5, and the idelta write-up "Getting it
// right with Splunk" 0.014*0.23 giving 0.0032 (2 figures). That an integer
// operand is exact is the choice that agrees with all of these and with
// the products measured on Splunk Answers ("Why is Splunk sometimes
// rounding to the next integer?"): 2*0.90 is 1.8, 2*0.9 is 2, 1100*0.9 is
// 990, 2.1*1024 is 2150, 2.1000*1024 is 2150.4. Division is not rounded
// (the docs describe sigfig(), not /; the wiki's 3/2 is 1.5).
func ProductDecimals(a, b float64, da, db int8) int8 {
	switch {
	case da < 0 || db < 0:
		return DecFull
	case da == 0 && db == 0:
		return 0
	}
	p := a * b
	if p == 0 || math.IsInf(p, 0) || math.IsNaN(p) {
		return 0
	}
	sig := math.MaxInt
	if da > 0 {
		sig = sigFigs(a, da)
	}
	if db > 0 {
		sig = min(sig, sigFigs(b, db))
	}
	return clampDecimals(sig - 1 - decimalExponent(p))
}

// sigFigs returns the significant figures of the number x written with d
// decimal places: the digits from its leading one to its last decimal
// ("0.014" has 2, "1.00" 3, "1024.0" 5), at least 1.
func sigFigs(x float64, d int8) int {
	if x == 0 {
		return 1
	}
	return max(1, decimalExponent(x)+1+int(d))
}

// decimalExponent returns the power of ten of x's leading digit,
// floor(log10|x|) (x must be finite and non-zero). Within 1e-22..1e22 it
// compares with the exact powers of pow10 (a few comparisons, several
// times faster than math.Log10 on the * hot path); beyond, the exponent
// of x's shortest decimal form (math.Log10 is off near the powers of ten
// and for subnormals, and math.Pow10(-23) is not the float64 1e-23).
func decimalExponent(x float64) int {
	x = math.Abs(x)
	last := len(pow10) - 1
	switch {
	case x >= 1 && x < pow10[last]:
		e := 0
		for x >= pow10[e+1] {
			e++
		}
		return e
	case x < 1 && x*pow10[last] >= 1:
		k := 1
		for x*pow10[k] < 1 {
			k++
		}
		return -k
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], x, 'e', -1, 64) // "1e-23", "1.7e+308"
	e, _ := strconv.Atoi(string(b[bytes.LastIndexByte(b, 'e')+1:]))
	return e
}
