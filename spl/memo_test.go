package spl_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

// memoInputs are searches whose stages repeat at other offsets, with
// subsearches, an implicit first stage, leading blanks, errors in a later
// stage and brackets that do not balance.
var memoInputs = []string{
	`| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename "Registry.*" as * | search *`,
	`  | tstats count min(_time) as firstTime from datamodel=Endpoint.Processes where Processes.process_name IN ("a.exe", "b.exe") by Processes.dest | rename "Registry.*" as * | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) | search *  `,
	`index=main sourcetype=x | rename "Registry.*" as * | search *`,
	`search a=1 | join type=left dest [| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename "Registry.*" as *] | search *`,
	"| makeresults | tstats count | join x [| tstats count by x]",
	`a b | append [search x | head 2] | where x > 1 AND like(y, "%z") | eval q = if(a="b", 1, 2)`,
	`| tstats count by x | rename "Registry.*" as * | search x=( | head 2`,
	`| tstats count by x | head 2 ]`,
	`| tstats count by x | [ search a`,
	`| tstats count by x || head 2`,
	`| tstats count by x |`,
	`a="unterminated | head 2`,
	"| `m(a|b)` | search x | `n`",
	"x\t|\n head 2\r\n| search TERM(a|b)",
	`| makeresults | eval x="a|b" | search x="a|b" | appendpipe [| stats count | search count>0]`,
	`   `,
	``,
}

// TestMemoMatchesParse checks that a Memo gives what Parse gives: the same
// error text, or the same AST with the same positions, for memoInputs and
// every expanded ESCU search (when ../shared holds them), each parsed
// twice through one Memo shared by all, so that most stages come from it.
func TestMemoMatchesParse(t *testing.T) {
	texts := memoInputs
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "escu", "macros.jsonl")); err == nil {
		_, corpus := expandedCorpus(t)
		texts = append(append([]string{}, memoInputs...), corpus...)
	} else {
		t.Logf("ESCU corpus not available (%v): the handwritten inputs only", err)
	}
	m := spl.NewMemo()
	hits := 0
	for round := range 2 {
		for _, s := range texts {
			want, werr := spl.Parse(s)
			got, gerr := m.Parse(s)
			if msg := sameParse(want, werr, got, gerr); msg != "" {
				t.Fatalf("round %d, %q: %s", round, s, msg)
			}
			if werr == nil {
				hits++
			}
		}
	}
	if hits == 0 {
		t.Fatal("no input parsed")
	}
	// The memo's results are the caller's: changing one changes no other.
	s := memoInputs[0]
	a, _ := m.Parse(s)
	a.Commands[1].(*spl.Rename).Pairs[0].From.Text = "changed"
	b, _ := m.Parse(s)
	if b.Commands[1].(*spl.Rename).Pairs[0].From.Text != "Registry.*" {
		t.Fatal("a memoised AST was shared with an earlier result")
	}
}

// sameParse compares two parses, positions included; "" when they are
// the same.
func sameParse(want *spl.Pipeline, werr error, got *spl.Pipeline, gerr error) string {
	if (werr == nil) != (gerr == nil) {
		return "Parse error " + errText(werr) + ", Memo error " + errText(gerr)
	}
	if werr != nil {
		var we, ge *spl.Error
		if errors.As(werr, &we) != errors.As(gerr, &ge) || werr.Error() != gerr.Error() || we != nil && we.Format() != ge.Format() {
			return "Parse error " + errText(werr) + ", Memo error " + errText(gerr)
		}
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return "ASTs differ:\n Parse " + dumpSpans(want) + "\n  Memo " + dumpSpans(got)
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// dumpSpans prints p with the spans of its commands.
func dumpSpans(p *spl.Pipeline) string {
	var b strings.Builder
	b.WriteString(p.String())
	for _, c := range p.Commands {
		fmt.Fprintf(&b, " %s@%d-%d", c.Name(), c.Span().Start, c.Span().End)
	}
	return b.String()
}
