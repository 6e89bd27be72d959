//go:build !duckdb

package main

import (
	"context"
	"errors"
)

// duckDB is embedded DuckDB; this binary was built without it.
type duckDB struct{}

// openDuckDB fails: DuckDB is linked only with the build tag duckdb.
func openDuckDB() (*duckDB, error) {
	return nil, errors.New("--engine duckdb: this minispl was built without DuckDB; build it with `go build -tags duckdb ./cmd/minispl` (cgo and a C compiler needed)")
}

func (*duckDB) query(context.Context, string) (*rowsTable, error) {
	return nil, errors.New("DuckDB is not linked")
}

func (*duckDB) Close() error { return nil }
