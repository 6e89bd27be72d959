package lookup

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
	"sync"

	"github.com/minispl/minispl/engine/internal/value"
	"go.yaml.in/yaml/v3"
)

// Table is a loaded, indexed lookup.
type Table struct {
	Name    string   // as named in the search
	Path    string   // the CSV file
	Columns []string // header, in file order
	Rows    [][]string

	CaseSensitive bool
	MinMatches    int
	MaxMatches    int // 0: unlimited
	DefaultMatch  *string
	// Kinds[c] is how column c matches when it is an input.
	Kinds []MatchKind
}

type MatchKind uint8

const (
	MatchExact MatchKind = iota
	MatchWildcard
	MatchCIDR
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

// readDefs reads every *.yml definition of dir, by name.
func readDefs(dir string) (map[string]*lookupDef, error) {
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

// Info describes one lookup definition of the lookup folders, as a
// search would find it.
type Info struct {
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

// List lists the lookup definitions of dirs by the rules Find
// uses to find a table: the *.yml and *.yaml files of each folder, in file
// name order; a file without a name: is not a definition; a name defined
// again in a later folder (or a later file of the same folder) is left
// out, since a search finds the first. Bare CSV files without a definition
// are not listed. A definition that does not parse is an error, as it is
// for every search that uses a lookup of its folder.
func List(dirs []string) ([]Info, error) {
	var out []Info
	seen := map[string]bool{}
	for _, dir := range dirs {
		defs, err := readDefs(dir)
		if err != nil {
			return nil, err
		}
		var list []Info
		for _, d := range defs {
			if seen[d.Name] {
				continue
			}
			seen[d.Name] = true
			li := Info{Name: d.Name, File: d.Filename, Dir: dir, Definition: d.file}
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

// Find resolves a table name of a search: a name ending in .csv is a
// file in one of dirs; any other name is a definition's name (first folder
// wins), else a file name.csv. The error lists where it looked.
func Find(dirs []string, name string) (*Table, error) { return find(dirs, name, readDefs) }

// Finder resolves table names as Find does, reading the definitions of
// each folder once: for the plans of one batch, which resolve many names
// in the same folders (a folder changed after its first read is not seen
// again). It is safe for concurrent use.
type Finder struct {
	mu   sync.Mutex
	dirs map[string]*folderDefs
}

// folderDefs is one folder's definitions, read once.
type folderDefs struct {
	once sync.Once
	defs map[string]*lookupDef
	err  error
}

// NewFinder returns a Finder that has read nothing yet.
func NewFinder() *Finder { return &Finder{dirs: map[string]*folderDefs{}} }

// Find resolves name in dirs as Find does.
func (f *Finder) Find(dirs []string, name string) (*Table, error) {
	return find(dirs, name, f.readDefs)
}

// readDefs returns dir's definitions, reading them the first time.
func (f *Finder) readDefs(dir string) (map[string]*lookupDef, error) {
	f.mu.Lock()
	d := f.dirs[dir]
	if d == nil {
		d = &folderDefs{}
		f.dirs[dir] = d
	}
	f.mu.Unlock()
	d.once.Do(func() { d.defs, d.err = readDefs(dir) })
	return d.defs, d.err
}

// find is Find with the folders' definitions read by defsOf.
func find(dirs []string, name string, defsOf func(dir string) (map[string]*lookupDef, error)) (*Table, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("lookup table %q not found: no lookup folders are configured (Options.LookupDirs, --lookups)", name)
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("lookup table %q: a table name cannot hold a path", name)
	}
	var looked []string
	for _, dir := range dirs {
		if !strings.HasSuffix(strings.ToLower(name), ".csv") {
			defs, err := defsOf(dir)
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
			t := &Table{Name: name, Path: p, CaseSensitive: true, MaxMatches: 100}
			return t, t.load(nil)
		}
		looked = append(looked, p)
	}
	return nil, fmt.Errorf("lookup table %q not found; looked in %s", name, strings.Join(looked, ", "))
}

var matchTypeRE = regexp.MustCompile(`^\s*(WILDCARD|CIDR|EXACT)\s*\(\s*([^)]*?)\s*\)\s*$`)

// loadDef loads the table of a definition with its match settings.
func loadDef(d *lookupDef) (*Table, error) {
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
	t := &Table{Name: d.Name, Path: filepath.Join(d.dir, d.Filename), CaseSensitive: true, MaxMatches: 100}
	if s := strings.TrimSpace(d.CaseSensitiveMatch); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("lookup %s (%s): case_sensitive_match: %w", d.Name, where, err)
		}
		t.CaseSensitive = b
	}
	for _, f := range []struct {
		key string
		s   string
		dst *int
	}{{"min_matches", d.MinMatches, &t.MinMatches}, {"max_matches", d.MaxMatches, &t.MaxMatches}} {
		if s := strings.TrimSpace(f.s); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("lookup %s (%s): %s=%q: want a non-negative integer", d.Name, where, f.key, s)
			}
			*f.dst = v
		}
	}
	if t.MaxMatches > 1000 {
		t.MaxMatches = 1000 // transforms.conf: max_matches is 1..1000
	}
	t.DefaultMatch = d.DefaultMatch
	kinds := map[string]MatchKind{}
	if strings.TrimSpace(d.MatchType) != "" {
		for _, part := range splitMatchType(d.MatchType) {
			m := matchTypeRE.FindStringSubmatch(part)
			if m == nil {
				return nil, fmt.Errorf("lookup %s (%s): match_type %q: want WILDCARD(field) or CIDR(field), comma-separated", d.Name, where, part)
			}
			k := MatchExact
			switch m[1] {
			case "WILDCARD":
				k = MatchWildcard
			case "CIDR":
				k = MatchCIDR
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
func (t *Table) load(kinds map[string]MatchKind) error {
	f, err := os.Open(t.Path)
	if err != nil {
		return fmt.Errorf("lookup table: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file, want a header row", t.Path)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t.Path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	t.Columns = header
	t.Kinds = make([]MatchKind, len(header))
	for name, k := range kinds {
		// A match_type naming a column the file lacks is ignored, as
		// Splunk does (four ESCU definitions have one).
		if i := slices.Index(header, name); i >= 0 {
			t.Kinds[i] = k
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.Path, err)
		}
		t.Rows = append(t.Rows, rec)
	}
	return nil
}

// Cell returns column c of row r; ok is false for an empty or missing cell
// (null).
func (t *Table) Cell(r, c int) (string, bool) {
	row := t.Rows[r]
	if c >= len(row) || row[c] == "" {
		return "", false
	}
	return row[c], true
}

// Matcher matches input values against the table on a fixed set of input
// Columns. It is built once per plan and is read-only afterwards.
type Matcher struct {
	t    *Table
	cols []int // table columns of the inputs, in clause order
	// When every input is exact, index maps their joined key to the rows
	// holding it, in file order; otherwise rows are scanned.
	allExact bool
	index    map[string][]int32
	// globs[k] holds, for a wildcard input k, one compiled pattern per row.
	globs    [][]func(string) bool
	prefixes [][]netip.Prefix // per CIDR input, per row; invalid: zero
}

func (t *Table) Matcher(cols []int) *Matcher {
	m := &Matcher{t: t, cols: cols, allExact: true}
	m.globs = make([][]func(string) bool, len(cols))
	m.prefixes = make([][]netip.Prefix, len(cols))
	for k, c := range cols {
		switch t.Kinds[c] {
		case MatchWildcard:
			m.allExact = false
			m.globs[k] = make([]func(string) bool, len(t.Rows))
			for r := range t.Rows {
				if s, ok := t.Cell(r, c); ok {
					m.globs[k][r] = compileGlob(s, t.CaseSensitive)
				}
			}
		case MatchCIDR:
			m.allExact = false
			m.prefixes[k] = make([]netip.Prefix, len(t.Rows))
			for r := range t.Rows {
				s, _ := t.Cell(r, c)
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
		for r := range t.Rows {
			key = key[:0]
			ok := true
			for _, c := range cols {
				s, present := t.Cell(r, c)
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
// is case-insensitive; see value.AppendKeyPart).
func (m *Matcher) appendKey(key []byte, s string) []byte {
	if !m.t.CaseSensitive {
		s = strings.ToLower(s)
	}
	return value.AppendKeyPart(key, s)
}

// Match appends to dst the rows matching vals (one value per input), in
// file order, at most max (0: unlimited). key is scratch space.
func (m *Matcher) Match(vals []string, dst []int32, key []byte, max int) ([]int32, []byte) {
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
	for r := range m.t.Rows {
		for k, c := range m.cols {
			v := vals[k]
			switch m.t.Kinds[c] {
			case MatchWildcard:
				g := m.globs[k][r]
				if g == nil || !g(v) {
					continue rows
				}
			case MatchCIDR:
				p := m.prefixes[k][r]
				a, err := netip.ParseAddr(v)
				if !p.IsValid() || err != nil || !p.Contains(a) {
					continue rows
				}
			default:
				s, ok := m.t.Cell(r, c)
				if !ok || !(s == v || !m.t.CaseSensitive && strings.EqualFold(s, v)) {
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

// compileGlob compiles a WILDCARD pattern: '*' is any run of
// characters; case follows case_sensitive_match. The case-insensitive form
// is the search command's glob; the case-sensitive one is a plain segment
// walk.
func compileGlob(pattern string, caseSensitive bool) func(string) bool {
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
