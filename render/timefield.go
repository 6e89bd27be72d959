package render

import (
	"strconv"
	"time"
)

// TimeField is the field rendered as a date when Options.Time is set.
const TimeField = "_time"

// timeLayout is how Splunk's REST and CSV exports write _time: ISO 8601
// with milliseconds and the user's zone offset,
// "2013-09-11T16:05:37.503-07:00" (spl-semantics §8.2); its UI shows the
// same instant in the same zone.
const timeLayout = "2006-01-02T15:04:05.000-07:00"

// timeTable renders the _time column of a Table as a date in a zone.
type timeTable struct {
	Table
	col int
	loc *time.Location
}

// withTime returns t with its _time column (if any) rendered in loc.
func withTime(t Table, loc *time.Location) Table {
	if loc == nil {
		return t
	}
	for c, f := range t.Fields() {
		if f == TimeField {
			return &timeTable{Table: t, col: c, loc: loc}
		}
	}
	return t
}

// Cell implements Table: a _time value that is a number (epoch seconds,
// as the engine gives times) becomes a date; any other value is left as
// it is, since Splunk also shows a _time it cannot read as written.
func (t *timeTable) Cell(r, c int) []string {
	vals := t.Table.Cell(r, c)
	if c != t.col || len(vals) == 0 {
		return vals
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = FormatTime(v, t.loc)
	}
	return out
}

// FormatTime returns v, epoch seconds with an optional fraction, as
// Splunk renders _time (timeLayout, in loc, milliseconds rounded to the
// nearest); v itself when it is not a finite number in the years 0-9999.
func FormatTime(v string, loc *time.Location) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f || f < -62167219200 || f > 253402300799 {
		return v
	}
	ms := int64(f * 1000)
	if frac := f*1000 - float64(ms); frac >= 0.5 {
		ms++
	} else if frac <= -0.5 {
		ms--
	}
	return time.UnixMilli(ms).In(loc).Format(timeLayout)
}
