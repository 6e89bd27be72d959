// Package engine plans and executes minispl searches: a parsed,
// macro-expanded spl.Pipeline becomes a Plan of operators that pull Arrow
// record batches from a datamodel.Store.
//
// # Operator model
//
// Engine.Plan checks the pipeline and builds a chain of immutable plan
// nodes (tstats, rename, convert, search; one file each), whose output
// field names are known at plan time. Plan.String prints the chain, last
// command first. Engine.Execute instantiates one pull-based operator per
// node (Open, Next returning io.EOF at the end, Close), in the shape of
// Loki's Arrow engine, and checks the context between batches.
//
//   - tstats scans the dataset's batches, evaluates WHERE into a boolean
//     mask per batch and aggregates the selected rows with a hash
//     aggregation; its output is built once, sorted, and handed out in
//     batches of Options.BatchSize rows.
//   - rename only rewrites the schema; columns are shared, not copied.
//   - convert builds a new utf8 column per converted field.
//   - search evaluates the same predicate code as tstats WHERE and filters
//     with compute.FilterRecordBatch (never per-column FilterArray, which is
//     quadratic on strings in arrow-go v18.8.0).
//
// # Values
//
// Operators that compute on field values share one dynamic value model
// (value.go). Column reads any column the engine produces or reads (utf8,
// dictionary<int32, utf8>, int64, float64, boolean, timestamp as epoch
// seconds, list<utf8> as multivalue) row by row without allocating: IsNull,
// String (rendered as Splunk does, numbers via FormatNumber), Number (also
// for strings that parse as numbers, since Splunk treats a field value "42"
// as a number) and Values. Vector is a batch of computed values as a struct
// of arrays (Kinds, Nums, Strs, Multi) reused across batches; a field value
// that parses as a number is a KindNumber that keeps its text, a string
// literal stays a string. Vector.Build makes the narrowest column: list<utf8>
// if any row is multivalue, float64 if every value is a computed number,
// utf8 otherwise, so one field may change type between batches; consumers
// read through Column. SetColumn replaces a column in place or appends it.
//
// # Why hand-written predicates and aggregation
//
// arrow-go's compute package has no string kernels (no like, substring,
// case folding) and no aggregate or hash group-by functions (arrow-go
// issues #1296 and #1329), so both are written here. A `*` glob is
// compiled once into literal, prefix, suffix, contains or general segments
// with ASCII case folding (Unicode simple folding for non-ASCII text); on
// dictionary columns it is evaluated once per dictionary entry, and the
// per-row work is an index lookup. Group keys are tuples of per-column
// codes interned once per dictionary entry; a tuple maps to a group id
// through a slice (one key) or a map keyed by the tuple's bytes (the lookup
// does not allocate). Aggregate state is kept in slices indexed by group.
//
// # Choices on points the reference marks uncertain
//
//   - Field resolution in tstats: "Registry.x" is column x of the dataset
//     named Registry; _time, host, source and sourcetype are accepted bare
//     or prefixed ("Registry.host"). A name that is not a field is null (as
//     in Splunk) and Plan.Warnings reports it.
//   - summariesonly, allow_old_summaries, include_reduced_buckets,
//     chunk_size and local are accepted and ignored: the Store is treated as
//     fully summarized. prestats=t and append=t are rejected.
//   - fillnull_value=X replaces a null BY value by the string X ("null" is
//     the literal string). Without it a row with any null BY value is
//     dropped. An empty string is a value, not null.
//   - Without BY, tstats returns one row even when nothing matched: count,
//     count(f) and dc are 0; values, min, max, sum, avg, earliest and latest
//     are null.
//   - Row order: ascending by the BY values, compared as strings byte-wise
//     (uppercase before lowercase), numeric-looking strings included
//     ("10" < "9"); a _time key compares numerically.
//   - Group keys and dc/values are case-sensitive on the string value.
//   - min/max order numbers (numerically) before strings (byte-wise): min
//     is the smallest number if any, max the greatest string if any. The
//     column is float64 when every result is a number, else utf8 with
//     numbers rendered by FormatNumber. min(_time)/max(_time) are epoch
//     seconds with a millisecond fraction.
//   - sum and avg ignore non-numeric values; null when a group has none.
//   - earliest(f)/latest(f) take the value of f on the row with the least
//     (greatest) _time among rows where f is not null; ties keep the first
//     row in store order for earliest and the last for latest.
//   - BY _time span=: s, m and h spans are aligned on the epoch; d and mon
//     on midnight and the first of the month in Options.Location. The _time
//     output is epoch seconds (float64). Without span, _time groups by the
//     exact millisecond.
//   - Time window (timerange.go): Options.Earliest/Latest bound every
//     tstats scan as [earliest, latest) on _time. earliest=/latest= in a
//     tstats WHERE clause, resolved with spl/timemod against Options.Now,
//     override them for that tstats only (not for subsearches); they must
//     be top-level conjuncts (inside OR/NOT, twice, or with an operator
//     other than = they are positioned errors), earliest=0 is unbounded.
//     Other time modifiers (_index_earliest, starttime...), time modifiers
//     after the first command, and bare terms in tstats WHERE are
//     positioned "unsupported" errors rather than silently matching
//     nothing.
//   - lookup, inputlookup (lookup.go, lookup_table.go), join and append
//     (join.go, subsearch.go): the semantics chosen where the reference is
//     silent are in the doc comments of lookupNode, joinNode and
//     subsearch.go. A subsearch is planned as its own pipeline; the plan
//     is then a tree and Plan.String indents each subsearch under its
//     consumer.
//   - Comparisons: = and != are whole-value case-insensitive globs on the
//     value as rendered (numbers via FormatNumber); <, <=, >, >= are numeric
//     when both sides parse as numbers, else byte-wise lexicographic
//     (case-sensitive). A null field fails every comparison, != included;
//     NOT is the plain complement. On a multivalue field = matches when any
//     value matches and != when no value does.
//   - search: field names are case-sensitive; a bare term matches nothing
//     (there is no _raw after tstats) except `*`, which keeps every row.
//   - rename: a renamed column keeps the source's position; an existing
//     target is dropped; `rename A as B` with A absent removes B. When
//     several sources of one wildcard pair land on the same name, the
//     rightmost wins. Both sides must have the same number of wildcards.
//   - convert: ctime replaces the field in place, or with AS writes the
//     named field (in place when it exists, else appended at the end). A
//     non-numeric value is left unchanged; a missing field is ignored.
//     Seconds are floored; the zone is Options.Location (UTC by default).
//     auto leaves a field untouched unless every value converts; num nulls
//     values that do not convert. mktime is an "unsupported" plan error.
//   - eval and where (eval.go, evalfuncs_*.go, where.go): an expression
//     is compiled once into typed evaluator nodes that run over whole
//     Vectors per batch. Comparisons are case-sensitive, numeric when both
//     sides are numbers, else byte-wise on the string forms. A field value
//     that parses as a number is a number; a quoted string literal is
//     always a string ("10"+"5" is "105", n > "8" compares as strings).
//     The + operator adds two numbers or joins two strings; a number plus
//     a string is null. - * / % on a non-number, and division or modulo by zero, are
//     null. Null propagates through arithmetic, . and comparisons.
//   - AND, OR and XOR are Kleene three-valued: false AND null is false,
//     true OR null is true, NOT null is null; where keeps only true rows.
//     A value where a boolean is required (where f, if(f, ...), f AND x)
//     and a boolean assigned by eval are plan errors, as Splunk's
//     typechecker gives.
//   - On a multivalue field a comparison, LIKE, IN and match() are true
//     when any value matches; arithmetic takes the first value.
//   - LIKE and like() are anchored and case-sensitive, % any run, _ one
//     character, with no escape character.
//   - match(), replace() and mvfind() use Go's RE2: (?<name>) is
//     accepted; lookaround, atomic groups, possessive quantifiers, \K,
//     \G, backreferences, recursion and conditionals are plan errors
//     naming the construct and its offset. replace() turns \1 into ${1}.
//   - round() rounds half away from zero on the shortest decimal text:
//     round(2.555, 2) = 2.56, round(-2.5) = -3. tostring(x, "commas")
//     rounds to two decimals and drops trailing zeros; "duration" floors to
//     whole seconds and prints D+HH:MM:SS past a day; "hex" truncates.
//   - strptime reads the variables strftime writes; unset fields default to
//     1970-01-01 00:00:00 in Options.Location; trailing text is ignored.
//     now() is Engine now (Options.Now) fixed per execution; time() is the
//     wall clock. relative_time uses spl/timemod.
//   - x IN (...) and in() with a null x, nullif, and cidrmatch with a bad
//     address: IN gives null, cidrmatch false.
package engine
