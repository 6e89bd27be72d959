package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/minispl/minispl/spl"
)

// This file holds the REPL's .help text for SPL commands, read from the spl
// command registry, and the command names Tab completes.

// commandNames are the SPL commands completed at the start of a pipeline
// stage, sorted: the names of the spl command registry.
var commandNames = func() []string {
	var names []string
	for _, c := range spl.Commands() {
		names = append(names, c.Name)
	}
	return names
}()

// writeCommandList writes the one-line help of every SPL command.
func writeCommandList(w io.Writer) {
	fmt.Fprintln(w, "SPL commands (.help COMMAND for its syntax):")
	for _, c := range spl.Commands() {
		fmt.Fprintf(w, "  %-12s  %s\n", c.Name, c.Help)
	}
}

// writeCommandHelp writes the help of the SPL command name, or reports
// false when there is no such command.
func writeCommandHelp(w io.Writer, name string) bool {
	c, ok := spl.LookupCommand(strings.TrimSpace(name))
	if !ok {
		return false
	}
	fmt.Fprintf(w, "%s (%s): %s\n  usage:   %s\n  example: %s\n", c.Name, c.Kind, c.Help, c.Usage, c.Example)
	return true
}
