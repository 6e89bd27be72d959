package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/timemod"
)

// This file holds the search time window: Options.Earliest/Latest, and
// earliest=/latest= written in a tstats WHERE clause, which override them
// for that tstats only (they do not propagate into or out of subsearches,
// spl-semantics §7.1). The window is [earliest, latest) on _time.

// timeRange is a resolved window; a zero bound is unbounded.
type timeRange struct {
	earliest, latest time.Time
}

func (r timeRange) bounded() bool { return !r.earliest.IsZero() || !r.latest.IsZero() }

// String renders the window for Plan.String, in UTC.
func (r timeRange) String() string {
	var parts []string
	if !r.earliest.IsZero() {
		parts = append(parts, "earliest="+r.earliest.UTC().Format(time.RFC3339Nano))
	}
	if !r.latest.IsZero() {
		parts = append(parts, "latest="+r.latest.UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(parts, " ")
}

// timeModifiers lists the search-language names that are time modifiers,
// not fields.
var timeModifiers = map[string]bool{
	"earliest": true, "latest": true, "_index_earliest": true, "_index_latest": true,
	"index_earliest": true, "index_latest": true, "starttime": true, "endtime": true,
}

// extractTimeRange removes earliest=/latest= terms from a tstats WHERE
// expression and resolves them with timemod against now in loc, on top of
// base (Options.Earliest/Latest). Only terms that are top-level conjuncts
// are accepted: one inside OR or NOT, a second earliest= or latest=, an
// operator other than =, or another time modifier (_index_earliest,
// starttime...) is a positioned error. The rest of the expression is
// returned (nil when nothing is left).
func extractTimeRange(e spl.SearchExpr, base timeRange, now time.Time, loc *time.Location) (spl.SearchExpr, timeRange, error) {
	r := base
	var seenE, seenL bool
	terms, rest := takeFieldTerms(e, func(f string) bool { return timeModifiers[strings.ToLower(f)] })
	for _, t := range terms {
		x, ok := t.x.(*spl.SearchCompare)
		if !ok {
			in := t.x.(*spl.SearchIn)
			return nil, timeRange{}, &spl.Error{Pos: in.Pos, Msg: fmt.Sprintf("time modifier %s takes one value, not IN (...)", in.Field)}
		}
		name := strings.ToLower(x.Field)
		switch {
		case name != "earliest" && name != "latest":
			return nil, timeRange{}, &spl.Error{Pos: x.Pos, Msg: fmt.Sprintf("unsupported: time modifier %s= (only earliest= and latest= are supported)", x.Field)}
		case !t.top:
			return nil, timeRange{}, &spl.Error{Pos: x.Pos, Msg: fmt.Sprintf("unsupported: %s= inside OR or NOT; a time modifier applies to the whole search", x.Field)}
		case x.Op != spl.OpEq:
			return nil, timeRange{}, &spl.Error{Pos: x.Pos, Msg: fmt.Sprintf("time modifier %s takes =, not %s", x.Field, x.Op)}
		case name == "earliest" && seenE, name == "latest" && seenL:
			return nil, timeRange{}, &spl.Error{Pos: x.Pos, Msg: fmt.Sprintf("%s= is given twice; tstats cannot search several time ranges", x.Field)}
		}
		at, err := timemod.Resolve(x.Value.Text, now, loc)
		if err != nil {
			return nil, timeRange{}, timeModError(err, x)
		}
		if name == "earliest" {
			seenE, r.earliest = true, at
			// earliest=0 is "from the first event": unbounded.
			if at.Unix() == 0 {
				r.earliest = time.Time{}
			}
		} else {
			seenL, r.latest = true, at
		}
	}
	return rest, r, nil
}

// timeModError positions a timemod error on the value of x: on the
// offending character when the value is written bare, else on the value.
func timeModError(err error, x *spl.SearchCompare) error {
	var te *timemod.Error
	if !errors.As(err, &te) {
		return &spl.Error{Pos: x.Value.Pos, Msg: fmt.Sprintf("%s=: %v", x.Field, err)}
	}
	pos := x.Value.Pos
	if !x.Value.Quoted && pos.End-pos.Start == len(te.Spec) {
		pos = spl.Span{Start: pos.Start + te.Pos, End: pos.Start + te.Pos + 1}
	}
	if pos == (spl.Span{}) {
		pos = x.Pos
	}
	return &spl.Error{Pos: pos, Msg: fmt.Sprintf("%s=%s: %s", x.Field, x.Value.Text, te.Msg)}
}

// filterTime keeps in sel the rows of b whose _time (column col, a
// timestamp) lies in [r.earliest, r.latest); rows with a null _time are
// dropped when the window is bounded. sel is compacted in place.
func (r timeRange) filterTime(b arrow.RecordBatch, col int, sel []int32) ([]int32, error) {
	if !r.bounded() || len(sel) == 0 {
		return sel, nil
	}
	if col < 0 {
		return sel[:0], nil
	}
	ts, ok := b.Column(col).(*array.Timestamp)
	if !ok {
		return nil, fmt.Errorf("_time column has type %s, want timestamp", b.Column(col).DataType())
	}
	toMs := value.TimestampToMs(ts.DataType().(*arrow.TimestampType).Unit)
	lo, hi := int64(minInt64), int64(maxInt64)
	if !r.earliest.IsZero() {
		// A bound with a sub-millisecond part: rows at the same
		// millisecond are before an earliest that is later within it.
		lo = ceilMs(r.earliest)
	}
	if !r.latest.IsZero() {
		hi = ceilMs(r.latest)
	}
	vals := ts.TimestampValues()
	out := sel[:0]
	for _, i := range sel {
		if ts.IsNull(int(i)) {
			continue
		}
		ms := toMs(int64(vals[i]))
		if ms >= lo && ms < hi {
			out = append(out, i)
		}
	}
	return out, nil
}

const (
	minInt64 = -1 << 63
	maxInt64 = 1<<63 - 1
)

// ceilMs returns t in epoch milliseconds, rounded up.
func ceilMs(t time.Time) int64 {
	ms := t.UnixMilli() // floor: the nanosecond part is never negative
	if t.Nanosecond()%1_000_000 != 0 {
		ms++
	}
	return ms
}
