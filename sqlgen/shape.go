package sqlgen

import (
	"fmt"
	"strings"

	"github.com/minispl/minispl/engine"
)

// wrap makes the query so far a subquery w and the query a plain select
// of w's columns: later steps that need the rows as they are now (dedup,
// stats) filter or aggregate w. extra are more "expr AS name" for w to
// select and suffix is text after w's ORDER BY (ClickHouse's LIMIT n BY).
func (q *query) wrap(extra []string, suffix func(cols []column) string) {
	text, cols, order := q.body("__w", -1, extra...)
	if suffix != nil {
		text += suffix(cols)
	}
	q.from = "(" + text + ") AS w"
	q.innerSel = []string{"*"}
	q.where, q.groupBy, q.post = nil, nil, nil
	q.cols = cols
	q.order = order
}

// dedup keeps the first N rows of each combination of the fields' values,
// in the input's order (which is total: tstats' keys, then a join's
// subsearch keys); a row with a null field is dropped. The rank is
// row_number() over the fields, or ClickHouse's LIMIT N BY after the
// ORDER BY.
func (q *query) dedup(s *engine.DedupStep) error {
	d := q.d
	if s.Consecutive {
		return unsupported("dedup consecutive=true", "")
	}
	if s.KeepEmpty {
		return unsupported("dedup keepempty=true", "")
	}
	if s.N <= 0 {
		return unsupported(fmt.Sprintf("dedup %d", s.N), "")
	}
	var keys []string
	for _, c := range s.Cols {
		if c < 0 || q.cols[c].kind == kNull {
			// Every row has a null field: none is kept.
			q.post = append(q.post, q.d.boolLit(false))
			return nil
		}
		switch q.cols[c].kind {
		case kList:
			return unsupported("dedup of a multivalue field", "%s", q.cols[c].name)
		}
		keys = append(keys, q.cols[c].sql)
	}
	_ = keys
	if d.isClickHouse() {
		q.wrap(nil, func(cols []column) string {
			var by []string
			for _, c := range s.Cols {
				by = append(by, cols[c].sql)
			}
			return fmt.Sprintf("\nLIMIT %d BY %s", s.N, strings.Join(by, ", "))
		})
		for _, c := range s.Cols {
			q.post = append(q.post, q.cols[c].sql+" IS NOT NULL")
		}
		return nil
	}
	over := "PARTITION BY " + strings.Join(keys, ", ")
	if len(q.order) > 0 {
		over += " ORDER BY " + strings.Join(q.order, ", ")
	}
	q.wrap([]string{"row_number() OVER (" + over + ") AS __wrn"}, nil)
	q.post = append(q.post, fmt.Sprintf("__wrn <= %d", s.N))
	for _, c := range s.Cols {
		q.post = append(q.post, q.cols[c].sql+" IS NOT NULL")
	}
	return nil
}

// stats aggregates the rows so far (as the subquery w): BY text fields
// (or _time, a number) not null, groups ascending by the BY values; count,
// dc and values of text fields, min and max of times and numbers.
func (q *query) stats(s *engine.StatsStep) error {
	d := q.d
	if s.Events {
		return unsupported("eventstats", "")
	}
	// The columns, kinds and indexes stay; their SQL is now over w.
	q.wrap(nil, nil)
	type key struct {
		name string
		col  int
	}
	empty := false
	var keys []key
	for i, c := range s.By {
		name := s.ByNames[i]
		if c < 0 || q.cols[c].kind == kNull {
			empty = true // a null BY value drops every row
			continue
		}
		switch k := q.cols[c].kind; {
		case k == kString || k == kText:
		case k == kTimeMs && name == "_time":
		case k == kList:
			return unsupported("stats BY a multivalue field", "%s", name)
		default:
			// minispl orders a number BY value by its text.
			return unsupported("stats BY a field that is not text", "%s", name)
		}
		keys = append(keys, key{name, c})
	}
	type fn struct {
		sql  string
		kind kind
	}
	var fns []fn
	for _, a := range s.Aggs {
		if a.Eval {
			return unsupported("stats function "+a.Func+"(eval(...))", "%s", a.Name)
		}
		arg := column{sql: d.nullString(), kind: kNull}
		if !a.Bare && a.Col >= 0 {
			arg = q.cols[a.Col]
		}
		if arg.kind == kList {
			return unsupported("stats "+a.Func+"() of a multivalue field", "%s", a.Name)
		}
		text := arg.kind == kString || arg.kind == kText || arg.kind == kNull
		switch {
		case a.Func == "count" && a.Bare:
			fns = append(fns, fn{d.countAll(), kNumber})
		case a.Func == "count":
			fns = append(fns, fn{"count(" + arg.sql + ")", kNumber})
		case a.Func == "dc" && text:
			fns = append(fns, fn{d.dcAgg(arg.sql), kNumber})
		case a.Func == "values" && text:
			fns = append(fns, fn{d.valuesAgg(arg.sql), kList})
		case (a.Func == "min" || a.Func == "max") && (arg.kind == kTimeMs || arg.kind == kNumber):
			fns = append(fns, fn{a.Func + "(" + arg.sql + ")", arg.kind})
		default:
			return unsupported("stats function "+a.Func+"()", "%s", a.Name)
		}
	}
	q.innerSel, q.groupBy, q.order = nil, nil, nil
	var cols []column
	for i, k := range keys {
		c := q.cols[k.col]
		alias := fmt.Sprintf("__k%d", i)
		q.innerSel = append(q.innerSel, c.sql+" AS "+alias)
		q.groupBy = append(q.groupBy, c.sql)
		q.where = append(q.where, c.sql+" IS NOT NULL")
		q.order = append(q.order, alias)
		cols = append(cols, column{name: k.name, sql: alias, kind: c.kind})
	}
	if empty {
		// Outside the aggregation: without a GROUP BY it gives a row.
		q.post = append(q.post, q.d.boolLit(false))
	}
	for i, f := range fns {
		alias := fmt.Sprintf("__a%d", i)
		q.innerSel = append(q.innerSel, f.sql+" AS "+alias)
		cols = append(cols, column{name: s.Aggs[i].Name, sql: alias, kind: f.kind})
	}
	if len(q.innerSel) == 0 {
		q.innerSel = []string{"1 AS __one"}
	}
	q.cols = cols
	return nil
}
