package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// fakeClock advances 1.5 ms at every reading, so that .timing output is
// the same on every run.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(1500 * time.Microsecond)
	return c.t
}

// TestREPLTranscripts drives the REPL core with the lines of each
// testdata/*.txt and compares everything it prints (prompt and input line,
// then stdout and stderr interleaved), then the files it wrote, with
// testdata/*.golden. "$TMP" in
// the input is a temporary folder. go test -update rewrites the goldens.
func TestREPLTranscripts(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			s, err := newSession(sessionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			r := newREPL(s, &out, &out)
			r.now = (&fakeClock{}).now
			r.hideTimes = true
			// Each input line is echoed after its prompt, as a terminal
			// shows it, so that the golden reads like a session.
			lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(src), "$TMP", tmp), "\n"), "\n")
			// As in line mode, the REPL knows whether another line
			// follows, so that a line starting with '|' continues.
			r.peek = func() (string, bool, bool) {
				if len(lines) == 0 {
					return "", false, false
				}
				return lines[0], false, true
			}
			status := r.loop(context.Background(), func(prompt string) (string, error) {
				if len(lines) == 0 {
					return "", io.EOF
				}
				line := lines[0]
				lines = lines[1:]
				out.WriteString(prompt + line + "\n")
				return line, nil
			})
			got := out.String() + "-- exit status " + string(rune('0'+status)) + "\n"
			files, _ := filepath.Glob(filepath.Join(tmp, "*"))
			sort.Strings(files)
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				got += "-- file " + filepath.Base(f) + "\n" + string(data)
			}
			checkGolden(t, filepath.Join("testdata", name+".golden"), strings.ReplaceAll(got, tmp, "$TMP"))
		})
	}
}

// TestREPLCommand runs `minispl repl` through run with piped input: no
// prompt and no escape codes are printed.
func TestREPLCommand(t *testing.T) {
	status, stdout, stderr := invoke(t, byActionDest+"\n.format csv\n"+byActionDest+"\n", "repl", "--data", eventsFile)
	if status != exitOK {
		t.Fatalf("status %d: %s", status, stderr)
	}
	table, csv, ok := strings.Cut(stdout, "format is csv\n")
	if !ok || csv != byActionDestCSV {
		t.Errorf("repl printed\n%s", stdout)
	}
	if strings.Contains(stdout, "minispl>") || strings.Contains(stdout, "\x1b") {
		t.Errorf("prompt or escape code in piped output: %q", stdout)
	}
	if !strings.HasPrefix(table, "Registry.action  Registry.dest") {
		t.Errorf("table output %q", table)
	}
}

// TestREPLCancelled checks that a cancelled search prints "search
// cancelled" and that the REPL goes on with the next line.
func TestREPLCancelled(t *testing.T) {
	s, err := newSession(sessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.loadData([]string{eventsFile}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := newREPL(s, &out, &out)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.search(ctx, byActionDest)
	if out.String() != "search cancelled\n" {
		t.Fatalf("cancelled search printed %q", out.String())
	}
	out.Reset()
	r.format = "csv"
	r.search(context.Background(), byActionDest)
	if out.String() != byActionDestCSV {
		t.Errorf("next search printed %q", out.String())
	}
}
