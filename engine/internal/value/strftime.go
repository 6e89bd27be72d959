package value

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// EpochTime converts epoch seconds (with a fraction) to a time in loc,
// flooring to whole milliseconds.
func EpochTime(sec float64, loc *time.Location) time.Time {
	ms := int64(math.Floor(sec*1000 + 1e-6))
	return time.UnixMilli(ms).In(loc)
}

// Strftime formats t with Splunk's time format variables (spl-semantics
// §4.3): %Y %y %m %d %e %H %k %I %p %M %S %F %T %D %R %s %j %b %B %a %A %Z
// %z %:z %Ez %Q/%3Q/%6Q/%9Q %N/%3N/%6N/%9N %c %+ %f and %%. Any other
// sequence is copied as written. %S is the floored second; %Q and %N show
// the fraction (milliseconds by default for %Q, nanoseconds for %N).
//
// From the Search Reference's "Date and time format variables": %c is "The
// date and time in the current locale's format as defined by the server's
// operating system. For example, Thu Jul 18 09:30:00 2019 for US English
// on Linux", %+ "The date and time with time zone in the current locale's
// format ... For example, Thu Jul 18 09:30:00 PDT 2019", and %f
// "Microseconds as a decimal number". minispl has no locale: %c is the
// C/POSIX locale's form on Linux (glibc's "%a %b %e %H:%M:%S %Y", the day
// space-padded: "Thu Jul  4 09:30:00 2019"), %+ the same with %Z before the
// year (date(1)'s default), and %f six digits, the microseconds of a time
// that keeps milliseconds (.547 is 547000).
func Strftime(t time.Time, format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		width := 0
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			width = width*10 + int(format[j]-'0')
			j++
		}
		if j >= len(format) {
			b.WriteString(format[i:])
			break
		}
		v := format[j]
		if v == ':' && j+1 < len(format) && format[j+1] == 'z' {
			_, off := t.Zone()
			b.WriteString(zoneOffset(off, true))
			i = j + 1
			continue
		}
		if v == 'E' && j+1 < len(format) && format[j+1] == 'z' {
			_, off := t.Zone()
			b.WriteString(strconv.Itoa(off / 60))
			i = j + 1
			continue
		}
		if width != 0 && v != 'Q' && v != 'N' {
			b.WriteString(format[i : j+1])
			i = j
			continue
		}
		switch v {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'c':
			b.WriteString(Strftime(t, "%a %b %e %H:%M:%S %Y"))
		case '+':
			b.WriteString(Strftime(t, "%a %b %e %H:%M:%S %Z %Y"))
		case 'f':
			b.WriteString(fraction(t, 6))
		case 'F':
			b.WriteString(Strftime(t, "%Y-%m-%d"))
		case 'T':
			b.WriteString(Strftime(t, "%H:%M:%S"))
		case 'D':
			b.WriteString(Strftime(t, "%m/%d/%y"))
		case 'R':
			b.WriteString(Strftime(t, "%H:%M"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'Z':
			name, _ := t.Zone()
			b.WriteString(name)
		case 'z':
			_, off := t.Zone()
			b.WriteString(zoneOffset(off, false))
		case 'Q':
			if width == 0 {
				width = 3
			}
			b.WriteString(fraction(t, width))
		case 'N':
			if width == 0 {
				width = 9
			}
			b.WriteString(fraction(t, width))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteString(format[i : j+1])
		}
		i = j
	}
	return b.String()
}

// fraction returns the first digits (1..9) of t's nanoseconds.
func fraction(t time.Time, digits int) string {
	digits = min(max(digits, 1), 9)
	s := fmt.Sprintf("%09d", t.Nanosecond())
	return s[:digits]
}

func zoneOffset(off int, colon bool) string {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	if colon {
		return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off%3600/60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
}
