// Package query is minispl's front door: the one path from SPL text as a
// user wrote it to rows. An Env holds what searches compile against (the
// macro library, the data model catalog and the engine options: lookup
// folders, time window, reference time, time zone, batch size);
// Env.Compile takes a search through macro expansion, parsing and planning
// and returns a Query; Query.Run executes it over a datamodel.Store, and
// Query.Explain does so with the engine's counters (rows and time per
// stage, what each tstats window and WHERE predicate keeps). It is
// modelled on cel-go's Env.Compile/Program and promql's NewInstantQuery.
//
// Every error Compile returns is positioned in the user's text: an
// *spl.Error found in the expanded text (a parse error, or a plan error,
// which the engine leaves without Text) is given the expanded text and then
// moved through the macros' source map (macros.Expansion.Relocate) to the
// place in the text as written, with a note quoting the expansion when a
// macro produced it. The error is a *query.Error naming the stage that
// failed, wrapping the *spl.Error (find it with errors.As).
//
// This package owns the order of the stages and the relocation of their
// errors, nothing else: it holds no events, prints nothing, and knows no
// command line. The CLI (cmd/minispl), its check command, the golden
// script harness (query/querytest) and the ESCU conformance tests all go
// through it, so the tests exercise the error path users see.
//
// Imports: spl, macros, datamodel and engine. It must not import cmd,
// render or any test harness; nothing below it (spl, macros, datamodel,
// engine) may import it.
package query
