package content

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/spl/escu"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const ttpYAML = `name: Thing One
id: 0001
type: TTP
status: production
description: finds thing one
data_source:
- Sysmon EventID 13
search: '| tstats count from datamodel=Endpoint.Registry by Registry.dest | ` + "`thing_one_filter`" + `'
tags:
  analytic_story:
  - Azorult
  mitre_attack_id:
  - T1003.001
  risk_score: 80
  message: thing on $dest$ by $user$
  observable:
  - name: dest
    type: Endpoint
    role:
    - Victim
  - name: user
    type: User
    role:
    - Victim
  - name: process_name
    type: Process Name
    role:
    - Attacker
`

func TestLoadCheckout(t *testing.T) {
	root := filepath.Join(t.TempDir(), "sc")
	writeFiles(t, root, map[string]string{
		"detections/endpoint/thing_one.yml": ttpYAML,
		"detections/endpoint/thing_two.yml": "name: Thing Two\nid: 0002\ntype: Hunting\nstatus: experimental\nsearch: '| tstats count'\n",
		"macros/m.yml":                      "name: m\ndefinition: x\ndescription: d\n",
		"lookups/l.yml":                     "name: l\nfilename: l.csv\n",
		"deployments/hunting.yml":           "name: Hunting Config\nscheduling:\n  cron_schedule: '*/15 * * * *'\nalert_action:\n  rba:\n    enabled: true\ntags:\n  type: Hunting\n",
	})
	for _, tc := range []struct {
		name  string
		paths []string
		want  int
	}{
		{"checkout", []string{root}, 2},
		{"detections folder", []string{filepath.Join(root, "detections")}, 2},
		{"one file", []string{filepath.Join(root, "detections", "endpoint", "thing_one.yml")}, 1},
		{"checkout and a file in it", []string{root, filepath.Join(root, "detections", "endpoint", "thing_one.yml")}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.paths...)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Detections) != tc.want || len(c.Checkouts) != 1 || c.MacroPaths[0] != filepath.Join(root, "macros") ||
				c.LookupDirs[0] != filepath.Join(root, "lookups") || len(c.Deployments) != 1 {
				t.Fatalf("got %d detections, checkouts %v, macros %v, lookups %v, %d deployments", len(c.Detections), c.Checkouts, c.MacroPaths, c.LookupDirs, len(c.Deployments))
			}
			if len(tc.paths) == 2 && c.Duplicates != 1 {
				t.Errorf("duplicates %d, want 1", c.Duplicates)
			}
		})
	}
	// A relative path keeps its spelling in the roots found.
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	if err := os.Chdir(filepath.Dir(root)); err != nil {
		t.Fatal(err)
	}
	c, err := Load(filepath.Join("sc", "detections", "endpoint"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Checkouts) != 1 || c.Checkouts[0] != "sc" {
		t.Errorf("checkouts %v, want [sc]", c.Checkouts)
	}
	// Outside a checkout: no macros, and a path without detections is an
	// error naming it.
	lone := filepath.Join(t.TempDir(), "d.yml")
	writeFiles(t, filepath.Dir(lone), map[string]string{"d.yml": ttpYAML})
	c, err = Load(lone)
	if err != nil || len(c.Checkouts) != 0 || len(c.MacroPaths) != 0 {
		t.Errorf("lone file: %+v, %v", c, err)
	}
	empty := t.TempDir()
	if _, err := Load(empty); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("empty folder: %v", err)
	}
}

func TestSelect(t *testing.T) {
	one, err := escu.ParseYAML("one.yml", []byte(ttpYAML))
	if err != nil {
		t.Fatal(err)
	}
	two := escu.Detection{Name: "Thing Two", ID: "0002", Type: "Hunting", Status: "experimental", DataSource: []string{"Windows Event Log Security 4688"},
		Tags: escu.Tags{MitreAttackID: []string{"T1003"}, All: map[string][]string{"analytic_story": {"Other Story"}}}}
	ds := []escu.Detection{one, two}
	names := func(f Filter) string {
		got, err := Select(ds, f)
		if err != nil {
			return "error: " + err.Error()
		}
		var out []string
		for _, d := range got {
			out = append(out, d.Name)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		f    Filter
		want string
	}{
		{Filter{}, "Thing One,Thing Two"},
		{Filter{Detections: []string{"thing one"}}, "Thing One"},
		{Filter{Detections: []string{"0002"}}, "Thing Two"},
		{Filter{Detections: []string{"thing*"}}, "Thing One,Thing Two"},
		{Filter{Detections: []string{"*two"}}, "Thing Two"},
		{Filter{Types: []string{"ttp"}}, "Thing One"},
		{Filter{Statuses: []string{"production", "experimental"}}, "Thing One,Thing Two"},
		{Filter{ExcludeStatuses: []string{"experimental"}}, "Thing One"},
		{Filter{Tags: []string{"azorult"}}, "Thing One"},
		{Filter{Tags: []string{"analytic_story=other*"}}, "Thing Two"},
		{Filter{Tags: []string{"security_domain=Azorult"}}, ""},
		// T1003 covers T1003.001; T1003.001 does not cover T1003.
		{Filter{MITRE: []string{"T1003"}}, "Thing One,Thing Two"},
		{Filter{MITRE: []string{"t1003.001"}}, "Thing One"},
		{Filter{MITRE: []string{"T100"}}, ""},
		{Filter{DataSources: []string{"sysmon*"}}, "Thing One"},
		{Filter{DataSources: []string{"*4688"}, Types: []string{"TTP"}}, ""},
	}
	for _, tt := range tests {
		if got := names(tt.f); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.f, got, tt.want)
		}
	}
	_, err = Select(ds, Filter{Detections: []string{"Thing One", "Nope"}})
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), `"Nope"`) {
		t.Errorf("unknown name: %v", err)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"a*b", "aXXb", true}, {"a*b", "ab", true}, {"a*b", "abc", false}, {"*", "", true},
		{"a*a", "a", false}, {"*x*y", "axbyy", true}, {"A/B [1]", "a/b [1]", true},
	} {
		if got := globMatch(tc.p, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

func TestDeployment(t *testing.T) {
	one, _ := escu.ParseYAML("one.yml", []byte(ttpYAML))
	dep := (*Corpus)(nil).Deployment(&one)
	if dep.Cron != "0 * * * *" || dep.Earliest != "-70m@m" || dep.Latest != "-10m@m" || !dep.Risk ||
		dep.Notable == nil || dep.Notable.RuleTitle != "Thing One" || dep.Notable.RuleDescription != "finds thing one" ||
		strings.Join(dep.Notable.Fields, ",") != "user,dest" {
		t.Errorf("TTP default: %+v", dep)
	}
	for typ, want := range map[string]string{"Anomaly": "risk", "Hunting": "", "Correlation": "notable", "Baseline": ""} {
		d := escu.Detection{Name: "x", Type: typ}
		dep := DefaultDeployment(&d)
		got := ""
		if dep.Notable != nil {
			got = "notable"
		}
		if dep.Risk {
			got += "risk"
		}
		if got != want {
			t.Errorf("%s: actions %q, want %q", typ, got, want)
		}
	}
	// A checkout's deployments/ file applies by type, with defaults for
	// what it leaves out.
	c := &Corpus{Deployments: []escu.Deployment{{Name: "h"}}}
	c.Deployments[0].Tags.Type = "hunting"
	c.Deployments[0].Scheduling.CronSchedule = "*/15 * * * *"
	hunting := escu.Detection{Name: "H", Type: "Hunting"}
	if dep := c.Deployment(&hunting); dep.Cron != "*/15 * * * *" || dep.Earliest != "-70m@m" || dep.From != "h" || dep.Risk || dep.Notable != nil {
		t.Errorf("deployments/ file: %+v", dep)
	}
	// A deployment: block in the detection wins, with placeholders.
	own, err := escu.ParseYAML("own.yml", []byte(ttpYAML+"deployment:\n  scheduling:\n    cron_schedule: 30 2 * * *\n    earliest_time: -1d@d\n    latest_time: '@d'\n  alert_action:\n    notable:\n      rule_title: 'ESCU: %name%'\n      nes_fields: [dest]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if dep := c.Deployment(&own); dep.Cron != "30 2 * * *" || dep.Earliest != "-1d@d" || dep.Latest != "@d" || dep.Risk ||
		dep.Notable.RuleTitle != "ESCU: Thing One" || dep.Notable.RuleDescription != "finds thing one" || strings.Join(dep.Notable.Fields, ",") != "dest" {
		t.Errorf("deployment: block: %+v %+v", dep, dep.Notable)
	}
}

func TestRuns(t *testing.T) {
	day := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	dep := Deployment{Cron: "0 * * * *"}
	runs, err := dep.Runs(day, day.Add(24*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Hourly over [00:00, 24:00): 00:00 (from itself) to 23:00, 24 runs.
	if len(runs) != 24 || !runs[0].Equal(day) || !runs[23].Equal(day.Add(23*time.Hour)) {
		t.Errorf("runs %v", runs)
	}
	runs, _ = Deployment{Cron: "*/20 * * * *"}.Runs(day.Add(10*time.Minute), day.Add(time.Hour), nil)
	if len(runs) != 2 || runs[0].Minute() != 20 || runs[1].Minute() != 40 {
		t.Errorf("*/20 from 00:10 to 01:00: %v", runs)
	}
	// Cron is read in the zone given: 02:00 in Paris is 00:00 UTC in
	// summer time.
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	runs, _ = Deployment{Cron: "0 2 * * *"}.Runs(day, day.Add(24*time.Hour), paris)
	if len(runs) != 1 || !runs[0].Equal(day) {
		t.Errorf("0 2 * * * in Paris: %v", runs)
	}
	if _, err := (Deployment{Cron: "61 * * * *"}).Runs(day, day, nil); err == nil || !strings.Contains(err.Error(), `"61 * * * *"`) {
		t.Errorf("bad cron: %v", err)
	}
}

func TestRiskOf(t *testing.T) {
	one, _ := escu.ParseYAML("one.yml", []byte(ttpYAML))
	r := RiskOf(&one)
	if r.Message != "thing on $dest$ by $user$" || len(r.Objects) != 2 ||
		r.Objects[0] != (escu.RiskObject{Field: "dest", Type: "system", Score: 80}) ||
		r.Objects[1] != (escu.RiskObject{Field: "user", Type: "user", Score: 80}) ||
		len(r.Threats) != 1 || r.Threats[0] != (escu.ThreatObject{Field: "process_name", Type: "process_name"}) {
		t.Errorf("risk %+v", r)
	}
	if RiskScore(&one) != 80 {
		t.Errorf("score %d", RiskScore(&one))
	}
	v5 := escu.Detection{RBA: &escu.RBA{Message: "m", RiskObjects: []escu.RiskObject{{Field: "a", Type: "user", Score: 10}, {Field: "b", Type: "system", Score: 64}}}}
	if r := RiskOf(&v5); r.Message != "m" || len(r.Objects) != 2 || RiskScore(&v5) != 64 {
		t.Errorf("rba: %+v, score %d", r, RiskScore(&v5))
	}
}

// TestLoadSharedCheckout loads the ESCU 4.42 checkout of ../shared: its
// 1,711 detections, its macros and lookups folders (no deployments/ in
// it). Skipped without ../shared.
func TestLoadSharedCheckout(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "escu", "security_content")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("checkout not available: %v", err)
	}
	c, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Detections) != 1711 || c.MacroPaths[0] != filepath.Join(root, "macros") || c.LookupDirs[0] != filepath.Join(root, "lookups") || len(c.Deployments) != 0 {
		t.Errorf("%d detections, macros %v, lookups %v, %d deployments", len(c.Detections), c.MacroPaths, c.LookupDirs, len(c.Deployments))
	}
	sel, err := Select(c.Detections, Filter{MITRE: []string{"T1219"}, DataSources: []string{"Sysmon EventID 13"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range sel {
		found = found || d.ID == "e5b7b5a9-e471-4be8-8c5d-4083983ba329"
	}
	if !found {
		t.Errorf("the seed is not among %d detections of T1219 on Sysmon EventID 13", len(sel))
	}
}
