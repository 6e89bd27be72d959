package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

// TestTstatsDataset checks how FROM datamodel= and nodename= select the
// dataset: the result over the Registry fixture, or the dataset named in
// the plan for the others.
func TestTstatsDataset(t *testing.T) {
	tests := []struct {
		name, q string
		plan    string   // Plan.String contains this
		want    []string // result lines, when set
	}{
		{name: "model and nodename=model.dataset",
			q:    `| tstats count from datamodel=Endpoint where nodename=Endpoint.Registry by Registry.action`,
			plan: "Tstats datamodel=Endpoint.Registry",
			want: []string{"Registry.action | count", "created | 2", "deleted | 1", "modified | 3"}},
		{name: "model and nodename=dataset, rest of WHERE kept",
			q:    `| tstats count from datamodel=Endpoint where Registry.user=alice nodename=Registry`,
			plan: "Tstats datamodel=Endpoint.Registry",
			want: []string{"count", "3"}},
		{name: "nodename selects Processes; fields are Processes.x",
			q:    `| tstats count from datamodel=Endpoint where nodename=Endpoint.Processes Processes.process_name=cmd.exe by Processes.dest`,
			plan: "Tstats datamodel=Endpoint.Processes",
			want: []string{"Processes.dest | count"}},
		{name: "nodename equal to the named dataset",
			q:    `| tstats count from datamodel=Endpoint.Registry where nodename=Registry`,
			plan: "Tstats datamodel=Endpoint.Registry",
			want: []string{"count", "6"}},
		{name: "model with one root dataset",
			q:    `| tstats count from datamodel=Network_Traffic by All_Traffic.dest_port`,
			plan: "Tstats datamodel=Network_Traffic.All_Traffic"},
	}
	env := newTestEnv(t, fixture(), 4096, 4096)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := env.eng.Plan(parse(t, tc.q))
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if !strings.Contains(pl.String(), tc.plan) {
				t.Errorf("plan %q does not contain %q", pl.String(), tc.plan)
			}
			if strings.Contains(pl.String(), "nodename") {
				t.Errorf("plan %q still filters on nodename", pl.String())
			}
			if tc.want != nil {
				equalLines(t, tc.q, env.run(t, tc.q), tc.want)
			}
		})
	}
}

// TestTstatsDatasetErrors checks the positioned errors of dataset
// selection.
func TestTstatsDatasetErrors(t *testing.T) {
	tests := []struct {
		q    string
		at   string // the error starts at the first occurrence of this text
		want string
	}{
		{`| tstats count from datamodel=Endpoint`, `Endpoint`, `datamodel=Endpoint has several root datasets (Endpoint.Registry, Endpoint.Processes, Endpoint.Filesystem)`},
		{`| tstats count from datamodel=Endpoint where nodename=Nope`, `nodename`, `nodename=Nope is not a dataset of Endpoint`},
		{`| tstats count from datamodel=Endpoint where nodename=Processes.Child`, `nodename`, `names a child dataset`},
		{`| tstats count from datamodel=Endpoint.Registry where nodename=Processes`, `nodename`, `only the dataset itself, Registry, is known`},
		{`| tstats count from datamodel=Endpoint where Processes.dest=a OR nodename=Processes`, `nodename`, `nodename= inside OR or NOT`},
		{`| tstats count from datamodel=Endpoint where NOT nodename=Processes`, `nodename`, `nodename= inside OR or NOT`},
		{`| tstats count from datamodel=Endpoint where nodename=Processes nodename=Registry`, `nodename=Registry`, `nodename= is given twice`},
		{`| tstats count from datamodel=Endpoint where nodename!=Processes`, `nodename`, `nodename takes =, not !=`},
		{`| tstats count from datamodel=Endpoint where nodename IN (Processes)`, `nodename`, `not IN`},
	}
	env := newTestEnv(t, fixture(), 4096, 4096)
	for _, tc := range tests {
		_, err := env.eng.Plan(parse(t, tc.q))
		var se *spl.Error
		if !errors.As(err, &se) {
			t.Errorf("Plan(%q) error = %v, want *spl.Error", tc.q, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.want) {
			t.Errorf("Plan(%q) error %q, want it to contain %q", tc.q, se.Msg, tc.want)
		}
		if want := strings.Index(tc.q, tc.at); se.Pos.Start != want {
			t.Errorf("Plan(%q) error at %d, want %d (%q)", tc.q, se.Pos.Start, want, tc.at)
		}
	}
}

// TestTstatsByTimeWithoutSpan checks the choice for `BY _time` without
// span: rows group by their exact _time (milliseconds as stored), no
// automatic bucketing.
func TestTstatsByTimeWithoutSpan(t *testing.T) {
	rows := []row{
		{"_time": base, "dest": "a"},
		{"_time": base, "dest": "b"},
		{"_time": base + 1, "dest": "a"},
		{"_time": base + 3_600_000, "dest": "a"},
	}
	for _, shape := range batchShapes {
		env := newTestEnv(t, rows, shape[0], shape[1])
		got := env.run(t, `| tstats count from datamodel=Endpoint.Registry by _time`)
		equalLines(t, "by _time", got, []string{"_time | count", "1727705109.547 | 2", "1727705109.548 | 1", "1727708709.547 | 1"})
	}
}
