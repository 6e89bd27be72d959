package macros

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads macro definitions from path and adds them to l. The format is
// chosen by the path:
//
//   - a directory: every *.conf, *.yml, *.yaml and *.jsonl file directly
//     inside it (not in subdirectories), in sorted file-name order; other
//     files are skipped;
//   - *.conf: a Splunk macros.conf file;
//   - *.yml, *.yaml: an ESCU macro file (name, definition, arguments,
//     description); several YAML documents in one file are several macros;
//   - *.jsonl: JSON lines as in ESCU's macros.jsonl, one macro a line.
//
// Later definitions of the same name and arity replace earlier ones, within a
// file and across calls. Load is all-or-nothing: when any file is malformed,
// it returns an error naming file:line and l is left unchanged.
func (l *Library) Load(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("load macros: %w", err)
	}
	var ms []*Macro
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return fmt.Errorf("load macros: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || formatOf(e.Name()) == "" {
				continue
			}
			got, err := loadFile(filepath.Join(path, e.Name()))
			if err != nil {
				return err
			}
			ms = append(ms, got...)
		}
	} else {
		if formatOf(path) == "" {
			return fmt.Errorf("load macros: %s: unknown file type (want a directory or .conf, .yml, .yaml, .jsonl)", path)
		}
		ms, err = loadFile(path)
		if err != nil {
			return err
		}
	}
	for _, m := range ms {
		l.add(m)
	}
	return nil
}

func formatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".conf":
		return "conf"
	case ".yml", ".yaml":
		return "yaml"
	case ".jsonl":
		return "jsonl"
	}
	return ""
}

func loadFile(path string) ([]*Macro, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load macros: %w", err)
	}
	switch formatOf(path) {
	case "conf":
		return parseConf(path, data)
	case "yaml":
		return parseYAML(path, data)
	default:
		return parseJSONL(path, data)
	}
}

// confStanza collects the settings of one stanza while a file is read.
type confStanza struct {
	name     string
	nargs    int
	line     int
	settings map[string]confValue
}

type confValue struct {
	text string
	line int
}

// confKeys lists the settings a macros.conf stanza may hold. validation and
// errormsg are read but not enforced.
const confKeys = "args, definition, description, disabled, errormsg, iseval, validation"

// parseConf parses a Splunk macros.conf file. name is used in errors and
// origins.
//
// Rules (Splunk's .conf syntax): lines starting with '#' (after blanks) are
// comments; `[stanza]` starts a stanza; `key = value` sets a key, the value
// trimmed of surrounding blanks; a line ending in `\` continues on the next
// line, and the value keeps the line break in place of the backslash. A
// stanza header seen twice merges with the earlier one, later keys winning.
// Settings of the [default] stanza are ignored; settings outside any stanza
// and unknown keys are errors.
func parseConf(name string, data []byte) ([]*Macro, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	var (
		order []*confStanza
		byKey = map[string]*confStanza{}
		cur   *confStanza
		inDef bool // inside the ignored [default] stanza
	)
	errorf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := strings.TrimRight(lines[i], "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		if trimmed[0] == '[' {
			if !strings.HasSuffix(trimmed, "]") {
				return nil, errorf(lineNo, "stanza header %q is missing its closing ']'", trimmed)
			}
			header := strings.TrimSpace(trimmed[1 : len(trimmed)-1])
			if header == "default" {
				cur, inDef = nil, true
				continue
			}
			mname, n, err := parseStanzaName(header)
			if err != nil {
				return nil, errorf(lineNo, "%v", err)
			}
			inDef = false
			key := stanzaKey(mname, n)
			if s, ok := byKey[key]; ok {
				cur = s
				continue
			}
			cur = &confStanza{name: mname, nargs: n, line: lineNo, settings: map[string]confValue{}}
			byKey[key] = cur
			order = append(order, cur)
			continue
		}
		eq := strings.IndexByte(line, '=')
		if eq < 0 {
			return nil, errorf(lineNo, "expected `key = value`, a [stanza] or a # comment, found %q", trimmed)
		}
		key := strings.TrimSpace(line[:eq])
		value := line[eq+1:]
		for strings.HasSuffix(value, "\\") {
			if i+1 >= len(lines) {
				return nil, errorf(lineNo, "line continuation '\\' at end of file")
			}
			i++
			value = value[:len(value)-1] + "\n" + strings.TrimRight(lines[i], "\r")
		}
		value = strings.TrimSpace(value)
		if !knownConfKey(key) {
			return nil, errorf(lineNo, "unknown setting %q (known: %s)", key, confKeys)
		}
		if inDef {
			continue
		}
		if cur == nil {
			return nil, errorf(lineNo, "setting %q outside a [stanza]", key)
		}
		cur.settings[key] = confValue{text: value, line: lineNo}
	}

	ms := make([]*Macro, 0, len(order))
	for _, s := range order {
		key := stanzaKey(s.name, s.nargs)
		if v, ok := s.settings["disabled"]; ok {
			off, err := parseBool(v.text)
			if err != nil {
				return nil, errorf(v.line, "stanza [%s]: disabled: %v", key, err)
			}
			if off {
				continue
			}
		}
		def, ok := s.settings["definition"]
		if !ok {
			return nil, errorf(s.line, "stanza [%s] has no definition", key)
		}
		m := &Macro{
			Name:        s.name,
			Definition:  def.text,
			Description: s.settings["description"].text,
			Origin:      fmt.Sprintf("%s:%d", name, s.line),
		}
		if v, ok := s.settings["iseval"]; ok {
			b, err := parseBool(v.text)
			if err != nil {
				return nil, errorf(v.line, "stanza [%s]: iseval: %v", key, err)
			}
			m.IsEval = b
		}
		if s.nargs > 0 {
			v, ok := s.settings["args"]
			if !ok {
				return nil, errorf(s.line, "stanza [%s] takes %d argument(s) but has no args setting", key, s.nargs)
			}
			m.Args = parseArgNames(v.text)
			if len(m.Args) != s.nargs {
				return nil, errorf(v.line, "stanza [%s] takes %d argument(s) but args lists %d: %q", key, s.nargs, len(m.Args), v.text)
			}
		}
		if err := validateMacro(m); err != nil {
			return nil, errorf(s.line, "%v", err)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// knownConfKey reports whether k is one of confKeys.
func knownConfKey(k string) bool {
	return k != "" && !strings.ContainsAny(k, ", ") && strings.Contains(", "+confKeys+", ", ", "+k+", ")
}

// parseStanzaName splits "name" or "name(N)".
func parseStanzaName(h string) (string, int, error) {
	name, n := h, 0
	if open := strings.IndexByte(h, '('); open >= 0 {
		if !strings.HasSuffix(h, ")") {
			return "", 0, fmt.Errorf("invalid stanza name [%s]: want [name] or [name(N)]", h)
		}
		num := h[open+1 : len(h)-1]
		v, err := strconv.Atoi(num)
		if err != nil || v < 0 || strings.TrimSpace(num) != num {
			return "", 0, fmt.Errorf("invalid stanza name [%s]: argument count %q is not a number", h, num)
		}
		name, n = h[:open], v
	}
	if !validName(name) {
		return "", 0, fmt.Errorf("invalid stanza name [%s]: a macro name uses letters, digits, '_' and '-'", h)
	}
	return name, n, nil
}

// parseBool accepts Splunk's boolean spellings.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "yes", "y", "on":
		return true, nil
	case "0", "false", "f", "no", "n", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (want true or false)", s)
}

// parseYAML parses ESCU macro YAML: a mapping with name, definition,
// arguments (a list of names) and description; other keys are ignored. Each
// YAML document in the file is one macro. Scalars are taken as written, so
// `definition: false` is the text "false".
func parseYAML(name string, data []byte) ([]*Macro, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var ms []*Macro
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(name, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d: a macro file holds a mapping (name, definition, ...)", name, root.Line)
		}
		m := &Macro{Origin: fmt.Sprintf("%s:%d", name, root.Line)}
		var hasName, hasDef bool
		seen := make(map[string]int, len(root.Content)/2)
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if first, dup := seen[k.Value]; dup {
				return nil, fmt.Errorf("%s:%d: key %q repeated (first at line %d)", name, k.Line, k.Value, first)
			}
			seen[k.Value] = k.Line
			switch k.Value {
			case "name", "definition", "description":
				if v.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("%s:%d: %s must be a string", name, v.Line, k.Value)
				}
				switch k.Value {
				case "name":
					m.Name, hasName = v.Value, true
				case "definition":
					m.Definition, hasDef = v.Value, true
				default:
					m.Description = v.Value
				}
			case "arguments":
				if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
					continue
				}
				if v.Kind != yaml.SequenceNode {
					return nil, fmt.Errorf("%s:%d: arguments must be a list of names", name, v.Line)
				}
				for _, a := range v.Content {
					if a.Kind != yaml.ScalarNode {
						return nil, fmt.Errorf("%s:%d: arguments must be a list of names", name, a.Line)
					}
					m.Args = append(m.Args, a.Value)
				}
			}
		}
		if len(m.Args) == 0 {
			m.Args = nil
		}
		if !hasName {
			return nil, fmt.Errorf("%s:%d: macro has no name", name, root.Line)
		}
		if !hasDef {
			return nil, fmt.Errorf("%s:%d: macro %s has no definition", name, root.Line, m.Name)
		}
		if err := validateMacro(m); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, root.Line, err)
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: no macro defined", name)
	}
	return ms, nil
}

// yamlError rewrites yaml.v3's "yaml: line N: msg" as "file:N: msg".
func yamlError(name string, err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if colon := strings.IndexByte(rest, ':'); colon > 0 {
			if n, convErr := strconv.Atoi(rest[:colon]); convErr == nil {
				return fmt.Errorf("%s:%d:%s", name, n, rest[colon+1:])
			}
		}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// jsonMacro is one line of ESCU's macros.jsonl. Other keys (file) are
// ignored.
type jsonMacro struct {
	Name        *string  `json:"name"`
	Definition  *string  `json:"definition"`
	Arguments   []string `json:"arguments"`
	Description string   `json:"description"`
}

// parseJSONL parses JSON lines, one macro object a line; blank lines are
// skipped.
func parseJSONL(name string, data []byte) ([]*Macro, error) {
	var ms []*Macro
	for i, line := range bytes.Split(data, []byte("\n")) {
		lineNo := i + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var jm jsonMacro
		if err := json.Unmarshal(line, &jm); err != nil {
			return nil, fmt.Errorf("%s:%d: invalid JSON: %w", name, lineNo, err)
		}
		if jm.Name == nil {
			return nil, fmt.Errorf("%s:%d: macro has no name", name, lineNo)
		}
		if jm.Definition == nil {
			return nil, fmt.Errorf("%s:%d: macro %s has no definition", name, lineNo, *jm.Name)
		}
		m := &Macro{
			Name:        *jm.Name,
			Args:        jm.Arguments,
			Definition:  *jm.Definition,
			Description: jm.Description,
			Origin:      fmt.Sprintf("%s:%d", name, lineNo),
		}
		if len(m.Args) == 0 {
			m.Args = nil
		}
		if err := validateMacro(m); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lineNo, err)
		}
		ms = append(ms, m)
	}
	return ms, nil
}
