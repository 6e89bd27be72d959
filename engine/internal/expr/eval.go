package expr

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// This file compiles eval expressions (spl.Expr) into trees of evaluators
// that run columnar over one batch at a time: every node evaluates its
// children into whole Vectors and then loops over the rows, so no value is
// boxed per row. Nodes are immutable plan objects; their output Vectors live
// in a Ctx, one per execution, indexed by node id.

// Type is the static type of an expression, used to reject booleans
// where a value is expected (eval f=a<b) and values where a boolean is
// expected (where f, a AND f), as Splunk's typechecker does.
type Type uint8

const (
	typeAny   Type = iota // not known at plan time: null(), if() with mixed branches
	typeValue             // a number, string or multivalue
	TypeBool              // a boolean
)

// merge returns the static type of a value that is either a or b.
func (a Type) merge(b Type) Type {
	switch {
	case a == b:
		return a
	case a == typeAny:
		return b
	case b == typeAny:
		return a
	}
	return typeAny
}

// Evaluator is one compiled expression node.
type Evaluator interface {
	// Eval computes the node over the rows of c and returns its output,
	// which the caller must not modify; it stays valid until the node is
	// evaluated again.
	Eval(c *Ctx) (*value.Vector, error)
	// Type is the node's static type (TypeBool for a condition).
	Type() Type
	String() string
}

// Ctx is the per-execution state of compiled expressions: the batch
// being evaluated, the loaded field vectors, and one output Vector per node.
type Ctx struct {
	n      int
	batch  arrow.RecordBatch
	fields []*value.Vector // loaded columns, by column index; nil until loaded
	vecs   []value.Vector  // node outputs, by node id
	args   [][]*value.Vector
	now    time.Time
	loc    *time.Location
	// override binds a column to a given vector (mvfilter's per-value
	// evaluation); -1 when unused.
	override    int
	overrideVec *value.Vector
	// loaded lists the columns loaded for the current batch.
	loaded []int
	// nulls is the all-null vector of absent fields.
	nulls *value.Vector
}

// NewCtx returns the evaluation state of an expression tree of nodes
// nodes (EvalCompiler.Nodes), with the search time now and the zone loc.
func NewCtx(nodes int, now time.Time, loc *time.Location) *Ctx {
	return &Ctx{vecs: make([]value.Vector, nodes), args: make([][]*value.Vector, nodes), now: now, loc: loc, override: -1}
}

// SetBatch points c at b; loaded field vectors are dropped.
func (c *Ctx) SetBatch(b arrow.RecordBatch) {
	c.batch = b
	c.n = int(b.NumRows())
	if cap(c.fields) < int(b.NumCols()) {
		c.fields = make([]*value.Vector, b.NumCols())
	}
	c.fields = c.fields[:b.NumCols()]
	for i := range c.fields {
		if c.fields[i] != nil {
			c.fields[i].Kinds = c.fields[i].Kinds[:0]
		}
	}
	c.loaded = c.loaded[:0]
}

// field returns column col of the batch as a Vector, loading it once per
// batch.
func (c *Ctx) field(col int) (*value.Vector, error) {
	if col == c.override {
		return c.overrideVec, nil
	}
	if col >= len(c.fields) {
		return nil, fmt.Errorf("column %d out of range (%d columns)", col, len(c.fields))
	}
	v := c.fields[col]
	if v == nil {
		v = &value.Vector{}
		c.fields[col] = v
	}
	if len(v.Kinds) != c.n || !c.isLoaded(col) {
		rd, err := value.NewColumn(c.batch.Column(col))
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", c.batch.Schema().Field(col).Name, err)
		}
		rd.Load(v)
		c.loaded = append(c.loaded, col)
	}
	return v, nil
}

func (c *Ctx) isLoaded(col int) bool {
	for _, l := range c.loaded {
		if l == col {
			return true
		}
	}
	return false
}

// out returns node id's output vector, reset to the batch length.
func (c *Ctx) out(id int) *value.Vector {
	v := &c.vecs[id]
	v.Reset(c.n)
	return v
}

// EvalCompiler turns spl.Expr into evaluators. Resolve maps a field name to
// a column index (-1 when the field does not exist: it is then null); Nodes
// counts the nodes compiled, the size of the Ctx that evaluates them.
type EvalCompiler struct {
	Resolve func(name string) int
	Nodes   int
	// fieldsSeen collects the fields referenced, for mvfilter's check.
	fieldsSeen []string
	funcs      map[string]*funcSpec
	// exact counts the exact() calls being compiled: arithmetic inside one
	// keeps full precision.
	exact int
}

func (c *EvalCompiler) id() int {
	c.Nodes++
	return c.Nodes - 1
}

// CompileBool compiles e where a boolean is required (where, if/case
// conditions, AND/OR/NOT operands).
func (c *EvalCompiler) CompileBool(e spl.Expr, what string) (Evaluator, error) {
	ev, err := c.Compile(e)
	if err != nil {
		return nil, err
	}
	if ev.Type() == typeValue {
		return nil, &spl.Error{Pos: e.Span(), Msg: fmt.Sprintf("%s must be a boolean expression, not the value %s (compare it, e.g. isnotnull(%s))", what, e.String(), e.String())}
	}
	return ev, nil
}

// CompileValue compiles e where a value is required (eval assignments,
// arithmetic and comparison operands, function arguments that are values).
func (c *EvalCompiler) CompileValue(e spl.Expr) (Evaluator, error) {
	return c.Compile(e)
}

// Compile compiles e; errors are *spl.Error positioned on the offending
// node.
func (c *EvalCompiler) Compile(e spl.Expr) (Evaluator, error) {
	switch e := e.(type) {
	case *spl.Literal:
		return c.literal(e)
	case *spl.FieldRef:
		c.fieldsSeen = append(c.fieldsSeen, e.Name)
		return &fieldNode{name: e.Name, col: c.Resolve(e.Name), quoted: e.Quoted}, nil
	case *spl.Unary:
		switch e.Op {
		case spl.UnaryNot:
			x, err := c.CompileBool(e.X, "the operand of NOT")
			if err != nil {
				return nil, err
			}
			return &notNode{id: c.id(), x: x}, nil
		case spl.UnaryNeg:
			x, err := c.CompileValue(e.X)
			if err != nil {
				return nil, err
			}
			return &negNode{id: c.id(), x: x}, nil
		}
		return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unknown unary operator %q", e.Op)}
	case *spl.Binary:
		return c.binary(e)
	case *spl.InList:
		return c.inList(e.X, e.Values)
	case *spl.Call:
		return c.call(e)
	case nil:
		return nil, &spl.Error{Msg: "missing expression"}
	}
	return nil, &spl.Error{Pos: e.Span(), Msg: fmt.Sprintf("unsupported expression %s", e.String())}
}

func (c *EvalCompiler) literal(e *spl.Literal) (Evaluator, error) {
	n := &constNode{id: c.id(), text: e.String()}
	switch e.Kind {
	case spl.LitNumber:
		f, ok := value.ParseNumber(e.Text)
		if !ok {
			return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("invalid number %q", e.Text)}
		}
		n.kind, n.num, n.dec = value.KindNumber, f, value.TextDecimals(e.Text)
	default:
		n.kind, n.str = value.KindString, e.Text
	}
	return n, nil
}

func (c *EvalCompiler) binary(e *spl.Binary) (Evaluator, error) {
	op := e.Op
	switch op {
	case spl.BinAnd, spl.BinOr, spl.BinXor:
		l, err := c.CompileBool(e.Left, "the left operand of "+op.String())
		if err != nil {
			return nil, err
		}
		r, err := c.CompileBool(e.Right, "the right operand of "+op.String())
		if err != nil {
			return nil, err
		}
		return &logicNode{id: c.id(), op: op, l: l, r: r}, nil
	}
	l, err := c.CompileValue(e.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.CompileValue(e.Right)
	if err != nil {
		return nil, err
	}
	switch op {
	case spl.BinEq, spl.BinEqEq, spl.BinNe, spl.BinLt, spl.BinLe, spl.BinGt, spl.BinGe:
		if op == spl.BinEqEq {
			op = spl.BinEq
		}
		return &cmpNode{id: c.id(), op: op, l: l, r: r}, nil
	case spl.BinAdd, spl.BinSub, spl.BinMul, spl.BinDiv, spl.BinMod, spl.BinConcat:
		return &arithNode{id: c.id(), op: op, l: l, r: r, exact: c.exact > 0}, nil
	case spl.BinLike:
		return newLikeNode(c.id(), l, r, "LIKE"), nil
	}
	return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("unknown operator %q", e.Op)}
}

// constNode is a literal, repeated over the batch.
type constNode struct {
	id   int
	kind value.Kind
	num  float64
	str  string
	dec  int8 // decimal places of a number literal ("2.50" has 2)
	text string
}

func (n *constNode) Type() Type     { return typeValue }
func (n *constNode) String() string { return n.text }
func (n *constNode) Eval(c *Ctx) (*value.Vector, error) {
	out := c.out(n.id)
	for i := range out.Kinds {
		out.SetRaw(i, n.kind, n.num, n.str, n.dec)
	}
	return out, nil
}

// fieldNode is a field reference; an absent field is null.
type fieldNode struct {
	name   string
	col    int
	quoted bool
}

func (n *fieldNode) Type() Type { return typeValue }
func (n *fieldNode) String() string {
	if n.quoted || !isBareFieldName(n.name) {
		return "'" + n.name + "'"
	}
	return n.name
}

func (n *fieldNode) Eval(c *Ctx) (*value.Vector, error) {
	if n.col < 0 {
		return c.nullVector(), nil
	}
	return c.field(n.col)
}

// nullVector returns an all-null vector of the batch length.
func (c *Ctx) nullVector() *value.Vector {
	if c.nulls == nil {
		c.nulls = &value.Vector{}
	}
	if c.nulls.Len() != c.n {
		c.nulls.Reset(c.n)
	}
	return c.nulls
}

// evalPair evaluates the two operands of a binary node over the batch and
// returns them with the node's output vector (id).
func (c *Ctx) evalPair(id int, l, r Evaluator) (lv, rv, out *value.Vector, err error) {
	if lv, err = l.Eval(c); err != nil {
		return nil, nil, nil, err
	}
	if rv, err = r.Eval(c); err != nil {
		return nil, nil, nil, err
	}
	return lv, rv, c.out(id), nil
}

// isBareFieldName reports whether name needs no single quotes in eval.
func isBareFieldName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch == '_' || ch == '.' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			return false
		}
	}
	return true
}

// notNode is three-valued NOT: NOT null is null.
type notNode struct {
	id int
	x  Evaluator
}

func (n *notNode) Type() Type     { return TypeBool }
func (n *notNode) String() string { return "NOT " + n.x.String() }
func (n *notNode) Eval(c *Ctx) (*value.Vector, error) {
	x, err := n.x.Eval(c)
	if err != nil {
		return nil, err
	}
	out := c.out(n.id)
	for i := range out.Kinds {
		if b, ok := x.Bool(i); ok {
			out.SetBool(i, !b)
		}
	}
	return out, nil
}

// logicNode is AND, OR or XOR with Kleene three-valued logic: false AND
// null is false, true OR null is true, anything else with a null is null.
type logicNode struct {
	id   int
	op   spl.BinaryOp
	l, r Evaluator
}

func (n *logicNode) Type() Type { return TypeBool }
func (n *logicNode) String() string {
	return "(" + n.l.String() + " " + n.op.String() + " " + n.r.String() + ")"
}
func (n *logicNode) Eval(c *Ctx) (*value.Vector, error) {
	l, r, out, err := c.evalPair(n.id, n.l, n.r)
	if err != nil {
		return nil, err
	}
	// The operator is chosen once per batch, not per row. AND is false when
	// either side is false and OR true when either is true, whatever the
	// other side (Kleene); otherwise both sides must be known.
	switch n.op {
	case spl.BinAnd:
		for i := range out.Kinds {
			lb, lok := l.Bool(i)
			rb, rok := r.Bool(i)
			switch {
			case lok && !lb, rok && !rb:
				out.SetBool(i, false)
			case lok && rok:
				out.SetBool(i, true)
			}
		}
	case spl.BinOr:
		for i := range out.Kinds {
			lb, lok := l.Bool(i)
			rb, rok := r.Bool(i)
			switch {
			case lok && lb, rok && rb:
				out.SetBool(i, true)
			case lok && rok:
				out.SetBool(i, false)
			}
		}
	default: // XOR
		for i := range out.Kinds {
			lb, lok := l.Bool(i)
			rb, rok := r.Bool(i)
			if lok && rok {
				out.SetBool(i, lb != rb)
			}
		}
	}
	return out, nil
}

// negNode is unary minus; a non-number is null. The result keeps the
// operand's precision.
type negNode struct {
	id int
	x  Evaluator
}

func (n *negNode) Type() Type     { return typeValue }
func (n *negNode) String() string { return "-" + n.x.String() }
func (n *negNode) Eval(c *Ctx) (*value.Vector, error) {
	x, err := n.x.Eval(c)
	if err != nil {
		return nil, err
	}
	out := c.out(n.id)
	for i := range out.Kinds {
		if f, ok := x.Num(i); ok {
			out.SetNumDec(i, -f, x.Decimals(i))
		}
	}
	return out, nil
}

// scalar is one single value taken out of a Vector row, or out of one value
// of a multivalue row, for comparisons.
type scalar struct {
	kind value.Kind
	num  float64
	str  string // string form (for numbers only when text is set)
	text bool
}

// textScalar types one value of a multivalue like a field value.
func textScalar(s string) scalar {
	if f, ok := value.ParseNumber(s); ok {
		return scalar{kind: value.KindNumber, num: f, str: s, text: true}
	}
	return scalar{kind: value.KindString, str: s}
}

// scalarAt returns row i of v as a scalar (a boolean reads as its text).
func scalarAt(v *value.Vector, i int) scalar {
	switch v.Kinds[i] {
	case value.KindNumber:
		return scalar{kind: value.KindNumber, num: v.Nums[i], str: v.Strs[i], text: v.Strs[i] != ""}
	case value.KindString:
		return scalar{kind: value.KindString, str: v.Strs[i]}
	case value.KindBool:
		s, _ := v.Str(i)
		return scalar{kind: value.KindString, str: s}
	}
	return scalar{kind: value.KindNull}
}

func (s scalar) string() string {
	if s.kind == value.KindNumber && !s.text {
		return value.FormatNumber(s.num)
	}
	return s.str
}

// compareScalars compares two non-null values: numerically when both are
// numbers (unordered when one is NaN, see compareFloat), else byte-wise on
// their string forms (case-sensitive; a NaN number's form is "nan").
func compareScalars(a, b scalar) int {
	if a.kind == value.KindNumber && b.kind == value.KindNumber {
		return value.CompareFloat(a.num, b.num)
	}
	return strings.Compare(a.string(), b.string())
}

// cmpResult applies a comparison operator to a compareFloat or
// strings.Compare result; unordered satisfies only !=.
func cmpResult(op spl.BinaryOp, c int) bool {
	switch op {
	case spl.BinEq, spl.BinEqEq:
		return c == 0
	case spl.BinNe:
		return c != 0
	case spl.BinLt:
		return c == -1
	case spl.BinLe:
		return c == -1 || c == 0
	case spl.BinGt:
		return c == 1
	}
	return c == 0 || c == 1
}

// cmpNode is = != < <= > >=. A comparison with a null side is null. On a
// multivalue side the comparison is true when it holds for any value (so
// mv != "a" is true when some value differs from "a").
type cmpNode struct {
	id   int
	op   spl.BinaryOp
	l, r Evaluator
}

func (n *cmpNode) Type() Type { return TypeBool }
func (n *cmpNode) String() string {
	return n.l.String() + n.op.String() + n.r.String()
}
func (n *cmpNode) Eval(c *Ctx) (*value.Vector, error) {
	l, r, out, err := c.evalPair(n.id, n.l, n.r)
	if err != nil {
		return nil, err
	}
	for i := range out.Kinds {
		lk, rk := l.Kinds[i], r.Kinds[i]
		if lk == value.KindNull || rk == value.KindNull {
			continue
		}
		if lk == value.KindNumber && rk == value.KindNumber {
			out.SetBool(i, cmpResult(n.op, value.CompareFloat(l.Nums[i], r.Nums[i])))
			continue
		}
		if lk == value.KindString && rk == value.KindString {
			out.SetBool(i, cmpResult(n.op, strings.Compare(l.Strs[i], r.Strs[i])))
			continue
		}
		out.SetBool(i, anyPair(l, r, i, func(a, b scalar) bool { return cmpResult(n.op, compareScalars(a, b)) }))
	}
	return out, nil
}

// anyPair reports whether test holds for any pair of values of row i of l
// and r (each side one value, or every value of a multivalue).
func anyPair(l, r *value.Vector, i int, test func(a, b scalar) bool) bool {
	return anyValue(l, i, func(a scalar) bool {
		return anyValue(r, i, func(b scalar) bool { return test(a, b) })
	})
}

// anyValue reports whether test holds for a value of row i of v: the one
// value, or any value of a multivalue.
func anyValue(v *value.Vector, i int, test func(a scalar) bool) bool {
	if v.Kinds[i] != value.KindMulti {
		return test(scalarAt(v, i))
	}
	for _, s := range v.Multi[i] {
		if test(textScalar(s)) {
			return true
		}
	}
	return false
}

// valuesOf returns the values of row i as scalars.
func valuesOf(v *value.Vector, i int) []scalar {
	if v.Kinds[i] != value.KindMulti {
		return []scalar{scalarAt(v, i)}
	}
	out := make([]scalar, len(v.Multi[i]))
	for j, s := range v.Multi[i] {
		out[j] = textScalar(s)
	}
	return out
}

// arithNode is + - * / % and the . concatenation. + adds two numbers or
// concatenates two strings; a number and a string give null. - * / % take
// numbers (else null); division or modulo by zero is null. . concatenates
// the string forms of any two values (numbers via FormatNumber or their
// field text). Any null operand gives null. A multivalue operand takes its
// first value.
//
// Precision (spl-semantics §6.3: "Results are rounded to a precision
// appropriate to the precision of the input"): + and - round their result
// to the larger number of decimal places of the operands, * to the fewest
// significant figures of its operands (value.ProductDecimals; see
// Vector.decimals and roundPlaces), so that 1727705109.547 -
// 1727699298.67 is 5810.877, 0.1 + 0.2 is 0.3 and 3 * 0.5 is 2; / and % keep full
// precision, as does any operand or result of full precision, and every
// operation inside exact() (exact set).
type arithNode struct {
	id    int
	op    spl.BinaryOp
	l, r  Evaluator
	exact bool
}

// sumDecimals is the precision of a + or - result: the larger of the
// operands' decimals, full when either is full.
func sumDecimals(a, b int8) int8 {
	if a < 0 || b < 0 {
		return value.DecFull
	}
	return max(a, b)
}

// setRounded makes row i the number f rounded to d places, or at full
// precision in exact().
func (n *arithNode) setRounded(out *value.Vector, i int, f float64, d int8) {
	if n.exact {
		out.SetNum(i, f)
		return
	}
	out.SetNumDec(i, value.RoundPlaces(f, d), d)
}

func (n *arithNode) Type() Type { return typeValue }
func (n *arithNode) String() string {
	return "(" + n.l.String() + " " + n.op.String() + " " + n.r.String() + ")"
}
func (n *arithNode) Eval(c *Ctx) (*value.Vector, error) {
	l, r, out, err := c.evalPair(n.id, n.l, n.r)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case spl.BinConcat:
		for i := range out.Kinds {
			a, aok := l.Str(i)
			b, bok := r.Str(i)
			if aok && bok {
				out.SetStr(i, a+b)
			}
		}
		return out, nil
	case spl.BinAdd:
		for i := range out.Kinds {
			lk, rk := l.Kinds[i], r.Kinds[i]
			switch {
			case lk == value.KindNumber && rk == value.KindNumber:
				n.setRounded(out, i, l.Nums[i]+r.Nums[i], sumDecimals(l.Decimals(i), r.Decimals(i)))
			case lk == value.KindNull || rk == value.KindNull || lk == value.KindNumber || rk == value.KindNumber:
			default:
				a, _ := l.Str(i)
				b, _ := r.Str(i)
				out.SetStr(i, a+b)
			}
		}
		return out, nil
	}
	for i := range out.Kinds {
		if l.Kinds[i] != value.KindNumber || r.Kinds[i] != value.KindNumber {
			continue
		}
		a, b := l.Nums[i], r.Nums[i]
		switch n.op {
		case spl.BinSub:
			n.setRounded(out, i, a-b, sumDecimals(l.Decimals(i), r.Decimals(i)))
		case spl.BinMul:
			n.setRounded(out, i, a*b, value.ProductDecimals(a, b, l.Decimals(i), r.Decimals(i)))
		case spl.BinDiv:
			if b != 0 {
				out.SetNum(i, a/b)
			}
		case spl.BinMod:
			if b != 0 {
				out.SetNum(i, math.Mod(a, b))
			}
		}
	}
	return out, nil
}

// inNode is `x IN (v1, ...)` and in(x, v1, ...): true when x equals (as =
// does) any listed value, with no wildcards; null when x is null. A
// multivalue x is in the list when any of its values is.
//
// The literal members are looked up in one hash set per node instead of
// compared one by one (ESCU lists run to over a thousand names); members
// that are expressions (fields, calls) are compared one by one as =.
type inNode struct {
	id      int
	x       Evaluator
	lits    literalSet
	vals    []Evaluator // the members that are not literals
	members []string    // every member as written, for String
}

// literalSet is the literal members of an IN list, matched as = matches
// them: case-sensitive, numbers numerically against numbers and by their
// text against strings.
type literalSet struct {
	// strs holds the string literals, and the text (FormatNumber) of the
	// number literals, which is what a string value is compared with.
	strs map[string]struct{}
	nums map[float64]struct{} // the number literals
}

// add adds the literal c.
func (s *literalSet) add(c *constNode) {
	if s.strs == nil {
		s.strs, s.nums = map[string]struct{}{}, map[float64]struct{}{}
	}
	if c.kind == value.KindNumber {
		s.nums[c.num] = struct{}{}
		s.strs[value.FormatNumber(c.num)] = struct{}{}
		return
	}
	s.strs[c.str] = struct{}{}
}

// has reports whether a equals a member. A number equals a number member
// of the same value, or a string member equal to its text; a string
// equals a member with the same text. (A number's text matching a number
// member's text implies the two values are equal, so strs may hold both.)
func (s *literalSet) has(a scalar) bool {
	if s.strs == nil {
		return false
	}
	if a.kind == value.KindNumber {
		if _, ok := s.nums[a.num]; ok {
			return true
		}
	}
	_, ok := s.strs[a.string()]
	return ok
}

// inList compiles x IN (members) and in(x, members...).
func (c *EvalCompiler) inList(x spl.Expr, members []spl.Expr) (Evaluator, error) {
	xe, err := c.CompileValue(x)
	if err != nil {
		return nil, err
	}
	n := &inNode{x: xe}
	for _, m := range members {
		me, err := c.CompileValue(m)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, me.String())
		if lit, ok := me.(*constNode); ok {
			n.lits.add(lit)
			continue
		}
		n.vals = append(n.vals, me)
	}
	n.id = c.id()
	return n, nil
}

func (n *inNode) Type() Type { return TypeBool }
func (n *inNode) String() string {
	return n.x.String() + " IN (" + strings.Join(n.members, ", ") + ")"
}
func (n *inNode) Eval(c *Ctx) (*value.Vector, error) {
	x, err := n.x.Eval(c)
	if err != nil {
		return nil, err
	}
	vals := c.args[n.id][:0]
	for _, v := range n.vals {
		vv, err := v.Eval(c)
		if err != nil {
			return nil, err
		}
		vals = append(vals, vv)
	}
	c.args[n.id] = vals
	out := c.out(n.id)
	eq := func(a, b scalar) bool { return compareScalars(a, b) == 0 }
	for i := range out.Kinds {
		switch x.Kinds[i] {
		case value.KindNull:
			continue
		case value.KindString:
			// The common case, without building a scalar.
			if _, ok := n.lits.strs[x.Strs[i]]; ok {
				out.SetBool(i, true)
				continue
			}
		default:
			if anyValue(x, i, n.lits.has) {
				out.SetBool(i, true)
				continue
			}
		}
		hit := false
		for _, v := range vals {
			if v.Kinds[i] != value.KindNull && anyPair(x, v, i, eq) {
				hit = true
				break
			}
		}
		out.SetBool(i, hit)
	}
	return out, nil
}
