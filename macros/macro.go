package macros

import (
	"fmt"
	"sort"
	"strings"
)

// Macro is one search macro: a macros.conf stanza `[name]` or `[name(N)]`,
// or one ESCU macro YAML file.
type Macro struct {
	// Name is the macro name as written in calls, without the arity suffix.
	Name string
	// Args holds the argument names in order; its length is the arity.
	Args []string
	// Definition is the replacement text; `$arg$` stands for an argument.
	Definition string
	// IsEval marks an `iseval = true` stanza, whose definition is an eval
	// expression. Only a quoted string literal is supported (see Expand).
	IsEval bool
	// Description is the optional human description.
	Description string
	// Origin is where the macro was defined: "file:line" or "builtin".
	Origin string
}

// Arity returns the number of arguments the macro takes.
func (m *Macro) Arity() int { return len(m.Args) }

// Key returns the stanza name: "name" for a macro without arguments,
// "name(N)" otherwise.
func (m *Macro) Key() string { return stanzaKey(m.Name, len(m.Args)) }

func stanzaKey(name string, n int) string {
	if n == 0 {
		return name
	}
	return fmt.Sprintf("%s(%d)", name, n)
}

// Library is a set of macros keyed by name and argument count: `name` and
// `name(2)` are different macros, and the number of arguments in a call picks
// the stanza. The zero value is an empty library, as is New().
//
// A Library is not safe for concurrent modification; concurrent Expand,
// Lookup and Macros calls are safe once loading is done.
type Library struct {
	byName map[string]map[int]*Macro
	n      int
}

// New returns an empty library.
func New() *Library {
	return &Library{byName: make(map[string]map[int]*Macro)}
}

// Add defines m, replacing any macro of the same name and arity. It checks
// that the name and argument names are valid.
func (l *Library) Add(m *Macro) error {
	if err := validateMacro(m); err != nil {
		return err
	}
	l.add(m)
	return nil
}

func (l *Library) add(m *Macro) {
	if l.byName == nil {
		l.byName = make(map[string]map[int]*Macro)
	}
	arities := l.byName[m.Name]
	if arities == nil {
		arities = make(map[int]*Macro, 1)
		l.byName[m.Name] = arities
	}
	if _, ok := arities[len(m.Args)]; !ok {
		l.n++
	}
	arities[len(m.Args)] = m
}

// Lookup returns the macro called name taking nargs arguments.
func (l *Library) Lookup(name string, nargs int) (*Macro, bool) {
	m, ok := l.byName[name][nargs]
	return m, ok
}

// Len returns the number of macros (distinct name and arity pairs).
func (l *Library) Len() int { return l.n }

// Macros returns every macro sorted by name, then arity.
func (l *Library) Macros() []*Macro {
	out := make([]*Macro, 0, l.n)
	for _, arities := range l.byName {
		for _, m := range arities {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return len(out[i].Args) < len(out[j].Args)
	})
	return out
}

// arities returns the sorted stanza keys defined for name, e.g.
// ["foo", "foo(2)"].
func (l *Library) arities(name string) []string {
	ns := make([]int, 0, len(l.byName[name]))
	for n := range l.byName[name] {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	keys := make([]string, len(ns))
	for i, n := range ns {
		keys[i] = stanzaKey(name, n)
	}
	return keys
}

// validName reports whether s is a valid macro or argument name: one or more
// ASCII letters, digits, '_' or '-' (macros.conf.spec).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func validateMacro(m *Macro) error {
	if !validName(m.Name) {
		return fmt.Errorf("invalid macro name %q: use letters, digits, '_' and '-'", m.Name)
	}
	seen := make(map[string]bool, len(m.Args))
	for _, a := range m.Args {
		if !validName(a) {
			return fmt.Errorf("macro %s: invalid argument name %q: use letters, digits, '_' and '-'", m.Key(), a)
		}
		if seen[a] {
			return fmt.Errorf("macro %s: argument %q listed twice", m.Key(), a)
		}
		seen[a] = true
	}
	// An iseval definition that is not a string literal is accepted here
	// and reported at the call, as the macro may never be used.
	return nil
}

// parseArgNames splits an `args = a, b` value.
func parseArgNames(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
