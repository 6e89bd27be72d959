package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/spl"
)

func TestTimeRange(t *testing.T) {
	ms := func(off int64) time.Time { return time.UnixMilli(base + off) }
	// The fixture's rows by _time: Zed base-5s, host1 base, host1 base+1s,
	// Host2 base+2s, host1 base+3s, apple base+4s (base = 14:05:09.547Z).
	tests := []struct {
		name             string
		earliest, latest time.Time
		now              time.Time
		q                string
		want             []string
	}{
		{"options window, latest exclusive", ms(1000), ms(3000), time.Time{},
			`| tstats count from datamodel=Endpoint.Registry by Registry.dest`,
			[]string{"Registry.dest | count", "Host2 | 1", "host1 | 1"}},
		{"only earliest, inclusive", ms(3000), time.Time{}, time.Time{},
			`| tstats count from datamodel=Endpoint.Registry by Registry.dest`,
			[]string{"Registry.dest | count", "apple | 1", "host1 | 1"}},
		{"WHERE overrides options (epoch seconds)", ms(10000), ms(20000), time.Time{},
			`| tstats count from datamodel=Endpoint.Registry where earliest=1727705110.547 latest=1727705112.547 by Registry.dest`,
			[]string{"Registry.dest | count", "Host2 | 1", "host1 | 1"}},
		{"relative modifiers against now", time.Time{}, time.Time{}, ms(4000),
			// now = 14:05:13.547: -5s@s = 14:05:08, @s = 14:05:13.
			`| tstats count from datamodel=Endpoint.Registry where Registry.dest=* earliest=-5s@s latest=@s by Registry.dest`,
			[]string{"Registry.dest | count", "Host2 | 1", "host1 | 3"}},
		{"earliest=0 is unbounded, latest from options kept", time.Time{}, ms(0), time.Time{},
			`| tstats count from datamodel=Endpoint.Registry where earliest=0 by Registry.dest`,
			[]string{"Registry.dest | count", "Zed | 1"}},
		{"empty window", ms(1), ms(1), time.Time{},
			`| tstats count from datamodel=Endpoint.Registry`,
			[]string{"count", "0"}},
		{"a sub-millisecond earliest excludes its millisecond", ms(0).Add(time.Microsecond), time.Time{}, time.Time{},
			`| tstats min(_time) as t from datamodel=Endpoint.Registry`,
			[]string{"t", "1727705110.547"}},
	}
	for _, tt := range tests {
		for _, shape := range batchShapes {
			env := newTestEnv(t, fixture(), shape[0], shape[1])
			env.eng = New(env.cat, env.store, Options{BatchSize: shape[1], Allocator: env.mem,
				Earliest: tt.earliest, Latest: tt.latest, Now: tt.now})
			equalLines(t, tt.name, env.run(t, tt.q), tt.want)
		}
	}
}

func TestTimeRangeErrors(t *testing.T) {
	tests := []struct {
		q, at, msg string
	}{
		{`| tstats count from datamodel=Endpoint.Registry where Registry.dest=a OR earliest=-1h`, "earliest=-1h", "inside OR or NOT"},
		{`| tstats count from datamodel=Endpoint.Registry where NOT latest=-1h`, "latest=-1h", "inside OR or NOT"},
		{`| tstats count from datamodel=Endpoint.Registry where earliest=-1h earliest=-2h`, "earliest=-2h", "given twice"},
		{`| tstats count from datamodel=Endpoint.Registry where earliest>-1h`, "earliest>-1h", "takes =, not >"},
		{`| tstats count from datamodel=Endpoint.Registry where _index_earliest=-1h`, "_index_earliest=-1h", "only earliest= and latest="},
		{`| tstats count from datamodel=Endpoint.Registry where earliest=-70x@m`, "x", `unknown time unit "x"`},
		{`| tstats count from datamodel=Endpoint.Registry where earliest="yesterday"`, `"yesterday"`, "not a time"},
		{`| tstats count from datamodel=Endpoint.Registry | search earliest=-1h`, "earliest=-1h", "tstats WHERE"},
	}
	env := newTestEnv(t, fixture(), 4096, 4096)
	for _, tt := range tests {
		_, err := env.eng.Plan(parse(t, tt.q))
		se, ok := err.(*spl.Error)
		if !ok {
			t.Errorf("%s: error %v, want *spl.Error", tt.q, err)
			continue
		}
		got := tt.q[se.Pos.Start:se.Pos.End]
		if !strings.HasPrefix(got, tt.at) || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("%s: error %q at %q; want %q at %q", tt.q, se.Msg, got, tt.msg, tt.at)
		}
	}
}

func TestTimeRangePlanString(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	env.eng = New(env.cat, env.store, Options{Now: time.Date(2024, 9, 30, 15, 5, 0, 0, time.UTC)})
	pl, err := env.eng.Plan(parse(t, `| tstats count from datamodel=Endpoint.Registry where earliest=-70m@m latest=-10m@m`))
	if err != nil {
		t.Fatal(err)
	}
	want := "Tstats datamodel=Endpoint.Registry aggs=[count] drop_null_keys earliest=2024-09-30T13:55:00Z latest=2024-09-30T14:55:00Z\n"
	if pl.String() != want {
		t.Errorf("plan:\n%s\nwant:\n%s", pl.String(), want)
	}
}
