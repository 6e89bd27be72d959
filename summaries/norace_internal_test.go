//go:build !race

package summaries

const raceOn = false
