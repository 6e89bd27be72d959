package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	"github.com/minispl/minispl/datamodel"
)

// statsJSON is the document --stats-json writes: what loading read, in
// the terms of datamodel.Stats, with the totals spelled out so that a
// reader can check the accounting identities without summing:
//
//	events.read = events.used + events.skipped
//	events.used = sum of events.used_by_dataset
//	events.skipped = sum of events.skipped_by_reason
//	files.skipped = sum of files.skipped_by_reason
//
// Counts are of this command's loading (an archive is one file read; its
// members that are not event data are files skipped).
type statsJSON struct {
	Files struct {
		Read            int                    `json:"read"`
		ReadByKind      map[string]int         `json:"read_by_kind"`
		Skipped         int                    `json:"skipped"`
		SkippedByReason map[string]int         `json:"skipped_by_reason"`
		SkippedList     []datamodelSkippedFile `json:"skipped_list"`
	} `json:"files"`
	Events struct {
		Read int `json:"read"`
		// Kept counts the events kept for raw searches: every event
		// that is not skipped.
		Kept            int            `json:"kept"`
		Used            int            `json:"used"`
		UsedByDataset   map[string]int `json:"used_by_dataset"`
		Skipped         int            `json:"skipped"`
		SkippedByReason map[string]int `json:"skipped_by_reason"`
	} `json:"events"`
	// Bytes is the event text read (archives' members uncompressed).
	Bytes int64 `json:"bytes"`
	// Problems are the first malformed events, "name:line: reason".
	Problems []string `json:"problems"`
}

// datamodelSkippedFile is one entry of files.skipped_list (at most 100).
type datamodelSkippedFile struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// newStatsJSON fills the document from st.
func newStatsJSON(st datamodel.Stats) *statsJSON {
	var d statsJSON
	d.Files.Read, d.Files.ReadByKind = st.Files, nonNil(st.FileKinds)
	d.Files.SkippedByReason, d.Files.Skipped = nonNil(st.FilesSkipped), sum(st.FilesSkipped)
	d.Files.SkippedList = []datamodelSkippedFile{}
	for _, f := range st.SkippedFiles {
		d.Files.SkippedList = append(d.Files.SkippedList, datamodelSkippedFile{f.Name, f.Reason})
	}
	d.Events.Read, d.Events.Kept = st.Events, st.Kept
	d.Events.UsedByDataset, d.Events.Used = nonNil(st.Used), sum(st.Used)
	d.Events.SkippedByReason, d.Events.Skipped = nonNil(st.Skipped), sum(st.Skipped)
	d.Bytes, d.Problems = st.Bytes, append([]string{}, st.Problems...)
	return &d
}

// nonNil returns m, or an empty map for nil (JSON {} rather than null).
func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// sum adds up the counts of m.
func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// writeStatsJSON writes st as --stats-json's document to path ("-" is
// stderr), through a temporary file as every output file.
func writeStatsJSON(ctx context.Context, path string, stderr io.Writer, st datamodel.Stats) error {
	enc := func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(newStatsJSON(st))
	}
	if path == "-" {
		return enc(stderr)
	}
	return writeFile(ctx, path, func(w *bufio.Writer) error { return enc(w) })
}
