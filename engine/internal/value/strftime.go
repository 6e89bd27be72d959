package value

import (
	"fmt"
	"math"
	"strconv"
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
	return string(appendStrftime(make([]byte, 0, len(format)+16), t, format))
}

// AppendStrftime appends t formatted as Strftime does to b.
func AppendStrftime(b []byte, t time.Time, format string) []byte {
	return appendStrftime(b, t, format)
}

// appendStrftime appends t formatted as Strftime does to b.
func appendStrftime(b []byte, t time.Time, format string) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b = append(b, c)
			continue
		}
		j := i + 1
		width := 0
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			width = width*10 + int(format[j]-'0')
			j++
		}
		if j >= len(format) {
			b = append(b, format[i:]...)
			break
		}
		v := format[j]
		if v == ':' && j+1 < len(format) && format[j+1] == 'z' {
			_, off := t.Zone()
			b = append(b, zoneOffset(off, true)...)
			i = j + 1
			continue
		}
		if v == 'E' && j+1 < len(format) && format[j+1] == 'z' {
			_, off := t.Zone()
			b = append(b, strconv.Itoa(off/60)...)
			i = j + 1
			continue
		}
		if width != 0 && v != 'Q' && v != 'N' {
			b = append(b, format[i:j+1]...)
			i = j
			continue
		}
		switch v {
		case 'Y':
			b = appendPadded(b, year, 4, '0')
		case 'y':
			b = appendPadded(b, year%100, 2, '0')
		case 'm':
			b = appendPadded(b, int(month), 2, '0')
		case 'd':
			b = appendPadded(b, day, 2, '0')
		case 'e':
			b = appendPadded(b, day, 2, ' ')
		case 'H':
			b = appendPadded(b, hour, 2, '0')
		case 'k':
			b = appendPadded(b, hour, 2, ' ')
		case 'I':
			h := hour % 12
			if h == 0 {
				h = 12
			}
			b = appendPadded(b, h, 2, '0')
		case 'p':
			if hour < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'M':
			b = appendPadded(b, minute, 2, '0')
		case 'S':
			b = appendPadded(b, sec, 2, '0')
		case 'c':
			b = appendStrftime(b, t, "%a %b %e %H:%M:%S %Y")
		case '+':
			b = appendStrftime(b, t, "%a %b %e %H:%M:%S %Z %Y")
		case 'f':
			b = append(b, fraction(t, 6)...)
		case 'F':
			b = appendStrftime(b, t, "%Y-%m-%d")
		case 'T':
			b = appendStrftime(b, t, "%H:%M:%S")
		case 'D':
			b = appendStrftime(b, t, "%m/%d/%y")
		case 'R':
			b = appendStrftime(b, t, "%H:%M")
		case 's':
			b = append(b, strconv.FormatInt(t.Unix(), 10)...)
		case 'j':
			b = appendPadded(b, t.YearDay(), 3, '0')
		case 'b', 'h':
			b = append(b, t.Month().String()[:3]...)
		case 'B':
			b = append(b, t.Month().String()...)
		case 'a':
			b = append(b, t.Weekday().String()[:3]...)
		case 'A':
			b = append(b, t.Weekday().String()...)
		case 'Z':
			name, _ := t.Zone()
			b = append(b, name...)
		case 'z':
			_, off := t.Zone()
			b = append(b, zoneOffset(off, false)...)
		case 'Q':
			if width == 0 {
				width = 3
			}
			b = append(b, fraction(t, width)...)
		case 'N':
			if width == 0 {
				width = 9
			}
			b = append(b, fraction(t, width)...)
		case '%':
			b = append(b, '%')
		default:
			b = append(b, format[i:j+1]...)
		}
		i = j
	}
	return b
}

// appendPadded appends n in decimal, padded on the left with pad to width
// bytes, as fmt's %0Nd (pad '0') or %Nd (pad ' ') writes it.
func appendPadded(b []byte, n, width int, pad byte) []byte {
	if n < 0 {
		if pad == '0' {
			return fmt.Appendf(b, "%0*d", width, n)
		}
		return fmt.Appendf(b, "%*d", width, n)
	}
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	for i := len(d); i < width; i++ {
		b = append(b, pad)
	}
	return append(b, d...)
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
