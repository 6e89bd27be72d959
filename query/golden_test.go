package query_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/minispl/minispl/query/querytest"
)

var update = flag.Bool("update", false, "rewrite the expected blocks of testdata/golden/*.test")

// sharedDir is ../shared beside the checkout, seen from this package.
var sharedDir = filepath.Join("..", "..", "shared")

// TestGolden runs the golden corpus, ../testdata/golden/*.test, through the
// front door with the engine at batch sizes 1, 3 and the default. `go test
// ./query -run TestGolden -update` rewrites the expected blocks.
func TestGolden(t *testing.T) {
	querytest.RunDir(t, filepath.Join("..", "testdata", "golden"), querytest.Options{
		Testdata: filepath.Join("..", "testdata"),
		Shared:   sharedDir,
		Update:   *update,
	})
}

// TestGoldenPrefiltered runs the golden corpus with each run block's
// events ingested through its pre-filter (query.RawFilter): every expected
// output must stay the same, so the filter leaves out no event a search
// can match.
func TestGoldenPrefiltered(t *testing.T) {
	querytest.RunDir(t, filepath.Join("..", "testdata", "golden"), querytest.Options{
		Testdata:   filepath.Join("..", "testdata"),
		Shared:     sharedDir,
		BatchSizes: []int{0},
		Prefilter:  true,
	})
}
