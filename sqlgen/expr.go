package sqlgen

import (
	"strconv"
	"strings"

	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/spl"
)

// value is a compiled eval expression: its SQL, its kind and whether it is
// a boolean (SQL three-valued logic is eval's Kleene logic).
type value struct {
	sql  string
	kind kind
	bool bool
	lit  *spl.Literal // set for a literal
}

// kText is a string that is never read as a number (the result of lower()
// and upper()); kString is a field's text, a number when it looks like one.
const kText kind = 100

// boolExpr compiles where's expression.
func (q *query) boolExpr(e spl.Expr) (string, error) {
	v, err := q.expr(e)
	if err != nil {
		return "", err
	}
	if !v.bool {
		return "", unsupported("a where expression that is not a boolean", "%s", e.String())
	}
	return v.sql, nil
}

// eval applies eval's assignments: a field copy or len() only, whose
// values are exact in every dialect.
func (q *query) eval(s *engine.EvalStep) error {
	for _, a := range s.Assigns {
		v, err := q.expr(a.Expr)
		if err != nil {
			return err
		}
		switch x := a.Expr.(type) {
		case *spl.FieldRef:
		case *spl.Call:
			switch x.Func {
			case "len", "lower", "upper", "if", "case", "substr":
			default:
				return unsupported("eval "+x.Func+"()", "")
			}
		case *spl.Binary:
			if x.Op != spl.BinConcat {
				return unsupported("eval of "+exprConstruct(a.Expr), "%s=%s", a.Field, a.Expr.String())
			}
		default:
			return unsupported("eval of "+exprConstruct(a.Expr), "%s=%s", a.Field, a.Expr.String())
		}
		if v.bool || v.kind == kList || v.kind == kTimeMs {
			return unsupported("eval of "+exprConstruct(a.Expr)+" giving a boolean, a time or a multivalue", "%s=%s", a.Field, a.Expr.String())
		}
		// eval writes its value to a column, and every later read of a
		// text column takes a text that looks like a number as a number
		// (value.Column.Load): a pure string is a field's text from here.
		k := v.kind
		if k == kText {
			k = kString
		}
		c := column{name: a.Field, sql: v.sql, kind: k}
		replaced := false
		for i := range q.cols {
			if q.cols[i].name == a.Field {
				q.cols[i] = c
				replaced = true
			}
		}
		if !replaced {
			q.cols = append(q.cols, c)
		}
	}
	return nil
}

// exprConstruct names an expression's construct for an Error.
func exprConstruct(e spl.Expr) string {
	switch e := e.(type) {
	case *spl.Literal:
		return "a literal"
	case *spl.Binary:
		return "operator " + e.Op.String()
	case *spl.Unary:
		return "operator " + e.Op.String()
	case *spl.InList:
		return "IN"
	case *spl.Call:
		return e.Func + "()"
	}
	return "an expression"
}

func (q *query) field(name string) value {
	for _, c := range q.cols {
		if c.name == name {
			return value{sql: c.sql, kind: c.kind}
		}
	}
	return value{sql: "NULL", kind: kNull}
}

// expr compiles an eval expression of where.
func (q *query) expr(e spl.Expr) (value, error) {
	d := q.d
	switch e := e.(type) {
	case *spl.FieldRef:
		return q.field(e.Name), nil
	case *spl.Literal:
		if e.Kind == spl.LitNumber {
			f, ok := parseNumber(e.Text)
			if !ok {
				return value{}, unsupported("number literal "+e.Text, "")
			}
			return value{sql: numLit(f), kind: kNumber, lit: e}, nil
		}
		return value{sql: d.str(e.Text), kind: kText, lit: e}, nil
	case *spl.Unary:
		if lit, ok := e.X.(*spl.Literal); ok && e.Op == spl.UnaryNeg && lit.Kind == spl.LitNumber {
			// A negative number literal.
			f, ok := parseNumber(lit.Text)
			if !ok || strings.HasPrefix(lit.Text, "-") {
				return value{}, unsupported("number literal -"+lit.Text, "")
			}
			neg := &spl.Literal{Kind: spl.LitNumber, Text: "-" + lit.Text}
			return value{sql: "(" + numLit(-f) + ")", kind: kNumber, lit: neg}, nil
		}
		if e.Op != spl.UnaryNot {
			return value{}, unsupported("operator "+e.Op.String(), "%s", e.String())
		}
		x, err := q.expr(e.X)
		if err != nil {
			return value{}, err
		}
		if !x.bool {
			return value{}, unsupported("NOT of a value", "%s", e.String())
		}
		return value{sql: "(NOT " + x.sql + ")", bool: true}, nil
	case *spl.Binary:
		l, err := q.expr(e.Left)
		if err != nil {
			return value{}, err
		}
		r, err := q.expr(e.Right)
		if err != nil {
			return value{}, err
		}
		switch e.Op {
		case spl.BinAnd, spl.BinOr:
			if !l.bool || !r.bool {
				return value{}, unsupported(e.Op.String()+" of values", "%s", e.String())
			}
			return value{sql: "(" + l.sql + " " + e.Op.String() + " " + r.sql + ")", bool: true}, nil
		case spl.BinEq, spl.BinEqEq, spl.BinNe, spl.BinLt, spl.BinLe, spl.BinGt, spl.BinGe:
			return q.compare(e, l, r)
		case spl.BinConcat:
			return q.concat(e, l, r)
		}
		return value{}, unsupported("operator "+e.Op.String(), "%s", e.String())
	case *spl.Call:
		return q.call(e)
	}
	return value{}, unsupported(exprConstruct(e), "%s", e.String())
}

// sqlOp is the SQL text of a comparison operator.
func sqlOp(op spl.BinaryOp) string {
	switch op {
	case spl.BinEq, spl.BinEqEq:
		return "="
	case spl.BinNe:
		return "<>"
	}
	return op.String()
}

// compare compiles = != < <= > >= with eval's rules: two numbers compare
// numerically, anything else as text, byte-wise; a field's text is a
// number when it looks like one; a null side is null.
func (q *query) compare(e *spl.Binary, l, r value) (value, error) {
	d := q.d
	op := sqlOp(e.Op)
	if l.bool || r.bool {
		return value{}, unsupported("comparing a boolean", "%s", e.String())
	}
	if l.kind == kNull || r.kind == kNull {
		return value{sql: d.nullBool(), bool: true}, nil
	}
	switch {
	case l.kind == kList && r.kind == kList:
		return value{}, unsupported("comparing two multivalue fields", "%s", e.String())
	case l.kind == kList || r.kind == kList:
		cmp := func(a, b value) (value, error) { return q.compare(e, a, b) }
		if l.kind == kList {
			return q.listCompare(cmp, l, r, true)
		}
		return q.listCompare(cmp, r, l, false)
	}
	num := func(v value) string {
		if v.kind == kTimeMs {
			return d.msToSeconds(v.sql)
		}
		return v.sql
	}
	isNum := func(v value) bool { return v.kind == kNumber || v.kind == kTimeMs }
	switch {
	case isNum(l) && isNum(r):
		return value{sql: "(" + num(l) + " " + op + " " + num(r) + ")", bool: true}, nil
	case (l.kind == kText || l.kind == kString) && (r.kind == kText || r.kind == kString) && (l.kind == kText || r.kind == kText):
		// A pure string on one side: byte-wise, whatever the other holds.
		return value{sql: "(" + l.sql + " " + op + " " + r.sql + ")", bool: true}, nil
	case l.kind == kString && r.kind == kString:
		return value{sql: "(CASE WHEN " + d.looksNumeric(l.sql) + " AND " + d.looksNumeric(r.sql) + " THEN " + d.toDouble(l.sql) + " " + op + " " + d.toDouble(r.sql) +
			" ELSE " + l.sql + " " + op + " " + r.sql + " END)", bool: true}, nil
	case l.kind == kString && r.lit != nil && isNum(r), r.kind == kString && l.lit != nil && isNum(l):
		s, n := l, r
		if r.kind == kString {
			s, n = r, l
		}
		text := formatNumber(mustNumber(n.lit.Text))
		if text != n.lit.Text {
			return value{}, unsupported("a number literal not in its shortest form compared with text", "%s", e.String())
		}
		ls, rs, ln, rn := s.sql, d.str(text), d.toDouble(s.sql), n.sql
		if r.kind == kString {
			ls, rs, ln, rn = d.str(text), s.sql, n.sql, d.toDouble(s.sql)
		}
		return value{sql: "(CASE WHEN " + d.looksNumeric(s.sql) + " THEN " + ln + " " + op + " " + rn +
			" ELSE " + ls + " " + op + " " + rs + " END)", bool: true}, nil
	}
	return value{}, unsupported("comparing text with a computed number", "%s", e.String())
}

// concat is eval's . of two texts: null when either is null (a number
// would need minispl's number text, which is refused).
func (q *query) concat(e *spl.Binary, l, r value) (value, error) {
	text := func(v value) bool { return !v.bool && (v.kind == kString || v.kind == kText || v.kind == kNull) }
	if !text(l) || !text(r) {
		return value{}, unsupported("operator . of a value that is not text", "%s", e.String())
	}
	if l.kind == kNull || r.kind == kNull {
		return value{sql: q.d.nullString(), kind: kNull}, nil
	}
	if q.d.isClickHouse() || q.d == Spark {
		return value{sql: "concat(" + l.sql + ", " + r.sql + ")", kind: kString}, nil
	}
	return value{sql: "(" + l.sql + " || " + r.sql + ")", kind: kString}, nil
}

func mustNumber(s string) float64 {
	f, _ := parseNumber(s)
	return f
}

// call compiles the functions with an exact translation.
func (q *query) call(e *spl.Call) (value, error) {
	d := q.d
	args := make([]value, len(e.Args))
	for i, a := range e.Args {
		v, err := q.expr(a)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	text := func(v value) bool { return v.kind == kString || v.kind == kText || v.kind == kNull }
	switch e.Func {
	case "true", "false":
		if len(args) == 0 {
			return value{sql: q.d.boolLit(e.Func == "true"), bool: true}, nil
		}
	case "if":
		if len(args) == 3 && args[0].bool {
			return q.cases(e, []value{args[0], args[1], {sql: q.d.boolLit(true), bool: true}, args[2]})
		}
	case "case":
		if len(args) >= 2 && len(args)%2 == 0 {
			return q.cases(e, args)
		}
	case "substr":
		if v, ok := q.substr(args); ok {
			return v, nil
		}
	case "isnull", "isnotnull":
		if len(args) != 1 || args[0].bool {
			break
		}
		not := ""
		if e.Func == "isnotnull" {
			not = "NOT "
		}
		if args[0].kind == kNull {
			return value{sql: q.d.boolLit(not == ""), bool: true}, nil
		}
		return value{sql: "(" + args[0].sql + " IS " + not + "NULL)", bool: true}, nil
	case "len":
		if len(args) == 1 && text(args[0]) && !args[0].bool {
			return value{sql: d.charLength(args[0].sql), kind: kNumber}, nil
		}
	case "lower", "upper":
		if len(args) == 1 && text(args[0]) && !args[0].bool {
			f := e.Func
			if d.isClickHouse() {
				f += "UTF8"
			}
			return value{sql: f + "(" + args[0].sql + ")", kind: kText}, nil
		}
	case "like":
		if len(args) == 2 && text(args[0]) && args[1].lit != nil && args[1].lit.Kind == spl.LitString {
			// eval's like: % and _ are wildcards, there is no escape
			// character, case-sensitive.
			p := args[1].lit.Text
			if d.isClickHouse() {
				p = strings.ReplaceAll(p, `\`, `\\`)
			} else {
				p = strings.ReplaceAll(p, string(likeEscape), string(likeEscape)+string(likeEscape))
			}
			return value{sql: "(" + d.like(args[0].sql, p) + ")", bool: true}, nil
		}
	case "match":
		if len(args) == 2 && text(args[0]) && args[1].lit != nil && args[1].lit.Kind == spl.LitString {
			re := args[1].lit.Text
			switch d {
			case ClickHouse18:
				// ClickHouse before 20.5 ignores a leading (?i) on a literal
				// (issue #11101) but honours the group form (?i:...), which
				// means the same for the whole pattern.
				if rest, ok := strings.CutPrefix(re, "(?i)"); ok {
					re = "(?i:" + rest + ")"
				}
				if strings.Contains(re, "(?i)") {
					return value{}, unsupported("match() with (?i) on ClickHouse 18", "ClickHouse before 20.5 ignores (?i) on a literal (issue #11101)")
				}
			case Spark, Trino:
				// Java and Joni/RE2J accept RE2's syntax except these.
				for _, x := range []string{`[[:`, `\p`, `\P`, `\C`, `\z`, `(?U`, `(?s`} {
					if strings.Contains(re, x) {
						return value{}, unsupported("match() with RE2 syntax "+x+" in "+d.String(), "")
					}
				}
			}
			switch d {
			case DuckDB:
				return value{sql: "regexp_matches(" + args[0].sql + ", " + d.str(re) + ")", bool: true}, nil
			case ClickHouse, ClickHouse18:
				return value{sql: "(match(" + args[0].sql + ", " + d.str(re) + ") = 1)", bool: true}, nil
			case Spark:
				return value{sql: "(" + args[0].sql + " RLIKE " + d.str(re) + ")", bool: true}, nil
			}
			return value{sql: "regexp_like(" + args[0].sql + ", " + d.str(re) + ")", bool: true}, nil
		}
	default:
		return value{}, unsupported("function "+e.Func+"()", "")
	}
	return value{}, unsupported("function "+e.Func+"() with these arguments", "%s", e.String())
}

// cases is case(c1, v1, c2, v2, ...): the value of the first condition
// that is true (a null condition is not), null when none is. The values
// must have one kind (numbers, a field's text or pure strings; null
// aside), as SQL's CASE has one type and minispl keeps each value's kind.
func (q *query) cases(e *spl.Call, args []value) (value, error) {
	k := kNull
	var b strings.Builder
	b.WriteString("(CASE")
	for i := 0; i < len(args); i += 2 {
		c, v := args[i], args[i+1]
		if !c.bool {
			return value{}, unsupported(e.Func+"() with a condition that is not a boolean", "%s", e.String())
		}
		switch {
		case v.bool:
			return value{}, unsupported(e.Func+"() of a boolean", "%s", e.String())
		case v.kind == kNull:
		case v.kind != kNumber && v.kind != kString && v.kind != kText:
			return value{}, unsupported(e.Func+"() of a time or a multivalue", "%s", e.String())
		case k == kNull:
			k = v.kind
		case k != v.kind:
			return value{}, unsupported(e.Func+"() of values of different kinds", "%s", e.String())
		}
		x := v.sql
		if v.kind == kNumber {
			x = q.d.asDouble(x)
		}
		b.WriteString(" WHEN " + c.sql + " THEN " + x)
	}
	if k == kNull {
		return value{sql: q.d.nullString(), kind: kNull}, nil
	}
	for i := 1; i < len(args); i += 2 {
		if args[i].kind == kNull && k == kNumber {
			// A typed null in a CASE of doubles.
			return value{}, unsupported(e.Func+"() of a number or null", "%s", e.String())
		}
	}
	b.WriteString(" END)")
	return value{sql: b.String(), kind: k}, nil
}

// substr is substr(x, start[, length]) with number literals, in
// characters (SQLite's rules over runes, as minispl's): start 1 or more
// with a length of 0 or more, or a negative start (counted from the end,
// the whole text when it is longer than the text) without a length.
// Other forms are refused.
func (q *query) substr(args []value) (value, bool) {
	d := q.d
	if len(args) < 2 || len(args) > 3 {
		return value{}, false
	}
	x := args[0]
	if x.bool || (x.kind != kString && x.kind != kText && x.kind != kNull) {
		return value{}, false
	}
	litInt := func(v value) (int64, bool) {
		if v.lit == nil || v.kind != kNumber {
			return 0, false
		}
		f, ok := parseNumber(v.lit.Text)
		if !ok || f != float64(int64(f)) || f > 1e9 || f < -1e9 {
			return 0, false
		}
		return int64(f), true
	}
	start, ok := litInt(args[1])
	if !ok || start == 0 {
		return value{}, false
	}
	if x.kind == kNull {
		return value{sql: d.nullString(), kind: kNull}, true
	}
	fn := "substring"
	if d.isClickHouse() {
		fn = "substringUTF8"
	} else if d == Trino {
		fn = "substr"
	}
	pos := strconv.FormatInt(start, 10)
	if start < 0 {
		if len(args) == 3 {
			return value{}, false
		}
		if d == ClickHouse18 {
			// 18.16's substringUTF8 takes constant positions only: the
			// last -start characters are the first ones of the reversed
			// text, reversed.
			return value{sql: "reverseUTF8(substringUTF8(reverseUTF8(" + x.sql + "), 1, " + strconv.FormatInt(-start, 10) + "))", kind: kText}, true
		}
		pos = "greatest(" + d.charLength(x.sql) + " - " + strconv.FormatInt(-start-1, 10) + ", 1)"
	}
	sql := fn + "(" + x.sql + ", " + pos
	if len(args) == 3 {
		n, ok := litInt(args[2])
		if !ok || n < 0 {
			return value{}, false
		}
		sql += ", " + strconv.FormatInt(n, 10)
	} else if d == ClickHouse18 {
		// 18.16's substringUTF8 needs the length: 2^31-1 characters
		// (its largest constant that works) is the rest of any text.
		sql += ", 2147483647"
	}
	return value{sql: sql + ")", kind: kText}, true
}
