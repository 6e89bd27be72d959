package sqlgen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/spl"
)

// Error is a search the compiler cannot express in SQL. Construct names
// what stops it (a command, a function, an operator on a kind of value),
// so that the caller can count and report the reasons.
type Error struct {
	Construct string
	Detail    string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "sql: unsupported: " + e.Construct
	}
	return "sql: unsupported: " + e.Construct + ": " + e.Detail
}

func unsupported(construct, format string, args ...any) error {
	return &Error{Construct: construct, Detail: fmt.Sprintf(format, args...)}
}

// Options configure a compilation.
type Options struct {
	// Root is where the summaries are: DIR of DIR/<Model.Dataset>/dt=.../
	// for the dialects that read files (duckdb, clickhouse, spark). The
	// others read the table TableName(dataset).
	Root string
	// Empty, when set, reports the datasets that have no file under Root
	// (DuckDB only): such a dataset is read as an empty relation of its
	// schema, since DuckDB's read_parquet of a pattern that matches no
	// file is an error, not an empty result.
	Empty func(dataset string) bool
}

// kind is what a column holds after the aggregation.
type kind int

const (
	kString kind = iota // text
	kNumber             // a number (count, dc, len())
	kTimeMs             // epoch milliseconds, shown as epoch seconds
	kList               // values(): a sorted list of strings
	kNull               // an absent field: null on every row
)

// column is an output column: its SQL expression over the inner
// (aggregate) query's columns, and its kind.
type column struct {
	name string
	sql  string
	kind kind
}

// query is the relational form: scan → filter → aggregate (the inner
// query), then project/rename/filter/format (the outer one).
type query struct {
	d        Dialect
	from     string
	where    []string // over the dataset's columns
	innerSel []string // "expr AS alias"
	groupBy  []string
	cols     []column // the outer select
	post     []string // outer WHERE, over the inner aliases
	order    []string // over the inner aliases
	limit    int      // -1: none
}

// Compile translates a planned search into one SQL statement of dialect
// d that returns the search's rows in its order. A search with a
// construct the compiler does not translate exactly is an *Error naming
// it.
func Compile(p *engine.Plan, d Dialect, opt Options) (string, error) {
	q, err := build(p.Steps(), d, opt)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}

func build(steps []engine.Step, d Dialect, opt Options) (*query, error) {
	if len(steps) == 0 {
		return nil, unsupported("empty search", "")
	}
	ts, ok := steps[0].(*engine.TstatsStep)
	if !ok {
		return nil, unsupported(commandOf(steps[0]), "a search compiles to SQL only when it starts with | tstats")
	}
	q := &query{d: d, limit: -1}
	if err := q.tstats(ts, opt); err != nil {
		return nil, err
	}
	for _, s := range steps[1:] {
		var err error
		switch s := s.(type) {
		case *engine.RenameStep:
			q.project(s.Src, s.Out)
		case *engine.TableStep:
			q.project(s.Src, s.Out)
		case *engine.FieldsStep:
			q.project(s.Src, s.Out)
		case *engine.ConvertStep:
			err = q.convert(s)
		case *engine.SearchStep:
			if s.Subsearch {
				return nil, unsupported("search with a subsearch", "")
			}
			var c string
			c, err = q.pred(s.Where, q.leafOut)
			if err == nil && c != q.d.boolLit(true) {
				q.post = append(q.post, c)
			}
		case *engine.WhereStep:
			var c string
			c, err = q.boolExpr(s.Expr)
			if err == nil {
				q.post = append(q.post, c)
			}
		case *engine.EvalStep:
			err = q.eval(s)
		case *engine.JoinStep:
			err = q.join(s, opt)
		case *engine.RegexStep:
			err = q.regex(s)
		case *engine.DedupStep:
			err = q.dedup(s)
		case *engine.StatsStep:
			err = q.stats(s)
		case *engine.RexStep:
			err = q.rex(s)
		case *engine.HeadStep:
			if s.Cond {
				return nil, unsupported("head with a condition", "")
			}
			if s.Limit >= 0 && (q.limit < 0 || s.Limit < q.limit) {
				q.limit = s.Limit
			}
			continue
		default:
			return nil, unsupported(commandOf(s), "no exact SQL translation")
		}
		if err != nil {
			return nil, err
		}
		if q.limit >= 0 {
			// A filter or projection after head: the limit would have to
			// apply first.
			return nil, unsupported("a command after head", "")
		}
	}
	return q, nil
}

// commandOf names a step's command for an Error.
func commandOf(s engine.Step) string {
	switch s := s.(type) {
	case *engine.OtherStep:
		return s.Command
	case *engine.DedupStep:
		return "dedup"
	case *engine.TstatsStep:
		return "tstats"
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", s), "*engine."), "Step"))
}

// tstats fills the scan, filter and aggregate.
func (q *query) tstats(ts *engine.TstatsStep, opt Options) error {
	d := q.d
	q.from = d.source(opt.Root, ts.Dataset.FullName())
	if d == DuckDB && opt.Empty != nil && opt.Empty(ts.Dataset.FullName()) {
		q.from = d.emptySource(ts.Dataset)
	}
	if !ts.Earliest.IsZero() || !ts.Latest.IsZero() {
		q.window(ts.Earliest, ts.Latest)
	}
	if ts.Where != nil {
		schema := ts.Dataset.Schema()
		leafCol := func(l *engine.PredLeaf) (string, kind, error) {
			if l.Col < 0 {
				return "", kNull, nil
			}
			name := schema.Field(l.Col).Name
			if name == "_time" {
				return "", 0, unsupported("a _time comparison in tstats WHERE", "%s", l.Field)
			}
			return d.ident(name), kString, nil
		}
		c, err := q.pred(ts.Where, leafCol)
		if err != nil {
			return err
		}
		if c != d.boolLit(true) {
			q.where = append(q.where, c)
		}
	}
	var spanMs int64
	if ts.Span != "" {
		ms, err := spanMillis(ts.Span)
		if err != nil {
			return err
		}
		spanMs = ms
	}
	for i, k := range ts.By {
		alias := fmt.Sprintf("__k%d", i)
		var x string
		kd := kString
		switch {
		case k.IsTime:
			x, kd = d.timeMs(), kTimeMs
			if spanMs > 0 {
				x = d.bucketMs(x, spanMs)
			}
		case k.Column == "" && ts.Fill == nil:
			// An absent BY field is null on every row: tstats drops them all.
			q.where = append(q.where, d.boolLit(false))
			x = d.nullString()
		case k.Column == "":
			x = d.str(*ts.Fill)
		case ts.Fill != nil:
			x = "coalesce(" + d.ident(k.Column) + ", " + d.str(*ts.Fill) + ")"
		default:
			x = d.ident(k.Column)
			q.where = append(q.where, x+" IS NOT NULL")
		}
		q.innerSel = append(q.innerSel, x+" AS "+alias)
		q.groupBy = append(q.groupBy, x)
		q.order = append(q.order, alias)
		q.cols = append(q.cols, column{name: k.Name, sql: alias, kind: kd})
	}
	for i, a := range ts.Aggs {
		alias := fmt.Sprintf("__a%d", i)
		x, kd, err := q.aggregate(a)
		if err != nil {
			return err
		}
		q.innerSel = append(q.innerSel, x+" AS "+alias)
		q.cols = append(q.cols, column{name: a.Name, sql: alias, kind: kd})
	}
	return nil
}

// window bounds _time to [earliest, latest) and dt to the UTC days in it.
func (q *query) window(earliest, latest time.Time) {
	d := q.d
	if !earliest.IsZero() {
		ms := ceilMs(earliest)
		q.where = append(q.where, fmt.Sprintf("%s >= %d", d.timeMs(), ms))
		if d.hasDt() {
			q.where = append(q.where, d.ident("dt")+" >= "+d.dateLit(time.UnixMilli(ms).UTC().Format(time.DateOnly)))
		}
	}
	if !latest.IsZero() {
		ms := ceilMs(latest)
		q.where = append(q.where, fmt.Sprintf("%s < %d", d.timeMs(), ms))
		if d.hasDt() {
			q.where = append(q.where, d.ident("dt")+" <= "+d.dateLit(time.UnixMilli(ms-1).UTC().Format(time.DateOnly)))
		}
	}
}

// ceilMs is t in epoch milliseconds, rounded up (the engine's bound).
func ceilMs(t time.Time) int64 {
	ms := t.UnixMilli()
	if time.UnixMilli(ms).Before(t) {
		ms++
	}
	return ms
}

// spanMillis is a span= of seconds, minutes or hours in milliseconds
// (aligned on the epoch, as minispl does); day and month spans follow the
// engine's time zone and are not translated.
func spanMillis(span string) (int64, error) {
	i := 0
	for i < len(span) && span[i] >= '0' && span[i] <= '9' {
		i++
	}
	k, err := strconv.ParseInt(span[:i], 10, 64)
	if err != nil || k <= 0 {
		return 0, unsupported("span="+span, "not a count and a unit")
	}
	switch strings.ToLower(span[i:]) {
	case "s", "sec", "secs", "second", "seconds":
		return k * 1000, nil
	case "m", "min", "mins", "minute", "minutes":
		return k * 60_000, nil
	case "h", "hr", "hrs", "hour", "hours":
		return k * 3_600_000, nil
	}
	return 0, unsupported("span="+span, "day and month spans follow the engine's time zone")
}

// aggregate is one tstats aggregate.
func (q *query) aggregate(a engine.TstatsAgg) (string, kind, error) {
	d := q.d
	arg := d.nullString()
	switch {
	case a.Arg.IsTime:
		arg = d.timeMs()
	case a.Arg.Column != "":
		arg = d.ident(a.Arg.Column)
	}
	switch a.Func {
	case "count":
		if a.Bare {
			return d.countAll(), kNumber, nil
		}
		return "count(" + arg + ")", kNumber, nil
	case "dc":
		return d.dcAgg(arg), kNumber, nil
	case "values":
		if a.Arg.IsTime {
			return "", 0, unsupported("values(_time)", "")
		}
		return d.valuesAgg(arg), kList, nil
	case "min", "max":
		if !a.Arg.IsTime {
			// minispl orders numbers before strings; SQL min/max of a string
			// column is byte-wise only.
			return "", 0, unsupported(a.Func+"() of a field other than _time", "%s", a.Name)
		}
		return a.Func + "(" + arg + ")", kTimeMs, nil
	}
	return "", 0, unsupported("tstats function "+a.Func+"()", "%s", a.Name)
}

// project makes the output columns the input's columns src (-1: a null
// column) under the names out.
func (q *query) project(src []int, out []string) {
	cols := make([]column, len(out))
	for i, s := range src {
		if s < 0 {
			cols[i] = column{name: out[i], sql: q.d.nullString(), kind: kNull}
			continue
		}
		cols[i] = q.cols[s]
		cols[i].name = out[i]
	}
	q.cols = cols
}

// convert applies convert's functions; only ctime of a time is exact.
func (q *query) convert(s *engine.ConvertStep) error {
	for _, f := range s.Funcs {
		if f.Func != "ctime" {
			return unsupported("convert "+f.Func+"()", "")
		}
		if s.Location != nil && s.Location != time.UTC && s.Location.String() != "UTC" {
			return unsupported("convert ctime() in time zone "+s.Location.String(), "")
		}
		if c := strftimeSupported(s.Format); c != "" {
			return unsupported("timeformat code "+c, "in %s", spl.Quote(s.Format))
		}
		src := q.cols[f.Src]
		var c column
		switch src.kind {
		case kTimeMs:
			c = column{sql: q.d.formatMs(src.sql, s.Format), kind: kString}
		case kNull:
			c = src
		default:
			return unsupported("convert ctime() of a field that is not a time", "%s", src.name)
		}
		if f.Dst == len(q.cols) {
			c.name = f.Name
			q.cols = append(q.cols, c)
		} else {
			c.name = q.cols[f.Dst].name
			q.cols[f.Dst] = c
		}
	}
	return nil
}

// leafOut resolves a search leaf against the current output columns.
func (q *query) leafOut(l *engine.PredLeaf) (string, kind, error) {
	if l.Col < 0 {
		return "", kNull, nil
	}
	c := q.cols[l.Col]
	return c.sql, c.kind, nil
}

// pred compiles a search predicate, two-valued as minispl's: every leaf is
// false, not null, on a null field, so NOT is the plain complement.
func (q *query) pred(p engine.Pred, col func(*engine.PredLeaf) (string, kind, error)) (string, error) {
	switch p := p.(type) {
	case nil:
		return q.d.boolLit(true), nil
	case *engine.PredConst:
		if p.Value {
			return q.d.boolLit(true), nil
		}
		return q.d.boolLit(false), nil
	case *engine.PredAnd:
		l, err := q.pred(p.L, col)
		if err != nil {
			return "", err
		}
		r, err := q.pred(p.R, col)
		if err != nil {
			return "", err
		}
		return "(" + l + " AND " + r + ")", nil
	case *engine.PredOr:
		var parts []string
		for _, x := range p.Parts {
			s, err := q.pred(x, col)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return "(" + strings.Join(parts, " OR ") + ")", nil
	case *engine.PredNot:
		x, err := q.pred(p.X, col)
		if err != nil {
			return "", err
		}
		return "(NOT " + x + ")", nil
	case *engine.PredLeaf:
		x, kd, err := col(p)
		if err != nil {
			return "", err
		}
		return q.leaf(p, x, kd)
	}
	return "", unsupported(fmt.Sprintf("search expression %T", p), "")
}

// leaf compiles one field test on the SQL expression x of kind kd.
func (q *query) leaf(l *engine.PredLeaf, x string, kd kind) (string, error) {
	d := q.d
	if kd == kNull {
		return q.d.boolLit(false), nil
	}
	if l.CIDR {
		return "", unsupported("a CIDR subnet value in search", "%s", l.Field)
	}
	if kd == kList {
		return q.listLeaf(l, x)
	}
	num := x
	if kd == kTimeMs {
		num = d.msToSeconds(x)
	}
	if l.Op == "" {
		var tests []string
		for _, p := range l.Patterns {
			switch kd {
			case kString:
				tests = append(tests, d.globLike(x, p))
			default:
				// A number matches a pattern equal to its text
				// (FormatNumber), which is the canonical text of one number.
				f, ok := parseNumber(p)
				switch {
				case strings.Contains(p, "*"):
					return "", unsupported("a wildcard value on a numeric field in search", "%s=%s", l.Field, p)
				case !ok || formatNumber(f) != p:
					tests = append(tests, d.boolLit(false))
				default:
					tests = append(tests, num+" = "+numLit(f))
				}
			}
		}
		t := "(" + strings.Join(tests, " OR ") + ")"
		if l.Neg {
			t = "NOT " + t
		}
		return "(" + x + " IS NOT NULL AND " + t + ")", nil
	}
	op := string(l.Op)
	switch kd {
	case kString:
		if !l.IsNum {
			return "(" + x + " IS NOT NULL AND " + x + " " + op + " " + d.str(l.Value) + ")", nil
		}
		return "(" + x + " IS NOT NULL AND CASE WHEN " + d.looksNumeric(x) + " THEN " + d.toDouble(x) + " " + op + " " + numLit(l.Num) +
			" ELSE " + x + " " + op + " " + d.str(l.Value) + " END)", nil
	default:
		if !l.IsNum {
			return "", unsupported("ordering a number against a non-number in search", "%s%s%s", l.Field, op, l.Value)
		}
		return "(" + x + " IS NOT NULL AND " + num + " " + op + " " + numLit(l.Num) + ")", nil
	}
}

// numLit is a number as a SQL literal of type double.
func numLit(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// parseNumber is minispl's number syntax.
func parseNumber(s string) (float64, bool) { return engine.ParseNumber(s) }

// formatNumber is minispl's text of a number.
func formatNumber(f float64) string { return engine.FormatNumber(f) }
