package value

import (
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
