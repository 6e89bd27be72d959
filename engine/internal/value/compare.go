package value

// Unordered is CompareFloat's result when a side is NaN.
const Unordered = 2

// CompareFloat compares two numbers: -1, 0 or 1, or Unordered when either
// is NaN. NaN, which arithmetic can produce (inf - inf) and a float64
// column can hold, follows IEEE 754 as Go's comparisons do: it equals no
// number, itself included, and is neither less nor greater than any, so
// = < <= > >= are false and != is true. The IN hash sets agree (a NaN key
// matches no member). Callers test the result with == against -1, 0 and
// 1 (cmpResult, leaf.order), never with < 0 or > 0.
func CompareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return Unordered
}
