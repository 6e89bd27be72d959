package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/escu"
)

// TestESCURegistryRuns runs every ESCU Endpoint.Registry detection whose
// expanded pipeline has only the commands of the seed's shape (tstats,
// rename, convert, search) over every XmlWinEventLog file in
// ../shared/datasets/attack_data; each must plan and execute without
// error. The others are counted and logged. Skipped without ../shared.
func TestESCURegistryRuns(t *testing.T) {
	detections := filepath.Join(sharedDir, "escu", "detections_registry.jsonl")
	if _, err := os.Stat(detections); err != nil {
		t.Skipf("ESCU corpus not available: %v", err)
	}
	lib := macros.Default()
	if err := lib.Load(filepath.Join(sharedDir, "escu", "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	store := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	if err := ingestPath(store, filepath.Join(sharedDir, "datasets", "attack_data")); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(datamodel.DefaultCatalog(), store, engine.Options{})
	ds, err := escu.Read(detections)
	if err != nil {
		t.Fatal(err)
	}
	simple, ran, withRows := 0, 0, 0
	for _, d := range ds {
		x, err := lib.Expand(d.Search)
		if err != nil {
			t.Errorf("%s (%s): expand: %v", d.Name, d.Origin, err)
			continue
		}
		p, err := spl.Parse(x.Text)
		if err != nil {
			t.Errorf("%s (%s): parse: %v", d.Name, d.Origin, err)
			continue
		}
		if !seedShaped(p) {
			continue
		}
		simple++
		plan, err := eng.Plan(p)
		if err != nil {
			t.Errorf("%s (%s): plan: %v", d.Name, d.Origin, x.Relocate(err))
			continue
		}
		res, err := eng.Execute(context.Background(), plan)
		if err != nil {
			t.Errorf("%s (%s): execute: %v", d.Name, d.Origin, err)
			continue
		}
		ran++
		if res.NumRows() > 0 {
			withRows++
		}
		res.Release()
	}
	t.Logf("%d registry detections, %d of seed shape (tstats/rename/convert/search), %d ran, %d returned rows", len(ds), simple, ran, withRows)
	// 97 detections are exactly tstats | drop_dm_object_name | ctime | ctime
	// | filter (escu-content.md §3a), all of this shape.
	if simple < 97 || ran != simple {
		t.Errorf("want at least 97 seed-shaped detections, all running; got %d of %d", ran, simple)
	}
}

// seedShaped reports whether every command is tstats, rename, convert or
// search.
func seedShaped(p *spl.Pipeline) bool {
	for _, c := range p.Commands {
		switch c.(type) {
		case *spl.Tstats, *spl.Rename, *spl.Convert, *spl.Search:
		default:
			return false
		}
	}
	return true
}
