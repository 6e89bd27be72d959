// Command sysmongen writes the generated Sysmon events of package
// sysmongen as XmlWinEventLog text, the input of the benchmarks and scale
// tests:
//
//	go run ./datamodel/sysmongen/cmd/sysmongen -events 1000000 -o big.log
//
// writes the 1M-event file (about 1.2 GB). The output is a pure function
// of -events and -seed. Without -o it writes to standard output.
//
// Imports: datamodel/sysmongen and the standard library only.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/minispl/minispl/datamodel/sysmongen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sysmongen:", err)
		os.Exit(2)
	}
}

// run parses args and writes the events.
func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sysmongen", flag.ContinueOnError)
	n := fs.Int("events", 1000000, "number of events to write")
	seed := fs.Int64("seed", 1, "random seed")
	out := fs.String("o", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	c, err := sysmongen.Write(bw, *n, *seed)
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", *out, err)
		}
	}
	fmt.Fprintf(os.Stderr, "sysmongen: %d events (%d registry, %d RMS, %d process, %d network, %d security)\n",
		*n, c.Registry, c.RMS, c.Process, c.Network, c.Security)
	return nil
}
