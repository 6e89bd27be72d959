package macros

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

const seed = "| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= \"*\\\\SYSTEM\\\\Remote Manipulator System*\" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | `drop_dm_object_name(Registry)` | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_remote_access_software_rms_registry_filter`"

const seedExpanded = "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Registry where Registry.registry_path= \"*\\\\SYSTEM\\\\Remote Manipulator System*\" by Registry.registry_key_name Registry.user Registry.registry_path Registry.registry_value_data Registry.action Registry.dest | rename \"Registry.*\" as * | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(lastTime) | search *"

func TestExpandSeed(t *testing.T) {
	x, err := Default().Expand(seed)
	if err != nil {
		t.Fatalf("Expand(seed): %v", err)
	}
	if x.Text != seedExpanded {
		t.Errorf("Expand(seed) =\n%s\nwant\n%s", x.Text, seedExpanded)
	}
	if x.Original != seed {
		t.Errorf("Original = %q, want the input", x.Original)
	}
}

// testLibrary builds a library from conf text.
func testLibrary(t testing.TB, conf string) *Library {
	t.Helper()
	ms, err := parseConf("test.conf", []byte(conf))
	if err != nil {
		t.Fatalf("parseConf: %v", err)
	}
	l := Default()
	for _, m := range ms {
		if err := l.Add(m); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

const testConf = `
[a]
definition = A` + "`b`" + `A

[b]
definition = B

[one(1)]
args = x
definition = <$x$>

[two(2)]
args = a, b
definition = [$a$|$b$]

[dollar(1)]
args = x
definition = $x$-$x$ $y$ $$ $x

[call(1)]
args = m
definition = ` + "`$m$`" + `

[quoted]
definition = eval x=replace(y, "` + "`" + `", "") ` + "`b`" + `

[comment(1)]
args = text
definition = ""
iseval = true

[lit]
definition = "a\"b\\c\d"
iseval = true

[evalexpr]
definition = if(1>0, "x", "y")
iseval = true

[defined_filter]
definition = search user=admin

[empty]
definition =

[multi(1)]
args = f
definition = one \
two $f$
`

func TestExpand(t *testing.T) {
	l := testLibrary(t, testConf)
	tests := []struct {
		name, in, want string
	}{
		{"no macros", `search a="b" | stats count`, `search a="b" | stats count`},
		{"empty text", "", ""},
		{"simple", "x `b` y", "x B y"},
		{"nested", "x `a` y", "x ABA y"},
		{"adjacent calls", "`b``b`", "BB"},
		{"argument", "`one(v)`", "<v>"},
		{"argument trimmed", "`one(  v w  )`", "<v w>"},
		{"blank around name", "` b `", "B"},
		{"empty parens is no argument", "`b()`", "B"},
		{"quoted argument with comma", "`two(\"x,y\", z)`", "[x,y|z]"},
		{"quotes stripped", "`drop_dm_object_name(\"Web\")`", `rename "Web.*" as *`},
		{"inner quotes kept", "`one(\"a\" OR \"b\")`", `<"a" OR "b">`},
		{"escaped quote kept", "`one(\"a\\\"b\")`", `<a\"b>`},
		{"backslash-quoted argument kept", "`drop_dm_object_name(\\\"Authentication\\\")`", `rename "\"Authentication\".*" as *`},
		{"parenthesised comma", "`two(f(x, y), z)`", "[f(x, y)|z]"},
		{"empty arguments", "`two(,)`", "[|]"},
		{"named arguments", "`two(b=2, a=1)`", "[1|2]"},
		{"named arguments with quotes", "`two(b=\"x,y\", a=1)`", "[1|x,y]"},
		{"mixed named and positional", "`two(a=1, 2)`", "[a=1|2]"},
		{"unknown names are positional", "`two(x=1, y=2)`", "[x=1|y=2]"},
		{"repeated name is positional", "`two(a=1, a=2)`", "[a=1|a=2]"},
		{"arg inside quotes replaced", "`drop_dm_object_name(Registry)`", `rename "Registry.*" as *`},
		{"dollar forms", "`dollar(v)`", "v-v $y$ $$ $x"},
		{"value not substituted again", "`dollar($x$)`", "$x$-$x$ $y$ $$ $x"},
		{"call built from argument", "`call(a)`", "ABA"},
		{"backticks in quotes untouched", "search \"a`b`c\" `b`", "search \"a`b`c\" B"},
		{"escaped quote does not end string", "search \"x\\\"`b`\" `b`", "search \"x\\\"`b`\" B"},
		{"escaped backslash ends string", "search \"x\\\\\" `b`", "search \"x\\\\\" B"},
		{"escaped quote outside string", "search \\\"`b`\\\"", "search \\\"B\\\""},
		{"backtick in quoted definition", "`quoted`", "eval x=replace(y, \"`\", \"\") B"},
		{"filter fallback", "x | `my_detection_filter`", "x | search *"},
		{"filter fallback with parens", "x | `my_detection_filter()`", "x | search *"},
		{"defined filter", "x | `defined_filter`", "x | search user=admin"},
		{"iseval empty string", "x `comment(\"a, b\")` y", "x  y"},
		{"iseval literal", "`lit`", `a"b\c\d`},
		{"empty definition", "x`empty`y", "xy"},
		{"multi-line definition", "`multi(z)`", "one \ntwo z"},
		{"multi-line original", "a\n| `b`\n| `one(1)`", "a\n| B\n| <1>"},
		{"unicode around call", "é `b` ü", "é B ü"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := l.Expand(tt.in)
			if err != nil {
				t.Fatalf("Expand(%q): %v", tt.in, err)
			}
			if x.Text != tt.want {
				t.Errorf("Expand(%q) = %q, want %q", tt.in, x.Text, tt.want)
			}
			checkLiteralMap(t, x)
		})
	}
}

// checkLiteralMap checks that every byte of Text that Origin maps to a
// one-byte span of Original (not a macro) is that same byte.
func checkLiteralMap(t *testing.T, x *Expansion) {
	t.Helper()
	for off := 0; off < len(x.Text); off++ {
		span, chain := x.Origin(off)
		if chain != nil {
			if x.Original[span.Start] != '`' || x.Original[span.End-1] != '`' {
				t.Errorf("Origin(%d) = %v, not a backtick call in %q", off, span, x.Original)
			}
			continue
		}
		if span.End != span.Start+1 || x.Original[span.Start] != x.Text[off] {
			t.Fatalf("Origin(%d) = %v: Text byte %q, Original byte %q", off, span, x.Text[off], x.Original[span.Start])
		}
	}
}

func TestExpandErrors(t *testing.T) {
	l := testLibrary(t, testConf+`
[cyc_a]
definition = x `+"`cyc_b`"+`

[cyc_b]
definition = `+"`cyc_a`"+`

[self]
definition = `+"`self`"+`

[outer]
definition = pre `+"`inner(1)`"+`

[inner(1)]
args = v
definition = `+"`nope($v$)`"+`

[open]
definition = a `+"`b"+`

[foo(1)]
args = x
definition = $x$
`)
	tests := []struct {
		name, in, want string
	}{
		{"undefined", "search `foo` x",
			"1:8: macro 'foo' cannot be found (no definition for foo with 0 arguments; defined: foo(1))\n" +
				"  | search `foo` x\n" +
				"  |        ^~~~~"},
		{"undefined unknown name", "x\n| `nosuch(1, 2)`",
			"2:3: macro 'nosuch' cannot be found (no definition for nosuch with 2 arguments)\n" +
				"  | | `nosuch(1, 2)`\n" +
				"  |   ^~~~~~~~~~~~~~"},
		{"wrong arity", "`two(1)`",
			"1:1: macro 'two' cannot be found (no definition for two with 1 argument; defined: two(2))\n" +
				"  | `two(1)`\n" +
				"  | ^~~~~~~~"},
		{"filter with arguments is not the fallback", "`x_filter(1)`",
			"1:1: macro 'x_filter' cannot be found (no definition for x_filter with 1 argument)\n" +
				"  | `x_filter(1)`\n" +
				"  | ^~~~~~~~~~~~~"},
		{"undefined in nested definition", "a | `outer` | b",
			"1:5: macro 'nope' cannot be found (no definition for nope with 1 argument)\n" +
				"  | a | `outer` | b\n" +
				"  |     ^~~~~~~\n" +
				"  note: in expansion of `outer` -> `inner` (inner(1) defined at test.conf:63)"},
		{"cycle", "s `cyc_a`",
			"1:3: macro cycle: `cyc_a` -> `cyc_b` -> `cyc_a`\n" +
				"  | s `cyc_a`\n" +
				"  |   ^~~~~~~\n" +
				"  note: in expansion of `cyc_a` -> `cyc_b` (cyc_b defined at test.conf:54)"},
		{"self cycle", "`self`",
			"1:1: macro cycle: `self` -> `self`\n" +
				"  | `self`\n" +
				"  | ^~~~~~\n" +
				"  note: in expansion of `self` (self defined at test.conf:57)"},
		{"unterminated", "search `foo x",
			"1:8: unterminated macro call: missing closing '`'\n" +
				"  | search `foo x\n" +
				"  |        ^"},
		{"unterminated in definition", "x `open`",
			"1:3: unterminated macro call: missing closing '`'\n" +
				"  | x `open`\n" +
				"  |   ^~~~~~\n" +
				"  note: in expansion of `open` (open defined at test.conf:67)"},
		{"empty call", "x `` y",
			"1:3: invalid macro call ``: no macro name\n" +
				"  | x `` y\n" +
				"  |   ^~"},
		{"bad name", "`a b`",
			"1:1: invalid macro call `a b`: \"a b\" is not a macro name (letters, digits, '_' and '-')\n" +
				"  | `a b`\n" +
				"  | ^~~~~"},
		{"missing paren", "`one(x`",
			"1:1: invalid macro call `one(x`: missing ')' after the arguments\n" +
				"  | `one(x`\n" +
				"  | ^~~~~~~"},
		{"iseval expression", "`evalexpr`",
			"1:1: iseval macros are not supported: the definition of evalexpr (test.conf:36) is not a string literal\n" +
				"  | `evalexpr`\n" +
				"  | ^~~~~~~~~~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := l.Expand(tt.in)
			if err == nil {
				t.Fatalf("Expand(%q) = %q, want an error", tt.in, x.Text)
			}
			var se *spl.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is a %T, want *spl.Error", err, err)
			}
			if se.Text != tt.in {
				t.Errorf("error Text = %q, want the original %q", se.Text, tt.in)
			}
			if got := se.Format(); got != tt.want {
				t.Errorf("Format() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestExpandLimits(t *testing.T) {
	// depth: m0 -> m1 -> ... -> m59, no cycle.
	var conf strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&conf, "[m%d]\ndefinition = `m%d`\n", i, i+1)
	}
	conf.WriteString("[m60]\ndefinition = end\n")
	// size: d0 doubles d1 ... 17 levels of 64 bytes give 8 MiB.
	for i := 0; i < 17; i++ {
		fmt.Fprintf(&conf, "[d%d]\ndefinition = `d%d``d%d`\n", i, i+1, i+1)
	}
	conf.WriteString("[d17]\ndefinition = " + strings.Repeat("x", 64) + "\n")
	// work: arguments that double at each level but expand to nothing.
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&conf, "[w%d(1)]\nargs = v\ndefinition = `comment($v$)` `w%d($v$$v$)`\n", i, i+1)
	}
	conf.WriteString("[w40(1)]\nargs = v\ndefinition = x\n")
	// work: 2^11 calls of 64 KiB definitions that expand to nothing.
	for i := 0; i < 11; i++ {
		fmt.Fprintf(&conf, "[p%d]\ndefinition = `p%d``p%d`\n", i, i+1, i+1)
	}
	conf.WriteString("[p11]\ndefinition = `comment(" + strings.Repeat("y", 64<<10) + ")`\n")
	conf.WriteString("[comment(1)]\nargs = text\ndefinition = \"\"\niseval = true\n")
	l := testLibrary(t, conf.String())

	tests := []struct {
		name, in, want string
	}{
		{"depth", "`m0`", "1:1: macro calls nested more than 50 levels deep: `m0` -> `m1` -> `m2` -> ... -> `m48` -> `m49` -> `m50`"},
		{"size", "x `d0`", "1:3: macro expansion exceeds the size limit of 4194304 bytes (4 MiB)"},
		{"definition size", "`w0(abcdefgh)`", "1:1: macro expansion exceeds the size limit of 4194304 bytes (4 MiB)"},
		{"work", "`p0`", "1:1: macro expansion exceeds the work limit of 67108864 bytes of expanded definitions (64 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := l.Expand(tt.in)
			if err == nil {
				t.Fatalf("Expand(%q) gave %d bytes, want an error", tt.in, len(x.Text))
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
	x, err := l.Expand("`m40`")
	if err != nil || x.Text != "end" {
		t.Errorf("Expand(`m40`) (21 levels) = %v, %v; want end", x, err)
	}
	x, err = l.Expand("`d3`")
	if err != nil || x.Text != strings.Repeat("x", 1<<20) || len(x.segs) != 1 {
		t.Errorf("Expand(`d3`) = %v; want 2^20 x in one source-map segment", err)
	}
}

func TestOrigin(t *testing.T) {
	x, err := Default().Expand(seed)
	if err != nil {
		t.Fatal(err)
	}
	checkLiteralMap(t, x)
	call := func(s string) spl.Span {
		i := strings.Index(seed, s)
		return spl.Span{Start: i, End: i + len(s)}
	}
	at := func(s string) int { return strings.Index(x.Text, s) }
	tests := []struct {
		name      string
		off       int
		wantSpan  spl.Span
		wantChain []string
	}{
		{"first byte", 0, spl.Span{Start: 0, End: 1}, nil},
		{"summariesonly=", at("summariesonly="), call("`security_content_summariesonly`"), []string{"security_content_summariesonly"}},
		{"false", at("false"), call("`security_content_summariesonly`"), []string{"security_content_summariesonly", "summariesonly_config"}},
		{"null", at("=null") + 1, call("`security_content_summariesonly`"), []string{"security_content_summariesonly", "fillnull_config"}},
		{"count after macro", at(" count"), spl.Span{Start: call(" count").Start, End: call(" count").Start + 1}, nil},
		{"rename", at("rename"), call("`drop_dm_object_name(Registry)`"), []string{"drop_dm_object_name"}},
		{"second ctime", at("ctime(lastTime)"), call("`security_content_ctime(lastTime)`"), []string{"security_content_ctime"}},
		{"filter", at("search *"), call("`windows_remote_access_software_rms_registry_filter`"), []string{"windows_remote_access_software_rms_registry_filter"}},
		{"end of text", len(x.Text), call("`windows_remote_access_software_rms_registry_filter`"), []string{"windows_remote_access_software_rms_registry_filter"}},
		{"negative", -5, spl.Span{Start: 0, End: 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span, chain := x.Origin(tt.off)
			if span != tt.wantSpan || !reflect.DeepEqual(chain, tt.wantChain) {
				t.Errorf("Origin(%d) = %v %q, want %v %q", tt.off, span, chain, tt.wantSpan, tt.wantChain)
			}
		})
	}

	// Without macros, and at the end of plain text.
	y, err := Default().Expand("abc")
	if err != nil {
		t.Fatal(err)
	}
	if span, chain := y.Origin(3); span != (spl.Span{Start: 3, End: 3}) || chain != nil {
		t.Errorf("Origin(end of plain text) = %v %q, want 3:3", span, chain)
	}
	e, err := testLibrary(t, testConf).Expand("`empty`")
	if err != nil {
		t.Fatal(err)
	}
	if span, chain := e.Origin(0); span != (spl.Span{Start: 0, End: 7}) || chain != nil || e.Text != "" {
		t.Errorf("Origin(0) of an empty expansion = %v %q, want the whole original 0:7", span, chain)
	}
	z, err := Default().Expand("`summariesonly_config` x")
	if err != nil {
		t.Fatal(err)
	}
	if span, chain := z.Origin(len(z.Text)); span != (spl.Span{Start: 24, End: 24}) || chain != nil {
		t.Errorf("Origin(end after literal) = %v %q, want 24:24", span, chain)
	}
}

func TestRelocate(t *testing.T) {
	x, err := Default().Expand(seed)
	if err != nil {
		t.Fatal(err)
	}
	in := func(s string) spl.Span {
		i := strings.Index(x.Text, s)
		return spl.Span{Start: i, End: i + len(s)}
	}
	orig := func(s string) spl.Span {
		i := strings.Index(seed, s)
		return spl.Span{Start: i, End: i + len(s)}
	}
	sumCall := orig("`security_content_summariesonly`")
	tests := []struct {
		name      string
		pos       spl.Span
		wantPos   spl.Span
		wantNotes []string
	}{
		{"literal token", in("tstats"), orig("tstats"), nil},
		{"literal empty span", spl.Span{Start: 2, End: 2}, spl.Span{Start: 2, End: 2}, nil},
		{"end of text", spl.Span{Start: len(x.Text), End: len(x.Text)}, orig("`windows_remote_access_software_rms_registry_filter`"),
			[]string{"in expansion of `windows_remote_access_software_rms_registry_filter`: \"search *\""}},
		{"inside nested macro", in("false"), sumCall,
			[]string{"in expansion of `security_content_summariesonly` -> `summariesonly_config`: \"summariesonly=false allow_old_summaries=true fill...\""}},
		{"span from literal into macro", spl.Span{Start: in("tstats").Start, End: in("summariesonly=").End}, spl.Span{Start: orig("tstats").Start, End: sumCall.End},
			[]string{"in expansion of `security_content_summariesonly`: \"summariesonly=false allow_old_summaries=true...\""}},
		{"span from macro into literal", spl.Span{Start: in("=null").Start, End: in(" count").End}, spl.Span{Start: sumCall.Start, End: orig(" count").End},
			[]string{"in expansion of `security_content_summariesonly`: \"..._summaries=true fillnull_value=null\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := spl.Errorf(x.Text, tt.pos, "unexpected thing")
			e.Notes = []string{"kept"}
			got := x.Relocate(e)
			var se *spl.Error
			if !errors.As(got, &se) {
				t.Fatalf("Relocate returned %T", got)
			}
			if se.Text != seed || se.Msg != "unexpected thing" || se.Pos != tt.wantPos {
				t.Errorf("Relocate = %v %q on %q..., want %v", se.Pos, se.Msg, se.Text[:min(20, len(se.Text))], tt.wantPos)
			}
			wantNotes := append([]string{"kept"}, tt.wantNotes...)
			if !reflect.DeepEqual(se.Notes, wantNotes) {
				t.Errorf("notes = %q, want %q", se.Notes, wantNotes)
			}
			if e.Text != x.Text || len(e.Notes) != 1 {
				t.Errorf("Relocate modified its argument")
			}
		})
	}

	// The rendered display puts the caret under the macro call.
	e := spl.Errorf(x.Text, in("fals"), `invalid value "false"`)
	got := x.Relocate(e).(*spl.Error).Format()
	want := "1:10: invalid value \"false\"\n" +
		"  | " + seed[:160] + "...\n" +
		"  |          ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n" +
		"  note: in expansion of `security_content_summariesonly` -> `summariesonly_config`: \"summariesonly=false allow_old_summaries=true fil...\""
	if got != want {
		t.Errorf("Format() =\n%s\nwant\n%s", got, want)
	}

	// Errors about other texts, and other error types, pass through.
	other := spl.Errorf("something else", spl.Span{Start: 1, End: 2}, "x")
	if got := x.Relocate(other); got != other {
		t.Errorf("Relocate(error on another text) = %v, want it unchanged", got)
	}
	plain := errors.New("plain")
	if got := x.Relocate(plain); got != plain {
		t.Errorf("Relocate(plain error) = %v, want it unchanged", got)
	}
	wrapped := fmt.Errorf("parse: %w", spl.Errorf(x.Text, in("tstats"), "bad"))
	if se, ok := x.Relocate(wrapped).(*spl.Error); !ok || se.Pos != orig("tstats") {
		t.Errorf("Relocate(wrapped) = %v, want the relocated *spl.Error", x.Relocate(wrapped))
	}
}

func BenchmarkExpandSeed(b *testing.B) { benchExpand(b, seed) }

func BenchmarkExpandNoMacros(b *testing.B) { benchExpand(b, seedExpanded) }

// benchExpand measures expanding text with the default library.
func benchExpand(b *testing.B, text string) {
	l := Default()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Expand(text); err != nil {
			b.Fatal(err)
		}
	}
}

func TestZeroLibrary(t *testing.T) {
	var l Library
	if _, err := l.Expand("`x_filter`"); err != nil {
		t.Fatalf("zero Library Expand: %v", err)
	}
	if err := l.Add(&Macro{Name: "m", Definition: "d"}); err != nil {
		t.Fatal(err)
	}
	if x, err := l.Expand("`m`"); err != nil || x.Text != "d" {
		t.Errorf("Expand(`m`) on a zero Library = %v, %v; want d", x, err)
	}
}

// FuzzExpand checks that Expand never panics, that its errors are
// positioned in the input, and that the source map of a successful
// expansion is exact for text copied from the input, with the test
// library and, when ../shared holds ESCU, with ESCU's macros over its
// detection searches as further seeds.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{seed, "`a`", "`two(\"x,y\", z)`", "\"`b`\" `b`", "`one(`", "`cyc`", "`dollar($x$)`", "x `comment(\"\")`", "`lit`"} {
		f.Add(s)
	}
	libs := []*Library{testLibrary(f, testConf+"[cyc]\ndefinition = `cyc`\n")}
	if dir, ok := escuShared(); ok {
		l := Default()
		if err := l.Load(filepath.Join(dir, "macros.jsonl")); err != nil {
			f.Fatal(err)
		}
		libs = append(libs, l)
		for _, s := range escuSearches(f, dir) {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, l := range libs {
			expandChecked(t, l, in)
		}
	})
}

// expandChecked expands in with l and checks FuzzExpand's properties.
func expandChecked(t *testing.T, l *Library, in string) {
	t.Helper()
	x, err := l.Expand(in)
	if err != nil {
		var se *spl.Error
		if !errors.As(err, &se) {
			t.Fatalf("error %v is a %T, want *spl.Error", err, err)
		}
		if se.Text != in || se.Pos.Start < 0 || se.Pos.End > len(in) || se.Pos.Start > se.Pos.End {
			t.Fatalf("error %v positioned at %v outside the %d-byte input", err, se.Pos, len(in))
		}
		return
	}
	checkLiteralMap(t, x)
	if r := x.Relocate(spl.Errorf(x.Text, spl.Span{Start: 0, End: len(x.Text)}, "whole")); r.(*spl.Error).Text != in {
		t.Fatalf("Relocate did not move the error onto the input")
	}
}

// TestManyChains covers the interning of more distinct chains than the
// linear table holds, calling each macro twice.
func TestManyChains(t *testing.T) {
	var conf, in, want strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&conf, "[n%d]\ndefinition = <`b`>\n", i)
	}
	for rep := 0; rep < 2; rep++ {
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&in, "`n%d`.", i)
			want.WriteString("<B>.")
		}
	}
	conf.WriteString("[b]\ndefinition = B\n")
	l := testLibrary(t, conf.String())
	x, err := l.Expand(in.String())
	if err != nil {
		t.Fatal(err)
	}
	if x.Text != want.String() {
		t.Fatalf("Expand = %q, want %q", x.Text, want.String())
	}
	checkLiteralMap(t, x)
	for k := 0; k < 80; k++ {
		i := k % 40
		callText := fmt.Sprintf("`n%d`", i)
		callStart := strings.Index(in.String()[k/40*len(in.String())/2:], callText) + k/40*len(in.String())/2
		wantSpan := spl.Span{Start: callStart, End: callStart + len(callText)}
		for off, wantChain := range map[int][]string{
			4 * k:   {fmt.Sprintf("n%d", i)},
			4*k + 1: {fmt.Sprintf("n%d", i), "b"},
			4*k + 2: {fmt.Sprintf("n%d", i)},
		} {
			span, chain := x.Origin(off)
			if span != wantSpan || !reflect.DeepEqual(chain, wantChain) {
				t.Errorf("Origin(%d) = %v %q, want %v %q", off, span, chain, wantSpan, wantChain)
			}
		}
	}
}

// TestExpandComments: a ``` comment ``` is removed, with the | and
// backticks it holds; the rest keeps its place in the source map; an
// unterminated one is a positioned error.
func TestExpandComments(t *testing.T) {
	l := New()
	x, err := l.Expand("search a ``` drop | `x` here ``` | stats count")
	if err != nil {
		t.Fatal(err)
	}
	if want := "search a  | stats count"; x.Text != want {
		t.Errorf("Text %q, want %q", x.Text, want)
	}
	if _, err := l.Expand("search a ``` open"); err == nil || !strings.Contains(err.Error(), "unterminated comment") {
		t.Errorf("unterminated comment: error %v", err)
	}
}
