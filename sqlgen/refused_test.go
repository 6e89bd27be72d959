package sqlgen_test

import (
	"errors"
	"os"
	"testing"

	"github.com/minispl/minispl/sqlgen"
)

// TestListRefused lists, with SQLGEN_REFUSED set, every planned ESCU
// detection the DuckDB dialect refuses, with its construct, detail and
// plan; SQLGEN_REFUSED=construct keeps only that construct, "all" every
// one. Without the variable it skips: it checks nothing, it is the tool
// for choosing what to translate next.
func TestListRefused(t *testing.T) {
	want := os.Getenv("SQLGEN_REFUSED")
	if want == "" {
		t.Skip("SQLGEN_REFUSED is not set")
	}
	c := loadCorpus(t)
	for i, q := range c.queries {
		_, err := sqlgen.Compile(q.Plan, sqlgen.DuckDB, sqlgen.Options{Root: "/d"})
		var se *sqlgen.Error
		if errors.As(err, &se) && (want == "all" || se.Construct == want) {
			t.Logf("%s | %s | %s\n   %s", c.names[i], se.Construct, se.Detail, q.Plan.String())
		}
	}
}
