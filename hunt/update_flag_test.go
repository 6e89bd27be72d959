package hunt

import "flag"

// The -update flag is accepted here so that `go test ./... -update`, which
// rewrites the golden files of the packages that have them, also runs this
// package's tests: this package's golden files carry hand-written derivations and are not rewritten; edit them by hand.
var _ = flag.Bool("update", false, "accepted for go test ./... -update; this package's golden files carry hand-written derivations and are not rewritten; edit them by hand")
