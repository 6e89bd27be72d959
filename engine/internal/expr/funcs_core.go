package expr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// batchFn computes a function over a whole batch: a holds the argument
// vectors (all c.n rows long) and out is reset and c.n rows long.
type batchFn func(c *Ctx, a []*value.Vector, out *value.Vector)

// perRow lifts a row function to a batchFn.
func perRow(f func(a []*value.Vector, i int, out *value.Vector)) batchFn {
	return func(c *Ctx, a []*value.Vector, out *value.Vector) {
		for i := 0; i < c.n; i++ {
			f(a, i, out)
		}
	}
}

// optStr returns argument k of row i as a string, or def when the call has
// no argument k; ok is false when the argument is there but null.
func optStr(a []*value.Vector, k, i int, def string) (s string, ok bool) {
	if k >= len(a) {
		return def, true
	}
	return a[k].Str(i)
}

// optNum returns argument k of row i as a number, or def when the call has
// no argument k; ok is false when the argument is there but null or not a
// number.
func optNum(a []*value.Vector, k, i int, def float64) (f float64, ok bool) {
	if k >= len(a) {
		return def, true
	}
	return a[k].Num(i)
}

// funcSpec describes one eval function.
type funcSpec struct {
	min, max int // argument counts; max < 0 means no limit
	ret      Type
	// cond reports whether argument i (of n) is a boolean condition.
	cond func(i, n int) bool
	// build checks the arguments and returns the implementation.
	build func(fc *funcCall) (batchFn, error)
}

// funcCall is a call being compiled.
type funcCall struct {
	call *spl.Call
	args []Evaluator
	c    *EvalCompiler
	ret  Type
}

// literal returns the text of argument i when it is a literal.
func (fc *funcCall) literal(i int) (string, bool) {
	if i >= len(fc.call.Args) {
		return "", false
	}
	if l, ok := fc.call.Args[i].(*spl.Literal); ok {
		return l.Text, true
	}
	return "", false
}

// errorf returns a plan error at argument i (or the call when i < 0).
func (fc *funcCall) errorf(i int, format string, args ...any) error {
	pos := fc.call.Pos
	if i >= 0 && i < len(fc.call.Args) {
		pos = fc.call.Args[i].Span()
	}
	return &spl.Error{Pos: pos, Msg: fc.call.Func + ": " + fmt.Sprintf(format, args...)}
}

// funcTable returns the eval functions. It is built per compile so that
// no package-level mutable state exists.
func funcTable() map[string]*funcSpec {
	m := map[string]*funcSpec{}
	addCondFuncs(m)
	addStringFuncs(m)
	addMVFuncs(m)
	addMathFuncs(m)
	addTimeFuncs(m)
	return m
}

// unsupportedFuncs are Splunk eval functions minispl knows by name but does
// not implement; they get an "unsupported" error instead of suggestions.
var unsupportedFuncs = []string{
	"searchmatch", "printf", "spath", "commands", "sigfig", "random", "json_object",
	"json_extract", "json_array", "mvmap", "tojson", "ipmask", "lookup",
	"isbool", "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "hypot",
	"relative_time_modifier", "bitand", "bitor", "bitxor", "bitnot", "bit_shift_left", "bit_shift_right",
}

// callNode is a compiled function call.
type callNode struct {
	id   int
	name string
	args []Evaluator
	ret  Type
	fn   batchFn
}

func (n *callNode) Type() Type { return n.ret }
func (n *callNode) String() string {
	as := make([]string, len(n.args))
	for i, a := range n.args {
		as[i] = a.String()
	}
	return n.name + "(" + strings.Join(as, ", ") + ")"
}
func (n *callNode) Eval(c *Ctx) (*value.Vector, error) {
	vs := c.args[n.id][:0]
	for _, a := range n.args {
		v, err := a.Eval(c)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	c.args[n.id] = vs
	out := c.out(n.id)
	n.fn(c, vs, out)
	return out, nil
}

func (c *EvalCompiler) call(e *spl.Call) (Evaluator, error) {
	name := strings.ToLower(e.Func)
	if c.funcs == nil {
		c.funcs = funcTable()
	}
	spec, ok := c.funcs[name]
	if !ok {
		for _, u := range unsupportedFuncs {
			if u == name {
				return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unsupported eval function %s()", name)}
			}
		}
		msg := fmt.Sprintf("unknown eval function %s()", name)
		if close := closeNames(name, c.funcs); len(close) > 0 {
			msg += "; did you mean " + strings.Join(close, ", ") + "?"
		}
		return nil, &spl.Error{Pos: e.Pos, Msg: msg}
	}
	n := len(e.Args)
	if n < spec.min || (spec.max >= 0 && n > spec.max) {
		want := fmt.Sprintf("%d", spec.min)
		switch {
		case spec.max < 0:
			want = fmt.Sprintf("at least %d", spec.min)
		case spec.max != spec.min:
			want = fmt.Sprintf("%d to %d", spec.min, spec.max)
		}
		return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("%s() takes %s argument%s, got %d", name, want, plural(spec.min, spec.max), n)}
	}
	fc := &funcCall{call: e, c: c, ret: spec.ret}
	switch name {
	case "mvfilter":
		return c.mvfilter(e)
	case "in":
		return c.inList(e.Args[0], e.Args[1:])
	}
	if name == "exact" {
		c.exact++
		defer func() { c.exact-- }()
	}
	for i, a := range e.Args {
		var ev Evaluator
		var err error
		if spec.cond != nil && spec.cond(i, n) {
			ev, err = c.CompileBool(a, fmt.Sprintf("argument %d of %s()", i+1, name))
		} else {
			ev, err = c.CompileValue(a)
		}
		if err != nil {
			return nil, err
		}
		fc.args = append(fc.args, ev)
	}
	fn, err := spec.build(fc)
	if err != nil {
		return nil, err
	}
	return &callNode{id: c.id(), name: name, args: fc.args, ret: fc.ret, fn: fn}, nil
}

func plural(lo, hi int) string {
	if lo == 1 && hi == 1 {
		return ""
	}
	return "s"
}

// closeNames lists the function names within edit distance 2 of name, or
// sharing its first three letters, sorted.
func closeNames(name string, funcs map[string]*funcSpec) []string {
	var out []string
	for f := range funcs {
		if editDistance(name, f) <= 2 || (len(name) >= 3 && strings.HasPrefix(f, name[:3])) {
			out = append(out, f+"()")
		}
	}
	sort.Strings(out)
	if len(out) > 6 {
		out = out[:6]
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// addCondFuncs registers the comparison and conditional functions.
func addCondFuncs(m map[string]*funcSpec) {
	m["if"] = &funcSpec{min: 3, max: 3, cond: func(i, _ int) bool { return i == 0 },
		build: func(fc *funcCall) (batchFn, error) {
			fc.ret = fc.args[1].Type().merge(fc.args[2].Type())
			return perRow(func(a []*value.Vector, i int, out *value.Vector) {
				if b, ok := a[0].Bool(i); ok && b {
					out.CopyRow(i, a[1], i)
				} else {
					out.CopyRow(i, a[2], i)
				}
			}), nil
		}}
	m["case"] = &funcSpec{min: 2, max: -1, cond: func(i, _ int) bool { return i%2 == 0 },
		build: func(fc *funcCall) (batchFn, error) {
			if len(fc.args)%2 != 0 {
				return nil, fc.errorf(-1, "takes condition, value pairs; got %d arguments", len(fc.args))
			}
			fc.ret = typeAny
			for k := 1; k < len(fc.args); k += 2 {
				if k == 1 {
					fc.ret = fc.args[k].Type()
				} else {
					fc.ret = fc.ret.merge(fc.args[k].Type())
				}
			}
			return perRow(func(a []*value.Vector, i int, out *value.Vector) {
				for k := 0; k < len(a); k += 2 {
					if b, ok := a[k].Bool(i); ok && b {
						out.CopyRow(i, a[k+1], i)
						return
					}
				}
			}), nil
		}}
	coalesce := &funcSpec{min: 1, max: -1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		fc.ret = typeAny
		for k, a := range fc.args {
			if k == 0 {
				fc.ret = a.Type()
			} else {
				fc.ret = fc.ret.merge(a.Type())
			}
		}
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			for _, v := range a {
				if !v.IsNull(i) {
					out.CopyRow(i, v, i)
					return
				}
			}
		}), nil
	}}
	m["coalesce"] = coalesce
	m["ifnull"] = coalesce
	m["nullif"] = &funcSpec{min: 2, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			if a[0].IsNull(i) {
				return
			}
			if !a[1].IsNull(i) && anyPair(a[0], a[1], i, func(x, y scalar) bool { return compareScalars(x, y) == 0 }) {
				return
			}
			out.CopyRow(i, a[0], i)
		}), nil
	}}
	kindTest := func(test func(v *value.Vector, i int) bool) *funcSpec {
		return &funcSpec{min: 1, max: 1, ret: TypeBool, build: func(fc *funcCall) (batchFn, error) {
			return perRow(func(a []*value.Vector, i int, out *value.Vector) { out.SetBool(i, test(a[0], i)) }), nil
		}}
	}
	m["isnull"] = kindTest(func(v *value.Vector, i int) bool { return v.IsNull(i) })
	m["isnotnull"] = kindTest(func(v *value.Vector, i int) bool { return !v.IsNull(i) })
	m["isnum"] = kindTest(func(v *value.Vector, i int) bool { return v.Kinds[i] == value.KindNumber })
	m["isstr"] = kindTest(func(v *value.Vector, i int) bool { return v.Kinds[i] == value.KindString })
	m["isint"] = kindTest(func(v *value.Vector, i int) bool {
		return v.Kinds[i] == value.KindNumber && v.Nums[i] == float64(int64(v.Nums[i]))
	})
	constFn := func(ret Type, set func(out *value.Vector, i int)) *funcSpec {
		return &funcSpec{min: 0, max: 0, ret: ret, build: func(fc *funcCall) (batchFn, error) {
			return perRow(func(_ []*value.Vector, i int, out *value.Vector) { set(out, i) }), nil
		}}
	}
	m["true"] = constFn(TypeBool, func(out *value.Vector, i int) { out.SetBool(i, true) })
	m["false"] = constFn(TypeBool, func(out *value.Vector, i int) { out.SetBool(i, false) })
	m["null"] = constFn(typeAny, func(*value.Vector, int) {})
	m["typeof"] = &funcSpec{min: 1, max: 1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) { out.SetStr(i, a[0].Kinds[i].String()) }), nil
	}}
	// in(x, v1, ...) is compiled by compiler.inList, as x IN (v1, ...).
	m["in"] = &funcSpec{min: 2, max: -1, ret: TypeBool}
	m["validate"] = &funcSpec{min: 2, max: -1, ret: typeValue, cond: func(i, _ int) bool { return i%2 == 0 },
		build: func(fc *funcCall) (batchFn, error) {
			if len(fc.args)%2 != 0 {
				return nil, fc.errorf(-1, "takes condition, message pairs; got %d arguments", len(fc.args))
			}
			return perRow(func(a []*value.Vector, i int, out *value.Vector) {
				for k := 0; k < len(a); k += 2 {
					if b, ok := a[k].Bool(i); !ok || !b {
						out.CopyRow(i, a[k+1], i)
						return
					}
				}
			}), nil
		}}
	m["like"] = &funcSpec{min: 2, max: 2, ret: TypeBool, build: func(fc *funcCall) (batchFn, error) {
		n := newLikeNode(0, fc.args[0], fc.args[1], "like")
		return func(c *Ctx, a []*value.Vector, out *value.Vector) { n.apply(a[0], a[1], out) }, nil
	}}
	m["match"] = &funcSpec{min: 2, max: 2, ret: TypeBool, build: func(fc *funcCall) (batchFn, error) {
		return fc.perRowRegex(1, func(a []*value.Vector, i int, out *value.Vector, r *pcre.Regexp) {
			switch a[0].Kinds[i] {
			case value.KindNull:
			case value.KindMulti:
				hit := false
				for _, s := range a[0].Multi[i] {
					if r.MatchString(s) {
						hit = true
						break
					}
				}
				out.SetBool(i, hit)
			default:
				s, _ := a[0].Str(i)
				out.SetBool(i, r.MatchString(s))
			}
		})
	}}
	m["cidrmatch"] = &funcSpec{min: 2, max: 2, ret: TypeBool, build: buildCidrmatch}
}

// likeNode is `x LIKE pattern` and like(x, pattern): an anchored,
// case-sensitive match where % matches any run of characters and _ exactly
// one; there is no escape character. A null side is null; on a multivalue x
// it is true when any value matches.
type likeNode struct {
	id   int
	x, p Evaluator
	op   string
	// lit is set when the pattern is a literal; kind then says how to match.
	lit  bool
	kind likeKind
	pat  string // the pattern, or its literal part for the fast kinds
}

type likeKind uint8

const (
	likeGeneral likeKind = iota
	likeExact
	likePrefix
	likeSuffix
	likeContains
	likeAll
)

func newLikeNode(id int, x, p Evaluator, op string) *likeNode {
	n := &likeNode{id: id, x: x, p: p, op: op}
	if k, ok := p.(*constNode); ok && k.kind == value.KindString {
		n.lit = true
		n.kind, n.pat = classifyLike(k.str)
	}
	return n
}

// classifyLike recognises the patterns that need no backtracking.
func classifyLike(p string) (likeKind, string) {
	if strings.ContainsRune(p, '_') {
		return likeGeneral, p
	}
	inner := strings.Trim(p, "%")
	if strings.Contains(inner, "%") {
		return likeGeneral, p
	}
	lead, trail := strings.HasPrefix(p, "%"), strings.HasSuffix(p, "%") && len(p) > 0
	switch {
	case inner == "" && p != "":
		return likeAll, ""
	case lead && trail:
		return likeContains, inner
	case lead:
		return likeSuffix, inner
	case trail:
		return likePrefix, inner
	}
	return likeExact, p
}

func (n *likeNode) Type() Type { return TypeBool }
func (n *likeNode) String() string {
	if n.op == "LIKE" {
		return n.x.String() + " LIKE " + n.p.String()
	}
	return "like(" + n.x.String() + ", " + n.p.String() + ")"
}
func (n *likeNode) Eval(c *Ctx) (*value.Vector, error) {
	x, p, out, err := c.evalPair(n.id, n.x, n.p)
	if err != nil {
		return nil, err
	}
	n.apply(x, p, out)
	return out, nil
}

func (n *likeNode) test(s, p string) bool {
	if !n.lit {
		return likeMatch(s, p)
	}
	switch n.kind {
	case likeExact:
		return s == n.pat
	case likePrefix:
		return strings.HasPrefix(s, n.pat)
	case likeSuffix:
		return strings.HasSuffix(s, n.pat)
	case likeContains:
		return strings.Contains(s, n.pat)
	case likeAll:
		return true
	}
	return likeMatch(s, n.pat)
}

func (n *likeNode) apply(x, p *value.Vector, out *value.Vector) {
	for i := range out.Kinds {
		if x.Kinds[i] == value.KindNull || p.Kinds[i] == value.KindNull {
			continue
		}
		pat, _ := p.Str(i)
		if x.Kinds[i] == value.KindString {
			out.SetBool(i, n.test(x.Strs[i], pat))
			continue
		}
		if x.Kinds[i] == value.KindMulti {
			hit := false
			for _, s := range x.Multi[i] {
				if n.test(s, pat) {
					hit = true
					break
				}
			}
			out.SetBool(i, hit)
			continue
		}
		s, _ := x.Str(i)
		out.SetBool(i, n.test(s, pat))
	}
}

// likeMatch matches s against a LIKE pattern (% any run, _ one rune),
// anchored at both ends, backtracking only to the last %.
func likeMatch(s, p string) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '%':
			starP, starS = pi, si
			pi++
			continue
		case pi < len(p) && p[pi] == '_':
			_, w := utf8.DecodeRuneInString(s[si:])
			si += w
			pi++
			continue
		case pi < len(p) && p[pi] == s[si]:
			si++
			pi++
			continue
		case starP >= 0:
			_, w := utf8.DecodeRuneInString(s[starS:])
			starS += w
			si, pi = starS, starP+1
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// perRowRegex builds a per-row function whose argument k is a regex: a
// literal pattern is compiled once here (an invalid one is an error
// positioned on it), any other is compiled per row. f runs on each row
// whose regex is known: a null or invalid per-row pattern leaves the row
// null.
func (fc *funcCall) perRowRegex(k int, f func(a []*value.Vector, i int, out *value.Vector, re *pcre.Regexp)) (batchFn, error) {
	var lit *pcre.Regexp
	if pat, ok := fc.literal(k); ok {
		re, err := pcre.Compile(pat)
		if err != nil {
			return nil, fc.errorf(k, "%v", err)
		}
		lit = re
	}
	return perRow(func(a []*value.Vector, i int, out *value.Vector) {
		re := lit
		if re == nil {
			s, ok := a[k].Str(i)
			if !ok {
				return
			}
			var err error
			if re, err = pcre.Compile(s); err != nil {
				return
			}
		}
		f(a, i, out, re)
	}), nil
}

// FunctionNames returns the names of the eval functions, sorted.
func FunctionNames() []string {
	m := funcTable()
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
