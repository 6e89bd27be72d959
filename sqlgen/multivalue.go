package sqlgen

import "github.com/minispl/minispl/engine"

// elem is the lambda parameter that stands for one value of a multivalue
// field in listAny's test.
const elem = "__v"

// listNonEmpty is true when the list x is neither null nor empty
// (values() of no value is null in minispl, an empty array in ClickHouse
// and Spark).
func (d Dialect) listNonEmpty(x string) string {
	switch d {
	case ClickHouse, ClickHouse18:
		return "notEmpty(" + x + ")"
	case Spark:
		return "(" + x + " IS NOT NULL AND size(" + x + ") > 0)"
	case Trino:
		return "(" + x + " IS NOT NULL AND cardinality(" + x + ") > 0)"
	}
	return "(" + x + " IS NOT NULL AND len(" + x + ") > 0)"
}

// listAny is true when test, an expression of elem that is never null on
// a non-null value, holds for some value of the non-null list x.
func (d Dialect) listAny(x, test string) string {
	switch d {
	case ClickHouse, ClickHouse18:
		return "arrayExists(" + elem + " -> " + test + ", " + x + ")"
	case Spark:
		return "exists(" + x + ", " + elem + " -> " + test + ")"
	case Trino:
		return "any_match(" + x + ", " + elem + " -> " + test + ")"
	}
	return "(len(list_filter(" + x + ", lambda " + elem + ": " + test + ")) > 0)"
}

// listLeaf is a search leaf on the multivalue x, as minispl's: false on a
// null or empty list, = true when some value passes the test, != when
// none does (predicate.go in engine/internal/expr).
func (q *query) listLeaf(l *engine.PredLeaf, x string) (string, error) {
	pos := *l
	pos.Neg = false
	t, err := q.leaf(&pos, elem, kString)
	if err != nil {
		return "", err
	}
	not := ""
	if l.Neg {
		not = "NOT "
	}
	return "(" + q.d.listNonEmpty(x) + " AND " + not + q.d.listAny(x, t) + ")", nil
}

// listCompare is eval's comparison with the multivalue l.sql on one side
// and the single value r on the other (swapped when the list is on the
// right): null when the list is null or empty or r is null, else true
// when the comparison holds for some value, each typed as a field's text.
func (q *query) listCompare(cmp func(l, r value) (value, error), list, other value, listLeft bool) (value, error) {
	e := value{sql: elem, kind: kString}
	var t value
	var err error
	if listLeft {
		t, err = cmp(e, other)
	} else {
		t, err = cmp(other, e)
	}
	if err != nil {
		return value{}, err
	}
	cond := q.d.listNonEmpty(list.sql)
	if other.lit == nil {
		cond += " AND " + other.sql + " IS NOT NULL"
	}
	any := q.d.listAny(list.sql, t.sql)
	if q.d.isClickHouse() {
		// multiIf cannot mix a typed null boolean with arrayExists' UInt8.
		return value{sql: "if(" + cond + ", " + any + ", NULL)", bool: true}, nil
	}
	return value{sql: "(CASE WHEN " + cond + " THEN " + any + " END)", bool: true}, nil
}
