package expr

import (
	"math"
	"time"

	"github.com/minispl/minispl/engine/internal/value"
)

// maxRangeValues bounds the values mvrange makes for one row; a longer
// range gives null rather than exhausting memory.
const maxRangeValues = 1_000_000

// mvrangeSpec is mvrange(start, end[, step]). The Search Reference
// (Multivalue eval functions, mvrange): "This function creates a
// multivalue field based on a range of specified numbers. This function
// can contain up to three arguments: a starting number, an ending number
// (which is excluded from the field), and an optional step increment. If
// the increment is a timespan such as 7d, the starting and ending numbers
// are treated as UNIX time." So mvrange(1,11,2) is 1, 3, 5, 7, 9.
//
// Choices where the docs are silent: the step defaults to 1; a negative
// step counts down to end (exclusive); a step of 0, a step that moves away
// from end, a range with no value, or one of more than maxRangeValues
// values is null. Values are start + k*step rounded to the most decimal
// places of the arguments (mvrange(0,1,0.1) is 0, 0.1, ..., 0.9, not
// 0.30000000000000004). A timespan is <integer><unit> as bin's span= (s,
// m, h, d, mon; spans of days and months are calendar steps in
// Options.Location, so they follow daylight saving time, as the docs'
// 7d example does across March 2018), and the values are epoch seconds
// with the start's milliseconds.
func mvrangeSpec() *funcSpec {
	return &funcSpec{min: 2, max: 3, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return func(c *Ctx, a []*value.Vector, out *value.Vector) {
			for i := range out.Kinds {
				start, ok := a[0].Num(i)
				end, ok2 := a[1].Num(i)
				if !ok || !ok2 || math.IsNaN(start) || math.IsNaN(end) {
					continue
				}
				if len(a) == 3 && a[2].Kinds[i] != value.KindNumber {
					s, ok := a[2].Str(i)
					if !ok {
						continue
					}
					if sp, err := value.ParseSpan(s); err == nil {
						out.SetValues(i, spanRange(start, end, sp, c.loc))
					}
					continue
				}
				step, d := 1.0, max(a[0].Decimals(i), a[1].Decimals(i))
				if a[0].Decimals(i) == value.DecFull || a[1].Decimals(i) == value.DecFull {
					d = value.DecFull
				}
				if len(a) == 3 {
					if step, ok = a[2].Num(i); !ok {
						continue
					}
					if sd := a[2].Decimals(i); sd == value.DecFull || d == value.DecFull {
						d = value.DecFull
					} else {
						d = max(d, sd)
					}
				}
				out.SetValues(i, numRange(start, end, step, d))
			}
		}, nil
	}}
}

// numRange returns start, start+step, ... up to end (exclusive), each
// rounded to d places; nil when the range is empty, endless or too long.
func numRange(start, end, step float64, d int8) []string {
	n := math.Ceil((end - start) / step)
	if step == 0 || !(n >= 1) || n > maxRangeValues {
		return nil
	}
	vals := make([]string, 0, int(n))
	for k := 0; k < int(n); k++ {
		v := value.RoundPlaces(start+float64(k)*step, d)
		if step > 0 && v >= end || step < 0 && v <= end {
			break
		}
		vals = append(vals, value.FormatNumber(v))
	}
	return vals
}

// spanRange returns the epoch times from start (seconds) up to end
// (exclusive) in steps of sp.
func spanRange(start, end float64, sp *value.Span, loc *time.Location) []string {
	t0 := time.UnixMilli(int64(math.Round(start * 1000))).In(loc)
	var vals []string
	for k := 0; k <= maxRangeValues; k++ {
		var t time.Time
		switch {
		case sp.MS > 0:
			t = t0.Add(time.Duration(int64(k)*sp.MS) * time.Millisecond)
		case sp.Days > 0:
			t = t0.AddDate(0, 0, k*sp.Days)
		default:
			t = t0.AddDate(0, k*sp.Months, 0)
		}
		v := float64(t.UnixMilli()) / 1000
		if v >= end {
			return vals
		}
		vals = append(vals, value.FormatNumber(v))
	}
	return nil
}
