package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

func TestMakemv(t *testing.T) {
	// one is a single row (dest Zed, the first in _time order) with x set.
	one := func(x, cmd string) string {
		return `| head 1 | eval x=` + x + ` | ` + cmd + ` | eval n=mvcount(x) | table x n`
	}
	tests := []struct {
		name, q string
		want    []string // rendered x (multivalue joined by ";") and n
	}{
		{"delim drops empty values", one(`"a,b,,c"`, `makemv delim="," x`), []string{"x | n", "a;b;c | 3"}},
		{"allowempty keeps them", one(`"a,b,,c"`, `makemv delim="," allowempty=true x`), []string{"x | n", "a;b;;c | 4"}},
		{"default delim is a space", one(`"a  b c"`, `makemv x`), []string{"x | n", "a;b;c | 3"}},
		{"multi-character delim", one(`"a::b:c"`, `makemv delim="::" x`), []string{"x | n", "a;b:c | 2"}},
		{"one value stays single", one(`"42"`, `makemv delim="," x`), []string{"x | n", "42 | 1"}},
		{"no value left is null", one(`",,"`, `makemv delim="," x`), []string{"x | n", "<null> | <null>"}},
		{"null stays null", one(`null()`, `makemv delim="," x`), []string{"x | n", "<null> | <null>"}},
		// ESCU "Potentially malicious code on commandline": the first
		// group of each match.
		{"tokenizer", one(`"powershell.exe -nop -w hidden"`, `makemv tokenizer="([\w\d\-]+)" x`),
			[]string{"x | n", "powershell;exe;-nop;-w;hidden | 5"}},
		// (a)?b on "bbab" matches b, b, ab: the group is empty twice.
		{"tokenizer drops empty groups", one(`"bbab"`, `makemv tokenizer="(a)?b" x`), []string{"x | n", "a | 1"}},
		{"tokenizer allowempty", one(`"bbab"`, `makemv tokenizer="(a)?b" allowempty=t x`), []string{"x | n", ";;a | 3"}},
		{"setsv joins into one value", one(`"a b"`, `makemv setsv=true x`), []string{"x | n", "a\nb | 1"}},
		{"options after the field", one(`"a|b"`, `makemv x delim="|"`), []string{"x | n", "a;b | 2"}},
	}
	for _, shape := range batchShapes {
		env := newTestEnv(t, fixture(), shape[0], shape[1])
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%v", tc.name, shape), func(t *testing.T) {
				equalLines(t, tc.name, env.run(t, shapeBase+" "+tc.q), tc.want)
			})
		}
		t.Run(fmt.Sprintf("multivalue input/%v", shape), func(t *testing.T) {
			// values(dest) is Host2 Zed apple host1; each is split on "o".
			got := env.run(t, shapeBase+` | stats values(dest) as d | makemv delim="o" d`)
			equalLines(t, "multivalue", got, []string{"d", "H;st2;Zed;apple;h;st1"})
		})
		t.Run(fmt.Sprintf("every row/%v", shape), func(t *testing.T) {
			got := env.run(t, shapeBase+` | makemv delim="s" dest | eval n=mvcount(dest) | table dest n`)
			equalLines(t, "rows", got, []string{"dest | n", "Zed | 1", "ho;t1 | 2", "ho;t1 | 2", "Ho;t2 | 2", "ho;t1 | 2", "apple | 1"})
		})
		t.Run(fmt.Sprintf("absent field/%v", shape), func(t *testing.T) {
			got := env.run(t, shapeBase+` | head 1 | fields dest | makemv nosuch`)
			equalLines(t, "absent", got, []string{"_time | dest", "1727705104.547 | Zed"})
		})
	}
}

func TestMakemvPlanErrors(t *testing.T) {
	env := newTestEnv(t, fixture(), 4096, 4096)
	tests := []struct{ cmd, want, at string }{
		{`makemv delim="," tokenizer="(a)" x`, "not both", `makemv delim="," tokenizer="(a)" x`},
		{`makemv tokenizer="a+" x`, "needs a capturing group", `"a+"`},
		{`makemv tokenizer="(b)++" x`, "possessive quantifier", `"(b)++"`},
		{`makemv allowempty=maybe x`, "makemv allowempty=maybe: want true or false", `allowempty=maybe`},
		{`makemv limit=3 x`, `unknown makemv option "limit"`, `limit=3`},
		{`makemv delim="" x`, "must not be empty", `delim=""`},
		{`makemv _time`, "internal fields", `makemv _time`},
	}
	for _, tc := range tests {
		t.Run(tc.cmd, func(t *testing.T) {
			q := shapeBase + " | " + tc.cmd
			_, err := env.eng.Plan(parse(t, q))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			var se *spl.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not an *spl.Error", err)
			}
			if got := q[se.Pos.Start:se.Pos.End]; got != tc.at {
				t.Errorf("error spans %q, want %q", got, tc.at)
			}
		})
	}
}
