// Package summaries writes and reads minispl's summaries: the CIM datasets
// of a datamodel.Store as partitioned Parquet files, minispl's equivalent
// of Splunk's accelerated data models (scale-out.md §6.1). `minispl
// accelerate` writes them; `--summaries DIR` on run, hunt and repl reads
// them instead of parsing raw events again; package sqlgen's SQL reads
// the same files on other engines.
//
// # Layout
//
//	DIR/_minispl_manifest.json
//	DIR/<Model.Dataset>/dt=YYYY-MM-DD/part-NNNNN.parquet
//
// One folder per dataset (Endpoint.Registry), one per UTC day of _time
// (hive partitioning: DuckDB, ClickHouse, Spark and Trino read dt as a
// column), one file per day and accelerate run (NNNNN is the run's commit
// number, from 00000). A file's schema is exactly Dataset.Schema: _time
// timestamp[ms, UTC], every other column dictionary<int32, utf8>; the
// Arrow schema is stored (pqarrow.WithStoreSchema), so arrow-go readers
// get the dictionaries and the zone back. Rows are sorted by _time
// (stable: rows of the same millisecond keep their ingest order), in row
// groups of at most RowGroupRows rows, with statistics, so that a reader
// skips the row groups outside a time window. Compression is zstd. The
// file's key-value metadata holds minispl.version, minispl.mapping_version
// (MappingVersion: datamodel.MappingVersion plus a hash of the catalog's
// schemas) and minispl.dataset.
//
// # Manifest, atomicity and increments
//
// The manifest (JSON) lists every commit: the inputs it summarised (path,
// size, modification time and SHA-256 of the content) and the part files
// it wrote (dataset, day, rows, first and last _time). It is the commit
// point; a reader reads only the parts the manifest lists. A commit:
//
//  1. writes each part under a temporary name in its own folder,
//     .part-NNNNN.parquet.tmp (a leading dot and no .parquet suffix, so
//     that readers globbing *.parquet, and Spark and Hive, which skip
//     hidden files, never see it), synced to disk;
//  2. writes the new manifest as .manifest.json.tmp, syncs it and renames
//     it over _minispl_manifest.json (the commit), then syncs the folder;
//  3. renames each temporary part to its final name.
//
// A writer killed before step 2 leaves only temporary files: the manifest
// is the old one, no reader sees any new row, and the next writer (Create)
// removes them. Killed during step 3, the manifest already lists the
// parts: a reader reads a part under its temporary name when the final one
// is not there yet, and the next writer finishes the renames. A
// partition is therefore never seen half-written, and rows are never
// counted twice. One writer at a time: Create takes an exclusive lock on
// DIR/.lock (flock) for the writer's life.
//
// An input already in the manifest (same path, size and modification
// time, or the same SHA-256 under any path) is not summarised again, so
// re-accelerating the same evidence adds nothing and new evidence adds new
// part files. An input whose path is in the manifest with another size or
// content is an error: its old rows cannot be taken out of the summaries,
// and summarising it again would count them twice.
//
// # Reading
//
// Read returns the batches of the parts that may hold rows in a time
// window: a partition whose day lies outside the window is not opened
// (partition pruning), a row group whose _time statistics lie outside it
// is not read (row-group pruning). Rows of a kept row group outside the
// window are still returned: the engine's own time filter drops them, so
// pruning never changes a result. ReadStats counts what was read, pruned
// and skipped, and files under DIR that the manifest does not list
// (ignored), so that a caller can say it. Each batch carries the mapping
// version of its file, for allow_old_summaries=false.
//
// A file is read directly (pages.go) when its column chunks are as this
// package writes them (a dictionary page, then dictionary-encoded data
// pages, zstd): each Parquet dictionary becomes the Arrow dictionary as
// it is and each page's indices the Arrow indices, one batch per row
// group, with 2.7 times less CPU than pqarrow's record reader (200,000
// generated events), which rebuilds every dictionary through a hash
// table. Any other file, or a
// damaged one, is read by pqarrow as before, so the direct reader never
// decides what a damaged file gives. ReadOptions.Columns reads only some
// columns of a dataset, the others null.
package summaries
