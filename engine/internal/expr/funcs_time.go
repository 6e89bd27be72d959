package expr

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl/timemod"
)

func addTimeFuncs(m map[string]*funcSpec) {
	m["now"] = &funcSpec{min: 0, max: 0, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return func(c *Ctx, _ []*value.Vector, out *value.Vector) {
			now := float64(c.now.Unix())
			for i := range out.Kinds {
				out.SetNum(i, now)
			}
		}, nil
	}}
	m["time"] = &funcSpec{min: 0, max: 0, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return func(c *Ctx, _ []*value.Vector, out *value.Vector) {
			for i := range out.Kinds {
				out.SetNum(i, float64(time.Now().UnixMicro())/1e6)
			}
		}, nil
	}}
	m["strftime"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return func(c *Ctx, a []*value.Vector, out *value.Vector) {
			for i := range out.Kinds {
				t, ok := a[0].Num(i)
				f, ok2 := a[1].Str(i)
				if ok && ok2 {
					out.SetStr(i, value.Strftime(value.EpochTime(t, c.loc), f))
				}
			}
		}, nil
	}}
	m["strptime"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return func(c *Ctx, a []*value.Vector, out *value.Vector) {
			for i := range out.Kinds {
				s, ok := a[0].Str(i)
				f, ok2 := a[1].Str(i)
				if !ok || !ok2 {
					continue
				}
				if t, ok := Strptime(s, f, c.loc); ok {
					out.SetNum(i, t)
				}
			}
		}, nil
	}}
	m["relative_time"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: buildRelativeTime}
}

// buildRelativeTime is relative_time(t, spec): spec (a time modifier such
// as "-1d@d", see package timemod) applied to the epoch seconds t, with
// snapping on the wall clock of Options.Location. The result keeps t's
// sub-second part unless a snap removes it. A literal spec that does not
// parse is a plan error; a bad one from a field gives null.
func buildRelativeTime(fc *funcCall) (batchFn, error) {
	if spec, ok := fc.literal(1); ok {
		if _, err := timemod.Resolve(spec, time.Unix(0, 0), time.UTC); err != nil {
			return nil, fc.errorf(1, "%v", err)
		}
	}
	return func(c *Ctx, a []*value.Vector, out *value.Vector) {
		for i := range out.Kinds {
			t, ok := a[0].Num(i)
			spec, ok2 := a[1].Str(i)
			if !ok || !ok2 || math.IsNaN(t) || math.IsInf(t, 0) {
				continue
			}
			sec, frac := math.Modf(t)
			now := time.Unix(int64(sec), int64(math.Round(frac*1e9))).In(c.loc)
			r, err := timemod.Resolve(spec, now, c.loc)
			if err != nil {
				continue
			}
			out.SetNum(i, float64(r.Unix())+float64(r.Nanosecond())/1e9)
		}
	}, nil
}

// Strptime parses s with the time format variables strftime writes (see
// strftime) and returns epoch seconds with the fraction from %Q/%N. Fields
// the format does not set default to 1970-01-01 00:00:00; the zone is loc
// unless %z, %:z or %Z (UTC, GMT or Z only) gives one; %s sets the time
// directly. A space in the format matches any run of spaces; text after the
// end of the format is ignored, as C's strptime does.
func Strptime(s, format string, loc *time.Location) (float64, bool) {
	year, month, day := 1970, 1, 1
	hour, minute, sec, nsec := 0, 0, 0, 0
	yday := 0
	pm, hasPM := false, false
	var zone *time.Location
	epoch, hasEpoch := 0.0, false
	i := 0
	num := func(maxDigits int, allowSpace bool) (int, bool) {
		if allowSpace {
			for i < len(s) && s[i] == ' ' {
				i++
			}
		}
		neg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') && maxDigits > 4 {
			neg = s[i] == '-'
			i++
		}
		start := i
		for i < len(s) && i-start < maxDigits && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return 0, false
		}
		n, _ := strconv.Atoi(s[start:i])
		if neg {
			n = -n
		}
		return n, true
	}
	name := func(names []string) (int, bool) {
		for k, n := range names {
			for _, cand := range []string{n, n[:3]} {
				if len(s)-i >= len(cand) && strings.EqualFold(s[i:i+len(cand)], cand) {
					i += len(cand)
					return k, true
				}
			}
		}
		return 0, false
	}
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	days := []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	expand := strings.NewReplacer("%F", "%Y-%m-%d", "%T", "%H:%M:%S", "%D", "%m/%d/%y", "%R", "%H:%M")
	format = expand.Replace(format)
	for f := 0; f < len(format); f++ {
		c := format[f]
		if c == ' ' {
			for i < len(s) && s[i] == ' ' {
				i++
			}
			continue
		}
		if c != '%' || f+1 >= len(format) {
			if i >= len(s) || s[i] != c {
				return 0, false
			}
			i++
			continue
		}
		f++
		width := 0
		for f < len(format) && format[f] >= '0' && format[f] <= '9' {
			width = width*10 + int(format[f]-'0')
			f++
		}
		if f >= len(format) {
			return 0, false
		}
		var ok bool
		switch format[f] {
		case 'Y':
			year, ok = num(4, false)
		case 'y':
			var y int
			if y, ok = num(2, false); ok {
				year = 2000 + y
				if y >= 69 {
					year = 1900 + y
				}
			}
		case 'm':
			month, ok = num(2, true)
		case 'd', 'e':
			day, ok = num(2, true)
		case 'H', 'k', 'I':
			hour, ok = num(2, true)
		case 'M':
			minute, ok = num(2, false)
		case 'S':
			sec, ok = num(2, false)
		case 'j':
			yday, ok = num(3, false)
		case 'p':
			switch {
			case len(s)-i >= 2 && strings.EqualFold(s[i:i+2], "AM"):
				pm, hasPM, ok = false, true, true
			case len(s)-i >= 2 && strings.EqualFold(s[i:i+2], "PM"):
				pm, hasPM, ok = true, true, true
			}
			if ok {
				i += 2
			}
		case 'b', 'h', 'B':
			var k int
			if k, ok = name(months); ok {
				month = k + 1
			}
		case 'a', 'A':
			_, ok = name(days)
		case 's':
			var n int
			if n, ok = num(19, false); ok {
				epoch, hasEpoch = float64(n), true
			}
		case 'Q', 'N':
			if width == 0 {
				width = 3
				if format[f] == 'N' {
					width = 9
				}
			}
			start := i
			var n int
			if n, ok = num(width, false); ok {
				digits := i - start
				nsec = n * int(math.Pow10(9-digits))
			}
		case 'z', ':':
			if format[f] == ':' {
				if f+1 >= len(format) || format[f+1] != 'z' {
					return 0, false
				}
				f++
			}
			zone, ok = parseZoneOffset(s, &i)
		case 'Z':
			for _, z := range []string{"UTC", "GMT", "Z"} {
				if strings.HasPrefix(s[i:], z) {
					i += len(z)
					zone, ok = time.UTC, true
					break
				}
			}
		case '%':
			ok = i < len(s) && s[i] == '%'
			if ok {
				i++
			}
		}
		if !ok {
			return 0, false
		}
	}
	if hasEpoch {
		return epoch + float64(nsec)/1e9, true
	}
	if hasPM {
		if hour < 1 || hour > 12 {
			return 0, false
		}
		hour %= 12
		if pm {
			hour += 12
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return 0, false
	}
	if zone == nil {
		zone = loc
	}
	var t time.Time
	if yday > 0 {
		t = time.Date(year, 1, yday, hour, minute, sec, nsec, zone)
	} else {
		t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone)
		if t.Day() != day {
			return 0, false // e.g. February 30
		}
	}
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9, true
}

// parseZoneOffset reads Z, ±hh, ±hhmm or ±hh:mm at s[*i:].
func parseZoneOffset(s string, i *int) (*time.Location, bool) {
	if *i < len(s) && s[*i] == 'Z' {
		*i++
		return time.UTC, true
	}
	if *i >= len(s) || (s[*i] != '+' && s[*i] != '-') {
		return nil, false
	}
	sign := 1
	if s[*i] == '-' {
		sign = -1
	}
	j := *i + 1
	digits := func(n int) (int, bool) {
		if j+n > len(s) {
			return 0, false
		}
		v, err := strconv.Atoi(s[j : j+n])
		if err != nil {
			return 0, false
		}
		j += n
		return v, true
	}
	h, ok := digits(2)
	if !ok {
		return nil, false
	}
	m := 0
	if j < len(s) && s[j] == ':' {
		j++
	}
	if v, ok := digits(2); ok {
		m = v
	}
	*i = j
	return time.FixedZone("", sign*(h*3600+m*60)), true
}
