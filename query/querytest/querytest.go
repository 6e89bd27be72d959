package querytest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/timemod"
)

// Options configure a run of case files.
type Options struct {
	// Testdata is the folder that load, macros and lookups paths are
	// relative to.
	Testdata string
	// Shared is the folder that load-shared and macros-shared paths are
	// relative to (../shared beside the checkout); a case file that names
	// a path missing under it is skipped.
	Shared string
	// BatchSizes are the store and engine batch sizes every run and plan
	// block is executed at; all must print the same output. Nil means 1,
	// 3 and the default (0).
	BatchSizes []int
	// Update rewrites the expected blocks of the files with the output
	// instead of failing; review the diff by hand before committing.
	Update bool
	// Backend executes the compiled searches of run blocks; nil means
	// Query.Run, the engine.
	Backend Backend
	// Prefilter ingests the events of each run block as minispl run
	// does: with the block's ingest pre-filter (query.RawFilter), an
	// event store of only the fields its search reads
	// (query.EventFields) and rows of only the datasets it reads
	// (query.Datasets), so that the expected outputs check that none of
	// these changes a result.
	Prefilter bool
}

// Backend executes a compiled search over the events of store. A back end
// other than the engine (an SQL compiler, a raw-event store) implements it
// to run the corpus; q has passed the front door (expanded, parsed,
// planned), so compile errors are the front door's.
type Backend func(ctx context.Context, q *query.Query, store *datamodel.Store) (Result, error)

// Result is the rows a Backend returns; it is released once read.
type Result interface {
	render.Table
	Release()
}

// engineBackend runs a query with the engine.
func engineBackend(ctx context.Context, q *query.Query, store *datamodel.Store) (Result, error) {
	return q.Run(ctx, store)
}

// defaultBatchSizes are 1, 3 and the packages' default.
var defaultBatchSizes = []int{1, 3, 0}

// RunDir runs every *.test file of dir as a subtest named by the file.
func RunDir(t *testing.T, dir string, opt Options) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.test"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files in %s: %v", dir, err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) { RunFile(t, path, opt) })
	}
}

// oneLineCommands take no input block.
var oneLineCommands = map[string]bool{"load": true, "load-shared": true, "macros": true,
	"macros-shared": true, "now": true, "earliest": true, "latest": true, "lookups": true,
	"require-nonnull": true, "skip": true}

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

// state is what the commands of one file build up.
type state struct {
	opt   Options
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

// RunFile runs the case file at path.
func RunFile(t *testing.T, path string, opt Options) {
	t.Helper()
	if opt.BatchSizes == nil {
		opt.BatchSizes = defaultBatchSizes
	}
	if opt.Backend == nil {
		opt.Backend = engineBackend
	}
	blocks, trailer := parseBlocks(t, path)
	st := &state{opt: opt, lib: macros.Default(), now: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)}
	changed := false
	var skipped []string
	for _, bl := range blocks {
		where := fmt.Sprintf("%s:%d", path, bl.line)
		fields := strings.Fields(bl.command)
		var got []string
		switch fields[0] {
		case "load":
			for _, f := range fields[1:] {
				st.loads = append(st.loads, filepath.Join(opt.Testdata, f))
			}
			continue
		case "load-shared":
			for _, f := range fields[1:] {
				p := filepath.Join(opt.Shared, f)
				if _, err := os.Stat(p); err != nil {
					t.Skipf("%s: %s not available: %v", where, p, err)
				}
				st.loads = append(st.loads, p)
			}
			continue
		case "macros":
			if err := st.lib.Load(filepath.Join(opt.Testdata, fields[1])); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			continue
		case "macros-shared":
			p := filepath.Join(opt.Shared, fields[1])
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
				st.lookups = append(st.lookups, filepath.Join(opt.Testdata, f))
			}
			continue
		case "stats":
			store := st.store(t, where, 0, nil, nil)
			got = strings.Split(strings.TrimRight(store.Stats().String(), "\n"), "\n")
		case "expand":
			x, err := st.env(t, where, 0).Expand(strings.Join(bl.input, "\n"))
			if err != nil {
				got = errorLines(err)
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
			for _, bs := range opt.BatchSizes {
				outs = append(outs, st.run(t, where, bl, bs))
			}
			for i := 1; i < len(outs); i++ {
				if strings.Join(outs[i], "\n") != strings.Join(outs[0], "\n") {
					t.Errorf("%s: output differs between batch sizes %d and %d:\n%s\n---- vs ----\n%s",
						where, opt.BatchSizes[0], opt.BatchSizes[i], strings.Join(outs[0], "\n"), strings.Join(outs[i], "\n"))
				}
			}
			got = outs[0]
		default:
			t.Fatalf("%s: unknown command %q", where, fields[0])
		}
		if strings.Join(got, "\n") != strings.Join(bl.expected, "\n") {
			if opt.Update {
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

// store builds a store of the loaded files at batchSize, through
// datamodel's one ingest entry point, which the CLI uses too (files told
// apart by content, the ones holding no event skipped, a file loaded twice
// read once).
func (st *state) store(t *testing.T, where string, batchSize int, filter *datamodel.RawFilter, narrow *query.Query) *datamodel.Store {
	t.Helper()
	store := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{BatchSize: batchSize})
	if narrow != nil {
		if names, all := query.EventFields(narrow); !all {
			store.SetEventFields(names)
		}
		if names, ok := query.Datasets(narrow); ok {
			store.SetDatasets(names)
		}
	}
	for _, p := range st.loads {
		added, err := store.IngestPath(context.Background(), p, datamodel.IngestOptions{Filter: filter})
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		// Every load of every golden input: read = used + skipped.
		if err := added.Check(); err != nil {
			t.Errorf("%s: load %s: %v", where, p, err)
		}
	}
	if err := store.Stats().Check(); err != nil {
		t.Errorf("%s: %v", where, err)
	}
	if err := checkRows(store); err != nil {
		t.Errorf("%s: %v", where, err)
	}
	return store
}

// checkRows checks that each dataset of store holds as many rows in its
// batches as Stats counts used for it: the counts are what a search
// reads, not only consistent among themselves.
func checkRows(store *datamodel.Store) error {
	st := store.Stats()
	for _, d := range datamodel.DefaultCatalog().Datasets() {
		var rows int64
		for _, b := range store.Batches(d) {
			rows += b.NumRows()
		}
		rows += int64(store.RowsLeftOut(d))
		if rows != int64(st.Used[d.FullName()]) {
			return fmt.Errorf("accounting: %s holds %d rows (with those left out), but %d events are counted used for it", d.FullName(), rows, st.Used[d.FullName()])
		}
	}
	return nil
}

// env builds the front door's Env of the commands so far at batchSize.
func (st *state) env(t *testing.T, where string, batchSize int) *query.Env {
	t.Helper()
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
	return query.NewEnv(query.Options{Macros: st.lib, Catalog: datamodel.DefaultCatalog(), Engine: opt})
}

// run compiles and executes a run or plan block at batchSize and returns
// its output lines.
func (st *state) run(t *testing.T, where string, bl *block, batchSize int) []string {
	t.Helper()
	format := "csv"
	for _, f := range strings.Fields(bl.command)[1:] {
		if v, ok := strings.CutPrefix(f, "format="); ok {
			format = v
		}
	}
	q, err := st.env(t, where, batchSize).Compile(strings.Join(bl.input, "\n"))
	if err != nil {
		return errorLines(err)
	}
	if strings.HasPrefix(bl.command, "plan") {
		return strings.Split(strings.TrimRight(q.Plan.String(), "\n"), "\n")
	}
	var filter *datamodel.RawFilter
	var narrow *query.Query
	if st.opt.Prefilter {
		filter, narrow = query.RawFilter(q), q
	}
	res, err := st.opt.Backend(context.Background(), q, st.store(t, where, batchSize, filter, narrow))
	if err != nil {
		return errorLines(err)
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

// errorLines formats an error as the CLI prints it for a search given on
// the command line: "error: " and, for a positioned *spl.Error, the caret
// display.
func errorLines(err error) []string {
	msg := err.Error()
	var se *spl.Error
	if errors.As(err, &se) && se.Text != "" {
		msg = se.Format()
	}
	return strings.Split("error: "+msg, "\n")
}

// snapshot copies the cells of a result.
func snapshot(res render.Table) *resultSnapshot {
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
