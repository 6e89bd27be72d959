package engine

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/lookup"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// Lookups lists the lookup definitions of Options.LookupDirs by the rules
// planning uses to find a table: the *.yml and *.yaml files of each
// folder, in file name order; a file without a name: is not a definition;
// a name defined again in a later folder (or a later file of the same
// folder) is left out, since a search finds the first. Bare CSV files
// without a definition are not listed. A definition that does not parse
// is an error, as it is for every search that uses a lookup of its folder.
func (e *Engine) Lookups() ([]LookupInfo, error) { return lookup.List(e.opt.LookupDirs) }

// LookupInfo describes one lookup definition of the lookup folders, as a
// search would find it: its Name, its CSV File relative to Dir ("" for a
// KV-store collection or an ML model, which a search cannot use), the
// Definition file, and whether the file is Missing.
type LookupInfo = lookup.Info

// lookupNode is `lookup table in [AS f]... [OUTPUT|OUTPUTNEW out [AS f]...]`
// (spl-semantics §6.1), a streaming operator.
//
// Semantics, with the choices made where the reference is silent:
//   - A row matches a table row when every input matches: exactly (case
//     per case_sensitive_match, default true), or as a WILDCARD glob or a
//     CIDR range for the columns match_type names. A null input matches
//     nothing. A multivalue input matches on its first value.
//   - Up to max_matches rows (default 100) match, in file order; an output
//     then holds the non-empty values of those rows in file order,
//     multivalue when there are several.
//   - Fewer matches than min_matches are padded with default_match; with no
//     default_match the padding adds nothing.
//   - OUTPUT (and no output clause, which outputs every table column that
//     is not an input) overwrites the field, clearing it when nothing
//     matched; OUTPUTNEW only fills a field where it is null in that row.
//   - New output fields are appended after the input's fields, in clause
//     (or table) order.
type lookupNode struct {
	in      node
	t       *lookup.Table
	m       *lookup.Matcher
	inputs  []string // event fields matched, in clause order
	outs    []lookupOut
	outNew  bool
	out     []string
	display string
}

// lookupOut is one output: table column col written to event field field.
type lookupOut struct {
	col   int
	field string
}

func (*lookupNode) isNode()            {}
func (n *lookupNode) fields() []string { return n.out }
func (n *lookupNode) input() node      { return n.in }
func (n *lookupNode) describe() string { return n.display }

// planLookup loads the table (once per plan) and checks the clause.
func (e *Engine) planLookup(c *spl.Lookup, in node) (node, error) {
	for _, o := range c.Options {
		switch o.Key {
		case "local", "update":
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown lookup option %q", o.Key)}
		}
	}
	t, err := e.findTable(c.Table)
	if err != nil {
		return nil, &spl.Error{Pos: c.Pos, Msg: err.Error()}
	}
	n := &lookupNode{in: in, t: t, outNew: strings.EqualFold(c.Mode, "OUTPUTNEW")}
	if len(c.Inputs) == 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "lookup needs at least one input field"}
	}
	var cols []int
	var desc []string
	isInput := map[int]bool{}
	for _, f := range c.Inputs {
		col, local, err := resolveLookupField(c, t, f)
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
		isInput[col] = true
		n.inputs = append(n.inputs, local)
		desc = append(desc, asText(f.Field, local))
	}
	n.m = t.Matcher(cols)
	var outs []string
	if len(c.Outputs) == 0 {
		for col, name := range t.Columns {
			if !isInput[col] {
				n.outs = append(n.outs, lookupOut{col: col, field: name})
			}
		}
	}
	for _, f := range c.Outputs {
		col, local, err := resolveLookupField(c, t, f)
		if err != nil {
			return nil, err
		}
		n.outs = append(n.outs, lookupOut{col: col, field: local})
	}
	n.out = append([]string(nil), in.fields()...)
	for _, o := range n.outs {
		outs = append(outs, asText(t.Columns[o.col], o.field))
		if slices.Index(n.out, o.field) < 0 {
			n.out = append(n.out, o.field)
		}
	}
	mode := "OUTPUT"
	if n.outNew {
		mode = "OUTPUTNEW"
	}
	n.display = fmt.Sprintf("Lookup %s file=%s inputs=[%s] %s=[%s]%s", c.Table, lookupFileName(t.Path),
		strings.Join(desc, ", "), mode, strings.Join(outs, ", "), tableSettings(t))
	return n, nil
}

// resolveLookupField returns the table column of f and the event field it
// is matched against or written to (f.As, else the column's name).
func resolveLookupField(c *spl.Lookup, t *lookup.Table, f spl.LookupField) (col int, local string, err error) {
	col = slices.Index(t.Columns, f.Field)
	if col < 0 {
		return 0, "", &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("lookup %s has no column %q (columns: %s)", c.Table, f.Field, strings.Join(t.Columns, ", "))}
	}
	local = f.Field
	if f.As != "" {
		local = f.As
	}
	return col, local, nil
}

// asText renders a lookup field as written: "field" or "field AS local".
func asText(field, local string) string {
	if field == local {
		return field
	}
	return field + " AS " + local
}

// lookupFileName is the file's base name, for stable plan texts.
func lookupFileName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// tableSettings renders the non-default match settings of t for the plan
// text.
func tableSettings(t *lookup.Table) string {
	var b strings.Builder
	for c, k := range t.Kinds {
		switch k {
		case lookup.MatchWildcard:
			b.WriteString(" WILDCARD(" + t.Columns[c] + ")")
		case lookup.MatchCIDR:
			b.WriteString(" CIDR(" + t.Columns[c] + ")")
		}
	}
	if !t.CaseSensitive {
		b.WriteString(" case_insensitive")
	}
	if t.MinMatches > 0 {
		b.WriteString(fmt.Sprintf(" min_matches=%d", t.MinMatches))
	}
	if t.DefaultMatch != nil {
		b.WriteString(" default_match=" + spl.Word(*t.DefaultMatch))
	}
	if t.MaxMatches != 100 {
		b.WriteString(fmt.Sprintf(" max_matches=%d", t.MaxMatches))
	}
	return b.String()
}

func (n *lookupNode) newOperator(env *execEnv, in operator) operator {
	readers := make([]*value.Column, len(n.inputs))
	vals := make([]string, len(n.inputs))
	outVecs := make([]value.Vector, len(n.outs))
	var matched []int32
	var key []byte
	var mv []string
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		for k, f := range n.inputs {
			readers[k] = nil
			if a := value.ColumnByName(b, f); a != nil {
				c, err := value.NewColumn(a)
				if err != nil {
					return nil, false, fmt.Errorf("lookup %s: field %s: %w", n.t.Name, f, err)
				}
				readers[k] = c
			}
		}
		// Start every output from the row's current value (OUTPUTNEW) or
		// null (OUTPUT).
		for k, o := range n.outs {
			v := &outVecs[k]
			v.Reset(rows)
			if n.outNew {
				if a := value.ColumnByName(b, o.field); a != nil {
					c, err := value.NewColumn(a)
					if err != nil {
						return nil, false, fmt.Errorf("lookup %s: field %s: %w", n.t.Name, o.field, err)
					}
					c.Load(v)
				}
			}
		}
		mv = mv[:0]
		for r := 0; r < rows; r++ {
			matched = matched[:0]
			ok := true
			for k, c := range readers {
				if c == nil || c.IsNull(r) {
					ok = false
					break
				}
				vals[k], _ = c.String(r)
			}
			if ok {
				matched, key = n.m.Match(vals, matched, key, n.t.MaxMatches)
			}
			for k, o := range n.outs {
				v := &outVecs[k]
				if n.outNew && !v.IsNull(r) {
					continue
				}
				start := len(mv)
				for _, tr := range matched {
					if s, ok := n.t.Cell(int(tr), o.col); ok {
						mv = append(mv, s)
					}
				}
				if n.t.DefaultMatch != nil && *n.t.DefaultMatch != "" {
					for i := len(matched); i < n.t.MinMatches; i++ {
						mv = append(mv, *n.t.DefaultMatch)
					}
				}
				v.SetValues(r, mv[start:len(mv):len(mv)])
			}
		}
		cols := make([]arrow.Array, len(n.out))
		for i, name := range n.out {
			if k := n.outIndex(name); k >= 0 {
				cols[i] = outVecs[k].Build(env.mem)
				continue
			}
			if a := value.ColumnByName(b, name); a != nil {
				a.Retain()
				cols[i] = a
			} else {
				cols[i] = nullColumn(env.mem, rows)
			}
		}
		return newBatch(n.out, cols, rows), false, nil
	}}
}

// outIndex returns the last output writing field name (a later output
// wins), or -1.
func (n *lookupNode) outIndex(name string) int {
	for k := len(n.outs) - 1; k >= 0; k-- {
		if n.outs[k].field == name {
			return k
		}
	}
	return -1
}

// inputlookupNode is `| inputlookup [max=N] table [where <search expr>]`:
// the table's rows in file order, every column a string (an empty cell is
// null), filtered by where as the search command filters.
type inputlookupNode struct {
	t       *lookup.Table
	where   expr.Pred
	nleaves int
	max     int // 0: every row
	display string
}

func (*inputlookupNode) isNode()            {}
func (n *inputlookupNode) fields() []string { return n.t.Columns }
func (n *inputlookupNode) input() node      { return nil }
func (n *inputlookupNode) describe() string { return n.display }

func (e *Engine) planInputlookup(c *spl.Inputlookup) (node, error) {
	n := &inputlookupNode{}
	for _, o := range c.Options {
		switch o.Key {
		case "max":
			v, ok := parseNonNegInt(o.Value.Text)
			if !ok {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("inputlookup max=%s: want a non-negative integer", o.Value.Text)}
			}
			n.max = v
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported inputlookup option %q", o.Key)}
		}
	}
	t, err := e.findTable(c.Table)
	if err != nil {
		return nil, &spl.Error{Pos: c.Pos, Msg: err.Error()}
	}
	n.t = t
	n.display = fmt.Sprintf("Inputlookup %s file=%s columns=[%s]", c.Table, lookupFileName(t.Path), strings.Join(t.Columns, " "))
	if n.max > 0 {
		n.display += fmt.Sprintf(" max=%d", n.max)
	}
	if c.Where != nil {
		pc := &expr.SearchCompiler{Mode: expr.ModeResults, Resolve: func(f string) int { return slices.Index(t.Columns, f) }}
		w, err := pc.Compile(c.Where)
		if err != nil {
			return nil, err
		}
		n.where, n.nleaves = w, pc.NLeaves
		n.display += " where=" + w.String()
	}
	return n, nil
}

func parseNonNegInt(s string) (int, bool) {
	v := 0
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func (n *inputlookupNode) newOperator(env *execEnv, _ operator) operator {
	return &inputlookupOp{n: n, env: env}
}

// inputlookupOp builds batches of BatchSize table rows, filters them and
// stops after max kept rows.
type inputlookupOp struct {
	n    *inputlookupNode
	env  *execEnv
	pos  int
	kept int
	st   *expr.PredState
	mask []bool
}

func (o *inputlookupOp) Open(context.Context) error {
	o.st = expr.NewPredState(o.n.nleaves)
	return nil
}

func (o *inputlookupOp) Close() {}

func (o *inputlookupOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	t := o.n.t
	for o.pos < len(t.Rows) && (o.n.max == 0 || o.kept < o.n.max) {
		end := min(o.pos+o.env.batchSize, len(t.Rows))
		cols := make([]arrow.Array, len(t.Columns))
		for c := range t.Columns {
			bld := array.NewStringBuilder(o.env.mem)
			for r := o.pos; r < end; r++ {
				if s, ok := t.Cell(r, c); ok {
					bld.Append(s)
				} else {
					bld.AppendNull()
				}
			}
			cols[c] = bld.NewArray()
			bld.Release()
		}
		rows := end - o.pos
		o.pos = end
		b := newBatch(t.Columns, cols, rows)
		if o.n.where != nil {
			if cap(o.mask) < rows {
				o.mask = make([]bool, rows)
			}
			mask := o.mask[:rows]
			if err := o.n.where.Eval(o.st, b, mask); err != nil {
				b.Release()
				return nil, fmt.Errorf("inputlookup where: %w", err)
			}
			if o.n.max > 0 {
				// Keep only the first max-kept matches.
				left := o.n.max - o.kept
				for i := range mask {
					if mask[i] {
						if left == 0 {
							mask[i] = false
						} else {
							left--
						}
					}
				}
			}
			out, err := maskBatch(ctx, o.env.mem, b, mask)
			b.Release()
			if err != nil {
				return nil, fmt.Errorf("inputlookup: %w", err)
			}
			if out == nil {
				continue
			}
			b = out
		} else if o.n.max > 0 && o.kept+rows > o.n.max {
			s := b.NewSlice(0, int64(o.n.max-o.kept))
			b.Release()
			b = s
		}
		o.kept += int(b.NumRows())
		return b, nil
	}
	return nil, io.EOF
}
