package timemod

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestResolve(t *testing.T) {
	// now is Monday 2024-09-30 15:05:42.250 UTC.
	now := time.Date(2024, 9, 30, 15, 5, 42, 250_000_000, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		spec string
		loc  *time.Location
		want time.Time
	}{
		{"now", nil, now},
		{"NOW", nil, now},
		{"0", nil, time.Unix(0, 0)},
		{"1", nil, time.Unix(1, 0)},
		{"1727705109.123", nil, utc("2024-09-30T14:05:09.123Z")},
		{"09/30/2024:14:05:00", nil, utc("2024-09-30T14:05:00Z")},
		{"09/30/2024:14:05:00", paris, utc("2024-09-30T12:05:00Z")},
		{"2024-09-30T14:05:09Z", nil, utc("2024-09-30T14:05:09Z")},
		{"2024-09-30T14:05:09.5+02:00", nil, utc("2024-09-30T12:05:09.5Z")},
		{"2024-09-30T14:05:09", nil, utc("2024-09-30T14:05:09Z")},
		{"2024-09-30 14:05:09", paris, utc("2024-09-30T12:05:09Z")},
		{"2024-09-30", nil, utc("2024-09-30T00:00:00Z")},
		// The reference's examples (spl-semantics §7.1).
		{"-70m@m", nil, utc("2024-09-30T13:55:00Z")},
		{"-10m@m", nil, utc("2024-09-30T14:55:00Z")},
		{"-24h@h", nil, utc("2024-09-29T15:00:00Z")},
		{"@d", nil, utc("2024-09-30T00:00:00Z")},
		{"@d", paris, utc("2024-09-29T22:00:00Z")},   // Paris midnight is 22:00 UTC in summer
		{"-5d@w1", nil, utc("2024-09-23T00:00:00Z")}, // Wed 25th -> Monday 23rd
		{"@d-2h", nil, utc("2024-09-29T22:00:00Z")},
		{"@q", nil, utc("2024-07-01T00:00:00Z")},
		{"-1mon@mon", nil, utc("2024-08-01T00:00:00Z")},
		{"@mon", nil, utc("2024-09-01T00:00:00Z")},
		{"@y", nil, utc("2024-01-01T00:00:00Z")},
		{"-1y@y", nil, utc("2023-01-01T00:00:00Z")},
		{"-1q@q", nil, utc("2024-04-01T00:00:00Z")},
		// Week snaps: now is a Monday.
		{"@w", nil, utc("2024-09-29T00:00:00Z")},
		{"@w0", nil, utc("2024-09-29T00:00:00Z")},
		{"@w7", nil, utc("2024-09-29T00:00:00Z")},
		{"@w1", nil, utc("2024-09-30T00:00:00Z")},
		{"@w2", nil, utc("2024-09-24T00:00:00Z")},
		{"@w6", nil, utc("2024-09-28T00:00:00Z")},
		{"@week", nil, utc("2024-09-29T00:00:00Z")},
		// A missing count is 1; every spelling; offset then snap; chains.
		{"-h", nil, utc("2024-09-30T14:05:42.25Z")},
		{"+1d@d+6h", nil, utc("2024-10-01T06:00:00Z")},
		{"-2hours", nil, utc("2024-09-30T13:05:42.25Z")},
		{"-2HR", nil, utc("2024-09-30T13:05:42.25Z")},
		{"-90secs", nil, utc("2024-09-30T15:04:12.25Z")},
		{"-1week", nil, utc("2024-09-23T15:05:42.25Z")},
		{"-1qtr", nil, utc("2024-06-30T15:05:42.25Z")},
		{"-2yrs", nil, utc("2022-09-30T15:05:42.25Z")},
		{"-250ms", nil, utc("2024-09-30T15:05:42Z")},
		{"+5cs", nil, utc("2024-09-30T15:05:42.3Z")},
		{"-2ds", nil, utc("2024-09-30T15:05:42.05Z")},
		{"+10us@ms", nil, utc("2024-09-30T15:05:42.25Z")},
		{"@s", nil, utc("2024-09-30T15:05:42Z")},
		{"@ds", nil, utc("2024-09-30T15:05:42.2Z")},
		{"-1d@d", paris, utc("2024-09-28T22:00:00Z")},
		{" -70m@m ", nil, utc("2024-09-30T13:55:00Z")},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.spec, now, tt.loc)
		if err != nil {
			t.Errorf("Resolve(%q, %v): %v", tt.spec, tt.loc, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("Resolve(%q, %v) = %s, want %s", tt.spec, tt.loc, got.UTC().Format(time.RFC3339Nano), tt.want.UTC().Format(time.RFC3339Nano))
		}
	}
}

// TestResolveDST checks that day offsets keep the wall clock across a DST
// change and that snapping happens on the wall clock.
func TestResolveDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	// 2024-10-27 03:00 CEST became 02:00 CET. now = 2024-10-27 12:00 CET.
	now := time.Date(2024, 10, 27, 12, 0, 0, 0, paris)
	got, err := Resolve("-1d", now, paris)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 10, 26, 12, 0, 0, 0, paris); !got.Equal(want) {
		t.Errorf("-1d = %s, want %s", got, want)
	}
	if got.Sub(now) != -25*time.Hour {
		t.Errorf("-1d across the change is %s, want -25h", got.Sub(now))
	}
	got, _ = Resolve("-24h", now, paris)
	if want := time.Date(2024, 10, 26, 13, 0, 0, 0, paris); !got.Equal(want) {
		t.Errorf("-24h = %s, want %s", got, want)
	}
}

func TestResolveErrors(t *testing.T) {
	now := time.Date(2024, 9, 30, 15, 5, 0, 0, time.UTC)
	tests := []struct {
		spec string
		col  int
		msg  string
	}{
		{"", 1, "empty time"},
		{"-70x@m", 4, `unknown time unit "x"`},
		{"-70m@x", 6, `unknown snap unit "x"`},
		{"-70m@", 6, "missing unit after @"},
		{"@5m", 2, "without a count"},
		{"-70", 4, "missing time unit"},
		{"-70m5h", 5, `unexpected "5"`},
		{"-70m@m junk", 7, `unexpected " "`},
		{"rt-5m", 1, "real-time"},
		{"yesterday", 1, "not a time"},
		{"12/31/2024", 1, "not a time"},
		{"@w8", 2, `unknown snap unit "w8"`},
		{"-99999999999d", 2, "too large"},
		{"-5d@w1@", 8, "missing unit after @"},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.spec, now, nil)
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("Resolve(%q): error %v, want *Error", tt.spec, err)
			continue
		}
		if te.Pos+1 != tt.col || !strings.Contains(te.Msg, tt.msg) {
			t.Errorf("Resolve(%q): %v; want column %d and %q", tt.spec, err, tt.col, tt.msg)
		}
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"-70m@m", "@d-2h", "-5d@w1", "@q", "0", "1727705109.5", "09/30/2024:14:05:00", "2024-09-30", "+1d@d+6h", "-h", "rt-5m", "@"} {
		f.Add(s)
	}
	now := time.Date(2024, 9, 30, 15, 5, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := Resolve(spec, now, time.UTC)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("Resolve(%q): error %T, want *Error", spec, err)
			}
			if te.Pos < 0 || te.Pos > len(spec) {
				t.Fatalf("Resolve(%q): position %d outside the spec", spec, te.Pos)
			}
			return
		}
		// A snap never moves forward: resolving spec+"@s" gives a time
		// not after spec's when spec is relative.
		if len(strings.TrimSpace(spec)) > 0 && strings.ContainsRune("+-@", rune(strings.TrimSpace(spec)[0])) {
			snapped, err := Resolve(strings.TrimSpace(spec)+"@s", now, time.UTC)
			if err == nil && snapped.After(got) {
				t.Fatalf("Resolve(%q@s) = %s is after %s", spec, snapped, got)
			}
		}
	})
}
