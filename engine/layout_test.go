package engine

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestInternalImports holds the engine and its internal packages to the
// dependency rules their package docs state: every arrow points toward
// value, none back up to the engine, no internal package reaches
// datamodel, and the engine reaches neither macros nor the packages above
// it (query, render, cmd).
func TestInternalImports(t *testing.T) {
	const mod = "github.com/minispl/minispl/"
	allowed := map[string][]string{
		".":      {"datamodel", "engine/internal/agg", "engine/internal/expr", "engine/internal/lookup", "engine/internal/pcre", "engine/internal/value", "spl", "spl/timemod"},
		"value":  nil,
		"pcre":   nil,
		"expr":   {"engine/internal/pcre", "engine/internal/value", "spl", "spl/timemod"},
		"agg":    {"engine/internal/value", "spl"},
		"lookup": {"engine/internal/value"},
	}
	for pkg, ok := range allowed {
		dir := filepath.Join("internal", pkg)
		if pkg == "." {
			dir = "."
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, e := range ents {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			seen++
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				if rest, own := strings.CutPrefix(p, mod); own && !slices.Contains(ok, rest) {
					t.Errorf("%s imports %s; its package may import only %v of this module", filepath.Join(dir, name), p, ok)
				}
			}
		}
		if seen == 0 {
			t.Errorf("%s: no Go files", dir)
		}
	}
}
