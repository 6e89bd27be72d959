package engine

import (
	"reflect"
	"strings"

	"github.com/minispl/minispl/spl"
)

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

// laterFields returns the names the commands cmds may read or write, in
// order of appearance and without repeats, and apart the ones with a `*`.
// It walks their AST by reflection, taking every string except literal
// values (eval literals, the values of search comparisons and IN lists,
// macro calls, positions, replace's pairs) and option and command names,
// so that a command added later is covered
// without a list to keep up to date: a name that is not a field costs an
// unused column, while a missed one would silently lose a field the search
// uses. xmlkv and spath keep these fields, whose values are known only
// when the search runs.
func laterFields(cmds []spl.Command) (names, wild []string) {
	seen := map[string]bool{}
	add := func(s string) {
		if s == "" || seen[s] {
			return
		}
		seen[s] = true
		if strings.Contains(s, "*") {
			wild = append(wild, s)
		} else {
			names = append(names, s)
		}
	}
	for _, c := range cmds {
		walkNames(reflect.ValueOf(c), add)
	}
	return names, wild
}

func walkNames(v reflect.Value, add func(string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkNames(v.Elem(), add)
		}
	case reflect.String:
		add(v.String())
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkNames(v.Index(i), add)
		}
	case reflect.Struct:
		switch x := v.Interface().(type) {
		case spl.Literal, spl.MacroCall, spl.Span:
			return
		case spl.SearchCompare:
			add(x.Field)
			return
		case spl.SearchIn:
			add(x.Field)
			return
		case spl.Option:
			walkNames(reflect.ValueOf(x.Value), add) // the key is an option name
			return
		case spl.ReplacePair:
			return // values, not field names
		}
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() && f.Name != "CommandName" {
				walkNames(v.Field(i), add)
			}
		}
	}
}
