package querytest

import "flag"

// The -update flag is accepted here so that `go test ./... -update`, which
// rewrites the golden files of the packages that have them, also runs this
// package's tests: the harness's own tests have no golden files; query's -update rewrites testdata/golden.
var _ = flag.Bool("update", false, "accepted for go test ./... -update; the harness's own tests have no golden files; query's -update rewrites testdata/golden")
