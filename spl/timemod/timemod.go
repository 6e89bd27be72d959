// Package timemod resolves Splunk time modifiers, the values of
// earliest=/latest= and of the --earliest/--latest/--now flags, into
// absolute times (spl-semantics §7.1).
//
// Resolve accepts:
//
//   - now: the reference time;
//   - epoch seconds, with an optional fraction: 0, 1, 1727705109.123
//     (0 is the Unix epoch, which is before every event);
//   - Splunk's absolute form %m/%d/%Y:%H:%M:%S, e.g. 09/30/2024:14:05:00,
//     in the given location;
//   - RFC 3339 (2024-09-30T14:05:09Z, with a fraction or an offset), and
//     ISO 8601 without a zone (2024-09-30T14:05:09, 2024-09-30 14:05:09,
//     2024-09-30T14:05, 2024-09-30), in the given location;
//   - relative modifiers: a chain of offsets [+|-][<int>]<unit> and snaps
//     @<unit>, applied left to right: -70m@m, -24h@h, @d, -5d@w1, @d-2h,
//     @q, -1mon@mon, +1d@d+6h. A missing integer means 1 (-h is -1h).
//
// Units, in any letter case: us, ms, cs, ds (subseconds); s, sec, secs,
// second, seconds; m, min, mins, minute, minutes; h, hr, hrs, hour, hours;
// d, day, days; w, week, weeks; mon, month, months; q, qtr, qtrs, quarter,
// quarters; y, yr, yrs, year, years. Snaps also take w0..w7 (w0 and w7
// are Sunday, w1..w6 Monday..Saturday; @w alone is @w0).
//
// Snapping always rounds down, on the wall clock of the given location.
//
// # Choices on points the reference leaves open
//
//   - Offsets in d, w, mon, q and y are calendar arithmetic on the wall
//     clock of the location (time.AddDate), so -1d across a DST change
//     keeps the hour; s, m, h and subsecond offsets are exact durations.
//     A month offset that lands past the end of a month normalizes as Go
//     does (Mar 31 -1mon is Mar 3), which Splunk may clamp differently.
//   - A snap takes a unit only (@d, @w1); a count such as @5m is an error,
//     as is an offset without a sign after the first term, real-time
//     modifiers (rt-5m) and anything trailing.
//   - Epoch seconds must be unsigned: -5 is an offset with a missing unit,
//     an error.
//
// Package timemod is hand-written: no Go library parses Splunk's modifier
// grammar, and it is a few dozen lines on top of package time.
//
// Imports: the standard library only; it must not import spl or engine.
package timemod

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Error is an invalid time modifier. Pos is the 0-based byte offset of the
// problem in Spec.
type Error struct {
	Spec string
	Pos  int
	Msg  string
}

// Error returns the message with the spec and a 1-based column.
func (e *Error) Error() string {
	return fmt.Sprintf("invalid time modifier %q at column %d: %s", e.Spec, e.Pos+1, e.Msg)
}

// AbsoluteFormat is Splunk's default timeformat for absolute
// earliest=/latest= values, %m/%d/%Y:%H:%M:%S, as a Go layout.
const AbsoluteFormat = "01/02/2006:15:04:05"

// isoLayouts are the ISO 8601 forms without a zone, read in the location.
var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

// Resolve turns spec into an absolute time: relative modifiers are
// resolved against now, and snapping and zone-less absolute times use loc
// (nil means UTC). Errors are *Error.
func Resolve(spec string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	lead := len(spec) - len(strings.TrimLeft(spec, " \t"))
	s := strings.TrimSpace(spec)
	fail := func(pos int, format string, args ...any) (time.Time, error) {
		return time.Time{}, &Error{Spec: spec, Pos: lead + pos, Msg: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return fail(0, "empty time")
	}
	if strings.EqualFold(s, "now") {
		return now, nil
	}
	if isEpoch(s) {
		whole, frac, _ := strings.Cut(s, ".")
		sec := int64(0)
		if whole != "" {
			v, err := strconv.ParseInt(whole, 10, 64)
			if err != nil || v > maxEpoch {
				return fail(0, "epoch seconds out of range")
			}
			sec = v
		}
		// The fraction is read as decimal digits, not through a float, so
		// .123 is exactly 123 ms.
		ns := int64(0)
		for k := 0; k < 9; k++ {
			ns *= 10
			if k < len(frac) {
				ns += int64(frac[k] - '0')
			}
		}
		return time.Unix(sec, ns).UTC(), nil
	}
	if t, err := time.ParseInLocation(AbsoluteFormat, s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range isoLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	switch c := s[0]; {
	case c == '+' || c == '-' || c == '@':
	case strings.HasPrefix(strings.ToLower(s), "rt"):
		return fail(0, "real-time modifiers (rt...) are not supported")
	case c >= '0' && c <= '9':
		return fail(0, "not a time: want epoch seconds, %%m/%%d/%%Y:%%H:%%M:%%S, an ISO 8601 time or a relative modifier such as -70m@m")
	default:
		return fail(0, "not a time: want now, epoch seconds, an ISO 8601 time or a relative modifier such as -70m@m")
	}
	t := now.In(loc)
	for i := 0; i < len(s); {
		start := i
		switch s[i] {
		case '@':
			i++
			if i < len(s) && s[i] >= '0' && s[i] <= '9' {
				return fail(i, "a snap takes a unit without a count, e.g. @m")
			}
			j := i
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			if j == i {
				return fail(i, "missing unit after @")
			}
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			u, wd, ok := snapUnit(s[i:j])
			if !ok {
				return fail(i, "unknown snap unit %q", s[i:j])
			}
			t = snap(t, u, wd, loc)
			i = j
		case '+', '-':
			sign := 1
			if s[i] == '-' {
				sign = -1
			}
			i++
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n := 1
			if j > i {
				v, err := strconv.Atoi(s[i:j])
				if err != nil || v > 1_000_000_000 {
					return fail(i, "offset %q is too large", s[i:j])
				}
				n = v
			}
			k := j
			for k < len(s) && isLetter(s[k]) {
				k++
			}
			if k == j {
				if k < len(s) {
					return fail(k, "missing time unit before %q", s[k:k+1])
				}
				return fail(k, "missing time unit after %q", s[start:k])
			}
			u, ok := offsetUnit(s[j:k])
			if !ok {
				return fail(j, "unknown time unit %q", s[j:k])
			}
			t = offset(t, u, sign*n)
			i = k
		default:
			return fail(i, "unexpected %q: want +, - or @", s[i:i+1])
		}
	}
	return t, nil
}

// maxEpoch bounds epoch seconds to year 9999.
const maxEpoch = 253402300799

// isEpoch reports whether s is unsigned decimal seconds with an optional
// fraction.
func isEpoch(s string) bool {
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// unit is a time unit of a modifier.
type unit int

const (
	unitMicro unit = iota
	unitMilli
	unitCenti
	unitDeci
	unitSecond
	unitMinute
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitQuarter
	unitYear
)

// unitNames maps every spelling to its unit.
var unitNames = map[string]unit{
	"us": unitMicro, "ms": unitMilli, "cs": unitCenti, "ds": unitDeci,
	"s": unitSecond, "sec": unitSecond, "secs": unitSecond, "second": unitSecond, "seconds": unitSecond,
	"m": unitMinute, "min": unitMinute, "mins": unitMinute, "minute": unitMinute, "minutes": unitMinute,
	"h": unitHour, "hr": unitHour, "hrs": unitHour, "hour": unitHour, "hours": unitHour,
	"d": unitDay, "day": unitDay, "days": unitDay,
	"w": unitWeek, "week": unitWeek, "weeks": unitWeek,
	"mon": unitMonth, "month": unitMonth, "months": unitMonth,
	"q": unitQuarter, "qtr": unitQuarter, "qtrs": unitQuarter, "quarter": unitQuarter, "quarters": unitQuarter,
	"y": unitYear, "yr": unitYear, "yrs": unitYear, "year": unitYear, "years": unitYear,
}

func offsetUnit(s string) (unit, bool) {
	u, ok := unitNames[strings.ToLower(s)]
	return u, ok
}

// snapUnit parses the unit of a snap; wd is the weekday for week snaps.
func snapUnit(s string) (u unit, wd time.Weekday, ok bool) {
	ls := strings.ToLower(s)
	if len(ls) == 2 && ls[0] == 'w' && ls[1] >= '0' && ls[1] <= '7' {
		return unitWeek, time.Weekday((ls[1] - '0') % 7), true
	}
	u, ok = unitNames[ls]
	return u, time.Sunday, ok
}

// offset moves t by n units.
func offset(t time.Time, u unit, n int) time.Time {
	d := time.Duration(n)
	switch u {
	case unitMicro:
		return t.Add(d * time.Microsecond)
	case unitMilli:
		return t.Add(d * time.Millisecond)
	case unitCenti:
		return t.Add(d * 10 * time.Millisecond)
	case unitDeci:
		return t.Add(d * 100 * time.Millisecond)
	case unitSecond:
		return t.Add(d * time.Second)
	case unitMinute:
		return t.Add(d * time.Minute)
	case unitHour:
		return t.Add(d * time.Hour)
	case unitDay:
		return t.AddDate(0, 0, n)
	case unitWeek:
		return t.AddDate(0, 0, 7*n)
	case unitMonth:
		return t.AddDate(0, n, 0)
	case unitQuarter:
		return t.AddDate(0, 3*n, 0)
	default:
		return t.AddDate(n, 0, 0)
	}
}

// snap rounds t down to the start of its unit on loc's wall clock.
func snap(t time.Time, u unit, wd time.Weekday, loc *time.Location) time.Time {
	t = t.In(loc)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ns := t.Nanosecond()
	switch u {
	case unitMicro:
		return time.Date(y, mo, d, h, mi, s, ns/1e3*1e3, loc)
	case unitMilli:
		return time.Date(y, mo, d, h, mi, s, ns/1e6*1e6, loc)
	case unitCenti:
		return time.Date(y, mo, d, h, mi, s, ns/1e7*1e7, loc)
	case unitDeci:
		return time.Date(y, mo, d, h, mi, s, ns/1e8*1e8, loc)
	case unitSecond:
		return time.Date(y, mo, d, h, mi, s, 0, loc)
	case unitMinute:
		return time.Date(y, mo, d, h, mi, 0, 0, loc)
	case unitHour:
		return time.Date(y, mo, d, h, 0, 0, 0, loc)
	case unitDay:
		return time.Date(y, mo, d, 0, 0, 0, 0, loc)
	case unitWeek:
		back := (int(t.Weekday()) - int(wd) + 7) % 7
		return time.Date(y, mo, d-back, 0, 0, 0, 0, loc)
	case unitMonth:
		return time.Date(y, mo, 1, 0, 0, 0, 0, loc)
	case unitQuarter:
		return time.Date(y, mo-(mo-1)%3, 1, 0, 0, 0, 0, loc)
	default:
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	}
}
