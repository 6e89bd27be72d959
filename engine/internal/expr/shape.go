package expr

import "github.com/minispl/minispl/spl"

// Shape is what a compiled predicate node means, for the engine's exported
// plan view (engine.Plan.Steps): its operator and operands, or the test
// of a leaf. It describes, it does not execute.
type Shape struct {
	// Op is "and" (Parts has two operands), "or" (any number), "not"
	// (one), "const" (Const) or "leaf" (Leaf).
	Op    string
	Parts []Pred
	Const bool
	Leaf  LeafShape
}

// LeafShape is a field test: = and IN match when one of Patterns (whole
// value, case-insensitive, * the only wildcard) matches, Neg turns that
// into !=, CIDR says a pattern is also a subnet; otherwise Op is an
// ordering against Value (Num when IsNum).
type LeafShape struct {
	Field    string
	Col      int
	Patterns []string
	Neg      bool
	CIDR     bool
	Op       spl.CompareOp
	Value    string
	Num      float64
	IsNum    bool
}

// ShapeOf describes p; ok is false for a predicate type it does not know.
func ShapeOf(p Pred) (s Shape, ok bool) {
	switch p := p.(type) {
	case *predAnd:
		return Shape{Op: "and", Parts: []Pred{p.l, p.r}}, true
	case *predAny:
		return Shape{Op: "or", Parts: p.parts}, true
	case *predNot:
		return Shape{Op: "not", Parts: []Pred{p.x}}, true
	case *predConst:
		return Shape{Op: "const", Const: p.v}, true
	case *leaf:
		return Shape{Op: "leaf", Leaf: LeafShape{Field: p.field, Col: p.col, Patterns: p.patterns, Neg: p.neg,
			CIDR: len(p.cidrs) > 0, Op: p.cmp, Value: p.value, Num: p.num, IsNum: p.isNum}}, true
	}
	return Shape{}, false
}
