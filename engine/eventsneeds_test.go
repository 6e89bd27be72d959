package engine

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/spl"
)

// TestNarrowStore checks a store loaded with only the event fields and
// datasets that planned searches read (EventFields, Datasets): those
// searches give the results of a full store, a raw search that reads a
// field left out and a tstats of a dataset left out fail, and EventFields
// and Datasets say "all" where the fields or datasets cannot be known.
func TestNarrowStore(t *testing.T) {
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, 3000, 7); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	full := datamodel.NewStore(cat, datamodel.Options{})
	if err := full.Ingest(bytes.NewReader(buf.Bytes()), "gen"); err != nil {
		t.Fatal(err)
	}
	searches := []string{
		`search EventCode=13 | stats count by host`,
		`search EventCode=1 whoami | stats count values(Image) by Computer`,
		`search EventCode=13 TargetObject="*Run*" | table _time EventCode TargetObject _raw | head 5`,
		`search EventCode=1 | stats count(eval(len(_raw)>1000)) as long by EventCode`,
		`| tstats count from datamodel=Endpoint.Processes by Processes.process_name`,
	}
	var plans []*Plan
	for _, q := range searches {
		pl, err := New(cat, nil, Options{}).Plan(parse(t, q))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		plans = append(plans, pl)
	}
	fields, all := EventFields(plans...)
	datasets, known := Datasets(plans...)
	if all || !known || !slices.Equal(datasets, []string{"Endpoint.Processes"}) {
		t.Fatalf("EventFields all %v, Datasets %v %v; want known, Endpoint.Processes", all, datasets, known)
	}
	for _, f := range []string{"EventCode", "host", "Image", "Computer", "TargetObject", "_raw"} {
		if !slices.Contains(fields, f) {
			t.Errorf("EventFields %v lacks %s", fields, f)
		}
	}
	if slices.Contains(fields, "ProcessGuid") {
		t.Errorf("EventFields %v has ProcessGuid, which no search reads", fields)
	}
	narrow := datamodel.NewStore(cat, datamodel.Options{})
	narrow.SetEventFields(fields)
	narrow.SetDatasets(datasets)
	if err := narrow.Ingest(bytes.NewReader(buf.Bytes()), "gen"); err != nil {
		t.Fatal(err)
	}
	reg, _ := cat.Lookup("Endpoint.Registry")
	if narrow.RowsLeftOut(reg) == 0 || full.RowsLeftOut(reg) != 0 || len(narrow.Batches(reg)) != 0 {
		t.Fatalf("Registry rows left out: narrow %d, full %d; want some, none", narrow.RowsLeftOut(reg), full.RowsLeftOut(reg))
	}
	ev := narrow.Events()
	if ev.KeepsAll() || ev.Keeps("ProcessGuid") || !ev.Keeps("Image") || !slices.Contains(ev.FieldNames(), "ProcessGuid") {
		t.Fatalf("narrow event store: keeps all %v, ProcessGuid %v, Image %v; want false, false, true, and ProcessGuid among its field names", ev.KeepsAll(), ev.Keeps("ProcessGuid"), ev.Keeps("Image"))
	}
	for _, q := range searches {
		var out [2][]string
		for i, s := range []*datamodel.Store{full, narrow} {
			e := New(cat, s, Options{})
			pl, err := e.Plan(parse(t, q))
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Execute(context.Background(), pl)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out[i] = renderResult(res)
			res.Release()
		}
		if len(out[0]) < 2 {
			t.Fatalf("%s: no rows", q)
		}
		equalLines(t, q, out[1], out[0])
	}
	for q, want := range map[string]string{
		`search EventCode=1 | stats count by ProcessGuid`:                  "without the field ProcessGuid",
		`search EventCode=1`:                                               "every field",
		`| tstats count from datamodel=Endpoint.Registry by Registry.dest`: "were not kept",
	} {
		e := New(cat, narrow, Options{})
		pl, err := e.Plan(parse(t, q))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Execute(context.Background(), pl); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", q, err, want)
		}
	}
	for _, q := range []string{`search EventCode=1`, `| tstats count from datamodel=Endpoint.Registry by Registry.dest | append [search EventCode=1]`} {
		pl, err := New(cat, nil, Options{}).Plan(parse(t, q))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if _, all := EventFields(pl); !all {
			t.Errorf("%s: EventFields not all", q)
		}
	}
}

// TestDatasetsKnown: Datasets knows the datasets of plans whose commands
// read only their input (xmlkv, spath, appendpipe among them) and of a
// search over raw events whose results have every field (it reads no
// dataset), and not of a map, whose searches are planned per row.
func TestDatasetsKnown(t *testing.T) {
	cat := datamodel.DefaultCatalog()
	for q, want := range map[string][]string{
		`search EventCode=4698 | xmlkv Message | search Arguments="*http*" | stats count by host`: {},
		`search EventCode=8004 | spath input=UserData_Xml | stats count by host`:                  {},
		`search EventCode=1 | search *`: {},
		`| tstats count from datamodel=Endpoint.Processes by Processes.dest | appendpipe [| stats count | eval dest="all"]`:                                                                               {"Endpoint.Processes"},
		`| tstats count from datamodel=Endpoint.Processes by Processes.dest | appendpipe [| join dest [| tstats count from datamodel=Endpoint.Registry by Registry.dest | rename Registry.dest as dest]]`: {"Endpoint.Processes", "Endpoint.Registry"},
	} {
		pl, err := New(cat, nil, Options{}).Plan(parse(t, q))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got, known := Datasets(pl)
		slices.Sort(got)
		if !known || !slices.Equal(got, want) {
			t.Errorf("%s: Datasets %v %v, want %v", q, got, known, want)
		}
	}
	q := `| makeresults | map search="| tstats count from datamodel=Endpoint.Registry by Registry.dest"`
	pl, err := New(cat, nil, Options{ParseSearch: func(s string) (*spl.Pipeline, error) { return spl.Parse(s) }}).Plan(parse(t, q))
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if _, known := Datasets(pl); known {
		t.Errorf("%s: Datasets known", q)
	}
	// A raw search whose results have every field takes no pre-filter.
	pl, err = New(cat, nil, Options{}).Plan(parse(t, `search EventCode=1 whoami | search *`))
	if err != nil {
		t.Fatal(err)
	}
	if f := RawFilter(cat, pl); f != nil {
		t.Errorf("RawFilter of a raw search with every field: %v, want nil", f)
	}
}
