package main

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestCompletePipeline checks completion of command names, eval functions
// and the fields of the stages before the cursor, planned by a real
// session.
func TestCompletePipeline(t *testing.T) {
	s, err := newSession(sessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := newREPL(s, &bytes.Buffer{}, &bytes.Buffer{})
	c := r.completer()
	const tstats = "| tstats count from datamodel=Endpoint.Registry by Registry.dest Registry.action"
	tests := []struct {
		name    string
		line    string
		pending string
		head    string
		want    []string
	}{
		{name: "new commands", line: "| s", head: "| ", want: []string{"search", "sort", "spath", "stats"}},
		{name: "new commands after a stage", line: tstats + " | e", head: tstats + " | ", want: []string{"eval", "eventstats"}},
		{name: "every command after a pipe", line: "| ", head: "| ", want: commandNames},
		{name: "fields of the previous stages", line: tstats + " | table Registry.a", head: tstats + " | table ", want: []string{"Registry.action"}},
		{name: "all fields of the previous stages", line: tstats + " | table ", head: tstats + " | table ", want: []string{"Registry.action", "Registry.dest", "count"}},
		{name: "renamed fields", line: tstats + " | `drop_dm_object_name(Registry)` | stats count by d", head: tstats + " | `drop_dm_object_name(Registry)` | stats count by ", want: []string{"dest"}},
		{name: "eval functions and fields after eval x=", line: tstats + " | eval x=c", head: tstats + " | eval x=", want: []string{"count", "case(", "ceil(", "ceiling(", "cidrmatch(", "coalesce("}},
		{name: "functions in where", line: tstats + " | where isn", head: tstats + " | where ", want: []string{"isnotnull(", "isnull(", "isnum("}},
		{name: "function names are lower case", line: tstats + " | where ISN", head: tstats + " | where ", want: []string{"isnotnull(", "isnull(", "isnum("}},
		{name: "no functions outside eval and where", line: tstats + " | table isn", head: tstats + " | table ", want: nil},
		{name: "pipe in a quoted value is not a stage", line: `| tstats count from datamodel=Endpoint.Registry where Registry.dest="a|b" by Registry.d`, head: `| tstats count from datamodel=Endpoint.Registry where Registry.dest="a|b" by `, want: []string{"Registry.dest", "Registry.dest_bunit", "Registry.dest_category", "Registry.dest_priority", "Registry.dest_requires_av", "Registry.dest_should_timesync", "Registry.dest_should_update"}},
		{name: "stages on earlier lines", line: "table c", pending: tstats + " |", head: "table ", want: []string{"count"}},
		{name: "a pipeline that does not plan falls back to dataset fields", line: "| tstats count from datamodel=Endpoint.Nope | table Registry.acti", head: "| tstats count from datamodel=Endpoint.Nope | table ", want: []string{"Registry.action"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.pending = nil
			if tt.pending != "" {
				r.pending = []string{tt.pending}
			}
			head, got, tail := c.complete(tt.line, len([]rune(tt.line)))
			if head != tt.head || tail != "" || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("complete(%q) = %q, %q, %q; want %q, %q", tt.line, head, got, tail, tt.head, tt.want)
			}
		})
	}
}

func TestSplitLastStage(t *testing.T) {
	tests := []struct{ text, prev, stage string }{
		{"", "", ""},
		{"| tstats count", "", " tstats count"},
		{"| tstats count | table x", "| tstats count ", " table x"},
		{`| search a="x|y" | eval b="\"|"`, `| search a="x|y" `, ` eval b="\"|"`},
		{"| tstats count | join x [| tstats count | rename a as b] | tab", "| tstats count | join x [| tstats count | rename a as b] ", " tab"},
		{"| `m(a|b)` | x", "| `m(a|b)` ", " x"},
	}
	for _, tt := range tests {
		prev, stage := splitLastStage(tt.text)
		if prev != tt.prev || stage != tt.stage {
			t.Errorf("splitLastStage(%q) = %q, %q; want %q, %q", tt.text, prev, stage, tt.prev, tt.stage)
		}
	}
}

// TestDotLookups lists the definitions of a lookup folder.
func TestDotLookups(t *testing.T) {
	dir := filepath.Join(escuDir, "lookups")
	tests := []struct {
		name    string
		lookups []string
		want    string
	}{
		{"none", nil, "no lookup folder (start minispl with --lookups DIR)\n"},
		{"folder", []string{dir}, "lookup                  file                        folder"},
		{"folder without definitions", []string{t.TempDir()}, "no lookup definition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newSession(sessionOptions{Lookups: tt.lookups})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			r := newREPL(s, &out, &out)
			r.handle(context.Background(), ".lookups")
			if !strings.HasPrefix(out.String(), tt.want) || (tt.lookups != nil && strings.HasPrefix(tt.want, "lookup ") && !strings.Contains(out.String(), "\nremote_access_software  remote_access_software.csv  "+dir)) {
				t.Errorf(".lookups printed\n%s\nwant\n%s", out.String(), tt.want)
			}
		})
	}
}
