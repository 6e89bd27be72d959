// Package engine plans and executes minispl searches: a parsed,
// macro-expanded spl.Pipeline becomes a Plan of operators that pull Arrow
// record batches from a datamodel.Store.
//
// # Package layout
//
// The engine is the planner (plan.go) and one file per command, each with
// its plan node, its planXxx function and its operator, as Loki's executor
// and promql keep their operators together: finding the room for command X
// means opening X.go. What has a vocabulary of its own and one-way
// dependencies lives in internal packages, each doc saying what it owns:
//
//   - engine/internal/value: how one field value is read, held, compared
//     and printed (Column, Vector, numbers, strftime, spans, globs).
//   - engine/internal/expr: the search-language predicates and the eval
//     compiler with its function table.
//   - engine/internal/agg: group keys and aggregate states for tstats,
//     stats and eventstats.
//   - engine/internal/lookup: lookup tables on disk.
//
// Arrows run engine -> {expr, agg, lookup} -> value, never back
// (TestInternalImports checks it). Imports: spl, spl/timemod, datamodel
// (the store and its catalog), the internal packages and Arrow. The engine
// must not import macros, query, render or cmd: it takes an expanded AST
// and returns a Result.
//
// # Operator model
//
// Engine.Plan checks the pipeline and builds a chain of immutable plan
// nodes whose output field names are known at plan time; a subsearch is
// planned as its own pipeline, so the plan is a tree, and Plan.String
// prints it last command first, each subsearch indented under its
// consumer. Engine.Execute instantiates one pull-based operator per node
// (Open, Next returning io.EOF at the end, Close), in the shape of Loki's
// Arrow engine, and checks the context between batches. Plan errors are
// *spl.Error values positioned at the offending text.
// Engine.ExecuteProfile does the same with every operator wrapped to count
// its rows and time, and each tstats scan read once more to count its
// window, WHERE and each top-level predicate on its own, and the values of
// the fields it names (profile.go): the Profile behind minispl's .explain.
//
// The operators, one file each (the file's doc comment holds the detail):
//
//   - generating: tstats (tstats.go, aggregate.go), inputlookup
//     (lookup.go), makeresults (makeresults.go); join and append run their
//     subsearch (join.go, subsearch.go), and a subsearch used as a search
//     term (subsearch_term.go) is run first and bound into the WHERE.
//   - streaming, batch by batch: search, where, eval, rename, convert,
//     fields, table, fillnull, rex, regex, bin, lookup, mvexpand, makemv,
//     replace, addtotals, xmlkv, spath, head (stops pulling once done) and
//     dedup (keeps its seen-set).
//   - blocking, reading their whole input into a rowStore (rows.go): stats,
//     eventstats (stats.go, eventstats.go), sort, transaction
//     (transaction.go) and map (map.go), which plans and runs its search
//     once per input row; appendpipe (appendpipe.go) streams its input,
//     then runs its subpipeline over the rows it kept.
//
// Every streaming operator is a streamOp (rows.go) built from a step
// function over one batch, every blocking one a blockingOp built from a
// run function over the rowStore; only the generating operators, the two
// that concatenate a second stream (append, appendpipe) and the
// subsearch-term runner write Open/Next/Close themselves.
//
// Every operator that drops rows goes through one row filter, maskBatch
// (rows.go): compute.FilterRecordBatch over all columns at once (never
// per-column FilterArray, which is quadratic on strings in arrow-go
// v18.8.0), the batch itself when every row is kept; head cuts a
// zero-copy slice.
//
// # Values
//
// Operators that compute on field values share one dynamic value model,
// package engine/internal/value (its doc has the detail): Column reads any
// column the engine produces or reads row by row as Splunk values, Vector
// is a batch of computed values reused across batches, and Vector.Build
// makes the narrowest column, so one field may change type between
// batches; consumers read through Column. value.SetColumn replaces a
// column in place or appends it.
//
// # One aggregation engine
//
// tstats, stats and eventstats share one hash aggregation, package
// engine/internal/agg (its doc has the detail). Group keys: each BY field
// interns its values into dense codes, and a GroupTable maps code tuples
// to group ids (a slice for one key, an open-addressing table of packed
// uint64 keys for two, the tuple's bytes for more; no lookup of an
// existing group allocates). Function states keep slices indexed by group
// id and consume a batch at a time through an ArgReader, which maps rows
// to value entries: tstats feeds the store's dictionary columns, so a BY
// key, a parsed number or an interned string is computed once per
// dictionary entry (when a selected row first uses it) and the per-row
// work is an index lookup; stats and eventstats feed Vectors. tstats' min,
// max, earliest and latest of _time read the timestamp column directly,
// as integers, with no value entry. Output order sorts each key's
// distinct values once (an 8-byte radix sort for strings) and then the
// groups by their tuples of ranks, packed into one integer when they fit.
//
// # The tstats scan on every core
//
// A tstats scan (tstatsscan.go) selects each batch's rows (its WHERE
// clause and time window) on up to GOMAXPROCS goroutines once the dataset
// holds 131,072 rows or more (Options.ScanWorkers overrides it), and the
// selecting goroutine also gathers what the aggregation reads of those
// rows: the dictionary index of each BY column and the _time. The
// aggregation stays on the calling goroutine and takes the batches in
// store order, so groups, counts, first and last values and lists are
// those of the serial scan whatever the number of goroutines (a bounded
// number of batches are in flight; TestTstatsParallelScan compares the
// selections). A WHERE that is one test on a dictionary column is
// evaluated once per dictionary entry, and its rows are selected by a
// lookup of their dictionary index, eight at a time (expr.Select); a
// `*abc*` or general glob is matched over the dictionary's packed values
// at once (value.Glob.MatchEach: one strings.IndexByte search of the
// piece's rarest byte rather than one match per entry). AND evaluates
// its right side only for the rows where its left is true and OR each
// part where no earlier one is, skipping a side no row of the batch
// needs (expr.PredState's care). A `where` after the tstats, through
// rename and eval, that reads only BY text fields also filters the rows
// before the aggregation, where the selecting goroutine runs it
// (keyfilter.go says why the groups are the same; Options.NoKeyFilter
// turns it off).
//
// # Why hand-written predicates and aggregation
//
// arrow-go's compute package has no string kernels (no like, substring,
// case folding) and no aggregate or hash group-by functions (arrow-go
// issues #1296 and #1329), so both are written here. A `*` glob is
// compiled once into literal, prefix, suffix, contains or general segments
// with ASCII case folding (Unicode simple folding for non-ASCII text); on
// dictionary columns it is evaluated once per dictionary entry. The
// wildcard-free values of an IN list (ESCU lists reach 1,400 process
// names, a spliced subsearch 10,000 values), and of an OR chain of = and
// IN tests on one field, which compiles to one such leaf, go into one hash
// set keyed by their case folding (value.FoldKey), probed once per value; only
// the values with `*` are tried one by one. The intern
// tables are hand-written rather than Go maps because a map hashes twice
// per new value (the failed lookup, then the assignment), which dominated
// grouping by a million distinct registry paths.
//
// # Choices on points the reference marks uncertain
//
// tstats (tstats.go, aggregate.go, timerange.go):
//   - FROM datamodel=<model>.<dataset> names the dataset; datamodel=<model>
//     with `where nodename=<model>.<dataset>` (or nodename=<dataset>)
//     selects that root dataset; datamodel=<model> alone names the model's
//     only root dataset (Network_Traffic: All_Traffic) and is a positioned
//     error for a model with several (Endpoint). nodename must be a
//     top-level `=` conjunct; a child dataset path is "unsupported".
//   - Field resolution: "Registry.x" is column x of the dataset named
//     Registry; _time, host, source and sourcetype are accepted bare or
//     prefixed. A name that is not a field is null (as in Splunk) and
//     Plan.Warnings reports it.
//   - summariesonly, allow_old_summaries, include_reduced_buckets,
//     chunk_size and local are accepted and ignored: the Store is treated as
//     fully summarized. prestats=t and append=t are rejected.
//   - fillnull_value=X replaces a null BY value by the string X ("null" is
//     the literal string). Without it a row with any null BY value is
//     dropped. An empty string is a value, not null.
//   - Functions: every one of spl-semantics §1.4: avg, count,
//     dc/distinct_count, estdc (exact, as dc), perc<N>, exactperc<N> and
//     upperperc<N> (all three interpolate at rank N/100*(n-1)), max,
//     median, min, mode, range, stdev, stdevp, sum, sumsq, var, varp,
//     first, last, values, earliest, earliest_time, latest, latest_time and
//     rate, with the stats semantics below. first/last are by the store's
//     order, which is the order events were read (file order). earliest_time
//     and latest_time are the _time (epoch seconds) of the row earliest and
//     latest pick; rate is (latest - earliest) / (latest_time -
//     earliest_time), null unless both values are numbers at two different
//     times. Stats-only names (list, c, mean, p<N>) and per_second,
//     estdc_error and the like are positioned "tstats does not support"
//     errors.
//   - Two output columns with one name (`count as x count as x`, `count
//     by f f`, a result named like a BY field) are a plan error, as in
//     stats (agg.CheckNames).
//   - Without BY, tstats returns one row even when nothing matched: count,
//     count(f) and dc are 0; the other functions are null.
//   - Row order: ascending by the BY values, compared as strings byte-wise
//     (uppercase before lowercase), numeric-looking strings included
//     ("10" < "9"); a _time key compares numerically. Group keys and
//     dc/values are case-sensitive on the string value.
//   - min/max order numbers (numerically) before strings (byte-wise): min
//     is the smallest number if any, max the greatest string if any. The
//     column is float64 when every result is a number, else utf8 with
//     numbers rendered by value.FormatNumber. min(_time)/max(_time) are epoch
//     seconds with a millisecond fraction.
//   - sum and avg ignore non-numeric values; null when a group has none.
//   - earliest(f)/latest(f) take the value of f on the row with the least
//     (greatest) _time among rows where f is not null; ties keep the first
//     row in store order for earliest and the last for latest.
//   - BY _time span=: s, m and h spans are aligned on the epoch; d and mon
//     on midnight and the first of the month in Options.Location. The _time
//     output is epoch seconds (float64). Without span= (Splunk's default
//     is "auto", which scales with the search's time range, undefined for
//     an offline engine) _time groups by its exact stored value, to the
//     millisecond; `bin` can coarsen it afterwards.
//   - Time window: Options.Earliest/Latest bound every tstats scan as
//     [earliest, latest) on _time. earliest=/latest= in a tstats WHERE
//     clause, resolved with spl/timemod against Options.Now, override them
//     for that tstats only (not for subsearches); they must be top-level
//     conjuncts, earliest=0 is unbounded. Other time modifiers, time
//     modifiers after the first command, and bare terms in tstats WHERE
//     are positioned "unsupported" errors rather than silently matching
//     nothing.
//
// search, where, eval (search.go, where.go; the expressions in
// engine/internal/expr):
//   - search: = and != are whole-value case-insensitive globs on the value
//     as rendered (numbers via value.FormatNumber); <, <=, >, >= are numeric when
//     both sides parse as numbers, else byte-wise (case-sensitive). A null
//     field fails every comparison, != included; NOT is the plain
//     complement. On a multivalue field = matches when any value matches
//     and != when no value does. Field names are case-sensitive; a bare
//     term matches nothing (there is no _raw after tstats) except `*`. A
//     value in CIDR notation (ip="10.0.0.0/8") matches the addresses in
//     the subnet in search (spl-semantics §2.2); in a tstats WHERE it is
//     matched as a string (tstats CIDR matching is "best effort", §1.3).
//   - Literal (wildcard-free) members of an IN list or of an OR chain on
//     one field are probed in one case-folded hash set; glob members stay
//     globs. In where/eval, IN (...) and in() use a case-sensitive set.
//   - eval/where comparisons are case-sensitive, numeric when both sides
//     are numbers, else byte-wise on the string forms. A field value that
//     parses as a number is a number; a quoted string literal is always a
//     string ("10"+"5" is "105"). + adds two numbers or joins two strings;
//     a number plus a string is null. - * / % on a non-number, and
//     division or modulo by zero, are null. Null propagates through
//     arithmetic, . and comparisons.
//   - NaN (inf - inf, or a NaN in a float64 column) follows IEEE 754, as
//     Go's comparisons do: it equals no number, itself included, and is
//     neither less nor greater than any, so = < <= > >= are false and !=
//     is true, in search orderings, eval/where comparisons and IN alike
//     (compareFloat); against a string it compares by its text "nan", as
//     any number does. min() and max() return NaN only when given no other
//     number.
//   - AND, OR and XOR are Kleene three-valued; where keeps only true rows.
//     A value where a boolean is required, and a boolean assigned by eval,
//     are plan errors, as Splunk's typechecker gives.
//   - On a multivalue field a comparison, LIKE, IN and match() are true
//     when any value matches; arithmetic takes the first value. LIKE is
//     anchored and case-sensitive, with no escape character.
//   - match(), replace() and mvfind() use Go's RE2: PCRE-only constructs
//     are plan errors naming the construct and its offset.
//   - Precision (spl-semantics §6.3 says only that results are "rounded
//     to a precision appropriate to the precision of the input"): a number
//     carries its decimal places: those of its text for a literal or a
//     field value ("2.50" has 2, "1727705109.547" 3), 3 for a timestamp
//     with a millisecond fraction (else 0), 0 for an int64 column, and for
//     a float64 column (tstats min(_time), an earlier eval) the fewest
//     that give back the same float64. + and - round their result to the
//     larger count of the operands, half away from zero, when computed (so
//     comparisons see the rounded value): lastTime - firstTime is
//     5810.877, not 5810.8769998550415, and 0.1 + 0.2 = 0.3 is true. *
//     rounds to the fewest significant figures of its operands that have
//     decimals (an integer operand is exact), but never into the integer
//     digits (value.ProductDecimals, which cites the Search Reference's sigfig
//     text and the community's measurements): 3 * 0.5 is 2, 0.014 * 0.23
//     is 0.0032, 1.00 * 1111 is 1111. Unary minus keeps the count. /, %,
//     every function result
//     and anything combined with one keep full precision, as does all
//     arithmetic inside exact(). Trailing zeros are not printed: 2.50 + 1
//     is 3.5 (value.FormatNumber's shortest form; the reference does not say
//     whether Splunk prints 3.50).
//   - round() rounds half away from zero on the shortest decimal text;
//     tostring "commas", "duration" and "hex" as in expr/funcs_string.go;
//     strptime defaults unset fields to 1970-01-01 00:00:00 in
//     Options.Location; now() is Options.Now fixed per execution.
//
// stats and eventstats (stats.go, eventstats.go; the functions in
// engine/internal/agg/statsfuncs.go):
//   - A row with a null BY field is dropped; a multivalue BY field puts the
//     row in one group per value. Rows are ordered as tstats orders them.
//   - func(pattern) with `*` applies to every matching input field not in
//     BY; `*` does not match fields beginning with "_". AS with the same
//     number of wildcards substitutes the matched text (`latest(*) as *`
//     keeps the names); without AS the result is func(field).
//   - count(f) counts values (a multivalue once per value); values is
//     sorted byte-wise; list keeps 100 values; median of an even count is
//     the higher middle value; percN interpolates at rank p/100*(n-1)
//     exactly; var/stdev are two-pass; mode ties go to the value seen
//     first; dc and estdc are exact. earliest_time, latest_time and rate
//     are as in tstats. Two output columns with one name (`count as x
//     count as x`, `count by f f`) are a plan error.
//   - eventstats adds the results to every row in input order; a row with
//     a multivalue BY field gets the results of the group of its first
//     values.
//
// Other commands, each detailed in its file: rename (a renamed column
// keeps its position; rightmost source wins), convert (ctime in
// Options.Location, floored seconds; mktime by strptime), table, fields
// (_time and _raw kept by `fields +`; `fields - *` keeps them, only a
// pattern starting with "_" removes them), dedup (null rows dropped unless
// keepempty; sortby sorts before deduplicating), sort (IP addresses as
// addresses, then numbers, then strings byte-wise; missing values last), head,
// fillnull, rex, regex (no _raw after tstats), bin (span= only), lookup
// and inputlookup (ESCU definitions, WILDCARD/CIDR, case), join and append,
// mvexpand (rows without the field dropped), makemv (setsv joins with a
// newline), makeresults (_time is Options.Now in whole seconds; annotate's
// splunk_server is "minispl"), replace (whole-value, case-sensitive `*`
// patterns; exact patterns beat wildcards, the later exact one winning, the
// wildcard with most literal characters next; IN is required) and
// addtotals (values that read as numbers, internal fields left out, no
// total when nothing is numeric; row totals only) and transaction (rows
// read newest first; a row joins the open transaction its listed fields
// agree with; endswith opens and startswith closes one, unclosed ones are
// evicted; _raw joined by newlines, other fields distinct and sorted),
// appendpipe (input rows, then the subpipeline's, over the union of the
// fields) and map ($field$ tokens replaced per row, a row lacking a token's
// field runs no search, maxsearches default 10; planned once with each
// token as 1), xmlkv (leaf elements, verbatim text, repeated keys
// multivalue) and spath (JSON or XML by the first character; {N} from 0 in JSON,
// from 1 in XML);
// both set the fields the rest of the search names (laterFields), since a
// text's keys are known only when it runs.
package engine
