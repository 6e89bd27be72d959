package engine

import (
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

// parseNumber reports whether s is a plain decimal number as Splunk
// recognises one in comparisons and numeric aggregates: an optional sign,
// digits with an optional fraction (at least one digit in all), and an
// optional exponent. Surrounding spaces, hexadecimal, "inf", "nan" and digit
// separators are not numbers.
func parseNumber(s string) (float64, bool) {
	if !looksNumeric(s) {
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

// looksNumeric is the syntax check of parseNumber, done without allocation.
func looksNumeric(s string) bool {
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
