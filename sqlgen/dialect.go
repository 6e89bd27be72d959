package sqlgen

import (
	"fmt"
	"strings"

	"github.com/minispl/minispl/datamodel"
)

// Dialect is a SQL dialect the compiler prints.
type Dialect int

// The dialects.
const (
	// DuckDB (1.x) over the Parquet summaries (read_parquet, hive dt).
	DuckDB Dialect = iota
	// ClickHouse 23.4 and later over the Parquet summaries (file(...,
	// Parquet)).
	ClickHouse
	// ClickHouse18 is ClickHouse 18.16, for the cluster test: a table per
	// dataset with _time as Int64 milliseconds (_time_ms), no Parquet, no
	// ILIKE, %M is minutes.
	ClickHouse18
	// Spark SQL 3.4 and later, session time zone UTC (untested here).
	Spark
	// Trino, session time zone UTC (untested here).
	Trino
)

var dialectNames = []string{"duckdb", "clickhouse", "clickhouse-18", "spark", "trino"}

// Dialects lists every dialect, in the order of their names.
func Dialects() []Dialect { return []Dialect{DuckDB, ClickHouse, ClickHouse18, Spark, Trino} }

// String returns the dialect's name as ParseDialect takes it.
func (d Dialect) String() string {
	if int(d) < len(dialectNames) {
		return dialectNames[d]
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// ParseDialect returns the dialect named s.
func ParseDialect(s string) (Dialect, error) {
	for i, n := range dialectNames {
		if strings.EqualFold(s, n) {
			return Dialect(i), nil
		}
	}
	return 0, fmt.Errorf("unknown SQL dialect %q (want one of %s)", s, strings.Join(dialectNames, ", "))
}

// likeEscape is the LIKE escape character of every dialect: not the
// backslash, whose meaning differs between engines and versions
// (scale-out.md §8.1). ClickHouse has no ESCAPE clause and always
// escapes with a backslash.
const likeEscape = '^'

// isClickHouse reports whether d is a ClickHouse dialect.
func (d Dialect) isClickHouse() bool { return d == ClickHouse || d == ClickHouse18 }

// ident quotes an identifier: every identifier is quoted, so that names
// such as user (a Spark function) and dotted CIM names are plain columns.
func (d Dialect) ident(s string) string {
	switch d {
	case ClickHouse, ClickHouse18, Spark:
		return "`" + strings.ReplaceAll(s, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// str is the one string-literal escaper of each dialect: the SQL text
// whose value is exactly s.
//   - DuckDB and Trino: standard literals, no backslash escapes; ' doubles.
//   - ClickHouse (both versions) and Spark: backslash escapes in literals,
//     so \ becomes \\ and ' becomes \'.
func (d Dialect) str(s string) string {
	switch d {
	case ClickHouse, ClickHouse18, Spark:
		r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
		return "'" + r.Replace(s) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// likeLiteral escapes the LIKE layer of a literal pattern: lit is a
// literal string (no wildcards), the result a LIKE pattern matching
// exactly it. ClickHouse escapes with a backslash (in both versions a \\
// in the pattern is one literal backslash, and \% \_ are literal); the
// others with likeEscape, named in the ESCAPE clause.
func (d Dialect) likeLiteral(lit string) string {
	var b strings.Builder
	for _, r := range lit {
		switch {
		case d.isClickHouse() && (r == '%' || r == '_' || r == '\\'):
			b.WriteByte('\\')
		case !d.isClickHouse() && (r == '%' || r == '_' || r == likeEscape):
			b.WriteRune(likeEscape)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeClause is what follows a LIKE pattern.
func (d Dialect) escapeClause() string {
	if d.isClickHouse() {
		return ""
	}
	return " ESCAPE " + d.str(string(likeEscape))
}

// like is `x LIKE pattern` with pattern a LIKE pattern (LIKE layer
// escaped), case-sensitive.
func (d Dialect) like(x, pattern string) string {
	return x + " LIKE " + d.str(pattern) + d.escapeClause()
}

// lower is the dialect's lower-casing of a string expression.
func (d Dialect) lower(x string) string {
	if d.isClickHouse() {
		return "lowerUTF8(" + x + ")"
	}
	return "lower(" + x + ")"
}

// globLike compiles a whole-value, case-insensitive glob (only * is
// special) to lower(x) LIKE lower(pattern): the engine lower-cases both
// sides, so ASCII folds as minispl does; non-ASCII folding is the
// engine's (scale-out.md §8.2).
func (d Dialect) globLike(x, glob string) string {
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = d.likeLiteral(p)
	}
	pat := strings.Join(parts, "%")
	return d.lower(x) + " LIKE " + d.lower(d.str(pat)) + d.escapeClause()
}

// numRE is minispl's number syntax (value.ParseNumber: an optional sign,
// digits with an optional fraction, at least one digit, an optional
// exponent), as a regular expression each engine has.
const numRE = `^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$`

// looksNumeric is true when the string x is a number by minispl's rules.
func (d Dialect) looksNumeric(x string) string {
	switch d {
	case DuckDB:
		return "regexp_full_match(" + x + ", " + d.str(numRE) + ")"
	case ClickHouse, ClickHouse18:
		return "match(" + x + ", " + d.str(numRE) + ")"
	case Spark:
		return "(" + x + " RLIKE " + d.str(numRE) + ")"
	}
	return "regexp_like(" + x + ", " + d.str(numRE) + ")"
}

// toDouble converts a string that looksNumeric to a double.
func (d Dialect) toDouble(x string) string {
	switch d {
	case ClickHouse, ClickHouse18:
		return "toFloat64OrNull(" + x + ")"
	case DuckDB, Trino:
		return "TRY_CAST(" + x + " AS DOUBLE)"
	}
	return "CAST(" + x + " AS DOUBLE)"
}

// asDouble types a number expression as a double (a literal such as 1.0
// is a DECIMAL in DuckDB).
func (d Dialect) asDouble(x string) string {
	if d.isClickHouse() {
		return "toFloat64(" + x + ")"
	}
	return "CAST(" + x + " AS DOUBLE)"
}

// msToSeconds turns epoch milliseconds (an integer) into epoch seconds as
// a double, as minispl shows an unconverted time.
func (d Dialect) msToSeconds(x string) string {
	if d.isClickHouse() {
		return "(toFloat64(" + x + ") / 1000)"
	}
	return "(CAST(" + x + " AS DOUBLE) / 1000)"
}

// timeMs is the dataset's _time as epoch milliseconds.
func (d Dialect) timeMs() string {
	switch d {
	case DuckDB:
		return "epoch_ms(" + d.ident("_time") + ")"
	case ClickHouse:
		return "toUnixTimestamp64Milli(" + d.ident("_time") + ")"
	case ClickHouse18:
		return d.ident("_time_ms")
	case Spark:
		return "unix_millis(" + d.ident("_time") + ")"
	}
	return "CAST(to_unixtime(" + d.ident("_time") + ") * 1000 AS BIGINT)"
}

// bucketMs floors epoch milliseconds to a multiple of span.
func (d Dialect) bucketMs(x string, span int64) string {
	switch d {
	case ClickHouse, ClickHouse18:
		return fmt.Sprintf("(intDiv(%s, %d) * %d)", x, span, span)
	case DuckDB:
		return fmt.Sprintf("((%s // %d) * %d)", x, span, span)
	case Spark:
		return fmt.Sprintf("(div(%s, %d) * %d)", x, span, span)
	}
	return fmt.Sprintf("((%s / %d) * %d)", x, span, span)
}

// formatMs formats epoch milliseconds with a strftime format (UTC). The
// format was checked by strftimeSupported.
func (d Dialect) formatMs(x, format string) string {
	switch d {
	case DuckDB:
		return "strftime(epoch_ms(" + x + "), " + d.str(format) + ")"
	case ClickHouse, ClickHouse18:
		f := format
		if d == ClickHouse {
			// %M is the month name since 23.4; %i is minutes.
			f = strings.ReplaceAll(f, "%M", "%i")
		}
		return "formatDateTime(toDateTime(intDiv(" + x + ", 1000), 'UTC'), " + d.str(f) + ", 'UTC')"
	case Spark:
		return "date_format(timestamp_millis(" + x + "), " + d.str(javaPattern(format)) + ")"
	}
	return "format_datetime(from_unixtime(CAST(" + x + " AS DOUBLE) / 1000, 'UTC'), " + d.str(javaPattern(format)) + ")"
}

// strftimeCodes are the strftime codes the dialects all print the same way
// (minispl's strftime, UTC), with their Java/Joda pattern.
var strftimeCodes = map[byte]string{
	'Y': "yyyy", 'm': "MM", 'd': "dd", 'H': "HH", 'M': "mm", 'S': "ss",
}

// strftimeSupported returns the first code of format no dialect mapping
// covers, "" when all are covered.
func strftimeSupported(format string) string {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if i+1 >= len(format) {
			return "%"
		}
		if _, ok := strftimeCodes[format[i+1]]; !ok {
			return format[i : i+2]
		}
		i++
	}
	return ""
}

// javaPattern translates a checked strftime format to a Java/Joda
// date-time pattern, literal text in single quotes.
func javaPattern(format string) string {
	var b strings.Builder
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			b.WriteString("'" + strings.ReplaceAll(lit.String(), "'", "''") + "'")
			lit.Reset()
		}
	}
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			flush()
			b.WriteString(strftimeCodes[format[i+1]])
			i++
			continue
		}
		c := format[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '\'' {
			lit.WriteByte(c)
			continue
		}
		flush()
		b.WriteByte(c)
	}
	flush()
	return b.String()
}

// dateLit is a DATE literal for the dt partition column.
func (d Dialect) dateLit(day string) string {
	if d.isClickHouse() {
		return "toDate(" + d.str(day) + ")"
	}
	return "DATE " + d.str(day)
}

// source is the FROM of a dataset: the Parquet files under root for the
// engines that read files, a table for ClickHouse 18 and Trino.
func (d Dialect) source(root, dataset string) string {
	dir := strings.TrimSuffix(root, "/") + "/" + dataset
	switch d {
	case DuckDB:
		return "read_parquet(" + d.str(dir+"/*/*.parquet") + ", hive_partitioning = true)"
	case ClickHouse:
		return "file(" + d.str(dir+"/*/*.parquet") + ", Parquet)"
	case Spark:
		return "parquet.`" + strings.ReplaceAll(dir, "`", "``") + "`"
	}
	return d.ident(TableName(dataset))
}

// TableName is the table a dataset is loaded into where the engine reads
// tables rather than files (ClickHouse 18, Trino): Endpoint.Registry is
// endpoint_registry.
func TableName(dataset string) string {
	return strings.ToLower(strings.ReplaceAll(dataset, ".", "_"))
}

// hasDt reports whether the source has the hive dt partition column.
func (d Dialect) hasDt() bool { return d != ClickHouse18 }

// valuesAgg is values(x): the distinct non-null values sorted byte-wise.
func (d Dialect) valuesAgg(x string) string {
	switch d {
	case DuckDB:
		return "list_sort(list(DISTINCT " + x + ") FILTER (WHERE " + x + " IS NOT NULL))"
	case ClickHouse, ClickHouse18:
		return "arraySort(groupUniqArray(" + x + "))"
	case Spark:
		return "array_sort(collect_set(" + x + "))"
	}
	return "array_sort(array_agg(DISTINCT " + x + ") FILTER (WHERE " + x + " IS NOT NULL))"
}

// dcAgg is dc(x), exact. ClickHouse 18.16's uniqExact of a Nullable
// column with no value is null (measured on the cluster), minispl's dc 0.
func (d Dialect) dcAgg(x string) string {
	switch d {
	case ClickHouse18:
		return "ifNull(uniqExact(" + x + "), 0)"
	case ClickHouse:
		return "uniqExact(" + x + ")"
	}
	return "count(DISTINCT " + x + ")"
}

// countAll is count of rows.
func (d Dialect) countAll() string {
	if d.isClickHouse() {
		return "count()"
	}
	return "count(*)"
}

// charLength is the length of a string in characters (eval len()).
func (d Dialect) charLength(x string) string {
	switch d {
	case ClickHouse, ClickHouse18:
		return "lengthUTF8(" + x + ")"
	case Spark:
		return "char_length(" + x + ")"
	}
	return "length(" + x + ")"
}

// nullBool is a typed null boolean (ClickHouse has no nullable BOOLEAN
// before 22; its conditions are UInt8).
func (d Dialect) nullBool() string {
	if d.isClickHouse() {
		return "CAST(NULL AS Nullable(UInt8))"
	}
	return "CAST(NULL AS BOOLEAN)"
}

// nullString is a typed null string.
func (d Dialect) nullString() string {
	switch d {
	case ClickHouse, ClickHouse18:
		return "CAST(NULL AS Nullable(String))"
	case Spark:
		return "CAST(NULL AS STRING)"
	}
	return "CAST(NULL AS VARCHAR)"
}

// boolLit is the literal true or false: ClickHouse 18.16 has no TRUE and
// FALSE ("Unknown identifier: TRUE"); its conditions are UInt8 1 and 0.
func (d Dialect) boolLit(b bool) string {
	switch {
	case d == ClickHouse18 && b:
		return "1"
	case d == ClickHouse18:
		return "0"
	case b:
		return "TRUE"
	}
	return "FALSE"
}

// emptySource is a relation with the columns DuckDB's read_parquet gives
// a dataset's summaries (_time TIMESTAMPTZ, the fields VARCHAR, dt DATE)
// and no row.
func (d Dialect) emptySource(ds *datamodel.Dataset) string {
	cols := []string{"CAST(NULL AS TIMESTAMPTZ) AS " + d.ident(datamodel.FieldTime)}
	for _, f := range ds.Schema().Fields()[1:] {
		cols = append(cols, "CAST(NULL AS VARCHAR) AS "+d.ident(f.Name))
	}
	cols = append(cols, "CAST(NULL AS DATE) AS "+d.ident("dt"))
	return "(SELECT " + strings.Join(cols, ", ") + " WHERE FALSE) AS __empty"
}
