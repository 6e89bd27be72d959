package main

import (
	"bytes"
	"testing"

	"github.com/minispl/minispl/datamodel/sysmongen"
)

// TestRunWritesWhatWriteWrites checks that the command's output is the
// package's for the same count and seed.
func TestRunWritesWhatWriteWrites(t *testing.T) {
	var got, want bytes.Buffer
	if err := run([]string{"-events", "500", "-seed", "7"}, &got); err != nil {
		t.Fatal(err)
	}
	if _, err := sysmongen.Write(&want, 500, 7); err != nil {
		t.Fatal(err)
	}
	if got.Len() == 0 || !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("output differs from sysmongen.Write: %d bytes, want %d", got.Len(), want.Len())
	}
}
