// Package escu reads Splunk Security Content (ESCU) detections: the
// detection YAML files of splunk/security_content and the JSON-lines
// extracts of them (one detection object a line, as in
// ../shared/escu/detections_*.jsonl). It reads what the content says: the
// search, the tags (risk score, message, observables, MITRE ids, stories,
// manual_test), the contentctl 5 rba: block, an optional deployment: block
// and the unit tests with their attack data. It knows nothing of SPL
// semantics or of what Enterprise Security does with the settings;
// callers (package content, the hunt and ctest packages) expand, parse and
// run the Search of each detection.
//
// Imports: the YAML library and the standard library only; it must not
// import spl, macros or engine.
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
	Name    string `json:"name" yaml:"name"`
	ID      string `json:"id" yaml:"id"`
	Version int    `json:"version" yaml:"version"`
	Status  string `json:"status" yaml:"status"`
	Type    string `json:"type" yaml:"type"`
	// Description is the detection's description: the notable event's
	// rule description.
	Description string `json:"description" yaml:"description"`
	// Search is the literal SPL of the detection.
	Search string `json:"search" yaml:"search"`
	// DataSource names the data_sources/*.yml the search reads, e.g.
	// "Sysmon EventID 13".
	DataSource []string `json:"data_source" yaml:"data_source"`
	// Tags are the tags: block (risk settings of the contentctl 4.x
	// schema, MITRE ids, stories).
	Tags Tags `json:"-" yaml:"-"`
	// RBA is the rba: block of the contentctl 5 schema; nil when absent
	// (every ESCU 4.42 detection).
	RBA *RBA `json:"-" yaml:"-"`
	// Deployment is a deployment: block written in the detection (the
	// contentctl deployment schema); nil when absent, which is the usual
	// case: contentctl picks the deployment by the detection's type.
	Deployment *Deployment `json:"-" yaml:"-"`
	// Tests are the detection's unit tests (tests:).
	Tests []Test `json:"-" yaml:"-"`
	// AttackData lists the event files of all the detection's tests.
	AttackData []AttackData `json:"attack_data" yaml:"-"`
	// Observables are the risk objects of the contentctl 4.x schema
	// (tags.observable); Victim fields must be non-null in a passing test.
	Observables []Observable `json:"-" yaml:"-"`
	// File is the detection's file in security_content as a JSON-lines
	// extract names it (e.g. "detections/endpoint/x.yml"); empty for a
	// detection read from YAML, whose file is Path.
	File string `json:"file" yaml:"-"`
	// Origin is where the detection was read: "file:line".
	Origin string `json:"-" yaml:"-"`
	// Path and Line are Origin's parts: the file read and the line of the
	// search: key (YAML) or of the detection's object (JSON lines).
	Path string `json:"-" yaml:"-"`
	Line int    `json:"-" yaml:"-"`
}

// Tags is a detection's tags: block. Every key is also in All, as the
// text of its scalar values (a list gives one value per item), for
// selection by any tag.
type Tags struct {
	AnalyticStory  []string     `yaml:"analytic_story"`
	AssetType      string       `yaml:"asset_type"`
	Confidence     int          `yaml:"confidence"`
	Impact         int          `yaml:"impact"`
	RiskScore      int          `yaml:"risk_score"`
	Message        string       `yaml:"message"`
	MitreAttackID  []string     `yaml:"mitre_attack_id"`
	Observable     []Observable `yaml:"observable"`
	SecurityDomain string       `yaml:"security_domain"`
	// ManualTest, when not empty, says why the detection is tested by
	// hand; contentctl does not run its tests.
	ManualTest string `yaml:"manual_test"`
	// All maps every tag key to its values as text.
	All map[string][]string `yaml:"-"`
}

// RBA is the contentctl 5 risk block.
type RBA struct {
	Message       string         `yaml:"message" json:"message"`
	RiskObjects   []RiskObject   `yaml:"risk_objects" json:"risk_objects"`
	ThreatObjects []ThreatObject `yaml:"threat_objects" json:"threat_objects"`
}

// RiskObject is a field whose values receive a risk score.
type RiskObject struct {
	Field string `yaml:"field" json:"field"`
	Type  string `yaml:"type" json:"type"`
	Score int    `yaml:"score" json:"score"`
}

// ThreatObject is a field naming what the threat used (a process, a
// file, ...).
type ThreatObject struct {
	Field string `yaml:"field" json:"field"`
	Type  string `yaml:"type" json:"type"`
}

// Deployment is contentctl's deployment schema (deployments/*.yml, or a
// deployment: block): how Enterprise Security schedules the search and
// which alert actions it fires.
type Deployment struct {
	Name       string `yaml:"name"`
	Scheduling struct {
		CronSchedule string `yaml:"cron_schedule"`
		EarliestTime string `yaml:"earliest_time"`
		LatestTime   string `yaml:"latest_time"`
	} `yaml:"scheduling"`
	AlertAction struct {
		Notable *struct {
			RuleTitle       string   `yaml:"rule_title"`
			RuleDescription string   `yaml:"rule_description"`
			NesFields       []string `yaml:"nes_fields"`
		} `yaml:"notable"`
		RBA *struct {
			Enabled bool `yaml:"enabled"`
		} `yaml:"rba"`
	} `yaml:"alert_action"`
	// Tags.Type is the detection type a deployments/*.yml file applies to.
	Tags struct {
		Type string `yaml:"type"`
	} `yaml:"tags"`
}

// Test is one unit test of a detection.
type Test struct {
	Name string `yaml:"name"`
	// TestType is "unit", "integration" or "manual" (contentctl 5);
	// empty in ESCU 4.42, where every test is a unit test.
	TestType   string       `yaml:"test_type"`
	AttackData []AttackData `yaml:"attack_data"`
}

// AttackData is one test data file of a detection.
type AttackData struct {
	// Test names the test the file belongs to (JSON lines only; in YAML
	// the file sits under its test).
	Test       string `json:"test" yaml:"-"`
	Data       string `json:"data" yaml:"data"`
	Source     string `json:"source" yaml:"source"`
	Sourcetype string `json:"sourcetype" yaml:"sourcetype"`
}

// Observable is a field named as a risk or threat object.
type Observable struct {
	Name string   `yaml:"name" json:"name"`
	Type string   `yaml:"type" json:"type"`
	Role []string `yaml:"role" json:"role"`
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
		var j jsonDetection
		if err := json.Unmarshal(text, &j); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		d := j.detection()
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

// jsonDetection is the JSON-lines shape (../shared/escu/detections_*.jsonl):
// the risk settings sit at top level, the attack data is one list whose
// items name their test. A tags object, when present, is read as in YAML.
type jsonDetection struct {
	Detection
	RiskScore     *int         `json:"risk_score"`
	Message       string       `json:"message"`
	Observable    []Observable `json:"observable"`
	MitreAttackID []string     `json:"mitre_attack_id"`
	RBA           *RBA         `json:"rba"`
	Tags          *struct {
		AnalyticStory  []string     `json:"analytic_story"`
		RiskScore      int          `json:"risk_score"`
		Message        string       `json:"message"`
		MitreAttackID  []string     `json:"mitre_attack_id"`
		Observable     []Observable `json:"observable"`
		SecurityDomain string       `json:"security_domain"`
		ManualTest     string       `json:"manual_test"`
	} `json:"tags"`
}

// detection returns j as a Detection: tags from the tags object or the
// top-level keys, tests from the attack data grouped by test name in
// order of first appearance.
func (j *jsonDetection) detection() Detection {
	d := j.Detection
	d.RBA = j.RBA
	if t := j.Tags; t != nil {
		d.Tags = Tags{AnalyticStory: t.AnalyticStory, RiskScore: t.RiskScore, Message: t.Message,
			MitreAttackID: t.MitreAttackID, Observable: t.Observable, SecurityDomain: t.SecurityDomain,
			ManualTest: t.ManualTest}
	}
	if j.RiskScore != nil {
		d.Tags.RiskScore = *j.RiskScore
	}
	if j.Message != "" {
		d.Tags.Message = j.Message
	}
	if j.Observable != nil {
		d.Tags.Observable = j.Observable
	}
	if j.MitreAttackID != nil {
		d.Tags.MitreAttackID = j.MitreAttackID
	}
	d.Tags.All = map[string][]string{}
	addTag(d.Tags.All, "analytic_story", d.Tags.AnalyticStory...)
	addTag(d.Tags.All, "mitre_attack_id", d.Tags.MitreAttackID...)
	addTag(d.Tags.All, "security_domain", d.Tags.SecurityDomain)
	d.Observables = d.Tags.Observable
	index := map[string]int{}
	for _, a := range d.AttackData {
		k, ok := index[a.Test]
		if !ok {
			k = len(d.Tests)
			index[a.Test] = k
			d.Tests = append(d.Tests, Test{Name: a.Test})
		}
		d.Tests[k].AttackData = append(d.Tests[k].AttackData, a)
	}
	return d
}

// addTag appends the non-empty values to m[key].
func addTag(m map[string][]string, key string, values ...string) {
	for _, v := range values {
		if v != "" {
			m[key] = append(m[key], v)
		}
	}
}

// yamlDetection is the YAML shape: attack data and observables sit under
// tests and tags.
type yamlDetection struct {
	Detection  `yaml:",inline"`
	Tags       Tags        `yaml:"tags"`
	Tests      []Test      `yaml:"tests"`
	RBA        *RBA        `yaml:"rba"`
	Deployment *Deployment `yaml:"deployment"`
}

// tagValues returns every key of a tags: mapping with the text of its
// scalar values; mappings and lists of mappings (observable) are left
// out.
func tagValues(n *yaml.Node) map[string][]string {
	m := map[string][]string{}
	if n == nil || n.Kind != yaml.MappingNode {
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch v.Kind {
		case yaml.ScalarNode:
			addTag(m, k, v.Value)
		case yaml.SequenceNode:
			for _, item := range v.Content {
				if item.Kind == yaml.ScalarNode {
					addTag(m, k, item.Value)
				}
			}
		}
	}
	return m
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
	var search, tags *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case "search":
			search = m.Content[i+1]
		case "tags":
			tags = m.Content[i+1]
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
	d.Tags, d.Tests, d.RBA, d.Deployment = y.Tags, y.Tests, y.RBA, y.Deployment
	d.Tags.All = tagValues(tags)
	d.Observables = y.Tags.Observable
	for i, t := range y.Tests {
		for k := range t.AttackData {
			d.Tests[i].AttackData[k].Test = t.Name
		}
		d.AttackData = append(d.AttackData, d.Tests[i].AttackData...)
	}
	d.Path, d.Line = name, search.Line
	d.Origin = fmt.Sprintf("%s:%d", name, search.Line)
	return d, nil
}
