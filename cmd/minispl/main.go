// Command minispl runs Splunk detection searches (SPL) offline over Sysmon
// events, with the results Splunk Enterprise with the Sysmon add-on and CIM
// would return.
//
// Usage:
//
//	minispl run [SOURCE FLAGS] [--format F] [--explain] [--bail] (-f FILE|FOLDER... | 'SPL')
//	minispl explain [SOURCE FLAGS] (-f FILE|FOLDER... | 'SPL')
//	minispl hunt DETECTIONS... [SOURCE FLAGS] [SELECTION] [--timeline FILE.jsonl|FILE.csv]
//	        [--report FILE.html] [--as-scheduled --from T --to T]
//	minispl test DETECTIONS... --attack-data DIR [SELECTION] [--junit FILE]
//	minispl check [SOURCE FLAGS] [--run] [--ast] (-f FILE | 'SPL')
//	minispl check --escu FILE.jsonl|FILE.yml|FOLDER [SOURCE FLAGS] [--run] [-v]
//	minispl datamodels
//	minispl repl [SOURCE FLAGS] [--bail]
//	minispl --version
//
// SOURCE FLAGS are --data PATH... (events; default an embedded sample),
// --macros PATH..., --lookups DIR..., --earliest/--latest/--now TIME
// (Splunk time modifiers, epoch seconds or ISO 8601) and --tz ZONE
// (default UTC). DETECTIONS are security_content checkouts (their macros/
// and lookups/ are read), folders of detection YAML, .yml or .jsonl files;
// SELECTION is --detection NAME|ID, --type, --status, --tag, --mitre and
// --data-source (package content).
//
// hunt runs every selected detection over the same events in parallel
// (package hunt) and prints the findings by risk and the line "N of M
// detections fired; K could not run (reasons)"; --timeline and --report
// (package hunt/report) write every row; --as-scheduled runs each
// detection as Enterprise Security schedules it, with its notable and
// risk events. test runs the detections' own tests as contentctl does
// (package ctest): a table of PASS, FAIL, ERROR (and with -v SKIP) and
// the totals; --junit writes JUnit XML.
//
// check --escu reads detections with package spl/escu and takes each
// through expand, parse, plan (and with --run, execute), printing one
// "FAIL name (file:line): stage: reason" line per failure and totals per
// stage. While large inputs (8 MB or more) are ingested, a progress bar
// (progressbar/v3) is drawn on stderr when stderr is a terminal, never
// otherwise.
//
// The pipeline is text -> macros (textual expansion) -> spl (AST) -> engine
// (plan, Arrow operators over datamodel batches) -> render; the first three
// stages are package query, the front door, which also places every error
// in the search as written. This package is only wiring: flags (kong), the
// session shared by run and repl (a query.Env and a store, with the
// progress bar and the embedded sample), script files, the REPL (liner when
// stdin and stdout are terminals, plain lines otherwise) and its
// completion. It must not call spl.Parse or expand macros itself, and is
// imported by nothing. See REPL.md for the REPL.
//
// Exit status, for every command: 0 success with results (run: a search
// returned rows; hunt: a detection fired; test: nothing failed or
// errored; check, datamodels, repl: success), 1 it ran but found nothing
// (run: no search returned rows, or with --fail-on-empty one did not; hunt:
// nothing fired) or a test failed, 2 an error in the input, a search or
// the usage (test: a search errored), 130 interrupted (Ctrl-C).
//
// Imports: every package of the module that a command wires together (query,
// content, hunt, ctest, render, datamodel, engine, macros, spl); it holds
// flags, terminals and process exit codes only, and no package imports it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	_ "time/tzdata" // --tz works without the system's zoneinfo files

	"github.com/alecthomas/kong"
	"golang.org/x/term"
)

// Exit statuses, the same for every command.
const (
	// exitOK: success with results (run: a search returned rows; hunt: a
	// detection fired; test: every test passed or was skipped).
	exitOK = 0
	// exitNoResults: it ran but found nothing (run: no search returned
	// rows, or with --fail-on-empty one did not; hunt: no detection
	// fired), or a test failed.
	exitNoResults = 1
	// exitError: an error in the input (events, detections, macros), in
	// a search (it does not expand, parse, plan or run) or in the usage.
	exitError = 2
	// exitInterrupted: stopped by Ctrl-C (128 + SIGINT).
	exitInterrupted = 130
)

func main() {
	stop, err := startCPUProfile(os.Getenv("MINISPL_CPUPROFILE"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "minispl: %v\n", err)
		os.Exit(exitError)
	}
	status := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(status)
}

// startCPUProfile writes a CPU profile of the whole process to path (the
// environment variable MINISPL_CPUPROFILE, for measuring a real command
// with go tool pprof; not a flag, so that no command's usage shows it) and
// returns the function that ends it. An empty path profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("MINISPL_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("MINISPL_CPUPROFILE: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// env is what a command runs with: its standard streams and a context.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// usage prints the usage of the selected command on stderr; nil
	// prints nothing.
	usage func()
}

// exitRequest is the panic value of kong's Exit hook (kong exits after
// printing --help); run recovers it and returns its status.
type exitRequest struct{ code int }

// run is main with its arguments and streams passed in, for tests. It
// returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run under parent: every command but the REPL also stops
// at Ctrl-C, and one whose context is done (Ctrl-C, or a parent a test
// cancelled) stops with exitInterrupted in whatever phase it is.
func runContext(parent context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("minispl"),
		kong.Description("Run Splunk detection searches (SPL) offline over Sysmon events."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitRequest{code}) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintf(stderr, "minispl: %v\n", err)
		return exitError
	}
	defer func() {
		if r := recover(); r != nil {
			req, ok := r.(exitRequest)
			if !ok {
				panic(r)
			}
			status = req.code
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "minispl: %v\n", err)
		if errors.As(err, new(*kong.ParseError)) {
			fmt.Fprintln(stderr, "run 'minispl --help' for usage")
		}
		return exitError
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	e.usage = func() {
		// kong prints help on its Stdout; a usage error's help goes to
		// stderr.
		k := kctx.Kong
		saved := k.Stdout
		k.Stdout = stderr
		defer func() { k.Stdout = saved }()
		_ = kctx.PrintUsage(false) // help on a failing stderr cannot be reported
	}
	cmd, ok := kctx.Selected().Target.Addr().Interface().(command)
	if !ok {
		fmt.Fprintf(stderr, "minispl: no command %q\n", kctx.Command())
		return exitError
	}
	ctx := parent
	if _, repl := cmd.(*ReplCmd); !repl {
		// Ctrl-C stops a command in any phase (loading, searching,
		// writing files) with exitInterrupted; the REPL handles it
		// itself (it cancels the running search and goes on).
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	e.ctx = ctx
	return cmd.Run(e)
}

// command is implemented by every subcommand.
type command interface {
	// Run executes the command and returns the exit status.
	Run(e *env) int
}

// terminalWidth returns the width of w when it is a terminal, else 0 (no
// wrapping).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

// isTerminal reports whether v is an *os.File open on a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
