//go:build unix

package main

import (
	"bufio"
	"os"
	"testing"
	"time"
)

// TestTTYInput feeds a bracketed paste of a Splunk-formatted search (tab
// and LF inside, as some terminals send them) through a pipe standing for
// the terminal, and checks that liner gets one line per prompt, the
// markers removed, and that the REPL can see the next line and that it
// belongs to the same paste.
func TestTTYInput(t *testing.T) {
	src, feed, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	in, lr, err := newTTYInput(int(src.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer in.close()
	if _, err := feed.WriteString(pasteStart + "| tstats count\tfrom datamodel=Endpoint.Registry\n| rename count as n\r\n" + pasteEnd + "typed"); err != nil {
		t.Fatal(err)
	}
	waitHeld(t, in, func() bool { return len(in.carry) == 0 && len(in.held) > 0 && in.held[len(in.held)-1] == 'd' })
	br := bufio.NewReader(lr)
	in.nextLine()
	line, err := br.ReadString('\r')
	if err != nil || line != "| tstats count from datamodel=Endpoint.Registry\r" {
		t.Fatalf("first line %q, %v", line, err)
	}
	if next, pasted, ok := in.peekLine(); !ok || !pasted || next != "| rename count as n" {
		t.Errorf("peek = %q, %v, %v; want the second line, pasted", next, pasted, ok)
	}
	in.nextLine()
	if line, err = br.ReadString('\r'); err != nil || line != "| rename count as n\r" {
		t.Fatalf("second line %q, %v", line, err)
	}
	// What follows the paste was typed: not pasted, and given to liner
	// as it comes (no line end yet).
	if next, pasted, ok := in.peekLine(); !ok || pasted || next != "typed" {
		t.Errorf("peek after the paste = %q, %v, %v", next, pasted, ok)
	}
	in.nextLine()
	buf := make([]byte, 5)
	if _, err := br.Read(buf); err != nil || string(buf) != "typed" {
		t.Errorf("typed text %q, %v", buf, err)
	}
	if _, _, ok := in.peekLine(); ok {
		t.Error("input held after everything was given to liner")
	}
}

// waitHeld waits until cond holds under the input's lock.
func waitHeld(t *testing.T, in *ttyInput, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		in.mu.Lock()
		ok := cond()
		in.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("input not read in time")
}

// TestTTYInputSplitMarker checks a paste marker split across two reads,
// and that an escape sequence that is no marker (an arrow key) passes.
func TestTTYInputSplitMarker(t *testing.T) {
	in := &ttyInput{}
	in.scan([]byte("a\x1b[20"))
	in.scan([]byte("0~b\tc\x1b[2"))
	in.scan([]byte("01~\x1b[A"))
	if string(in.held) != "ab c\x1b[A" || in.inPaste {
		t.Errorf("held %q, in paste %v", in.held, in.inPaste)
	}
	want := []bool{false, true, true, true, false, false, false}
	for i, p := range in.inHeld {
		if p != want[i] {
			t.Errorf("byte %d in paste = %v", i, p)
		}
	}
}
