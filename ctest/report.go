package ctest

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/minispl/minispl/internal/english"
)

// Totals counts outcomes by status; Skips counts the skips by kind of
// reason (the reason up to its first ':').
type Totals struct {
	Tests, Passed, Failed, Errors, Skipped int
	Skips                                  map[string]int
}

// Count counts outcomes.
func Count(out []Outcome) Totals {
	t := Totals{Tests: len(out), Skips: map[string]int{}}
	for _, o := range out {
		switch o.Status {
		case Pass:
			t.Passed++
		case Fail:
			t.Failed++
		case Error:
			t.Errors++
		case Skip:
			t.Skipped++
			kind, _, _ := strings.Cut(o.Reason, ":")
			t.Skips[kind]++
		}
	}
	return t
}

// OK reports whether nothing failed or errored.
func (t Totals) OK() bool { return t.Failed == 0 && t.Errors == 0 }

// String is "N tests: P passed, F failed, E errors, S skipped (reasons)".
func (t Totals) String() string {
	s := fmt.Sprintf("%s: %s passed, %s failed, %s, %s skipped", english.Plural(t.Tests, "test"),
		english.Thousands(t.Passed), english.Thousands(t.Failed), english.Plural(t.Errors, "error"), english.Thousands(t.Skipped))
	if len(t.Skips) == 0 {
		return s
	}
	kinds := make([]string, 0, len(t.Skips))
	for k := range t.Skips {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if t.Skips[kinds[i]] != t.Skips[kinds[j]] {
			return t.Skips[kinds[i]] > t.Skips[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %s", english.Thousands(t.Skips[k]), k))
	}
	return s + " (" + strings.Join(parts, ", ") + ")"
}

// JUnit XML shapes (the schema Jenkins, GitLab and GitHub read).
type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	junitCounts
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	junitCounts
	Cases []junitCase `xml:"testcase"`
}

// junitCounts are the attributes testsuites and testsuite share.
type junitCounts struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
}

type junitCase struct {
	Name       string        `xml:"name,attr"`
	Classname  string        `xml:"classname,attr"`
	File       string        `xml:"file,attr,omitempty"`
	Time       string        `xml:"time,attr"`
	Properties *junitProps   `xml:"properties,omitempty"`
	Failure    *junitProblem `xml:"failure,omitempty"`
	Error      *junitProblem `xml:"error,omitempty"`
	Skipped    *junitSkipped `xml:"skipped,omitempty"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the outcomes as JUnit XML: one testsuite named name,
// one testcase per outcome ("detection: test"), with the detection's id,
// file:line, type and test files as properties.
func WriteJUnit(w io.Writer, name string, out []Outcome) error {
	t := Count(out)
	var total float64
	counts := junitCounts{Name: name, Tests: t.Tests, Failures: t.Failed, Errors: t.Errors, Skipped: t.Skipped}
	suite := junitSuite{junitCounts: counts}
	for _, o := range out {
		sec := o.Duration.Seconds()
		total += sec
		c := junitCase{Name: o.Detection.Name, Classname: o.Detection.Type, File: o.Detection.Path, Time: fmt.Sprintf("%.3f", sec)}
		if o.Test != "" {
			c.Name += ": " + o.Test
		}
		props := []junitProp{{"id", o.Detection.ID}, {"origin", o.Detection.Origin}, {"status", o.Detection.Status}}
		for _, f := range o.Files {
			props = append(props, junitProp{"test_file", f})
		}
		for _, t := range o.Detection.Tests {
			if t.Name != o.Test {
				continue
			}
			for _, a := range t.AttackData {
				props = append(props, junitProp{"attack_data", a.Data}, junitProp{"source", a.Source}, junitProp{"sourcetype", a.Sourcetype})
			}
		}
		if o.Status == Pass || o.Status == Fail {
			props = append(props, junitProp{"results", fmt.Sprint(o.Rows)})
		}
		c.Properties = &junitProps{props}
		switch o.Status {
		case Fail:
			c.Failure = &junitProblem{Message: o.Reason, Type: "FAIL", Text: o.Reason}
		case Error:
			c.Error = &junitProblem{Message: o.Reason, Type: "ERROR", Text: o.Reason}
		case Skip:
			c.Skipped = &junitSkipped{Message: o.Reason}
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = fmt.Sprintf("%.3f", total)
	doc := junitSuites{junitCounts: suite.junitCounts, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}
