package query_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl/escu"
)

// escuCheckout loads the non-deprecated detections of the ESCU checkout
// in ../shared/escu/security_content and a macro library with its
// macros, as `minispl hunt` does. Skipped without the checkout.
func escuCheckout(tb testing.TB) (*content.Corpus, []escu.Detection, *macros.Library) {
	tb.Helper()
	root := filepath.Join(sharedDir, "escu", "security_content")
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("ESCU checkout not available: %v", err)
	}
	c, err := content.Load(root)
	if err != nil {
		tb.Fatal(err)
	}
	ds, err := content.Select(c.Detections, content.Filter{ExcludeStatuses: []string{"deprecated"}})
	if err != nil {
		tb.Fatal(err)
	}
	lib := macros.Default()
	for _, p := range c.MacroPaths {
		if err := lib.Load(p); err != nil {
			tb.Fatal(err)
		}
	}
	return c, ds, lib
}

// escuTstats loads the Endpoint tstats detections of ../shared/escu
// (Registry, Processes, Filesystem) and a library with ESCU's macros, as
// the summaries package's BenchmarkHunt does. Skipped without them.
func escuTstats(tb testing.TB) ([]escu.Detection, *macros.Library) {
	tb.Helper()
	dir := filepath.Join(sharedDir, "escu")
	if _, err := os.Stat(filepath.Join(dir, "macros.jsonl")); err != nil {
		tb.Skipf("ESCU corpus not available: %v", err)
	}
	lib := macros.Default()
	if err := lib.Load(filepath.Join(dir, "macros.jsonl")); err != nil {
		tb.Fatal(err)
	}
	var all []escu.Detection
	for _, f := range []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"} {
		ds, err := escu.Read(filepath.Join(dir, f))
		if err != nil {
			tb.Fatal(err)
		}
		all = append(all, ds...)
	}
	return all, lib
}

// BenchmarkCompileESCU compiles (expands, parses, plans) every detection
// of a corpus with one Env and one Cache, as a hunt does (hunt.Run
// compiles each distinct search once): checkout is the non-deprecated detections of
// the ESCU checkout with its macros and lookups (`minispl hunt
// --content`), tstats the 783 Endpoint tstats detections without lookup
// folders (the summaries package's BenchmarkHunt). Skipped without
// ../shared.
func BenchmarkCompileESCU(b *testing.B) {
	b.Run("checkout", func(b *testing.B) {
		c, ds, lib := escuCheckout(b)
		benchCompile(b, ds, query.Options{Macros: lib, Engine: engine.Options{LookupDirs: c.LookupDirs}})
	})
	b.Run("tstats", func(b *testing.B) {
		ds, lib := escuTstats(b)
		benchCompile(b, ds, query.Options{Macros: lib})
	})
}

// benchCompile compiles every search of ds with one Env of opt and a new
// Cache per iteration.
func benchCompile(b *testing.B, ds []escu.Detection, opt query.Options) {
	b.ReportAllocs()
	planned := 0
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		opt.Cache = query.NewCache()
		env := query.NewEnv(opt)
		planned = 0
		for i := range ds {
			if q, err := env.Compile(ds[i].Search); err == nil && q.Plan != nil {
				planned++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ds)), "ns/detection")
	b.ReportMetric((cpuSeconds(b)-cpu0)*1e9/float64(b.N)/float64(len(ds)), "cpu-ns/detection")
	b.ReportMetric(float64(planned), "planned")
	b.ReportMetric(float64(len(ds)), "detections")
}

// cpuSeconds is the CPU time (user and system) the process has used:
// under load the wall time follows the other processes, the CPU time
// much less.
func cpuSeconds(tb testing.TB) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
