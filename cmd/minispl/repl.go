package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/peterh/liner"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/render"
	"github.com/minispl/minispl/spl"
)

// Prompts of the terminal REPL. Without a terminal no prompt is printed.
const (
	prompt         = "minispl> "
	continuePrompt = "    ...> "
)

// repl is the interactive shell. Its core, loop, reads lines through a
// function, so that the terminal mode (liner) and the line mode (bufio,
// for pipes and tests) share everything but the line editor.
type repl struct {
	s *session
	// stdout gets messages and dot-command output; out gets results
	// (stdout, or the file of .output); stderr gets errors and warnings.
	stdout, out, stderr io.Writer
	outFile             *os.File
	outName             string
	format              render.Format
	timing              bool
	// width is the terminal width for the table format, 0 for none.
	width int
	// now is the clock of .timing; tests replace it.
	now func() time.Time
	// pending holds the lines of a search being continued.
	pending []string
	// history, when set, records each entry as it runs: a dot command, or
	// a whole search as one line (see historyEntry).
	history func(entry string)
	// sample is set while the store holds the embedded sample alone,
	// which the next .data replaces.
	sample bool

	// peek, when set, returns the next input line when it is already
	// there (pasted, typed ahead, or the next line of piped input), and
	// whether it belongs to the same bracketed paste as the line just
	// read: a search that would run at Enter then waits when that line
	// continues it (see handle).
	peek func() (next string, pasted, ok bool)
	// ready is set while pending is a complete search held back because
	// more input was waiting; readyPasted when its last line was pasted.
	ready, readyPasted bool
	// last is the last search run, for .edit and .explain.
	last string

	// maxRows limits the rows printed to the terminal: 0 is no limit,
	// maxRowsAuto the screen's height (see autoRows).
	maxRows int
	// vertical is the table layout.
	vertical render.Vertical
	// size returns the terminal's width and height for each result, nil
	// when results do not go to a terminal (no wrapping, no limit).
	size func() (width, height int)
	// pager is the PAGER command for results taller than the screen,
	// "" for none.
	pager string
	// tty is the terminal input, paused while an editor or pager runs;
	// nil in line mode.
	tty *ttyInput
	// colors are the terminal's colours (none in line mode).
	colors palette
	// bail makes the first error end the REPL with exitError
	// (--bail); failed records that an error was printed.
	bail, failed bool
	// hideTimes leaves the times out of .explain (tests).
	hideTimes bool
	// depth counts nested .read files.
	depth int
	// spinner, when set, starts an elapsed-time display on stderr while
	// a search runs and returns the function that removes it.
	spinner func() (stop func())
}

// maxRowsAuto is the .maxrows setting that fits the rows to the screen.
const maxRowsAuto = -1

// newREPL returns a REPL over s writing to stdout and stderr.
func newREPL(s *session, stdout, stderr io.Writer) *repl {
	return &repl{s: s, stdout: stdout, out: stdout, stderr: stderr, format: render.FormatTable, now: time.Now, colors: newPalette(stdout)}
}

// historyPath returns the history file, os.UserConfigDir()/minispl/history.
func historyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "minispl", "history"), nil
}

// runTerminal runs the REPL on a terminal with liner: line editing, history
// (kept in historyPath across sessions; errors reading or writing it are
// reported once and otherwise ignored) and Tab completion. A search
// entered over several lines is one history entry (see historyEntry), so
// that Up recalls the whole search, ready to run again.
//
// SIGINT is caught for the whole session: Ctrl-C cancels the running
// search or .data, and at any other moment (printing a result) it is
// ignored rather than ending the session; at the prompt liner reads it as
// a key.
func (r *repl) runTerminal(ctx context.Context) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	go func() {
		for range sigs { // drained; searches have their own NotifyContext
		}
	}()
	defer func() {
		signal.Stop(sigs)
		close(sigs)
	}()
	// liner reads the pipe of a ttyInput, which lets it have one line at
	// a time (see ttyInput): os.Stdin is swapped while liner is built.
	var tty *ttyInput
	if f, ok := r.stdinFile(); ok {
		t, pr, err := newTTYInput(int(f.Fd()))
		if err == nil {
			tty = t
			saved := os.Stdin
			os.Stdin = pr
			defer func() { os.Stdin = saved; t.close(); pr.Close() }()
		}
	}
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	c := r.completer()
	ln.SetWordCompleter(c.complete)
	r.width = terminalWidth(r.stdout)
	r.size = func() (int, int) { return terminalSize(r.stdout) }
	r.maxRows = maxRowsAuto
	r.pager = os.Getenv("PAGER")
	r.colors = newPalette(r.stdout)
	r.stderr = colorWriter{w: r.stderr, p: newPalette(r.stderr)}
	r.spinner = func() func() { return startSpinner(r.stderr) }
	if tty != nil {
		r.tty = tty
		r.peek = tty.peekLine
	}

	hist, herr := historyPath()
	if herr == nil {
		if f, err := os.Open(hist); err == nil {
			_, herr = ln.ReadHistory(f)
			f.Close()
		}
	}
	if herr != nil {
		fmt.Fprintf(r.stderr, "warning: history not loaded: %v\n", herr)
	}
	fmt.Fprint(r.stdout, r.banner())
	// Each entry is appended to the history file as it runs, so that a
	// closed terminal loses nothing; the file is rewritten (trimmed to
	// liner's 1,000 entries) at a clean exit.
	warned, last := false, ""
	r.history = func(entry string) {
		ln.AppendHistory(entry)
		if hist == "" || entry == last {
			return // liner too keeps one of the same entry twice in a row
		}
		last = entry
		if err := appendHistory(hist, entry); err != nil && !warned {
			warned = true
			fmt.Fprintf(r.stderr, "warning: history not saved: %v\n", err)
		}
	}
	status := r.loop(ctx, func(p string) (string, error) {
		if tty != nil {
			fmt.Fprint(r.stdout, bracketedPasteOn)
			tty.nextLine()
		}
		line, err := ln.Prompt(p)
		if tty != nil {
			fmt.Fprint(r.stdout, bracketedPasteOff)
		}
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(r.stdout) // leave the shell prompt on a line of its own
		}
		return line, err
	})
	if hist != "" && !warned {
		if err := saveHistory(ln, hist); err != nil {
			fmt.Fprintf(r.stderr, "warning: history not saved: %v\n", err)
		}
	}
	return status
}

// stdinFile returns the process's standard input when it is a terminal.
func (r *repl) stdinFile() (*os.File, bool) {
	return os.Stdin, isTerminal(os.Stdin)
}

// appendHistory appends one entry to the history file, creating it and
// its folder.
func appendHistory(path, entry string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, entry); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// completer returns the Tab completer of the REPL: it sees the search
// being continued and plans the stages before the cursor for their fields.
func (r *repl) completer() *completer {
	return &completer{
		macros:  r.s.env.Macros(),
		cat:     r.s.env.Catalog(),
		pending: func() string { return strings.Join(r.pending, "\n") },
		fields: func(pipeline string) ([]string, bool) {
			q, err := r.s.compile(pipeline)
			if err != nil {
				return nil, false
			}
			return q.Plan.Fields(), true
		},
	}
}

// saveHistory writes the liner history to path, creating its folder.
func saveHistory(ln *liner.State, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := ln.WriteHistory(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// banner is what the terminal REPL prints first: what the store holds when
// it is the embedded sample, and how to use the shell.
func (r *repl) banner() string {
	b := ""
	if r.sample {
		b = "minispl REPL: searching the embedded sample of Sysmon events; .data PATH loads your events instead\n"
	}
	return b + "minispl REPL: end a search with Enter (a line ending in | or \\ continues), .help for commands, Ctrl-D to quit\n"
}

// runLines runs the REPL over plain lines of in: no prompt, no escape
// codes, no history. This is the mode of `minispl repl < file` and tests.
func (r *repl) runLines(ctx context.Context, in io.Reader) int {
	lr := newLineReader(in)
	r.peek = lr.peek
	return r.loop(ctx, func(string) (string, error) { return lr.read() })
}

// lineReader reads lines with one line of lookahead, so that the REPL
// knows whether another line follows (a next line starting with '|'
// continues a search).
type lineReader struct {
	sc      *bufio.Scanner
	next    string
	hasNext bool
	err     error
}

func newLineReader(in io.Reader) *lineReader {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	return &lineReader{sc: sc}
}

// fill reads the next line into the lookahead.
func (l *lineReader) fill() {
	if l.hasNext || l.err != nil {
		return
	}
	if l.sc.Scan() {
		l.next, l.hasNext = l.sc.Text(), true
		return
	}
	l.err = l.sc.Err()
	if l.err == nil {
		l.err = io.EOF
	}
}

// read returns the next line, or io.EOF.
func (l *lineReader) read() (string, error) {
	l.fill()
	if !l.hasNext {
		return "", l.err
	}
	l.hasNext = false
	return l.next, nil
}

// peek returns the next line, if there is one, without reading it.
func (l *lineReader) peek() (string, bool, bool) {
	l.fill()
	return l.next, false, l.hasNext
}

// loop reads lines until EOF or .quit and returns the exit status: 0; 1
// when input could not be read; with --bail, 2 at the first error.
//
// Input rules: a line starting with '.' (outside a search) is a dot
// command; a line starting with '#' is a comment; a line ending in '|' or
// '\' continues on the next line (the '\' is dropped); a blank line or a
// line ending in ';' (dropped) runs what was entered; any other line runs
// at Enter, unless more input is already waiting (see handle). Ctrl-C at
// the prompt discards a search being continued.
func (r *repl) loop(ctx context.Context, read func(prompt string) (string, error)) int {
	defer r.closeOutput()
	for {
		p := prompt
		if len(r.pending) > 0 {
			// Also for a search held back (r.ready): the line waiting
			// continues it.
			p = continuePrompt
		}
		line, err := read(p)
		switch {
		case errors.Is(err, liner.ErrPromptAborted):
			r.pending, r.ready = nil, false
			continue
		case errors.Is(err, io.EOF):
			if len(r.pending) > 0 {
				r.runPending(ctx)
			}
			return r.status(exitOK)
		case err != nil:
			r.errorf("reading input: %v", err)
			return exitError
		}
		quit := r.handle(ctx, line)
		if r.bail && r.failed {
			return exitError
		}
		if quit {
			return r.status(exitOK)
		}
	}
}

// status is the exit status of a REPL that ended normally.
func (r *repl) status(s int) int {
	if r.bail && r.failed {
		return exitError
	}
	return s
}

// errorf prints an error on stderr and records it for --bail.
func (r *repl) errorf(format string, a ...any) {
	r.failed = true
	fmt.Fprintf(r.stderr, "error: "+format+"\n", a...)
}

// holdBack reports whether the complete search in pending waits for the
// next line, which is already there and continues it (same bracketed
// paste, or a continuing '|' line, see continues); it sets r.ready.
func (r *repl) holdBack() bool {
	if r.peek == nil {
		return false
	}
	next, pasted, ok := r.peek()
	if !ok {
		return false
	}
	r.readyPasted = pasted
	r.ready = r.continues(strings.TrimSpace(next))
	if !r.ready {
		r.readyPasted = false
	}
	return r.ready
}

// continues reports whether line (trimmed) continues the search held in
// pending, which was complete but held back because more input was
// waiting: a line of the same bracketed paste does, and so does a line
// starting with '|' (Splunk's search editor puts each "| command" on a
// line of its own), unless its command is a generating one (tstats,
// inputlookup), which starts a new search.
func (r *repl) continues(trimmed string) bool {
	if r.readyPasted && trimmed != "" {
		return true
	}
	rest, ok := strings.CutPrefix(trimmed, "|")
	if !ok {
		return false
	}
	if c, ok := spl.LookupCommand(firstWord(rest)); ok && c.Kind == spl.Generating {
		return false
	}
	return true
}

// handle processes one input line and reports whether the REPL should
// quit.
//
// A search that would run at Enter waits when more input is already
// there (r.more): a paste, lines typed ahead, or the next line of a
// script. The next line then continues it when r.continues says so;
// otherwise the held search runs first and the line is handled on its own.
func (r *repl) handle(ctx context.Context, line string) (quit bool) {
	line = strings.TrimSuffix(line, "\r")
	trimmed := strings.TrimSpace(line)
	if r.ready {
		switch {
		case r.continues(trimmed):
			r.ready, r.readyPasted = false, false
		default:
			r.ready, r.readyPasted = false, false
			r.runPending(ctx)
		}
	}
	if trimmed == ".edit" {
		return r.dotEdit(ctx)
	}
	if len(r.pending) == 0 && (strings.HasPrefix(trimmed, ".") || strings.HasPrefix(trimmed, `\`)) {
		if r.history != nil {
			r.history(trimmed)
		}
		return r.dot(ctx, trimmed)
	}
	switch {
	case strings.HasPrefix(trimmed, "#"):
		// A comment, also between the lines of a search, as in script
		// files; there it stays an empty line, so that error places keep
		// the line numbers typed.
		if len(r.pending) > 0 {
			r.pending = append(r.pending, "")
		}
	case trimmed == "":
		r.runPending(ctx)
	case strings.HasSuffix(trimmed, `\`):
		r.pending = append(r.pending, strings.TrimSuffix(strings.TrimRight(line, " \t"), `\`))
	case strings.HasSuffix(trimmed, "|"):
		r.pending = append(r.pending, line)
	case strings.HasSuffix(trimmed, ";"):
		r.pending = append(r.pending, strings.TrimSuffix(strings.TrimRight(line, " \t"), ";"))
		r.runPending(ctx)
	default:
		r.pending = append(r.pending, line)
		if r.holdBack() {
			return false
		}
		r.runPending(ctx)
	}
	return false
}

// runPending runs the search entered so far.
func (r *repl) runPending(ctx context.Context) {
	text := strings.Join(r.pending, "\n")
	if r.history != nil && strings.TrimSpace(text) != "" {
		r.history(historyEntry(r.pending))
	}
	r.pending = nil
	if strings.TrimSpace(text) != "" {
		r.search(ctx, text)
	}
}

// historyEntry is the history line of a search entered as lines: the lines
// trimmed and joined with one space. Recalled, it is one line that runs as
// it stands (a continued line ended in '|', kept, or '\', dropped, so the
// joined line is the same search). A newline inside a quoted string
// becomes a space, the one place where the recalled search differs.
func historyEntry(lines []string) string {
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// search runs one search, Ctrl-C cancelling it, and prints its result;
// Ctrl-C while the result prints stops the printing (within one 4 KB
// buffer). The search is kept for .explain and .edit.
func (r *repl) search(ctx context.Context, text string) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	r.last = text
	start := r.now()
	var stopSpin func()
	if r.spinner != nil {
		stopSpin = r.spinner()
	}
	res, plan, err := r.s.run(ctx, text)
	if stopSpin != nil {
		stopSpin()
	}
	elapsed := r.now().Sub(start)
	if plan != nil {
		for _, w := range plan.Warnings() {
			fmt.Fprintf(r.stderr, "warning: %s\n", w)
		}
	}
	if errors.Is(err, errCancelled) {
		r.failed = true
		fmt.Fprintln(r.stderr, "search cancelled")
		return
	}
	if err != nil {
		r.failed = true
		r.failed = true
		fmt.Fprintln(r.stderr, formatError(err, nil))
		return
	}
	defer res.Release()
	for _, w := range res.Warnings() {
		fmt.Fprintf(r.stderr, "warning: %s\n", w)
	}
	if err := r.print(ctx, res); err != nil {
		if errors.Is(err, errPrintStopped) {
			fmt.Fprintln(r.stdout)
			fmt.Fprintln(r.stderr, "printing stopped (Ctrl-C)")
			return
		}
		r.errorf("%v", err)
		return
	}
	if r.timing {
		fmt.Fprintln(r.stdout, timingLine(res.NumRows(), elapsed))
	}
}

// print writes a result: to the .output file in full; to the screen
// fitted to its width (read again for each result), cut to .maxrows with
// a footer saying how many rows are left, and through PAGER when that is
// set and the output is taller than the screen.
func (r *repl) print(ctx context.Context, res render.Table) error {
	opt := render.Options{Vertical: r.vertical, Time: r.s.location(), Header: r.colors.header()}
	if r.outFile != nil {
		return render.Write(r.out, res, r.format, opt)
	}
	width, height := 0, 0
	if r.size != nil {
		width, height = r.size()
	}
	opt.Width = width
	var t render.Table = res
	limit := r.maxRows
	if limit == maxRowsAuto {
		limit = 0
		if height > 0 {
			limit = autoRows(height)
			if r.vertical == render.VerticalOn {
				limit = max(height/(len(res.Fields())+1), 1)
			}
		}
	}
	total := res.NumRows()
	cut := limit > 0 && total > limit
	if cut {
		t = headTable{Table: res, n: limit}
	}
	foot := ""
	if cut {
		foot = r.colors.dim(footer(limit, total)) + "\n"
	}
	if r.pager != "" && height > 0 {
		var b bytes.Buffer
		if err := render.Write(ctxWriter{ctx, &b}, t, r.format, opt); err != nil {
			return err
		}
		b.WriteString(foot)
		if bytes.Count(b.Bytes(), []byte("\n")) >= height-1 {
			return runPager(r.pager, b.Bytes(), r.tty)
		}
		_, err := ctxWriter{ctx, r.out}.Write(b.Bytes())
		return err
	}
	if err := render.Write(ctxWriter{ctx, r.out}, t, r.format, opt); err != nil {
		return err
	}
	_, err := io.WriteString(r.out, foot)
	return err
}

// timingLine reports a search's row count, time and speed. The time is
// that of expand, parse, plan and execute, not of printing. A rate below
// 100 rows/s keeps three significant digits (a few rows after a long
// search are "0.436 rows/s", not "0 rows/s").
func timingLine(rows int, d time.Duration) string {
	s := fmt.Sprintf("%s in %s", english.Plural(rows, "row"), d.Round(time.Microsecond))
	if d > 0 {
		rate := float64(rows) / d.Seconds()
		r := english.Thousands(int(rate))
		if rate < 100 {
			r = strconv.FormatFloat(rate, 'g', 3, 64)
		}
		s += fmt.Sprintf(" (%s rows/s)", r)
	}
	return s
}

// dotAliases are other names of dot commands: the sqlite and duckdb
// names of the same commands, and .exit.
var dotAliases = map[string]string{".exit": ".quit", ".mode": ".format", ".timer": ".timing", ".tables": ".datamodels", ".schema": ".fields"}

// dotHelp is the text of .help.
const dotHelp = `Enter a search and press Enter; a line ending in | or \ continues on the
next line, a blank line or a line ending in ; runs it. A pasted search
keeps its lines together, also in Splunk's format with each | command on a
line of its own. Ctrl-C cancels a running search or stops its printing,
Ctrl-D quits. Tab completes commands, macros, datamodel names,
Dataset.field names, eval functions in eval and where, and the fields of
the pipeline before the cursor.

  .help [COMMAND]       this text, or the syntax of an SPL command
  .data PATH            load more events (file or folder; the first replaces the
                        embedded sample); prints counts per dataset and what it skipped
  .clear                empty the store (every event loaded)
  .macros [PATTERN]     list macros (PATTERN: substring, or glob with * ? [)
  .macro NAME           show every definition of a macro, with its origin
  .expand SEARCH        show SEARCH with its macros expanded
  .plan SEARCH          show the plan of SEARCH
  .explain [SEARCH]     run SEARCH (or the last search) with counters: rows in and out
                        and time per stage, what the time window and each WHERE
                        predicate keep, fields misspelt or never populated
  .datamodels           list the datasets (also .tables)
  .fields DATASET       per field of a dataset (Endpoint.Registry or Registry): rows
                        with a value, distinct and top values (also .schema)
  .lookups              list the lookup folders (--lookups) and their definitions
  .format [FORMAT]      show or set the output format: table, csv, json (also jsonl,
                        ndjson), markdown (also .mode)
  .timing [on|off]      show or set timing: rows, elapsed time and rows/s after each
                        search (also .timer)
  .maxrows [N|auto]     show or set the rows printed on the screen (0: all; auto: the
                        screen's height, the default on a terminal)
  .vertical [on|off|auto]  one field per line (auto: when the table does not fit);
                        \x toggles it
  .output [FILE]        send results to FILE; without FILE, back to the screen
  .read FILE            run the searches and commands of FILE
  .edit                 edit the search being typed, or the last one, in $EDITOR and
                        run it
  .quit                 leave (also .exit)`

// dot runs a dot command and reports whether the REPL should quit.
func (r *repl) dot(ctx context.Context, line string) bool {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	alias := name
	if to, ok := dotAliases[name]; ok {
		name = to
	}
	switch name {
	case ".help":
		switch {
		case arg == "":
			fmt.Fprintf(r.stdout, "%s\n\n", dotHelp)
			writeCommandList(r.stdout)
		case !writeCommandHelp(r.stdout, arg):
			r.errorf("unknown SPL command %q; .help lists the commands", arg)
		}
	case ".quit":
		return true
	case ".edit":
		return r.dotEdit(ctx)
	case ".clear":
		r.dotClear()
	case ".data":
		r.dotData(ctx, arg)
	case ".macros":
		r.dotMacros(arg)
	case ".macro":
		r.dotMacro(arg)
	case ".expand":
		r.dotExpand(arg)
	case ".plan":
		r.dotPlan(arg)
	case ".datamodels":
		for _, d := range r.s.env.Catalog().Datasets() {
			fmt.Fprintf(r.stdout, "%s  (%d fields; rows: %s)\n", d.FullName(), len(d.Fields)+len(inheritedFields), english.Thousands(r.s.store.Stats().Used[d.FullName()]))
		}
	case ".fields":
		r.dotFields(ctx, arg)
	case ".lookups":
		r.dotLookups()
	case ".format":
		if alias == ".mode" {
			arg = modeFormat(r, arg)
			if arg == "" {
				return false
			}
		}
		r.dotFormat(arg)
	case ".timing":
		switch arg {
		case "":
			fmt.Fprintf(r.stdout, "timing is %s\n", onOff(r.timing))
		case "on", "off":
			r.timing = arg == "on"
			fmt.Fprintf(r.stdout, "timing is %s\n", arg)
		default:
			r.errorf("%s takes on or off, not %q", name, arg)
		}
	case ".output":
		r.dotOutput(arg)
	case ".explain":
		r.dotExplain(ctx, arg)
	case ".maxrows":
		r.dotMaxRows(arg)
	case ".vertical":
		r.dotVertical(arg)
	case `\x`:
		r.dotVertical(map[string]string{"": toggle(r.vertical), "auto": "auto", "on": "on", "off": "off"}[arg])
	case ".read":
		return r.dotRead(ctx, arg)
	case `\q`:
		return true
	default:
		if hint, ok := habits[name]; ok {
			r.errorf("unknown command %s; %s", name, hint)
			return false
		}
		msg := fmt.Sprintf("unknown command %s", name)
		var near []string
		for _, c := range dotCommands {
			if strings.HasPrefix(c, name) || strings.HasPrefix(name, c) {
				near = append(near, c)
			}
		}
		if len(near) > 0 {
			msg += " (did you mean " + strings.Join(near, " or ") + "?)"
		}
		r.errorf("%s; .help lists the commands", msg)
	}
	return false
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// dotData loads more events; the first replaces the embedded sample. A
// file already loaded is not read again: a warning names it (.clear
// empties the store, to read it anew). Ctrl-C stops the loading, keeping
// the events read so far.
func (r *repl) dotData(ctx context.Context, arg string) {
	if arg == "" {
		r.errorf(".data needs a file or folder")
		return
	}
	if _, err := os.Stat(arg); err == nil && r.sample {
		r.s.store.Reset()
		r.sample = false
		fmt.Fprintln(r.stdout, "the embedded sample is replaced")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	if r.s.sum != nil {
		// Only what the summaries do not hold.
		if _, err := r.s.loadTail(ctx, []string{arg}, nil); err != nil {
			r.errorf("%v", err)
		}
		return
	}
	st, err := r.s.loadDataCtx(ctx, []string{arg})
	dup := st.FilesSkipped[datamodel.SkipAlreadyLoaded]
	onlyDup := err == nil && st.Files == 0 && dup == len(st.SkippedFiles)
	if !onlyDup && (err == nil || st.Files > 0 || len(st.SkippedFiles) > 0) {
		fmt.Fprintln(r.stdout, st.String())
	}
	for _, p := range problemLines(st) {
		fmt.Fprintln(r.stdout, p)
	}
	if err != nil {
		r.errorf("%v", err)
		return
	}
	if dup > 0 {
		what := arg + " is"
		switch {
		case onlyDup && dup == 1:
		case dup == 1:
			what = "1 file of " + arg + " is"
		default:
			what = english.Plural(dup, "file") + " of " + arg + " are"
		}
		fmt.Fprintf(r.stderr, "warning: %s already loaded; not read again (.clear empties the store)\n", what)
	} else if st.Events == 0 {
		fmt.Fprintf(r.stderr, "warning: no events read from %s\n", arg)
	}
}

// dotClear empties the store: every event loaded, the sample included.
func (r *repl) dotClear() {
	r.s.store.Reset()
	if r.s.sum != nil {
		r.s.sum.invalidate()
	}
	r.sample = false
	fmt.Fprintln(r.stdout, "the store is empty; .data PATH loads events")
}

// dotMacros lists macros whose name matches pattern: a glob when it holds
// * ? or [, else a case-insensitive substring.
func (r *repl) dotMacros(pattern string) {
	glob := strings.ContainsAny(pattern, "*?[")
	if glob {
		if _, err := path.Match(pattern, ""); err != nil {
			r.errorf("bad pattern %q: %v", pattern, err)
			return
		}
	}
	t := &stringTable{fields: []string{"macro", "origin", "definition"}}
	for _, m := range r.s.env.Macros().Macros() {
		ok := strings.Contains(strings.ToLower(m.Name), strings.ToLower(pattern))
		if glob {
			ok, _ = path.Match(pattern, m.Name)
		}
		if ok {
			def := strings.Join(strings.Fields(m.Definition), " ")
			if len([]rune(def)) > 60 {
				def = string([]rune(def)[:57]) + "..."
			}
			t.rows = append(t.rows, []string{m.Key(), m.Origin, def})
		}
	}
	if len(t.rows) == 0 {
		fmt.Fprintf(r.stdout, "no macro matches %q\n", pattern)
		return
	}
	if err := render.WriteTable(r.stdout, t, r.termWidth()); err != nil {
		r.errorf("%v", err)
	}
}

// dotMacro prints every arity of a macro as macros.conf stanzas.
func (r *repl) dotMacro(name string) {
	name = strings.Trim(name, "`")
	if name == "" {
		r.errorf(".macro needs a macro name")
		return
	}
	found := false
	for _, m := range r.s.env.Macros().Macros() {
		if m.Name != name {
			continue
		}
		if found {
			fmt.Fprintln(r.stdout)
		}
		found = true
		fmt.Fprintf(r.stdout, "# %s\n", m.Origin)
		if m.Description != "" {
			fmt.Fprintf(r.stdout, "# %s\n", strings.Join(strings.Fields(m.Description), " "))
		}
		fmt.Fprintf(r.stdout, "[%s]\n", m.Key())
		if len(m.Args) > 0 {
			fmt.Fprintf(r.stdout, "args = %s\n", strings.Join(m.Args, ", "))
		}
		if m.IsEval {
			fmt.Fprintln(r.stdout, "iseval = true")
		}
		fmt.Fprintf(r.stdout, "definition = %s\n", m.Definition)
	}
	if !found {
		r.failed = true
		msg := fmt.Sprintf("error: no macro named %q", name)
		if strings.HasSuffix(name, "_filter") {
			msg += " (an undefined *_filter macro expands to `search *`)"
		}
		fmt.Fprintln(r.stderr, msg)
	}
}

func (r *repl) dotExpand(text string) {
	if text == "" {
		r.errorf(".expand needs a search")
		return
	}
	x, err := r.s.env.Expand(text)
	if err != nil {
		r.failed = true
		fmt.Fprintln(r.stderr, formatError(err, nil))
		return
	}
	fmt.Fprintln(r.stdout, x.Text)
}

func (r *repl) dotPlan(text string) {
	if text == "" {
		r.errorf(".plan needs a search")
		return
	}
	q, err := r.s.compile(text)
	if err != nil {
		r.failed = true
		fmt.Fprintln(r.stderr, formatError(err, nil))
		return
	}
	fmt.Fprintln(r.stdout, strings.TrimRight(q.Plan.String(), "\n"))
	for _, w := range q.Plan.Warnings() {
		fmt.Fprintf(r.stderr, "warning: %s\n", w)
	}
}

// dotFields lists the fields of a dataset named in full or by its dataset
// name alone, with what the loaded rows hold in each (see fieldSummary).
func (r *repl) dotFields(ctx context.Context, name string) {
	if name == "" {
		r.errorf(".fields needs a dataset, e.g. .fields Endpoint.Registry")
		return
	}
	var names []string
	for _, d := range r.s.env.Catalog().Datasets() {
		names = append(names, d.FullName())
		if d.FullName() == name || d.Name == name {
			t, err := fieldSummary(ctx, r.s, d)
			if err != nil {
				r.errorf(".fields: %v", err)
				return
			}
			if err := render.WriteTable(r.stdout, t, r.termWidth()); err != nil {
				r.errorf("%v", err)
			}
			return
		}
	}
	r.errorf("no dataset %q (datasets: %s)", name, strings.Join(names, ", "))
}

// dotLookups lists the lookup definitions of the --lookups folders that a
// search can use, through the engine (so by the rules it finds them with),
// and whether their file is there.
func (r *repl) dotLookups() {
	if len(r.s.lookups) == 0 {
		fmt.Fprintln(r.stdout, "no lookup folder (start minispl with --lookups DIR)")
		return
	}
	list, err := r.s.env.Lookups()
	if err != nil {
		r.errorf(".lookups: %v", err)
		return
	}
	t := &stringTable{fields: []string{"lookup", "file", "folder"}}
	for _, l := range list {
		if l.File == "" {
			continue // an ML model or KV store definition: no file
		}
		file := l.File
		if l.Missing {
			file += " (missing)"
		}
		t.rows = append(t.rows, []string{l.Name, file, l.Dir})
	}
	if len(t.rows) == 0 {
		fmt.Fprintf(r.stdout, "no lookup definition (*.yml with a filename:) in %s\n", strings.Join(r.s.lookups, ", "))
		return
	}
	if err := render.WriteTable(r.stdout, t, r.termWidth()); err != nil {
		r.errorf("%v", err)
	}
}

func (r *repl) dotFormat(arg string) {
	if arg == "" {
		fmt.Fprintf(r.stdout, "format is %s\n", r.format)
		return
	}
	f, err := render.ParseFormat(arg)
	if err != nil {
		r.errorf("%v", err)
		return
	}
	r.format = f
	fmt.Fprintf(r.stdout, "format is %s\n", f)
}

// dotOutput sends results to a file (created or truncated), or back to
// stdout without an argument.
func (r *repl) dotOutput(name string) {
	if name == "" {
		if r.outFile == nil {
			fmt.Fprintln(r.stdout, "results go to the screen")
			return
		}
		prev := r.outName
		r.closeOutput()
		fmt.Fprintf(r.stdout, "results go to the screen (%s closed)\n", prev)
		return
	}
	f, err := os.Create(name)
	if err != nil {
		r.errorf(".output: %v", err)
		return
	}
	r.closeOutput()
	r.outFile, r.outName, r.out = f, name, f
	fmt.Fprintf(r.stdout, "results go to %s\n", name)
}

// closeOutput closes the .output file, if any, and sends results to stdout.
func (r *repl) closeOutput() {
	if r.outFile != nil {
		if err := r.outFile.Close(); err != nil {
			r.errorf(".output %s: %v", r.outName, err)
		}
	}
	r.outFile, r.outName, r.out = nil, "", r.stdout
}
