//go:build duckdb

package sqlgen_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/minispl/minispl/sqlgen"
)

// openDuckDB opens an in-memory DuckDB with extension autoloading off (no
// network) and the session time zone UTC.
func openDuckDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false", "SET TimeZone = 'UTC'"} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// duckRows runs text and renders every cell as minispl's Result.Cell does.
func duckRows(db *sql.DB, text string) ([]string, [][][]string, error) {
	rows, err := db.QueryContext(context.Background(), text)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([][]string, len(cols))
		for i, v := range vals {
			row[i], err = sqlgen.Cells(v)
			if err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

// TestDuckDBDifferential runs every ESCU Endpoint detection the compiler
// accepts on DuckDB over the Parquet summaries of the shared datasets and
// compares its rows, in order, with minispl's executor.
func TestDuckDBDifferential(t *testing.T) {
	c := loadCorpus(t)
	db := openDuckDB(t)
	differential(t, c, sqlgen.DuckDB, func(_, text string) ([]string, [][][]string, error) { return duckRows(db, text) })
}

// TestDuckDBDifferentialGenerated is TestDuckDBDifferential over the
// summaries of a million generated events (datamodel/sysmongen; fewer
// with SQLGEN_GEN_EVENTS): the same detections and cases, minispl's rows
// against DuckDB's.
func TestDuckDBDifferentialGenerated(t *testing.T) {
	c := loadCorpus(t)
	c.withGenerated(t)
	db := openDuckDB(t)
	differential(t, c, sqlgen.DuckDB, func(_, text string) ([]string, [][][]string, error) { return duckRows(db, text) })
}
