package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/fatih/color"

	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/render"
)

// errPrintStopped reports printing stopped by Ctrl-C.
var errPrintStopped = errors.New("printing stopped")

// ctxWriter fails its writes once ctx is done, so that Ctrl-C stops a
// long result within one buffer of output (render writes through 4 KB
// buffers).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

// Write implements io.Writer.
func (c ctxWriter) Write(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, errPrintStopped
	}
	return c.w.Write(p)
}

// headTable is the first n rows of a render.Table.
type headTable struct {
	render.Table
	n int
}

// NumRows implements render.Table.
func (h headTable) NumRows() int { return min(h.n, h.Table.NumRows()) }

// footer is the line after a result cut to shown of total rows.
func footer(shown, total int) string {
	word := "rows"
	if total-shown == 1 {
		word = "row"
	}
	return fmt.Sprintf("… %s more %s (%s total); .maxrows 0 for all", english.Thousands(total-shown), word, english.Thousands(total))
}

// autoRows is the row limit of a terminal height lines tall: the rows
// that fit under the header and separator, above the footer and the
// prompt; at least 10.
func autoRows(height int) int {
	return max(height-4, 10)
}

// palette is the REPL's colours: on a terminal without NO_COLOR (and not
// TERM=dumb), as fatih/color decides; otherwise nothing.
type palette struct {
	on     bool
	bold   func(a ...any) string
	dim    func(a ...any) string
	red    func(a ...any) string
	yellow func(a ...any) string
}

// newPalette returns the colours for writing to w.
func newPalette(w io.Writer) palette {
	on := isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	p := palette{on: on}
	mk := func(a ...color.Attribute) func(a ...any) string {
		c := color.New(a...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c.SprintFunc()
	}
	p.bold, p.dim, p.red, p.yellow = mk(color.Bold), mk(color.Faint), mk(color.FgRed, color.Bold), mk(color.FgYellow)
	return p
}

// header is the style of table headers, nil without colour.
func (p palette) header() func(string) string {
	if !p.on {
		return nil
	}
	return func(s string) string { return p.bold(s) }
}

// colorWriter colours the "error:" and "warning:" that start a write (the
// REPL writes each message with one call).
type colorWriter struct {
	w io.Writer
	p palette
}

// Write implements io.Writer.
func (c colorWriter) Write(b []byte) (int, error) {
	for _, pre := range []struct {
		s  string
		fn func(a ...any) string
	}{{"error:", c.p.red}, {"warning:", c.p.yellow}} {
		if bytes.HasPrefix(b, []byte(pre.s)) {
			if _, err := io.WriteString(c.w, pre.fn(pre.s)); err != nil {
				return 0, err
			}
			n, err := c.w.Write(b[len(pre.s):])
			return n + len(pre.s), err
		}
	}
	return c.w.Write(b)
}

// runPager writes text through the shell command pager (the PAGER
// variable, run by sh as git and psql do) on the terminal, and waits for
// it. in is paused meanwhile so that the pager gets the keys.
func runPager(pager string, text []byte, in *ttyInput) error {
	cmd := exec.Command("sh", "-c", pager)
	cmd.Stdin = bytes.NewReader(text)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if strings.Contains(pager, "less") && os.Getenv("LESS") == "" {
		cmd.Env = append(os.Environ(), "LESS=FRX") // quit at the end of a short text, keep colours
	}
	if in != nil {
		in.pause()
		defer in.resume()
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pager %q: %w", pager, err)
	}
	return nil
}
