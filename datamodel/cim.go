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
			st := calcStep{field: index(f.name), kind: f.calc, arg: -1}
			if st.field < 0 {
				return nil, fmt.Errorf("dataset %s.%s: calculation of undeclared field %q", spec.model, spec.name, f.name)
			}
			if f.arg != "" {
				if st.arg = index(f.arg); st.arg < 0 {
					return nil, fmt.Errorf("dataset %s.%s: calculation of %q reads undeclared field %q", spec.model, spec.name, f.name, f.arg)
				}
			}
			steps = append(steps, st)
		}
	}
	return steps, nil
}

// cimConsts are the constant values calculations produce.
type cimConsts struct {
	unknown, sourcetype []byte
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
				vals[st.field] = firstToken(a)
			} else {
				vals[st.field] = k.unknown
			}
		case calcNumberOrNull:
			if v != nil {
				if _, err := strconv.ParseFloat(string(v), 64); err != nil {
					vals[st.field] = nil
				}
			}
		case calcVendorProduct:
			if v == nil {
				vals[st.field] = k.sourcetype
			}
		case calcLower:
			if v != nil && hasUpper(v) {
				start := len(e.arena)
				for _, c := range v {
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					e.arena = append(e.arena, c)
				}
				vals[st.field] = e.arena[start:len(e.arena):len(e.arena)]
			}
		}
	}
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}
