package datamodel

// This file lets a Store keep only what the searches planned before
// loading read: the datasets (SetDatasets) as the event store's fields do
// (Store.SetEventFields, events.go). What is left out is counted, so that
// a search that would read it fails instead of seeing it empty.

// SetDatasets limits the datasets the ingests from now on fill with rows
// to those named (full names, "Endpoint.Registry"); nil (the default)
// fills every dataset. An event routed to a dataset left out is read,
// counted in Stats.Used as before, and kept in the event store, but adds
// no row: RowsLeftOut counts those rows, and a search of the dataset must
// fail when it is not zero, rather than miss them.
func (s *Store) SetDatasets(names []string) {
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	for _, p := range s.impl.plans {
		p.skip = names != nil && !keep[p.name]
	}
}

// RowsLeftOut returns the number of rows of dataset d that ingests with d
// left out (SetDatasets) did not add: the events routed to d (Stats.Used)
// less the rows its batches hold.
func (s *Store) RowsLeftOut(d *Dataset) int {
	if d == nil {
		return 0
	}
	for _, p := range s.impl.plans {
		if p.ds == d || p.name == d.FullName() {
			rows := 0
			for _, b := range p.batches {
				rows += int(b.NumRows())
			}
			return max(s.impl.st.Used[p.name]-rows, 0)
		}
	}
	return 0
}
