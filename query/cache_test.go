package query_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/spl"
)

// cacheSearches compile without ../shared: stages that repeat at other
// offsets, lookups (one table used twice, one missing), a subsearch, a
// map search, and errors at each stage.
var cacheSearches = []string{
	"| tstats `security_content_summariesonly` count from datamodel=Endpoint.Registry by Registry.dest Registry.registry_path | `drop_dm_object_name(Registry)` | lookup rms_paths path AS registry_path OUTPUT label | search label=*",
	"| tstats count min(_time) as firstTime from datamodel=Endpoint.Registry where Registry.registry_path=*Parameters* by Registry.dest | `drop_dm_object_name(Registry)` | `security_content_ctime(firstTime)` | lookup rms_owner host AS dest OUTPUT owner | lookup rms_paths path AS dest OUTPUT label | search label=*",
	"| tstats count from datamodel=Endpoint.Processes by Processes.dest | `drop_dm_object_name(Processes)` | join dest [| inputlookup rms_owner | rename host as dest] | `security_content_ctime(firstTime)`",
	"| tstats count from datamodel=Endpoint.Registry by Registry.dest | `drop_dm_object_name(Registry)` | lookup no_such_table a OUTPUT b",
	"| tstats count from datamodel=Endpoint.Registry by Registry.dest | `drop_dm_object_name(Registry)` | rename dest as",
	"| tstats count from datamodel=Endpoint.Nope by Nope.dest | `drop_dm_object_name(Registry)` | search *",
	"| makeresults | map search=\"| tstats count from datamodel=Endpoint.Registry by Registry.dest | `drop_dm_object_name(Registry)`\"",
	"| tstats count from datamodel=Endpoint.Registry by Registry.dest | `no_such_macro` | search *",
}

// TestCacheSamePlans compiles searches with one Cache and without, and
// checks that each stage's outcome is the same: the expansion, the AST
// with its positions, the plan's printed form and warnings, or the error
// with its caret. The searches are cacheSearches and, when ../shared
// holds them, every non-deprecated detection of the ESCU checkout with
// its macros and lookups; each is compiled twice with the same Cache (the
// second time from it).
func TestCacheSamePlans(t *testing.T) {
	lib := macros.Default()
	check(t, lib, []string{filepath.Join("..", "testdata", "lookups")}, cacheSearches)
	if testing.Short() {
		t.Skip("the ESCU checkout's detections: not with -short")
	}
	c, ds, lib := escuCheckout(t)
	var texts []string
	for _, d := range ds {
		texts = append(texts, d.Search)
	}
	check(t, lib, c.LookupDirs, texts)
}

// check compiles texts with and without a Cache and compares them.
func check(t *testing.T, lib *macros.Library, lookups []string, texts []string) {
	t.Helper()
	opt := query.Options{Macros: lib, Engine: engine.Options{LookupDirs: lookups}}
	plain := query.NewEnv(opt)
	opt.Cache = query.NewCache()
	cached := query.NewEnv(opt)
	planned, failed := 0, 0
	wants := make([]*query.Query, len(texts))
	werrs := make([]error, len(texts))
	for i, s := range texts {
		wants[i], werrs[i] = plain.Compile(s)
		if werrs[i] == nil {
			planned++
		} else {
			failed++
		}
	}
	// Twice through the cache: the second time every stage and table
	// comes from it.
	for range 2 {
		for i, s := range texts {
			got, gerr := cached.Compile(s)
			if msg := sameQuery(wants[i], werrs[i], got, gerr); msg != "" {
				t.Fatalf("%q: %s", s, msg)
			}
		}
	}
	t.Logf("%d searches: %d planned, %d failed, the same with the cache", len(texts), planned, failed)
	if planned == 0 || failed == 0 {
		t.Errorf("want searches that plan and searches that fail; %d planned, %d failed", planned, failed)
	}
}

// sameQuery compares two compilations; "" when they are the same.
func sameQuery(want *query.Query, werr error, got *query.Query, gerr error) string {
	if query.StageOf(werr) != query.StageOf(gerr) || errString(werr) != errString(gerr) {
		return "errors differ: " + errString(werr) + " / " + errString(gerr)
	}
	if (want.Expansion == nil) != (got.Expansion == nil) || want.Expansion != nil && want.Expansion.Text != got.Expansion.Text {
		return "expansions differ"
	}
	if !reflect.DeepEqual(want.Pipeline, got.Pipeline) {
		return "ASTs differ:\n" + printed(want.Pipeline) + "\n" + printed(got.Pipeline)
	}
	if (want.Plan == nil) != (got.Plan == nil) {
		return "one planned, the other did not"
	}
	if want.Plan != nil {
		if w, g := want.Plan.String(), got.Plan.String(); w != g {
			return "plans differ:\n" + w + "\n" + g
		}
		if w, g := strings.Join(want.Plan.Warnings(), "\n"), strings.Join(got.Plan.Warnings(), "\n"); w != g {
			return "warnings differ:\n" + w + "\n" + g
		}
	}
	return ""
}

// errString is an error's text with its caret lines.
func errString(err error) string {
	if err == nil {
		return "nil"
	}
	var se *spl.Error
	if errors.As(err, &se) {
		return err.Error() + "\n" + se.Format()
	}
	return err.Error()
}

func printed(p *spl.Pipeline) string {
	if p == nil {
		return "nil"
	}
	return p.String()
}
