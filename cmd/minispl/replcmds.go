package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/minispl/minispl/render"
)

// habits answers the commands of other shells (sqlite/duckdb dot
// commands, psql backslash commands) that have no minispl equivalent of
// the same name, with the command to use. .mode, .timer, .tables and
// .schema are aliases (of .format, .timing, .datamodels and .fields), and
// \x is .vertical, so they are not here.
var habits = map[string]string{
	".headers":   "tables always have a header; .format csv for CSV",
	".separator": "use .format csv (or json, markdown)",
	".show":      "use .format, .timing, .maxrows and .vertical without an argument to show each setting",
	".open":      "use .data PATH to load events",
	".import":    "use .data PATH to load events",
	".once":      "use .output FILE, then .output to come back to the screen",
	".width":     "tables fit the terminal's width by themselves; .vertical on prints one field per line",
	".indexes":   "minispl has no indexes; .datamodels lists the datasets",
	`\d`:         "use .datamodels, or .fields DATASET",
	`\dt`:        "use .datamodels",
	`\timing`:    "use .timing on",
	`\o`:         "use .output FILE",
	`\i`:         "use .read FILE",
	`\e`:         "use .edit",
	`\?`:         "use .help",
	`\h`:         "use .help COMMAND",
}

// modeFormat maps a .mode argument to a .format one: duckdb's and
// sqlite's "line" mode is the vertical layout, their "box", "column" and
// "duckbox" the table; "" when it was handled (or is an error).
func modeFormat(r *repl, arg string) string {
	switch strings.ToLower(arg) {
	case "line":
		r.dotVertical("on")
		return ""
	case "box", "column", "duckbox", "table":
		if r.vertical == render.VerticalOn {
			r.dotVertical("off")
		}
		return "table"
	}
	return arg
}

// toggle is the .vertical argument that \x without an argument means: on
// when the layout is off, off otherwise (psql's \x).
func toggle(v render.Vertical) string {
	if v == render.VerticalOff {
		return "on"
	}
	return "off"
}

// verticalNames name the table layouts.
var verticalNames = map[render.Vertical]string{render.VerticalOff: "off", render.VerticalOn: "on", render.VerticalAuto: "auto"}

// dotVertical shows or sets the table layout: on prints one field per
// line, auto does so when the table does not fit the terminal.
func (r *repl) dotVertical(arg string) {
	for v, n := range verticalNames {
		if arg == n {
			r.vertical = v
			fmt.Fprintf(r.stdout, "vertical is %s\n", n)
			return
		}
	}
	if arg == "" {
		fmt.Fprintf(r.stdout, "vertical is %s\n", verticalNames[r.vertical])
		return
	}
	r.errorf(".vertical takes on, off or auto, not %q", arg)
}

// dotMaxRows shows or sets the row limit of the screen: N rows, 0 for no
// limit, auto for the screen's height.
func (r *repl) dotMaxRows(arg string) {
	show := func() {
		switch r.maxRows {
		case maxRowsAuto:
			fmt.Fprintln(r.stdout, "maxrows is auto (the screen's height)")
		case 0:
			fmt.Fprintln(r.stdout, "maxrows is 0 (no limit)")
		default:
			fmt.Fprintf(r.stdout, "maxrows is %d\n", r.maxRows)
		}
	}
	switch arg {
	case "":
	case "auto":
		r.maxRows = maxRowsAuto
	default:
		n, err := strconv.Atoi(strings.ReplaceAll(arg, ",", ""))
		if err != nil || n < 0 {
			r.errorf(".maxrows takes a number of rows, 0 for all, or auto; not %q", arg)
			return
		}
		r.maxRows = n
	}
	show()
}

// maxReadDepth bounds nested .read files (a file reading itself).
const maxReadDepth = 8

// dotRead runs the lines of a file as if typed: searches, comments and
// dot commands. A search left open at the end of the file runs. It
// reports whether the file asked to quit.
func (r *repl) dotRead(ctx context.Context, name string) bool {
	if name == "" {
		r.errorf(".read needs a file")
		return false
	}
	if r.depth >= maxReadDepth {
		r.errorf(".read %s: files nested more than %d deep", name, maxReadDepth)
		return false
	}
	f, err := os.Open(name)
	if err != nil {
		r.errorf(".read: %v", err)
		return false
	}
	defer f.Close()
	if len(r.pending) > 0 {
		r.runPending(ctx)
	}
	saved := r.peek
	lr := newLineReader(f)
	r.peek, r.depth = lr.peek, r.depth+1
	defer func() { r.peek, r.ready, r.depth = saved, false, r.depth-1 }()
	for {
		line, err := lr.read()
		if err != nil {
			if err.Error() != "EOF" {
				r.errorf(".read %s: %v", name, err)
			}
			break
		}
		if r.handle(ctx, line) {
			return true
		}
		if r.bail && r.failed {
			return false
		}
	}
	if len(r.pending) > 0 {
		r.runPending(ctx)
	}
	return false
}

// dotEdit opens $VISUAL or $EDITOR (run by sh, so it may hold arguments)
// on the search being typed, or else the last search run, and runs the
// search the file holds when the editor exits successfully; the text is
// printed first, as a shell does with its fc command. The terminal input
// is paused meanwhile.
func (r *repl) dotEdit(ctx context.Context) bool {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		r.errorf(".edit needs the EDITOR variable, e.g. EDITOR=vi")
		return false
	}
	text := strings.Join(r.pending, "\n")
	if strings.TrimSpace(text) == "" {
		text = r.last
	}
	r.pending, r.ready = nil, false
	f, err := os.CreateTemp("", "minispl-*.spl")
	if err != nil {
		r.errorf(".edit: %v", err)
		return false
	}
	defer os.Remove(f.Name())
	if text != "" {
		text += "\n"
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		r.errorf(".edit: %v", err)
		return false
	}
	f.Close()
	cmd := exec.CommandContext(ctx, "sh", "-c", editor+` "$1"`, "editor", f.Name())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if r.tty != nil {
		cmd.Stdin = os.NewFile(0, "/dev/stdin")
		r.tty.pause()
		defer r.tty.resume()
	}
	if err := cmd.Run(); err != nil {
		r.errorf(".edit: %s: %v (the search is not run)", editor, err)
		return false
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		r.errorf(".edit: %v", err)
		return false
	}
	edited := strings.TrimSpace(string(data))
	if edited == "" {
		fmt.Fprintln(r.stdout, "the file is empty; nothing to run")
		return false
	}
	fmt.Fprintln(r.stdout, edited)
	if r.history != nil {
		r.history(historyEntry(strings.Split(edited, "\n")))
	}
	r.search(ctx, edited)
	return false
}

// termWidth is the terminal's width now, 0 when results do not go to a
// terminal.
func (r *repl) termWidth() int {
	if r.size == nil {
		return r.width
	}
	w, _ := r.size()
	return w
}

// terminalSize returns the width and height of w when it is a terminal,
// else 0, 0.
func terminalSize(w any) (int, int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, 0
	}
	width, height, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0
	}
	return width, height
}

// spinnerDelay is how long a search runs before the spinner shows.
const spinnerDelay = 500 * time.Millisecond

// spinnerFrames are the spinner's frames.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// startSpinner shows a spinner with the elapsed time ("⠙ searching
// 2.3s") on w, when it is a terminal, while a search runs longer than
// spinnerDelay, and returns the function that erases it. It is written by
// hand: progressbar/v3's spinner mode (v3.19.1), tried first, left the
// terminal hung after a Ctrl-C during printing under tmux; a line redrawn
// with a carriage return is all it takes.
func startSpinner(w any) func() {
	if cw, ok := w.(colorWriter); ok {
		w = cw.w
	}
	out, ok := w.(io.Writer)
	if !ok || !isTerminal(out) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		select {
		case <-done:
			return
		case <-time.After(spinnerDelay):
		}
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(out, "\r%s searching %.1fs", spinnerFrames[i%len(spinnerFrames)], time.Since(start).Seconds())
			select {
			case <-done:
				fmt.Fprint(out, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
