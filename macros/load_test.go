package macros

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustLoad(t *testing.T, l *Library, path string) {
	t.Helper()
	if err := l.Load(path); err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
}

// lookupWant is a macro Lookup(name, nargs) must return.
type lookupWant struct {
	name  string
	nargs int
	want  Macro
}

// checkLookups looks each macro of tests up in l and compares it whole.
func checkLookups(t *testing.T, l *Library, tests []lookupWant) {
	t.Helper()
	for _, tt := range tests {
		got, ok := l.Lookup(tt.name, tt.nargs)
		if !ok {
			t.Errorf("Lookup(%q, %d): not found", tt.name, tt.nargs)
			continue
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("Lookup(%q, %d) =\n%#v\nwant\n%#v", tt.name, tt.nargs, *got, tt.want)
		}
	}
}

// writeCase writes text to a file of dir named after the test case (spaces
// as underscores) with extension ext, and returns its path.
func writeCase(t *testing.T, dir, name, ext, text string) string {
	t.Helper()
	path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+ext)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConf(t *testing.T) {
	l := New()
	path := filepath.Join("testdata", "basic.conf")
	mustLoad(t, l, path)
	tests := []lookupWant{
		{"foobar", 0, Macro{Name: "foobar", Definition: "index=main", Description: "no arguments", Origin: path + ":4"}},
		{"foobar", 1, Macro{Name: "foobar", Args: []string{"foo"}, Definition: "index=main sourcetype=$foo$", Origin: path + ":8"}},
		{"foobar", 2, Macro{Name: "foobar", Args: []string{"foo", "bar"}, Definition: "sourcetype=$foo$ \n| head $bar$", Origin: path + ":12"}},
		{"comment", 1, Macro{Name: "comment", Args: []string{"text"}, Definition: `""`, IsEval: true, Origin: path + ":20"}},
		{"empty_def", 0, Macro{Name: "empty_def", Origin: path + ":25"}},
	}
	checkLookups(t, l, tests)
	if _, ok := l.Lookup("foobar", 3); ok {
		t.Errorf("Lookup(foobar, 3) found a macro that was never defined")
	}
	if got, want := l.Len(), len(tests); got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
}

func TestLoadConfErrors(t *testing.T) {
	tests := []struct {
		name, conf, want string
	}{
		{"setting outside stanza", "definition = x\n", `:1: setting "definition" outside a [stanza]`},
		{"no equals", "[a]\ndefinition = x\njust words\n", `:3: expected ` + "`key = value`"},
		{"unclosed header", "# c\n[a\n", `:2: stanza header "[a" is missing its closing ']'`},
		{"bad arity", "[a(x)]\ndefinition = y\n", `:1: invalid stanza name [a(x)]: argument count "x" is not a number`},
		{"bad name", "[a b]\ndefinition = y\n", `:1: invalid stanza name [a b]`},
		{"no definition", "[a]\ndescription = d\n", `:1: stanza [a] has no definition`},
		{"no args", "\n[a(1)]\ndefinition = $x$\n", `:2: stanza [a(1)] takes 1 argument(s) but has no args setting`},
		{"args count", "[a(2)]\nargs = x\ndefinition = $x$\n", `:2: stanza [a(2)] takes 2 argument(s) but args lists 1: "x"`},
		{"dup arg", "[a(2)]\nargs = x, x\ndefinition = $x$\n", `:1: macro a(2): argument "x" listed twice`},
		{"bad arg name", "[a(1)]\nargs = x y\ndefinition = $x$\n", `:1: macro a(1): invalid argument name "x y"`},
		{"unknown key", "[a]\ndefintion = x\n", `:2: unknown setting "defintion"`},
		{"bad iseval", "[a]\ndefinition = x\niseval = maybe\n", `:3: stanza [a]: iseval: "maybe" is not a boolean`},
		{"continuation at eof", "[a]\ndefinition = x \\", `:2: line continuation '\' at end of file`},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCase(t, dir, tt.name, ".conf", tt.conf)
			l := New()
			err := l.Load(path)
			if err == nil {
				t.Fatalf("Load succeeded, want error containing %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), path+":") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want %q prefixed by the file name", err, tt.want)
			}
			if l.Len() != 0 {
				t.Errorf("a failed Load added %d macros", l.Len())
			}
		})
	}
}

func TestLoadConfForms(t *testing.T) {
	tests := []struct {
		name, conf string
		key        string
		nargs      int
		want       string // definition, or "" with absent set
		absent     bool
	}{
		{"crlf and bom", "\xef\xbb\xbf[a]\r\ndefinition = x y \r\n", "a", 0, "x y", false},
		{"continuation keeps line break", "[a]\ndefinition = one\\\n  two\\\nthree\n", "a", 0, "one\n  two\nthree", false},
		{"comment inside continuation is text", "[a]\ndefinition = x \\\n# not a comment\n", "a", 0, "x \n# not a comment", false},
		{"hash mid-line is text", "[a]\ndefinition = x # y\n", "a", 0, "x # y", false},
		{"repeated stanza merges", "[a]\ndefinition = x\ndescription = d\n[b]\ndefinition = y\n[a]\ndefinition = z\n", "a", 0, "z", false},
		{"default stanza ignored", "[default]\ndefinition = ignored\n[a]\ndefinition = x\n", "default", 0, "", true},
		{"disabled stanza skipped", "[a]\ndefinition = x\ndisabled = true\n", "a", 0, "", true},
		{"args ignored without arity", "[a]\nargs = x\ndefinition = $x$\n", "a", 0, "$x$", false},
		{"equals in value", "[a]\ndefinition = x=1 y==2\n", "a", 0, "x=1 y==2", false},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCase(t, dir, tt.name, ".conf", tt.conf)
			l := New()
			mustLoad(t, l, path)
			m, ok := l.Lookup(tt.key, tt.nargs)
			if tt.absent {
				if ok {
					t.Fatalf("Lookup(%q) found %#v, want no macro", tt.key, m)
				}
				return
			}
			if !ok {
				t.Fatalf("Lookup(%q): not found", tt.key)
			}
			if m.Definition != tt.want {
				t.Errorf("definition = %q, want %q", m.Definition, tt.want)
			}
		})
	}
}

func TestLoadJSONL(t *testing.T) {
	l := Default()
	path := filepath.Join("testdata", "good.jsonl")
	mustLoad(t, l, path)
	tests := []lookupWant{
		{"sysmon", 0, Macro{Name: "sysmon", Definition: "sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", Description: "sysmon events", Origin: path + ":1"}},
		{"security_content_ctime", 1, Macro{Name: "security_content_ctime", Args: []string{"field"}, Definition: `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)`, Description: "convert epoch time to string", Origin: path + ":3"}},
		// Overrides the built-in definition.
		{"summariesonly_config", 0, Macro{Name: "summariesonly_config", Definition: "true", Description: "override", Origin: path + ":4"}},
	}
	checkLookups(t, l, tests)
}

func TestLoadYAMLDir(t *testing.T) {
	l := New()
	dir := filepath.Join("testdata", "dir")
	mustLoad(t, l, dir)
	tests := []struct {
		name   string
		nargs  int
		def    string
		origin string
	}{
		// c_override.conf comes after a_process_cmd.yml and wins.
		{"process_cmd", 0, "(Processes.process_name=cmd.exe)", filepath.Join(dir, "c_override.conf") + ":1"},
		{"summariesonly_config", 0, "false", filepath.Join(dir, "b_config.yaml") + ":1"},
		{"base64decode", 1, `eval b64x_split=split($b64in$,"")`, filepath.Join(dir, "b_config.yaml") + ":5"},
	}
	for _, tt := range tests {
		m, ok := l.Lookup(tt.name, tt.nargs)
		if !ok {
			t.Errorf("Lookup(%q, %d): not found", tt.name, tt.nargs)
			continue
		}
		if m.Definition != tt.def || m.Origin != tt.origin {
			t.Errorf("Lookup(%q, %d) = (%q, %q), want (%q, %q)", tt.name, tt.nargs, m.Definition, m.Origin, tt.def, tt.origin)
		}
	}
	if l.Len() != 3 {
		t.Errorf("Len() = %d, want 3 (README.md skipped)", l.Len())
	}

	// Loading the YAML file alone gives its own definition.
	l2 := New()
	mustLoad(t, l2, filepath.Join(dir, "a_process_cmd.yml"))
	m, _ := l2.Lookup("process_cmd", 0)
	if m == nil || m.Description != "matches the process with its original file name" ||
		m.Definition != "(Processes.process_name=cmd.exe OR Processes.original_file_name=Cmd.Exe)" {
		t.Errorf("process_cmd from YAML = %#v", m)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"yaml syntax", "a.yml", "name: a\ndefinition: x\n  bad: y\n", ".yml:3: mapping values are not allowed"},
		{"yaml duplicate key", "a.yml", "name: a\ndefinition: x\nname: b\n", `.yml:3: key "name" repeated (first at line 1)`},
		{"yaml no name", "a.yml", "definition: x\n", ".yml:1: macro has no name"},
		{"yaml no definition", "a.yml", "\nname: a\n", ".yml:2: macro a has no definition"},
		{"yaml not a mapping", "a.yml", "- a\n", ".yml:1: a macro file holds a mapping"},
		{"yaml definition list", "a.yml", "name: a\ndefinition:\n  - x\n", ".yml:3: definition must be a string"},
		{"yaml arguments scalar", "a.yml", "name: a\ndefinition: x\narguments: b\n", ".yml:3: arguments must be a list of names"},
		{"yaml bad name", "a.yml", "name: a b\ndefinition: x\n", `.yml:1: invalid macro name "a b"`},
		{"yaml empty", "a.yaml", "# nothing\n", ".yaml: no macro defined"},
		{"jsonl syntax", "m.jsonl", `{"name":"a","definition":"x"}` + "\n{bad\n", ".jsonl:2: invalid JSON"},
		{"jsonl no name", "m.jsonl", `{"definition":"x"}`, ".jsonl:1: macro has no name"},
		{"jsonl no definition", "m.jsonl", "\n\n" + `{"name":"a"}`, ".jsonl:3: macro a has no definition"},
		{"jsonl dup args", "m.jsonl", `{"name":"a","definition":"x","arguments":["b","b"]}`, `.jsonl:1: macro a(2): argument "b" listed twice`},
		{"unknown extension", "m.txt", "x", "unknown file type"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(sub, tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, target := range []string{path, sub} {
				if target == sub && tt.file == "m.txt" {
					continue // a directory skips unknown files
				}
				l := New()
				err := l.Load(target)
				if err == nil {
					t.Fatalf("Load(%s) succeeded, want error containing %q", target, tt.want)
				}
				if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Load(%s) error = %q, want %q after the file name", target, err, tt.want)
				}
				if l.Len() != 0 {
					t.Errorf("a failed Load added %d macros", l.Len())
				}
			}
		})
	}
	if err := New().Load(filepath.Join(dir, "missing.conf")); err == nil || !strings.Contains(err.Error(), "missing.conf") {
		t.Errorf("Load(missing) error = %v, want one naming the file", err)
	}
}

func TestLoadOverrideOrder(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.conf")
	second := filepath.Join(dir, "second.jsonl")
	if err := os.WriteFile(first, []byte("[m]\ndefinition = one\n[m(1)]\nargs = a\ndefinition = one $a$\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, []byte(`{"name":"m","definition":"two"}`+"\n"+`{"name":"m","definition":"three"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := New()
	mustLoad(t, l, first)
	mustLoad(t, l, second)
	if m, _ := l.Lookup("m", 0); m == nil || m.Definition != "three" || m.Origin != second+":2" {
		t.Errorf("m = %#v, want the last definition (three, %s:2)", m, second)
	}
	if m, _ := l.Lookup("m", 1); m == nil || m.Definition != "one $a$" {
		t.Errorf("m(1) = %#v, want the untouched one-argument overload", m)
	}
	if l.Len() != 2 {
		t.Errorf("Len() = %d, want 2", l.Len())
	}
}

func TestDefault(t *testing.T) {
	l := Default()
	want := []struct {
		key, def string
		args     []string
	}{
		{"drop_dm_object_name(1)", `rename "$object$.*" as *`, []string{"object"}},
		{"fillnull_config", "null", nil},
		{"oldsummaries_config", "true", nil},
		{"powershell", `(source=WinEventLog:Microsoft-Windows-PowerShell/Operational OR source="XmlWinEventLog:Microsoft-Windows-PowerShell/Operational")`, nil},
		{"security_content_ctime(1)", `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)`, []string{"field"}},
		{"security_content_summariesonly", "summariesonly=`summariesonly_config` allow_old_summaries=`oldsummaries_config` fillnull_value=`fillnull_config`", nil},
		{"summariesonly_config", "false", nil},
		{"sysmon", "sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=Syslog:Linux-Sysmon/Operational", nil},
		{"wineventlog_application", `eventtype=wineventlog_application OR source="XmlWinEventLog:Application"`, nil},
		{"wineventlog_security", "eventtype=wineventlog_security OR Channel=security OR source=XmlWinEventLog:Security", nil},
		{"wineventlog_system", "eventtype=wineventlog_system", nil},
	}
	got := l.Macros()
	if len(got) != len(want) {
		t.Fatalf("Default has %d macros, want %d", len(got), len(want))
	}
	for i, w := range want {
		m := got[i]
		if m.Key() != w.key || m.Definition != w.def || !reflect.DeepEqual(m.Args, w.args) {
			t.Errorf("Macros()[%d] = %s %q %q, want %s %q %q", i, m.Key(), m.Definition, m.Args, w.key, w.def, w.args)
		}
		if m.Origin != "builtin" || m.Description == "" || m.IsEval {
			t.Errorf("%s: origin %q, description %q, iseval %v; want builtin, a description, false", m.Key(), m.Origin, m.Description, m.IsEval)
		}
	}
	// Each call is a fresh library.
	if err := l.Add(&Macro{Name: "extra", Definition: "x"}); err != nil {
		t.Fatal(err)
	}
	if Default().Len() != len(want) {
		t.Errorf("Default() shares state between calls")
	}
}

func TestMacrosSortedAndAdd(t *testing.T) {
	l := New()
	for _, m := range []*Macro{
		{Name: "b", Definition: "1"},
		{Name: "a", Args: []string{"x", "y"}, Definition: "2"},
		{Name: "a", Definition: "3"},
		{Name: "a", Args: []string{"x"}, Definition: "4"},
	} {
		if err := l.Add(m); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for _, m := range l.Macros() {
		keys = append(keys, m.Key())
	}
	if want := []string{"a", "a(1)", "a(2)", "b"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("Macros() keys = %q, want %q", keys, want)
	}
	for _, bad := range []*Macro{{Name: ""}, {Name: "a.b"}, {Name: "a", Args: []string{"$x"}}} {
		if err := l.Add(bad); err == nil {
			t.Errorf("Add(%#v) succeeded, want an error", bad)
		}
	}
	if l.Len() != 4 {
		t.Errorf("Len() = %d, want 4", l.Len())
	}
}

// FuzzParseConf checks that malformed macros.conf text gives errors naming
// the file, never a panic, and that every macro parsed is valid.
func FuzzParseConf(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "basic.conf"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add("[a(1)]\nargs = x\ndefinition = $x$ \\\n")
	f.Add("[default]\n[a]\ndefinition=\n")
	f.Fuzz(func(t *testing.T, conf string) {
		ms, err := parseConf("f.conf", []byte(conf))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.conf:") {
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		for _, m := range ms {
			if err := validateMacro(m); err != nil {
				t.Fatalf("parsed an invalid macro: %v", err)
			}
		}
	})
}

func TestKnownConfKey(t *testing.T) {
	for _, k := range strings.Split(confKeys, ", ") {
		if !knownConfKey(k) {
			t.Errorf("knownConfKey(%q) = false", k)
		}
	}
	for _, k := range []string{"", "arg", "rgs", "args, definition", "iseval ", "Definition", ","} {
		if knownConfKey(k) {
			t.Errorf("knownConfKey(%q) = true", k)
		}
	}
}
