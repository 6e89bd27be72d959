//go:build race

package summaries_test

// raceEnabled is true when the tests run under the race detector, where
// the corpus-wide tests run a smaller share: their concurrency is the
// same, their results are checked by the plain `go test ./...`.
const raceEnabled = true
