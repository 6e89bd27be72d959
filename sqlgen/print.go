package sqlgen

import (
	"strconv"
	"strings"
)

// String prints the query: the aggregate as a subquery, the projection,
// row filter, order and limit around it.
//
//	SELECT <columns> FROM (
//	  SELECT <keys AS __kN>, <aggregates AS __aN> FROM <source>
//	  WHERE <window> AND <tstats where> AND <BY keys not null>
//	  GROUP BY <keys>
//	) AS t
//	WHERE <search, where>
//	ORDER BY <keys>
//	LIMIT n
func (q *query) String() string {
	d := q.d
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range q.cols {
		if i > 0 {
			b.WriteString(",\n       ")
		}
		x := c.sql
		if c.kind == kTimeMs {
			x = d.msToSeconds(x)
		}
		b.WriteString(x + " AS " + d.ident(c.name))
	}
	q.writeFrom(&b, q.order, q.limit)
	b.WriteString("\n")
	return b.String()
}

// writeFrom writes the FROM (the inner query as a subquery), the outer
// WHERE and an ORDER BY and LIMIT (limit < 0: none).
func (q *query) writeFrom(b *strings.Builder, order []string, limit int) {
	b.WriteString("\nFROM (\n  SELECT " + strings.Join(q.innerSel, ",\n         "))
	b.WriteString("\n  FROM " + q.from)
	if len(q.where) > 0 {
		b.WriteString("\n  WHERE " + strings.Join(q.where, "\n    AND "))
	}
	if len(q.groupBy) > 0 {
		b.WriteString("\n  GROUP BY " + strings.Join(q.groupBy, ", "))
	}
	b.WriteString("\n) AS t")
	if len(q.post) > 0 {
		b.WriteString("\nWHERE " + strings.Join(q.post, "\n  AND "))
	}
	if len(order) > 0 {
		b.WriteString("\nORDER BY " + strings.Join(order, ", "))
	}
	if limit >= 0 {
		b.WriteString("\nLIMIT " + strconv.Itoa(limit))
	}
}
