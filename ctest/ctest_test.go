package ctest

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl/escu"
)

// LocalPath: both URL forms ESCU uses, a doubled slash, and URLs that
// are not attack_data's.
func TestLocalPath(t *testing.T) {
	for url, want := range map[string]string{
		"https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/malware/azorult/sysmon.log": "AD/datasets/malware/azorult/sysmon.log",
		"https://raw.githubusercontent.com/splunk/attack_data/master/datasets/a/b.log":                            "AD/datasets/a/b.log",
		"https://media.githubusercontent.com/media/splunk/attack_data/master/datasets//a//b.log":                  "AD/datasets/a/b.log",
		"https://github.com/splunk/attack_data/blob/master/datasets/a/b.log":                                      "AD/datasets/a/b.log",
		"https://example.com/x.log": "",
	} {
		got, ok := LocalPath("AD", url)
		if want == "" && ok || want != "" && filepath.ToSlash(got) != want {
			t.Errorf("LocalPath(%q) = %q, %v; want %q", url, got, ok, want)
		}
	}
	if _, ok := LocalPath("", "https://raw.githubusercontent.com/splunk/attack_data/master/x"); ok {
		t.Error("LocalPath with no folder")
	}
}

const sampleURL = "https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/sample/sysmon.log"

// detection is a production TTP tested on the bundled sample.
func detection(name, search string, obs ...escu.Observable) escu.Detection {
	return escu.Detection{Name: name, ID: name, Status: "production", Type: "TTP", Search: search, Observables: obs,
		Tests: []escu.Test{{Name: "True Positive Test", AttackData: []escu.AttackData{{Data: sampleURL, Source: "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", Sourcetype: "xmlwineventlog"}}}}}
}

func victim(f string) escu.Observable {
	return escu.Observable{Name: f, Type: "Endpoint", Role: []string{"Victim"}}
}
func attacker(f string) escu.Observable {
	return escu.Observable{Name: f, Type: "Process", Role: []string{"Attacker"}}
}

// TestRun runs crafted tests over the sample (two rows by dest: the
// WS-FIN-07 row sorts first, 'W' < 'w'), each outcome worked out from
// contentctl's rule.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	sample, err := os.ReadFile(filepath.Join("..", "cmd", "minispl", "sample", "sysmon_sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "datasets", "sample", "sysmon.log")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, sample, 0o644); err != nil {
		t.Fatal(err)
	}
	const byDest = `| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename Registry.dest as dest | eval only_dc=if(dest="win-dc-01.attackrange.local", dest, null()), not_dc=if(dest="win-dc-01.attackrange.local", null(), dest), none=null()`
	missing := detection("missing data", byDest, victim("dest"))
	missing.Tests[0].AttackData = append(missing.Tests[0].AttackData, escu.AttackData{Data: "https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/gone.log"})
	exp := detection("experimental", byDest)
	exp.Status = "experimental"
	manual := detection("manual", byDest)
	manual.Tags.ManualTest = "needs ES"
	none := detection("no tests", byDest)
	none.Tests = nil
	ds := []escu.Detection{
		detection("pass", byDest, victim("dest"), attacker("only_dc")),
		detection("null victim", byDest, victim("only_dc")),
		// Row 1 has every risk and threat object: contentctl passes the
		// test there and never reads row 2, where not_dc is null.
		detection("first row decides", byDest, victim("not_dc"), attacker("dest")),
		// Row 1 lacks the threat object, so row 2 is read, and its null
		// risk object fails the test.
		detection("null victim later", byDest, victim("not_dc"), attacker("only_dc")),
		detection("absent victim", byDest, victim("user")),
		detection("null threat", byDest, victim("dest"), attacker("none")),
		detection("no rows", `| tstats count from datamodel=Endpoint.Registry where Registry.dest=nowhere by Registry.dest`, victim("dest")),
		// A raw search with no results: the note counts the events by
		// source and EventCode, not by dataset.
		detection("raw no rows", "`sysmon` EventCode=999", victim("dest")),
		// An undefined macro (sysmon itself is built in since issue 9).
		detection("raw", "`no_such_source` EventCode=1", victim("dest")),
		missing, exp, manual, none,
	}
	out := Run(context.Background(), ds, Options{AttackData: dir, Workers: 3})
	want := []struct {
		status Status
		reason string
	}{
		{Pass, ""},
		{Fail, `risk object field "only_dc" is null in result row 1 of 2`},
		{Pass, ""},
		{Fail, `risk object field "not_dc" is null in result row 2 of 2, and no row before it had every risk and threat object field non-null`},
		{Fail, `risk object field "user" is not a field of the results (dest, count, only_dc, not_dc, none)`},
		{Fail, `threat object field "none" is null in all 2 result rows`},
		// The sample: 17 events, 14 Registry, 2 Processes (a Sysmon EID 1
		// and a Security 4688), 1 network (README's ingest line).
		{Fail, "the search returned no results; the test data has 17 events (2 Endpoint.Processes, 14 Endpoint.Registry, 1 Network_Traffic.All_Traffic)"},
		// The sample by source and EventCode (codes in text order).
		{Fail, "the search returned no results; the test data has 17 events, searched as raw events: 1 XmlWinEventLog:Microsoft-Windows-Sysmon/Operational EventCode 1, 4 XmlWinEventLog:Microsoft-Windows-Sysmon/Operational EventCode 12, 9 XmlWinEventLog:Microsoft-Windows-Sysmon/Operational EventCode 13, 1 XmlWinEventLog:Microsoft-Windows-Sysmon/Operational EventCode 14, 1 XmlWinEventLog:Microsoft-Windows-Sysmon/Operational EventCode 3, 1 XmlWinEventLog:Security EventCode 4688"},
		{Error, "expand: "},
		{Skip, "test data missing: " + filepath.Join(dir, "datasets", "gone.log")},
		{Skip, "experimental"},
		{Skip, "manual_test: needs ES"},
		{Skip, "no tests"},
	}
	if len(out) != len(want) {
		t.Fatalf("%d outcomes", len(out))
	}
	for i, w := range want {
		o := out[i]
		if o.Status != w.status || !strings.HasPrefix(o.Reason, w.reason) || w.reason == "" && o.Reason != "" {
			t.Errorf("%s: %s %q, want %s %q", o.Detection.Name, o.Status, o.Reason, w.status, w.reason)
		}
	}
	if out[0].Rows != 2 || len(out[0].Files) != 1 {
		t.Errorf("pass: %d rows, files %v", out[0].Rows, out[0].Files)
	}
	tot := Count(out)
	if tot.OK() || tot.String() != "13 tests: 2 passed, 6 failed, 1 error, 4 skipped (1 experimental, 1 manual_test, 1 no tests, 1 test data missing)" {
		t.Errorf("totals %q", tot)
	}
	// JUnit: well-formed XML whose counts agree.
	var b bytes.Buffer
	if err := WriteJUnit(&b, "minispl test", out); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, b.String())
	}
	s := doc.Suites[0]
	if doc.Tests != 13 || doc.Failures != 6 || doc.Errors != 1 || doc.Skipped != 4 || len(s.Cases) != 13 ||
		s.Cases[1].Failure == nil || s.Cases[8].Error == nil || s.Cases[9].Skipped == nil || s.Cases[0].Failure != nil ||
		s.Cases[0].Name != "pass: True Positive Test" {
		t.Errorf("JUnit %+v", doc)
	}
}
