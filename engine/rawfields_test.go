package engine

import (
	"slices"
	"testing"

	"github.com/minispl/minispl/spl"
)

// TestRawReadNames checks which names a raw search reads from the events:
// those its expression compares, then those of the commands right after
// it whose reads are known, stopping where a command may create fields.
func TestRawReadNames(t *testing.T) {
	cases := []struct {
		search string
		want   []string
	}{
		{"EventCode=4688 | stats count by New_Process_Name", []string{"EventCode", "New_Process_Name"}},
		{"`x` | head 5 | table _time host Image CommandLine", nil},
		{"a=1 b IN (x) | head 5 | table _time host Image | stats count", []string{"a", "b", "_time", "host", "Image"}},
		{"a=1 | sort -s | dedup d sortby +e | fields f, g* | stats max(m) dc(eval(z)) by k | table zz", []string{"a", "s", "d", "e", "f", "m", "k"}},
		{"a=1 | eventstats count by k | table q", []string{"a", "k"}},
		{"a=1 | rename b as c | table c", []string{"a", "b"}},
		{"a=1 | eval y=1 | table y zzz", []string{"a"}},
		{"a=1 | head (x>1) | table zzz", []string{"a"}},
		{"NOT a=1 OR TERM(x) c!=CASE(y) | fields - r | table s", []string{"a", "c", "s"}},
	}
	for _, c := range cases {
		p, err := spl.Parse(c.search)
		if err != nil {
			t.Fatalf("%s: %v", c.search, err)
		}
		s := p.Commands[0].(*spl.Search)
		got := rawReadNames(s.Expr, p.Commands[1:])
		if c.search[0] == '`' {
			// An unexpanded macro compares nothing; the table's fields
			// still count.
			c.want = []string{"_time", "host", "Image", "CommandLine"}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.search, got, c.want)
		}
	}
}
