package agg

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/minispl/minispl/spl"
)

// This file names the aggregate functions of tstats, stats and
// eventstats; their states, shared by the three commands, are in
// aggstate.go. Every value of a multivalue counts as a value.
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
//   - earliest_time(f)/latest_time(f) are the _time, in epoch seconds, of
//     the row earliest/latest would pick; rate(f) is Splunk's documented
//     (latest(f) - earliest(f)) / (latest_time(f) - earliest_time(f)),
//     null unless both values are numbers and the two times differ.

// Func is the canonical aggregate.
type Func uint8

const (
	Count Func = iota
	DC
	Values
	List
	First
	Last
	Min
	Max
	Sum
	Avg
	Range
	Var
	Varp
	Stdev
	Stdevp
	Sumsq
	Median
	Perc
	Mode
	Earliest
	Latest
	EarliestTime
	LatestTime
	Rate
)

// NeedsTime reports whether function k reads the _time of each row
// (Batch.Times).
func (k Func) NeedsTime() bool {
	switch k {
	case Earliest, Latest, EarliestTime, LatestTime, Rate:
		return true
	}
	return false
}

var statsFuncNames = map[string]Func{
	"count": Count, "c": Count, "dc": DC, "distinct_count": DC, "estdc": DC,
	"values": Values, "list": List, "first": First, "last": Last,
	"min": Min, "max": Max, "sum": Sum, "avg": Avg, "mean": Avg,
	"range": Range, "var": Var, "varp": Varp, "stdev": Stdev, "stdevp": Stdevp,
	"sumsq": Sumsq, "median": Median, "mode": Mode,
	"earliest": Earliest, "latest": Latest,
	"earliest_time": EarliestTime, "latest_time": LatestTime, "rate": Rate,
}

// unsupportedStatsFuncs are Splunk stats functions minispl does not have.
var unsupportedStatsFuncs = map[string]bool{
	"estdc_error": true, "per_second": true, "per_minute": true, "per_hour": true, "per_day": true,
}

// tstatsFuncs are the functions tstats takes (spl-semantics §1.4), other
// than the percentiles perc<N>, exactperc<N> and upperperc<N>. The stats
// names c, mean, list, p<N> and the per_* and estdc_error functions are not
// among them.
var tstatsFuncs = map[string]Func{
	"avg": Avg, "count": Count, "distinct_count": DC, "dc": DC, "estdc": DC,
	"max": Max, "median": Median, "min": Min, "mode": Mode, "range": Range,
	"stdev": Stdev, "stdevp": Stdevp, "sum": Sum, "sumsq": Sumsq,
	"var": Var, "varp": Varp, "first": First, "last": Last, "values": Values,
	"earliest": Earliest, "earliest_time": EarliestTime,
	"latest": Latest, "latest_time": LatestTime, "rate": Rate,
}

var tstatsPercRE = regexp.MustCompile(`^(?:perc|exactperc|upperperc)([0-9]+(?:\.[0-9]+)?)$`)

// LookupTstats returns the kind of the tstats function fn and, for
// percentiles, the rank. A function that stats has and tstats does not
// (list, p95, ...) is an error saying so.
func LookupTstats(fn string) (Func, float64, error) {
	if k, ok := tstatsFuncs[fn]; ok {
		return k, 0, nil
	}
	if tstatsPercRE.MatchString(fn) {
		return LookupStats(fn)
	}
	return 0, 0, fmt.Errorf("tstats does not support the function %s()", fn)
}

var statsPercRE = regexp.MustCompile(`^(?:perc|p|exactperc|upperperc)([0-9]+(?:\.[0-9]+)?)$`)

// LookupStats returns the kind of fn and, for percentiles, the rank.
func LookupStats(fn string) (Func, float64, error) {
	if k, ok := statsFuncNames[fn]; ok {
		return k, 0, nil
	}
	if m := statsPercRE.FindStringSubmatch(fn); m != nil {
		p, _ := strconv.ParseFloat(m[1], 64)
		if p > 100 {
			return 0, 0, fmt.Errorf("percentile %s is above 100", m[1])
		}
		return Perc, p, nil
	}
	if unsupportedStatsFuncs[fn] {
		return 0, 0, fmt.Errorf("stats function %s() is not implemented by minispl", fn)
	}
	return 0, 0, fmt.Errorf("unknown stats function %s()", fn)
}

// ResultName is one aggregate's output column, for CheckNames: its
// name, the function as written (with AS when renamed), and its place.
type ResultName struct {
	Name, Shown string
	Pos         spl.Span
}

// CheckNames rejects a tstats or stats whose output would hold two
// columns of one name: a BY field listed twice, a result named like a BY
// field, or two results of one name (Splunk's stats refuses a result
// named like a group-by field; the reference does not cover the others,
// and two columns of one name would leave every later command reading
// only the first, so all three are plan errors). pos places a BY error.
func CheckNames(cmd string, by []string, results []ResultName, pos spl.Span) error {
	seen := make(map[string]string, len(by)+len(results))
	for _, b := range by {
		if _, dup := seen[b]; dup {
			return &spl.Error{Pos: pos, Msg: fmt.Sprintf("%s: the BY field %s is listed twice", cmd, b)}
		}
		seen[b] = ""
	}
	for _, a := range results {
		prev, dup := seen[a.Name]
		switch {
		case !dup:
			seen[a.Name] = a.Shown
		case prev == "":
			return &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("%s: the result %s cannot have the same name as a BY field", cmd, a.Shown)}
		default:
			return &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("%s: the results %s and %s have the same name %s; rename one with AS", cmd, prev, a.Shown, a.Name)}
		}
	}
	return nil
}
