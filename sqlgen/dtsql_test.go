package sqlgen_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/minispl/minispl/sqlgen"
)

// TestSparkTrinoParse parses the Spark and Trino SQL of every compiled
// ESCU detection and case with npm dt-sql-parser 4.5.1 (its SparkSQL and
// TrinoSQL grammars), which must find no syntax error. It is a smoke test
// of the text, not a run: the grammars accept some invalid SQL, and
// nothing here says the rows would be minispl's (scale-out.md §4). MINISPL_DTSQL names a folder
// with node_modules/dt-sql-parser (.ci/run installs it); without it the
// test skips.
func TestSparkTrinoParse(t *testing.T) {
	dir := npmFolder(t, "MINISPL_DTSQL", "dt-sql-parser")
	c := loadCorpus(t)
	work := nodeWork(t, dir, "dtsql/hooks.mjs", "dtsql/register.mjs", "dtsql/dtsql.mjs")
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	texts := map[string]string{}
	names := map[string]string{}
	sent := map[sqlgen.Dialect]int{}
	for i, q := range append(c.queries[:len(c.queries):len(c.queries)], c.cases...) {
		for _, d := range []sqlgen.Dialect{sqlgen.Spark, sqlgen.Trino} {
			text, err := sqlgen.Compile(q.Plan, d, sqlgen.Options{Root: "/data/summaries"})
			if err != nil {
				continue
			}
			key := strconv.Itoa(i) + "/" + d.String()
			texts[key], names[key] = text, c.name(i)
			sent[d]++
			if err := enc.Encode(map[string]string{"name": key, "dialect": d.String(), "sql": text}); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command("node", "--import", "./register.mjs", "dtsql.mjs")
	cmd.Dir = work
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node dtsql.mjs: %v\n%s", err, stderr.String())
	}
	got := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var r struct {
			Name   string
			Errors []string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got++
		if len(r.Errors) > 0 {
			t.Errorf("%s (%s): dt-sql-parser: %s\n%s", names[r.Name], r.Name, strings.Join(r.Errors, "; "), texts[r.Name])
		}
	}
	if got != len(texts) {
		t.Fatalf("%d results from dt-sql-parser, %d statements sent", got, len(texts))
	}
	t.Logf("dt-sql-parser 4.5.1 parsed %d Spark and %d Trino statements (the compiled detections and the cases)", sent[sqlgen.Spark], sent[sqlgen.Trino])
}
