package hunt

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/spl/escu"
)

// sampleStore ingests the bundled sample of cmd/minispl.
func sampleStore(t testing.TB) *datamodel.Store {
	t.Helper()
	st := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	f, err := os.Open(filepath.Join("..", "cmd", "minispl", "sample", "sysmon_sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := st.Ingest(f, "sysmon_sample.xml"); err != nil {
		t.Fatal(err)
	}
	return st
}

func seed(t testing.TB) *content.Corpus {
	t.Helper()
	c, err := content.Load(filepath.Join("..", "testdata", "examples", "rms_seed.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// project renders the columns cols of a table as CSV.
type projection struct {
	t     render.Table
	cols  []int
	names []string
}

func project(t render.Table, names ...string) *projection {
	p := &projection{t: t, names: names}
	for _, n := range names {
		idx := -1
		for i, f := range t.Fields() {
			if f == n {
				idx = i
			}
		}
		p.cols = append(p.cols, idx)
	}
	return p
}

func (p *projection) Fields() []string { return p.names }
func (p *projection) NumRows() int     { return p.t.NumRows() }
func (p *projection) Cell(r, c int) []string {
	if p.cols[c] < 0 {
		return nil
	}
	return p.t.Cell(r, p.cols[c])
}

// golden reads a golden file without its # comment lines.
func golden(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(line, "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestScheduleSeedGolden runs the seed as ES schedules it over the
// sample's day; testdata/rms_seed_scheduled.golden works the runs, the
// notables and the risk events out by hand.
func TestScheduleSeedGolden(t *testing.T) {
	c := seed(t)
	day := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	for _, workers := range []int{1, 4} {
		res := Schedule(context.Background(), sampleStore(t), c.Detections, day, day.AddDate(0, 0, 1), Options{Corpus: c, Workers: workers})
		r := &res[0]
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		var b bytes.Buffer
		b.WriteString("runs:\n")
		for _, run := range r.Runs {
			fmt.Fprintf(&b, "%s [%s, %s) %d rows, %d notables, %d risk events\n", run.Now.Format(time.RFC3339),
				run.Earliest.Format(time.RFC3339), run.Latest.Format(time.RFC3339), run.Rows, len(run.Notables), len(run.Risks))
		}
		b.WriteString("timeline:\n")
		tl := NewTimeline(res, time.UTC)
		if err := render.WriteCSV(&b, project(tl, "_time", "kind", "search_time", "rule_title", "user", "dest",
			"risk_object", "risk_object_type", "risk_score", "risk_message")); err != nil {
			t.Fatal(err)
		}
		if want := golden(t, "rms_seed_scheduled.golden"); b.String() != want {
			t.Errorf("workers %d: got\n%s\nwant\n%s", workers, b.String(), want)
		}
		// The notables carry the rule description and the security
		// domain; the risk events the MITRE id.
		n := r.Runs[15].Notables[0]
		if n.RuleDescription != r.Detection.Description || n.SecurityDomain != "endpoint" ||
			len(n.Fields) != 2 || n.Fields[0].Name != "user" || n.Fields[1].Name != "dest" {
			t.Errorf("notable %+v", n)
		}
		if ev := r.Runs[16].Risks[0]; strings.Join(ev.MITRE, ",") != "T1219" || ev.ObjectField != "dest" {
			t.Errorf("risk event %+v", ev)
		}
		if len(r.Warnings) != 0 {
			t.Errorf("warnings %v", r.Warnings)
		}
	}
}

// TestRunFindings runs the seed and a detection that cannot plan over the
// sample: one finding, the summary line counts both.
func TestRunFindings(t *testing.T) {
	c := seed(t)
	ds := append(c.Detections, c.Detections[0], c.Detections[0])
	ds[1].Name, ds[1].ID, ds[1].Search = "Broken", "b", "| tstats count from datamodel=Web by Web.dest"
	ds[2].Name, ds[2].ID, ds[2].Search = "Quiet", "q", `| tstats count from datamodel=Endpoint.Registry where Registry.dest=nothing by Registry.dest`
	res := Run(context.Background(), sampleStore(t), ds, Options{Corpus: c})
	f := Findings(res)
	// The seed's 10 rows (README): hosts win-dc-01 and WS-FIN-07 from
	// dest, the risk object of type system; first 14:05:09 (the RMS key
	// creation), last 15:31:00 (the HKU value).
	if len(f) != 1 || len(f[0].Result.Rows) != 10 || strings.Join(f[0].Hosts, ",") != "WS-FIN-07.corp.example.com,win-dc-01.attackrange.local" ||
		f[0].First.Format(time.TimeOnly) != "14:05:09" || f[0].Last.Format(time.TimeOnly) != "15:31:00" {
		t.Fatalf("findings %+v", f)
	}
	tot := Summarize(res)
	want := `1 of 3 detections fired; 1 could not run (1 plan: unknown datamodel dataset "Web")`
	if tot.String() != want {
		t.Errorf("summary %q, want %q", tot.String(), want)
	}
	// The timeline of a plain run: result entries sorted by firstTime,
	// each naming its detection.
	tl := NewTimeline(res, time.UTC)
	if tl.NumRows() != 10 || strings.Join(tl.Fields()[:6], ",") != "_time,kind,detection,id,risk_score,mitre_attack_id" {
		t.Fatalf("timeline %d rows, fields %v", tl.NumRows(), tl.Fields())
	}
	if got := tl.Cell(0, 0); got[0] != "2024-09-30T14:05:09Z" {
		t.Errorf("first entry at %v", got)
	}
	if got := tl.Cell(9, 0); got[0] != "2024-09-30T15:31:00Z" {
		t.Errorf("last entry at %v", got)
	}
}

// TestRunSameSearch: detections of one search text, run once, each get
// the rows, fields, expansion and error that running it alone gives, in
// a rows slice of its own; the others keep their own name and risk.
func TestRunSameSearch(t *testing.T) {
	c := seed(t)
	store := sampleStore(t)
	broken := "| tstats count from datamodel=Web by Web.dest"
	ds := []escu.Detection{c.Detections[0], c.Detections[0], c.Detections[0], c.Detections[0]}
	ds[1].Name, ds[1].ID = "Copy", "copy"
	ds[2].Name, ds[2].ID, ds[2].Search = "Broken", "b", broken
	ds[3].Name, ds[3].ID, ds[3].Search = "Broken too", "b2", broken
	res := Run(context.Background(), store, ds, Options{Corpus: c})
	alone := func(d escu.Detection) Result {
		return Run(context.Background(), store, []escu.Detection{d}, Options{Corpus: c})[0]
	}
	for i, want := range []Result{alone(ds[0]), alone(ds[0]), alone(ds[2]), alone(ds[2])} {
		got := res[i]
		if got.Detection.Name != ds[i].Name || fmt.Sprint(got.Err) != fmt.Sprint(want.Err) || got.Stage != want.Stage ||
			got.Expanded != want.Expanded || fmt.Sprint(got.Fields, got.Rows, got.Warnings) != fmt.Sprint(want.Fields, want.Rows, want.Warnings) {
			t.Errorf("detection %d (%s): %v %v %d rows, want %v %v %d rows", i, got.Detection.Name, got.Stage, got.Err, len(got.Rows), want.Stage, want.Err, len(want.Rows))
		}
	}
	if len(res[0].Rows) != 10 || res[2].Err == nil {
		t.Fatalf("the seed gave %d rows, the broken search %v", len(res[0].Rows), res[2].Err)
	}
	res[1].Rows[0].Run = 7
	if res[0].Rows[0].Run != -1 {
		t.Error("the copy shares its rows slice with the first")
	}
}

// TestRiskMessageHole: a $field$ the rows lack stays as written, with a
// warning.
func TestRiskMessageHole(t *testing.T) {
	c := seed(t)
	ds := c.Detections
	ds[0].Tags.Message = "on $dest$ by $nosuch$"
	day := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	res := Schedule(context.Background(), sampleStore(t), ds, day.Add(15*time.Hour), day.Add(16*time.Hour), Options{})
	r := &res[0]
	if len(r.Runs) != 1 || len(r.Runs[0].Risks) != 5 || r.Runs[0].Risks[0].Message != "on win-dc-01.attackrange.local by $nosuch$" {
		t.Fatalf("runs %+v", r.Runs)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "$nosuch$") {
		t.Errorf("warnings %v", r.Warnings)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"1727705109":                "2024-09-30T14:05:09Z",
		"1727705109.123":            "2024-09-30T14:05:09.123Z",
		"2024-09-30T14:05:09":       "2024-09-30T14:05:09Z",
		"09/30/2024 14:05:09":       "2024-09-30T14:05:09Z",
		"2024-09-30T16:05:09+02:00": "2024-09-30T14:05:09Z",
	} {
		got, ok := parseTime(in, time.UTC)
		if !ok || got.UTC().Format(time.RFC3339Nano) != want {
			t.Errorf("parseTime(%q) = %v, %v; want %s", in, got, ok, want)
		}
	}
	if _, ok := parseTime("yesterday", time.UTC); ok {
		t.Error("parseTime(yesterday) ok")
	}
}

// TestRiskObjectsMultivalue: a multivalue risk object gives one risk
// event per value, threat objects carry their values, and a deployment:
// block sets the schedule and the actions (risk only here).
func TestRiskObjectsMultivalue(t *testing.T) {
	d := seed(t).Detections[0]
	d.Search = "| tstats count from datamodel=Endpoint.Registry by Registry.dest Registry.action | rename Registry.* as * | stats values(dest) as dests values(action) as actions sum(count) as count"
	d.Tags.Message = "on $dests$"
	d.Observables = []escu.Observable{{Name: "dests", Type: "Endpoint", Role: []string{"Victim"}}, {Name: "actions", Type: "Registry Action", Role: []string{"Attacker"}}}
	d.Deployment = &escu.Deployment{}
	d.Deployment.Scheduling.CronSchedule = "0 0 * * *"
	d.Deployment.Scheduling.EarliestTime = "-24h"
	d.Deployment.Scheduling.LatestTime = "now"
	d.Deployment.AlertAction.RBA = &struct {
		Enabled bool `yaml:"enabled"`
	}{Enabled: true}
	d.Tags.RiskScore = 42
	d.Tags.Observable = d.Observables
	end := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	// One run, at 2024-10-01T00:00, over [09-30 00:00, 10-01 00:00): every
	// registry event; the stats row has dests = both hosts (values() sorts:
	// 'W' < 'w') and actions = created, deleted, modified.
	res := Schedule(context.Background(), sampleStore(t), []escu.Detection{d}, end, end.Add(time.Hour), Options{})
	r := &res[0]
	if r.Err != nil || len(r.Runs) != 1 {
		t.Fatalf("%v, runs %+v", r.Err, r.Runs)
	}
	run := r.Runs[0]
	if len(run.Notables) != 0 || len(run.Risks) != 2 {
		t.Fatalf("notables %d, risks %d", len(run.Notables), len(run.Risks))
	}
	for i, want := range []string{"WS-FIN-07.corp.example.com", "win-dc-01.attackrange.local"} {
		ev := run.Risks[i]
		if ev.Object != want || ev.ObjectType != "system" || ev.Score != 42 || !ev.Time.Equal(end) ||
			ev.Message != "on WS-FIN-07.corp.example.com, win-dc-01.attackrange.local" ||
			len(ev.Threats) != 1 || ev.Threats[0].Type != "registry_action" || strings.Join(ev.Threats[0].Values, ",") != "created,deleted,modified" {
			t.Errorf("risk event %d: %+v", i, ev)
		}
	}
	tl := NewTimeline(res, time.UTC)
	var b bytes.Buffer
	if err := render.WriteCSV(&b, project(tl, "kind", "risk_object", "threat_object", "threat_object_field", "threat_object_type")); err != nil {
		t.Fatal(err)
	}
	want := "kind,risk_object,threat_object,threat_object_field,threat_object_type\n" +
		"risk,WS-FIN-07.corp.example.com,\"created\ndeleted\nmodified\",\"actions\nactions\nactions\",\"registry_action\nregistry_action\nregistry_action\"\n" +
		"risk,win-dc-01.attackrange.local,\"created\ndeleted\nmodified\",\"actions\nactions\nactions\",\"registry_action\nregistry_action\nregistry_action\"\n"
	if b.String() != want {
		t.Errorf("timeline\n%s\nwant\n%s", b.String(), want)
	}
}

// TestParseISOSeconds: the fast path reads what the layouts read, over
// random texts of its shape (digits, a few other bytes, fields out of
// range, leap days) in two zones.
func TestParseISOSeconds(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	const digits = "0123456789"
	fast := 0
	for i := range 40000 {
		b := []byte(fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", rng.IntN(3000), rng.IntN(14), rng.IntN(33), rng.IntN(26), rng.IntN(62), rng.IntN(62)))
		switch i % 4 {
		case 1:
			b[10] = ' '
		case 2:
			b[rng.IntN(len(b))] = "0123456789-T: x+"[rng.IntN(16)]
		case 3:
			b[rng.IntN(len(b))] = digits[rng.IntN(10)]
		}
		s := string(b)
		for _, loc := range []*time.Location{time.UTC, ny} {
			want, wok := parseTimeLayouts(s, loc)
			got, ok := parseTime(s, loc)
			if ok != wok || !got.Equal(want) || got.Location() != want.Location() {
				t.Fatalf("%q in %v: got %v %v, want %v %v", s, loc, got, ok, want, wok)
			}
			if _, ok := parseISOSeconds(s, loc); ok {
				fast++
			}
		}
	}
	if fast < 20000 {
		t.Errorf("the fast path read %d texts", fast)
	}
}
