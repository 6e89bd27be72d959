package datamodel

import "flag"

// The -update flag is accepted here so that `go test ./... -update`, which
// rewrites the golden files of the packages that have them, also runs this
// package's tests: this package has no golden files to rewrite.
var _ = flag.Bool("update", false, "accepted for go test ./... -update; this package has no golden files to rewrite")
