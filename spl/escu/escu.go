// Package escu reads Splunk Security Content (ESCU) detections: the
// detection YAML files of splunk/security_content and the JSON-lines
// extracts of them (one detection object a line, as in
// ../shared/escu/detections_*.jsonl). It knows nothing of SPL semantics;
// callers expand, parse and run the Search of each detection.
package escu

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Detection is one ESCU detection: the fields minispl uses.
type Detection struct {
	Name   string `json:"name" yaml:"name"`
	ID     string `json:"id" yaml:"id"`
	Status string `json:"status" yaml:"status"`
	Type   string `json:"type" yaml:"type"`
	// Search is the literal SPL of the detection.
	Search string `json:"search" yaml:"search"`
	// AttackData lists the event files the detection's own test replays.
	AttackData []AttackData `json:"attack_data" yaml:"-"`
	// Observables are the risk objects of the contentctl 4.x schema
	// (tags.observable); Victim fields must be non-null in a passing test.
	Observables []Observable `json:"-" yaml:"-"`
	// Origin is where the detection was read: "file:line".
	Origin string `json:"-" yaml:"-"`
	// Path and Line are Origin's parts: the file read and the line of the
	// search: key (YAML) or of the detection's object (JSON lines).
	Path string `json:"-" yaml:"-"`
	Line int    `json:"-" yaml:"-"`
}

// AttackData is one test data file of a detection.
type AttackData struct {
	Data       string `json:"data" yaml:"data"`
	Source     string `json:"source" yaml:"source"`
	Sourcetype string `json:"sourcetype" yaml:"sourcetype"`
}

// Observable is a field named as a risk or threat object.
type Observable struct {
	Name string   `yaml:"name"`
	Type string   `yaml:"type"`
	Role []string `yaml:"role"`
}

// ErrNotDetection marks a file that holds no detection: a YAML document
// without a search: key (an ESCU macro, lookup or story), or JSON lines
// whose first object has no search (macros.jsonl).
var ErrNotDetection = errors.New("not an ESCU detection")

// Read reads detections from a JSON-lines file (.jsonl), a detection YAML
// file (.yml, .yaml) or a folder holding such files (walked recursively, in
// name order). In a folder, files that hold no detection (see
// ErrNotDetection) are skipped; ReadAll lists them.
func Read(path string) ([]Detection, error) {
	ds, _, err := ReadAll(path)
	return ds, err
}

// ReadAll is Read that also returns the files of a folder it skipped as
// holding no detection, each as "file: reason". A file named directly is
// never skipped: one that holds no detection is an error.
func ReadAll(path string) (detections []Detection, skipped []string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read detections: %w", err)
	}
	if !info.IsDir() {
		ds, err := readFile(path)
		return ds, nil, err
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".jsonl", ".yml", ".yaml":
			if !d.IsDir() {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read detections: %w", err)
	}
	sort.Strings(files)
	for _, f := range files {
		ds, err := readFile(f)
		if errors.Is(err, ErrNotDetection) {
			skipped = append(skipped, err.Error())
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		detections = append(detections, ds...)
	}
	return detections, skipped, nil
}

func readFile(path string) ([]Detection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read detections: %w", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl":
		return ParseJSONL(path, data)
	case ".yml", ".yaml":
		d, err := ParseYAML(path, data)
		if err != nil {
			return nil, err
		}
		return []Detection{d}, nil
	}
	return nil, fmt.Errorf("read detections: %s: not a .jsonl, .yml or .yaml file", path)
}

// ParseJSONL parses JSON lines, one detection object a line; blank lines
// are skipped. name is used in errors and origins.
func ParseJSONL(name string, data []byte) ([]Detection, error) {
	var out []Detection
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var d Detection
		if err := json.Unmarshal(text, &d); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if d.Search == "" {
			if len(out) == 0 {
				return nil, fmt.Errorf("%s:%d: %w: the object has no search", name, line, ErrNotDetection)
			}
			return nil, fmt.Errorf("%s:%d: detection %q has no search", name, line, d.Name)
		}
		d.Origin = fmt.Sprintf("%s:%d", name, line)
		d.Path, d.Line = name, line
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// yamlDetection is the YAML shape: attack data and observables sit under
// tests and tags.
type yamlDetection struct {
	Detection `yaml:",inline"`
	Tags      struct {
		Observable []Observable `yaml:"observable"`
	} `yaml:"tags"`
	Tests []struct {
		AttackData []AttackData `yaml:"attack_data"`
	} `yaml:"tests"`
}

// ParseYAML parses one ESCU detection YAML document. Origin and Line are
// those of its search: key's value. Errors name the file, and the line
// when there is one: a document that is not a mapping, a search: that is
// missing, not a string, or blank.
func ParseYAML(name string, data []byte) (Detection, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Detection{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return Detection{}, fmt.Errorf("%s: %w (want a YAML mapping with a search: key)", name, ErrNotDetection)
	}
	m := doc.Content[0]
	var search *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "search" {
			search = m.Content[i+1]
		}
	}
	switch {
	case search == nil:
		return Detection{}, fmt.Errorf("%s: %w: no search: key", name, ErrNotDetection)
	case search.Kind != yaml.ScalarNode:
		return Detection{}, fmt.Errorf("%s:%d: search: is not a string", name, search.Line)
	case strings.TrimSpace(search.Value) == "":
		return Detection{}, fmt.Errorf("%s:%d: empty search", name, search.Line)
	}
	var y yamlDetection
	if err := m.Decode(&y); err != nil {
		return Detection{}, fmt.Errorf("%s: not an ESCU detection: %w", name, err)
	}
	d := y.Detection
	d.Observables = y.Tags.Observable
	for _, t := range y.Tests {
		d.AttackData = append(d.AttackData, t.AttackData...)
	}
	d.Path, d.Line = name, search.Line
	d.Origin = fmt.Sprintf("%s:%d", name, search.Line)
	return d, nil
}
