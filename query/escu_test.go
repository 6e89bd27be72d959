package query_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/escu"
)

// TestESCURegistryRuns runs, through the front door, every ESCU Endpoint.Registry detection whose
// expanded pipeline has only the commands of the seed's shape (tstats,
// rename, convert, search) over every XmlWinEventLog file in
// ../shared/datasets/attack_data; each must plan and execute without
// error. The others are counted and logged. Skipped without ../shared.
func TestESCURegistryRuns(t *testing.T) {
	lib, _, store := sharedCorpus(t, "detections_registry.jsonl")
	env := query.NewEnv(query.Options{Macros: lib})
	ds, err := escu.Read(filepath.Join(sharedDir, "escu", "detections_registry.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := runCorpus(t, env, store, ds, seedShaped, nil)
	t.Logf("%d registry detections, %d of seed shape (tstats/rename/convert/search), %d ran, %d returned rows", len(ds), n.parsed, n.ran, n.withRows)
	// 97 detections are exactly tstats | drop_dm_object_name | ctime | ctime
	// | filter (escu-content.md §3a), all of this shape.
	if n.parsed < 97 || n.ran != n.parsed {
		t.Errorf("want at least 97 seed-shaped detections, all running; got %d of %d", n.ran, n.parsed)
	}
}

// corpusCounts counts how far the detections of a corpus got through the
// front door.
type corpusCounts struct {
	expanded, parsed, planned, ran, withRows int
}

// runCorpus compiles each detection and runs over store those that plan.
// A search that does not parse or does not run is an error; one that keep
// (when not nil) turns down after parsing is passed over; one that does
// not plan is logged and handed to planFailed (when not nil).
func runCorpus(t *testing.T, env *query.Env, store *datamodel.Store, ds []escu.Detection, keep func(*spl.Pipeline) bool, planFailed func(error)) corpusCounts {
	t.Helper()
	var n corpusCounts
	for _, d := range ds {
		q, err := env.Compile(d.Search)
		if q.Expansion != nil {
			n.expanded++
		}
		if q.Pipeline == nil {
			t.Errorf("FAIL %s %s (%s): %v", query.StageOf(err), d.Name, d.Origin, err)
			continue
		}
		if keep != nil && !keep(q.Pipeline) {
			continue
		}
		n.parsed++
		if err != nil {
			t.Logf("FAIL plan %s (%s): %v", d.Name, d.Origin, err)
			if planFailed != nil {
				planFailed(err)
			}
			continue
		}
		n.planned++
		res, err := q.Run(context.Background(), store)
		if err != nil {
			t.Errorf("FAIL run %s (%s): %v", d.Name, d.Origin, err)
			continue
		}
		n.ran++
		if res.NumRows() > 0 {
			n.withRows++
		}
		res.Release()
	}
	return n
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

// TestESCUEndpointConformance runs all 783 ESCU Endpoint detections
// (Registry, Processes, Filesystem) through the front door (expand, parse,
// plan) and execute
// over every XmlWinEventLog file in ../shared/datasets/attack_data, with
// ESCU's macros and lookups, and asserts the counts reached so that a
// regression fails. Failures are logged with their reason. Issue 3's bar is
// 95% planned and executed. Skipped without ../shared.
func TestESCUEndpointConformance(t *testing.T) {
	env, _, store, all := endpointCorpus(t)
	n := runCorpus(t, env, store, all, nil, nil)
	parsed, planned, ran, withRows := n.parsed, n.planned, n.ran, n.withRows
	t.Logf("%d detections: %d parsed, %d planned (%.1f%%), %d ran, %d with results",
		len(all), parsed, planned, 100*float64(planned)/float64(len(all)), ran, withRows)
	// Floors: the counts reached on 2026-12-03 (776 planned = 99.1%, with
	// lookaround regexes on the backtracking engine).
	if len(all) != 783 || parsed != 783 {
		t.Errorf("want 783 detections, all parsed; got %d, %d parsed", len(all), parsed)
	}
	if planned < 776 || ran != planned {
		t.Errorf("want at least 776 planned, all of them running; got %d planned, %d ran", planned, ran)
	}
	if withRows < 40 {
		t.Errorf("want at least 40 detections with results on the shared files; got %d", withRows)
	}
}

// TestESCUPrefilter runs the ESCU Endpoint detections that have an
// ingest pre-filter (query.RawFilter) over the shared attack_data
// ingested with and without it: the rows must be the same. It checks
// every such detection with rows and one in eight of the others.
func TestESCUPrefilter(t *testing.T) {
	env, cat, store, all := endpointCorpus(t)
	filtered, withRows, dropped := 0, 0, 0
	for _, d := range all {
		q, err := env.Compile(d.Search)
		if err != nil {
			continue
		}
		f := query.RawFilter(q)
		if f == nil {
			continue
		}
		filtered++
		want := rowsOrError(q, store, false)
		if want == "" && filtered%8 != 0 {
			// Every detection with rows, and one in eight of the others
			// (each needs an ingest of its own; all of them take minutes).
			continue
		}
		fs := datamodel.NewStore(cat, datamodel.Options{})
		st, err := fs.IngestPath(context.Background(), filepath.Join(sharedDir, "datasets", "attack_data"), datamodel.IngestOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		dropped += st.Skipped[datamodel.SkipFiltered]
		got := rowsOrError(q, fs, false)
		if got != want {
			t.Errorf("%s: rows differ with the pre-filter\n got: %.500s\nwant: %.500s", d.Name, got, want)
		}
		if want != "" {
			withRows++
		}
		fs.Release()
	}
	t.Logf("%d detections with a pre-filter, %d of them with rows; %d events left out in all", filtered, withRows, dropped)
	// Since Security 4688 events feed Endpoint.Processes, Processes.process
	// is no longer raw-preserving (a 4688's process is NewProcessName + " "
	// + the arguments, datamodel.Catalog.RawField), so the detections that
	// test it get no filter: 161 filtered, 6 with rows on 2026-12-02.
	if filtered < 150 || withRows < 5 || dropped == 0 {
		t.Errorf("want at least 150 filtered detections, 5 with rows, events left out; got %d, %d, %d", filtered, withRows, dropped)
	}
}

// endpointCorpus loads the ESCU macros and Endpoint detections and the
// shared attack_data into a store; it skips without the corpus.
func endpointCorpus(t *testing.T) (*query.Env, *datamodel.Catalog, *datamodel.Store, []escu.Detection) {
	t.Helper()
	lib, cat, store := sharedCorpus(t, "macros.jsonl")
	env := escuEnv(lib, cat)
	var all []escu.Detection
	for _, f := range []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"} {
		ds, err := escu.Read(filepath.Join(sharedDir, "escu", f))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ds...)
	}
	return env, cat, store, all
}

// sharedCorpus loads ESCU's macros over the defaults and ingests the
// shared attack_data into a store of the default catalog; it skips the
// test when ../shared/escu has no file named need.
func sharedCorpus(t *testing.T, need string) (*macros.Library, *datamodel.Catalog, *datamodel.Store) {
	t.Helper()
	escuDir := filepath.Join(sharedDir, "escu")
	if _, err := os.Stat(filepath.Join(escuDir, need)); err != nil {
		t.Skipf("ESCU corpus not available: %v", err)
	}
	lib := macros.Default()
	if err := lib.Load(filepath.Join(escuDir, "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{})
	if err := ingestShared(store); err != nil {
		t.Fatal(err)
	}
	return lib, cat, store
}

// escuEnv is the front door with ESCU's macros and lookups over cat.
func escuEnv(lib *macros.Library, cat *datamodel.Catalog) *query.Env {
	return query.NewEnv(query.Options{Macros: lib, Catalog: cat,
		Engine: engine.Options{LookupDirs: []string{filepath.Join(sharedDir, "escu", "lookups")}}})
}

// ingestShared ingests ../shared/datasets/attack_data as the CLI's --data
// does.
func ingestShared(store *datamodel.Store) error {
	_, err := store.IngestPath(context.Background(), filepath.Join(sharedDir, "datasets", "attack_data"), datamodel.IngestOptions{})
	return err
}

// TestESCURawConformance runs the 317 ESCU Endpoint detections that search
// raw events (../shared/escu/detections_raw.jsonl, those under
// detections/endpoint/: first macro sysmon, wineventlog_security,
// powershell or wineventlog_system; raw-events-stats.md) through the
// front door and over every file in ../shared/datasets/attack_data, and
// asserts the counts reached so that a regression fails. Failures are
// logged with their reason (minispl check --escu lists them too). Skipped
// without ../shared.
func TestESCURawConformance(t *testing.T) {
	lib, cat, store := sharedCorpus(t, "detections_raw.jsonl")
	env := escuEnv(lib, cat)
	escuDir := filepath.Join(sharedDir, "escu")
	ds, err := escu.Read(filepath.Join(escuDir, "detections_raw.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var all []escu.Detection
	for _, d := range ds {
		if strings.HasPrefix(d.File, "detections/endpoint/") {
			all = append(all, d)
		}
	}
	reasons := map[string]int{}
	n := runCorpus(t, env, store, all, nil, func(err error) { reasons[reasonKey(err)]++ })
	expanded, parsed, planned, ran, withRows := n.expanded, n.parsed, n.planned, n.ran, n.withRows
	t.Logf("%d raw detections: %d expanded, %d parsed, %d planned (%.1f%%), %d ran, %d with results; plan failures %v",
		len(all), expanded, parsed, planned, 100*float64(planned)/float64(len(all)), ran, withRows, reasons)
	if len(all) != 317 || expanded != 317 || parsed != 317 {
		t.Errorf("want 317 detections, all expanded and parsed; got %d, %d expanded, %d parsed", len(all), expanded, parsed)
	}
	if planned < rawPlannedFloor || ran != planned {
		t.Errorf("want at least %d planned, all of them running; got %d planned, %d ran", rawPlannedFloor, planned, ran)
	}
	if withRows < rawWithRowsFloor {
		t.Errorf("want at least %d raw detections with results on the shared files; got %d", rawWithRowsFloor, withRows)
	}
}

// The floors of TestESCURawConformance: the counts measured on 2026-12-03
// once lookaround regexes ran on the backtracking engine (312 of 317
// planned = 98.4%, 21 with results on the shared files). They are exact,
// so any loss fails. The 5 that do not plan: lookups ESCU does not ship
// (asset_lookup_by_str, identity_lookup_expanded, ut_shannon_lookup (2))
// or a KV store (previously_seen_running_windows_services). minispl check
// --escu lists each with its reason.
const (
	rawPlannedFloor  = 312
	rawWithRowsFloor = 21
)

// reasonKey is the message of a plan error without its position.
func reasonKey(err error) string {
	var se *spl.Error
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}
