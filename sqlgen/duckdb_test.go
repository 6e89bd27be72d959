//go:build duckdb

package sqlgen_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
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
			row[i], err = cellOf(v)
			if err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

// cellOf renders a database/sql value as a minispl cell: numbers as
// minispl prints them, a list as its values, null as no value.
func cellOf(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case int64:
		return []string{strconv.FormatInt(v, 10)}, nil
	case int32:
		return []string{strconv.FormatInt(int64(v), 10)}, nil
	case float64:
		return []string{formatNumber(v)}, nil
	case bool:
		return []string{strconv.FormatBool(v)}, nil
	case []any:
		var s []string
		for _, x := range v {
			c, err := cellOf(x)
			if err != nil {
				return nil, err
			}
			s = append(s, c...)
		}
		return s, nil
	}
	return nil, fmt.Errorf("unexpected value type %T", v)
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
