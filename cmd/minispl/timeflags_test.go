package main

import (
	"strings"
	"testing"
	"time"
)

func TestTimeFlagsResolve(t *testing.T) {
	wall := time.Date(2024, 9, 30, 14, 5, 9, 0, time.UTC)
	tests := []struct {
		name    string
		flags   timeFlags
		want    timeWindow
		wantErr string
	}{
		{name: "defaults", flags: timeFlags{TZ: "UTC"}, want: timeWindow{Location: time.UTC}},
		{name: "empty tz is UTC", flags: timeFlags{}, want: timeWindow{Location: time.UTC}},
		{
			name:  "pinned now and a window",
			flags: timeFlags{TZ: "UTC", Now: "2024-10-01T00:00:00Z", Earliest: "2024-09-30", Latest: "now"},
			want: timeWindow{Location: time.UTC, Now: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC),
				Earliest: time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC), Latest: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)},
		},
		{
			name:  "latest now is the wall clock without --now",
			flags: timeFlags{TZ: "UTC", Latest: "now"},
			want:  timeWindow{Location: time.UTC, Latest: wall},
		},
		{
			name:  "relative modifiers against --now",
			flags: timeFlags{TZ: "UTC", Now: "2024-09-30T14:05:09Z", Earliest: "-70m@m", Latest: "@d+1d"},
			want: timeWindow{Location: time.UTC, Now: wall,
				Earliest: time.Date(2024, 9, 30, 12, 55, 0, 0, time.UTC), Latest: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)},
		},
		{
			name:  "relative modifiers against the wall clock",
			flags: timeFlags{TZ: "UTC", Earliest: "-1d@d"},
			want:  timeWindow{Location: time.UTC, Earliest: time.Date(2024, 9, 29, 0, 0, 0, 0, time.UTC)},
		},
		{
			name:  "snapping and zone-less times in --tz",
			flags: timeFlags{TZ: "Asia/Tokyo", Now: "1727705109", Earliest: "@d", Latest: "2024-10-01 00:00:00"},
			want: timeWindow{Location: time.UTC, Now: wall,
				// now is 23:05:09 in Tokyo: @d is that day's midnight there.
				Earliest: time.Date(2024, 9, 29, 15, 0, 0, 0, time.UTC), Latest: time.Date(2024, 9, 30, 15, 0, 0, 0, time.UTC)},
			// Location is compared by name below: Asia/Tokyo.
		},
		{name: "bad tz", flags: timeFlags{TZ: "Mars/Olympus"}, wantErr: "--tz Mars/Olympus: "},
		{name: "bad now", flags: timeFlags{TZ: "UTC", Now: "soon"}, wantErr: "--now soon: invalid time modifier"},
		{name: "bad earliest", flags: timeFlags{TZ: "UTC", Earliest: "-5x"}, wantErr: "--earliest -5x: invalid time modifier"},
		{name: "bad latest", flags: timeFlags{TZ: "UTC", Latest: "x"}, wantErr: "--latest x: invalid time modifier"},
		{name: "empty window", flags: timeFlags{TZ: "UTC", Earliest: "2024-10-01", Latest: "2024-09-30"}, wantErr: "--earliest 2024-10-01 (2024-10-01T00:00:00Z) is not before --latest 2024-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.flags.resolve(wall)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantLoc := tt.want.Location.String()
			if tt.flags.TZ != "" {
				wantLoc = tt.flags.TZ
			}
			if got.Location.String() != wantLoc || !got.Now.Equal(tt.want.Now) || !got.Earliest.Equal(tt.want.Earliest) || !got.Latest.Equal(tt.want.Latest) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestTimeAndLookupFlags checks the flags through the command line: bad
// values are usage errors naming the flag, --tz reaches the engine (ctime
// output), and options the engine cannot apply yet are warned about.
func TestTimeAndLookupFlags(t *testing.T) {
	const ctimeSearch = "| tstats min(_time) as t from datamodel=Endpoint.Registry where Registry.action=created | `security_content_ctime(t)`"
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    string
		wantErr    string
	}{
		{"bad tz", []string{"run", "--tz", "Nowhere/Town", byActionDest}, exitError, "", "minispl: --tz Nowhere/Town: "},
		{"bad earliest", []string{"check", "--earliest", "soonish", byActionDest}, exitError, "", "minispl: --earliest soonish: invalid time modifier"},
		{"missing time", []string{"check", byActionDest, "--latest"}, exitError, "", "--latest needs a time"},
		{"flag instead of a time", []string{"check", "--latest", "--tz", "UTC", byActionDest}, exitError, "", "--latest needs a time"},
		{"empty window", []string{"repl", "--earliest", "2024-10-01", "--latest", "2024-09-01"}, exitError, "", "is not before --latest"},
		{"missing lookups", []string{"run", "--lookups", "no/such/dir", byActionDest}, exitError, "", "error: --lookups no/such/dir: "},
		{"lookups not a folder", []string{"check", "--lookups", eventsFile, byActionDest}, exitError, "", "not a folder"},
		{"utc", []string{"run", "--data", eventsFile, "--format", "csv", ctimeSearch}, exitOK, "t\n2024-09-30T14:05:09\n", ""},
		{"tz", []string{"run", "--data", eventsFile, "--format", "csv", "--tz", "Asia/Tokyo", ctimeSearch}, exitOK, "t\n2024-09-30T23:05:09\n", ""},
		{"now", []string{"run", "--data", eventsFile, "--format", "csv", "--now", "1727705109", ctimeSearch}, exitOK, "t\n2024-09-30T14:05:09\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := invoke(t, "", tt.args...)
			if status != tt.wantStatus || !strings.Contains(stderr, tt.wantErr) || (tt.wantOut != "" && stdout != tt.wantOut) {
				t.Errorf("status %d, stdout %q, stderr %q; want %d, %q, %q", status, stdout, stderr, tt.wantStatus, tt.wantOut, tt.wantErr)
			}
		})
	}
	// The window reaches the engine: the 14 RMS registry events are on
	// 2024-09-30, 6 between 14:05:09 and 14:07:42 UTC, 8 between 15:20 and
	// 15:42 (15:20, 15:25:30 twice, 15:30, 15:31, 15:40, 15:41, 15:42).
	window := []struct {
		args []string
		want string
	}{
		{nil, "count\n14\n"},
		{[]string{"--earliest", "2024-09-30T15:00:00Z"}, "count\n8\n"},
		{[]string{"--latest", "2024-09-30T15:00:00Z"}, "count\n6\n"},
		{[]string{"--now", "2024-09-30T16:00:00Z", "--earliest", "-1h@h"}, "count\n8\n"},
		{[]string{"--now", "2024-10-01T16:00:00Z", "--earliest", "-1d@d"}, "count\n14\n"},
		{[]string{"--now", "2024-10-02T16:00:00Z", "--earliest=-1d@d"}, "count\n0\n"},
		{[]string{"--now=2024-09-30T16:00:00Z", "--earliest", "-31m", "--latest", "now"}, "count\n5\n"},
		// Latest is exclusive: the event at 15:30:00 is out.
		{[]string{"--latest", "2024-09-30T15:30:00Z"}, "count\n9\n"},
		{[]string{"--earliest", "2024-09-30T15:30:00Z"}, "count\n5\n"},
	}
	for _, w := range window {
		args := append([]string{"run", "--data", eventsFile, "--format", "csv"}, w.args...)
		status, stdout, stderr := invoke(t, "", append(args, "| tstats count from datamodel=Endpoint.Registry")...)
		if status != exitOK || stdout != w.want {
			t.Errorf("%v: status %d, stdout %q, want %q; stderr %s", w.args, status, stdout, w.want, stderr)
		}
	}
}
