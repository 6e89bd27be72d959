package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

// TestRawSearchEventsLeftOut checks that a search over raw events fails,
// rather than miss events, when events were loaded without their texts
// (IngestOptions.NoEventStore), while a tstats over the same store runs,
// and that ReadsEvents tells the two plans apart.
func TestRawSearchEventsLeftOut(t *testing.T) {
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, 200, 5); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	full := datamodel.NewStore(cat, datamodel.Options{})
	if err := full.Ingest(bytes.NewReader(buf.Bytes()), "gen"); err != nil {
		t.Fatal(err)
	}
	store := datamodel.NewStore(cat, datamodel.Options{})
	st, err := store.IngestReader(context.Background(), &buf, "gen", datamodel.IngestOptions{NoEventStore: true})
	if err != nil {
		t.Fatal(err)
	}
	if store.EventsLeftOut() != 200 || st.Kept != 200 || store.Events().Len() != 0 {
		t.Fatalf("left out %d, kept %d, event store %d; want 200, 200, 0", store.EventsLeftOut(), st.Kept, store.Events().Len())
	}
	eng := New(cat, store, Options{})
	raw, err := eng.Plan(parse(t, `search EventCode=13 | stats count`))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := eng.Plan(parse(t, `| tstats count from datamodel=Endpoint.Registry`))
	if err != nil {
		t.Fatal(err)
	}
	if !ReadsEvents(raw) || ReadsEvents(ts) || !ReadsEvents(ts, raw) {
		t.Errorf("ReadsEvents: raw %v, tstats %v, both %v; want true, false, true", ReadsEvents(raw), ReadsEvents(ts), ReadsEvents(ts, raw))
	}
	if _, err := eng.Execute(context.Background(), raw); err == nil || !strings.Contains(err.Error(), "without their texts") {
		t.Errorf("raw search error = %v, want the events loaded without their texts", err)
	}
	// The datasets are those of a store that kept the texts.
	for _, q := range []string{`| tstats count from datamodel=Endpoint.Registry by Registry.registry_path`,
		`| tstats count from datamodel=Endpoint.Processes by Processes.process`} {
		var out [2][]string
		for i, s := range []*datamodel.Store{full, store} {
			e := New(cat, s, Options{})
			pl, err := e.Plan(parse(t, q))
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Execute(context.Background(), pl)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = renderResult(res)
			res.Release()
		}
		if len(out[0]) < 2 {
			t.Fatalf("%s: no rows", q)
		}
		equalLines(t, q, out[1], out[0])
	}
}
