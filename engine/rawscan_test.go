package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/datamodel/sysmongen"
	"github.com/minispl/minispl/spl"
)

// scanRaw runs the raw search q (a plain search: its plan is the scan
// alone) through a rawScanOp, eager or on demand, and returns its rows
// rendered (renderResult) and the _raw blocks its filtering decoded.
func scanRaw(t *testing.T, eng *Engine, q string, eager bool) ([]string, int) {
	t.Helper()
	pl, err := eng.Plan(parse(t, q))
	if err != nil {
		t.Fatalf("plan %q: %v", q, err)
	}
	n, ok := pl.root.(*rawScanNode)
	if !ok {
		t.Fatalf("%q: plan root %T, want the raw scan", q, pl.root)
	}
	env := &execEnv{eng: eng, mem: eng.opt.Allocator, batchSize: eng.opt.BatchSize}
	op := n.newOperator(env, nil).(*rawScanOp)
	op.eager = eager
	defer op.Close()
	if err := op.Open(context.Background()); err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	res := &Result{fields: n.fields()}
	defer res.Release()
	for {
		b, err := op.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		res.add(b)
	}
	return renderResult(res), op.view.Decoded()
}

// TestRawScanDecodesOnlyKept runs raw searches over 6,000 generated
// events (Sysmon 1, 3, 12, 13, 14 and Security 4624, in chunks of 500)
// twice: as the scan did before (eager: every chunk's whole _raw column,
// every term at every row) and on demand (the field terms first, the
// bare terms at the rows they leave, a block decoded where such a row
// is). The rows must be the same, byte for byte, with and without a
// time window; a search whose field terms reject every event must decode
// no block, wherever its raw term is written; one that keeps only the
// EventCode=1 events must decode fewer blocks than the eager scan.
func TestRawScanDecodesOnlyKept(t *testing.T) {
	var in bytes.Buffer
	if _, err := sysmongen.Write(&in, 6000, 11); err != nil {
		t.Fatal(err)
	}
	cat := datamodel.DefaultCatalog()
	store := datamodel.NewStore(cat, datamodel.Options{BatchSize: 500})
	if err := store.Ingest(bytes.NewReader(in.Bytes()), "gen"); err != nil {
		t.Fatal(err)
	}
	defer store.Release()
	type want int
	const (
		none  want = iota // no block decoded
		fewer             // fewer than the eager scan
		any               // no claim
	)
	cases := []struct {
		q      string
		blocks want
		rows   bool // some rows expected
	}{
		{`search EventCode=999 whoami`, none, false},
		{`search whoami EventCode=999`, none, false},
		{`search source=nosuch (whoami OR "cmd.exe" OR TERM(exit))`, none, false},
		{`search NOT EventCode=* whoami`, none, false},
		{`search EventCode=1 whoami`, fewer, true},
		{`search whoami EventCode=1`, fewer, true},
		{`search EventCode=1 "/c whoami" CommandLine=*WhoAmI*`, fewer, true},
		{`search (EventCode=1 OR EventCode=3) NOT whoami`, fewer, true},
		{`search EventCode=13 OR whoami`, any, true},
		{`search whoami`, any, true},
		{`search EventCode=1 _raw=*WHOAMI*`, any, true},
		{`search EventCode=1 CASE(whoami) _raw!=*nothing*`, any, true},
		{`search EventCode=12 NOT CreateKey`, fewer, true},
	}
	day := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	for _, win := range []struct {
		name             string
		earliest, latest time.Time
	}{
		{"all time", time.Time{}, time.Time{}},
		{"window", day.Add(14*time.Hour + 30*time.Minute), day.Add(15 * time.Hour)},
		{"empty window", day.Add(-48 * time.Hour), day.Add(-47 * time.Hour)},
	} {
		eng := New(cat, store, Options{ParseSearch: spl.Parse, Earliest: win.earliest, Latest: win.latest})
		for _, tc := range cases {
			t.Run(win.name+"/"+tc.q, func(t *testing.T) {
				want, eagerBlocks := scanRaw(t, eng, tc.q, true)
				got, blocks := scanRaw(t, eng, tc.q, false)
				equalLines(t, tc.q, got, want)
				t.Logf("%d rows, %d blocks decoded, eager %d", len(want)-1, blocks, eagerBlocks)
				if win.name == "all time" && tc.rows != (len(want) > 1) {
					t.Errorf("%d rows, want some: %v", len(want)-1, tc.rows)
				}
				if len(want) > 1 && !strings.Contains(want[1], "<Event") {
					t.Errorf("row without its _raw: %.200s", want[1])
				}
				switch {
				case tc.blocks == none && blocks != 0:
					t.Errorf("%d blocks decoded, want none (eager: %d)", blocks, eagerBlocks)
				case tc.blocks == fewer && win.name == "all time" && blocks >= eagerBlocks:
					t.Errorf("%d blocks decoded, eager %d: want fewer", blocks, eagerBlocks)
				case win.name == "empty window" && blocks != 0:
					t.Errorf("%d blocks decoded outside the time window", blocks)
				case blocks > eagerBlocks:
					t.Errorf("%d blocks decoded, eager %d", blocks, eagerBlocks)
				}
			})
		}
	}
}
