package expr

// Columns returns the columns the leaves of p test, each once, in order;
// ok is false when p holds a predicate that reads other columns (a bare
// term reads _raw), which Columns does not list.
func Columns(p Pred) (cols []int, ok bool) {
	ok = true
	var walk func(p Pred)
	walk = func(p Pred) {
		switch x := p.(type) {
		case *leaf:
			if x.col >= 0 {
				cols = append(cols, x.col)
			}
		case *predAnd:
			walk(x.l)
			walk(x.r)
		case *predNot:
			walk(x.x)
		case *predAny:
			for _, q := range x.parts {
				walk(q)
			}
		case *predConst:
		default:
			ok = false
		}
	}
	walk(p)
	return cols, ok
}
