package spl

import (
	"fmt"
	"strconv"
	"strings"
)

// This file converts the parse trees of grammar_commands.go into the AST of
// ast_commands.go, checking what the grammar cannot (numbers, operators).

// command2 converts the commands of grammar_commands.go.
func (c *converter) command2(n cmdNode) Command {
	switch n := n.(type) {
	case *whereCmd:
		return &Where{Expr: n.Expr.X, Pos: c.span(n.Pos, n.EndPos)}
	case *evalCmd:
		e := &Eval{Pos: c.span(n.Pos, n.EndPos)}
		for _, a := range n.Assign {
			e.Assignments = append(e.Assignments, EvalAssign{Field: c.evalTarget(a.Field), Expr: a.Expr.X})
		}
		return e
	case *statsCmd:
		return c.stats(n)
	case *tableCmd:
		t := &Table{Pos: c.span(n.Pos, n.EndPos)}
		for _, f := range n.Fields {
			t.Fields = append(t.Fields, c.value(f))
		}
		return t
	case *fieldsCmd:
		f := &Fields{Remove: n.Sign == "-", Pos: c.span(n.Pos, n.EndPos)}
		for _, v := range n.Fields {
			f.Fields = append(f.Fields, c.value(v))
		}
		return f
	case *dedupCmd:
		return c.dedup(n)
	case *sortCmd:
		return c.sort(n)
	case *headCmd:
		return c.head(n)
	case *fillnullCmd:
		f := &Fillnull{Pos: c.span(n.Pos, n.EndPos)}
		if n.Value != nil {
			v := c.value(n.Value)
			f.Value = &v
		}
		for _, x := range n.Fields {
			f.Fields = append(f.Fields, c.field(x))
		}
		return f
	case *rexCmd:
		r := &Rex{Regex: c.value(n.Regex), Pos: c.span(n.Pos, n.EndPos)}
		r.Options = c.options(n.Pre, n.Post)
		return r
	case *regexCmd:
		r := &Regex{Regex: c.value(n.Regex), Pos: c.span(n.Pos, n.EndPos)}
		if n.Field != nil {
			r.Field = c.field(n.Field)
			switch n.Op {
			case "=":
			case "!=":
				r.Negate = true
			default:
				sp := c.fieldSpan(n.Field)
				c.fail(Span{sp.End, r.Regex.Pos.Start}, "regex takes field=\"regex\" or field!=\"regex\", not %q", n.Op)
			}
		}
		return r
	case *binCmd:
		b := &Bin{CommandName: strings.ToLower(n.Name), Field: c.field(n.Field), Pos: c.span(n.Pos, n.EndPos)}
		b.Options = c.options(n.Pre)
		for _, t := range n.Tail {
			switch {
			case t.Option != nil:
				b.Options = append(b.Options, c.option(t.Option))
			case b.As != "":
				c.fail(c.fieldSpan(t.As), "%s takes one AS name; %q is the second", b.CommandName, c.field(t.As))
			default:
				b.As = c.field(t.As)
			}
		}
		return b
	case *mvexpandCmd:
		return &Mvexpand{Field: c.field(n.Field), Options: c.options(n.Pre, n.Post), Pos: c.span(n.Pos, n.EndPos)}
	case *makemvCmd:
		return &Makemv{Field: c.field(n.Field), Options: c.options(n.Pre, n.Post), Pos: c.span(n.Pos, n.EndPos)}
	case *lookupCmd:
		l := &Lookup{Options: c.options(n.Options), Table: c.field(n.Table), Mode: strings.ToUpper(n.Mode), Pos: c.span(n.Pos, n.EndPos)}
		l.Inputs = c.lookupFields(n.Inputs)
		l.Outputs = c.lookupFields(n.Outputs)
		return l
	case *inputlookupCmd:
		l := &Inputlookup{Options: c.options(n.Options), Table: c.field(n.Table), Pos: c.span(n.Pos, n.EndPos)}
		if n.Where != nil {
			l.Where = c.and(n.Where)
		}
		return l
	case *joinCmd:
		j := &Join{Subsearch: c.pipeline(n.Sub), Pos: c.span(n.Pos, n.EndPos)}
		for _, it := range n.Items {
			if it.Option != nil {
				j.Options = append(j.Options, c.option(it.Option))
			} else {
				j.Fields = append(j.Fields, c.field(it.Field))
			}
		}
		return j
	case *appendCmd:
		return &Append{Options: c.options(n.Options), Subsearch: c.pipeline(n.Sub), Pos: c.span(n.Pos, n.EndPos)}
	}
	panic(fmt.Sprintf("spl: unknown parse node %T", n))
}

// options converts option lists in order.
func (c *converter) options(lists ...[]*optionNode) []Option {
	var out []Option
	for _, l := range lists {
		for _, o := range l {
			out = append(out, c.option(o))
		}
	}
	return out
}

// evalTarget converts the field name on the left of an eval assignment;
// a single-quoted name loses its quotes.
func (c *converter) evalTarget(n *fieldNode) string {
	if n.SQuote != nil {
		s := *n.SQuote
		return unescapeSQuote(s[1 : len(s)-1])
	}
	return c.field(n)
}

func (c *converter) stats(n *statsCmd) Command {
	opts := c.options(n.Pre, n.Post)
	var aggs []StatsAgg
	for _, a := range n.Aggs {
		agg := StatsAgg{Aggregate: Aggregate{Func: strings.ToLower(a.Func), Pos: c.span(a.Pos, a.EndPos)}}
		switch {
		case a.Eval != nil:
			agg.Eval = a.Eval.X
		case a.Field != nil:
			agg.Field = c.field(a.Field)
		}
		if a.Alias != nil {
			agg.Alias = c.field(a.Alias)
		}
		agg.Text = agg.funcText()
		aggs = append(aggs, agg)
	}
	var by []string
	for _, f := range n.By {
		by = append(by, c.field(f))
	}
	sp := c.span(n.Pos, n.EndPos)
	if strings.EqualFold(n.Name, "eventstats") {
		return &Eventstats{Options: opts, Aggs: aggs, By: by, Pos: sp}
	}
	return &Stats{Options: opts, Aggs: aggs, By: by, Pos: sp}
}

// funcText is the canonical text of the function without its alias, which
// names the output column: count, dc(x), count(eval(x = 1)).
func (a StatsAgg) funcText() string {
	switch {
	case a.Eval != nil:
		return a.Func + "(eval(" + a.Eval.String() + "))"
	case a.Field != "":
		return a.Func + "(" + fieldString(a.Field) + ")"
	}
	return a.Func
}

func (c *converter) lookupFields(fs []*lookupField) []LookupField {
	var out []LookupField
	for _, f := range fs {
		lf := LookupField{Field: c.field(f.Field)}
		if f.As != nil {
			lf.As = c.field(f.As)
		}
		out = append(out, lf)
	}
	return out
}

func (c *converter) dedup(n *dedupCmd) *Dedup {
	d := &Dedup{Pos: c.span(n.Pos, n.EndPos)}
	for i, it := range n.Items {
		switch {
		case it.Option != nil:
			d.Options = append(d.Options, c.option(it.Option))
		case i == 0 && it.Field.Word != nil && isUint(*it.Field.Word):
			d.Count = c.count(*it.Field.Word, c.fieldSpan(it.Field), 1)
		default:
			d.Fields = append(d.Fields, c.field(it.Field))
		}
	}
	if len(d.Fields) == 0 {
		c.fail(d.Pos, "dedup needs at least one field")
	}
	for _, k := range n.SortBy {
		d.SortBy = append(d.SortBy, c.sortKey(k))
	}
	return d
}

func (c *converter) sort(n *sortCmd) *Sort {
	s := &Sort{Pos: c.span(n.Pos, n.EndPos)}
	keys := n.Keys
	if k := keys[0]; len(keys) > 1 && k.Sign == "" && k.Field != nil && k.Field.Word != nil && isUint(*k.Field.Word) {
		limit := c.count(*k.Field.Word, c.fieldSpan(k.Field), 0)
		s.Limit = &limit
		keys = keys[1:]
	}
	if k := keys[len(keys)-1]; len(keys) > 1 && k.Sign == "" && k.Field != nil && k.Field.Word != nil {
		if w := strings.ToLower(*k.Field.Word); w == "d" || w == "desc" {
			s.Reverse = true
			keys = keys[:len(keys)-1]
		}
	}
	for _, k := range keys {
		s.Keys = append(s.Keys, c.sortKey(k))
	}
	return s
}

// sortKey converts one key; a sign glued to a bare word (-count) counts
// as written apart.
func (c *converter) sortKey(k *sortKey) SortKey {
	sign := k.Sign
	var key SortKey
	if k.Func != "" {
		f := k.Func
		if sign == "" && (f[0] == '-' || f[0] == '+') {
			sign, f = f[:1], f[1:]
		}
		key = SortKey{Field: c.field(k.Arg), Func: strings.ToLower(f)}
		switch key.Func {
		case "num", "str", "ip", "auto":
		default:
			c.fail(c.fieldSpan(k.Arg), "unknown sort function %q: expected num, str, ip or auto", f)
		}
	} else {
		key.Field = c.field(k.Field)
		if sign == "" && k.Field.Word != nil && len(key.Field) > 1 && (key.Field[0] == '-' || key.Field[0] == '+') {
			sign, key.Field = key.Field[:1], key.Field[1:]
		}
	}
	key.Desc = sign == "-"
	return key
}

func (c *converter) head(n *headCmd) *Head {
	h := &Head{Options: c.options(n.Pre, n.Options), Pos: c.span(n.Pos, n.EndPos)}
	switch {
	case n.Expr != nil:
		h.Expr = n.Expr.X
	case n.Count != nil:
		sp := Span{n.Count.Pos.Offset, n.Count.Pos.Offset + len(n.Count.Raw)}
		if !isUint(n.Count.Raw) {
			c.fail(sp, "head takes a number of results or (expression), not %q", n.Count.Raw)
			break
		}
		v := c.count(n.Count.Raw, sp, 0)
		h.Count = &v
	}
	return h
}

// count parses a non-negative count of at least min.
func (c *converter) count(s string, sp Span, min int) int {
	v, err := strconv.Atoi(s)
	if err != nil || v < min {
		c.fail(sp, "invalid count %q: expected a whole number of at least %d", s, min)
	}
	return v
}

func isUint(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
