package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/escu"
)

// script is one search of a script file.
type script struct {
	// Name is the `# name:` comment above the search, or
	// "search at FILE:LINE".
	Name string
	Text string
	// File and Line locate Text's first line; LineMapped says whether Text's
	// lines are the file's lines from Line on (false for a YAML search).
	File       string
	Line       int
	LineMapped bool
}

// readScripts reads the searches of a file or folder: a folder's ESCU
// detections; ESCU detections (.yml, .yaml:
// a detection's `search:`; .jsonl: one detection a line; read by package
// spl/escu) or a script file (see parseScript).
func readScripts(path string) ([]script, error) {
	if isFolder(path) {
		s, _, err := detectionScripts(path)
		return s, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yml", ".yaml", ".jsonl":
		s, _, err := detectionScripts(path) // a file is never skipped
		return s, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseScript(path, string(data))
}

// parseScript splits a script file into searches. Lines whose first
// non-blank character is '#' are comments; a `# name: NAME` comment names
// the search that follows it. A search is one or more lines, ended by a
// blank line, by a line ending in ';' (the ';' is dropped) or by the end of
// the file. Comment lines inside a search become empty lines, so that line
// numbers in errors stay those of the file.
func parseScript(file, text string) ([]script, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var (
		out     []script
		cur     []string // lines of the search being read
		start   int      // its first line number
		name    string   // pending `# name:`
		curName string
	)
	flush := func() {
		body := strings.TrimSpace(strings.Join(cur, "\n"))
		if body != "" {
			n := curName
			if n == "" {
				n = fmt.Sprintf("search at %s:%d", file, start)
			}
			out = append(out, script{Name: n, Text: strings.Join(cur, "\n"), File: file, Line: start, LineMapped: true})
		}
		cur, curName = nil, ""
	}
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			if n, ok := strings.CutPrefix(strings.TrimSpace(trimmed[1:]), "name:"); ok {
				name = strings.TrimSpace(n)
			}
			if len(cur) > 0 {
				cur = append(cur, "")
			}
		case trimmed == "":
			flush()
		default:
			if len(cur) == 0 {
				start, curName, name = i+1, name, ""
			}
			if strings.HasSuffix(strings.TrimRight(line, " \t"), ";") {
				cur = append(cur, strings.TrimSuffix(strings.TrimRight(line, " \t"), ";"))
				flush()
				continue
			}
			cur = append(cur, line)
		}
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no search in the file", file)
	}
	return out, nil
}

// detectionScripts reads the detections of an ESCU file or folder (see
// escu.ReadAll) as scripts, with the files of a folder skipped as holding
// no detection. A detection without a name is named after its place.
func detectionScripts(path string) ([]script, []string, error) {
	ds, skipped, err := escu.ReadAll(path)
	if err != nil {
		return nil, nil, err
	}
	if len(ds) == 0 {
		return nil, skipped, fmt.Errorf("%s: no detection found (want .jsonl, .yml or .yaml files with a search)", path)
	}
	out := make([]script, 0, len(ds))
	for _, d := range ds {
		name := d.Name
		if name == "" {
			name = "search at " + d.Origin
		}
		out = append(out, script{Name: name, Text: d.Search, File: d.Path, Line: d.Line})
	}
	return out, skipped, nil
}

// formatError renders err for stderr. An *spl.Error shows its place with a
// caret; for a search of a script file the place is FILE:LINE:COL when the
// search's lines are the file's, and the search is named otherwise.
func formatError(err error, sc *script) string {
	var se *spl.Error
	if !errors.As(err, &se) || se.Text == "" {
		if sc != nil && sc.File != "" {
			return fmt.Sprintf("error: %s: %v", sc.Name, err)
		}
		return "error: " + err.Error()
	}
	if sc == nil || sc.File == "" {
		return "error: " + se.Format()
	}
	_, rest, _ := strings.Cut(se.Format(), "\n")
	line, col := spl.LineCol(se.Text, se.Pos.Start)
	var head string
	if sc.LineMapped {
		head = fmt.Sprintf("error: %s:%d:%d: %s", sc.File, sc.Line+line-1, col, se.Msg)
	} else {
		head = fmt.Sprintf("error: %s:%d: search %q, %d:%d: %s", sc.File, sc.Line, sc.Name, line, col, se.Msg)
	}
	var b bytes.Buffer
	b.WriteString(head)
	if rest != "" {
		b.WriteByte('\n')
		b.WriteString(rest)
	}
	return b.String()
}
