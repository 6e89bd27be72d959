package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeFlags are the time window flags of run, check and repl.
type timeFlags struct {
	Earliest string `placeholder:"TIME" help:"Start of the search's time window, inclusive: a time modifier (-70m@m, -1d@d, @w0, now), epoch seconds or an ISO 8601 time. Default: unbounded."`
	Latest   string `placeholder:"TIME" help:"End of the time window, exclusive, as for --earliest. Default: unbounded."`
	Now      string `placeholder:"TIME" help:"Reference time of the search (what now and relative modifiers mean). Default: the current time."`
	TZ       string `name:"tz" default:"UTC" placeholder:"ZONE" help:"Time zone of ctime/strftime output, day snapping and times without a zone: UTC, Local or an IANA name such as Europe/Paris."`
}

// timeWindow is timeFlags resolved. Zero times mean unbounded (Earliest,
// Latest) or the current time at each search (Now).
type timeWindow struct {
	Now              time.Time
	Location         *time.Location
	Earliest, Latest time.Time
}

// resolve resolves the flags against the clock reading wall (the current
// time). Errors name the flag.
func (f timeFlags) resolve(wall time.Time) (timeWindow, error) {
	var w timeWindow
	tz := f.TZ
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return w, fmt.Errorf("--tz %s: %w", tz, err)
	}
	w.Location = loc
	ref := wall
	if f.Now != "" {
		if ref, err = resolveTime(f.Now, wall, loc); err != nil {
			return w, fmt.Errorf("--now %s: %w", f.Now, err)
		}
		w.Now = ref
	}
	if f.Earliest != "" {
		if w.Earliest, err = resolveTime(f.Earliest, ref, loc); err != nil {
			return w, fmt.Errorf("--earliest %s: %w", f.Earliest, err)
		}
	}
	if f.Latest != "" {
		if w.Latest, err = resolveTime(f.Latest, ref, loc); err != nil {
			return w, fmt.Errorf("--latest %s: %w", f.Latest, err)
		}
	}
	if !w.Earliest.IsZero() && !w.Latest.IsZero() && !w.Earliest.Before(w.Latest) {
		return w, fmt.Errorf("--earliest %s (%s) is not before --latest %s (%s): the window is empty",
			f.Earliest, w.Earliest.In(loc).Format(time.RFC3339), f.Latest, w.Latest.In(loc).Format(time.RFC3339))
	}
	return w, nil
}

// isoLayouts are the absolute time forms accepted besides RFC 3339; a time
// without a zone is in the --tz zone.
var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// resolveTime turns one time flag value into a time: "now", epoch seconds
// (with an optional fraction), RFC 3339, ISO 8601 without a zone (in loc),
// or a Splunk relative modifier (-70m@m, @w0, +1d) resolved against now in
// loc.
func resolveTime(spec string, now time.Time, loc *time.Location) (time.Time, error) {
	s := strings.TrimSpace(spec)
	switch {
	case s == "":
		return time.Time{}, fmt.Errorf("empty time")
	case strings.EqualFold(s, "now"):
		return now, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '+' && s[0] != '-' {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range isoLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if strings.ContainsAny(s[:1], "+-@") {
		return relativeTime(s, now, loc)
	}
	return time.Time{}, fmt.Errorf("not a time: want now, epoch seconds, an ISO 8601 time (2024-09-30T14:05:09Z) or a modifier such as -70m@m")
}
