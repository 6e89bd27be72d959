package expr

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// Pred is a compiled search expression, shared by the tstats WHERE clause
// and the search command. Field references are resolved to column indexes
// at plan time; Eval fills a boolean mask for one batch.
//
// Null handling is two-valued, as in Splunk: a comparison on a null (or
// absent) field is false for every operator, including !=, and NOT is the
// plain complement, so `NOT f=v` is true where f is null while `f!=v` is not.
type Pred interface {
	// Eval sets out[i] for every row of b; len(out) == b.NumRows().
	Eval(st *PredState, b arrow.RecordBatch, out []bool) error
	String() string
}

// predAnd is l AND r, l evaluated first; swap is set when OrderRawLast
// put r first as written (String shows the order as written).
type predAnd struct {
	l, r Pred
	swap bool
}
type predNot struct{ x Pred }

// predConst is the constant true (`search *`) or false (a bare term after a
// transforming command: there is no _raw to match).
type predConst struct {
	v    bool
	text string
}

func (p *predAnd) String() string {
	if p.swap {
		return "(" + p.r.String() + " AND " + p.l.String() + ")"
	}
	return "(" + p.l.String() + " AND " + p.r.String() + ")"
}
func (p *predNot) String() string   { return "NOT " + p.x.String() }
func (p *predConst) String() string { return p.text }

func (p *predAnd) Eval(st *PredState, b arrow.RecordBatch, out []bool) error {
	if err := p.l.Eval(st, b, out); err != nil {
		return err
	}
	// The right side matters only where the left is true.
	care, any := st.narrow(st.scratch(len(out)), out, false)
	defer st.release()
	if !any {
		return nil
	}
	tmp := st.scratch(len(out))
	defer st.release()
	prev := st.care
	st.care = care
	err := p.r.Eval(st, b, tmp)
	st.care = prev
	if err != nil {
		return err
	}
	for i := range out {
		out[i] = out[i] && tmp[i]
	}
	return nil
}

func (p *predNot) Eval(st *PredState, b arrow.RecordBatch, out []bool) error {
	if err := p.x.Eval(st, b, out); err != nil {
		return err
	}
	for i := range out {
		out[i] = !out[i]
	}
	return nil
}

func (p *predConst) Eval(_ *PredState, _ arrow.RecordBatch, out []bool) error {
	for i := range out {
		out[i] = p.v
	}
	return nil
}

// leaf is one `field op value` or `field IN (...)` test.
type leaf struct {
	id    int    // index into evalState.leaves
	field string // as written
	col   int    // column index in the input batches; -1 when absent
	text  string // display form

	// globs are the patterns of = and IN with a '*' (an OR of whole-value
	// globs); set holds the wildcard-free ones, folded by foldKey, when
	// there are at least two, so that a value is tested against all of
	// them with one hash lookup. A literal alone stays a glob.
	globs []*value.Glob
	set   map[string]struct{}
	// patterns are the values as written (after unquoting), for
	// Plan.Steps.
	patterns []string
	// cidrs are the patterns that are CIDR subnets (search command only):
	// a value that is an IP address in one of them matches.
	cidrs []netip.Prefix
	// neg turns the = test into != (field present and no value matches).
	neg bool
	// exact is set for field=CASE(x): the patterns match case-sensitively
	// (caseGlobs instead of globs and set).
	exact     bool
	caseGlobs []*regexp.Regexp
	// cmp is set for <, <=, >, >=; value and num describe the right side.
	cmp   spl.CompareOp
	value string
	num   float64
	isNum bool
}

func (l *leaf) String() string { return l.text }

// testStr applies the positive test (=, IN or an ordering) to one value.
func (l *leaf) testStr(s string) bool {
	if l.cmp == "" {
		for _, re := range l.caseGlobs {
			if re.MatchString(s) {
				return true
			}
		}
		if l.set != nil && l.inSet(s) {
			return true
		}
		for _, g := range l.globs {
			if g.Match(s) {
				return true
			}
		}
		return len(l.cidrs) > 0 && l.inSubnet(s)
	}
	if l.isNum {
		if f, ok := value.ParseNumber(s); ok {
			return l.order(value.CompareFloat(f, l.num))
		}
	}
	return l.order(strings.Compare(s, l.value))
}

// inSet reports whether s equals a member of l.set under case folding.
// It does not allocate for values up to 256 bytes.
func (l *leaf) inSet(s string) bool {
	if value.IsFolded(s) {
		_, ok := l.set[s]
		return ok
	}
	var buf [256]byte
	_, ok := l.set[string(value.FoldKey(buf[:0], s))]
	return ok
}

// inSubnet reports whether s is an IP address in one of l.cidrs.
func (l *leaf) inSubnet(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range l.cidrs {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// setPatterns fills l.globs and l.set from the patterns of an = or IN
// test (see leaf). With cidr (the search command; spl-semantics §2.2), a
// pattern that is a CIDR subnet such as 10.0.0.0/8 also matches the IP
// addresses in it; tstats WHERE matches it as a string only (§1.3: "best
// effort" string matching).
func (l *leaf) setPatterns(patterns []string, cidr bool) {
	l.patterns = append(l.patterns, patterns...)
	var lits []string
	for _, p := range patterns {
		if cidr && strings.Contains(p, "/") {
			if pf, err := netip.ParsePrefix(p); err == nil {
				l.cidrs = append(l.cidrs, pf.Masked())
			}
		}
		if l.exact {
			l.caseGlobs = append(l.caseGlobs, caseGlob(p))
			continue
		}
		if strings.Contains(p, "*") {
			l.globs = append(l.globs, value.CompileGlob(p))
		} else {
			lits = append(lits, p)
		}
	}
	if len(lits) < 2 {
		for _, p := range lits {
			l.globs = append(l.globs, value.CompileGlob(p))
		}
		return
	}
	l.set = make(map[string]struct{}, len(lits))
	for _, p := range lits {
		l.set[string(value.FoldKey(nil, p))] = struct{}{}
	}
}

// caseGlob compiles a case-sensitive whole-value glob: '*' matches any
// run of characters, everything else itself.
func caseGlob(p string) *regexp.Regexp {
	parts := strings.Split(p, "*")
	for i, s := range parts {
		parts[i] = regexp.QuoteMeta(s)
	}
	return regexp.MustCompile(`^(?s:` + strings.Join(parts, `.*`) + `)$`)
}

// testNum applies the positive test to a numeric value: = and IN match the
// rendered number, orderings compare numerically when the right side is a
// number and lexicographically otherwise.
func (l *leaf) testNum(f float64) bool {
	if l.cmp != "" && l.isNum {
		return l.order(value.CompareFloat(f, l.num))
	}
	return l.testStr(value.FormatNumber(f))
}

// order applies l's ordering to the result of a comparison (see
// compareFloat: unordered satisfies none).
func (l *leaf) order(c int) bool {
	switch l.cmp {
	case spl.OpLt:
		return c == -1
	case spl.OpLe:
		return c == -1 || c == 0
	case spl.OpGt:
		return c == 1
	default:
		return c == 0 || c == 1
	}
}

// leafState caches a leaf's per-dictionary-entry results across batches
// that share one dictionary.
type leafState struct {
	dict arrow.ArrayData
	res  []bool
	// some is set when an entry of res is true.
	some bool
}

// dictResultsSome returns the leaf's result for each entry of c's
// dictionary (false for a null entry), computed once per dictionary and
// kept in st for the next batch that shares it, and whether some entry's
// result is true (when none is, no row of c holds).
func (l *leaf) dictResultsSome(st *PredState, c *array.Dictionary) ([]bool, bool, error) {
	dict, ok := c.Dictionary().(*array.String)
	if !ok {
		return nil, false, fmt.Errorf("field %s: unsupported dictionary value type %s", l.field, c.Dictionary().DataType())
	}
	ls := &st.leaves[l.id]
	if ls.dict != dict.Data() {
		ls.dict = dict.Data()
		ls.res = l.testDict(dict, ls.res)
		ls.some = slices.Contains(ls.res, true)
	}
	return ls.res, ls.some, nil
}

// testDict returns res (its storage reused) holding the leaf's result for
// each entry of dict: false for a null entry, else the positive test,
// inverted for !=. The globs of = and IN test the dictionary's packed
// values with Glob.MatchEach, a search over the whole buffer; the hash
// set of literals and the CIDR subnets then test the entries no glob
// matched, and orderings and CASE() test entry by entry (testStr).
func (l *leaf) testDict(dict *array.String, res []bool) []bool {
	return l.testEntries(dict, res, !l.neg)
}

// testEntries is testDict with the result for a value passing the
// positive test given (pos; false inverts it); a null entry is false
// either way.
func (l *leaf) testEntries(dict *array.String, res []bool, pos bool) []bool {
	n := dict.Len()
	res = slices.Grow(res[:0], n)[:n]
	if l.cmp != "" || l.exact {
		for i := range res {
			res[i] = !dict.IsNull(i) && l.testStr(dict.Value(i)) == pos
		}
		return res
	}
	clear(res)
	b := dict.ValueBytes()
	data := unsafe.String(unsafe.SliceData(b), len(b))
	for _, g := range l.globs {
		g.MatchEach(data, dict.ValueOffsets(), res)
	}
	if l.set != nil || len(l.cidrs) > 0 {
		for i, m := range res {
			if !m {
				s := dict.Value(i)
				res[i] = l.set != nil && l.inSet(s) || len(l.cidrs) > 0 && l.inSubnet(s)
			}
		}
	}
	nulls := dict.NullN() > 0
	for i, m := range res {
		res[i] = m == pos && (!nulls || dict.IsValid(i))
	}
	return res
}

func (l *leaf) Eval(st *PredState, b arrow.RecordBatch, out []bool) error {
	if l.col < 0 {
		// Absent field: null everywhere, so every test is false.
		clear(out)
		return nil
	}
	col := b.Column(l.col)
	// want is the result for a non-null single value that passes the
	// positive test; != inverts it.
	pos := !l.neg
	switch c := col.(type) {
	case *array.Dictionary:
		res, some, err := l.dictResultsSome(st, c)
		if err != nil {
			return err
		}
		if !some {
			clear(out)
			return nil
		}
		idx, ok := c.Indices().(*array.Int32)
		if !ok {
			for i := range out {
				out[i] = c.IsValid(i) && res[c.GetValueIndex(i)]
			}
			return nil
		}
		vals := idx.Int32Values()
		if c.NullN() == 0 {
			for i, v := range vals {
				out[i] = res[v]
			}
			return nil
		}
		for i, v := range vals {
			out[i] = c.IsValid(i) && res[v]
		}
	case *array.String:
		l.evalStrings(st, c, out)
	case *array.Int64:
		for i, v := range c.Int64Values() {
			out[i] = c.IsValid(i) && l.testNum(float64(v)) == pos
		}
	case *array.Float64:
		for i, v := range c.Float64Values() {
			out[i] = c.IsValid(i) && l.testNum(v) == pos
		}
	case *array.Timestamp:
		toMs := value.TimestampToMs(c.DataType().(*arrow.TimestampType).Unit)
		for i, v := range c.TimestampValues() {
			out[i] = c.IsValid(i) && l.testNum(float64(toMs(int64(v)))/1000) == pos
		}
	case *array.List:
		vals, ok := c.ListValues().(*array.String)
		if !ok {
			return fmt.Errorf("field %s: unsupported list value type %s", l.field, c.ListValues().DataType())
		}
		l.evalList(st, c, vals, out)
	default:
		return fmt.Errorf("field %s: cannot match values of type %s", l.field, col.DataType())
	}
	return nil
}

// evalStrings is Eval on a plain string column. Where most rows matter
// (st.care), the whole column is tested as a dictionary's entries are
// (testDict: each glob searched for over the packed values at once, the
// ASCII test made once per candidate, not once per glob and row);
// otherwise the rows that matter are tested one by one and the others
// left false. With st.full (tests), every row one by one: the reference.
func (l *leaf) evalStrings(st *PredState, c *array.String, out []bool) {
	care := st.care
	if !st.full && (care == nil || 4*countTrue(care) >= len(care)) {
		l.testDict(c, out[:0])
		return
	}
	pos := !l.neg
	nulls := c.NullN() > 0
	for i := range out {
		if care != nil && !care[i] {
			out[i] = false
			continue
		}
		out[i] = (!nulls || c.IsValid(i)) && l.testStr(c.Value(i)) == pos
	}
}

// evalList is Eval on a list<utf8> column (a field with several values
// in some row): = matches a row when any of its values passes the
// positive test, != when none does; a null or empty row is false. Where
// most rows matter, every value of the column is tested at once
// (testEntries over the list's values, as evalStrings), then each row
// reads its values' results; otherwise the values of the rows that
// matter are tested one by one (with st.full, every row's: the
// reference).
func (l *leaf) evalList(st *PredState, c *array.List, vals *array.String, out []bool) {
	if len(out) == 0 {
		return
	}
	pos := !l.neg
	care := st.care
	if !st.full && (care == nil || 4*countTrue(care) >= len(care)) {
		// The values of this batch's rows: lo to hi of the list's
		// values (a sliced list shares them with other rows).
		offs := c.Offsets()[c.Data().Offset():][:len(out)+1]
		lo, hi := offs[0], offs[len(out)]
		if lo != 0 || int(hi) != vals.Len() {
			vals = array.NewSlice(vals, int64(lo), int64(hi)).(*array.String)
			defer vals.Release()
		}
		res := l.testEntries(vals, st.scratch(vals.Len()), true)
		defer st.release()
		nulls := c.NullN() > 0
		for i := range out {
			start, end := offs[i]-lo, offs[i+1]-lo
			if start == end || nulls && c.IsNull(i) {
				out[i] = false
				continue
			}
			out[i] = slices.Contains(res[start:end], true) == pos
		}
		return
	}
	for i := range out {
		start, end := c.ValueOffsets(i)
		if care != nil && !care[i] || c.IsNull(i) || start == end {
			out[i] = false
			continue
		}
		any := false
		for j := start; j < end && !any; j++ {
			any = vals.IsValid(int(j)) && l.testStr(vals.Value(int(j)))
		}
		// Multivalue: = matches when any value matches; != when
		// none does.
		out[i] = any == pos
	}
}

// countTrue returns the number of true values of m.
func countTrue(m []bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

// PredState is the per-execution mutable state of a compiled pred: the
// leaves' dictionary caches and a stack of scratch masks.
type PredState struct {
	leaves []leafState
	pool   [][]bool
	depth  int
	// care, when set, marks the rows whose result matters: AND evaluates
	// its right side where its left is true, OR each part where none
	// before it is, and neither evaluates a side no row needs; a
	// predicate may set any value on the other rows. nil: every row.
	care []bool
	// full turns the narrowing off (every part on every row), for tests.
	full bool
	// raw, when set, gives the bare terms their rows' _raw (SetRaw).
	raw RawTexts
	// index, when set, holds the postings Select reads (SetIndex).
	index Index
	// ipool and idepth are Select's stack of row buffers (ints).
	ipool  []*[]int32
	idepth int
}

// RawTexts gives the _raw text of each row of the batch being evaluated,
// on demand; *datamodel.RawView is one.
type RawTexts interface {
	// Text returns row i's text, valid until the next call.
	Text(i int) ([]byte, error)
}

// SetRaw makes the bare terms (and quoted phrases, TERM, CASE) of the
// predicate read row i's _raw as raw.Text(i), at the rows whose result
// matters only (see care: in `EventCode=1 "whoami"`, only where
// EventCode=1 holds), instead of from column SearchCompiler.Raw; nil
// goes back to the column. A comparison of the field _raw (_raw=*x*)
// still reads the column.
func (st *PredState) SetRaw(raw RawTexts) { st.raw = raw }

// SetCare marks the rows whose result matters for the next Eval (nil:
// every row); Eval may set any value at the others. The mask is read,
// not kept past Eval, and must be as long as the batch.
func (st *PredState) SetCare(care []bool) { st.care = care }

// narrow sets care[i] for the rows that matter (st.care) where out[i] is
// !skip, and returns the rows that matter next (care; st.care when
// st.full) and whether there is one.
func (st *PredState) narrow(care, out []bool, skip bool) ([]bool, bool) {
	if st.full {
		return st.care, true
	}
	any := false
	for i, o := range out {
		c := o != skip && (st.care == nil || st.care[i])
		care[i] = c
		any = any || c
	}
	return care, any
}

// NewPredState returns the state of one execution of a predicate with
// nleaves leaves (SearchCompiler.NLeaves).
func NewPredState(nleaves int) *PredState {
	return &PredState{leaves: make([]leafState, nleaves)}
}

func (st *PredState) scratch(n int) []bool {
	if st.depth == len(st.pool) {
		st.pool = append(st.pool, nil)
	}
	b := st.pool[st.depth]
	if cap(b) < n {
		b = make([]bool, n)
		st.pool[st.depth] = b
	}
	st.depth++
	return b[:n]
}

func (st *PredState) release() { st.depth-- }

// Mode selects how bare terms compile.
type Mode int

const (
	// ModeTstats rejects bare terms (tstats WHERE has no _raw).
	ModeTstats Mode = iota
	// ModeResults is the search command over result rows: `*` matches all
	// rows, any other bare term matches none, and a CIDR value matches
	// the IP addresses of its subnet (setPatterns).
	ModeResults
	// ModeRaw is the search command over raw events (the engine's
	// rawsearch.go): as ModeResults, but a bare term or phrase matches
	// _raw (column Raw) by Splunk's segmentation (rawterm.go).
	ModeRaw
)

// SearchCompiler turns an spl.SearchExpr into a Pred. Resolve maps a field
// name to its column index (-1: absent, so null); NLeaves counts the leaves
// compiled so far, which number the leaf states of a PredState (a caller
// compiling more leaves into one predicate later, as a subsearch term's
// binding does, starts from the count of the first compilation).
type SearchCompiler struct {
	Mode    Mode
	Resolve func(field string) int
	NLeaves int
	// Raw is the _raw column in ModeRaw.
	Raw int
}

// Compile compiles e; errors are *spl.Error positioned on the offending
// node.
func (c *SearchCompiler) Compile(e spl.SearchExpr) (Pred, error) {
	switch e := e.(type) {
	case *spl.SearchAnd:
		l, err := c.Compile(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := c.Compile(e.Right)
		if err != nil {
			return nil, err
		}
		return &predAnd{l: l, r: r}, nil
	case *spl.SearchOr:
		return c.compileOr(e)
	case *spl.SearchNot:
		x, err := c.Compile(e.X)
		if err != nil {
			return nil, err
		}
		return &predNot{x}, nil
	case *spl.SearchMacro:
		return nil, spl.Unexpanded(e)
	case *spl.SearchSubsearch:
		return nil, &spl.Error{Pos: e.Pos, Msg: "unsupported: subsearch [...]"}
	case *spl.SearchTerm:
		if c.Mode == ModeTstats {
			if e.Directive != spl.DirNone {
				return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unsupported: %s() in tstats WHERE; use field=value", e.Directive)}
			}
			return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unsupported: bare search term %s in tstats WHERE; use field=value", spl.Word(e.Value.Text))}
		}
		var raw *rawTerm
		if c.Mode == ModeRaw || e.Directive != spl.DirNone {
			// Compiled in every mode, so that a malformed directive
			// is an error wherever it stands.
			var err error
			if raw, err = compileRawTerm(e, c.Raw); err != nil {
				return nil, err
			}
		}
		if strings.Trim(e.Value.Text, "*") == "" && e.Value.Text != "" {
			return &predConst{v: true, text: "*"}, nil
		}
		if c.Mode == ModeRaw {
			return raw, nil
		}
		return &predConst{v: false, text: e.String() + " (bare term: no _raw after a transforming command, matches nothing)"}, nil
	case *spl.SearchCompare:
		if err := c.checkTimeModifier(e.Field, e.Pos); err != nil {
			return nil, err
		}
		if err := c.checkDirective(e); err != nil {
			return nil, err
		}
		l := &leaf{id: c.NLeaves, field: e.Field, col: c.Resolve(e.Field), exact: e.Directive == spl.DirCase}
		c.NLeaves++
		l.text = e.String()
		switch e.Op {
		case spl.OpEq, spl.OpNe:
			l.setPatterns([]string{e.Value.Text}, c.Mode != ModeTstats)
			l.neg = e.Op == spl.OpNe
		case spl.OpLt, spl.OpLe, spl.OpGt, spl.OpGe:
			l.cmp = e.Op
			l.value = e.Value.Text
			l.num, l.isNum = value.ParseNumber(e.Value.Text)
		default:
			return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unknown comparison operator %q", e.Op)}
		}
		return l, nil
	case *spl.SearchIn:
		if err := c.checkTimeModifier(e.Field, e.Pos); err != nil {
			return nil, err
		}
		l := &leaf{id: c.NLeaves, field: e.Field, col: c.Resolve(e.Field)}
		c.NLeaves++
		var pats []string
		for _, v := range e.Values {
			pats = append(pats, v.Text)
		}
		l.setPatterns(pats, c.Mode != ModeTstats)
		l.text = e.String()
		return l, nil
	case nil:
		return &predConst{v: true, text: "*"}, nil
	}
	return nil, &spl.Error{Pos: e.Span(), Msg: fmt.Sprintf("unsupported search expression %T", e)}
}

// checkDirective rejects the field=TERM(x) and field=CASE(x) forms that
// are not supported: any in a tstats WHERE (whether tstats honours them is
// not known, spl-semantics §1), and CASE() or TERM() with an ordering
// (<, >, ...), which has no case-sensitive or term meaning.
//
// Supported, in the search command: field=CASE(x) and field!=CASE(x) are
// the usual whole-value globs, case-sensitive. field=TERM(x) is
// field=x: TERM() changes how x is looked up in the index of _raw terms,
// and a field value is compared whole, with no segmentation, so the
// directive leaves the comparison as it is. [UNCERTAIN: Splunk may also
// require x as an indexed term of the event; for a field extracted from
// XML, bounded by the major breakers < and >, both readings agree.]
func (c *SearchCompiler) checkDirective(e *spl.SearchCompare) error {
	if e.Directive == spl.DirNone {
		return nil
	}
	if c.Mode == ModeTstats {
		return &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unsupported: %s=%s() in tstats WHERE; use %s=value", e.Field, e.Directive, e.Field)}
	}
	if e.Op != spl.OpEq && e.Op != spl.OpNe {
		return &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unsupported: %s() with %s; it applies to = and != only", e.Directive, e.Op)}
	}
	return nil
}

// checkTimeModifier rejects earliest=/latest= style time modifiers, which
// are not fields: treating them as fields would silently match nothing.
func (c *SearchCompiler) checkTimeModifier(field string, pos spl.Span) error {
	switch strings.ToLower(field) {
	case "earliest", "latest", "_index_earliest", "_index_latest", "index_earliest", "index_latest", "starttime", "endtime":
		return &spl.Error{Pos: pos, Msg: fmt.Sprintf("unsupported: time modifier %s= here; write it in the tstats WHERE clause (or use Options.Earliest/Latest)", field)}
	}
	return nil
}

// predAny is the OR of its parts: a flattened OR chain, in which the
// `field=value` and `field IN (...)` tests on one field were merged into
// one leaf (see compileOr).
// text is the chain with every binary OR parenthesized as written, so the
// plan reads as written.
type predAny struct {
	parts []Pred
	text  string
}

func (p *predAny) String() string { return p.text }

func (p *predAny) Eval(st *PredState, b arrow.RecordBatch, out []bool) error {
	if err := p.parts[0].Eval(st, b, out); err != nil {
		return err
	}
	buf := st.scratch(len(out))
	defer st.release()
	tmp := st.scratch(len(out))
	defer st.release()
	prev := st.care
	defer func() { st.care = prev }()
	for _, x := range p.parts[1:] {
		// A later part matters only where no earlier one is true.
		st.care = prev
		care, any := st.narrow(buf, out, true)
		if !any {
			return nil
		}
		st.care = care
		if err := x.Eval(st, b, tmp); err != nil {
			return err
		}
		for i := range out {
			out[i] = out[i] || tmp[i]
		}
	}
	return nil
}

// compileOr compiles an OR chain, flattened into one predAny (so a chain of
// thousands of terms is neither deep nor compiled more than once). The `=`
// and IN tests on a field that has at least two of them become one leaf
// whose patterns are their values (so the literal ones share one hash set,
// see leaf), placed where the field's first test stood; the other
// disjuncts compile as usual. The result is the same on every row: OR is
// commutative, each test is false on a null field, and on a multivalue
// field "any value matches one pattern" is "one pattern matches any
// value".
func (c *SearchCompiler) compileOr(e *spl.SearchOr) (Pred, error) {
	terms := spl.Disjuncts(e)
	// field of a mergeable term; "" when the term is not one.
	field := func(x spl.SearchExpr) string {
		switch x := x.(type) {
		case *spl.SearchCompare:
			if x.Op == spl.OpEq && x.Directive == spl.DirNone {
				return x.Field
			}
		case *spl.SearchIn:
			return x.Field
		}
		return ""
	}
	count := map[string]int{}
	for _, x := range terms {
		if f := field(x); f != "" {
			count[f]++
		}
	}
	texts := make(map[spl.SearchExpr]string, len(terms))
	merged := map[string]*leaf{}
	pats := map[string][]string{}
	var parts []Pred
	for _, x := range terms {
		f := field(x)
		if f == "" || count[f] < 2 {
			p, err := c.Compile(x)
			if err != nil {
				return nil, err
			}
			texts[x] = p.String()
			parts = append(parts, p)
			continue
		}
		switch x := x.(type) {
		case *spl.SearchCompare:
			if err := c.checkTimeModifier(x.Field, x.Pos); err != nil {
				return nil, err
			}
			pats[f] = append(pats[f], x.Value.Text)
			texts[x] = x.String()
		case *spl.SearchIn:
			if err := c.checkTimeModifier(x.Field, x.Pos); err != nil {
				return nil, err
			}
			for _, v := range x.Values {
				pats[f] = append(pats[f], v.Text)
			}
			texts[x] = x.String()
		}
		if merged[f] == nil {
			l := &leaf{id: c.NLeaves, field: f, col: c.Resolve(f), text: f + " IN (...)"}
			c.NLeaves++
			merged[f] = l
			parts = append(parts, l)
		}
	}
	// The patterns are compiled once all of a field's are known.
	for f, l := range merged {
		l.setPatterns(pats[f], c.Mode != ModeTstats)
	}
	var render func(x spl.SearchExpr) string
	render = func(x spl.SearchExpr) string {
		if o, ok := x.(*spl.SearchOr); ok {
			return "(" + render(o.Left) + " OR " + render(o.Right) + ")"
		}
		return texts[x]
	}
	return &predAny{parts: parts, text: render(e)}, nil
}

// ReplaceLeaves returns p with each leaf named in repl replaced, and the
// number of replacements; unchanged subtrees are shared.
func ReplaceLeaves(p Pred, repl map[string]Pred) (Pred, int) {
	switch x := p.(type) {
	case *leaf:
		if r, ok := repl[x.field]; ok {
			return r, 1
		}
	case *predAnd:
		l, n := ReplaceLeaves(x.l, repl)
		r, m := ReplaceLeaves(x.r, repl)
		return &predAnd{l: l, r: r, swap: x.swap}, n + m
	case *predNot:
		y, n := ReplaceLeaves(x.x, repl)
		return &predNot{y}, n
	case *predAny:
		parts, n := make([]Pred, len(x.parts)), 0
		for i, q := range x.parts {
			var m int
			parts[i], m = ReplaceLeaves(q, repl)
			n += m
		}
		return &predAny{parts: parts, text: x.text}, n
	}
	return p, 0
}

// OrderRawLast returns p with the parts of every AND and OR that read
// _raw (a bare term or phrase, a comparison of _raw) after those that do
// not, as written otherwise, String unchanged; unchanged subtrees are
// shared.
//
// Why the result is the same on every row: Eval computes the two-valued
// boolean function of its leaves (null is false in each leaf, NOT the
// plain complement), and AND and OR of such values are commutative, so
// the order of their parts changes no row's value. What it changes is
// where the later parts are evaluated: AND's right side only where its
// left is true, OR's later parts only where every earlier one is false
// (PredState.care), so a raw term placed last reads the _raw of the
// rows the cheaper field terms leave undecided, and none when they
// decide every row. Errors are the evaluation's only other output; a
// leaf's come from its column's type, so a part that runs reports the
// same error in either order, and a part that is skipped (no row needs
// it) was already skippable before.
func OrderRawLast(p Pred) Pred {
	q, _ := orderRawLast(p)
	return q
}

// orderRawLast is OrderRawLast, also reporting whether p reads _raw.
func orderRawLast(p Pred) (Pred, bool) {
	switch x := p.(type) {
	case *rawTerm:
		return p, true
	case *leaf:
		return p, x.field == rawField
	case *predNot:
		y, raw := orderRawLast(x.x)
		if y == x.x {
			return p, raw
		}
		return &predNot{y}, raw
	case *predAnd:
		l, lraw := orderRawLast(x.l)
		r, rraw := orderRawLast(x.r)
		if lraw && !rraw {
			return &predAnd{l: r, r: l, swap: !x.swap}, true
		}
		if l == x.l && r == x.r {
			return p, lraw || rraw
		}
		return &predAnd{l: l, r: r, swap: x.swap}, lraw || rraw
	case *predAny:
		var plain, raw []Pred
		changed := false
		for _, q := range x.parts {
			y, r := orderRawLast(q)
			changed = changed || y != q
			if r {
				raw = append(raw, y)
			} else {
				plain = append(plain, y)
			}
		}
		parts := append(plain, raw...)
		for i := range parts {
			changed = changed || parts[i] != x.parts[i]
		}
		if !changed {
			return p, len(raw) > 0
		}
		return &predAny{parts: parts, text: x.text}, len(raw) > 0
	}
	return p, false
}

// rawField is the name of the event text field.
const rawField = "_raw"

// NewConst returns the predicate that is v on every row, shown as text.
func NewConst(v bool, text string) Pred { return &predConst{v: v, text: text} }
