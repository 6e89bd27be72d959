package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/escu"
	"github.com/minispl/minispl/summaries"
)

// escuCorpus is the ESCU tstats detections planned, and the stores
// they are checked over.
type escuCorpus struct {
	cat    *datamodel.Catalog
	opt    Options
	plans  []*Plan
	names  []string
	stores []namedStore
}

type namedStore struct {
	name  string
	store *datamodel.Store
}

// loadESCUCorpus plans every ESCU tstats detection that plans (Registry,
// Processes, Filesystem) and builds three stores: generated events in
// batches of 3,000 rows, the same events read back from their summaries
// (a batch per row group, each with its own dictionaries), and
// ../shared/datasets/attack_data. It skips without ../shared.
func loadESCUCorpus(t *testing.T) *escuCorpus {
	t.Helper()
	shared := filepath.Join("..", "..", "shared")
	escuDir := filepath.Join(shared, "escu")
	if _, err := os.Stat(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		t.Skipf("../shared absent: %v", err)
	}
	lib := macros.Default()
	if err := lib.Load(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	var ds []escu.Detection
	for _, f := range []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"} {
		d, err := escu.Read(filepath.Join(escuDir, f))
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d...)
	}
	c := &escuCorpus{cat: datamodel.DefaultCatalog(), opt: Options{LookupDirs: []string{filepath.Join(escuDir, "lookups")}, ParseSearch: spl.Parse}}
	eng := New(c.cat, nil, c.opt)
	for _, d := range ds {
		x, err := lib.Expand(d.Search)
		if err != nil {
			continue
		}
		p, err := spl.Parse(x.Text)
		if err != nil {
			continue
		}
		pl, err := eng.Plan(p)
		if err != nil {
			continue
		}
		c.plans = append(c.plans, pl)
		c.names = append(c.names, d.Name)
	}
	var buf bytes.Buffer
	if _, err := sysmongen.Write(&buf, 30_000, 3); err != nil {
		t.Fatal(err)
	}
	gen := datamodel.NewStore(c.cat, datamodel.Options{BatchSize: 3000})
	t.Cleanup(gen.Release)
	if err := gen.Ingest(&buf, "sysmongen"); err != nil {
		t.Fatal(err)
	}
	attack := datamodel.NewStore(c.cat, datamodel.Options{})
	t.Cleanup(attack.Release)
	if _, err := attack.IngestPath(context.Background(), filepath.Join(shared, "datasets", "attack_data"), datamodel.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	c.stores = []namedStore{{"generated", gen}, {"summaries of generated", readSummaries(t, c.cat, gen)}, {"attack_data", attack}}
	return c
}

// TestSelectMatchesEval: for every tstats WHERE of every ESCU tstats
// detection that plans (the main search's and its subsearches'), over
// every batch of its dataset in the three stores of loadESCUCorpus,
// Select keeps exactly the rows Eval sets, without an index and with one
// that has every column's postings (the index a hunt shares, RowIndex,
// past its second ask). Skipped without ../shared.
func TestSelectMatchesEval(t *testing.T) {
	c := loadESCUCorpus(t)
	stores := c.stores
	// Every WHERE of every planned detection, once per distinct text.
	seen := map[string]bool{}
	var wheres []*tstatsNode
	for _, pl := range c.plans {
		for _, n := range tstatsNodes(pl.root) {
			if n.where == nil || seen[n.ds.FullName()+" "+n.where.String()] {
				continue
			}
			seen[n.ds.FullName()+" "+n.where.String()] = true
			wheres = append(wheres, n)
		}
	}
	if len(wheres) < 500 {
		t.Fatalf("%d distinct tstats WHERE clauses; the corpus has more", len(wheres))
	}
	var mask []bool
	for _, s := range stores {
		some, checked := 0, 0
		for _, n := range wheres {
			batches := s.store.Batches(n.ds)
			for _, b := range batches {
				rows := int(b.NumRows())
				mask = slices.Grow(mask[:0], rows)[:rows]
				if err := n.where.Eval(expr.NewPredState(n.nleaves), b, mask); err != nil {
					t.Fatalf("%s: %s: Eval: %v", s.name, n.where, err)
				}
				var want []int32
				for i, m := range mask {
					if m {
						want = append(want, int32(i))
					}
				}
				for _, ix := range []expr.Index{nil, alwaysIndex{}} {
					st := expr.NewPredState(n.nleaves)
					st.SetIndex(ix)
					got, err := expr.Select(n.where, st, b, nil)
					if err != nil {
						t.Fatalf("%s: %s: Select: %v", s.name, n.where, err)
					}
					if !slices.Equal(got, want) && len(got)+len(want) > 0 {
						t.Fatalf("%s: %s (%s), index %v: Select keeps %d rows, Eval %d", s.name, n.where, n.ds.FullName(), ix != nil, len(got), len(want))
					}
				}
				checked++
				if len(want) > 0 {
					some++
				}
			}
		}
		t.Logf("%s: %d WHERE clauses, %d batch selections compared, %d keep rows", s.name, len(wheres), checked, some)
		if some < 20 {
			t.Errorf("%s: only %d selections keep a row; the comparison needs matches", s.name, some)
		}
	}
}

// alwaysIndex is an Index with the postings of every column.
type alwaysIndex struct{}

func (alwaysIndex) Postings(c *array.Dictionary) *expr.Postings { return expr.BuildPostings(c) }

// readSummaries writes store's datasets as summaries in a temporary
// folder and reads them back into a new store (a batch per row group,
// each with its own dictionaries).
func readSummaries(t *testing.T, cat *datamodel.Catalog, store *datamodel.Store) *datamodel.Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sum")
	if _, err := summaries.Write(dir, cat, store); err != nil {
		t.Fatal(err)
	}
	sum, err := summaries.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	batches, _, err := sum.Read(context.Background(), cat, summaries.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st := datamodel.NewStore(cat, datamodel.Options{})
	for _, b := range batches {
		d, _ := cat.Lookup(b.Dataset)
		st.AddBatch(d, b.Record)
	}
	summaries.Release(batches)
	t.Cleanup(st.Release)
	return st
}

// tstatsNodes returns the tstats nodes reachable from n, by reflection
// over the plan's fields (inputs, subsearches, appended pipelines), each
// once.
func tstatsNodes(n node) []*tstatsNode {
	var out []*tstatsNode
	seen := map[uintptr]bool{}
	tsType := reflect.TypeOf(&tstatsNode{})
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			if v.Type() == tsType {
				out = append(out, (*tstatsNode)(v.UnsafePointer()))
			}
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		}
	}
	walk(reflect.ValueOf(n))
	return out
}
