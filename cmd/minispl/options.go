package main

import (
	"github.com/minispl/minispl/engine"
)

// engineOptions maps the session options onto the engine's. The engine has
// no lookup folders or time window yet (engine.Options has no LookupDirs,
// Earliest or Latest): the session keeps them, and the commands warn when
// they are given (see unappliedWarnings).
func engineOptions(opt sessionOptions) engine.Options {
	return engine.Options{
		BatchSize: opt.BatchSize,
		Now:       opt.Time.Now,
		Location:  opt.Time.Location,
	}
}

// unappliedWarnings lists the options the engine cannot apply yet, so that
// they are not silently ignored.
func (s *session) unappliedWarnings() []string {
	var out []string
	if len(s.lookups) > 0 {
		out = append(out, "--lookups is not applied yet: the engine has no lookup support in this build")
	}
	if !s.window.Earliest.IsZero() || !s.window.Latest.IsZero() {
		out = append(out, "--earliest/--latest are not applied yet: the engine has no time window in this build")
	}
	return out
}
