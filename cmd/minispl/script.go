package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/minispl/minispl/spl"
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

// readScripts reads the searches of a file: an ESCU detection YAML (.yml,
// .yaml: its `search:`) or a script file (see parseScript).
func readScripts(path string) ([]script, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yml", ".yaml":
		s, err := parseDetectionYAML(path, data)
		if err != nil {
			return nil, err
		}
		return []script{s}, nil
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

// parseDetectionYAML reads the name and search of an ESCU detection YAML.
func parseDetectionYAML(file string, data []byte) (script, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return script{}, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return script{}, fmt.Errorf("%s: not an ESCU detection (want a YAML mapping with a search: key)", file)
	}
	m := doc.Content[0]
	s := script{File: file}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch k.Value {
		case "name":
			s.Name = v.Value
		case "search":
			if v.Kind != yaml.ScalarNode {
				return script{}, fmt.Errorf("%s:%d: search: is not a string", file, v.Line)
			}
			s.Text, s.Line = v.Value, v.Line
		}
	}
	if s.Line == 0 {
		return script{}, fmt.Errorf("%s: no search: key (is this an ESCU detection YAML?)", file)
	}
	if strings.TrimSpace(s.Text) == "" {
		return script{}, fmt.Errorf("%s:%d: empty search", file, s.Line)
	}
	if s.Name == "" {
		s.Name = fmt.Sprintf("search at %s:%d", file, s.Line)
	}
	return s, nil
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
