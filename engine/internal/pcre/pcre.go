// Package pcre compiles the regular expressions of SPL (rex, regex,
// makemv tokenizer=, and the eval functions match, replace and mvfind),
// which Splunk runs with PCRE, and matches them.
//
// A pattern runs on Go's RE2 (package regexp) whenever RE2 can run it: RE2
// is linear in time, and RE2 and PCRE agree on the constructs RE2 accepts
// (leftmost-first alternation, greedy and lazy quantifiers, classes,
// anchors; (?<name>...) is rewritten to RE2's (?P<name>...)). A pattern
// that uses a PCRE construct RE2 lacks but that a backtracking engine
// runs (lookahead and lookbehind, negative or not, atomic groups,
// backreferences, conditionals) runs on github.com/dlclark/regexp2, a
// maintained Perl 5 and .NET compatible backtracking engine, compiled so
// that groups are numbered by their opening parenthesis as PCRE numbers
// them. What neither runs (\K, \G, recursion, branch reset, possessive
// quantifiers) is an error that names the construct and its offset, so a
// plan fails at the pattern instead of matching differently from Splunk.
//
// Choices where PCRE and regexp2 differ: regexp2 has no match limit, where
// Splunk's PCRE stops a match after limits.conf's match_limit (100,000
// backtracking steps by default) and extracts nothing; a pattern that
// backtracks catastrophically runs here until it ends. A regex written to
// be matched by RE2 (sqlgen prints patterns for SQL engines from it) is
// the one String returns: only RE2 patterns parse as Go syntax, so a
// backtracking pattern is refused there.
package pcre

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dlclark/regexp2/v2"
)

// Regexp is a compiled SPL regular expression. Its methods follow those of
// Go's regexp.Regexp of the same names, so that byte offsets, -1 for a
// group that did not take part, and templates ($1, ${name}) mean the same
// whichever engine runs the pattern. A Regexp is safe for concurrent use.
type Regexp struct {
	re2   *regexp.Regexp  // the pattern when RE2 runs it
	bt    *regexp2.Regexp // the pattern when it needs backtracking
	names []string        // group names by number, "" for an unnamed group
	text  string          // what String returns
}

// Compile compiles pat, a Splunk (PCRE) regex.
func Compile(pat string) (*Regexp, error) {
	backtrack, err := check(pat)
	if err != nil {
		return nil, err
	}
	if !backtrack {
		re, err := regexp.Compile(strings.ReplaceAll(pat, "(?<", "(?P<"))
		if err != nil {
			return nil, fmt.Errorf("invalid regex %q: %w", pat, err)
		}
		return &Regexp{re2: re, names: re.SubexpNames(), text: re.String()}, nil
	}
	return compileBacktracking(pat)
}

// compileBacktracking compiles pat for the backtracking engine.
func compileBacktracking(pat string) (*Regexp, error) {
	// regexp2 reads .NET syntax: (?P<name>...) is PCRE's other spelling of
	// (?<name>...).
	bt, err := regexp2.Compile(strings.ReplaceAll(pat, "(?P<", "(?<"), regexp2.OptionMaintainCaptureOrder())
	if err != nil {
		return nil, fmt.Errorf("invalid regex %q: %w", pat, err)
	}
	nums := bt.GetGroupNumbers()
	names := make([]string, len(nums))
	for i, num := range nums {
		if name := bt.GroupNameFromNumber(num); name != strconv.Itoa(num) {
			names[i] = name
		}
	}
	return &Regexp{bt: bt, names: names, text: pat}, nil
}

// Backtracking reports whether the pattern runs on the backtracking engine
// (it uses a construct RE2 lacks).
func (r *Regexp) Backtracking() bool { return r.bt != nil }

// String returns the pattern: in RE2's syntax when RE2 runs it, as written
// otherwise.
func (r *Regexp) String() string { return r.text }

// NumSubexp returns the number of capturing groups.
func (r *Regexp) NumSubexp() int { return len(r.names) - 1 }

// SubexpNames returns the names of the groups by number (index 0 is the
// whole match), "" for an unnamed group. The slice must not be modified.
func (r *Regexp) SubexpNames() []string { return r.names }

// MatchString reports whether s holds a match.
func (r *Regexp) MatchString(s string) bool {
	if r.re2 != nil {
		return r.re2.MatchString(s)
	}
	ok, err := r.bt.MatchString(s)
	return err == nil && ok
}

// FindStringSubmatchIndex returns the byte offsets of the leftmost match
// and its groups (pairs, -1 for a group that did not take part), or nil.
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	if r.re2 != nil {
		return r.re2.FindStringSubmatchIndex(s)
	}
	m, err := r.bt.FindStringMatch(s)
	if err != nil || m == nil {
		return nil
	}
	return r.offsets(m)
}

// FindAllStringSubmatchIndex returns the offsets of up to n successive
// non-overlapping matches (all when n < 0), as FindStringSubmatchIndex
// gives one.
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if r.re2 != nil {
		return r.re2.FindAllStringSubmatchIndex(s, n)
	}
	var all [][]int
	m, err := r.bt.FindStringMatch(s)
	for err == nil && m != nil && (n < 0 || len(all) < n) {
		all = append(all, r.offsets(m))
		m, err = r.bt.FindNextMatch(m)
	}
	return all
}

// FindStringSubmatch returns the text of the leftmost match and of its
// groups ("" for a group that did not take part), or nil.
func (r *Regexp) FindStringSubmatch(s string) []string {
	if r.re2 != nil {
		return r.re2.FindStringSubmatch(s)
	}
	loc := r.FindStringSubmatchIndex(s)
	if loc == nil {
		return nil
	}
	out := make([]string, len(loc)/2)
	for i := range out {
		if loc[2*i] >= 0 {
			out[i] = s[loc[2*i]:loc[2*i+1]]
		}
	}
	return out
}

// ReplaceAllString replaces every match in src by repl, a Go template
// ($1, ${1}, $name, ${name}, $$), as regexp.Regexp.ReplaceAllString does.
func (r *Regexp) ReplaceAllString(src, repl string) string {
	if r.re2 != nil {
		return r.re2.ReplaceAllString(src, repl)
	}
	var b []byte
	last := 0
	for _, m := range r.FindAllStringSubmatchIndex(src, -1) {
		b = append(b, src[last:m[0]]...)
		b = r.ExpandString(b, repl, src, m)
		last = m[1]
	}
	if b == nil {
		return src
	}
	return string(append(b, src[last:]...))
}

// ExpandString appends template to dst with each $1, ${1}, $name or
// ${name} replaced by that group of match (offsets into src) and $$ by $,
// as regexp.Regexp.ExpandString does: a name is the longest run of
// letters, digits and underscores, and a group that is not in the pattern
// or did not take part is empty.
func (r *Regexp) ExpandString(dst []byte, template, src string, match []int) []byte {
	if r.re2 != nil {
		return r.re2.ExpandString(dst, template, src, match)
	}
	for len(template) > 0 {
		i := strings.IndexByte(template, '$')
		if i < 0 {
			break
		}
		dst = append(dst, template[:i]...)
		template = template[i:]
		if len(template) > 1 && template[1] == '$' {
			dst = append(dst, '$')
			template = template[2:]
			continue
		}
		name, rest, ok := templateName(template)
		if !ok {
			dst = append(dst, '$')
			template = template[1:]
			continue
		}
		template = rest
		if k := r.group(name); k >= 0 && 2*k+1 < len(match) && match[2*k] >= 0 {
			dst = append(dst, src[match[2*k]:match[2*k+1]]...)
		}
	}
	return append(dst, template...)
}

// offsets returns the byte offsets of m and its groups.
func (r *Regexp) offsets(m *regexp2.Match) []int {
	loc := make([]int, 2*len(r.names))
	for i := range loc {
		loc[i] = -1
	}
	for _, g := range m.Groups() {
		k := r.group(g.Name)
		if k < 0 || len(g.Captures) == 0 {
			continue
		}
		at, n := g.ByteRange()
		loc[2*k], loc[2*k+1] = at, at+n
	}
	return loc
}

// group returns the number of the group called name (a number or a
// group's name), or -1.
func (r *Regexp) group(name string) int {
	if k, err := strconv.Atoi(name); err == nil {
		if k >= 0 && k < len(r.names) {
			return k
		}
		return -1
	}
	for k, n := range r.names {
		if n == name && n != "" {
			return k
		}
	}
	return -1
}

// templateName reads the group reference at the start of t ($name or
// ${name}) as regexp's Expand reads it.
func templateName(t string) (name, rest string, ok bool) {
	if len(t) < 2 || t[0] != '$' {
		return "", t, false
	}
	brace := t[1] == '{'
	i := 1
	if brace {
		i = 2
	}
	j := i
	for j < len(t) && (t[j] == '_' || t[j] >= '0' && t[j] <= '9' || t[j] >= 'a' && t[j] <= 'z' || t[j] >= 'A' && t[j] <= 'Z') {
		j++
	}
	if j == i {
		return "", t, false
	}
	if brace {
		if j >= len(t) || t[j] != '}' {
			return "", t, false
		}
		return t[i:j], t[j+1:], true
	}
	return t[i:j], t[j:], true
}

// check reports whether pat needs the backtracking engine, or the first
// PCRE construct of pat that neither engine runs: \K, \G, recursion,
// branch reset and possessive quantifiers.
func check(pat string) (backtrack bool, err error) {
	inClass := false
	prevQuant := false
	for i := 0; i < len(pat); i++ {
		ch := pat[i]
		if ch == '\\' && i+1 < len(pat) {
			nx := pat[i+1]
			if !inClass {
				switch {
				case nx == 'K':
					return false, fmt.Errorf("regex %q uses \\K (keep-out) at offset %d, which minispl does not support", pat, i)
				case nx == 'G':
					return false, fmt.Errorf("regex %q uses \\G at offset %d, which minispl does not support", pat, i)
				case nx >= '1' && nx <= '9', nx == 'k':
					backtrack = true // a backreference
				}
			}
			i++
			prevQuant = false
			continue
		}
		if inClass {
			if ch == ']' {
				inClass = false
			}
			continue
		}
		switch ch {
		case '[':
			inClass = true
			// A ']' right after '[' or '[^' is literal.
			if i+1 < len(pat) && pat[i+1] == '^' {
				i++
			}
			if i+1 < len(pat) && pat[i+1] == ']' {
				i++
			}
			prevQuant = false
			continue
		case '(':
			rest := pat[i+1:]
			for _, c := range []struct{ pre, name string }{
				{"?|", "branch reset (?|...)"}, {"?R", "recursion (?R)"},
			} {
				if strings.HasPrefix(rest, c.pre) {
					return false, fmt.Errorf("regex %q uses a %s at offset %d, which minispl does not support", pat, c.name, i)
				}
			}
			if len(rest) > 1 && rest[0] == '?' && (rest[1] >= '0' && rest[1] <= '9' || rest[1] == '+' || rest[1] == '&') {
				return false, fmt.Errorf("regex %q uses recursion at offset %d, which minispl does not support", pat, i)
			}
			for _, pre := range []string{"?<=", "?<!", "?=", "?!", "?>", "?("} {
				if strings.HasPrefix(rest, pre) {
					backtrack = true
				}
			}
			prevQuant = false
			if strings.HasPrefix(rest, "?") {
				i++ // the ? of a group flag is not a quantifier
			}
			continue
		case '*', '+', '?', '}':
			if prevQuant && ch == '+' {
				return false, fmt.Errorf("regex %q uses a possessive quantifier at offset %d, which minispl does not support", pat, i-1)
			}
			prevQuant = ch != '?' || !prevQuant
			continue
		}
		prevQuant = false
	}
	return backtrack, nil
}
