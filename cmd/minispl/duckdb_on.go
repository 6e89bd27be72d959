//go:build duckdb

package main

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver

	"github.com/minispl/minispl/sqlgen"
)

// duckDB is an in-memory embedded DuckDB (duckdb-go, linked with the
// build tag duckdb) with extension autoloading off, so that nothing is
// fetched from the network, and the session time zone UTC.
type duckDB struct {
	db *sql.DB
}

// openDuckDB opens the in-memory database.
func openDuckDB() (*duckDB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false", "SET TimeZone = 'UTC'"} {
		if _, err := db.Exec(s); err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb: %s: %w", s, err)
		}
	}
	return &duckDB{db: db}, nil
}

// Close closes the database.
func (d *duckDB) Close() error { return d.db.Close() }

// query runs text and returns its rows as minispl's cells: numbers as
// minispl prints them, a list as a multivalue, null as no value.
func (d *duckDB) query(ctx context.Context, text string) (*rowsTable, error) {
	rows, err := d.db.QueryContext(ctx, text)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	t := &rowsTable{fields: cols}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([][]string, len(cols))
		for i, v := range vals {
			if row[i], err = sqlgen.Cells(v); err != nil {
				return nil, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		t.rows = append(t.rows, row)
	}
	return t, rows.Err()
}
