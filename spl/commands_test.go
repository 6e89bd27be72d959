package spl

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestRegistryExamples(t *testing.T) {
	// Every registered command's example parses into the command's AST
	// type (its last stage), is in canonical form and round-trips.
	for _, c := range Commands() {
		if c.Help == "" || c.Usage == "" || c.expect == "" || c.Kind.String() == "unknown" {
			t.Errorf("%s: incomplete row %+v", c.Name, c)
		}
		if !strings.Contains(c.Usage, c.Name) {
			t.Errorf("%s: usage %q does not name the command", c.Name, c.Usage)
		}
		p, err := Parse(c.Example)
		if err != nil {
			t.Errorf("%s: example does not parse: %v", c.Name, err)
			continue
		}
		last := p.Commands[len(p.Commands)-1]
		if reflect.TypeOf(last) != reflect.TypeOf(c.node) {
			t.Errorf("%s: example ends in %T, want %T", c.Name, last, c.node)
		}
		if last.Name() != c.Name {
			t.Errorf("%s: example's command is named %q", c.Name, last.Name())
		}
		if got := p.String(); got != c.Example {
			t.Errorf("%s: example is not canonical:\nwritten: %s\nprinted: %s", c.Name, c.Example, got)
		}
		if msg := roundTrip(p); msg != "" {
			t.Errorf("%s: %s", c.Name, msg)
		}
		// Walk knows the node (it panics on an unknown one) and reaches the
		// command.
		reached := false
		Inspect(p, func(n Node) bool {
			reached = reached || n == Node(last)
			return true
		})
		if !reached {
			t.Errorf("%s: Inspect does not reach the command", c.Name)
		}
		// A generating command is the first stage; the others are not.
		if first := reflect.TypeOf(p.Commands[0]) == reflect.TypeOf(c.node); first != (c.Kind == Generating) {
			t.Errorf("%s (%s): example has it first = %v", c.Name, c.Kind, first)
		}
	}
}

func TestRegistryNamesNotGeneric(t *testing.T) {
	// A registered name never parses as a generic command, in any case,
	// whatever follows it: the grammar's generic-command lookahead comes
	// from the registry. An unregistered name does.
	for _, c := range Commands() {
		for _, name := range []string{c.Name, strings.ToUpper(c.Name)} {
			for _, args := range []string{"", " ,", " = = x"} {
				q := "| tstats count | " + name + args
				p, err := Parse(q)
				if err != nil {
					continue
				}
				if g, ok := p.Commands[1].(*Generic); ok {
					t.Errorf("%q parses as the generic command %q", q, g.CommandName)
				}
			}
		}
	}
	p, err := Parse("| tstats count | frobnicate a b")
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := p.Commands[1].(*Generic); !ok || g.CommandName != "frobnicate" || g.Args != "a b" {
		t.Errorf("frobnicate = %#v, want a Generic", p.Commands[1])
	}
}

// astCommandTypes returns the names of the types of the package's
// non-test files that have a command() method: the Command
// implementations.
func astCommandTypes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range pkgs["spl"].Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "command" || fd.Type.Params.NumFields() != 0 {
				continue
			}
			typ := fd.Recv.List[0].Type
			if st, ok := typ.(*ast.StarExpr); ok {
				typ = st.X
			}
			out = append(out, typ.(*ast.Ident).Name)
		}
	}
	sort.Strings(out)
	return out
}

func TestRegistryCoversAST(t *testing.T) {
	// Every AST command type is in the registry, except the two stages
	// that are not commands: a macro call and a generic command.
	inRegistry := map[string]bool{}
	for _, c := range registry {
		inRegistry[reflect.TypeOf(c.node).Elem().Name()] = true
	}
	types := astCommandTypes(t)
	if len(types) < 20 {
		t.Fatalf("found only %d command types: %v", len(types), types)
	}
	for _, name := range types {
		switch name {
		case "MacroCommand", "Generic":
			if inRegistry[name] {
				t.Errorf("%s is in the registry", name)
			}
		default:
			if !inRegistry[name] {
				t.Errorf("AST command type %s is not in the registry (commands.go)", name)
			}
		}
	}
}

func TestRegistryLookup(t *testing.T) {
	cs := Commands()
	if !slices.IsSortedFunc(cs, func(a, b CommandInfo) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Commands is not sorted")
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Name] || c.Name != strings.ToLower(c.Name) {
			t.Errorf("name %q repeated or not lower case", c.Name)
		}
		seen[c.Name] = true
	}
	if c, ok := LookupCommand("TStats"); !ok || c.Kind != Generating {
		t.Errorf("LookupCommand(TStats) = %+v, %v", c, ok)
	}
	if c, ok := LookupCommand("stats"); !ok || c.Kind != Blocking {
		t.Errorf("LookupCommand(stats) = %+v, %v", c, ok)
	}
	if _, ok := LookupCommand("frobnicate"); ok {
		t.Error("frobnicate is registered")
	}
	// Commands returns a copy.
	cs[0].Name = "changed"
	if Commands()[0].Name == "changed" {
		t.Error("Commands exposes the registry")
	}
}
