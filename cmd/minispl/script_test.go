package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/minispl/minispl/spl"
)

func TestParseScript(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []script
		wantErr string
	}{
		{
			name: "one search",
			text: "| tstats count\n",
			want: []script{{Name: "search at f.spl:1", Text: "| tstats count", File: "f.spl", Line: 1, LineMapped: true}},
		},
		{
			name: "blank lines, semicolons, names and comments",
			text: "# a script\n# name: first\n| tstats count\n  by x\n\n\n| tstats count;\n# name: third\n| tstats c\n# inside\n| rename a as b;\n",
			want: []script{
				{Name: "first", Text: "| tstats count\n  by x", File: "f.spl", Line: 3, LineMapped: true},
				{Name: "search at f.spl:7", Text: "| tstats count", File: "f.spl", Line: 7, LineMapped: true},
				{Name: "third", Text: "| tstats c\n\n| rename a as b", File: "f.spl", Line: 9, LineMapped: true},
			},
		},
		{
			name: "CRLF and no final newline",
			text: "a\r\n\r\nb",
			want: []script{
				{Name: "search at f.spl:1", Text: "a", File: "f.spl", Line: 1, LineMapped: true},
				{Name: "search at f.spl:3", Text: "b", File: "f.spl", Line: 3, LineMapped: true},
			},
		},
		{
			name: "a name comment is used once",
			text: "# name: n\na;b\n\nc",
			want: []script{
				{Name: "n", Text: "a;b", File: "f.spl", Line: 2, LineMapped: true},
				{Name: "search at f.spl:4", Text: "c", File: "f.spl", Line: 4, LineMapped: true},
			},
		},
		{name: "comments only", text: "# nothing\n\n", wantErr: "f.spl: no search in the file"},
		{name: "empty", text: "", wantErr: "f.spl: no search in the file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScript("f.spl", tt.text)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestDetectionScripts checks the scripts made of ESCU detections (the
// YAML and JSON-lines parsing itself is tested in spl/escu).
func TestDetectionScripts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	yml := write("d.yml", "name: Some Detection\nid: 1\nsearch: '| tstats count where Registry.registry_path=\"*\\\\SYSTEM*\"'\n")
	jsonl := write("d.jsonl", `{"name": "J", "search": "| tstats count"}`+"\n\n"+`{"search": "| tstats count"}`+"\n")
	tests := []struct {
		path    string
		want    []script
		wantErr string
	}{
		{path: yml, want: []script{{Name: "Some Detection", Text: `| tstats count where Registry.registry_path="*\\SYSTEM*"`, File: yml, Line: 3}}},
		{path: jsonl, want: []script{
			{Name: "J", Text: "| tstats count", File: jsonl, Line: 1},
			{Name: "search at " + jsonl + ":3", Text: "| tstats count", File: jsonl, Line: 3},
		}},
		{path: write("none.yml", "name: x\n"), wantErr: "none.yml: not an ESCU detection: no search: key"},
		{path: filepath.Join(dir, "missing.yml"), wantErr: "missing.yml"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			got, err := readScripts(tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReadScriptsFromFiles(t *testing.T) {
	dir := t.TempDir()
	yml := filepath.Join(dir, "d.YAML")
	if err := os.WriteFile(yml, []byte("name: D\nsearch: '| tstats count'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readScripts(yml)
	if err != nil || len(got) != 1 || got[0].Name != "D" {
		t.Errorf("readScripts(%s) = %+v, %v", yml, got, err)
	}
	if _, err := readScripts(filepath.Join(dir, "missing.spl")); err == nil || !strings.Contains(err.Error(), "missing.spl") {
		t.Errorf("missing file: error = %v, want one naming the file", err)
	}
}

func TestFormatError(t *testing.T) {
	text := "| tstats count\n  frm datamodel=X"
	se := &spl.Error{Pos: spl.Span{Start: 17, End: 20}, Msg: `unexpected "frm"`, Text: text}
	tests := []struct {
		name string
		sc   *script
		want string
	}{
		{"command line", nil, "error: 2:3: unexpected \"frm\"\n  |   frm datamodel=X\n  |   ^~~"},
		{"script file", &script{Name: "n", File: "f.spl", Line: 10, LineMapped: true}, "error: f.spl:11:3: unexpected \"frm\"\n  |   frm datamodel=X\n  |   ^~~"},
		{"YAML", &script{Name: "D", File: "d.yml", Line: 4}, "error: d.yml:4: search \"D\", 2:3: unexpected \"frm\"\n  |   frm datamodel=X\n  |   ^~~"},
	}
	for _, tt := range tests {
		if got := formatError(se, tt.sc); got != tt.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
	plain := os.ErrNotExist
	if got := formatError(plain, nil); got != "error: file does not exist" {
		t.Errorf("plain error: %q", got)
	}
	if got := formatError(plain, &script{Name: "n", File: "f"}); got != "error: n: file does not exist" {
		t.Errorf("plain error in a script: %q", got)
	}
}
