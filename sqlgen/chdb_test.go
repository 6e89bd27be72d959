package sqlgen_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/minispl/minispl/sqlgen"
)

// TestChdbDifferential runs every ESCU Endpoint detection the compiler
// accepts on modern ClickHouse (chdb, ClickHouse 26.7 in-process, from npm
// chdb@3.4.0) over the same Parquet summaries, and compares its rows with
// minispl's. MINISPL_CHDB names a folder with node_modules/chdb (.ci/run
// installs it); without it the test skips. All queries go through one
// node process (testdata/chq.mjs), since loading chdb takes a while.
func TestChdbDifferential(t *testing.T) {
	dir := npmFolder(t, "MINISPL_CHDB", "chdb")
	c := loadCorpus(t)
	c.withData(t)
	chdbDifferential(t, c, dir)
}

// TestChdbDifferentialGenerated is TestChdbDifferential over the
// summaries of a million generated events and the shared datasets
// (withGenerated).
func TestChdbDifferentialGenerated(t *testing.T) {
	dir := npmFolder(t, "MINISPL_CHDB", "chdb")
	c := loadCorpus(t)
	c.withGenerated(t)
	chdbDifferential(t, c, dir)
}

// chdbDifferential runs the corpus's SQL over c.root in one node process
// and compares each result with minispl's.
func chdbDifferential(t *testing.T, c *corpus, dir string) {
	work := nodeWork(t, dir, "chq.mjs")
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for i, q := range append(c.queries[:len(c.queries):len(c.queries)], c.cases...) {
		text, err := sqlgen.Compile(q.Plan, sqlgen.ClickHouse, sqlgen.Options{Root: c.root})
		if err != nil {
			continue
		}
		enc.Encode(map[string]string{"name": strconv.Itoa(i), "sql": text})
	}
	cmd := exec.Command("node", "chq.mjs")
	cmd.Dir = work
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node chq.mjs: %v\n%s", err, stderr.String())
	}
	results := map[string]chResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<30)
	for sc.Scan() {
		var r chResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		results[r.Name] = r
	}
	differential(t, c, sqlgen.ClickHouse, func(name, text string) ([]string, [][][]string, error) {
		r, ok := results[name]
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("no result from chdb")
		case strings.Contains(r.Err, "Not found column") && strings.Contains(r.Err, "in block"):
			// ClickHouse 26.7's Parquet reader loses a filter column
			// (isNotNull(...), lowerUTF8(...)) that its prewhere moved:
			// an error, never rows. chq.mjs turns prewhere off, which
			// avoids it on the shared data and the generated events.
			return nil, nil, fmt.Errorf("%w: %s", errEngineBug, firstLine(r.Err))
		case r.Err != "":
			return nil, nil, fmt.Errorf("%s", r.Err)
		}
		return parseJSONCompact(r.Out)
	})
}

type chResult struct {
	Name string `json:"name"`
	Out  string `json:"out"`
	Err  string `json:"err"`
}

// parseJSONCompact renders ClickHouse's JSONCompact output as minispl
// cells: integers as digits, floats as minispl prints them, arrays as
// their values, null as no value.
func parseJSONCompact(s string) ([]string, [][][]string, error) {
	// chdb may print one JSON document per block: their data concatenate.
	var doc struct {
		Meta []struct{ Name, Type string }
		Data [][]json.RawMessage
	}
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var part struct {
			Meta []struct{ Name, Type string }
			Data [][]json.RawMessage
		}
		if err := dec.Decode(&part); err != nil {
			return nil, nil, err
		}
		doc.Meta = part.Meta
		doc.Data = append(doc.Data, part.Data...)
	}
	cols := make([]string, len(doc.Meta))
	for i, m := range doc.Meta {
		cols[i] = m.Name
	}
	var rows [][][]string
	for _, r := range doc.Data {
		row := make([][]string, len(r))
		for i, v := range r {
			cell, err := chCell(v, doc.Meta[i].Type)
			if err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", cols[i], err)
			}
			row[i] = cell
		}
		rows = append(rows, row)
	}
	return cols, rows, nil
}

func chCell(v json.RawMessage, typ string) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	var render func(x any) []string
	render = func(x any) []string {
		switch x := x.(type) {
		case nil:
			return nil
		case []any:
			var out []string
			for _, e := range x {
				out = append(out, render(e)...)
			}
			return out
		case json.Number:
			if strings.Contains(typ, "Float") {
				f, _ := x.Float64()
				return []string{formatNumber(f)}
			}
			return []string{x.String()}
		case string:
			if strings.Contains(typ, "Float") {
				if f, err := strconv.ParseFloat(x, 64); err == nil {
					return []string{formatNumber(f)}
				}
			}
			return []string{x}
		case bool:
			return []string{strconv.FormatBool(x)}
		}
		return []string{fmt.Sprint(x)}
	}
	return render(x), nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
