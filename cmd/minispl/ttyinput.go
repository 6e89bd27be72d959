//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// ttyInput sits between the terminal and liner, which has no API for
// pasted text (liner v1.2.3 reads os.Stdin through its own buffer and
// knows nothing of bracketed paste). liner reads a pipe that stands in
// for os.Stdin (it sets the terminal's modes on file descriptor 0
// itself, so that is unchanged), and ttyInput copies the terminal's bytes
// into the pipe one line at a time: before each prompt the REPL calls
// nextLine, which lets through the bytes up to and including the next
// line end, and holds the rest. So after a prompt returns, the REPL can
// tell that more input is already waiting (waiting: a paste, or lines
// typed ahead while a search ran), and whether the line ended inside a
// bracketed paste (pasted). It also removes the paste markers, which
// liner would read as unknown escape keys, and turns a tab inside a paste
// into a space, which liner would take for Tab completion.
//
// Reading stops while paused (an $EDITOR or a PAGER owns the terminal):
// the reader polls the terminal rather than blocking in read, so that it
// never takes the bytes typed into them.
type ttyInput struct {
	fd int      // the terminal
	w  *os.File // the pipe's write end; liner reads the other end

	mu     sync.Mutex
	cond   *sync.Cond
	held   []byte // read from the terminal, not yet given to liner
	inHeld []bool // per held byte: whether it came inside a paste
	allow  bool   // liner may get bytes up to the next line end
	paused bool
	closed bool
	// inPaste is set between the paste markers; carry holds the start
	// of a marker split across reads.
	inPaste bool
	carry   []byte
	// lastPasted tells whether the last line end given to liner was
	// inside a paste.
	lastPasted bool
}

// newTTYInput starts copying the terminal (file descriptor fd) into the
// returned input's pipe, whose read end is returned for liner.
func newTTYInput(fd int) (*ttyInput, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	t := &ttyInput{fd: fd, w: w}
	t.cond = sync.NewCond(&t.mu)
	go t.read()
	return t, r, nil
}

// read copies the terminal into held until close.
func (t *ttyInput) read() {
	buf := make([]byte, 4096)
	for {
		t.mu.Lock()
		for t.paused && !t.closed {
			t.cond.Wait()
		}
		closed := t.closed
		t.mu.Unlock()
		if closed {
			return
		}
		fds := []unix.PollFd{{Fd: int32(t.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 100)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.closeWrite()
			return
		}
		if n == 0 {
			t.mu.Lock()
			if len(t.carry) > 0 { // a lone ESC, or the start of a key's sequence
				t.add(t.carry)
				t.carry = t.carry[:0]
				t.forward()
			}
			t.mu.Unlock()
			continue
		}
		t.mu.Lock()
		if t.paused || t.closed {
			t.mu.Unlock()
			continue
		}
		t.mu.Unlock()
		m, err := unix.Read(t.fd, buf)
		if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil || m == 0 {
			t.closeWrite()
			return
		}
		t.mu.Lock()
		t.scan(buf[:m])
		t.forward()
		t.mu.Unlock()
	}
}

// closeWrite ends liner's input (the terminal is gone).
func (t *ttyInput) closeWrite() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.w.Close()
}

// scan adds chunk to held, removing paste markers (also split across
// chunks) and turning a paste's line breaks into one '\r' (what Enter
// sends) and its tabs into spaces. Called with mu held.
func (t *ttyInput) scan(chunk []byte) {
	data := chunk
	if len(t.carry) > 0 {
		data = append(t.carry, chunk...)
		t.carry = nil
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, 0x1b)
		if i < 0 {
			t.add(data)
			return
		}
		t.add(data[:i])
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte(pasteStart)):
			t.inPaste = true
			data = rest[len(pasteStart):]
		case bytes.HasPrefix(rest, []byte(pasteEnd)):
			t.inPaste = false
			data = rest[len(pasteEnd):]
		case len(rest) < len(pasteStart) && (bytes.HasPrefix([]byte(pasteStart), rest) || bytes.HasPrefix([]byte(pasteEnd), rest)):
			t.carry = append([]byte(nil), rest...)
			return
		default:
			t.add(rest[:1])
			data = rest[1:]
		}
	}
}

// add appends bytes read outside the markers. Called with mu held.
func (t *ttyInput) add(b []byte) {
	for _, c := range b {
		if t.inPaste {
			switch c {
			case '\n':
				if n := len(t.held); n > 0 && t.held[n-1] == '\r' && t.inHeld[n-1] {
					continue // CR LF
				}
				c = '\r'
			case '\t':
				c = ' '
			}
		}
		t.held = append(t.held, c)
		t.inHeld = append(t.inHeld, t.inPaste)
	}
}

// forward gives liner the held bytes up to and including the next line
// end, if liner may have them. Called with mu held.
func (t *ttyInput) forward() {
	if !t.allow || len(t.held) == 0 || t.closed {
		return
	}
	n := len(t.held)
	end := bytes.IndexAny(t.held, "\r\n")
	if end >= 0 {
		n = end + 1
		t.allow = false
		t.lastPasted = t.inHeld[end]
	}
	_, _ = t.w.Write(t.held[:n]) // the pipe is read by liner; a write fails only once it is closed
	t.held = append(t.held[:0], t.held[n:]...)
	t.inHeld = append(t.inHeld[:0], t.inHeld[n:]...)
}

// nextLine lets liner read the next line; the REPL calls it before each
// prompt.
func (t *ttyInput) nextLine() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.allow = true
	t.forward()
}

// peekLine returns the start of the input held after the line liner last
// got, up to its line end (more was pasted or typed ahead), and whether
// that line and the last one are in the same bracketed paste; ok is
// false when nothing is held.
func (t *ttyInput) peekLine() (next string, pasted, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.held) == 0 {
		return "", false, false
	}
	line := t.held
	if end := bytes.IndexAny(line, "\r\n"); end >= 0 {
		line = line[:end]
	}
	return string(line), t.lastPasted && t.inHeld[0], true
}

// pause stops reading the terminal (an editor or pager reads it).
func (t *ttyInput) pause() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.paused = true
}

// resume reads the terminal again.
func (t *ttyInput) resume() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.paused = false
	t.cond.Broadcast()
}

// close stops the reader and closes the pipe.
func (t *ttyInput) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		t.w.Close()
	}
	t.cond.Broadcast()
}
