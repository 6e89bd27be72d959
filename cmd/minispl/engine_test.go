package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/summaries"
)

// TestRunEngineFlags: --engine duckdb reads only the summaries, so a run
// without --summaries, with --data or --sample, or with --explain is an
// error saying so, before anything is read.
func TestRunEngineFlags(t *testing.T) {
	const search = "| tstats count from datamodel=Endpoint.Processes by Processes.dest"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--engine", "duckdb", search}, "give --summaries DIR"},
		{[]string{"run", "--engine", "duckdb", "--summaries", t.TempDir(), "--data", procsFile, search}, "not --data or --sample"},
		{[]string{"run", "--engine", "duckdb", "--summaries", t.TempDir(), "--sample", search}, "not --data or --sample"},
		{[]string{"run", "--engine", "duckdb", "--summaries", t.TempDir(), "--explain", search}, "--explain"},
	} {
		status, stdout, stderr := invoke(t, "", c.args...)
		if status != exitError || stdout != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want status %d and %q", c.args, status, stdout, stderr, exitError, c.want)
		}
	}
}

// TestSQLSourceChecks: --engine duckdb reads the summaries by a file
// pattern, so it refuses a folder where that would read other rows than
// minispl's reader: a Parquet file the manifest does not list, a part
// still under its temporary name, a commit of another mapping version, a
// glob character in the folder's name.
func TestSQLSourceChecks(t *testing.T) {
	cat := datamodel.DefaultCatalog()
	fresh := func() (string, *summaries.Manifest) {
		dir := t.TempDir()
		accelerate(t, dir, procsFile)
		return dir, manifest(t, dir)
	}
	dir, m := fresh()
	src, err := openSQLSource(dir, cat)
	if err != nil {
		t.Fatal(err)
	}
	if src.empty("Endpoint.Processes") || !src.empty("Endpoint.Registry") {
		t.Errorf("empty: Processes %v, Registry %v; want false, true", src.empty("Endpoint.Processes"), src.empty("Endpoint.Registry"))
	}
	part := filepath.Join(dir, filepath.FromSlash(m.Parts()[0].File))

	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(part, filepath.Join(filepath.Dir(part), "extra.parquet"))
	if _, err := openSQLSource(dir, cat); err == nil || !strings.Contains(err.Error(), "not in the manifest") {
		t.Errorf("a stray part: %v", err)
	}

	dir, m = fresh()
	part = filepath.Join(dir, filepath.FromSlash(m.Parts()[0].File))
	if err := os.Rename(part, filepath.Join(filepath.Dir(part), "."+filepath.Base(part)+".tmp")); err != nil {
		t.Fatal(err)
	}
	if _, err := openSQLSource(dir, cat); err == nil || !strings.Contains(err.Error(), "not under its final name") {
		t.Errorf("a part under its temporary name: %v", err)
	}

	dir, _ = fresh()
	mf := filepath.Join(dir, summaries.ManifestName)
	data, err := os.ReadFile(mf)
	if err != nil {
		t.Fatal(err)
	}
	version := summaries.MappingVersion(cat)
	if !strings.Contains(string(data), `"`+version+`"`) {
		t.Fatalf("the manifest does not name mapping version %s", version)
	}
	if err := os.WriteFile(mf, []byte(strings.ReplaceAll(string(data), `"`+version+`"`, `"old-mapping"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openSQLSource(dir, cat); err == nil || !strings.Contains(err.Error(), "mapping version old-mapping") {
		t.Errorf("another mapping version: %v", err)
	}

	if _, err := openSQLSource(filepath.Join(t.TempDir(), "a[1]"), cat); err == nil || !strings.Contains(err.Error(), "none of") {
		t.Errorf("a glob character: %v", err)
	}
}
