package main

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minispl/minispl/render"
)

// equivalenceScript holds the seed (continued over lines with '|', so that
// the REPL and script files read it alike), a count by action, an empty
// result and a syntax error.
var equivalenceScript = []struct{ name, text string }{
	{"seed", strings.Replace(strings.Replace(seedSearch, " | `drop_dm", " |\n  `drop_dm", 1), "| `security_content_ctime(firstTime)`", "|\n  `security_content_ctime(firstTime)`", 1)},
	{"count by action", "| tstats count from datamodel=Endpoint.Registry by Registry.action"},
	{"empty", noRows},
	{"error", "| tstats count frm datamodel=Endpoint.Registry"},
}

// TestScriptREPLOneByOne checks that `minispl repl < script`, `minispl run
// -f script` and one `minispl run 'SPL'` per search print the same result
// tables and errors, in every format.
func TestScriptREPLOneByOne(t *testing.T) {
	var file strings.Builder
	for _, s := range equivalenceScript {
		file.WriteString("# name: " + s.name + "\n" + s.text + "\n\n")
	}
	path := filepath.Join(t.TempDir(), "script.spl")
	if err := os.WriteFile(path, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(equivalenceScript[0].text, "|\n  `security_content_ctime(firstTime)`") {
		t.Fatal("the seed is not continued over lines")
	}
	for _, f := range render.Formats() {
		t.Run(string(f), func(t *testing.T) {
			base := []string{"--data", eventsFile, "--format", string(f)}
			var (
				wantScript, wantREPL strings.Builder
				errs                 []string
			)
			for i, s := range equivalenceScript {
				status, stdout, stderr := invoke(t, "", append(append([]string{"run"}, base...), s.text)...)
				wantStatus := exitOK
				switch s.name {
				case "error":
					wantStatus = exitError
					errs = append(errs, stderr)
				case "empty":
					wantStatus = exitNoResults
				}
				if status != wantStatus {
					t.Fatalf("run %s: status %d, stderr %s", s.name, status, stderr)
				}
				if s.name == "seed" && strings.Count(stdout, "2024-09-30T") < 20 {
					t.Fatalf("run seed printed %q, want the 10 rows", stdout)
				}
				wantREPL.WriteString(stdout)
				if f == render.FormatJSON {
					// Several searches as JSON: one stream, each row
					// naming its search.
					for _, line := range strings.SplitAfter(stdout, "\n") {
						if line != "" {
							wantScript.WriteString(`{"search_name":` + strconv.Quote(s.name) + "," + line[1:])
						}
					}
					continue
				}
				if i > 0 {
					wantScript.WriteString("\n")
				}
				wantScript.WriteString("# " + s.name + "\n" + stdout)
			}
			if len(errs) != 1 || !strings.HasPrefix(errs[0], "error: 1:16: unexpected \"frm\"") {
				t.Fatalf("one-by-one error %q", errs)
			}

			status, stdout, stderr := invoke(t, "", append(append([]string{"run"}, base...), "-f", path)...)
			if status != exitError {
				t.Errorf("run -f: status %d, want %d (one search fails)", status, exitError)
			}
			if stdout != wantScript.String() {
				t.Errorf("run -f printed\n%s\nwant\n%s", stdout, wantScript.String())
			}
			if want := "error: " + path + ":13:16: unexpected \"frm\""; !strings.Contains(stderr, want) {
				t.Errorf("run -f stderr %q does not hold %q", stderr, want)
			}

			status, stdout, stderr = invoke(t, file.String(), append([]string{"repl"}, base...)...)
			if status != exitOK {
				t.Errorf("repl: status %d", status)
			}
			if stdout != wantREPL.String() {
				t.Errorf("repl < script printed\n%s\nwant\n%s", stdout, wantREPL.String())
			}
			_, errLines, _ := strings.Cut(stderr, "\n") // after the ingest summary
			if errLines != errs[0] {
				t.Errorf("repl stderr after the summary %q, want the one-by-one error %q", errLines, errs[0])
			}
		})
	}
}

// dispatchedDotCommands returns the dot commands the REPL's dispatcher
// (repl.dot) handles, read from the source so that a new case cannot be
// missed.
func dispatchedDotCommands(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "repl.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "dot" {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok {
				return true
			}
			for _, e := range cc.List {
				if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, ".") {
						names = append(names, s)
					}
				}
			}
			return true
		})
	}
	if len(names) < 10 {
		t.Fatalf("found only %q in repl.dot", names)
	}
	return names
}

// TestDotCommandsDocumented checks that every dot command the dispatcher
// handles is listed by .help, is completed by Tab, and is documented in
// REPL.md (in its .help listing and in the details below it).
func TestDotCommandsDocumented(t *testing.T) {
	names := dispatchedDotCommands(t)
	var help bytes.Buffer
	r := newREPL(nil, &help, &help)
	r.dot(context.Background(), ".help")
	doc, err := os.ReadFile(filepath.Join("..", "..", "REPL.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !containsWord(help.String(), name) {
			t.Errorf(".help does not list %s", name)
		}
		if !containsWord(string(doc), name) {
			t.Errorf("REPL.md does not mention %s", name)
		}
		if name != ".exit" && !slices.Contains(dotCommands, name) {
			t.Errorf("Tab does not complete %s (dotCommands)", name)
		}
		if name != ".exit" && !strings.Contains(string(doc), "- `"+name) {
			t.Errorf("REPL.md has no detail item \"- `%s\"", name)
		}
	}
	for _, name := range dotCommands {
		if !slices.Contains(names, name) {
			t.Errorf("Tab completes %s, which the dispatcher does not handle", name)
		}
	}
	if !strings.Contains(string(doc), help.String()) {
		t.Errorf("REPL.md does not quote the .help text as printed:\n%s", help.String())
	}
}

// containsWord reports whether s holds name followed by a character that
// cannot continue a command name.
func containsWord(s, name string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return false
		}
		end := i + j + len(name)
		if end == len(s) || !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz_", rune(s[end])) {
			return true
		}
		i = end
	}
}

// TestHistoryEntries checks what the terminal REPL records in its history:
// each dot command, and each search once, as one line joined from the
// lines typed, that runs as the same search when recalled.
func TestHistoryEntries(t *testing.T) {
	s, err := newSession(sessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.loadData([]string{eventsFile}); err != nil {
		t.Fatal(err)
	}
	input := []string{
		".format csv",
		"| tstats count from datamodel=Endpoint.Registry |",
		"   # a comment inside the search",
		"  `drop_dm_object_name(Registry)` \\",
		"  | rename count as n",
		"| tstats count from datamodel=Endpoint.Registry by Registry.action;",
		"",
	}
	var out bytes.Buffer
	r := newREPL(s, &out, &out)
	var hist []string
	r.history = func(e string) { hist = append(hist, e) }
	lines := slices.Clone(input)
	r.loop(context.Background(), func(string) (string, error) {
		if len(lines) == 0 {
			return "", io.EOF
		}
		l := lines[0]
		lines = lines[1:]
		return l, nil
	})
	want := []string{
		".format csv",
		"| tstats count from datamodel=Endpoint.Registry | `drop_dm_object_name(Registry)` | rename count as n",
		"| tstats count from datamodel=Endpoint.Registry by Registry.action",
	}
	if !reflect.DeepEqual(hist, want) {
		t.Fatalf("history %q, want %q", hist, want)
	}
	typed := out.String()

	// Recalled, each entry prints what the lines typed printed.
	out.Reset()
	r2 := newREPL(s, &out, &out)
	for _, e := range hist {
		r2.handle(context.Background(), e)
	}
	if out.String() != typed {
		t.Errorf("recalled history printed\n%s\nthe typed lines printed\n%s", out.String(), typed)
	}
	if !strings.Contains(typed, "format is csv\nn\n14\n") {
		t.Errorf("the continued search printed %q", typed)
	}
}

func TestHistoryEntry(t *testing.T) {
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"| tstats count"}, "| tstats count"},
		{[]string{"| tstats count |", "   `m` |", "", "  table a  "}, "| tstats count | `m` | table a"},
		{[]string{"| tstats count ", "  by x"}, "| tstats count by x"},
	}
	for _, tt := range tests {
		if got := historyEntry(tt.lines); got != tt.want {
			t.Errorf("historyEntry(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}

// formatsScript has a result with numbers as Splunk prints them (large
// integers without an exponent, decimals without trailing zeros, negative
// numbers), multivalue cells (values(), split()) and a null, then an empty
// result.
const formatsScript = "# name: numbers and multivalue\n" +
	"| tstats count from datamodel=Endpoint.Registry by Registry.action Registry.dest |\n" +
	"  `drop_dm_object_name(Registry)` |\n" +
	"  eval big=count*1000000, tiny=count/1000000, quarter=count/4, neg=0-count*2.5, huge=pow(10,20), parts=split(dest, \".\") |\n" +
	"  stats sum(big) as big sum(count) as count min(tiny) as tiny values(quarter) as quarters max(neg) as neg first(huge) as huge values(dest) as dests first(parts) as first_part by action |\n" +
	"  eval none=null()\n\n" +
	"# name: empty\n" + noRows + "\n"

// TestFormatGoldens runs formatsScript through `minispl run` in each
// format and compares the output with testdata/formats.FORMAT.golden.
func TestFormatGoldens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formats.spl")
	if err := os.WriteFile(path, []byte(formatsScript), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range render.Formats() {
		t.Run(string(f), func(t *testing.T) {
			status, stdout, stderr := invoke(t, "", "run", "--data", eventsFile, "--format", string(f), "-f", path)
			if status != exitOK {
				t.Fatalf("status %d: %s", status, stderr)
			}
			if strings.Contains(stdout, "e+") || strings.Contains(stdout, ".000000") || strings.Contains(stdout, "0.250000") {
				t.Errorf("a number is not printed as Splunk prints it:\n%s", stdout)
			}
			checkGolden(t, filepath.Join("testdata", "formats."+string(f)+".golden"), stdout)
		})
	}
}

func TestTimingLine(t *testing.T) {
	tests := []struct {
		rows int
		d    time.Duration
		want string
	}{
		{3, 1500 * time.Microsecond, "3 rows in 1.5ms (2,000 rows/s)"},
		{5, 11463428 * time.Microsecond, "5 rows in 11.463428s (0.436 rows/s)"},
		{1, 40 * time.Millisecond, "1 row in 40ms (25 rows/s)"},
		{0, time.Second, "0 rows in 1s (0 rows/s)"},
		{1234567, time.Second, "1,234,567 rows in 1s (1,234,567 rows/s)"},
		{2, 0, "2 rows in 0s"},
	}
	for _, tt := range tests {
		if got := timingLine(tt.rows, tt.d); got != tt.want {
			t.Errorf("timingLine(%d, %v) = %q, want %q", tt.rows, tt.d, got, tt.want)
		}
	}
}

// TestProgressGoesToStderr checks that the ingest progress bar of run,
// check and repl is drawn on stderr, never on stdout (whether it is drawn
// at all depends on stderr being a terminal: TestProgressOffWhenNotTerminal).
func TestProgressGoesToStderr(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	s, status := newSessionFrom(e, sourceFlags{})
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	if s.progress != io.Writer(&stderr) || s.progressMin != progressMinBytes {
		t.Errorf("progress goes to %v from %d bytes, want stderr from %d", s.progress, s.progressMin, progressMinBytes)
	}
}
