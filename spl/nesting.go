package spl

// maxNesting bounds how deeply a search may nest parentheses, subsearch
// brackets and NOT operators. participle and the eval parser are recursive
// descent parsers: without a bound, a hostile text of 100,000 "(" overflows
// the goroutine stack, which Go cannot recover from. Real searches nest a
// few levels; ESCU's deepest is under 10.
const maxNesting = 256

// checkNesting returns an error at the first place where text nests deeper
// than maxNesting. It scans bytes, not tokens, and may over-count (an
// unbalanced "(" inside a single-quoted word counts), never under-count:
// each "(" or "[" outside double-quoted strings and macro calls opens a
// level, each ")" or "]" closes one, and every upper-case NOT word opens a
// level until the next bracket or the end of the text. A lower-case not and
// the eval operators are bounded by the eval parser itself (exprParser).
func checkNesting(text string) *Error {
	depth, nots := 0, 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '"', '`':
			i = skipQuoted(text, i)
		case '(', '[':
			depth++
			nots = 0
			if depth > maxNesting {
				return Errorf(text, Span{i, i + 1}, "%q nested more than %d levels deep", c, maxNesting)
			}
		case ')', ']':
			depth = max(depth-1, 0)
			nots = 0
		case 'N':
			if isNotWord(text, i) {
				nots++
				if depth+nots > maxNesting {
					return Errorf(text, Span{i, i + 3}, "NOT nested more than %d levels deep", maxNesting)
				}
				i += 2
			}
		}
	}
	return nil
}

// skipQuoted returns the index of the byte closing the double-quoted string
// or macro call opened at text[i], or len(text) when it is not closed. In a
// string a backslash escapes the next byte; a macro call runs to the next
// backtick.
func skipQuoted(text string, i int) int {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch {
		case q == '"' && text[j] == '\\':
			j++
		case text[j] == q:
			return j
		}
	}
	return len(text)
}

// isNotWord reports whether the upper-case word NOT stands at text[i] as a
// whole word.
func isNotWord(text string, i int) bool {
	if len(text)-i < 3 || text[i:i+3] != "NOT" {
		return false
	}
	if i > 0 && !isSpace(text[i-1]) && text[i-1] != '(' {
		return false
	}
	return i+3 == len(text) || isSpace(text[i+3]) || text[i+3] == '('
}
