package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/sqlgen"
	"github.com/minispl/minispl/summaries"
)

// engineDuckDB is run --engine duckdb: each search is compiled to DuckDB
// SQL (package sqlgen) over the Parquet summaries of --summaries and run
// on embedded DuckDB (linked only with the build tag duckdb).
const engineDuckDB = "duckdb"

// sqlSource is the summaries folder as the SQL engine reads it, checked
// against its manifest.
type sqlSource struct {
	root string
	// parts counts the manifest's parts per dataset.
	parts map[string]int
}

// openSQLSource checks that DuckDB's read_parquet of root's files reads
// exactly what minispl's reader of the summaries would: every part of the
// manifest under its final name, no other Parquet file in a partition
// folder, every commit of cat's mapping version (allow_old_summaries=false
// leaves out the others, which a file pattern cannot), and no glob
// character in root.
func openSQLSource(root string, cat *datamodel.Catalog) (*sqlSource, error) {
	if strings.ContainsAny(root, "*?[]{}") {
		return nil, fmt.Errorf("summaries %s: --engine duckdb reads the files by a pattern under the folder, so its name must hold none of * ? [ ] { }", root)
	}
	sum, err := summaries.Open(root)
	if err != nil {
		return nil, err
	}
	m := sum.Manifest()
	version := summaries.MappingVersion(cat)
	src := &sqlSource{root: root, parts: map[string]int{}}
	listed := map[string]bool{}
	for _, c := range m.Commits {
		if c.MappingVersion != version {
			return nil, fmt.Errorf("summaries %s: commit %d was written by mapping version %s, this minispl's is %s: --engine duckdb reads every file and cannot leave those out as minispl does (allow_old_summaries=false); summarise the evidence again into a new folder", root, c.Seq, c.MappingVersion, version)
		}
		for _, p := range c.Parts {
			final := filepath.Join(root, filepath.FromSlash(p.File))
			if _, err := os.Stat(final); err != nil {
				return nil, fmt.Errorf("summaries %s: the manifest lists %s, which is not under its final name (an accelerate stopped after its commit): run minispl accelerate --out %s once to finish it", root, p.File, root)
			}
			listed[final] = true
			src.parts[p.Dataset]++
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "*", "*", "*.parquet"))
	if err != nil {
		return nil, fmt.Errorf("summaries %s: %w", root, err)
	}
	for _, f := range files {
		if !listed[f] {
			return nil, fmt.Errorf("summaries %s: %s is not in the manifest, and --engine duckdb would read it: remove it", root, f)
		}
	}
	return src, nil
}

// empty reports whether the summaries hold no file of dataset.
func (s *sqlSource) empty(dataset string) bool { return s.parts[dataset] == 0 }

// rowsTable is an engine's result as minispl cells: render.Table.
type rowsTable struct {
	fields []string
	rows   [][][]string
}

func (t *rowsTable) Fields() []string           { return t.fields }
func (t *rowsTable) NumRows() int               { return len(t.rows) }
func (t *rowsTable) Cell(row, col int) []string { return t.rows[row][col] }

// runSQLQuery is runQuery for --engine duckdb: it compiles q to DuckDB's
// SQL over src (a construct without an exact translation is the error),
// runs it with Ctrl-C cancelling it and prints the rows as runQuery does.
func runSQLQuery(e *env, s *session, db *duckDB, src *sqlSource, q *query.Query, sc *script, name string, format render.Format, width int) (int, error) {
	for _, w := range q.Plan.Warnings() {
		if sc != nil && sc.File != "" {
			fmt.Fprintf(e.stderr, "warning: %s (%s): %s\n", sc.Name, origin(sc), w)
		} else {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
	}
	text, err := sqlgen.Compile(q.Plan, sqlgen.DuckDB, sqlgen.Options{Root: src.root, Empty: src.empty})
	if err != nil {
		return 0, fmt.Errorf("--engine duckdb: %w", err)
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	res, err := db.query(ctx, text)
	if err != nil {
		if ctx.Err() != nil && e.ctx.Err() == nil {
			return 0, errCancelled
		}
		return 0, fmt.Errorf("duckdb: %w", err)
	}
	var t render.Table = res
	if name != "" {
		t = &namedTable{name: name, t: res}
	}
	if err := render.Write(e.stdout, t, format, render.Options{Width: width, Time: s.location()}); err != nil {
		return 0, err
	}
	return res.NumRows(), nil
}

// checkSQLEngine refuses the flags --engine duckdb cannot honour.
func (c *RunCmd) checkSQLEngine() error {
	switch {
	case c.Source.Summaries == "":
		return fmt.Errorf("--engine duckdb reads the Parquet summaries: give --summaries DIR (written by minispl accelerate)")
	case len(c.Source.Data) > 0 || c.Source.Sample:
		return fmt.Errorf("--engine duckdb reads only --summaries DIR, not --data or --sample: summarise the evidence first (minispl accelerate)")
	case c.Explain:
		return fmt.Errorf("--explain prints minispl's engine's counters: not with --engine duckdb")
	}
	return nil
}
