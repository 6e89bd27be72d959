package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/render"
)

// CLI is the command line, parsed by kong.
type CLI struct {
	Run        RunCmd        `cmd:"" help:"Run searches over events and print their results."`
	Check      CheckCmd      `cmd:"" help:"Expand and parse searches without data; print the expanded search."`
	Datamodels DatamodelsCmd `cmd:"" help:"List the data model datasets and their fields."`
	Repl       ReplCmd       `cmd:"" help:"Interactive shell (reads lines from stdin when it is not a terminal)."`
}

// sourceFlags are the inputs shared by run and repl.
type sourceFlags struct {
	Data   []string `short:"d" placeholder:"PATH" help:"Sysmon XmlWinEventLog file, or folder searched for *.log, *.txt and *.xml files (repeatable). Without it, a small embedded sample is searched."`
	Macros []string `short:"m" placeholder:"PATH" help:"Macro definitions: macros.conf, ESCU macro .yml, macros.jsonl, or a folder of them (repeatable)."`
	// BatchSize is for tests and experiments: results must not depend on it.
	BatchSize int `name:"batch-size" placeholder:"N" help:"Rows per Arrow record batch (0: default)."`
}

// RunCmd is `minispl run`.
type RunCmd struct {
	Source      sourceFlags `embed:""`
	Format      string      `enum:"table,csv,json,markdown" default:"table" help:"Output format: table, csv, json or markdown."`
	File        string      `short:"f" placeholder:"FILE" help:"Run the searches of FILE: a script (searches separated by blank lines or ';', # comments, '# name: NAME' names the next search) or an ESCU detection .yml."`
	FailOnEmpty bool        `name:"fail-on-empty" aliases:"expect-results" help:"Exit with status 1 when any search returns no rows (alias --expect-results: every search must return rows)."`
	Search      []string    `arg:"" optional:"" name:"spl" help:"The search (quote it); several arguments are joined with spaces."`
}

// CheckCmd is `minispl check`.
type CheckCmd struct {
	Macros []string `short:"m" placeholder:"PATH" help:"Macro definitions (repeatable), as for run."`
	AST    bool     `name:"ast" help:"Also print the parsed search in canonical SPL."`
	File   string   `short:"f" placeholder:"FILE" help:"Check the searches of FILE (script or ESCU detection .yml)."`
	Search []string `arg:"" optional:"" name:"spl" help:"The search (quote it)."`
}

// DatamodelsCmd is `minispl datamodels`.
type DatamodelsCmd struct {
	Format string `enum:"table,csv,json,markdown" default:"table" help:"Output format."`
}

// ReplCmd is `minispl repl`.
type ReplCmd struct {
	Source sourceFlags `embed:""`
	Format string      `enum:"table,csv,json,markdown" default:"table" help:"Initial output format (.format changes it)."`
}

// searches returns the searches named by -f or the positional arguments.
func searches(e *env, file string, args []string) ([]script, int) {
	switch {
	case file != "" && len(args) > 0:
		fmt.Fprintln(e.stderr, "minispl: give either -f FILE or a search, not both")
		return nil, exitUsage
	case file != "":
		scripts, err := readScripts(file)
		if err != nil {
			fmt.Fprintf(e.stderr, "error: %v\n", err)
			return nil, exitFail
		}
		return scripts, exitOK
	case len(args) == 0:
		fmt.Fprintln(e.stderr, "minispl: no search given (pass it as an argument or use -f FILE)")
		return nil, exitUsage
	}
	return []script{{Text: strings.Join(args, " ")}}, exitOK
}

// openSession builds a session and loads its data, printing the ingest
// summary on stderr.
func openSession(e *env, src sourceFlags) (*session, bool) {
	s, err := newSession(sessionOptions{Macros: src.Macros, BatchSize: src.BatchSize})
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return nil, false
	}
	var st datamodel.Stats
	note := ""
	if len(src.Data) == 0 {
		st, err = s.loadSample()
		note = " (embedded sample; use --data for your own events)"
	} else {
		st, err = s.loadData(src.Data)
	}
	if err == nil || st.Files > 0 {
		fmt.Fprintln(e.stderr, st.String()+note)
	}
	for _, p := range problemLines(st) {
		fmt.Fprintln(e.stderr, p)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return nil, false
	}
	return s, true
}

// Run runs the searches.
func (c *RunCmd) Run(e *env) int {
	scripts, status := searches(e, c.File, c.Search)
	if status != exitOK {
		return status
	}
	s, ok := openSession(e, c.Source)
	if !ok {
		return exitFail
	}
	format := render.Format(c.Format)
	width := terminalWidth(e.stdout)
	status = exitOK
	for i := range scripts {
		sc := &scripts[i]
		if len(scripts) > 1 {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			fmt.Fprintf(e.stdout, "# %s\n", sc.Name)
		}
		rows, err := runOne(e, s, sc, format, width)
		switch {
		case err != nil:
			fmt.Fprintln(e.stderr, formatError(err, sc))
			status = exitFail
		case rows == 0 && c.FailOnEmpty:
			if sc.Name != "" {
				fmt.Fprintf(e.stderr, "error: %s returned no results (--fail-on-empty)\n", sc.Name)
			} else {
				fmt.Fprintln(e.stderr, "error: the search returned no results (--fail-on-empty)")
			}
			status = exitFail
		}
	}
	return status
}

// runOne runs one search with Ctrl-C cancelling it, prints plan warnings on
// stderr and the result on stdout, and returns the number of rows.
func runOne(e *env, s *session, sc *script, format render.Format, width int) (int, error) {
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	res, plan, err := s.run(ctx, sc.Text)
	if plan != nil {
		for _, w := range plan.Warnings() {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
	}
	if err != nil {
		return 0, err
	}
	defer res.Release()
	if err := render.Write(e.stdout, res, format, render.Options{Width: width}); err != nil {
		return 0, err
	}
	return res.NumRows(), nil
}

// Run checks the searches.
func (c *CheckCmd) Run(e *env) int {
	scripts, status := searches(e, c.File, c.Search)
	if status != exitOK {
		return status
	}
	s, err := newSession(sessionOptions{Macros: c.Macros})
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitFail
	}
	for i := range scripts {
		sc := &scripts[i]
		if len(scripts) > 1 {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			fmt.Fprintf(e.stdout, "# %s\n", sc.Name)
		}
		p, x, err := s.parse(sc.Text)
		if err == nil {
			fmt.Fprintln(e.stdout, strings.TrimSpace(x.Text))
			if c.AST {
				fmt.Fprintf(e.stdout, "ast: %s\n", p.String())
			}
			// Planning needs no events: it finds unknown datasets,
			// fields and commands.
			var plan interface{ Warnings() []string }
			plan, err = s.eng.Plan(p)
			if err != nil {
				err = relocate(x, err)
			} else {
				for _, w := range plan.Warnings() {
					fmt.Fprintf(e.stderr, "warning: %s\n", w)
				}
			}
		}
		if err != nil {
			fmt.Fprintln(e.stderr, formatError(err, sc))
			status = exitFail
		}
	}
	return status
}

// Run lists the datasets.
func (c *DatamodelsCmd) Run(e *env) int {
	if err := render.Write(e.stdout, catalogTable(datamodel.DefaultCatalog()), render.Format(c.Format), render.Options{Width: terminalWidth(e.stdout)}); err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return exitFail
	}
	return exitOK
}

// Run starts the REPL.
func (c *ReplCmd) Run(e *env) int {
	s, ok := openSession(e, c.Source)
	if !ok {
		return exitFail
	}
	r := newREPL(s, e.stdout, e.stderr)
	r.format = render.Format(c.Format)
	if isTerminal(e.stdin) && isTerminal(e.stdout) {
		return r.runTerminal(e.ctx)
	}
	return r.runLines(e.ctx, e.stdin)
}
