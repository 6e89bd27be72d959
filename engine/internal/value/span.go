package value

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Span is a time span (tstats BY _time span=, bin span=, the step of
// mvrange): fixed milliseconds, or whole days or months counted in the
// time zone Loc. Exactly one of MS, Days and Months is set; Text is the
// span as written.
type Span struct {
	Text   string
	MS     int64
	Days   int
	Months int
	Loc    *time.Location
}

var spanRE = regexp.MustCompile(`^([0-9]+)([a-zA-Z]+)$`)

// ParseSpan parses <int><unit> with the units of spl-semantics §1.7.
func ParseSpan(s string) (*Span, error) {
	m := spanRE.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("invalid span %q: want <integer><unit>, e.g. 1h", s)
	}
	k, err := strconv.Atoi(m[1])
	if err != nil || k <= 0 {
		return nil, fmt.Errorf("invalid span %q: the count must be a positive integer", s)
	}
	sp := &Span{Text: s}
	switch strings.ToLower(m[2]) {
	case "s", "sec", "secs", "second", "seconds":
		sp.MS = int64(k) * 1000
	case "m", "min", "mins", "minute", "minutes":
		sp.MS = int64(k) * 60_000
	case "h", "hr", "hrs", "hour", "hours":
		sp.MS = int64(k) * 3_600_000
	case "d", "day", "days":
		sp.Days = k
	case "mon", "month", "months":
		sp.Months = k
	default:
		return nil, fmt.Errorf("invalid span %q: unknown unit %q (use s, m, h, d or mon)", s, m[2])
	}
	return sp, nil
}

// Bucket floors a time in epoch milliseconds to the start of its span.
// Second, minute and hour spans are aligned on the epoch; day and month
// spans on local midnight and the first of the month in sp.Loc.
func (sp *Span) Bucket(ms int64) int64 {
	switch {
	case sp.MS > 0:
		return FloorDiv(ms, sp.MS) * sp.MS
	case sp.Days > 0:
		t := time.UnixMilli(ms).In(sp.Loc)
		y, mo, d := t.Date()
		day := FloorDiv(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
		day = FloorDiv(day, int64(sp.Days)) * int64(sp.Days)
		return time.Date(1970, 1, 1+int(day), 0, 0, 0, 0, sp.Loc).UnixMilli()
	default:
		t := time.UnixMilli(ms).In(sp.Loc)
		idx := int64(t.Year())*12 + int64(t.Month()) - 1
		idx = FloorDiv(idx, int64(sp.Months)) * int64(sp.Months)
		return time.Date(int(idx/12), time.Month(idx%12+1), 1, 0, 0, 0, 0, sp.Loc).UnixMilli()
	}
}
