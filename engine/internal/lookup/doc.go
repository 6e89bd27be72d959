// Package lookup reads and indexes lookup tables: ESCU-style folders of *.yml definitions
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
//
// It owns finding a table by the name a search uses (Find), listing the
// definitions of the lookup folders by the same rules (List, behind
// engine.Engine.Lookups, which the REPL's .lookups uses), and matching
// input values against a table's rows (Table.Matcher, Matcher.Match). How
// a `lookup` or `inputlookup` command plans its fields and turns matches
// into columns is the engine's (engine/lookup.go).
//
// Imports: engine/internal/value (the case-insensitive glob and composite
// keys), yaml for the definitions, and the standard library. It must not
// import spl, datamodel or the engine: it knows files and rows, not
// searches.
package lookup
