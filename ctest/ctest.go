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
	// LoadAll reads every event field and dataset of the test files, not
	// only those the detection's search reads (the outcomes are the same;
	// for comparing).
	LoadAll bool
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
	// A search that does not begin with "|" gets the event store's
	// counts in its note (rawNote), so it keeps the event texts.
	rawText := !strings.HasPrefix(strings.TrimSpace(d.Search), "|")
	iopt := datamodel.IngestOptions{NoEventStore: !opt.LoadAll && !rawText && !query.ReadsEvents(q)}
	if !opt.LoadAll {
		narrow(store, q)
	}
	st, err := store.IngestPaths(ctx, o.Files, iopt)
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
	note := ""
	if o.Rows == 0 {
		note = ingestNote(st)
		if rawText {
			note = rawNote(st, store.Events())
		}
	}
	o.Status, o.Reason = judge(d, res, note)
}

// narrow makes store keep only the event fields and datasets q reads
// (query.EventFields, query.Datasets): a test's search was compiled
// before its files are read. What the search reads is kept, so its rows
// are the same; the ingest counts (Outcome.Ingest) do not change.
func narrow(store *datamodel.Store, q *query.Query) {
	if names, all := query.EventFields(q); !all {
		if names == nil {
			names = []string{} // none, not every one
		}
		store.SetEventFields(names)
	}
	if names, known := query.Datasets(q); known {
		store.SetDatasets(names)
	}
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

// judge applies contentctl's pass rule to a result, as its unit test
// (DetectionTestingInfrastructure.py, v4.4.7 and HEAD) reads the rows in
// order: a row where a risk object field is absent or null fails the
// test; the first row where every risk and threat object field is
// non-null passes it, and the rows after it are not looked at; past the
// last row, the test fails if some threat object field was null in every
// row, and passes otherwise.
// note says what the test data gave, for a search without results.
func judge(d *escu.Detection, res *query.Result, note string) (Status, string) {
	if res.NumRows() == 0 {
		return Fail, "the search returned no results; " + note
	}
	risk := content.RiskOf(d)
	col := map[string]int{}
	for i, f := range res.Fields() {
		col[f] = i
	}
	for _, o := range risk.Objects {
		if _, ok := col[o.Field]; !ok {
			return Fail, fmt.Sprintf("risk object field %q is not a field of the results (%s)", o.Field, strings.Join(res.Fields(), ", "))
		}
	}
	threat := make([]int, len(risk.Threats)) // column, or -1 when absent
	for i, t := range risk.Threats {
		c, ok := col[t.Field]
		if !ok {
			c = -1
		}
		threat[i] = c
	}
	present := make([]bool, len(risk.Threats))
	n := res.NumRows()
	for r := 0; r < n; r++ {
		for _, o := range risk.Objects {
			if isNull(res.Cell(r, col[o.Field])) {
				return Fail, fmt.Sprintf("risk object field %q is null in result row %d of %d%s", o.Field, r+1, n, noRowBefore(r))
			}
		}
		complete := true
		for i, c := range threat {
			if c >= 0 && !isNull(res.Cell(r, c)) {
				present[i] = true
			} else {
				complete = false
			}
		}
		if complete {
			return Pass, ""
		}
	}
	for i, t := range risk.Threats {
		if !present[i] {
			if threat[i] < 0 {
				return Fail, fmt.Sprintf("threat object field %q is not a field of the results (%s)", t.Field, strings.Join(res.Fields(), ", "))
			}
			return Fail, fmt.Sprintf("threat object field %q is null in all %s", t.Field, english.Plural(n, "result row"))
		}
	}
	return Pass, ""
}

// noRowBefore notes, for a row after the first, that no earlier row had
// every risk and threat object (or the test would have passed there).
func noRowBefore(r int) string {
	if r == 0 {
		return ""
	}
	return ", and no row before it had every risk and threat object field non-null"
}

// isNull reports whether a cell is null or the text "null" (what
// fillnull_value=null writes).
func isNull(v []string) bool {
	return len(v) == 0 || len(v) == 1 && (v[0] == "" || v[0] == "null")
}

// rawNote describes what the test files gave to a search over raw events
// (one that does not begin with "|"): the events of each source and
// EventCode in the event store, and those not read.
func rawNote(st datamodel.Stats, ev *datamodel.EventStore) string {
	type key struct{ source, code string }
	count := map[key]int{}
	var keys []key
	for _, ch := range ev.Chunks() {
		k := key{ch.Source, ch.EventCode}
		if _, ok := count[k]; !ok {
			keys = append(keys, k)
		}
		count[k] += int(ch.Batch.NumRows())
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].source != keys[j].source {
			return keys[i].source < keys[j].source
		}
		return keys[i].code < keys[j].code
	})
	var parts []string
	for _, k := range keys {
		code := "no EventCode"
		if k.code != "" {
			code = "EventCode " + k.code
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", english.Thousands(count[k]), k.source, code))
	}
	s := fmt.Sprintf("the test data has %s", english.Plural(st.Events, "event"))
	if len(parts) > 0 {
		s += ", searched as raw events: " + strings.Join(parts, ", ")
	}
	if n := st.Events - st.Kept; n > 0 {
		s += fmt.Sprintf("; %s malformed, not searched", english.Thousands(n))
	}
	for _, f := range st.SkippedFiles {
		s += "; not read: " + f.String()
	}
	return s
}

// ingestNote describes what the test files gave to a search over data
// model datasets.
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
	if n := st.Events - st.Kept; n > 0 {
		s += fmt.Sprintf("; %s malformed, not read", english.Thousands(n))
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
