package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/alecthomas/kong"

	"github.com/minispl/minispl/render"
)

// ExplainCmd is `minispl explain`: the REPL's .explain from the command
// line. Every search is compiled before any event is read, as run does.
type ExplainCmd struct {
	Source sourceFlags `embed:""`
	File   []string    `short:"f" placeholder:"FILE" help:"Explain the searches of FILE (script, ESCU detection .yml, detections .jsonl or a folder of detections)."`
	Search []string    `arg:"" optional:"" name:"spl" help:"The search (quote it)."`
}

// Run explains each search: it runs it with the engine's counters and
// prints what they found (not the rows) on stdout. Status, as run's:
// exitOK when a search returned rows, exitNoResults when none did,
// exitError when a search fails, exitInterrupted at Ctrl-C.
func (c *ExplainCmd) Run(e *env) int {
	scripts, status := searches(e, c.File, c.Search)
	if status != exitOK {
		return status
	}
	s, status := newSessionFrom(e, c.Source)
	if status != exitOK {
		return status
	}
	if err := loadSource(e, s, c.Source); err != nil {
		return loadStatus(err)
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	status = exitOK
	anyRows := false
	for i := range scripts {
		sc := &scripts[i]
		if len(scripts) > 1 {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			fmt.Fprintf(e.stdout, "# %s\n", sc.Name)
		}
		q, res, prof, err := s.explain(ctx, sc.Text)
		if q != nil && q.Plan != nil {
			for _, w := range q.Plan.Warnings() {
				fmt.Fprintf(e.stderr, "warning: %s\n", w)
			}
		}
		if err != nil {
			fmt.Fprintln(e.stderr, formatError(err, sc))
			if err == errCancelled {
				return exitInterrupted
			}
			status = exitError
			continue
		}
		anyRows = anyRows || res.NumRows() > 0
		err = writeExplain(e.stdout, res.NumRows(), prof, explainOptions{Times: true, Width: terminalWidth(e.stdout), Location: s.location()})
		res.Release()
		if err != nil {
			fmt.Fprintf(e.stderr, "error: %v\n", err)
			return exitError
		}
	}
	if status == exitOK && !anyRows {
		return exitNoResults
	}
	return status
}

// formatNamed returns the format a flag names (kong checked the name).
func formatNamed(name string) render.Format {
	f, _ := render.ParseFormat(name)
	return f
}

// versionFlag is --version: it prints the module's version (a release
// tag, or "(devel)" for a build from a checkout) with the commit and
// time of the build when Go recorded them, and exits.
type versionFlag bool

// BeforeApply implements kong's hook: it runs when the flag is given.
func (versionFlag) BeforeApply(app *kong.Kong) error {
	fmt.Fprintln(app.Stdout, versionText())
	app.Exit(exitOK)
	return nil
}

// versionText is the text of --version.
func versionText() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "minispl (unknown version)"
	}
	v := "minispl " + info.Main.Version
	var rev, at, dirty string
	for _, st := range info.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.time":
			at = st.Value
		case "vcs.modified":
			if st.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += fmt.Sprintf(" (commit %s, %s%s)", rev, at, dirty)
	}
	return v + ", " + info.GoVersion
}
