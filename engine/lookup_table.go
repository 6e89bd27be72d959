package engine

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/minispl/minispl/engine/internal/value"
	"go.yaml.in/yaml/v3"
)

// This file reads lookup tables: ESCU-style folders of *.yml definitions
// (name, filename, match_type, case_sensitive_match, min_matches,
// default_match, max_matches; the transforms.conf settings) beside their
// CSV files, and bare CSV files named in a search (`lookup foo.csv ...`).
// A table is read and indexed once per planned search; the plan keeps it.
//
// Defaults are those of transforms.conf (spl-semantics §6.1):
// case_sensitive_match=true, max_matches=100, min_matches=0, no
// default_match, every field matched exactly. CSV files are read with
// encoding/csv (RFC 4180, a header row naming the columns); an empty cell
// is null. A match_type naming a column the file lacks is ignored. Exact
// inputs are matched through a hash index built once per plan; WILDCARD
// and CIDR inputs scan the table's rows (precompiled globs and prefixes),
// which is fine for ESCU's tables (at most a few thousand rows).

// lookupTable is a loaded, indexed lookup.
type lookupTable struct {
	name    string   // as named in the search
	path    string   // the CSV file
	columns []string // header, in file order
	rows    [][]string

	caseSensitive bool
	minMatches    int
	maxMatches    int // 0: unlimited
	defaultMatch  *string
	// kinds[c] is how column c matches when it is an input.
	kinds []matchKind
}

type matchKind uint8

const (
	matchExact matchKind = iota
	matchWildcard
	matchCIDR
)

// lookupDef is one *.yml lookup definition.
type lookupDef struct {
	Name               string  `yaml:"name"`
	Filename           string  `yaml:"filename"`
	MatchType          string  `yaml:"match_type"`
	CaseSensitiveMatch string  `yaml:"case_sensitive_match"`
	MinMatches         string  `yaml:"min_matches"`
	MaxMatches         string  `yaml:"max_matches"`
	DefaultMatch       *string `yaml:"default_match"`
	Collection         string  `yaml:"collection"`
	dir, file          string
}

// readLookupDefs reads every *.yml definition of dir, by name.
func readLookupDefs(dir string) (map[string]*lookupDef, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		return nil, err
	}
	more, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	files = append(files, more...)
	sort.Strings(files)
	defs := map[string]*lookupDef{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("lookup definition: %w", err)
		}
		var d lookupDef
		if err := yaml.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("lookup definition %s: %w", f, err)
		}
		if d.Name == "" {
			continue // not a lookup definition
		}
		d.dir, d.file = dir, f
		if _, dup := defs[d.Name]; !dup {
			defs[d.Name] = &d
		}
	}
	return defs, nil
}

// LookupInfo describes one lookup definition of the lookup folders, as a
// search would find it.
type LookupInfo struct {
	// Name is the name a search uses (`lookup NAME ...`).
	Name string
	// File is the definition's CSV file name, relative to Dir; "" for a
	// definition without a file (a KV-store collection or an ML model),
	// which a search cannot use.
	File string
	// Dir is the lookup folder holding the definition.
	Dir string
	// Definition is the path of the *.yml or *.yaml definition.
	Definition string
	// Missing says that File is not in Dir, so a search using Name fails.
	Missing bool
}

// Lookups lists the lookup definitions of Options.LookupDirs by the rules
// planning uses to find a table (findLookup): the *.yml and *.yaml files of
// each folder, in file name order; a file without a name: is not a
// definition; a name defined again in a later folder (or a later file of
// the same folder) is left out, since a search finds the first. Bare CSV
// files without a definition are not listed. A definition that does not
// parse is an error, as it is for every search that uses a lookup of its
// folder.
func (e *Engine) Lookups() ([]LookupInfo, error) {
	var out []LookupInfo
	seen := map[string]bool{}
	for _, dir := range e.opt.LookupDirs {
		defs, err := readLookupDefs(dir)
		if err != nil {
			return nil, err
		}
		var list []LookupInfo
		for _, d := range defs {
			if seen[d.Name] {
				continue
			}
			seen[d.Name] = true
			li := LookupInfo{Name: d.Name, File: d.Filename, Dir: dir, Definition: d.file}
			if li.File != "" {
				if _, err := os.Stat(filepath.Join(dir, li.File)); err != nil {
					li.Missing = true
				}
			}
			list = append(list, li)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Definition < list[j].Definition })
		out = append(out, list...)
	}
	return out, nil
}

// findLookup resolves a table name of a search: a name ending in .csv is a
// file in one of dirs; any other name is a definition's name (first folder
// wins), else a file name.csv. The error lists where it looked.
func findLookup(dirs []string, name string) (*lookupTable, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("lookup table %q not found: no lookup folders are configured (Options.LookupDirs, --lookups)", name)
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("lookup table %q: a table name cannot hold a path", name)
	}
	var looked []string
	for _, dir := range dirs {
		if !strings.HasSuffix(strings.ToLower(name), ".csv") {
			defs, err := readLookupDefs(dir)
			if err != nil {
				return nil, err
			}
			if d, ok := defs[name]; ok {
				return loadDef(d)
			}
			looked = append(looked, filepath.Join(dir, "*.yml"))
		}
		file := name
		if !strings.HasSuffix(strings.ToLower(name), ".csv") {
			file = name + ".csv"
		}
		p := filepath.Join(dir, file)
		if _, err := os.Stat(p); err == nil {
			t := &lookupTable{name: name, path: p, caseSensitive: true, maxMatches: 100}
			return t, t.load(nil)
		}
		looked = append(looked, p)
	}
	return nil, fmt.Errorf("lookup table %q not found; looked in %s", name, strings.Join(looked, ", "))
}

var matchTypeRE = regexp.MustCompile(`^\s*(WILDCARD|CIDR|EXACT)\s*\(\s*([^)]*?)\s*\)\s*$`)

// loadDef loads the table of a definition with its match settings.
func loadDef(d *lookupDef) (*lookupTable, error) {
	where := d.file
	if d.Filename == "" {
		if d.Collection != "" {
			return nil, fmt.Errorf("lookup %s (%s): KV store collections are not supported", d.Name, where)
		}
		return nil, fmt.Errorf("lookup %s (%s): no filename", d.Name, where)
	}
	if !strings.HasSuffix(strings.ToLower(d.Filename), ".csv") {
		return nil, fmt.Errorf("lookup %s (%s): %s is not a CSV file (model lookups are not supported)", d.Name, where, d.Filename)
	}
	t := &lookupTable{name: d.Name, path: filepath.Join(d.dir, d.Filename), caseSensitive: true, maxMatches: 100}
	if s := strings.TrimSpace(d.CaseSensitiveMatch); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("lookup %s (%s): case_sensitive_match: %w", d.Name, where, err)
		}
		t.caseSensitive = b
	}
	for _, f := range []struct {
		key string
		s   string
		dst *int
	}{{"min_matches", d.MinMatches, &t.minMatches}, {"max_matches", d.MaxMatches, &t.maxMatches}} {
		if s := strings.TrimSpace(f.s); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("lookup %s (%s): %s=%q: want a non-negative integer", d.Name, where, f.key, s)
			}
			*f.dst = v
		}
	}
	if t.maxMatches > 1000 {
		t.maxMatches = 1000 // transforms.conf: max_matches is 1..1000
	}
	t.defaultMatch = d.DefaultMatch
	kinds := map[string]matchKind{}
	if strings.TrimSpace(d.MatchType) != "" {
		for _, part := range splitMatchType(d.MatchType) {
			m := matchTypeRE.FindStringSubmatch(part)
			if m == nil {
				return nil, fmt.Errorf("lookup %s (%s): match_type %q: want WILDCARD(field) or CIDR(field), comma-separated", d.Name, where, part)
			}
			k := matchExact
			switch m[1] {
			case "WILDCARD":
				k = matchWildcard
			case "CIDR":
				k = matchCIDR
			}
			kinds[m[2]] = k
		}
	}
	if err := t.load(kinds); err != nil {
		return nil, fmt.Errorf("lookup %s (%s): %w", d.Name, where, err)
	}
	return t, nil
}

// splitMatchType splits "WILDCARD(a), WILDCARD(b)" on the commas between
// the parenthesized parts.
func splitMatchType(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// load reads the CSV file. kinds names the non-exact columns; a kind
// naming a column the file lacks is an error.
func (t *lookupTable) load(kinds map[string]matchKind) error {
	f, err := os.Open(t.path)
	if err != nil {
		return fmt.Errorf("lookup table: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file, want a header row", t.path)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t.path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	t.columns = header
	t.kinds = make([]matchKind, len(header))
	for name, k := range kinds {
		// A match_type naming a column the file lacks is ignored, as
		// Splunk does (four ESCU definitions have one).
		if i := slices.Index(header, name); i >= 0 {
			t.kinds[i] = k
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.path, err)
		}
		t.rows = append(t.rows, rec)
	}
	return nil
}

// cell returns column c of row r; ok is false for an empty or missing cell
// (null).
func (t *lookupTable) cell(r, c int) (string, bool) {
	row := t.rows[r]
	if c >= len(row) || row[c] == "" {
		return "", false
	}
	return row[c], true
}

// matcher matches input values against the table on a fixed set of input
// columns. It is built once per plan and is read-only afterwards.
type matcher struct {
	t    *lookupTable
	cols []int // table columns of the inputs, in clause order
	// When every input is exact, index maps their joined key to the rows
	// holding it, in file order; otherwise rows are scanned.
	allExact bool
	index    map[string][]int32
	// globs[k] holds, for a wildcard input k, one compiled pattern per row.
	globs    [][]func(string) bool
	prefixes [][]netip.Prefix // per CIDR input, per row; invalid: zero
}

func (t *lookupTable) matcher(cols []int) *matcher {
	m := &matcher{t: t, cols: cols, allExact: true}
	m.globs = make([][]func(string) bool, len(cols))
	m.prefixes = make([][]netip.Prefix, len(cols))
	for k, c := range cols {
		switch t.kinds[c] {
		case matchWildcard:
			m.allExact = false
			m.globs[k] = make([]func(string) bool, len(t.rows))
			for r := range t.rows {
				if s, ok := t.cell(r, c); ok {
					m.globs[k][r] = compileLookupGlob(s, t.caseSensitive)
				}
			}
		case matchCIDR:
			m.allExact = false
			m.prefixes[k] = make([]netip.Prefix, len(t.rows))
			for r := range t.rows {
				s, _ := t.cell(r, c)
				if p, err := netip.ParsePrefix(s); err == nil {
					m.prefixes[k][r] = p.Masked()
				} else if a, err := netip.ParseAddr(s); err == nil {
					m.prefixes[k][r] = netip.PrefixFrom(a, a.BitLen())
				}
			}
		}
	}
	if m.allExact {
		m.index = map[string][]int32{}
		var key []byte
		for r := range t.rows {
			key = key[:0]
			ok := true
			for _, c := range cols {
				s, present := t.cell(r, c)
				ok = ok && present
				key = m.appendKey(key, s)
			}
			if ok {
				m.index[string(key)] = append(m.index[string(key)], int32(r))
			}
		}
	}
	return m
}

// appendKey appends one value of a composite key (folded when the table
// is case-insensitive; see appendKeyPart).
func (m *matcher) appendKey(key []byte, s string) []byte {
	if !m.t.caseSensitive {
		s = strings.ToLower(s)
	}
	return value.AppendKeyPart(key, s)
}

// match appends to dst the rows matching vals (one value per input), in
// file order, at most max (0: unlimited). key is scratch space.
func (m *matcher) match(vals []string, dst []int32, key []byte, max int) ([]int32, []byte) {
	if m.allExact {
		key = key[:0]
		for _, v := range vals {
			key = m.appendKey(key, v)
		}
		rows := m.index[string(key)]
		if max > 0 && len(rows) > max {
			rows = rows[:max]
		}
		return append(dst, rows...), key
	}
	n := 0
rows:
	for r := range m.t.rows {
		for k, c := range m.cols {
			v := vals[k]
			switch m.t.kinds[c] {
			case matchWildcard:
				g := m.globs[k][r]
				if g == nil || !g(v) {
					continue rows
				}
			case matchCIDR:
				p := m.prefixes[k][r]
				a, err := netip.ParseAddr(v)
				if !p.IsValid() || err != nil || !p.Contains(a) {
					continue rows
				}
			default:
				s, ok := m.t.cell(r, c)
				if !ok || !(s == v || !m.t.caseSensitive && strings.EqualFold(s, v)) {
					continue rows
				}
			}
		}
		dst = append(dst, int32(r))
		n++
		if max > 0 && n >= max {
			break
		}
	}
	return dst, key
}

// compileLookupGlob compiles a WILDCARD pattern: '*' is any run of
// characters; case follows case_sensitive_match. The case-insensitive form
// is the search command's glob; the case-sensitive one is a plain segment
// walk.
func compileLookupGlob(pattern string, caseSensitive bool) func(string) bool {
	if !caseSensitive {
		return value.CompileGlob(pattern).Match
	}
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return func(s string) bool { return s == pattern }
	}
	return func(s string) bool {
		if !strings.HasPrefix(s, parts[0]) {
			return false
		}
		s = s[len(parts[0]):]
		last := parts[len(parts)-1]
		for _, p := range parts[1 : len(parts)-1] {
			i := strings.Index(s, p)
			if i < 0 {
				return false
			}
			s = s[i+len(p):]
		}
		return len(s) >= len(last) && strings.HasSuffix(s, last)
	}
}
