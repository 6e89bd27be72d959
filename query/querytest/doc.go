// Package querytest runs script test files, the testdata/golden/*.test
// corpus, through minispl's front door (package query), as Prometheus'
// promqltest runs its scripts through promql. Any back end can run the same
// corpus: the default executes each compiled search with Query.Run over a
// datamodel.Store; Options.Backend substitutes another executor (an SQL
// compiler, a raw-event store) while expansion, parsing, planning and
// error placement stay those of the front door, so an error case prints
// what `minispl check` and `minispl run` print.
//
// A case file is a sequence of commands separated by blank lines; '#' lines
// are comments kept as written. Commands:
//
//	load FILE...          ingest files or folders (relative to
//	                      Options.Testdata) into the store (cumulative)
//	load-shared PATH...   ingest files or folders under Options.Shared
//	                      (../shared beside the checkout); the whole case
//	                      file is skipped when the path is absent, as on a
//	                      user's fresh clone
//	macros FILE           load a macros file (Testdata-relative) on top of
//	                      the defaults
//	macros-shared PATH    the same for a file under Shared (e.g.
//	                      escu/macros.jsonl, loaded as ESCU's build does);
//	                      the whole case file is skipped when it is absent
//	now TIME              reference time (RFC 3339) for the searches that
//	                      follow (default 2024-10-01T00:00:00Z)
//	earliest [TIME]       time window start (a time modifier such as -70m@m,
//	latest [TIME]         resolved with spl/timemod against now when each
//	                      search runs) for the searches that follow; without
//	                      TIME the bound is unbounded again
//	lookups DIR...        lookup folders (Testdata-relative) for the
//	                      searches that follow (engine.Options.LookupDirs)
//	stats                 ----  the ingest summary line
//	run [format=F]        SPL lines, then ----, then the expected output:
//	                      csv (default) or another render format, "0 results"
//	                      for an empty result, or "error:" and the formatted
//	                      error (caret display, positioned in the search as
//	                      written) for a failing search
//	expand / plan         SPL, ----, the expanded search / the plan dump
//	require-nonnull F...  ESCU's pass rule (escu-content §5) on the result of
//	                      the run before it: fails unless that run returned
//	                      at least one row and every listed field is a
//	                      column that is neither null nor "null" in any row
//	                      (skipped when that run was skipped)
//	skip REASON           do not execute the next run or plan block (its
//	                      expected output is kept as written, also under
//	                      Update); the other blocks still run, and the file
//	                      is reported skipped with REASON when nothing
//	                      failed. For a known engine bug: the block keeps
//	                      the correct output and the reason names the bug
//
// Every run is executed over stores built with batch sizes 1, 3 and the
// default (Options.BatchSizes), and all must print the same output (the
// promqltest invariance idea): results must not depend on batching. With
// Options.Update the expected blocks are rewritten in place from the
// output; the test that calls RunDir passes its -update flag there.
//
// Imports: query, engine (options, results), render, datamodel,
// macros, spl and spl/timemod, plus testing. It is imported by tests only
// and must not be imported by the packages it tests or by cmd.
package querytest
