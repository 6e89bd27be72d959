package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/minispl/minispl/engine/internal/value"
)

// numFunc is a one-number function; f reports false for no result (null).
func numFunc(f func(float64) (float64, bool)) *funcSpec {
	return &funcSpec{min: 1, max: 1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return func(c *Ctx, a []*value.Vector, out *value.Vector) {
			x := a[0]
			for i, k := range x.Kinds {
				if k != value.KindNumber {
					continue
				}
				if r, ok := f(x.Nums[i]); ok {
					out.SetNum(i, r)
				}
			}
		}, nil
	}}
}

func always(f func(float64) float64) func(float64) (float64, bool) {
	return func(x float64) (float64, bool) { return f(x), true }
}

// piSplunk is pi to the 11 decimal places pi() returns.
const piSplunk = 3.14159265359

func addMathFuncs(m map[string]*funcSpec) {
	m["abs"] = numFunc(always(math.Abs))
	m["floor"] = numFunc(always(math.Floor))
	m["ceil"] = numFunc(always(math.Ceil))
	m["ceiling"] = m["ceil"]
	m["exp"] = numFunc(always(math.Exp))
	m["exact"] = numFunc(always(func(x float64) float64 { return x }))
	m["sqrt"] = numFunc(func(x float64) (float64, bool) { return math.Sqrt(x), x >= 0 })
	m["ln"] = numFunc(func(x float64) (float64, bool) { return math.Log(x), x > 0 })
	// pi(): the Search Reference (Mathematical functions, pi) says "This
	// function takes no arguments and returns the constant pi to 11 digits
	// of precision"; read as 11 decimal places, 3.14159265359, carried as a
	// number of 11 decimals for the precision of + - and *.
	m["pi"] = &funcSpec{min: 0, max: 0, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(_ []*value.Vector, i int, out *value.Vector) { out.SetNumDec(i, piSplunk, 11) }), nil
	}}
	m["log"] = &funcSpec{min: 1, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			x, ok := a[0].Num(i)
			base, ok2 := optNum(a, 1, i, 10)
			if !ok2 || base <= 0 || base == 1 {
				return
			}
			if ok && x > 0 {
				out.SetNum(i, math.Log(x)/math.Log(base))
			}
		}), nil
	}}
	m["pow"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			x, ok := a[0].Num(i)
			y, ok2 := a[1].Num(i)
			if ok && ok2 {
				if r := math.Pow(x, y); !math.IsNaN(r) {
					out.SetNum(i, r)
				}
			}
		}), nil
	}}
	m["round"] = &funcSpec{min: 1, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			x, ok := a[0].Num(i)
			if !ok {
				return
			}
			n, ok := optNum(a, 1, i, 0)
			if !ok {
				return
			}
			out.SetNum(i, roundDecimal(x, int(n)))
		}), nil
	}}
	m["min"] = &funcSpec{min: 1, max: -1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) { minMax(a, i, out, false) }), nil
	}}
	m["max"] = &funcSpec{min: 1, max: -1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) { minMax(a, i, out, true) }), nil
	}}
}

// minMax is min() and max() over every value of every argument, nulls
// ignored. As in tstats, numbers order before strings: min is the least
// number if any (else the least string, byte-wise), max the greatest string
// if any (else the greatest number). NaN, unordered with every number, is
// the result only when no other number is given.
func minMax(a []*value.Vector, i int, out *value.Vector, isMax bool) {
	var best scalar
	found := false
	better := func(x scalar) bool {
		if !found {
			return true
		}
		xn, bn := x.kind == value.KindNumber, best.kind == value.KindNumber
		if xn != bn {
			// numbers < strings
			return xn != isMax
		}
		if xn && math.IsNaN(best.num) {
			return true // any number beats NaN, which orders with none
		}
		c := compareScalars(x, best)
		if isMax {
			return c == 1
		}
		return c == -1
	}
	for _, v := range a {
		if v.IsNull(i) {
			continue
		}
		for _, x := range valuesOf(v, i) {
			if better(x) {
				best, found = x, true
			}
		}
	}
	if !found {
		return
	}
	switch {
	case best.kind == value.KindNumber && best.text:
		out.Kinds[i], out.Nums[i], out.Strs[i] = value.KindNumber, best.num, best.str
	case best.kind == value.KindNumber:
		out.SetNum(i, best.num)
	default:
		out.SetStr(i, best.str)
	}
}

// roundDecimal rounds f to n decimals, half away from zero, on the shortest
// decimal text of f rather than on its binary value, so round(2.555, 2) is
// 2.56 as in Splunk (a float multiply gives 2.55). A negative n rounds to
// tens, hundreds... with math.Round.
func roundDecimal(f float64, n int) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	if n < 0 {
		p := math.Pow(10, float64(-n))
		return math.Round(f/p) * p
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	dot := strings.IndexByte(s, '.')
	if dot < 0 || len(s)-dot-1 <= n {
		return f
	}
	digits := []byte(s[:dot] + s[dot+1:dot+1+n])
	if s[dot+1+n] >= '5' {
		k := len(digits) - 1
		for k >= 0 && digits[k] == '9' {
			digits[k] = '0'
			k--
		}
		if k < 0 {
			digits = append([]byte{'1'}, digits...)
			dot++
		} else {
			digits[k]++
		}
	}
	txt := string(digits[:dot]) + "." + string(digits[dot:])
	r, err := strconv.ParseFloat(txt, 64)
	if err != nil {
		return f
	}
	if f < 0 {
		r = -r
	}
	return r
}
