package engine

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file holds the aggregate functions of stats and eventstats. Each
// group of each function has one statsAcc; values are fed one at a time
// (every value of a multivalue counts as a value), already split into
// their text and, when they are numbers, their numeric value.
//
// Choices on points the reference leaves open:
//   - count(f) counts values, so a multivalue row counts once per value;
//     count(eval(cond)) counts the rows where cond is true (null is not).
//   - values(f) is the distinct values sorted byte-wise (as tstats);
//     list(f) keeps every value in input order, the first 100.
//   - first(f)/last(f) are the first/last non-null value in input order (all
//     values of that row when it is a multivalue).
//   - min/max: numbers before strings, as tstats (aggstate.go).
//   - sum, avg, range, var, varp, stdev, stdevp, median, perc, sumsq use
//     the numeric values only, and are null when a group has none. var and
//     stdev (sample) are null with fewer than two values. The variances
//     are computed in two passes over the kept values (mean first), which
//     is exact where a running sum of squares loses digits.
//   - median of an even number of values is the higher of the two middle
//     values (Splunk's stats page: the median of an even count "is
//     approximated to the higher of the two values").
//   - percN, pN, exactpercN and upperpercN (0 <= N <= 100) interpolate
//     linearly between the closest ranks: rank p/100*(n-1) over the sorted
//     values (Splunk's own example: perc25 of 1..10 is 3.25). They are
//     exact at every size; Splunk approximates perc beyond 1000 values.
//   - mode is the most frequent value as text; ties go to the value seen
//     first.
//   - earliest/latest take the value on the row with the least/greatest
//     _time (input order breaks ties: the first for earliest, the last for
//     latest); without a _time column they are null.
//   - dc, distinct_count and estdc are exact distinct counts.

// statsFuncKind is the canonical aggregate.
type statsFuncKind uint8

const (
	fnCount statsFuncKind = iota
	fnDC
	fnValues
	fnList
	fnFirst
	fnLast
	fnMin
	fnMax
	fnSum
	fnAvg
	fnRange
	fnVar
	fnVarp
	fnStdev
	fnStdevp
	fnSumsq
	fnMedian
	fnPerc
	fnMode
	fnEarliest
	fnLatest
)

var statsFuncNames = map[string]statsFuncKind{
	"count": fnCount, "c": fnCount, "dc": fnDC, "distinct_count": fnDC, "estdc": fnDC,
	"values": fnValues, "list": fnList, "first": fnFirst, "last": fnLast,
	"min": fnMin, "max": fnMax, "sum": fnSum, "avg": fnAvg, "mean": fnAvg,
	"range": fnRange, "var": fnVar, "varp": fnVarp, "stdev": fnStdev, "stdevp": fnStdevp,
	"sumsq": fnSumsq, "median": fnMedian, "mode": fnMode,
	"earliest": fnEarliest, "latest": fnLatest,
}

// unsupportedStatsFuncs are Splunk stats functions minispl does not have.
var unsupportedStatsFuncs = map[string]bool{
	"estdc_error": true, "earliest_time": true, "latest_time": true, "rate": true,
	"per_second": true, "per_minute": true, "per_hour": true, "per_day": true,
}

var statsPercRE = regexp.MustCompile(`^(?:perc|p|exactperc|upperperc)([0-9]+(?:\.[0-9]+)?)$`)

// lookupStatsFunc returns the kind of fn and, for percentiles, the rank.
func lookupStatsFunc(fn string) (statsFuncKind, float64, error) {
	if k, ok := statsFuncNames[fn]; ok {
		return k, 0, nil
	}
	if m := statsPercRE.FindStringSubmatch(fn); m != nil {
		p, _ := strconv.ParseFloat(m[1], 64)
		if p > 100 {
			return 0, 0, fmt.Errorf("percentile %s is above 100", m[1])
		}
		return fnPerc, p, nil
	}
	if unsupportedStatsFuncs[fn] {
		return 0, 0, fmt.Errorf("stats function %s() is not implemented by minispl", fn)
	}
	return 0, 0, fmt.Errorf("unknown stats function %s()", fn)
}

// listCap is list()'s value limit.
const listCap = 100

// statsAcc is the state of one function for one group.
type statsAcc struct {
	n      int64 // counted values (count, numeric n)
	sum    float64
	sumsq  float64
	hasNum bool
	num    float64 // min or max number
	hasStr bool
	str    string // min or max string
	vals   []string
	nums   []float64
	set    map[string]int // dc/values/mode: value -> first-seen order or count
	order  []string       // mode: first-seen order
	has    bool
	t      float64
	lo, hi float64 // range
}

// add feeds one value.
func (a *statsAcc) add(k statsFuncKind, s string, f float64, isNum bool) {
	switch k {
	case fnCount:
		a.n++
	case fnDC, fnValues:
		if a.set == nil {
			a.set = map[string]int{}
		}
		if _, ok := a.set[s]; !ok {
			a.set[strings.Clone(s)] = len(a.set)
		}
	case fnMode:
		if a.set == nil {
			a.set = map[string]int{}
		}
		if c, ok := a.set[s]; ok {
			a.set[s] = c + 1
		} else {
			s = strings.Clone(s)
			a.set[s] = 1
			a.order = append(a.order, s)
		}
	case fnList:
		if len(a.vals) < listCap {
			a.vals = append(a.vals, strings.Clone(s))
		}
	case fnMin, fnMax:
		mx := k == fnMax
		if isNum {
			if !a.hasNum || (mx && f > a.num) || (!mx && f < a.num) {
				a.hasNum, a.num = true, f
			}
		} else if !a.hasStr || (mx && s > a.str) || (!mx && s < a.str) {
			a.hasStr, a.str = true, strings.Clone(s)
		}
	case fnSum, fnAvg, fnSumsq, fnVar, fnVarp, fnStdev, fnStdevp, fnRange:
		if !isNum {
			return
		}
		if a.n == 0 || f < a.lo {
			a.lo = f
		}
		if a.n == 0 || f > a.hi {
			a.hi = f
		}
		a.n++
		a.sum += f
		a.sumsq += f * f
		if k != fnSum && k != fnAvg && k != fnSumsq {
			a.nums = append(a.nums, f)
		}
	case fnMedian, fnPerc:
		if isNum {
			a.nums = append(a.nums, f)
		}
	}
}

// result writes the group's result into row r of out.
func (a *statsAcc) result(k statsFuncKind, pct float64, out *Vector, r int) {
	switch k {
	case fnCount:
		out.SetNum(r, float64(a.n))
	case fnDC:
		out.SetNum(r, float64(len(a.set)))
	case fnValues:
		if len(a.set) == 0 {
			return
		}
		vs := make([]string, 0, len(a.set))
		for s := range a.set {
			vs = append(vs, s)
		}
		slices.Sort(vs)
		out.SetValues(r, vs)
	case fnList, fnFirst, fnLast:
		out.SetValues(r, a.vals)
	case fnMin, fnMax:
		switch {
		case k == fnMin && a.hasNum, k == fnMax && a.hasNum && !a.hasStr:
			out.SetNum(r, a.num)
		case a.hasStr:
			out.SetStr(r, a.str)
		}
	case fnSum, fnAvg, fnSumsq, fnRange, fnVar, fnVarp, fnStdev, fnStdevp:
		if a.n == 0 {
			return
		}
		n := float64(a.n)
		switch k {
		case fnSum:
			out.SetNum(r, a.sum)
		case fnAvg:
			out.SetNum(r, a.sum/n)
		case fnSumsq:
			out.SetNum(r, a.sumsq)
		case fnRange:
			out.SetNum(r, a.hi-a.lo)
		case fnVar, fnVarp, fnStdev, fnStdevp:
			sample := k == fnVar || k == fnStdev
			if sample && a.n < 2 {
				return
			}
			mean, m2 := a.sum/n, 0.0
			for _, x := range a.nums {
				m2 += (x - mean) * (x - mean)
			}
			if sample {
				n--
			}
			v := m2 / n
			if k == fnStdev || k == fnStdevp {
				v = math.Sqrt(v)
			}
			out.SetNum(r, v)
		}
	case fnMedian, fnPerc:
		if len(a.nums) == 0 {
			return
		}
		slices.Sort(a.nums)
		if k == fnMedian {
			out.SetNum(r, a.nums[len(a.nums)/2])
			return
		}
		out.SetNum(r, percentile(a.nums, pct))
	case fnMode:
		best, bc := "", 0
		for _, s := range a.order {
			if c := a.set[s]; c > bc {
				best, bc = s, c
			}
		}
		if bc > 0 {
			out.SetText(r, best)
		}
	case fnEarliest, fnLatest:
		if a.has {
			out.SetValues(r, a.vals)
		}
	}
}

// percentile interpolates linearly at rank p/100*(n-1) of sorted xs.
func percentile(xs []float64, p float64) float64 {
	rank := p / 100 * float64(len(xs)-1)
	lo := int(math.Floor(rank))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (rank-float64(lo))*(xs[hi]-xs[lo])
}

// addRow feeds the row-level functions that keep a whole row's values
// (first, last, earliest, latest); vals are the row's values, t its _time.
func (a *statsAcc) addRow(k statsFuncKind, vals []string, t float64, hasT bool) {
	keep := false
	switch k {
	case fnFirst:
		keep = !a.has
	case fnLast:
		keep = true
	case fnEarliest:
		keep = hasT && (!a.has || t < a.t)
	case fnLatest:
		keep = hasT && (!a.has || t >= a.t)
	}
	if !keep {
		return
	}
	a.has, a.t = true, t
	a.vals = a.vals[:0]
	for _, s := range vals {
		a.vals = append(a.vals, strings.Clone(s))
	}
}

// rowLevel reports whether k takes whole rows (addRow) rather than values.
func (k statsFuncKind) rowLevel() bool {
	return k == fnFirst || k == fnLast || k == fnEarliest || k == fnLatest
}

// compareGroupKeys orders BY tuples as tstats does: byte-wise, except that
// the columns listed in numeric compare as numbers.
func compareGroupKeys(x, y []string, numeric []bool) int {
	for i := range x {
		if numeric[i] {
			fx, okx := parseNumber(x[i])
			fy, oky := parseNumber(y[i])
			if okx && oky {
				if c := cmp.Compare(fx, fy); c != 0 {
					return c
				}
				continue
			}
		}
		if c := strings.Compare(x[i], y[i]); c != 0 {
			return c
		}
	}
	return 0
}
