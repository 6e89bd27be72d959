package hunt

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
)

// BenchmarkScheduleSeedDay schedules the seed over the sample's day: 24
// runs, each compiled with its own window and executed.
func BenchmarkScheduleSeedDay(b *testing.B) {
	c := seed(b)
	store := sampleStore(b)
	day := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		res := Schedule(context.Background(), store, c.Detections, day, day.AddDate(0, 0, 1), Options{Corpus: c})
		if len(res[0].Runs) != 24 {
			b.Fatal(res[0].Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/24/1e3, "µs/run")
}

// BenchmarkHuntESCU runs the 1,613 non-deprecated detections of the ESCU
// checkout over ../shared/datasets/attack_data (read once, outside the
// timer). Skipped without ../shared.
func BenchmarkHuntESCU(b *testing.B) {
	root := filepath.Join("..", "..", "shared", "escu", "security_content")
	if _, err := os.Stat(root); err != nil {
		b.Skipf("checkout not available: %v", err)
	}
	c, err := content.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	ds, _ := content.Select(c.Detections, content.Filter{ExcludeStatuses: []string{"deprecated"}})
	lib := macros.Default()
	for _, p := range c.MacroPaths {
		if err := lib.Load(p); err != nil {
			b.Fatal(err)
		}
	}
	store := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	if _, err := store.IngestPath(context.Background(), filepath.Join("..", "..", "shared", "datasets", "attack_data"), datamodel.IngestOptions{}); err != nil {
		b.Fatal(err)
	}
	opt := Options{Macros: lib, Corpus: c, Engine: engine.Options{LookupDirs: c.LookupDirs}}
	b.ResetTimer()
	for b.Loop() {
		res := Run(context.Background(), store, ds, opt)
		if Summarize(res).Fired == 0 {
			b.Fatal("nothing fired")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ds))/1e3, "µs/detection")
}
