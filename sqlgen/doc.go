// Package sqlgen compiles a planned search to one SQL statement that
// returns the search's rows, in its order, over minispl's Parquet
// summaries (DIR/<Model.Dataset>/dt=YYYY-MM-DD/*.parquet: _time as a UTC
// millisecond timestamp, every other field a string). It prints the
// dialects DuckDB, ClickHouse (23.4 and later), ClickHouse 18.16 (the
// cluster test), Spark SQL (3.4 and later) and Trino. What each trap of
// the engines is, and how it was measured, is in scale-out.md (§7, §8).
//
// # Where the compiler reads the search
//
// It compiles from the plan (engine.Plan, after macro expansion, parsing
// and planning), never from text: the field names are resolved, the
// dataset is chosen, earliest=/latest= are a time window, the predicate is
// the tree the executor runs (OR chains merged, bare terms constant). The
// plan's node types are unexported; engine.Plan.Steps is the narrowest
// exported view that serves: one plain struct per node (TstatsStep,
// RenameStep with its source columns, ConvertStep, SearchStep with an
// engine.Pred tree, WhereStep and EvalStep with their checked spl.Expr,
// ...) and OtherStep naming the commands it does not describe. Putting the
// compiler inside engine instead would tie it to the executor's
// operators and make engine, already large, larger; the view keeps the
// node types free to change.
//
// # The relational form
//
// A search becomes scan → filter → aggregate (an inner query) →
// project/rename/format → row filter → order → limit (the outer query):
//
//	SELECT <columns> FROM (
//	  SELECT <BY keys AS __kN>, <aggregates AS __aN> FROM <dataset>
//	  WHERE <_time window and dt bounds> AND <tstats WHERE> AND <key IS NOT NULL>
//	  GROUP BY <keys>) AS t
//	WHERE <search, where> ORDER BY <keys> LIMIT <head>
//
// Every later command is an expression over the inner columns: rename,
// table and fields move columns, convert ctime() formats a time, eval
// assigns, search and where add row conditions (inlined, so a condition
// on a converted field tests the formatted text). The rows keep tstats'
// order, byte-wise by the BY keys, with an explicit ORDER BY.
//
// # Semantics kept exactly
//
//   - Literals go through one escaping function per dialect (Dialect.str:
//     the string layer; Dialect.likeLiteral: the LIKE layer), with an
//     explicit ESCAPE '^' where the dialect has one (ClickHouse has not: it
//     escapes with \, which both 18.16 and 26.7 read alike for \\ \% \_).
//   - A glob (=, IN, != of tstats WHERE and search) is whole-value and
//     case-insensitive: lower(f) LIKE lower('pattern'), * the only wildcard.
//     ASCII folds as minispl; non-ASCII folding is the engine's
//     (scale-out.md §8.2 lists the differences): not proven equal.
//   - A search leaf is false on a null field, for every operator, so NOT is
//     the plain complement: each leaf is (f IS NOT NULL AND test).
//   - BY fields: IS NOT NULL, or coalesce(f, fillnull_value) after WHERE.
//   - <, <=, >, >= against a number compare numerically when the field's
//     text is a number by minispl's syntax (a regular expression of it),
//     byte-wise otherwise; eval's comparisons follow eval's rules.
//   - values() is sorted (list_sort, arraySort, array_sort); dc() is exact
//     (count(DISTINCT), uniqExact).
//   - Times are epoch milliseconds after the aggregation; unconverted they
//     print as epoch seconds (a double, as minispl's); ctime() formats in
//     UTC with the codes %Y %m %d %H %M %S, mapped per dialect
//     (ClickHouse 23.4+ %M is the month, so %i; Spark and Trino Java
//     patterns). span= of seconds, minutes and hours floors the
//     milliseconds, as minispl does on the epoch.
//
// # Refused, by name
//
// Anything without an exact translation is an *Error whose Construct names
// it: commands such as lookup, eventstats, transaction and sort; rex other
// than one extraction (max_match=1, no mode=sed) or with a group whose
// taking part SQL cannot tell; tstats functions other than count, dc,
// values and min/max of _time (minispl's min/max order numbers before
// strings; latest() breaks ties by input order, which SQL has not); day
// and month spans (the engine's time zone); eval functions other than
// len, lower, upper, like, match, isnull, isnotnull, true, false, if,
// case (values of one kind) and substr (literal positions), and . of two
// texts; comparing two multivalue fields (one multivalue side is true when
// some value holds, as minispl's); match() with (?i) on ClickHouse 18 (issue #11101); a comparison
// whose text/number rule SQL cannot follow.
//
// # Dialects tested here
//
// DuckDB (duckdb-go, build tag duckdb), modern ClickHouse (npm chdb) and
// a 2-shard ClickHouse 18.16 cluster (Debian clickhouse-server, through
// Distributed tables; TestClickHouse18Cluster) are compared with
// minispl's executor on every ESCU detection the compiler accepts. Spark
// and Trino are printed only: untested until run on a real engine.
//
// ClickHouse 18.16 differs from 23.4+ in what the compiler prints: no
// TRUE/FALSE (1 and 0), substringUTF8 with constant positions and a
// length only (a negative start reverses the text), uniqExact of no value
// null (ifNull(..., 0)), %M minutes, _time_ms Int64 and no dt.
package sqlgen
