package main

import (
	"github.com/minispl/minispl/engine"
)

// engineOptions maps the session options onto the engine's: batch size,
// the resolved --now, --tz, --earliest and --latest, and the --lookups
// folders.
func engineOptions(opt sessionOptions) engine.Options {
	return engine.Options{
		BatchSize:  opt.BatchSize,
		Now:        opt.Time.Now,
		Location:   opt.Time.Location,
		Earliest:   opt.Time.Earliest,
		Latest:     opt.Time.Latest,
		LookupDirs: opt.Lookups,
	}
}
