package spl_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/spl/escu"
)

// corpusFiles are the three ESCU Endpoint corpora.
var corpusFiles = []string{"detections_registry.jsonl", "detections_processes.jsonl", "detections_filesystem.jsonl"}

// escuDir returns ../shared/escu relative to the module root (the test runs
// in spl/), skipping the test when it is absent.
func escuDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "escu")
	if _, err := os.Stat(filepath.Join(dir, "macros.jsonl")); err != nil {
		t.Skipf("ESCU corpus not available: %v", err)
	}
	return dir
}

// expandedCorpus expands every Endpoint detection search with the built-in
// macros plus ESCU's macros.jsonl.
func expandedCorpus(t testing.TB) (names, texts []string) {
	t.Helper()
	dir := escuDir(t)
	lib := macros.Default()
	if err := lib.Load(filepath.Join(dir, "macros.jsonl")); err != nil {
		t.Fatal(err)
	}
	for _, f := range corpusFiles {
		ds, err := escu.Read(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			x, err := lib.Expand(d.Search)
			if err != nil {
				t.Fatalf("%s: %q: expand: %v", f, d.Name, err)
			}
			names = append(names, d.Name)
			texts = append(texts, x.Text)
		}
	}
	return names, texts
}

// genericNames collects the names of the Generic commands of p, subsearches
// included.
func genericNames(p *spl.Pipeline, out map[string]bool) {
	for _, c := range p.Commands {
		switch c := c.(type) {
		case *spl.Generic:
			out[c.CommandName] = true
		case *spl.Join:
			genericNames(c.Subsearch, out)
		case *spl.Append:
			genericNames(c.Subsearch, out)
		}
	}
}

// TestCorpusExpanded parses every macro-expanded ESCU Endpoint search,
// checks the round trip through the printer, and counts the searches that
// still hold Generic (untyped) commands, by command name.
func TestCorpusExpanded(t *testing.T) {
	names, texts := expandedCorpus(t)
	if len(texts) < 783 {
		t.Fatalf("%d searches, want 783", len(texts))
	}
	generic := map[string]int{}
	withGeneric := 0
	for i, s := range texts {
		p, err := spl.Parse(s)
		if err != nil {
			var e *spl.Error
			if errors.As(err, &e) {
				t.Errorf("%q does not parse:\n%s", names[i], e.Format())
			} else {
				t.Errorf("%q does not parse: %v", names[i], err)
			}
			continue
		}
		if msg := roundTripExt(p); msg != "" {
			t.Errorf("%q: %s", names[i], msg)
		}
		g := map[string]bool{}
		genericNames(p, g)
		if len(g) > 0 {
			withGeneric++
		}
		for n := range g {
			generic[n]++
		}
	}
	var list []string
	for n, c := range generic {
		list = append(list, n+"="+strconv.Itoa(c))
	}
	sort.Strings(list)
	t.Logf("%d of %d expanded searches hold Generic commands: %s", withGeneric, len(texts), strings.Join(list, " "))
	// Every command ESCU Endpoint detections use is typed except these,
	// for which no engine support is planned.
	untyped := map[string]bool{"apply": true, "makemv": true, "transaction": true}
	for n := range generic {
		if !untyped[n] {
			t.Errorf("command %q (in %d searches) parses as Generic", n, generic[n])
		}
	}
}

// roundTripExt prints p, parses the printed text and compares the ASTs.
func roundTripExt(p *spl.Pipeline) string {
	printed := p.String()
	q, err := spl.Parse(printed)
	if err != nil {
		return "printed form does not parse: " + err.Error() + "\nprinted: " + printed
	}
	if !spl.Equal(p, q) {
		return "round trip changed the AST\nprinted:   " + printed + "\nreprinted: " + q.String()
	}
	return ""
}

// BenchmarkParseESCU parses every macro-expanded ESCU Endpoint search
// (the expansion is outside the timer): parse with Parse, memo with one
// Memo per iteration, as a hunt does. Skipped without ../shared.
func BenchmarkParseESCU(b *testing.B) {
	_, texts := expandedCorpus(b)
	for _, c := range []struct {
		name  string
		parse func() func(string) (*spl.Pipeline, error)
	}{
		{"parse", func() func(string) (*spl.Pipeline, error) { return spl.Parse }},
		{"memo", func() func(string) (*spl.Pipeline, error) { return spl.NewMemo().Parse }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuSeconds(b)
			for b.Loop() {
				parse := c.parse()
				for _, s := range texts {
					if _, err := parse(s); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(texts)), "ns/search")
			b.ReportMetric((cpuSeconds(b)-cpu0)*1e9/float64(b.N)/float64(len(texts)), "cpu-ns/search")
		})
	}
}

// cpuSeconds is the CPU time (user and system) the process has used.
func cpuSeconds(tb testing.TB) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
