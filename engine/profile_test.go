package engine

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestExecuteProfile checks the counts of a profiled run over fixture(),
// worked out by hand: of its 6 rows, Registry.action=modified matches rows
// 1, 2 and 5, Registry.user=alice rows 1, 2 and 5, Registry.dest=host1
// rows 1, 2 and 4, and Registry.usr=bob none (usr is not a field, so it is
// null; one edit from Registry.user). So WHERE matches nothing: the tstats
// reads 6 rows and returns none, and the where stage gets none. _time
// spans base-5000 (row 5) to base+4000 (row 6). The counts must not depend
// on the batch sizes.
func TestExecuteProfile(t *testing.T) {
	for _, shape := range batchShapes {
		env := newTestEnv(t, fixture(), shape[0], shape[1])
		pl, err := env.eng.Plan(parse(t, `| tstats count from datamodel=Endpoint.Registry where Registry.action=modified Registry.user=alice Registry.dest=host1 Registry.usr=bob by Registry.dest | where count > 1`))
		if err != nil {
			t.Fatal(err)
		}
		res, prof, err := env.eng.ExecuteProfile(context.Background(), pl)
		if err != nil {
			t.Fatal(err)
		}
		res.Release()
		if len(prof.Stages) != 2 || prof.Stages[0].Depth != 0 || prof.Stages[1].Depth != 1 {
			t.Fatalf("stages %+v", prof.Stages)
		}
		// Registry.usr=bob is on a field the dataset lacks (null), so it
		// matches nothing and so does WHERE: 6 rows in, none out.
		if w, ts := prof.Stages[0], prof.Stages[1]; w.RowsIn != 0 || w.RowsOut != 0 || ts.RowsIn != 6 || ts.RowsOut != 0 || !ts.Ran {
			t.Errorf("stages %+v", prof.Stages)
		}
		if len(prof.Scans) != 1 {
			t.Fatalf("scans %+v", prof.Scans)
		}
		sc := prof.Scans[0]
		want := []PredicateCount{{"Registry.action=modified", 3}, {"Registry.user=alice", 3}, {"Registry.dest=host1", 3}, {"Registry.usr=bob", 0}}
		if !reflect.DeepEqual(sc.Predicates, want) {
			t.Errorf("predicates %+v, want %+v", sc.Predicates, want)
		}
		if sc.Rows != 6 || sc.WhereRows != 0 || sc.Selected != 0 || sc.Window {
			t.Errorf("scan %+v", sc)
		}
		if !sc.First.Equal(time.UnixMilli(base-5000)) || !sc.Last.Equal(time.UnixMilli(base+4000)) {
			t.Errorf("span %v to %v", sc.First, sc.Last)
		}
		// Fields in order of appearance: the four of WHERE, then BY's
		// (already listed). dest has 6 values, user 5 (row 3 has none);
		// usr is no field, one edit from Registry.user.
		names := []string{}
		for _, f := range sc.Fields {
			names = append(names, f.Name)
		}
		if !reflect.DeepEqual(names, []string{"Registry.action", "Registry.user", "Registry.dest", "Registry.usr"}) {
			t.Errorf("fields %v", names)
		}
		if f := sc.Fields[1]; !f.Known || f.Values != 5 {
			t.Errorf("user %+v", f)
		}
		if f := sc.Fields[3]; f.Known || f.Suggestion != "Registry.user" {
			t.Errorf("usr %+v", f)
		}
	}
}
