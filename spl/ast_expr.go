package spl

import "strconv"

// This file holds the AST of eval expressions, as used by eval, where,
// stats' eval() arguments and head, and their typed operators.

// Expr is an eval expression, as used by eval, where, stats' eval()
// arguments and head. The set is closed.
//
// Precedence, loosest first (spl-semantics §2.4, §6.3): OR and XOR, AND,
// NOT, comparisons (= == != < <= > >= LIKE IN), additive (+ - .),
// multiplicative (* / %), unary minus, then primaries (literals, field
// references, function calls, parentheses).
type Expr interface {
	Node
	expr()
}

// LiteralKind tells the kind of a literal.
type LiteralKind int

// Literal kinds.
const (
	LitString LiteralKind = iota // "double-quoted"
	LitNumber                    // 42, 2.555, -1 is Unary("-", 1)
)

// Literal is a string or number literal of an eval expression. For
// strings, Text has escapes resolved; for numbers it is the text as
// written.
type Literal struct {
	Kind LiteralKind
	Text string
	Pos  Span
}

// FieldRef is a field named in an eval expression: a bare name
// (process_name, Registry.dest) or a single-quoted one ('Registry.dest').
type FieldRef struct {
	Name   string
	Quoted bool
	Pos    Span
}

// Call is a function call: if(...), lower(x), true(), null().
type Call struct {
	Func string // lower-cased
	Args []Expr
	Pos  Span
}

// Unary is NOT x or -x.
type Unary struct {
	Op  UnaryOp
	X   Expr
	Pos Span
}

// Binary is a binary operation.
type Binary struct {
	Op          BinaryOp
	Left, Right Expr
	Pos         Span
}

// UnaryOp is a prefix operator of an eval expression.
type UnaryOp uint8

// The unary operators.
const (
	UnaryNot UnaryOp = iota + 1 // NOT x
	UnaryNeg                    // -x
)

// String returns the operator as written: "NOT" or "-".
func (op UnaryOp) String() string {
	switch op {
	case UnaryNot:
		return "NOT"
	case UnaryNeg:
		return "-"
	}
	return "UnaryOp(" + strconv.Itoa(int(op)) + ")"
}

// BinaryOp is an infix operator of an eval expression. The zero value is
// no operator. IN is not one: `x IN (...)` is an InList.
type BinaryOp uint8

// The binary operators, loosest first (see Expr).
const (
	BinOr     BinaryOp = iota + 1 // OR
	BinXor                        // XOR
	BinAnd                        // AND
	BinEq                         // =
	BinEqEq                       // ==, the same test as =
	BinNe                         // !=
	BinLt                         // <
	BinLe                         // <=
	BinGt                         // >
	BinGe                         // >=
	BinLike                       // LIKE
	BinAdd                        // +
	BinSub                        // -
	BinConcat                     // .
	BinMul                        // *
	BinDiv                        // /
	BinMod                        // %
	binOpEnd
)

// binaryOps holds the spelling (keywords upper-cased) and the precedence
// level (ePrec*) of each BinaryOp.
var binaryOps = [binOpEnd]struct {
	text string
	prec int
}{
	BinOr: {"OR", ePrecOr}, BinXor: {"XOR", ePrecOr}, BinAnd: {"AND", ePrecAnd},
	BinEq: {"=", ePrecCmp}, BinEqEq: {"==", ePrecCmp}, BinNe: {"!=", ePrecCmp},
	BinLt: {"<", ePrecCmp}, BinLe: {"<=", ePrecCmp}, BinGt: {">", ePrecCmp}, BinGe: {">=", ePrecCmp},
	BinLike: {"LIKE", ePrecCmp},
	BinAdd:  {"+", ePrecAdd}, BinSub: {"-", ePrecAdd}, BinConcat: {".", ePrecAdd},
	BinMul: {"*", ePrecMul}, BinDiv: {"/", ePrecMul}, BinMod: {"%", ePrecMul},
}

// String returns the operator as written, keywords in upper case.
func (op BinaryOp) String() string {
	if op > 0 && op < binOpEnd {
		return binaryOps[op].text
	}
	return "BinaryOp(" + strconv.Itoa(int(op)) + ")"
}

// IsComparison reports whether op is = == != < <= > or >=.
func (op BinaryOp) IsComparison() bool { return op >= BinEq && op <= BinGe }

// prec returns the precedence level of op (0 for no operator).
func (op BinaryOp) prec() int {
	if op > 0 && op < binOpEnd {
		return binaryOps[op].prec
	}
	return 0
}

// lookupBinaryOp returns the operator spelled text (keywords in upper
// case), or 0.
func lookupBinaryOp(text string) BinaryOp {
	for op := BinOr; op < binOpEnd; op++ {
		if binaryOps[op].text == text {
			return op
		}
	}
	return 0
}

// InList is `x IN (v1, v2, ...)` inside an eval expression (no wildcards).
type InList struct {
	X      Expr
	Values []Expr
	Pos    Span
}

func (*Literal) expr()  {}
func (*FieldRef) expr() {}
func (*Call) expr()     {}
func (*Unary) expr()    {}
func (*Binary) expr()   {}
func (*InList) expr()   {}

func (e *Literal) Span() Span  { return e.Pos }
func (e *FieldRef) Span() Span { return e.Pos }
func (e *Call) Span() Span     { return e.Pos }
func (e *Unary) Span() Span    { return e.Pos }
func (e *Binary) Span() Span   { return e.Pos }
func (e *InList) Span() Span   { return e.Pos }
