package main

import (
	"fmt"
	"time"
)

// relativeTime resolves a Splunk relative time modifier. Package
// spl/timemod (timemod.Resolve) owns their semantics; until it is in the
// tree this reports the modifier as unsupported rather than guessing.
func relativeTime(spec string, _ time.Time, _ *time.Location) (time.Time, error) {
	return time.Time{}, fmt.Errorf("relative time modifier %q: not supported yet (needs package spl/timemod); use epoch seconds or an ISO 8601 time", spec)
}
