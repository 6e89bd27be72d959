package sysmongen

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	ca, err := Write(&a, 500, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(&b, 500, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(&c, 500, 8); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same seed gave different output")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds gave the same output")
	}
	lines := strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n")
	if len(lines) != 500 {
		t.Fatalf("got %d lines, want 500", len(lines))
	}
	if got := ca.Registry + ca.Process + ca.Network + ca.Security; got != 500 {
		t.Errorf("counts sum to %d, want 500: %+v", got, ca)
	}
	if ca.RMS != 500/RMSEvery {
		t.Errorf("RMS = %d, want %d", ca.RMS, 500/RMSEvery)
	}
	rms := 0
	for _, l := range lines {
		if !strings.HasPrefix(l, "<Event xmlns='") || !strings.HasSuffix(l, "</Event>") {
			t.Fatalf("not a one-line event: %.80q", l)
		}
		if strings.Contains(l, `\SYSTEM\Remote Manipulator System\`) {
			rms++
		}
	}
	if rms != ca.RMS {
		t.Errorf("%d lines hold the RMS path, counts say %d", rms, ca.RMS)
	}
}

func TestWriteNegative(t *testing.T) {
	if _, err := Write(&bytes.Buffer{}, -1, 1); err == nil {
		t.Error("want an error for a negative count")
	}
}
