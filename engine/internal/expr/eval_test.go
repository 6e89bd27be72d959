package expr

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// parseExpr parses an eval expression through the eval command.
func parseExpr(t testing.TB, expr string) spl.Expr {
	t.Helper()
	p, err := spl.Parse("| tstats count from datamodel=Endpoint.Registry | eval r=" + expr)
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	ev, ok := p.Commands[1].(*spl.Eval)
	if !ok || len(ev.Assignments) != 1 {
		t.Fatalf("parse %q: got %s", expr, p.Commands[1])
	}
	return ev.Assignments[0].Expr
}

// exprBatch is one batch of two rows with fields of every kind:
//
//	s:   "Hello", "abc"      (utf8)
//	n:   "42", "7"           (utf8 that parses as numbers)
//	f:   2.555, -2.5         (float64)
//	mv:  [b a b], [x]        (list<utf8>)
//	nul: null, null          (utf8)
//	ip:  "10.1.2.3", "fe80::1"
func exprBatch(t testing.TB, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	str := func(vals ...string) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for _, v := range vals {
			if v == "<null>" {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		return b.NewArray()
	}
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{2.555, -2.5}, nil)
	f := fb.NewArray()
	fb.Release()
	lb := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	vb := lb.ValueBuilder().(*array.StringBuilder)
	lb.Append(true)
	vb.AppendValues([]string{"b", "a", "b"}, nil)
	lb.Append(true)
	vb.Append("x")
	mv := lb.NewArray()
	lb.Release()
	cols := []arrow.Array{str("Hello", "abc"), str("42", "7"), f, mv, str("<null>", "<null>"), str("10.1.2.3", "fe80::1")}
	names := []string{"s", "n", "f", "mv", "nul", "ip"}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: names[i], Type: c.DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 2)
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// evalRows compiles and evaluates expr over exprBatch and renders each row
// as "<null>", "T"/"F" for booleans, or the values joined by ";".
func evalRows(t *testing.T, expr string) ([]string, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := exprBatch(t, mem)
	defer b.Release()
	fields := value.SchemaFields(b.Schema())
	c := &EvalCompiler{Resolve: func(f string) int { return slices.Index(fields, f) }}
	ev, err := c.Compile(parseExpr(t, expr))
	if err != nil {
		return nil, err
	}
	ctx := NewCtx(c.Nodes, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), time.UTC)
	ctx.SetBatch(b)
	v, err := ev.Eval(ctx)
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	var out []string
	for i := 0; i < v.Len(); i++ {
		switch v.Kinds[i] {
		case value.KindNull:
			out = append(out, "<null>")
		case value.KindBool:
			if v.Nums[i] != 0 {
				out = append(out, "T")
			} else {
				out = append(out, "F")
			}
		default:
			out = append(out, strings.Join(v.Values(i, nil), ";"))
		}
	}
	return out, nil
}

func TestEvalExpressions(t *testing.T) {
	tests := []struct {
		expr string
		want string // rows joined by " | "
	}{
		// Operators.
		{`n + 1`, "43 | 8"},
		{`n . 1`, "421 | 71"},
		{`s + "!"`, "Hello! | abc!"},
		{`"10" + "5"`, "105 | 105"},
		{`s + 1`, "<null> | <null>"},
		{`n / 0`, "<null> | <null>"},
		{`n % 5`, "2 | 2"},
		{`-f`, "-2.555 | 2.5"},
		{`nul + 1`, "<null> | <null>"},
		{`nul . "x"`, "<null> | <null>"},
		{`n > 8`, "T | F"},
		{`n > "8"`, "F | F"}, // string literal: byte-wise "42" < "8"
		{`s = "hello"`, "F | F"},
		{`s == "Hello"`, "T | F"},
		{`s != "Hello"`, "F | T"},
		{`nul = "x"`, "<null> | <null>"},
		{`nul != "x"`, "<null> | <null>"},
		{`mv = "a"`, "T | F"},
		{`mv != "b"`, "T | T"},
		{`s < "a"`, "T | F"},
		{`s LIKE "H%o"`, "T | F"},
		{`s LIKE "h%"`, "F | F"},
		{`s LIKE "a_c"`, "F | T"},
		{`s IN ("abc", "x")`, "F | T"},
		{`n IN (42, 8)`, "T | F"},
		{`nul IN ("a")`, "<null> | <null>"},
		// IN matches as = does: case-sensitive; a number against a number
		// numerically, against a string by its text; any value of a
		// multivalue; members that are expressions compared row by row.
		{`s IN ("hello", "ABC")`, "F | F"},
		{`n IN ("42")`, "T | F"},
		{`n IN ("042", 42.0)`, "T | F"},
		{`tostring(n) IN (7)`, "F | T"},
		{`f IN ("2.555")`, "T | F"},
		{`mv IN ("a", "y")`, "T | F"},
		{`s IN ("zzz", s)`, "T | T"},
		{`s IN (nul)`, "F | F"},
		{`n IN (nul, 7, n + 0)`, "T | T"},
		{`NOT isnull(nul)`, "F | F"},
		{`nul = "x" OR true()`, "T | T"},
		{`nul = "x" AND false()`, "F | F"},
		{`nul = "x" AND true()`, "<null> | <null>"},
		{`nul = "x" OR false()`, "<null> | <null>"},
		{`NOT nul = "x"`, "<null> | <null>"},
		{`true() XOR n > 8`, "F | T"},
		{`nosuchfield`, "<null> | <null>"},

		// Conditional functions.
		{`if(n > 8, "big", "small")`, "big | small"},
		{`if(nul = "x", "y", "n")`, "n | n"},
		{`case(n = 42, "a", n = 1, "b")`, "a | <null>"},
		{`case(n = 42, "a", true(), "other")`, "a | other"},
		{`coalesce(nul, s)`, "Hello | abc"},
		{`ifnull(nul, nul)`, "<null> | <null>"},
		{`nullif(s, "abc")`, "Hello | <null>"},
		{`isnull(nul)`, "T | T"},
		{`isnotnull(s)`, "T | T"},
		{`isnum(n)`, "T | T"},
		{`isnum("42")`, "F | F"},
		{`isstr(s)`, "T | T"},
		{`isint(f)`, "F | F"},
		{`null()`, "<null> | <null>"},
		{`typeof(n)`, "Number | Number"},
		{`typeof(s)`, "String | String"},
		{`typeof(nul)`, "Invalid | Invalid"},
		{`typeof(1 < 2)`, "Bool | Bool"},
		{`like(s, "%l%")`, "T | F"},
		{`match(s, "^H.l+")`, "T | F"},
		{`match(s, "b")`, "F | T"},
		{`match(s, "(?<first>H)")`, "T | F"},
		{`match(mv, "^a$")`, "T | F"},
		{`in(s, "abc")`, "F | T"},
		{`in(n, "7", 42)`, "T | T"},
		{`cidrmatch("10.0.0.0/8", ip)`, "T | F"},
		{`cidrmatch("fe80::/10", ip)`, "F | T"},
		{`validate(n > 8, "too small")`, "<null> | too small"},

		// String functions.
		{`lower(s)`, "hello | abc"},
		{`upper(s)`, "HELLO | ABC"},
		{`upper(mv)`, "B;A;B | X"},
		{`len(s)`, "5 | 3"},
		{`len("héllo")`, "5 | 5"},
		{`len(nul)`, "<null> | <null>"},
		{`substr("string", 1, 3)`, "str | str"},
		{`substr("string", -3)`, "ing | ing"},
		{`substr("string", 1, 3) + substr("string", -3)`, "string | string"},
		{`substr("string", 0, 2)`, "s | s"},
		{`substr("string", 10)`, " | "},
		{`trim("  a b\t")`, "a b | a b"},
		{`trim("xxaxx", "x")`, "a | a"},
		{`ltrim("xxaxx", "x")`, "axx | axx"},
		{`rtrim("xxaxx", "x")`, "xxa | xxa"},
		{`replace(s, "l", "L")`, "HeLLo | abc"},
		{`replace(s, "(H)(e)", "\2\1")`, "eHllo | abc"},
		{`replace("a$b", "\$", "$$")`, "a$$b | a$$b"},
		{`tostring(1 == 1)`, "True | True"},
		{`tostring(15, "hex")`, "0xF | 0xF"},
		{`tostring(12345.6789, "commas")`, "12,345.68 | 12,345.68"},
		{`tostring(1234567, "commas")`, "1,234,567 | 1,234,567"},
		{`tostring(3661, "duration")`, "01:01:01 | 01:01:01"},
		{`tostring(90061, "duration")`, "1+01:01:01 | 1+01:01:01"},
		{`tostring(1==1) + " " + tostring(15,"hex") + " " + tostring(12345.6789,"commas")`, "True 0xF 12,345.68 | True 0xF 12,345.68"},
		{`tostring(n)`, "42 | 7"},
		{`tonumber("0x1F", 16)`, "31 | 31"},
		{`tonumber("101", 2)`, "5 | 5"},
		{`tonumber(n) + 1`, "43 | 8"},
		{`tonumber(s)`, "<null> | <null>"},
		{`tonumber("3.5")`, "3.5 | 3.5"},
		{`urldecode("a%20b+c")`, "a b c | a b c"},
		{`md5("abc")`, "900150983cd24fb0d6963f7d28e17f72 | 900150983cd24fb0d6963f7d28e17f72"},
		{`sha256("")`, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},

		// Multivalue functions.
		{`mvcount(mv)`, "3 | 1"},
		{`mvcount(nul)`, "<null> | <null>"},
		{`mvcount(s)`, "1 | 1"},
		{`mvindex(mv, 0)`, "b | x"},
		{`mvindex(mv, -1)`, "b | x"},
		{`mvindex(mv, 1, 2)`, "a;b | <null>"},
		{`mvindex(mv, 5)`, "<null> | <null>"},
		{`mvindex(mv, -4)`, "<null> | <null>"},
		{`mvfind(mv, "a")`, "1 | <null>"},
		{`mvjoin(mv, ",")`, "b,a,b | x"},
		{`mvappend(s, mv, nul)`, "Hello;b;a;b | abc;x"},
		{`mvappend(nul)`, "<null> | <null>"},
		{`mvdedup(mv)`, "b;a | x"},
		{`mvsort(mv)`, "a;b;b | x"},
		{`mvzip(mv, mv, "-")`, "b-b;a-a;b-b | x-x"},
		{`mvzip(mv, s)`, "b,Hello | x,abc"},
		{`split("a,b,,c", ",")`, "a;b;;c | a;b;;c"},
		{`split(s, "l")`, "He;;o | abc"},
		{`mvfilter(mv != "b")`, "a | x"},
		{`mvfilter(match(mv, "^z"))`, "<null> | <null>"},

		// Math functions.
		{`round(2.555, 2)`, "2.56 | 2.56"},
		{`round(f, 2)`, "2.56 | -2.5"},
		{`round(3.5)`, "4 | 4"},
		{`round(f)`, "3 | -3"},
		{`round(-2.5)`, "-3 | -3"},
		{`round(9.995, 2)`, "10 | 10"},
		{`round(1.005, 2)`, "1.01 | 1.01"},
		{`round(1234, -2)`, "1200 | 1200"},
		{`floor(f)`, "2 | -3"},
		{`ceil(f)`, "3 | -2"},
		{`ceiling(f)`, "3 | -2"},
		{`abs(f)`, "2.555 | 2.5"},
		{`pow(2, 10)`, "1024 | 1024"},
		{`sqrt(16)`, "4 | 4"},
		{`sqrt(-1)`, "<null> | <null>"},
		{`exp(0)`, "1 | 1"},
		{`ln(1)`, "0 | 0"},
		{`ln(0)`, "<null> | <null>"},
		{`log(100)`, "2 | 2"},
		{`log(8, 2)`, "3 | 3"},
		{`min(3, 1, 2)`, "1 | 1"},
		{`max(3, 1, 2)`, "3 | 3"},
		{`min(n, "z", 100)`, "42 | 7"},
		{`max(n, "z", 100)`, "z | z"},
		{`max(n, nul)`, "42 | 7"},
		{`abs(s)`, "<null> | <null>"},

		// Precision (arithNode): + and - round to the larger number of
		// decimals of the operands, * to the fewest significant figures
		// of its operands with decimals (value.ProductDecimals, never into the
		// integer digits; an integer operand is exact); / and functions keep
		// full precision; exact() keeps it everywhere inside. Trailing
		// zeros are not printed (2.50 + 1 is 3.5).
		{`1727705109.547 - 1727699298.67`, "5810.877 | 5810.877"},
		{`exact(1727705109.547 - 1727699298.67)`, "5810.8769998550415 | 5810.8769998550415"},
		{`0.1 + 0.2`, "0.3 | 0.3"},
		{`exact(0.1 + 0.2)`, "0.30000000000000004 | 0.30000000000000004"},
		{`exact(0.1) + 0.2`, "0.30000000000000004 | 0.30000000000000004"},
		{`0.3 - (0.1 + 0.2)`, "0 | 0"},
		{`0.1 + 0.2 = 0.3`, "T | T"},
		{`2.50 + 1`, "3.5 | 3.5"},
		{`1.1 * 1.1`, "1.2 | 1.2"},       // 2 figures of 1.21
		{`1.1 * 1.1 * 1.1`, "1.3 | 1.3"}, // 1.2 (2 figures) * 1.1 = 1.32
		{`exact(1.1 * 1.1)`, "1.2100000000000002 | 1.2100000000000002"},
		{`3 * 0.5`, "2 | 2"}, // Community:BadMath
		{`exact(3 * 0.5)`, "1.5 | 1.5"},
		{`3 / 2`, "1.5 | 1.5"},
		{`0.014 * 0.23`, "0.0032 | 0.0032"}, // 2 figures of 0.00322
		{`0.014 * 0.230`, "0.0032 | 0.0032"},
		{`0.0140 * 0.230`, "0.00322 | 0.00322"},
		{`1.00 * 1111`, "1111 | 1111"}, // sigfig's doc: not 1110
		{`2 * 0.90`, "1.8 | 1.8"},
		{`2 * 0.99`, "2 | 2"},
		{`1100 * 0.9`, "990 | 990"},
		{`2.1 * 1024`, "2150 | 2150"},
		{`2.1000 * 1024`, "2150.4 | 2150.4"},
		{`2.1 * 1024.1`, "2151 | 2151"},
		{`2.10000 * 1024.1`, "2150.6 | 2150.6"},
		{`2.10000 * 1024.10`, "2150.61 | 2150.61"},
		{`6 * 7`, "42 | 42"},
		{`0.5 * 0.2`, "0.1 | 0.1"},
		{`0.0 * 2.5`, "0 | 0"},
		{`-0.014 * 0.23`, "-0.0032 | -0.0032"},
		{`pi()`, "3.14159265359 | 3.14159265359"},
		{`pi() * 2`, "6.28318530718 | 6.28318530718"},
		{`typeof(12) . typeof("string") . typeof(1==2) . typeof(badfield)`, "NumberStringBoolInvalid | NumberStringBoolInvalid"},
		{`-(0.1 + 0.2) + 0.3`, "0 | 0"},
		{`f * 3`, "7.665 | -7.5"},
		{`f - 0.005`, "2.55 | -2.505"},
		{`n - 0.5`, "41.5 | 6.5"},
		{`1 / 3`, "0.3333333333333333 | 0.3333333333333333"},
		{`sqrt(2) + 1`, "2.414213562373095 | 2.414213562373095"},
		{`1.5e-3 + 0.0001`, "0.0016 | 0.0016"},
		{`1e300 * 10`, "1e+301 | 1e+301"},
		{`1e309 - 1e309`, "nan | nan"},
		// NaN (inf - inf) is unordered: equal to nothing, itself included,
		// neither less nor greater than any number; against a string it
		// compares by its text "nan", as any number does.
		{`(1e309 - 1e309) = (1e309 - 1e309)`, "F | F"},
		{`(1e309 - 1e309) != (1e309 - 1e309)`, "T | T"},
		{`(1e309 - 1e309) < 1`, "F | F"},
		{`(1e309 - 1e309) <= 1`, "F | F"},
		{`(1e309 - 1e309) > 1`, "F | F"},
		{`(1e309 - 1e309) >= 1`, "F | F"},
		{`1 >= (1e309 - 1e309)`, "F | F"},
		{`(1e309 - 1e309) IN (1, 2)`, "F | F"},
		{`in(1e309 - 1e309, 1e309 - 1e309, 1)`, "F | F"},
		{`(1e309 - 1e309) = "nan"`, "T | T"},
		{`min(1e309 - 1e309, 3)`, "3 | 3"},
		{`max(3, 1e309 - 1e309)`, "3 | 3"},
		{`max(1e309 - 1e309, 3)`, "3 | 3"},
		{`min(1e309 - 1e309)`, "nan | nan"},

		// Time functions (now is 2024-05-01T12:00:00Z, zone UTC).
		{`now()`, "1714564800 | 1714564800"},
		{`strftime(0, "%Y-%m-%dT%H:%M:%S")`, "1970-01-01T00:00:00 | 1970-01-01T00:00:00"},
		{`strptime("2024-05-01 12:00:00", "%Y-%m-%d %H:%M:%S")`, "1714564800 | 1714564800"},
		{`strptime("2024-05-01T12:00:00.250+0200", "%Y-%m-%dT%H:%M:%S.%3N%z")`, "1714557600.25 | 1714557600.25"},
		{`strptime("05/01/24 01:02 PM", "%m/%d/%y %I:%M %p")`, "1714568520 | 1714568520"},
		{`strptime("01 May 2024", "%d %b %Y")`, "1714521600 | 1714521600"},
		{`strptime("2024-02-30", "%Y-%m-%d")`, "<null> | <null>"},
		{`strptime("junk", "%Y")`, "<null> | <null>"},
		{`relative_time(now(), "-1d@d")`, "1714435200 | 1714435200"},
		{`relative_time(1714564800.5, "-1h")`, "1714561200.5 | 1714561200.5"},
		{`relative_time(now(), "@mon")`, "1714521600 | 1714521600"},
		{`relative_time(nul, "-1d")`, "<null> | <null>"},
		{`strptime(strftime(1714564800, "%F %T"), "%F %T")`, "1714564800 | 1714564800"},
		{`strftime(0, "%c")`, "Thu Jan  1 00:00:00 1970 | Thu Jan  1 00:00:00 1970"},
		{`strftime(1714564800.25, "%+|%f")`, "Wed May  1 12:00:00 UTC 2024|250000 | Wed May  1 12:00:00 UTC 2024|250000"},

		// split() splits every value of a multivalue; mvrange.
		{`split("a;b", ";")`, "a;b | a;b"},
		{`mvcount(split(mv, ";"))`, "3 | 1"},
		{`mvjoin(split(mvappend("a;b", "c", ";d"), ";"), ",")`, "a,b,c,,d | a,b,c,,d"},
		{`mvjoin(split("abc", ""), ",")`, "a,b,c | a,b,c"},
		{`split(nul, ";")`, "<null> | <null>"},
		{`mvjoin(mvrange(1, 11, 2), ",")`, "1,3,5,7,9 | 1,3,5,7,9"},
		{`mvjoin(mvrange(1, 4), ",")`, "1,2,3 | 1,2,3"},
		{`mvjoin(mvrange(0, 1, 0.25), ",")`, "0,0.25,0.5,0.75 | 0,0.25,0.5,0.75"},
		{`mvjoin(mvrange(0, 0.5, 0.1), ",")`, "0,0.1,0.2,0.3,0.4 | 0,0.1,0.2,0.3,0.4"},
		{`mvjoin(mvrange(5, 1, -2), ",")`, "5,3 | 5,3"},
		{`mvrange(1, 5, 0)`, "<null> | <null>"},
		{`mvrange(1, 5, -1)`, "<null> | <null>"},
		{`mvrange(3, 3)`, "<null> | <null>"},
		{`mvrange(1, 2)`, "1 | 1"},
		{`mvjoin(mvrange(0, 1209601, "7d"), ",")`, "0,604800,1209600 | 0,604800,1209600"},
		{`mvcount(mvrange(1514834731, 1524134919, "7d"))`, "16 | 16"},
		{`mvrange(1, 5, "bogus")`, "<null> | <null>"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := evalRows(t, tc.expr)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			if g := strings.Join(got, " | "); g != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, g, tc.want)
			}
		})
	}
}

func TestEvalPlanErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{`match(s, "a++")`, "possessive quantifier at offset 1"},
		{`match(s, "ab\Kc")`, `\K (keep-out) at offset 2`},
		{`match(s, "(?|a)")`, "branch reset (?|...) at offset 0"},
		{`match(s, "a(?1)")`, "recursion at offset 1"},
		{`replace(s, "\Gx", "")`, `\G at offset 0`},
		{`match(s, "(?<=a")`, "invalid regex"},
		{`match(s, "a[")`, "invalid regex"},
		{`lenn(s)`, "unknown eval function lenn(); did you mean len()"},
		{`frobnicate(s)`, "unknown eval function frobnicate()"},
		{`searchmatch("x")`, "unsupported eval function searchmatch()"},
		{`len(s, 1)`, "len() takes 1 argument, got 2"},
		{`if(s, 1, 2)`, "argument 1 of if() must be a boolean expression"},
		{`substr(s)`, "substr() takes 2 to 3 arguments, got 1"},
		{`case(true(), 1, false())`, "condition, value pairs"},
		{`tonumber("seven")`, `"seven" is not a number in base 10`},
		{`tonumber("1", 99)`, "base"},
		{`tostring(1, "fancy")`, "unknown format"},
		{`cidrmatch("10.0.0.0/33", ip)`, "cidrmatch"},
		{`mvfilter(s = n)`, "exactly one field"},
		{`s AND true()`, "the left operand of AND must be a boolean expression"},
		{`relative_time(now(), "-1x")`, "relative_time: invalid time modifier"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := evalRows(t, tc.expr)
			if err == nil {
				t.Fatalf("%s: no error, want %q", tc.expr, tc.want)
			}
			se, ok := err.(*spl.Error)
			if !ok {
				t.Fatalf("%s: error %T %v is not an *spl.Error", tc.expr, err, err)
			}
			if !strings.Contains(se.Msg, tc.want) {
				t.Errorf("%s: error %q does not contain %q", tc.expr, se.Msg, tc.want)
			}
			if se.Pos == (spl.Span{}) {
				t.Errorf("%s: error %q has no position", tc.expr, se.Msg)
			}
		})
	}
}

func TestLikeMatch(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"abc", "abc", true},
		{"abc", "ab", false},
		{"abc", "a%", true},
		{"abc", "%c", true},
		{"abc", "%b%", true},
		{"abc", "a_c", true},
		{"abc", "a__c", false},
		{"aXbXc", "a%b%c", true},
		{"ab", "a%b%c", false},
		{"héllo", "h_llo", true},
		{"", "%", true},
		{"", "_", false},
		{"ABC", "abc", false},
		{"mississippi", "%iss%ppi", true},
	}
	for _, tc := range tests {
		if got := likeMatch(tc.s, tc.p); got != tc.want {
			t.Errorf("likeMatch(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
		k, lit := classifyLike(tc.p)
		n := &likeNode{lit: true, kind: k, pat: lit}
		if got := n.test(tc.s, tc.p); got != tc.want {
			t.Errorf("classified like(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
	}
}

func TestRoundDecimal(t *testing.T) {
	tests := []struct {
		f    float64
		n    int
		want string
	}{
		{2.555, 2, "2.56"}, {3.5, 0, "4"}, {-2.5, 0, "-3"}, {2.4, 0, "2"},
		{0.125, 2, "0.13"}, {1.005, 2, "1.01"}, {99.99, 1, "100"}, {5, 2, "5"},
		{-0.0049, 2, "0"}, {1e20, 2, "100000000000000000000"}, {1250, -2, "1300"},
	}
	for _, tc := range tests {
		if got := value.FormatNumber(roundDecimal(tc.f, tc.n)); got != tc.want {
			t.Errorf("round(%v, %d) = %s, want %s", tc.f, tc.n, got, tc.want)
		}
	}
}
