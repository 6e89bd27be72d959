package summaries_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/hunt"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl/escu"
	"github.com/minispl/minispl/summaries"
)

var benchEvents = flag.Int("bench-events", 200000, "events sysmongen generates for BenchmarkHunt")

// huntProfile names the CPU profiles of BenchmarkHunt's timed loops:
// each sub-benchmark writes PREFIX.<case>-<source>.prof (the setup, the
// raw hunt the findings are checked against and the checks are left out).
var huntProfile = flag.String("hunt-cpuprofile", "", "`prefix` of BenchmarkHunt's per-case CPU profiles of the timed loop alone")

// huntBench is the input of BenchmarkHunt.
type huntBench struct {
	file, dir string
	events    int
	ds        []escu.Detection
	lib       *macros.Library
	cat       *datamodel.Catalog
	// lastDay is the UTC day of the last event.
	lastDay time.Time
}

// setupHunt generates the events, summarises them and selects the ESCU
// tstats detections that plan (the shared corpus: skipped without it).
func setupHunt(b *testing.B) *huntBench {
	b.Helper()
	escuDir := filepath.Join(sharedDir, "escu")
	if _, err := os.Stat(filepath.Join(escuDir, escuTstats[0])); err != nil {
		b.Skipf("../shared absent: %v", err)
	}
	h := &huntBench{lib: macros.Default(), cat: datamodel.DefaultCatalog(), events: *benchEvents}
	if err := h.lib.Load(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		b.Fatal(err)
	}
	env := query.NewEnv(query.Options{Macros: h.lib, Catalog: h.cat})
	for _, f := range escuTstats {
		ds, err := escu.Read(filepath.Join(escuDir, f))
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range ds {
			if q, err := env.Compile(d.Search); err == nil && !readsRaw(q) {
				h.ds = append(h.ds, d)
			}
		}
	}
	tmp := b.TempDir()
	h.file = filepath.Join(tmp, "events.xml")
	f, err := os.Create(h.file)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sysmongen.Write(f, h.events, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	store := datamodel.NewStore(h.cat, datamodel.Options{})
	defer store.Release()
	if err := store.IngestFile(h.file); err != nil {
		b.Fatal(err)
	}
	h.dir = filepath.Join(tmp, "sum")
	w, err := summaries.Create(h.dir)
	if err != nil {
		b.Fatal(err)
	}
	cs, err := w.Commit(h.cat, store, nil, summaries.WriteOptions{})
	w.Close()
	if err != nil {
		b.Fatal(err)
	}
	var last int64
	for _, p := range cs.Parts {
		last = max(last, p.MaxTime)
	}
	h.lastDay = time.UnixMilli(last).UTC().Truncate(24 * time.Hour)
	return h
}

// rawStore ingests the generated file.
func (h *huntBench) rawStore(b *testing.B) *datamodel.Store {
	st := datamodel.NewStore(h.cat, datamodel.Options{})
	if err := st.IngestFile(h.file); err != nil {
		b.Fatal(err)
	}
	return st
}

// sumStore reads the summaries for the window, only the columns cols
// (nil: every column).
func (h *huntBench) sumStore(b *testing.B, earliest, latest time.Time, cols map[string][]string) *datamodel.Store {
	sum, err := summaries.Open(h.dir)
	if err != nil {
		b.Fatal(err)
	}
	batches, _, err := sum.Read(context.Background(), h.cat, summaries.ReadOptions{Earliest: earliest, Latest: latest, Columns: cols})
	if err != nil {
		b.Fatal(err)
	}
	st := datamodel.NewStore(h.cat, datamodel.Options{})
	for _, x := range batches {
		d, _ := h.cat.Lookup(x.Dataset)
		st.AddBatch(d, x.Record)
	}
	summaries.Release(batches)
	return st
}

// findings renders what a hunt found, to compare two hunts.
func findings(res []hunt.Result) string {
	var out strings.Builder
	for _, r := range res {
		if r.Err != nil {
			fmt.Fprintf(&out, "%s: error %v\n", r.Detection.Name, r.Err)
			continue
		}
		fmt.Fprintf(&out, "%s: %v %v\n", r.Detection.Name, r.Fields, r.Rows)
	}
	return out.String()
}

// BenchmarkHunt runs every ESCU tstats detection that plans (Registry,
// Processes, Filesystem: about 757) over -bench-events generated events
// (sysmongen), whole: from the raw file (ingest, then the hunt) and from
// the summaries of the same events (read them, then the hunt); over all
// the events and over the last day only (--earliest/--latest: the
// summaries prune the other days, the raw file is parsed whole); and, as
// the executor's share, the hunt alone over the events already in memory
// (memory). From summaries the detections are compiled first and the
// summaries read with only the columns they read (query.DatasetColumns),
// as hunt --summaries does. Each sub-benchmark's findings are checked
// against the raw hunt's first, outside the timer and the CPU figure.
func BenchmarkHunt(b *testing.B) {
	h := setupHunt(b)
	for _, c := range []struct {
		name             string
		earliest, latest time.Time
	}{
		{"all", time.Time{}, time.Time{}},
		{"lastday", h.lastDay, h.lastDay.AddDate(0, 0, 1)},
	} {
		opt := hunt.Options{Macros: h.lib, Catalog: h.cat, Engine: engine.Options{Earliest: c.earliest, Latest: c.latest}}
		raw := h.rawStore(b)
		want := findings(hunt.Run(context.Background(), raw, h.ds, opt))
		b.Run(c.name+"/memory", func(b *testing.B) {
			var ck checker
			defer startProfile(b, c.name+"-memory")()
			cpu0 := cpuSeconds(b)
			for b.Loop() {
				res := hunt.Run(context.Background(), raw, h.ds, opt)
				ck.check(b, res, want, "memory")
			}
			b.ReportMetric(float64(h.events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric((cpuSeconds(b)-cpu0-ck.cpu)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(h.ds)), "detections")
		})
		raw.Release()
		for _, src := range []string{"raw", "summaries"} {
			b.Run(c.name+"/"+src, func(b *testing.B) {
				var ck checker
				defer startProfile(b, c.name+"-"+src)()
				cpu0 := cpuSeconds(b)
				for b.Loop() {
					var res []hunt.Result
					var st *datamodel.Store
					if src == "raw" {
						st = h.rawStore(b)
						res = hunt.Run(context.Background(), st, h.ds, opt)
					} else {
						// As hunt --summaries: compile, read the columns
						// the compiled detections read, run.
						compiled := hunt.Compile(context.Background(), h.ds, opt)
						cols, ok := query.DatasetColumns(compiled.Queries()...)
						if !ok {
							cols = nil
						}
						st = h.sumStore(b, c.earliest, c.latest, cols)
						res = compiled.Run(context.Background(), st)
					}
					if hunt.Summarize(res).Fired == 0 {
						b.Fatal("nothing fired")
					}
					ck.check(b, res, want, src)
					st.Release()
				}
				b.ReportMetric(float64(h.events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
				b.ReportMetric((cpuSeconds(b)-cpu0-ck.cpu)/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(len(h.ds)), "detections")
			})
		}
	}
}

// startProfile starts the CPU profile of one sub-benchmark when
// -hunt-cpuprofile is set, and returns what stops it.
func startProfile(b *testing.B, name string) func() {
	if *huntProfile == "" {
		return func() {}
	}
	f, err := os.Create(*huntProfile + "." + name + ".prof")
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}

// checker compares a sub-benchmark's first findings with the raw hunt's,
// outside the timer: cpu is the CPU time the comparison took, which the
// cpu-s/op metric leaves out.
type checker struct {
	done bool
	cpu  float64
}

func (c *checker) check(b *testing.B, res []hunt.Result, want, src string) {
	if c.done {
		return
	}
	b.StopTimer()
	cpu0 := cpuSeconds(b)
	if findings(res) != want {
		b.Fatalf("%s findings differ from the raw hunt's", src)
	}
	c.done = true
	c.cpu += cpuSeconds(b) - cpu0
	b.StartTimer()
}

// cpuSeconds is the CPU time (user and system) the process has used: on
// a shared machine, the figure that wall time divided by the load hides.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkRead reads the summaries of -bench-events generated events
// (sysmongen) whole into a store, as BenchmarkHunt's summaries case does
// before its hunt: with the direct reader (pages.go) and with pqarrow's
// record reader (ReadOptions.Pqarrow), each reporting CPU seconds per
// read.
func BenchmarkRead(b *testing.B) {
	cat := datamodel.DefaultCatalog()
	tmp := b.TempDir()
	file := filepath.Join(tmp, "events.xml")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sysmongen.Write(f, *benchEvents, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	store := datamodel.NewStore(cat, datamodel.Options{})
	if err := store.IngestFile(file); err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(tmp, "sum")
	_, err = summaries.Write(dir, cat, store)
	store.Release()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opt  summaries.ReadOptions
	}{{"direct", summaries.ReadOptions{}}, {"pqarrow", summaries.ReadOptions{Pqarrow: true}}} {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := cpuSeconds(b)
			for b.Loop() {
				sum, err := summaries.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				batches, st, err := sum.Read(context.Background(), cat, c.opt)
				if err != nil {
					b.Fatal(err)
				}
				if st.Rows != int64(*benchEvents) {
					b.Fatalf("read %d rows, want %d", st.Rows, *benchEvents)
				}
				summaries.Release(batches)
			}
			b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/op")
		})
	}
}
