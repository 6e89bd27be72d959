package main

import (
	"fmt"
	"strings"

	"github.com/minispl/minispl/sqlgen"
)

// SQLCmd is `minispl sql`: the SQL of a search over the Parquet summaries.
type SQLCmd struct {
	Macros    []string  `short:"m" placeholder:"PATH" help:"Macro definitions: macros.conf, ESCU macro .yml, macros.jsonl, or a folder of them (repeatable)."`
	Lookups   []string  `placeholder:"DIR" help:"Lookup folder in the ESCU layout (repeatable)."`
	Dialect   string    `default:"duckdb" enum:"duckdb,clickhouse,clickhouse-18,spark,trino" help:"SQL dialect: duckdb, clickhouse (23.4+), clickhouse-18, spark (3.4+) or trino."`
	Summaries string    `placeholder:"DIR" default:"summaries" help:"Folder of the Parquet summaries (DIR/<Model.Dataset>/dt=YYYY-MM-DD/*.parquet) the SQL reads."`
	Time      timeFlags `embed:""`
	Search    []string  `arg:"" name:"spl" help:"The search (quote it)."`
}

// Run prints the SQL, or the construct that has no exact SQL.
func (c *SQLCmd) Run(e *env) int {
	d, err := sqlgen.ParseDialect(c.Dialect)
	if err != nil {
		fmt.Fprintf(e.stderr, "minispl: %v\n", err)
		return exitError
	}
	s, status := newSessionFrom(e, sourceFlags{Macros: c.Macros, Lookups: c.Lookups, Time: c.Time})
	if status != exitOK {
		return status
	}
	sc := &script{Text: strings.Join(c.Search, " ")}
	q, err := s.compile(sc.Text)
	if err != nil {
		fmt.Fprintln(e.stderr, formatError(err, sc))
		return exitError
	}
	for _, w := range q.Plan.Warnings() {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	text, err := sqlgen.Compile(q.Plan, d, sqlgen.Options{Root: c.Summaries})
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	fmt.Fprint(e.stdout, text)
	return exitOK
}
