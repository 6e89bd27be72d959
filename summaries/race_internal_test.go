//go:build race

package summaries

// raceOn is true under the race detector (the internal tests' copy of
// raceEnabled): sweeps of serial reads are skipped there.
const raceOn = true
