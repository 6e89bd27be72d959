package sqlgen

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	mquery "github.com/minispl/minispl/query"
)

// TestStringLiteral checks the string layer of each dialect (scale-out.md
// §8.1) on the value C:\Win'x (one backslash, one quote):
//   - DuckDB and Trino literals have no backslash escapes: \ stays, ' doubles.
//   - ClickHouse (both versions) and Spark unescape literals: \ becomes \\,
//     ' becomes \'.
func TestStringLiteral(t *testing.T) {
	v := `C:\Win'x`
	want := map[Dialect]string{
		DuckDB:       `'C:\Win''x'`,
		Trino:        `'C:\Win''x'`,
		ClickHouse:   `'C:\\Win\'x'`,
		ClickHouse18: `'C:\\Win\'x'`,
		Spark:        `'C:\\Win\'x'`,
	}
	for d, w := range want {
		if got := d.str(v); got != w {
			t.Errorf("%s: str(%q) = %s, want %s", d, v, got, w)
		}
	}
}

// TestLikeLiteral checks the LIKE layer on a_b%c^d\e: the others escape %
// _ and the escape character ^ with ^ (ESCAPE '^'), and leave \ alone
// (their LIKE has no backslash escape once ESCAPE names ^); ClickHouse
// escapes % _ and \ with \ and leaves ^ alone.
func TestLikeLiteral(t *testing.T) {
	v := `a_b%c^d\e`
	for _, d := range []Dialect{DuckDB, Spark, Trino} {
		if got, want := d.likeLiteral(v), `a^_b^%c^^d\e`; got != want {
			t.Errorf("%s: likeLiteral(%q) = %s, want %s", d, v, got, want)
		}
	}
	for _, d := range []Dialect{ClickHouse, ClickHouse18} {
		if got, want := d.likeLiteral(v), `a\_b\%c^d\\e`; got != want {
			t.Errorf("%s: likeLiteral(%q) = %s, want %s", d, v, got, want)
		}
	}
}

// TestGlobLike checks both layers together on the glob *\SYSTEM\a_b*
// (SPL "*\\SYSTEM\\a_b*"): * becomes %, the _ is escaped, then the
// literal layer applies. In ClickHouse the LIKE layer gives
// %\\SYSTEM\\a\_b% and the literal layer doubles every backslash:
// '%\\\\SYSTEM\\\\a\\_b%' (the form scale-out.md §7.2 ran on 18.16 and
// 26.7). In DuckDB the pattern is %\SYSTEM\a^_b% as is (§7.1).
func TestGlobLike(t *testing.T) {
	g := `*\SYSTEM\a_b*`
	want := map[Dialect]string{
		DuckDB:       `lower(x) LIKE lower('%\SYSTEM\a^_b%') ESCAPE '^'`,
		Trino:        `lower(x) LIKE lower('%\SYSTEM\a^_b%') ESCAPE '^'`,
		Spark:        `lower(x) LIKE lower('%\\SYSTEM\\a^_b%') ESCAPE '^'`,
		ClickHouse:   `lowerUTF8(x) LIKE lowerUTF8('%\\\\SYSTEM\\\\a\\_b%')`,
		ClickHouse18: `lowerUTF8(x) LIKE lowerUTF8('%\\\\SYSTEM\\\\a\\_b%')`,
	}
	for d, w := range want {
		if got := d.globLike("x", g); got != w {
			t.Errorf("%s: globLike = %s\nwant %s", d, got, w)
		}
	}
}

// TestJavaPattern: strftime codes become Java/Joda letters, other letters
// are quoted literal text, punctuation stays.
func TestJavaPattern(t *testing.T) {
	for in, want := range map[string]string{
		"%Y-%m-%dT%H:%M:%S": "yyyy-MM-dd'T'HH:mm:ss",
		"%d/%m/%Y at %H":    "dd/MM/yyyy 'at' HH",
	} {
		if got := javaPattern(in); got != want {
			t.Errorf("javaPattern(%q) = %q, want %q", in, got, want)
		}
	}
	if c := strftimeSupported("%Y %b"); c != "%b" {
		t.Errorf("strftimeSupported: %q, want %%b", c)
	}
}

func plan(t *testing.T, text string) *engine.Plan {
	t.Helper()
	env := mquery.NewEnv(mquery.Options{Macros: macros.Default(), Engine: engine.Options{
		Earliest: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), Latest: time.Date(2024, 10, 2, 12, 0, 0, 0, time.UTC)}})
	q, err := env.Compile(text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return q.Plan
}

// seed is the RMS seed search (scale-out.md §7) with the ESCU macros
// written out, in a window of 2024-10-01T00:00Z to 2024-10-02T12:00Z.
const seed = `| tstats fillnull_value=null count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path="*\\SYSTEM\\Remote Manipulator System*" by Registry.registry_key_name Registry.dest | rename "Registry.*" as * | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) ctime(lastTime) | search *`

// TestSeedDuckDB is the seed in DuckDB, worked out from scale-out.md §7.1:
//   - the window: epoch_ms(_time) in [1727740800000, 1727870400000)
//     (2024-10-01T00:00Z is 1727740800 s; +36 h is 1727870400 s), and dt
//     from 2024-10-01 to 2024-10-02 (the day of the last millisecond);
//   - the glob lowered on both sides, ESCAPE '^', backslashes as is;
//   - fillnull_value=null: coalesce in SELECT and GROUP BY, no IS NOT NULL;
//   - min/max of _time in epoch milliseconds, formatted in UTC with
//     strftime (%S floors the milliseconds, as ctime);
//   - search * adds nothing; ORDER BY the keys.
func TestSeedDuckDB(t *testing.T) {
	got, err := Compile(plan(t, seed), DuckDB, Options{Root: "cim"})
	if err != nil {
		t.Fatal(err)
	}
	want := `SELECT __k0 AS "registry_key_name",
       __k1 AS "dest",
       __a0 AS "count",
       strftime(epoch_ms(__a1), '%Y-%m-%dT%H:%M:%S') AS "firstTime",
       strftime(epoch_ms(__a2), '%Y-%m-%dT%H:%M:%S') AS "lastTime"
FROM (
  SELECT coalesce("registry_key_name", 'null') AS __k0,
         coalesce("dest", 'null') AS __k1,
         count(*) AS __a0,
         min(epoch_ms("_time")) AS __a1,
         max(epoch_ms("_time")) AS __a2
  FROM read_parquet('cim/Endpoint.Registry/*/*.parquet', hive_partitioning = true)
  WHERE epoch_ms("_time") >= 1727740800000
    AND "dt" >= DATE '2024-10-01'
    AND epoch_ms("_time") < 1727870400000
    AND "dt" <= DATE '2024-10-02'
    AND ("registry_path" IS NOT NULL AND (lower("registry_path") LIKE lower('%\SYSTEM\Remote Manipulator System%') ESCAPE '^'))
  GROUP BY coalesce("registry_key_name", 'null'), coalesce("dest", 'null')
) AS t
ORDER BY __k0, __k1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSeedClickHouse18 is the seed on the 18.16 cluster table
// (scale-out.md §7.2): _time_ms Int64, no dt, backslashes doubled twice,
// %M is minutes in 18.16 (it stays %M; the modern dialect writes %i).
func TestSeedClickHouse18(t *testing.T) {
	got, err := Compile(plan(t, seed), ClickHouse18, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{
		"FROM `endpoint_registry`",
		"WHERE `_time_ms` >= 1727740800000\n    AND `_time_ms` < 1727870400000\n",
		`lowerUTF8(` + "`registry_path`" + `) LIKE lowerUTF8('%\\\\SYSTEM\\\\Remote Manipulator System%')`,
		`formatDateTime(toDateTime(intDiv(__a1, 1000), 'UTC'), '%Y-%m-%dT%H:%M:%S', 'UTC') AS ` + "`firstTime`",
		"count() AS __a0",
	} {
		if !strings.Contains(got, part) {
			t.Errorf("missing %q in\n%s", part, got)
		}
	}
	mod, _ := Compile(plan(t, seed), ClickHouse, Options{Root: "cim"})
	if !strings.Contains(mod, "'%Y-%m-%dT%H:%i:%S'") {
		t.Errorf("clickhouse (23.4+) must write minutes as %%i:\n%s", mod)
	}
}

// TestNullsTwoValued: NOT f=v is true where f is null in minispl, so the
// leaf must be (f IS NOT NULL AND ...) inside the NOT, never a bare LIKE
// whose NULL would drop the row.
func TestNullsTwoValued(t *testing.T) {
	got, err := Compile(plan(t, `| tstats count FROM datamodel=Endpoint.Processes where NOT Processes.process_name="cmd.exe" by Processes.dest`), DuckDB, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `(NOT ("process_name" IS NOT NULL AND (lower("process_name") LIKE lower('cmd.exe') ESCAPE '^')))`
	if !strings.Contains(got, want) {
		t.Errorf("missing %s in\n%s", want, got)
	}
	if !strings.Contains(got, `"dest" IS NOT NULL`) {
		t.Errorf("BY field without IS NOT NULL:\n%s", got)
	}
}

// TestUnsupported: each search names the construct that stops it.
func TestUnsupported(t *testing.T) {
	const ts = `| tstats count min(_time) as firstTime FROM datamodel=Endpoint.Processes by Processes.dest Processes.process_name`
	for _, c := range []struct {
		search, construct string
		d                 Dialect
	}{
		{ts + ` | sort - count`, "sort", DuckDB},
		{ts + ` | stats median(count) by Processes.dest`, "stats function median()", DuckDB},
		{ts + ` | eventstats count by Processes.dest`, "eventstats", DuckDB},
		{`| tstats latest(Processes.process) as p FROM datamodel=Endpoint.Processes by Processes.dest`, "tstats function latest()", DuckDB},
		{`| tstats count FROM datamodel=Endpoint.Processes by _time span=1d`, "span=1d", DuckDB},
		{ts + ` | where match('Processes.process_name', "a(?i)cmd")`, "match() with (?i) on ClickHouse 18", ClickHouse18},
		{ts + ` | convert ctime(Processes.dest)`, "convert ctime() of a field that is not a time", DuckDB},
		{ts + ` | convert timeformat="%b %d" ctime(firstTime)`, "timeformat code %b", Spark},
		{ts + ` | eval x=round(count)`, "function round()", Trino},
	} {
		_, err := Compile(plan(t, c.search), c.d, Options{})
		var e *Error
		if !errors.As(err, &e) || e.Construct != c.construct {
			t.Errorf("%s (%s): got %v, want construct %q", c.search, c.d, err, c.construct)
		}
	}
}

// TestBoolLiteralClickHouse18: ClickHouse 18.16 has no TRUE or FALSE
// ("Unknown identifier: TRUE"), so its constant conditions are 1 and 0;
// the other dialects keep TRUE and FALSE. The BY field that no event has
// makes tstats drop every row (a constant false), and NOT of a search on
// an absent field is a constant true.
func TestBoolLiteralClickHouse18(t *testing.T) {
	const search = `| tstats count FROM datamodel=Endpoint.Processes by Processes.dest Processes.no_such_field | where isnull(no_such_field) OR true()`
	for _, c := range []struct {
		d          Dialect
		want, lack string
	}{
		{ClickHouse18, "\n    AND 0\n", "FALSE"},
		{ClickHouse, "\n    AND FALSE\n", "AND 0\n"},
		{DuckDB, "\n    AND FALSE\n", "AND 0\n"},
	} {
		got, err := Compile(plan(t, search), c.d, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.d, err)
		}
		if !strings.Contains(got, c.want) || strings.Contains(got, c.lack) {
			t.Errorf("%s: want %q and no %q in\n%s", c.d, c.want, c.lack, got)
		}
		if c.d == ClickHouse18 && strings.Contains(got, "TRUE") {
			t.Errorf("%s: TRUE in\n%s", c.d, got)
		}
	}
}

// TestSeedSpark is the seed in Spark SQL, worked out from scale-out.md
// §7.3 and the dialect's rules; UNTESTED on Spark (none runs here):
//   - identifiers in backquotes (user is also a Spark function);
//   - the window on unix_millis(_time) and the hive dt, as DuckDB's;
//   - literals unescaped by Spark, so \ is written \\ and ' is \' (the
//     Java pattern's quoted T); LIKE with ESCAPE '^', since Spark's default
//     \ escape rejects \S;
//   - ctime as date_format(timestamp_millis(ms), Java pattern), in the
//     session time zone, which must be UTC;
//   - the files as parquet.`DIR/Endpoint.Registry`.
func TestSeedSpark(t *testing.T) {
	got, err := Compile(plan(t, seed), Spark, Options{Root: "cim"})
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT __k0 AS `registry_key_name`,\n" +
		"       __k1 AS `dest`,\n" +
		"       __a0 AS `count`,\n" +
		`       date_format(timestamp_millis(__a1), 'yyyy-MM-dd\'T\'HH:mm:ss') AS ` + "`firstTime`,\n" +
		`       date_format(timestamp_millis(__a2), 'yyyy-MM-dd\'T\'HH:mm:ss') AS ` + "`lastTime`\n" +
		"FROM (\n" +
		"  SELECT coalesce(`registry_key_name`, 'null') AS __k0,\n" +
		"         coalesce(`dest`, 'null') AS __k1,\n" +
		"         count(*) AS __a0,\n" +
		"         min(unix_millis(`_time`)) AS __a1,\n" +
		"         max(unix_millis(`_time`)) AS __a2\n" +
		"  FROM parquet.`cim/Endpoint.Registry`\n" +
		"  WHERE unix_millis(`_time`) >= 1727740800000\n" +
		"    AND `dt` >= DATE '2024-10-01'\n" +
		"    AND unix_millis(`_time`) < 1727870400000\n" +
		"    AND `dt` <= DATE '2024-10-02'\n" +
		"    AND (`registry_path` IS NOT NULL AND (lower(`registry_path`) LIKE lower('%\\\\SYSTEM\\\\Remote Manipulator System%') ESCAPE '^'))\n" +
		"  GROUP BY coalesce(`registry_key_name`, 'null'), coalesce(`dest`, 'null')\n" +
		") AS t\n" +
		"ORDER BY __k0, __k1\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSeedTrino is the seed in Trino, worked out from scale-out.md §7.4
// and the dialect's rules; UNTESTED on Trino (none runs here):
//   - standard literals (\ as is, ' doubled), LIKE with ESCAPE '^';
//   - the table endpoint_registry (a Hive or Iceberg table over the
//     summaries) with its dt partition column;
//   - _time in epoch milliseconds as CAST(to_unixtime(_time) * 1000 AS
//     BIGINT), formatted with format_datetime(from_unixtime(ms / 1000,
//     'UTC'), Joda pattern) rather than date_format's MySQL codes.
func TestSeedTrino(t *testing.T) {
	got, err := Compile(plan(t, seed), Trino, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms := `CAST(to_unixtime("_time") * 1000 AS BIGINT)`
	want := `SELECT __k0 AS "registry_key_name",
       __k1 AS "dest",
       __a0 AS "count",
       format_datetime(from_unixtime(CAST(__a1 AS DOUBLE) / 1000, 'UTC'), 'yyyy-MM-dd''T''HH:mm:ss') AS "firstTime",
       format_datetime(from_unixtime(CAST(__a2 AS DOUBLE) / 1000, 'UTC'), 'yyyy-MM-dd''T''HH:mm:ss') AS "lastTime"
FROM (
  SELECT coalesce("registry_key_name", 'null') AS __k0,
         coalesce("dest", 'null') AS __k1,
         count(*) AS __a0,
         min(` + ms + `) AS __a1,
         max(` + ms + `) AS __a2
  FROM "endpoint_registry"
  WHERE ` + ms + ` >= 1727740800000
    AND "dt" >= DATE '2024-10-01'
    AND ` + ms + ` < 1727870400000
    AND "dt" <= DATE '2024-10-02'
    AND ("registry_path" IS NOT NULL AND (lower("registry_path") LIKE lower('%\SYSTEM\Remote Manipulator System%') ESCAPE '^'))
  GROUP BY coalesce("registry_key_name", 'null'), coalesce("dest", 'null')
) AS t
ORDER BY __k0, __k1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
