package expr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// addMVFuncs registers the multivalue functions. A single value counts as a
// multivalue of one value everywhere.
func addMVFuncs(m map[string]*funcSpec) {
	m["mvcount"] = &funcSpec{min: 1, max: 1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			switch a[0].Kinds[i] {
			case value.KindNull:
			case value.KindMulti:
				out.SetNum(i, float64(len(a[0].Multi[i])))
			default:
				out.SetNum(i, 1)
			}
		}), nil
	}}
	m["mvindex"] = &funcSpec{min: 2, max: 3, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			if a[0].IsNull(i) {
				return
			}
			vals := a[0].Values(i, nil)
			n := len(vals)
			at := func(v *value.Vector) (int, bool) {
				f, ok := v.Num(i)
				if !ok {
					return 0, false
				}
				k := int(f)
				if k < 0 {
					k += n
				}
				return k, k >= 0 && k < n
			}
			start, ok := at(a[1])
			if !ok {
				return
			}
			if len(a) == 2 {
				out.CopyRow(i, a[0], i)
				if a[0].Kinds[i] == value.KindMulti {
					out.SetText(i, vals[start])
				}
				return
			}
			end, ok := at(a[2])
			if !ok || end < start {
				return
			}
			if a[0].Kinds[i] != value.KindMulti {
				out.CopyRow(i, a[0], i)
				return
			}
			out.SetValues(i, vals[start:end+1])
		}), nil
	}}
	m["mvfind"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return fc.perRowRegex(1, func(a []*value.Vector, i int, out *value.Vector, r *pcre.Regexp) {
			for k, s := range a[0].Values(i, nil) {
				if r.MatchString(s) {
					out.SetNum(i, float64(k))
					return
				}
			}
		})
	}}
	m["mvjoin"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			d, ok := a[1].Str(i)
			if !ok || a[0].IsNull(i) {
				return
			}
			if a[0].Kinds[i] != value.KindMulti {
				s, _ := a[0].Str(i)
				out.SetStr(i, s)
				return
			}
			out.SetStr(i, strings.Join(a[0].Multi[i], d))
		}), nil
	}}
	m["mvappend"] = &funcSpec{min: 1, max: -1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			var vals []string
			for _, v := range a {
				vals = v.Values(i, vals)
			}
			out.SetValues(i, vals)
		}), nil
	}}
	m["mvdedup"] = multiFunc(func(vs []string) []string {
		seen := make(map[string]bool, len(vs))
		var vals []string
		for _, s := range vs {
			if !seen[s] {
				seen[s] = true
				vals = append(vals, s)
			}
		}
		return vals
	})
	m["mvsort"] = multiFunc(func(vs []string) []string {
		vals := slices.Clone(vs)
		slices.Sort(vals)
		return vals
	})
	m["mvzip"] = &funcSpec{min: 2, max: 3, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			d, ok := optStr(a, 2, i, ",")
			if !ok {
				return
			}
			x, y := a[0].Values(i, nil), a[1].Values(i, nil)
			n := min(len(x), len(y))
			vals := make([]string, n)
			for k := range n {
				vals[k] = x[k] + d + y[k]
			}
			out.SetValues(i, vals)
		}), nil
	}}
	// split(str, delim): "This function splits the string values on the
	// delimiter and returns the string values as a multivalue field"
	// (Search Reference, Multivalue eval functions, split), so each value
	// of a multivalue str is split and the pieces are joined in order:
	// split(mvappend("a;b","c"),";") is a, b, c. An empty delim gives one
	// value per character, as the docs show for split(test,"").
	m["split"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			d, ok := a[1].Str(i)
			if !ok || a[0].IsNull(i) {
				return
			}
			if a[0].Kinds[i] != value.KindMulti {
				s, _ := a[0].Str(i)
				out.SetValues(i, strings.Split(s, d))
				return
			}
			var parts []string
			for _, s := range a[0].Multi[i] {
				parts = append(parts, strings.Split(s, d)...)
			}
			out.SetValues(i, parts)
		}), nil
	}}
	m["mvrange"] = mvrangeSpec()
	// mvfilter is compiled by compiler.mvfilter; the entry gives the
	// argument count and the name for suggestions.
	m["mvfilter"] = &funcSpec{min: 1, max: 1, ret: typeValue}
}

// multiFunc is a function of one field that rewrites the values of a
// multivalue with f (which must not modify its argument); a single value
// or null is returned as it is.
func multiFunc(f func(vals []string) []string) *funcSpec {
	return &funcSpec{min: 1, max: 1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			if a[0].Kinds[i] != value.KindMulti {
				out.CopyRow(i, a[0], i)
				return
			}
			out.SetValues(i, f(a[0].Multi[i]))
		}), nil
	}}
}

// mvfilterNode is mvfilter(pred): the values of the one field pred names
// for which pred is true, evaluated value by value; null when none passes.
type mvfilterNode struct {
	id    int
	field string
	col   int
	pred  Evaluator
	flat  int // node id of the flattened-values vector
}

func (c *EvalCompiler) mvfilter(e *spl.Call) (Evaluator, error) {
	seen := len(c.fieldsSeen)
	pred, err := c.CompileBool(e.Args[0], "the argument of mvfilter()")
	if err != nil {
		return nil, err
	}
	names := slices.Compact(slices.Sorted(slices.Values(c.fieldsSeen[seen:])))
	if len(names) != 1 {
		return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("mvfilter() must reference exactly one field, found %d (%s)", len(names), strings.Join(names, ", "))}
	}
	return &mvfilterNode{id: c.id(), field: names[0], col: c.Resolve(names[0]), pred: pred, flat: c.id()}, nil
}

func (n *mvfilterNode) Type() Type     { return typeValue }
func (n *mvfilterNode) String() string { return "mvfilter(" + n.pred.String() + ")" }
func (n *mvfilterNode) Eval(c *Ctx) (*value.Vector, error) {
	if n.col < 0 {
		return c.out(n.id), nil
	}
	src, err := c.field(n.col)
	if err != nil {
		return nil, err
	}
	// Flatten the field's values into one vector, one row per value, and
	// evaluate pred over it with the field bound to that vector.
	rows := c.n
	flat := &c.vecs[n.flat]
	var vals []string
	owner := make([]int, 0, rows)
	for i := 0; i < rows; i++ {
		before := len(vals)
		vals = src.Values(i, vals)
		for range len(vals) - before {
			owner = append(owner, i)
		}
	}
	flat.Reset(len(vals))
	for k, s := range vals {
		flat.SetText(k, s)
	}
	saveN, saveOv, saveVec := c.n, c.override, c.overrideVec
	c.n, c.override, c.overrideVec = len(vals), n.col, flat
	res, err := n.pred.Eval(c)
	c.n, c.override, c.overrideVec = saveN, saveOv, saveVec
	if err != nil {
		return nil, err
	}
	keep := make([][]string, rows)
	for k, s := range vals {
		if b, ok := res.Bool(k); ok && b {
			keep[owner[k]] = append(keep[owner[k]], s)
		}
	}
	out := c.out(n.id)
	for i := range keep {
		out.SetValues(i, keep[i])
	}
	return out, nil
}
