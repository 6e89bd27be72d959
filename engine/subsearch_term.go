package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// This file implements a subsearch used as a search term, in the search
// command (`search [| tstats ... | table process_id dest]`) and in a
// tstats WHERE clause (`where [| inputlookup t.csv | table Processes.x]`).
//
// Splunk runs such a subsearch first and splices its results into the outer
// search through an implicit `format`: each row becomes the AND of its
// fields' field="value" terms, the rows are joined by OR, and the whole is
// parenthesized: ( (f1="v1" AND f2="v2") OR (f1="v3" AND f2="v4") ).
// minispl does the same on the AST rather than on text:
//
//   - The subsearch is planned at plan time as a pipeline of its own and
//     shown indented under its consumer in Plan.String. The consumer is
//     planned with each subsearch term replaced by a placeholder
//     comparison on the field "[subsearch N]" (N counts the terms of one
//     expression from 1), which no search can name, so the rest of the
//     expression is checked at plan time; the plan prints "[subsearch N]".
//   - At execution start the subsearch runs to completion, at most
//     termSubsearchMax rows ([subsearch] maxout in limits.conf; later rows
//     are dropped, as in Splunk). maxtime is not applied: minispl runs
//     offline and a subsearch is never finalized early.
//   - Its rows are formatted into an expression compiled with the
//     consumer's own rules (glob = on the value, so a `*` in a subsearch
//     value is a wildcard, as in Splunk; field names case-sensitive), and
//     that expression replaces the placeholder for this execution only: a
//     Plan stays immutable.
//   - Formatting: fields whose name starts with "_" are skipped (format
//     ignores internal fields). A null cell contributes no term; a
//     multivalue cell contributes the OR of its values (format's default
//     mvsep). The values of a field named "search" or "query" are
//     search-language text spliced as written ("rendered directly"), so
//     they are parsed as a search expression; minispl treats the two
//     names alike. A row with no term left is skipped (an assumption:
//     Splunk would print an empty group).
//   - No row (or no row with a term) gives format's emptystr, `NOT ()`,
//     which matches nothing here: [empty] is false on every row, so
//     `NOT [empty]` keeps every row.
const termSubsearchMax = 10_000

// subsearchTerm is one `[...]` search term of a search or tstats WHERE.
type subsearchTerm struct {
	n   int // 1-based number within its expression
	sub node
	pos spl.Span
}

// placeholder returns the name of the field that stands for t at plan time.
func (t *subsearchTerm) placeholder() string { return fmt.Sprintf("[subsearch %d]", t.n) }

// hasSubsearch reports whether e holds a subsearch term (one of its own,
// not one inside another subsearch).
func hasSubsearch(e spl.SearchExpr) bool {
	found := false
	spl.Inspect(e, func(n spl.Node) bool {
		if _, ok := n.(*spl.SearchSubsearch); ok {
			found = true
		}
		return !found && isBoolNode(n)
	})
	return found
}

// isBoolNode reports whether n is an AND, OR or NOT of search expressions.
func isBoolNode(n spl.Node) bool {
	switch n.(type) {
	case *spl.SearchAnd, *spl.SearchOr, *spl.SearchNot:
		return true
	}
	return false
}

// planTerms plans every subsearch term of e, in reading order, and returns
// e with each replaced by its placeholder comparison (e itself when it has
// none).
func (e *Engine) planTerms(x spl.SearchExpr, pl *Plan) (spl.SearchExpr, []*subsearchTerm, error) {
	var terms []*subsearchTerm
	out, err := spl.RewriteSearch(x, func(x spl.SearchExpr) (spl.SearchExpr, error) {
		s, ok := x.(*spl.SearchSubsearch)
		if !ok {
			return x, nil
		}
		sub, err := e.planSubsearch(s.Pipeline, s.Pos, pl)
		if err != nil {
			return nil, err
		}
		t := &subsearchTerm{n: len(terms) + 1, sub: sub, pos: s.Pos}
		terms = append(terms, t)
		return &spl.SearchCompare{Field: t.placeholder(), Op: spl.OpEq, Value: spl.Value{Text: "*", Pos: s.Pos}, Pos: s.Pos}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, terms, nil
}

// termsSubplans returns the subsearch roots of terms.
func termsSubplans(terms []*subsearchTerm) []node {
	out := make([]node, len(terms))
	for i, t := range terms {
		out[i] = t.sub
	}
	return out
}

// showTerms rewrites the placeholder comparisons of a plan line, which
// print as SPL prints them (`"[subsearch N]"=*`), as "[subsearch N]".
func showTerms(s string, terms []*subsearchTerm) string {
	for _, t := range terms {
		s = strings.ReplaceAll(s, spl.Word(t.placeholder())+"=*", t.placeholder())
	}
	return s
}

// bindTerms runs the subsearches of terms, compiles each formatted result
// with pc (the consumer's mode and field resolution; leaf ids continue
// from pc.nleaves) and returns where with every placeholder leaf replaced.
// pc.nleaves is the leaf count of the result.
func bindTerms(ctx context.Context, env *execEnv, where expr.Pred, terms []*subsearchTerm, pc *expr.SearchCompiler) (expr.Pred, error) {
	byName := make(map[string]expr.Pred, len(terms))
	for _, t := range terms {
		x, err := runTerm(ctx, env, t)
		if err != nil {
			return nil, err
		}
		p := expr.NewConst(false, "NOT ()")
		if x != nil {
			if p, err = pc.Compile(x); err != nil {
				return nil, fmt.Errorf("subsearch %d: its result does not compile: %w", t.n, err)
			}
		}
		byName[t.placeholder()] = p
	}
	bound, n := expr.ReplaceLeaves(where, byName)
	if n != len(terms) {
		return nil, fmt.Errorf("internal error: %d of %d subsearch terms found in the compiled expression", n, len(terms))
	}
	return bound, nil
}

// runTerm runs t's subsearch and formats its rows; nil means no term (the
// empty `NOT ()`).
func runTerm(ctx context.Context, env *execEnv, t *subsearchTerm) (spl.SearchExpr, error) {
	op := build(env, t.sub)
	defer op.Close()
	rows, err := drain(ctx, op, t.sub.fields(), termSubsearchMax)
	defer rows.release()
	if err != nil {
		return nil, fmt.Errorf("subsearch %d: %w", t.n, err)
	}
	x, err := formatRows(rows.fields, rows.batches)
	if err != nil {
		return nil, fmt.Errorf("subsearch %d: %w", t.n, err)
	}
	return x, nil
}

// formatRows is Splunk's format over the given batches (see the file
// comment); nil when no row yields a term. When every term is on one
// field (the common `table f` subsearch), the result is the equivalent
// `f IN (v1, v2, ...)`: one leaf instead of a chain of thousands of ORs.
func formatRows(fields []string, batches []arrow.RecordBatch) (spl.SearchExpr, error) {
	var out spl.SearchExpr
	var vals []string
	// in collects the values while every term so far is field=value on
	// inField; inOK turns false at the first term that is not.
	var in []spl.Value
	inField, inOK := "", true
	for _, b := range batches {
		cols := make([]*value.Column, len(fields))
		for j, f := range fields {
			if strings.HasPrefix(f, "_") {
				continue
			}
			a := value.ColumnByName(b, f)
			if a == nil {
				continue
			}
			c, err := value.NewColumn(a)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f, err)
			}
			cols[j] = c
		}
		for i := 0; i < int(b.NumRows()); i++ {
			var row spl.SearchExpr
			for j, c := range cols {
				if c == nil {
					continue
				}
				vals = c.Values(i, vals[:0])
				var cell spl.SearchExpr
				for _, v := range vals {
					t, err := formatValue(fields[j], v)
					if err != nil {
						return nil, err
					}
					cell = orExpr(cell, t)
				}
				if cell != nil && inOK {
					if row != nil || (inField != "" && inField != fields[j]) {
						inOK = false
					} else if in, inOK = appendFieldValues(in, cell, fields[j]); inOK {
						inField = fields[j]
					}
				}
				row = andExpr(row, cell)
			}
			out = orExpr(out, row)
		}
	}
	if inOK && len(in) > 1 {
		return &spl.SearchIn{Field: inField, Values: in}, nil
	}
	return out, nil
}

// appendFieldValues appends the values of x to dst when x is field="value"
// or an OR of such comparisons (a multivalue cell); ok is false otherwise.
func appendFieldValues(dst []spl.Value, x spl.SearchExpr, field string) (_ []spl.Value, ok bool) {
	switch x := x.(type) {
	case *spl.SearchOr:
		if dst, ok = appendFieldValues(dst, x.Left, field); !ok {
			return dst, false
		}
		return appendFieldValues(dst, x.Right, field)
	case *spl.SearchCompare:
		if x.Field == field && x.Op == spl.OpEq {
			return append(dst, x.Value), true
		}
	}
	return dst, false
}

// formatValue is the term of one value: field="value", or for the fields
// search and query the value parsed as search text (nil when blank).
func formatValue(field, v string) (spl.SearchExpr, error) {
	if field != "search" && field != "query" {
		return &spl.SearchCompare{Field: field, Op: spl.OpEq, Value: spl.Value{Text: v, Quoted: true}}, nil
	}
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	x, err := spl.ParseSearchExpr(v)
	if err != nil {
		return nil, fmt.Errorf("field %s value %q is not a search expression: %w", field, v, err)
	}
	return x, nil
}

func andExpr(l, r spl.SearchExpr) spl.SearchExpr {
	switch {
	case l == nil:
		return r
	case r == nil:
		return l
	}
	return &spl.SearchAnd{Left: l, Right: r}
}

func orExpr(l, r spl.SearchExpr) spl.SearchExpr {
	switch {
	case l == nil:
		return r
	case r == nil:
		return l
	}
	return &spl.SearchOr{Left: l, Right: r}
}

// tstatsTermsNode is a tstats whose WHERE holds subsearch terms. ts is the
// tstats planned with placeholders (its fields, checks and plan text); at
// execution the subsearches run and a copy of ts with the bound WHERE is
// executed.
type tstatsTermsNode struct {
	ts    *tstatsNode
	terms []*subsearchTerm
}

func (*tstatsTermsNode) isNode()            {}
func (n *tstatsTermsNode) fields() []string { return n.ts.fields() }
func (n *tstatsTermsNode) input() node      { return nil }
func (n *tstatsTermsNode) subplans() []node { return termsSubplans(n.terms) }
func (n *tstatsTermsNode) describe() string { return showTerms(n.ts.describe(), n.terms) }

// planTstatsTerms plans a tstats whose WHERE holds subsearch terms. The
// placeholder fields are not dataset fields, so their "not a field"
// warnings are dropped; every other warning reaches pl.
func (e *Engine) planTstatsTerms(c *spl.Tstats, pl *Plan) (node, error) {
	where, terms, err := e.planTerms(c.Where, pl)
	if err != nil {
		return nil, err
	}
	ts := *c
	ts.Where = where
	scratch := &Plan{}
	n, err := e.planTstats(&ts, scratch)
	if err != nil {
		return nil, err
	}
	for _, w := range scratch.warnings {
		if !strings.HasPrefix(w, "[subsearch ") {
			pl.warn(w)
		}
	}
	tn, ok := n.(*tstatsNode)
	if !ok {
		return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("internal error: tstats planned as %T", n)}
	}
	tn.whereExpr = nil // its placeholder terms would count nothing
	return &tstatsTermsNode{ts: tn, terms: terms}, nil
}

func (n *tstatsTermsNode) newOperator(env *execEnv, _ operator) operator {
	return &tstatsTermsOp{n: n, env: env}
}

// tstatsTermsOp binds the subsearch terms on the first Next, then runs the
// bound tstats.
type tstatsTermsOp struct {
	n   *tstatsTermsNode
	env *execEnv
	op  operator
}

func (o *tstatsTermsOp) Open(context.Context) error { return nil }

func (o *tstatsTermsOp) Close() {
	if o.op != nil {
		o.op.Close()
	}
}

func (o *tstatsTermsOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if o.op == nil {
		ts := o.n.ts
		schema := ts.ds.Schema()
		// Field resolution at execution must not touch the shared Plan:
		// its warnings go to a scratch one (a field the subsearch yields
		// that the dataset lacks is null, as in Splunk).
		scratch := &Plan{}
		pc := &expr.SearchCompiler{Mode: expr.ModeTstats, NLeaves: ts.nleaves,
			Resolve: func(f string) int { return resolveField(ts.ds, schema, f, scratch).col }}
		where, err := bindTerms(ctx, o.env, ts.where, o.n.terms, pc)
		if err != nil {
			return nil, fmt.Errorf("tstats where: %w", err)
		}
		bound := *ts
		bound.where, bound.nleaves, bound.origin = where, pc.NLeaves, ts
		op := bound.newOperator(o.env, nil)
		if err := op.Open(ctx); err != nil {
			op.Close()
			return nil, err
		}
		o.op = op
	}
	return o.op.Next(ctx)
}
