package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/minispl/minispl/spl/timemod"
)

// timeSpec is the value of a time flag. Its kong decoder takes the next
// argument as is, so that a modifier starting with '-' (--earliest -1d@d)
// is not read as a short flag.
type timeSpec string

// Decode implements kong.MapperValue.
func (t *timeSpec) Decode(ctx *kong.DecodeContext) error {
	tok := ctx.Scan.Pop()
	v, ok := tok.Value.(string)
	if !ok || tok.IsEOL() || strings.HasPrefix(v, "--") && tok.Type != kong.FlagValueToken {
		return fmt.Errorf("--%s needs a time (a modifier such as -70m@m, epoch seconds or an ISO 8601 time)", ctx.Value.Name)
	}
	*t = timeSpec(v)
	return nil
}

// timeFlags are the time window flags of run, check and repl.
type timeFlags struct {
	Earliest timeSpec `placeholder:"TIME" help:"Start of the search's time window, inclusive: a time modifier (-70m@m, -1d@d, @w0, now), epoch seconds or an ISO 8601 time. Default: unbounded."`
	Latest   timeSpec `placeholder:"TIME" help:"End of the time window, exclusive, as for --earliest. Default: unbounded."`
	Now      timeSpec `placeholder:"TIME" help:"Reference time of the search (what now and relative modifiers mean). Default: the current time."`
	TZ       string   `name:"tz" default:"UTC" placeholder:"ZONE" help:"Time zone of ctime/strftime output, day snapping and times without a zone: UTC, Local or an IANA name such as Europe/Paris."`
}

// timeWindow is timeFlags resolved. Zero times mean unbounded (Earliest,
// Latest) or the current time at each search (Now).
type timeWindow struct {
	Now              time.Time
	Location         *time.Location
	Earliest, Latest time.Time
}

// resolve resolves the flags with timemod.Resolve: --now against the clock
// reading wall (the current time), --earliest and --latest against --now,
// zone-less times and snapping in --tz. Errors name the flag.
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
		if ref, err = timemod.Resolve(string(f.Now), wall, loc); err != nil {
			return w, fmt.Errorf("--now %s: %w", f.Now, err)
		}
		w.Now = ref
	}
	if f.Earliest != "" {
		if w.Earliest, err = timemod.Resolve(string(f.Earliest), ref, loc); err != nil {
			return w, fmt.Errorf("--earliest %s: %w", f.Earliest, err)
		}
	}
	if f.Latest != "" {
		if w.Latest, err = timemod.Resolve(string(f.Latest), ref, loc); err != nil {
			return w, fmt.Errorf("--latest %s: %w", f.Latest, err)
		}
	}
	if !w.Earliest.IsZero() && !w.Latest.IsZero() && !w.Earliest.Before(w.Latest) {
		return w, fmt.Errorf("--earliest %s (%s) is not before --latest %s (%s): the window is empty",
			f.Earliest, w.Earliest.In(loc).Format(time.RFC3339), f.Latest, w.Latest.In(loc).Format(time.RFC3339))
	}
	return w, nil
}
