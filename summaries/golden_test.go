package summaries_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/query"
	"github.com/minispl/minispl/query/querytest"
	"github.com/minispl/minispl/spl"
	"github.com/minispl/minispl/summaries"
)

// readsRaw reports whether q searches raw events (a pipeline, anywhere in
// it, that starts with a search command), which summaries do not hold.
func readsRaw(q *query.Query) bool {
	raw := false
	spl.Inspect(q.Pipeline, func(n spl.Node) bool {
		if p, ok := n.(*spl.Pipeline); ok && len(p.Commands) > 0 {
			if _, ok := p.Commands[0].(*spl.Search); ok {
				raw = true
			}
		}
		return !raw
	})
	return raw
}

// summaryStores turns a store of ingested events into the store read
// back from its summaries, written once per store into a temporary
// folder.
type summaryStores struct {
	t    *testing.T
	mu   sync.Mutex
	done map[*datamodel.Store]*datamodel.Store
	// ran counts the searches run from summaries; raw those run from
	// the events (raw-event searches).
	ran, raw int
}

func (s *summaryStores) of(ctx context.Context, store *datamodel.Store) (*datamodel.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.done[store]; st != nil {
		return st, nil
	}
	cat := datamodel.DefaultCatalog()
	dir := filepath.Join(s.t.TempDir(), "sum")
	if _, err := summaries.Write(dir, cat, store); err != nil {
		return nil, err
	}
	sum, err := summaries.Open(dir)
	if err != nil {
		return nil, err
	}
	batches, _, err := sum.Read(ctx, cat, summaries.ReadOptions{})
	if err != nil {
		return nil, err
	}
	st := datamodel.NewStore(cat, datamodel.Options{})
	for _, b := range batches {
		d, _ := cat.Lookup(b.Dataset)
		st.AddBatch(d, b.Record)
	}
	summaries.Release(batches)
	s.t.Cleanup(st.Release)
	s.done[store] = st
	return st, nil
}

// TestGoldenFromSummaries runs the golden corpus (../testdata/golden)
// with every dataset search reading its datasets back from summaries
// written from the case's events: every expected output must stay the
// same. Raw-event searches run over the events (summaries do not hold
// them). Under the race detector only the default batch size runs (the
// one-row batches, a test of batch boundaries, not of concurrency, made
// the run pass CI's time limit).
func TestGoldenFromSummaries(t *testing.T) {
	ss := &summaryStores{t: t, done: map[*datamodel.Store]*datamodel.Store{}}
	batchSizes := []int{1, 0}
	if raceEnabled {
		batchSizes = []int{0}
	}
	querytest.RunDir(t, filepath.Join("..", "testdata", "golden"), querytest.Options{
		Testdata:   filepath.Join("..", "testdata"),
		Shared:     filepath.Join("..", "..", "shared"),
		BatchSizes: batchSizes,
		Backend: func(ctx context.Context, q *query.Query, store *datamodel.Store) (querytest.Result, error) {
			if readsRaw(q) {
				ss.mu.Lock()
				ss.raw++
				ss.mu.Unlock()
				return q.Run(ctx, store)
			}
			st, err := ss.of(ctx, store)
			if err != nil {
				return nil, err
			}
			ss.mu.Lock()
			ss.ran++
			ss.mu.Unlock()
			return q.Run(ctx, st)
		},
	})
	t.Logf("%d searches from summaries, %d raw-event searches from events", ss.ran, ss.raw)
	if want := 268 * len(batchSizes) / 2; ss.ran < want { // as measured: a case that stops reaching the summaries shows
		t.Errorf("only %d searches ran from summaries, want at least %d", ss.ran, want)
	}
}
