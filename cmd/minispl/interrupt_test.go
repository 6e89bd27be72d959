package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWriteFileAtomic checks that an output file is never left partial:
// a failing writer or Ctrl-C (ctx done) before the rename leaves the
// previous file as it was and no temporary file behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "t.jsonl")
	if err := writeFile(context.Background(), name, func(w *bufio.Writer) error { _, err := w.WriteString("old\n"); return err }); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		fn   func(*bufio.Writer) error
		want error
	}{
		{"writer fails", context.Background(), func(w *bufio.Writer) error {
			w.WriteString(strings.Repeat("partial\n", 10000))
			return errors.New("disk full")
		}, nil},
		{"interrupted", cancelled, func(w *bufio.Writer) error { _, err := w.WriteString("new\n"); return err }, errInterrupted},
	} {
		err := writeFile(tc.ctx, name, tc.fn)
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if got, _ := os.ReadFile(name); string(got) != "old\n" {
			t.Errorf("%s: file holds %q, want the previous content", tc.name, got)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%s: %d files in the folder, want only the output (no temporary file left)", tc.name, len(ents))
		}
	}
	if info, err := os.Stat(name); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", info.Mode(), err)
	}
}

// buildBinary builds minispl into a temporary folder, for tests that send
// it signals.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not building the binary")
	}
	bin := filepath.Join(t.TempDir(), "minispl")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSIGINT sends SIGINT to the built binary while it loads events
// (from a pipe that is fed slowly and never closed, so the signal lands
// in the middle of loading), and at a sweep of times during a hunt that
// writes --timeline and --report. A run interrupted while loading ends
// with status 130 and neither output file. In the sweep a run ends with
// status 130 and each output file absent or complete (the signal may
// come after the timeline was written, before the report was), or, when
// the signal came after the hunt was done, with its usual status and both
// files complete; a partial or temporary output file is never left behind. A signal before the
// binary installs its handler (the first milliseconds of the process)
// kills it the default way; those runs are counted, not failed, and must
// leave no output either. Only the loading case is sure to see status
// 130; where the sweep's signals land depends on the machine's load.
func TestSIGINT(t *testing.T) {
	bin := buildBinary(t)
	events, err := os.ReadFile(filepath.Join("..", "..", "testdata", "events", "rms_registry.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// outputs checks the output files of a run in dir: never a
	// temporary file; with want "none" neither file, "both" both
	// complete, "some" each absent or complete (a signal after the
	// timeline was written and before the report was leaves a complete
	// timeline and no report).
	outputs := func(t *testing.T, dir string, want string) {
		t.Helper()
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		}
		tl, tlErr := os.ReadFile(filepath.Join(dir, "t.jsonl"))
		rep, repErr := os.ReadFile(filepath.Join(dir, "r.html"))
		tlDone := tlErr == nil && bytes.HasSuffix(tl, []byte("}\n"))
		repDone := repErr == nil && bytes.Contains(rep, []byte("</html>"))
		switch {
		case want == "none" && (tlErr == nil || repErr == nil):
			t.Errorf("interrupted while loading, yet an output file exists (timeline %v, report %v)", tlErr, repErr)
		case want == "both" && (!tlDone || !repDone):
			t.Errorf("finished, but the outputs are not complete: timeline %d bytes (%v), report %d bytes (%v)", len(tl), tlErr, len(rep), repErr)
		case want == "some" && (tlErr == nil && !tlDone || repErr == nil && !repDone):
			t.Errorf("interrupted, and an output file is there but not complete: timeline %d bytes (%v), report %d bytes (%v)", len(tl), tlErr, len(rep), repErr)
		}
	}

	t.Run("while loading", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(bin, "hunt", seedYAML, "--data", "-", "--timeline", filepath.Join(dir, "t.jsonl"), "--report", filepath.Join(dir, "r.html"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Feed events until 256 KB went in: a pipe holds 64 KB, so the
		// binary is reading them, with its handler installed.
		fed := make(chan struct{})
		// The feeder owns its count and whether it closed fed (the
		// race detector found the test reading fed while the feeder
		// set it to nil).
		go func() {
			n, closed := 0, false
			for {
				if _, err := in.Write(events); err != nil {
					return
				}
				if n += len(events); n > 256<<10 && !closed {
					close(fed)
					closed = true
				}
				time.Sleep(time.Millisecond)
			}
		}()
		select {
		case <-fed:
		case <-time.After(60 * time.Second):
			t.Fatal("the binary did not read its standard input")
		}
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("no exit 30 s after SIGINT while loading")
		}
		in.Close()
		if code := exitCode(err); code != exitInterrupted || !strings.Contains(stderr.String(), "cancelled") {
			t.Errorf("exit %d, stderr %q; want %d and the loading cancelled", code, stderr.String(), exitInterrupted)
		}
		outputs(t, dir, "none")
	})

	t.Run("sweep", func(t *testing.T) {
		counts := map[string]int{}
		for _, delay := range []time.Duration{0, 5, 20, 50, 100, 200, 400, 800, 1600, 3200} {
			delay *= time.Millisecond
			dir := t.TempDir()
			cmd := exec.Command(bin, "hunt", seedYAML, "--sample", "--timeline", filepath.Join(dir, "t.jsonl"), "--report", filepath.Join(dir, "r.html"))
			cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGINT)
			err := cmd.Wait()
			var ee *exec.ExitError
			switch code := exitCode(err); {
			case errors.As(err, &ee) && !ee.Exited():
				counts["killed before the handler"]++
				outputs(t, dir, "none")
			case code == exitInterrupted:
				counts["exit 130"]++
				outputs(t, dir, "some")
			case code == exitOK:
				counts["finished"]++
				outputs(t, dir, "both")
			default:
				t.Errorf("after %v: exit %d (%v)", delay, code, err)
			}
		}
		// Which phase each signal lands in depends on the machine's load,
		// so the sweep asserts the invariants of every outcome, not how
		// many of each there are ("while loading" asserts status 130).
		t.Logf("SIGINT sweep: %v", counts)
	})
}

// exitCode is the exit status of a finished command, -1 when a signal
// killed it.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -2
	}
	return 0
}
