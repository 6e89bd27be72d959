package engine

import "strings"

// matchName matches a field name against a case-sensitive wildcard pattern
// ('*' = any run, possibly empty) and returns the text each '*' matched.
// Field names are short, so simple backtracking is fine.
func matchName(pattern, name string) ([]string, bool) {
	if !strings.Contains(pattern, "*") {
		return nil, pattern == name
	}
	var caps []string
	var rec func(p, s string) bool
	rec = func(p, s string) bool {
		i := strings.IndexByte(p, '*')
		if i < 0 {
			return p == s
		}
		if !strings.HasPrefix(s, p[:i]) {
			return false
		}
		s, p = s[i:], p[i+1:]
		for k := 0; k <= len(s); k++ {
			caps = append(caps, s[:k])
			if rec(p, s[k:]) {
				return true
			}
			caps = caps[:len(caps)-1]
		}
		return false
	}
	if !rec(pattern, name) {
		return nil, false
	}
	return caps, true
}

// substituteName replaces the i-th '*' of pattern with caps[i].
func substituteName(pattern string, caps []string) string {
	if len(caps) == 0 {
		return pattern
	}
	var b strings.Builder
	k := 0
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' && k < len(caps) {
			b.WriteString(caps[k])
			k++
			continue
		}
		b.WriteByte(pattern[i])
	}
	return b.String()
}
