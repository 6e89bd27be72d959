package spl

import "fmt"

// roundTrip prints p, parses the printed text and compares the ASTs; it
// returns a description of the first difference, or "".
func roundTrip(p *Pipeline) string {
	printed := p.String()
	q, err := Parse(printed)
	if err != nil {
		return fmt.Sprintf("printed form does not parse: %v\nprinted: %s", err, printed)
	}
	if !Equal(p, q) {
		return fmt.Sprintf("round trip changed the AST\nprinted:   %s\nreprinted: %s", printed, q.String())
	}
	if q.String() != printed {
		return fmt.Sprintf("printing is not stable\nfirst:  %s\nsecond: %s", printed, q.String())
	}
	return ""
}
