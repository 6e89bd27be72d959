package datamodel

import (
	"bytes"
	"testing"
)

// TestNoEventStoreCounts checks that an ingest with
// IngestOptions.NoEventStore, serial or cut into parts read on two
// workers, keeps no event text, counts every kept event in
// Store.EventsLeftOut, and fills the datasets as a full ingest does; and
// that a later full ingest into the same store still leaves the count set
// (the event store lacks the first input's events).
func TestNoEventStoreCounts(t *testing.T) {
	text, _ := generated(t, 3000)
	full := NewStore(DefaultCatalog(), Options{})
	if err := full.Ingest(bytes.NewReader(text), "gen.log"); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		s := NewStore(DefaultCatalog(), Options{})
		s.impl.workers, s.impl.partSize = workers, 64<<10
		st, err := s.IngestReader(t.Context(), bytes.NewReader(text), "gen.log", IngestOptions{NoEventStore: true})
		if err != nil {
			t.Fatal(err)
		}
		if st.Kept == 0 || s.EventsLeftOut() != st.Kept || s.Events().Len() != 0 {
			t.Errorf("workers %d: kept %d, left out %d, event store %d; want left out = kept > 0, event store 0", workers, st.Kept, s.EventsLeftOut(), s.Events().Len())
		}
		if storeDump(t, s) != storeDump(t, full) {
			t.Errorf("workers %d: dataset rows differ from the full ingest", workers)
		}
		if _, err := s.IngestReader(t.Context(), bytes.NewReader(text[:len(text)/2]), "half.log", IngestOptions{}); err != nil {
			t.Fatal(err)
		}
		if s.EventsLeftOut() != st.Kept || s.Events().Len() == 0 {
			t.Errorf("workers %d, after a full ingest: left out %d, event store %d; want %d and more than 0", workers, s.EventsLeftOut(), s.Events().Len(), st.Kept)
		}
	}
}
