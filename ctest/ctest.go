package ctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl/escu"
)

// Status is a test's outcome.
type Status string

// The outcomes.
const (
	Pass  Status = "PASS"
	Fail  Status = "FAIL"
	Error Status = "ERROR"
	Skip  Status = "SKIP"
)

// Options configure Run.
type Options struct {
	// AttackData is the local checkout of splunk/attack_data; "" skips
	// every test as missing its data.
	AttackData string
	// Macros (nil: macros.Default()), Catalog (nil: the default) and the
	// engine options (lookup folders, zone, batch size; the time window
	// is ignored: tests run over all time).
	Macros  *macros.Library
	Catalog *datamodel.Catalog
	Engine  engine.Options
	// Workers is how many tests run at once; 0 means GOMAXPROCS.
	Workers int
}

// Outcome is the result of one test of one detection.
type Outcome struct {
	Detection escu.Detection
	// Test is the test's name ("" for a detection without tests).
	Test   string
	Status Status
	// Reason says why a test did not pass.
	Reason string
	// Rows is the number of result rows.
	Rows int
	// Files are the local test files; Ingest what reading them did.
	Files  []string
	Ingest datamodel.Stats
	// Duration is the time the test took.
	Duration time.Duration
}

// Run runs the tests of every detection: one Outcome per test (one for a
// detection without tests), in detection and test order.
func Run(ctx context.Context, ds []escu.Detection, opt Options) []Outcome {
	var out []Outcome
	for _, d := range ds {
		if len(d.Tests) == 0 {
			out = append(out, Outcome{Detection: d})
			continue
		}
		for _, t := range d.Tests {
			out = append(out, Outcome{Detection: d, Test: t.Name})
		}
	}
	eo := opt.Engine
	eo.Earliest, eo.Latest = time.Time{}, time.Time{}
	env := query.NewEnv(query.Options{Macros: opt.Macros, Catalog: opt.Catalog, Engine: eo})
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				start := time.Now()
				run(ctx, env, opt, &out[i])
				out[i].Duration = time.Since(start)
			}
		}()
	}
	k := 0
	for _, d := range ds {
		tests := d.Tests
		if len(tests) == 0 {
			tests = []escu.Test{{}}
		}
		for range tests {
			next <- k
			k++
		}
	}
	close(next)
	wg.Wait()
	return out
}

// run runs one test.
func run(ctx context.Context, env *query.Env, opt Options, o *Outcome) {
	d := &o.Detection
	if reason := skipReason(d, o.Test); reason != "" {
		o.Status, o.Reason = Skip, reason
		return
	}
	var test escu.Test
	for _, t := range d.Tests {
		if t.Name == o.Test {
			test = t
			break
		}
	}
	for _, a := range test.AttackData {
		local, ok := LocalPath(opt.AttackData, a.Data)
		if !ok {
			o.Status, o.Reason = Skip, "test data missing: "+a.Data
			return
		}
		if _, err := os.Stat(local); err != nil {
			o.Status, o.Reason = Skip, "test data missing: "+local
			return
		}
		o.Files = append(o.Files, local)
	}
	if err := ctx.Err(); err != nil {
		o.Status, o.Reason = Error, err.Error()
		return
	}
	q, err := env.Compile(d.Search)
	if err != nil {
		o.Status, o.Reason = Error, fmt.Sprintf("%s: %s", query.StageOf(err), oneLine(err))
		return
	}
	store := datamodel.NewStore(env.Catalog(), datamodel.Options{BatchSize: opt.Engine.BatchSize})
	defer store.Release()
	st, err := store.IngestPaths(ctx, o.Files, datamodel.IngestOptions{})
	if err != nil {
		o.Status, o.Reason = Error, fmt.Sprintf("reading test data: %v", err)
		return
	}
	o.Ingest = st
	res, err := q.Run(ctx, store)
	if err != nil {
		o.Status, o.Reason = Error, fmt.Sprintf("%s: %s", query.StageRun, oneLine(err))
		return
	}
	defer res.Release()
	o.Rows = res.NumRows()
	o.Status, o.Reason = judge(d, res, o.Ingest)
}

// skipReason says why contentctl does not run a test, or "".
func skipReason(d *escu.Detection, test string) string {
	switch {
	case strings.EqualFold(d.Status, "experimental"):
		return "experimental"
	case strings.EqualFold(d.Status, "deprecated"):
		return "deprecated"
	case d.Tags.ManualTest != "":
		return "manual_test: " + oneLine(fmt.Errorf("%s", d.Tags.ManualTest))
	case len(d.Tests) == 0:
		return "no tests"
	}
	for _, t := range d.Tests {
		if t.Name == test && strings.EqualFold(t.TestType, "manual") {
			return "manual test"
		}
	}
	return ""
}

// judge applies contentctl's pass rule to a result.
func judge(d *escu.Detection, res *query.Result, st datamodel.Stats) (Status, string) {
	if res.NumRows() == 0 {
		return Fail, "the search returned no results; " + ingestNote(st)
	}
	risk := content.RiskOf(d)
	col := map[string]int{}
	for i, f := range res.Fields() {
		col[f] = i
	}
	for _, o := range risk.Objects {
		c, ok := col[o.Field]
		if !ok {
			return Fail, fmt.Sprintf("risk object field %q is not a field of the results (%s)", o.Field, strings.Join(res.Fields(), ", "))
		}
		for r := 0; r < res.NumRows(); r++ {
			if isNull(res.Cell(r, c)) {
				return Fail, fmt.Sprintf("risk object field %q is null in result row %d of %d", o.Field, r+1, res.NumRows())
			}
		}
	}
	for _, t := range risk.Threats {
		c, ok := col[t.Field]
		if !ok {
			return Fail, fmt.Sprintf("threat object field %q is not a field of the results (%s)", t.Field, strings.Join(res.Fields(), ", "))
		}
		found := false
		for r := 0; r < res.NumRows() && !found; r++ {
			found = !isNull(res.Cell(r, c))
		}
		if !found {
			return Fail, fmt.Sprintf("threat object field %q is null in all %s", t.Field, english.Plural(res.NumRows(), "result row"))
		}
	}
	return Pass, ""
}

// isNull reports whether a cell is null or the text "null" (what
// fillnull_value=null writes).
func isNull(v []string) bool {
	return len(v) == 0 || len(v) == 1 && (v[0] == "" || v[0] == "null")
}

// ingestNote describes what the test files gave.
func ingestNote(st datamodel.Stats) string {
	names := make([]string, 0, len(st.Used))
	for name, n := range st.Used {
		if n > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var used []string
	for _, name := range names {
		used = append(used, fmt.Sprintf("%s %s", english.Thousands(st.Used[name]), name))
	}
	s := fmt.Sprintf("the test data has %s", english.Plural(st.Events, "event"))
	if len(used) > 0 {
		s += " (" + strings.Join(used, ", ") + ")"
	} else if st.Events > 0 {
		s += ", none of them in a data model dataset"
	}
	for _, f := range st.SkippedFiles {
		s += "; not read: " + f.String()
	}
	return s
}

// attackDataURL finds the repository path in an attack_data URL.
var attackDataURL = regexp.MustCompile(`(?i)splunk/attack_data/(?:(?:blob|raw)/)?master/(.+)$`)

// LocalPath maps an attack_data URL to a file under dir (see the package
// doc). ok is false for a URL that names no attack_data file, or when dir
// is "".
func LocalPath(dir, url string) (string, bool) {
	if dir == "" {
		return "", false
	}
	m := attackDataURL.FindStringSubmatch(url)
	if m == nil {
		return "", false
	}
	rel := strings.TrimLeft(m[1], "/")
	for strings.Contains(rel, "//") {
		rel = strings.ReplaceAll(rel, "//", "/")
	}
	return filepath.Join(dir, filepath.FromSlash(rel)), true
}

// oneLine folds an error's lines into one.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ")), " ")
}
