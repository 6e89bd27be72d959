package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/sqlgen"
	"github.com/minispl/minispl/summaries"
)

// ExportCmd is `minispl export`: a conformance kit for running the
// detections on another SQL engine and diffing with minispl.
type ExportCmd struct {
	Summaries string    `required:"" placeholder:"DIR" help:"The summaries (written by minispl accelerate): the kit holds a copy, and the expected results are minispl's over them."`
	Out       string    `required:"" placeholder:"KIT" help:"The kit's folder; made, and it must not exist or be empty."`
	SQLRoot   string    `name:"sql-root" default:"summaries" placeholder:"PATH" help:"The summaries' path in the SQL of the dialects that read files (duckdb, clickhouse, spark); the default is the kit's copy, relative to KIT (run the engine from KIT)."`
	Macros    []string  `short:"m" placeholder:"PATH" help:"Macro definitions: macros.conf, ESCU macro .yml, macros.jsonl, or a folder of them (repeatable)."`
	Lookups   []string  `placeholder:"DIR" help:"Lookup folder in the ESCU layout (repeatable)."`
	Time      timeFlags `embed:""`
	File      []string  `short:"f" placeholder:"FILE" help:"The searches of FILE: a script, an ESCU detection .yml, a detections .jsonl or a folder of detections (repeatable)."`
	Search    []string  `arg:"" optional:"" name:"spl" help:"The search (quote it)."`
}

// exportReadme is the kit's README.md; %s is the index's first line.
const exportReadme = `# minispl conformance kit

Written by minispl export. For each search, detections/NNNN-NAME/ holds:

- search.spl: the search as given;
- DIALECT.sql: its SQL in each dialect that translates it exactly
  (duckdb, clickhouse, clickhouse-18, spark, trino);
- expected.csv: minispl's rows over summaries/, in minispl's order.

index.tsv lists every search (columns: %s): its rows, and per
dialect "ok" or the construct that has no exact SQL.

summaries/ is a copy of the Parquet summaries the rows were computed
over (DIR/<Model.Dataset>/dt=YYYY-MM-DD/part-*.parquet, _time a UTC
millisecond timestamp, every other field a string). The SQL of duckdb,
clickhouse and spark reads them by path (run the engine from this folder,
or export again with --sql-root); clickhouse-18 and trino read a table
per dataset (endpoint_registry for Endpoint.Registry; for clickhouse-18
_time_ms Int64 and the fields Nullable(String)).

Compare cell by cell and row by row, order included: a number as minispl
prints it (an integer without a decimal point, _time and min/max of it as
epoch seconds with milliseconds), a multivalue as its values joined by a
newline, null as an empty cell. The session time zone must be UTC.

Status of the dialects: duckdb, clickhouse (ClickHouse 26.7 in chdb) and
clickhouse-18 (a 2-shard ClickHouse 18.16 cluster) return minispl's rows
on minispl's own tests; spark and trino are UNTESTED: no engine ran them.
`

// Run writes the kit.
func (c *ExportCmd) Run(e *env) int {
	scripts, status := searches(e, c.File, c.Search)
	if status != exitOK {
		return status
	}
	if ents, err := os.ReadDir(c.Out); err == nil && len(ents) > 0 {
		fmt.Fprintf(e.stderr, "minispl: export: %s is not empty\n", c.Out)
		return exitError
	}
	src := sourceFlags{Macros: c.Macros, Lookups: c.Lookups, Time: c.Time, Summaries: c.Summaries}
	s, status := newSessionFrom(e, src)
	if status != exitOK {
		return status
	}
	sqlSrc, err := openSQLSource(c.Summaries, s.env.Catalog())
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitError
	}
	if err := copySummaries(c.Summaries, filepath.Join(c.Out, "summaries")); err != nil {
		fmt.Fprintf(e.stderr, "error: export: %v\n", err)
		return exitError
	}
	queries := make([]*query.Query, len(scripts))
	errs := make([]error, len(scripts))
	var ok []*query.Query
	for i := range scripts {
		if queries[i], errs[i] = s.compile(scripts[i].Text); errs[i] == nil {
			ok = append(ok, queries[i])
		}
	}
	if len(ok) > 0 {
		s.filter = query.RawFilter(ok...)
		s.noEvents = !query.ReadsEvents(ok...)
		if err := loadSource(e, s, src); err != nil {
			return loadStatus(err)
		}
	}
	var index bytes.Buffer
	head := []string{"id", "name", "rows"}
	for _, d := range sqlgen.Dialects() {
		head = append(head, d.String())
	}
	index.WriteString(strings.Join(head, "\t") + "\n")
	status = exitOK
	written := 0
	for i := range scripts {
		sc := &scripts[i]
		id := fmt.Sprintf("%04d", i+1)
		name := sc.Name
		if name == "" {
			name = "search"
		}
		row := []string{id, tsvField(name)}
		if errs[i] != nil {
			fmt.Fprintln(e.stderr, formatError(errs[i], sc))
			status = exitError
			row = append(row, tsvField("not planned: "+errs[i].Error()))
			index.WriteString(strings.Join(row, "\t") + "\n")
			continue
		}
		dir := filepath.Join(c.Out, "detections", id+"-"+slug(name))
		n, cells, err := c.exportOne(e, s, sqlSrc, queries[i], sc, dir)
		if err != nil {
			fmt.Fprintln(e.stderr, formatError(err, sc))
			if errors.Is(err, errCancelled) {
				return exitInterrupted
			}
			status = exitError
			row = append(row, tsvField("error: "+err.Error()))
			index.WriteString(strings.Join(row, "\t") + "\n")
			continue
		}
		written++
		row = append(row, strconv.Itoa(n))
		for _, v := range cells {
			row = append(row, tsvField(v))
		}
		index.WriteString(strings.Join(row, "\t") + "\n")
	}
	if err := os.WriteFile(filepath.Join(c.Out, "index.tsv"), index.Bytes(), 0o644); err != nil {
		fmt.Fprintf(e.stderr, "error: export: %v\n", err)
		return exitError
	}
	readme := fmt.Sprintf(exportReadme, strings.Join(head, ", "))
	if err := os.WriteFile(filepath.Join(c.Out, "README.md"), []byte(readme), 0o644); err != nil {
		fmt.Fprintf(e.stderr, "error: export: %v\n", err)
		return exitError
	}
	fmt.Fprintf(e.stderr, "export: %d of %d searches written to %s (index.tsv, README.md)\n", written, len(scripts), c.Out)
	return status
}

// exportOne writes one search's folder: search.spl, the SQL of every
// dialect that translates it, expected.csv. It returns the rows and, per
// dialect, "ok" or the construct that stops it.
func (c *ExportCmd) exportOne(e *env, s *session, src *sqlSource, q *query.Query, sc *script, dir string) (int, []string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "search.spl"), []byte(sc.Text+"\n"), 0o644); err != nil {
		return 0, nil, err
	}
	var cells []string
	for _, d := range sqlgen.Dialects() {
		opt := sqlgen.Options{Root: c.SQLRoot}
		if d == sqlgen.DuckDB {
			opt.Empty = src.empty
		}
		text, err := sqlgen.Compile(q.Plan, d, opt)
		var se *sqlgen.Error
		switch {
		case errors.As(err, &se):
			cells = append(cells, se.Construct)
			continue
		case err != nil:
			return 0, nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, d.String()+".sql"), []byte(text), 0o644); err != nil {
			return 0, nil, err
		}
		cells = append(cells, "ok")
	}
	res, err := s.executeQuery(e.ctx, q)
	if err != nil {
		return 0, nil, err
	}
	defer res.Release()
	var b bytes.Buffer
	if err := render.WriteCSV(&b, res); err != nil {
		return 0, nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "expected.csv"), b.Bytes(), 0o644); err != nil {
		return 0, nil, err
	}
	return res.NumRows(), cells, nil
}

// copySummaries copies the manifest and every part it lists from root to
// dst (a hard link where the file system allows).
func copySummaries(root, dst string) error {
	sum, err := summaries.Open(root)
	if err != nil {
		return err
	}
	files := []string{summaries.ManifestName}
	for _, p := range sum.Manifest().Parts() {
		files = append(files, filepath.FromSlash(p.File))
	}
	for _, f := range files {
		to := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		from := filepath.Join(root, f)
		if os.Link(from, to) == nil {
			continue
		}
		if err := copyFile(from, to); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies the file from to the new file to.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// slug is a file-name form of a search's name: lower-case letters and
// digits, other runs as one '-', at most 60 bytes.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "search"
	}
	return out
}

// tsvField is s on one TSV line: tabs and newlines as spaces.
func tsvField(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}
