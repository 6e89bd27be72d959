package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel"
)

// TestDatasetColumnsSuffice: every ESCU tstats detection that plans, run
// over each store of loadESCUCorpus with the columns its own
// DatasetColumns leaves out made null (as summaries read with
// ReadOptions.Columns give them), returns the rows it returns over the
// whole store; and the columns left out are many.
func TestDatasetColumnsSuffice(t *testing.T) {
	c := loadESCUCorpus(t)
	mem := memory.NewGoAllocator()
	left, total := 0, 0
	for _, s := range c.stores {
		full := New(c.cat, s.store, c.opt)
		projected := map[string]*datamodel.Store{}
		withRows := 0
		for i, pl := range c.plans {
			cols, ok := DatasetColumns(pl)
			if !ok {
				t.Fatalf("%s: DatasetColumns: reads the store otherwise", c.names[i])
			}
			key := fmt.Sprint(cols) // maps print sorted by key
			ps := projected[key]
			if ps == nil {
				ps = projectStore(t, mem, c.cat, s.store, cols)
				projected[key] = ps
			}
			want, got := runLines(t, full, pl), runLines(t, New(c.cat, ps, c.opt), pl)
			if !slices.Equal(got, want) {
				t.Fatalf("%s, %s: with the columns of DatasetColumns %v:\n%v\nwith every column:\n%v", s.name, c.names[i], cols, got, want)
			}
			if len(want) > 1 {
				withRows++
			}
			for name, cs := range cols {
				if d, ok := c.cat.Lookup(name); ok {
					left += d.Schema().NumFields() - len(cs)
					total += d.Schema().NumFields()
				}
			}
		}
		t.Logf("%s: %d detections, %d with rows, %d column sets", s.name, len(c.plans), withRows, len(projected))
		// Floors as measured, so that a change that stops detections from
		// finding rows shows.
		if floor := map[string]int{"attack_data": 40}[s.name]; withRows < max(floor, 8) {
			t.Errorf("%s: %d detections return rows; want at least %d (as measured)", s.name, withRows, max(floor, 8))
		}
	}
	if 2*left < total {
		t.Errorf("DatasetColumns leaves out %d of %d columns of the datasets read; want most", left, total)
	}
}

// runLines executes pl over eng's store and renders the rows (or the
// error).
func runLines(t *testing.T, eng *Engine, pl *Plan) []string {
	t.Helper()
	res, err := eng.Execute(context.Background(), pl)
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	defer res.Release()
	return renderResult(res)
}

// projectStore returns a store of store's batches with the columns not in
// cols made null (_time kept), for the datasets in cols; the others whole.
func projectStore(t *testing.T, mem memory.Allocator, cat *datamodel.Catalog, store *datamodel.Store, cols map[string][]string) *datamodel.Store {
	t.Helper()
	ps := datamodel.NewStore(cat, datamodel.Options{})
	t.Cleanup(ps.Release)
	for _, d := range cat.Datasets() {
		keep, projected := cols[d.FullName()]
		for _, b := range store.Batches(d) {
			if !projected {
				ps.AddBatch(d, b)
				continue
			}
			arrs := make([]arrow.Array, b.NumCols())
			for j := range arrs {
				f := b.Schema().Field(j)
				if f.Name == datamodel.FieldTime || slices.Contains(keep, f.Name) {
					arrs[j] = b.Column(j)
					arrs[j].Retain()
				} else {
					arrs[j] = array.MakeArrayOfNull(mem, f.Type, int(b.NumRows()))
				}
			}
			nb := array.NewRecordBatch(b.Schema(), arrs, b.NumRows())
			for _, a := range arrs {
				a.Release()
			}
			ps.AddBatch(d, nb)
			nb.Release()
		}
	}
	return ps
}
