package datamodel

import (
	"fmt"
	"strconv"
)

// This file applies the CIM 5.2.0 dataset calculations (sysmon-to-cim.md
// §5, §6a.4) to one row of add-on field values, after the base-search evals
// and in catalog order.

// calcStep is one compiled calculation: field index, kind, argument index.
type calcStep struct {
	field int
	kind  calcKind
	arg   int // index of the argument field, -1 when none
	arg2  int // index of the second argument field, -1 when none
	// def is calcOrEventField's default value.
	def []byte
}

// compileCalcs turns a dataset spec's base evals and calculated fields into
// steps over column indexes of spec.fields.
func compileCalcs(spec *datasetSpec) ([]calcStep, error) {
	index := func(name string) int {
		for i, f := range spec.fields {
			if f.name == name {
				return i
			}
		}
		return -1
	}
	var steps []calcStep
	for _, group := range [][]fieldSpec{spec.baseEval, spec.fields} {
		for _, f := range group {
			if f.calc == calcNone {
				continue
			}
			st := calcStep{field: index(f.name), kind: f.calc, arg: -1, arg2: -1}
			if st.field < 0 {
				return nil, fmt.Errorf("dataset %s.%s: calculation of undeclared field %q", spec.model, spec.name, f.name)
			}
			if f.calc == calcOrEventField {
				// arg is an event field, read when the row is built
				// (appendRecord), not a column.
				st.def = []byte(f.def)
				steps = append(steps, st)
				continue
			}
			for _, a := range []struct {
				name string
				idx  *int
			}{{f.arg, &st.arg}, {f.arg2, &st.arg2}} {
				if a.name == "" {
					continue
				}
				if *a.idx = index(a.name); *a.idx < 0 {
					return nil, fmt.Errorf("dataset %s.%s: calculation of %q reads undeclared field %q", spec.model, spec.name, f.name, a.name)
				}
			}
			if needsTwo := f.calc == calcTotal || f.calc == calcPart; needsTwo && (st.arg < 0 || st.arg2 < 0) {
				return nil, fmt.Errorf("dataset %s.%s: calculation of %q needs two argument fields", spec.model, spec.name, f.name)
			}
			steps = append(steps, st)
		}
	}
	return steps, nil
}

// cimConsts are the constant values calculations produce.
type cimConsts struct {
	unknown, sourcetype, zero []byte
}

// applyCalcs runs steps over vals in order; constructed values go to e's
// arena.
func applyCalcs(steps []calcStep, vals [][]byte, e *event, k *cimConsts) {
	for _, st := range steps {
		v := vals[st.field]
		switch st.kind {
		case calcFillUnknown:
			if len(v) == 0 {
				vals[st.field] = k.unknown
			}
		case calcNameFromCommand:
			if len(v) != 0 {
				continue
			}
			if a := vals[st.arg]; len(a) != 0 {
				vals[st.field] = firstToken(e, a)
			} else {
				vals[st.field] = k.unknown
			}
		case calcOrEventField:
			if len(v) == 0 {
				vals[st.field] = st.def
			}
		case calcNumberOrNull:
			if _, ok := isNum(v); !ok {
				vals[st.field] = nil
			}
		case calcVendorProduct:
			if v == nil {
				vals[st.field] = k.sourcetype
			}
		case calcLower:
			if v != nil {
				vals[st.field] = lowerASCII(e, v)
			}
		case calcFillUnknownLower:
			if len(v) == 0 {
				vals[st.field] = k.unknown
			} else {
				vals[st.field] = lowerASCII(e, v)
			}
		case calcNumberOrZero:
			if _, ok := isNum(v); !ok {
				vals[st.field] = k.zero
			}
		case calcTotal, calcPart:
			if _, ok := isNum(v); ok {
				continue
			}
			vals[st.field] = nil
			a, okA := isNum(vals[st.arg])
			b, okB := isNum(vals[st.arg2])
			if okA && okB {
				r := a + b
				if st.kind == calcPart {
					r = a - b
				}
				vals[st.field] = e.build(strconv.AppendFloat(nil, r, 'f', -1, 64))
			}
		}
	}
}

// isNum is SPL's isnum() on a field value: the value parses as a number.
// It returns the number. A null value is not a number.
//
// [U] Which texts Splunk's isnum() accepts is not pinned by the reference;
// this takes Go's decimal float syntax (no hex, no Inf or NaN, no
// surrounding space), which covers every port and counter Sysmon writes.
func isNum(v []byte) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil
}

// lowerASCII returns v with A-Z lowered, built in e's arena only when v
// holds an upper-case letter. SPL's lower() also lowers non-ASCII letters;
// Sysmon's integrity levels and protocols are ASCII.
func lowerASCII(e *event, v []byte) []byte {
	if !hasUpper(v) {
		return v
	}
	start := len(e.arena)
	for _, c := range v {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		e.arena = append(e.arena, c)
	}
	return e.arena[start:len(e.arena):len(e.arena)]
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}
