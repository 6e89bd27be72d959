package sqlgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minispl/minispl/engine"
)

// body prints q as a subquery whose columns are named prefix0, prefix1,
// ... (a null column is not selected) and whose order expressions are
// named prefix o0, o1, ..., and returns the columns over those names and
// the order names. A limit >= 0 keeps the first limit rows in q's order.
// extra are more "expr AS name" to select.
func (q *query) body(prefix string, limit int, extra ...string) (string, []column, []string) {
	var sel []string
	cols := make([]column, len(q.cols))
	for i, c := range q.cols {
		if c.kind == kNull {
			cols[i] = c
			continue
		}
		alias := fmt.Sprintf("%s%d", prefix, i)
		sel = append(sel, c.sql+" AS "+alias)
		cols[i] = column{name: c.name, sql: alias, kind: c.kind}
	}
	var order []string
	for j, o := range q.order {
		alias := fmt.Sprintf("%so%d", prefix, j)
		sel = append(sel, o+" AS "+alias)
		order = append(order, alias)
	}
	sel = append(sel, extra...)
	if len(sel) == 0 {
		sel = append(sel, "1 AS "+prefix+"one")
	}
	if len(q.order) == 0 {
		limit = -1 // no BY keys: one row
	}
	var b strings.Builder
	b.WriteString("SELECT " + strings.Join(sel, ", "))
	q.writeFrom(&b, q.order, limit)
	return b.String(), cols, order
}

// colIndex is the index of the column named name, -1 when absent.
func colIndex(cols []column, name string) int {
	return slices.IndexFunc(cols, func(c column) bool { return c.name == name })
}

// join compiles join: the input and the subsearch become subqueries l and
// r, r cut to the subsearch's first SubMax rows in its order and, for
// max=N, to each key's first N rows in that order (row_number(), or
// ClickHouse's LIMIT N BY); l INNER or LEFT JOIN r on the keys (null keys
// never join); a shared field is coalesce() of the two sides in the
// overwrite order; rows in l's order, then r's.
func (q *query) join(s *engine.JoinStep, opt Options) error {
	d := q.d
	if len(s.Sub) > 0 && s.Sub[0] != nil {
		if _, ok := s.Sub[0].(*engine.TstatsStep); !ok {
			return unsupported("join with a subsearch that does not start with tstats", "%s", commandOf(s.Sub[0]))
		}
	}
	sub, err := build(s.Sub, d, opt)
	if err != nil {
		return err
	}
	rlimit := s.SubMax
	if sub.limit >= 0 && sub.limit < rlimit {
		rlimit = sub.limit
	}
	sub.limit = -1
	// The keys: present on both sides with the same kind of value.
	type key struct{ l, r int }
	keys := make([]key, len(s.Keys))
	for i, k := range s.Keys {
		li, ri := colIndex(q.cols, k), colIndex(sub.cols, k)
		if li < 0 || ri < 0 || q.cols[li].kind == kNull || sub.cols[ri].kind == kNull {
			q.noJoin(s)
			return nil
		}
		lk, rk := q.cols[li].kind, sub.cols[ri].kind
		if lk == kList || rk == kList {
			return unsupported("join on a multivalue field", "%s", k)
		}
		if lk != rk {
			return unsupported("join on fields of different kinds", "%s", k)
		}
		keys[i] = key{li, ri}
	}
	var lextra, rextra []string
	left := s.Type == "left"
	if left {
		rextra = append(rextra, "1 AS __rm")
	}
	// ClickHouse: keys compared not null (ifNull) with a null flag on the
	// left and 0 on the right, so that a null left key matches nothing
	// whatever the version's rules for Nullable join keys.
	var lkeys, rkeys, on []string
	for i, k := range keys {
		lc, rc := q.cols[k.l], sub.cols[k.r]
		if d.isClickHouse() {
			zero := "''"
			if lc.kind != kString {
				zero = "0"
			}
			lextra = append(lextra, fmt.Sprintf("ifNull(%s, %s) AS __lk%d", lc.sql, zero, i), fmt.Sprintf("isNull(%s) AS __ln%d", lc.sql, i))
			rextra = append(rextra, fmt.Sprintf("ifNull(%s, %s) AS __rk%d", rc.sql, zero, i), fmt.Sprintf("toUInt8(0) AS __rn%d", i))
			on = append(on, fmt.Sprintf("__lk%d = __rk%d", i, i), fmt.Sprintf("__ln%d = __rn%d", i, i))
		}
	}
	lsql, lcols, lorder := q.body("__l", -1, lextra...)
	rsql, rcols, rorder := sub.body("__r", rlimit, rextra...)
	var notNull []string
	for i, k := range keys {
		lkeys = append(lkeys, lcols[k.l].sql)
		rkeys = append(rkeys, rcols[k.r].sql)
		notNull = append(notNull, rcols[k.r].sql+" IS NOT NULL")
		if !d.isClickHouse() {
			on = append(on, lkeys[i]+" = "+rkeys[i])
		}
	}
	_ = lkeys
	// The right side: non-null keys, at most Max rows per key.
	rside := "SELECT * FROM (" + rsql + ") AS r0 WHERE " + strings.Join(notNull, " AND ")
	if s.Max > 0 {
		if d.isClickHouse() {
			if len(rorder) > 0 {
				rside += " ORDER BY " + strings.Join(rorder, ", ")
			}
			rside += fmt.Sprintf(" LIMIT %d BY %s", s.Max, strings.Join(rkeys, ", "))
		} else {
			over := "PARTITION BY " + strings.Join(rkeys, ", ")
			if len(rorder) > 0 {
				over += " ORDER BY " + strings.Join(rorder, ", ")
			}
			rside = fmt.Sprintf("SELECT * FROM (SELECT r1.*, row_number() OVER (%s) AS __rrn FROM (%s) AS r1) AS r2 WHERE __rrn <= %d",
				over, rside, s.Max)
		}
	}
	// The output columns.
	masked := func(c column) string {
		if !left || (c.kind == kList && d.isClickHouse()) {
			// ClickHouse gives an unmatched row's array the empty array
			// (no Nullable arrays): no value, as null is.
			return c.sql
		}
		return "CASE WHEN __rm = 1 THEN " + c.sql + " END"
	}
	var sel []string
	var cols []column
	add := func(name, x string, kd kind) {
		alias := fmt.Sprintf("__j%d", len(sel))
		sel = append(sel, x+" AS "+alias)
		cols = append(cols, column{name: name, sql: alias, kind: kd})
	}
	for _, f := range s.Out {
		li, ri := colIndex(lcols, f), colIndex(rcols, f)
		isKey := slices.Contains(s.Keys, f)
		switch {
		case li >= 0 && (ri < 0 || isKey || rcols[ri].kind == kNull):
			lc := lcols[li]
			if lc.kind == kNull {
				cols = append(cols, column{name: f, sql: d.nullString(), kind: kNull})
				continue
			}
			add(f, lc.sql, lc.kind)
		case li < 0 || lcols[li].kind == kNull:
			rc := rcols[ri]
			if rc.kind == kNull {
				cols = append(cols, column{name: f, sql: d.nullString(), kind: kNull})
				continue
			}
			add(f, masked(rc), rc.kind)
		default:
			lc, rc := lcols[li], rcols[ri]
			if lc.kind != rc.kind {
				return unsupported("join of a field of different kinds on the two sides", "%s", f)
			}
			if lc.kind == kList {
				return unsupported("join of a multivalue field on both sides", "%s", f)
			}
			x := "coalesce(" + masked(rc) + ", " + lc.sql + ")"
			if !s.Overwrite {
				x = "coalesce(" + lc.sql + ", " + masked(rc) + ")"
			}
			add(f, x, lc.kind)
		}
	}
	var order []string
	for i, o := range lorder {
		alias := fmt.Sprintf("__jo%d", i)
		sel = append(sel, o+" AS "+alias)
		order = append(order, alias)
	}
	if s.Max != 1 {
		for i, o := range rorder {
			alias := fmt.Sprintf("__jr%d", i)
			sel = append(sel, o+" AS "+alias)
			order = append(order, alias)
		}
	}
	if len(sel) == 0 {
		sel = append(sel, "1 AS __jone")
	}
	typ := "INNER JOIN"
	if left {
		typ = "LEFT JOIN"
	}
	if d.isClickHouse() {
		typ = "ALL " + typ
	}
	q.from = "(" + lsql + ") AS l\n  " + typ + " (" + rside + ") AS r ON " + strings.Join(on, " AND ")
	q.innerSel = sel
	q.where, q.groupBy, q.post = nil, nil, nil
	q.cols = cols
	q.order = order
	return nil
}

// noJoin is a join on a key that is absent (null) on one side: no row
// joins, so inner keeps no row and left keeps every input row with the
// subsearch's new fields null.
func (q *query) noJoin(s *engine.JoinStep) {
	cols := make([]column, len(s.Out))
	for i, f := range s.Out {
		if li := colIndex(q.cols, f); li >= 0 {
			cols[i] = q.cols[li]
		} else {
			cols[i] = column{name: f, sql: q.d.nullString(), kind: kNull}
		}
	}
	q.cols = cols
	if s.Type != "left" {
		q.post = append(q.post, q.d.boolLit(false))
	}
}
