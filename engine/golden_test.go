package engine_test

// The golden harness: text cases in ../testdata/golden/*.test, run end to end
// (macros -> spl -> engine over datamodel stores) and compared with the
// expected blocks. `go test ./engine -run TestGolden -update` rewrites the
// expected blocks in place; review the diff by hand before committing.
//
// A case file is a sequence of commands separated by blank lines; '#' lines
// are comments kept as written. Commands:
//
//	load FILE...          ingest testdata files into the store (cumulative)
//	load-shared PATH...   ingest files or folders under ../shared (beside the
//	                      checkout); the whole case file is skipped when
//	                      ../shared is absent, as on a user's fresh clone
//	macros FILE           load a macros file (testdata-relative) on top of the defaults
//	macros-shared PATH    the same for a file under ../shared (e.g.
//	                      escu/macros.jsonl, loaded as ESCU's build does);
//	                      the whole case file is skipped when it is absent
//	now TIME              reference time (RFC 3339) for the searches that follow
//	earliest [TIME]       time window start (a time modifier such as -70m@m,
//	latest [TIME]         resolved with spl/timemod against now when each
//	                      search runs) for the searches that follow; without
//	                      TIME the bound is unbounded again
//	lookups DIR...        lookup folders (testdata-relative) for the searches
//	                      that follow (engine.Options.LookupDirs)
//	stats                 ----  the ingest summary line
//	run [format=F]        SPL lines, then ----, then the expected output:
//	                      csv (default) or another render format, "0 results"
//	                      for an empty result, or "error:" and the formatted
//	                      error (caret display) for a failing search
//	expand / plan         SPL, ----, the expanded search / the plan dump
//	require-nonnull F...  ESCU's pass rule (escu-content §5) on the result of
//	                      the run before it: fails unless that run returned
//	                      at least one row and every listed field is a
//	                      column that is neither null nor "null" in any row
//	                      (skipped when that run was skipped)
//	skip REASON           do not execute the next run or plan block (its
//	                      expected output is kept as written, also under
//	                      -update); the other blocks still run, and the
//	                      file is reported skipped with REASON when nothing
//	                      failed. For a known engine bug: the block keeps
//	                      the correct output and the reason names the bug
//
// Every run is executed over stores built with batch sizes 1, 3 and the
// default, and all three must print the same output (the promqltest
// invariance idea): results must not depend on batching.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/engine/render"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/timemod"
)

var update = flag.Bool("update", false, "rewrite the expected blocks of testdata/golden/*.test")

var goldenBatchSizes = []int{1, 3, 0}

// oneLineCommands take no input block.
var oneLineCommands = map[string]bool{"load": true, "load-shared": true, "macros": true,
	"macros-shared": true, "now": true, "earliest": true, "latest": true, "lookups": true,
	"require-nonnull": true, "skip": true}

// sharedDir is ../shared beside the checkout, seen from this package.
var sharedDir = filepath.Join("..", "..", "shared")

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.test"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) { runGoldenFile(t, path) })
	}
}

// block is one command of a case file with its input and expected output.
type block struct {
	line     int      // 1-based line of the command
	command  string   // the command line
	input    []string // lines between the command and ----
	expected []string // lines after ----
	hasSep   bool
	comments []string // comment and blank lines before the command
}

func parseBlocks(t *testing.T, path string) (blocks []*block, trailer []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var pending []string
	var cur *block
	inExpected := false
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur != nil && inExpected:
			if line == "" {
				blocks = append(blocks, cur)
				cur, inExpected = nil, false
				pending = append(pending, line)
				continue
			}
			cur.expected = append(cur.expected, line)
		case cur != nil:
			if line == "----" {
				cur.hasSep, inExpected = true, true
				continue
			}
			if line == "" {
				blocks = append(blocks, cur)
				cur = nil
				pending = append(pending, line)
				continue
			}
			cur.input = append(cur.input, line)
		case line == "" || strings.HasPrefix(line, "#"):
			pending = append(pending, line)
		default:
			cur = &block{line: n, command: line, comments: pending}
			pending = nil
			if f := strings.Fields(line); len(f) > 0 && oneLineCommands[f[0]] {
				blocks = append(blocks, cur)
				cur = nil
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		blocks = append(blocks, cur)
	}
	return blocks, pending
}

func writeBlocks(t *testing.T, path string, blocks []*block, trailer []string) {
	t.Helper()
	var b strings.Builder
	for _, bl := range blocks {
		for _, c := range bl.comments {
			b.WriteString(c + "\n")
		}
		b.WriteString(bl.command + "\n")
		for _, l := range bl.input {
			b.WriteString(l + "\n")
		}
		if bl.hasSep {
			b.WriteString("----\n")
			for _, l := range bl.expected {
				b.WriteString(l + "\n")
			}
		}
	}
	for _, c := range trailer {
		b.WriteString(c + "\n")
	}
	out := strings.TrimRight(b.String(), "\n") + "\n"
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goldenState is what the commands of one file build up.
type goldenState struct {
	loads []string
	lib   *macros.Library
	now   time.Time
	// earliest and latest are time modifiers, resolved at each run.
	earliest, latest string
	lookups          []string
	// last is the result of the latest run block, for require-nonnull;
	// nil before any run or when that run failed.
	last *resultSnapshot
	// skipNext is the reason given by a skip command for the next run or
	// plan block, "" when none is pending; lastSkipped says the latest run
	// was skipped, so a require-nonnull after it is skipped too.
	skipNext    string
	lastSkipped bool
}

// resultSnapshot keeps the cells of a run's result after its batches are
// released.
type resultSnapshot struct {
	fields []string
	rows   [][][]string // rows[row][col]: nil for null, else the values
}

// checkNonNull applies ESCU's risk-object rule to a result: at least one
// row, and each field present and neither null nor "null" in every row. It
// returns one message per violation.
func checkNonNull(r *resultSnapshot, fields []string) []string {
	if r == nil || len(r.rows) == 0 {
		return []string{"the previous run returned no results"}
	}
	var bad []string
	for _, f := range fields {
		col := -1
		for i, name := range r.fields {
			if name == f {
				col = i
				break
			}
		}
		if col < 0 {
			bad = append(bad, fmt.Sprintf("field %s is not a column of the result (%s)", f, strings.Join(r.fields, ",")))
			continue
		}
		for i, row := range r.rows {
			v := row[col]
			if len(v) == 0 || (len(v) == 1 && v[0] == "null") {
				bad = append(bad, fmt.Sprintf("field %s is null in result row %d", f, i+1))
			}
		}
	}
	return bad
}

func runGoldenFile(t *testing.T, path string) {
	blocks, trailer := parseBlocks(t, path)
	st := &goldenState{lib: macros.Default(), now: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)}
	changed := false
	var skipped []string
	for _, bl := range blocks {
		where := fmt.Sprintf("%s:%d", path, bl.line)
		fields := strings.Fields(bl.command)
		var got []string
		switch fields[0] {
		case "load":
			for _, f := range fields[1:] {
				st.loads = append(st.loads, filepath.Join("..", "testdata", f))
			}
			continue
		case "load-shared":
			for _, f := range fields[1:] {
				p := filepath.Join(sharedDir, f)
				if _, err := os.Stat(p); err != nil {
					t.Skipf("%s: %s not available: %v", where, p, err)
				}
				st.loads = append(st.loads, p)
			}
			continue
		case "macros":
			if err := st.lib.Load(filepath.Join("..", "testdata", fields[1])); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			continue
		case "macros-shared":
			p := filepath.Join(sharedDir, fields[1])
			if _, err := os.Stat(p); err != nil {
				t.Skipf("%s: %s not available: %v", where, p, err)
			}
			if err := st.lib.Load(p); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			continue
		case "require-nonnull":
			if len(fields) < 2 {
				t.Fatalf("%s: require-nonnull needs at least one field", where)
			}
			if st.lastSkipped {
				skipped = append(skipped, fmt.Sprintf("%s: require-nonnull after a skipped run", where))
				continue
			}
			for _, msg := range checkNonNull(st.last, fields[1:]) {
				t.Errorf("%s: require-nonnull: %s", where, msg)
			}
			continue
		case "skip":
			reason := strings.TrimSpace(strings.TrimPrefix(bl.command, "skip"))
			if reason == "" {
				t.Fatalf("%s: skip needs a reason", where)
			}
			st.skipNext = reason
			continue
		case "now":
			tm, err := time.Parse(time.RFC3339, fields[1])
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			st.now = tm
			continue
		case "earliest", "latest":
			spec := strings.TrimSpace(strings.TrimPrefix(bl.command, fields[0]))
			if spec != "" {
				if _, err := timemod.Resolve(spec, st.now, time.UTC); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
			}
			if fields[0] == "earliest" {
				st.earliest = spec
			} else {
				st.latest = spec
			}
			continue
		case "lookups":
			st.lookups = nil
			for _, f := range fields[1:] {
				st.lookups = append(st.lookups, filepath.Join("..", "testdata", f))
			}
			continue
		case "stats":
			store := st.store(t, where, 0)
			got = strings.Split(strings.TrimRight(store.Stats().String(), "\n"), "\n")
		case "expand":
			x, err := st.lib.Expand(strings.Join(bl.input, "\n"))
			if err != nil {
				got = errorLines(err, strings.Join(bl.input, "\n"))
			} else {
				got = strings.Split(x.Text, "\n")
			}
		case "run", "plan":
			if st.skipNext != "" {
				skipped = append(skipped, fmt.Sprintf("%s: %s", where, st.skipNext))
				st.skipNext, st.last, st.lastSkipped = "", nil, true
				continue
			}
			st.last, st.lastSkipped = nil, false
			var outs [][]string
			for _, bs := range goldenBatchSizes {
				outs = append(outs, st.run(t, where, bl, bs))
			}
			for i := 1; i < len(outs); i++ {
				if strings.Join(outs[i], "\n") != strings.Join(outs[0], "\n") {
					t.Errorf("%s: output differs between batch sizes %d and %d:\n%s\n---- vs ----\n%s",
						where, goldenBatchSizes[0], goldenBatchSizes[i], strings.Join(outs[0], "\n"), strings.Join(outs[i], "\n"))
				}
			}
			got = outs[0]
		default:
			t.Fatalf("%s: unknown command %q", where, fields[0])
		}
		if strings.Join(got, "\n") != strings.Join(bl.expected, "\n") {
			if *update {
				bl.expected, bl.hasSep, changed = got, true, true
				continue
			}
			t.Errorf("%s: %s\n--- got ---\n%s\n--- want ---\n%s", where, bl.command,
				strings.Join(got, "\n"), strings.Join(bl.expected, "\n"))
		}
	}
	if changed {
		writeBlocks(t, path, blocks, trailer)
	}
	if st.skipNext != "" {
		t.Errorf("%s: skip %q is not followed by a run or plan block", path, st.skipNext)
	}
	if len(skipped) > 0 && !t.Failed() {
		t.Skipf("skipped blocks:\n%s", strings.Join(skipped, "\n"))
	}
}

func (st *goldenState) store(t *testing.T, where string, batchSize int) *datamodel.Store {
	t.Helper()
	store := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{BatchSize: batchSize})
	for _, p := range st.loads {
		if err := ingestPath(store, p); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
	}
	return store
}

func (st *goldenState) run(t *testing.T, where string, bl *block, batchSize int) []string {
	t.Helper()
	text := strings.Join(bl.input, "\n")
	format := "csv"
	for _, f := range strings.Fields(bl.command)[1:] {
		if v, ok := strings.CutPrefix(f, "format="); ok {
			format = v
		}
	}
	cat := datamodel.DefaultCatalog()
	store := st.store(t, where, batchSize)
	opt := engine.Options{Now: st.now, BatchSize: batchSize, LookupDirs: st.lookups}
	for _, b := range []struct {
		spec string
		dst  *time.Time
	}{{st.earliest, &opt.Earliest}, {st.latest, &opt.Latest}} {
		if b.spec == "" {
			continue
		}
		tm, err := timemod.Resolve(b.spec, st.now, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		*b.dst = tm
	}
	eng := engine.New(cat, store, opt)
	x, err := st.lib.Expand(text)
	if err != nil {
		return errorLines(err, text)
	}
	pipe, err := spl.Parse(x.Text)
	if err != nil {
		return errorLines(x.Relocate(err), text)
	}
	plan, err := eng.Plan(pipe)
	if err != nil {
		return errorLines(x.Relocate(err), text)
	}
	if strings.HasPrefix(bl.command, "plan") {
		return strings.Split(strings.TrimRight(plan.String(), "\n"), "\n")
	}
	res, err := eng.Execute(context.Background(), plan)
	if err != nil {
		return errorLines(x.Relocate(err), text)
	}
	defer res.Release()
	st.last = snapshot(res)
	if res.NumRows() == 0 {
		return []string{"0 results"}
	}
	f, err := render.ParseFormat(format)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var b strings.Builder
	if err := render.Write(&b, res, f, render.Options{}); err != nil {
		t.Fatalf("%s: render: %v", where, err)
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
}

// snapshot copies the cells of a result.
func snapshot(res *engine.Result) *resultSnapshot {
	r := &resultSnapshot{fields: append([]string(nil), res.Fields()...)}
	for i := 0; i < res.NumRows(); i++ {
		row := make([][]string, len(r.fields))
		for j := range r.fields {
			row[j] = res.Cell(i, j)
		}
		r.rows = append(r.rows, row)
	}
	return r
}

func errorLines(err error, text string) []string {
	msg := err.Error()
	if se, ok := err.(*spl.Error); ok {
		if se.Text == "" {
			se.Text = text
		}
		msg = se.Format()
	}
	return strings.Split("error: "+msg, "\n")
}

// ingestPath ingests a file, or every regular file under a folder in name
// order.
func ingestPath(store *datamodel.Store, path string) error {
	return filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return store.IngestFile(p)
	})
}

func TestCheckNonNull(t *testing.T) {
	res := &resultSnapshot{
		fields: []string{"dest", "user", "guid"},
		rows: [][][]string{
			{{"h1"}, {"unknown"}, {"null"}},
			{{"h2"}, nil, {"g"}},
		},
	}
	for _, tc := range []struct {
		name   string
		r      *resultSnapshot
		fields []string
		want   []string
	}{
		{"non-null and unknown pass", res, []string{"dest"}, nil},
		{"no run", nil, []string{"dest"}, []string{"the previous run returned no results"}},
		{"no rows", &resultSnapshot{fields: []string{"dest"}}, []string{"dest"},
			[]string{"the previous run returned no results"}},
		{"null cell", res, []string{"user"}, []string{"field user is null in result row 2"}},
		{"string null", res, []string{"guid"}, []string{"field guid is null in result row 1"}},
		{"absent column", res, []string{"dest", "src"},
			[]string{"field src is not a column of the result (dest,user,guid)"}},
		{"multivalue is a value", &resultSnapshot{fields: []string{"f"}, rows: [][][]string{{{"null", "x"}}}},
			[]string{"f"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkNonNull(tc.r, tc.fields)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("checkNonNull(%v) = %q, want %q", tc.fields, got, tc.want)
			}
		})
	}
}
