package value

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestStrftime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	const epoch = 1727705109.547 // 2024-09-30T14:05:09.547Z, a Monday
	tests := []struct {
		format string
		loc    *time.Location
		want   string
	}{
		{"%Y-%m-%dT%H:%M:%S", time.UTC, "2024-09-30T14:05:09"},
		{"%m/%d/%Y %H:%M:%S", time.UTC, "09/30/2024 14:05:09"}, // convert's default timeformat
		{"%F %T", time.UTC, "2024-09-30 14:05:09"},
		{"%s", time.UTC, "1727705109"},
		{"%Q|%3Q|%6Q|%N|%3N", time.UTC, "547|547|547000|547000000|547"},
		{"%b %B %a %A %j", time.UTC, "Sep September Mon Monday 274"},
		{"%e|%k|%I %p|%y|%D|%R", time.UTC, "30|14|02 PM|24|09/30/24|14:05"},
		{"%z %:z %Z %Ez", time.UTC, "+0000 +00:00 UTC 0"},
		{"%H:%M %z %:z %Z %Ez", ny, "10:05 -0400 -04:00 EDT -240"},
		{"100%% %q %", time.UTC, "100% %q %"},
		// %c, %+ (the C locale's forms) and %f (microseconds).
		{"%c", time.UTC, "Mon Sep 30 14:05:09 2024"},
		{"%+", time.UTC, "Mon Sep 30 14:05:09 UTC 2024"},
		{"%+", ny, "Mon Sep 30 10:05:09 EDT 2024"},
		{"%f", time.UTC, "547000"},
		{"%S.%f", time.UTC, "09.547000"},
	}
	for _, tc := range tests {
		if got := Strftime(EpochTime(epoch, tc.loc), tc.format); got != tc.want {
			t.Errorf("strftime(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
	// Seconds are floored, also before the epoch.
	if got := Strftime(EpochTime(-0.5, time.UTC), "%Y-%m-%dT%H:%M:%S"); got != "1969-12-31T23:59:59" {
		t.Errorf("floor before epoch: %q", got)
	}
	if got := Strftime(EpochTime(59.999, time.UTC), "%M:%S"); got != "00:59" {
		t.Errorf("floor: %q", got)
	}
}

// TestStrftimeNumbers checks the numeric variables against fmt's %0Nd
// and %Nd of the time's fields (the way Strftime wrote them before it
// appended digits itself) over random times, years before 0 and after
// 9999 among them.
func TestStrftimeNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const format = "%Y|%y|%m|%d|%e|%H|%k|%I|%M|%S|%j|%F %T|%D %R"
	for range 20000 {
		sec := rng.Int64N(2*400000*365*86400) - 400000*365*86400
		tm := time.Unix(sec, 0).UTC()
		h12 := tm.Hour() % 12
		if h12 == 0 {
			h12 = 12
		}
		want := fmt.Sprintf("%04d|%02d|%02d|%02d|%2d|%02d|%2d|%02d|%02d|%02d|%03d|%04d-%02d-%02d %02d:%02d:%02d|%02d/%02d/%02d %02d:%02d",
			tm.Year(), tm.Year()%100, int(tm.Month()), tm.Day(), tm.Day(), tm.Hour(), tm.Hour(), h12, tm.Minute(), tm.Second(), tm.YearDay(),
			tm.Year(), int(tm.Month()), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(),
			int(tm.Month()), tm.Day(), tm.Year()%100, tm.Hour(), tm.Minute())
		if got := Strftime(tm, format); got != want {
			t.Fatalf("%d: got %q, want %q", sec, got, want)
		}
	}
}
