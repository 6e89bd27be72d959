// Package agg is the one hash aggregation of tstats, stats and eventstats:
// group keys, the states of the aggregate functions and the functions'
// names.
//
// It owns:
//   - Group keys (groupkey.go): a KeyCol per BY field interns its values
//     into dense codes, and a GroupTable maps tuples of codes to dense
//     group ids and orders the groups by their BY values.
//   - Function states (aggstate.go): a State per aggregate keeps slices
//     indexed by group id and consumes a Batch at a time through an
//     ArgReader, which maps rows to value entries (once per dictionary
//     entry for the store's columns, once per value for a Vector).
//   - The functions (statsfuncs.go): the Func kinds, the names stats and
//     tstats accept (LookupStats, LookupTstats) with the choices made
//     where the reference is silent, and the check that a command's
//     output columns have distinct names (CheckNames).
//
// The commands themselves (which rows feed which group, how results
// become batches) stay in the engine: tstats in aggregate.go, stats and
// eventstats in stats.go.
//
// Imports: engine/internal/value (the values aggregated and the Vectors
// results are written into), spl (only for the positions and the error
// type of plan-time checks), Arrow and the standard library. It must not
// import the engine, datamodel or engine/internal/expr: a `count(eval(...))`
// condition reaches a CountState as a finished Vector, not as an
// expression.
package agg
