// Package value is the engine's value model: how minispl reads, holds,
// compares and prints one field value, the vocabulary every operator and
// both expression languages share.
//
// It owns:
//   - Column (value.go), a reader of any Arrow column the engine produces
//     or reads (utf8, dictionary<int32, utf8>, int64, float64, boolean,
//     timestamp as epoch seconds, list<utf8> as multivalue) row by row
//     without allocating: IsNull, String (rendered as Splunk does),
//     Number (also for strings that parse as numbers, since Splunk treats
//     a field value "42" as a number) and Values.
//   - Vector (value.go), a batch of computed values as a struct of arrays
//     (Kinds, Nums, Strs, Multi, and the decimal places of computed
//     numbers) reused across batches; Vector.Build makes the narrowest
//     Arrow column (list<utf8> if any row is multivalue, float64 if every
//     value is a computed number, utf8 otherwise).
//   - Numbers as Splunk writes and reads them (format.go: FormatNumber,
//     ParseNumber, the precision rules of + - and *) and their ordering
//     with NaN unordered (compare.go: CompareFloat).
//   - Time formatting with Splunk's variables (strftime.go: Strftime,
//     EpochTime) and time spans with their buckets (span.go: ParseSpan,
//     Span.Bucket).
//   - The case-insensitive `*` pattern of search values and lookup
//     WILDCARD fields (glob.go: Glob, CompileGlob, FoldKey).
//   - Small helpers over Arrow batches (batch.go: SetColumn, ColumnByName,
//     SchemaFields, TimestampToMs) and collision-free composite keys of
//     strings (keys.go: AppendKeyPart) for join, dedup and lookup.
//
// Imports: Arrow and the standard library only. It must not import spl,
// datamodel, the engine or any of the engine's other internal packages:
// they all build on it, so every arrow between them points here. The
// package is internal to the engine; nothing outside engine/ sees these
// types (results leave the engine as engine.Result).
package value
