package datamodel

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestRawColumnRoundTrip writes texts of every size into a compressed
// _raw column (empty ones, ones of many blocks' size, random bytes that
// S2 cannot shrink, stored plain) and reads each back, in order and at
// random, through a cache that must evict; every text must come back
// byte for byte.
func TestRawColumnRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := randomTexts(rng, 2000)
	var cw rawColumnWriter
	for _, b := range texts {
		cw.add(b)
	}
	col := cw.column()
	if len(col.blocks) < 10 {
		t.Fatalf("%d blocks, want many", len(col.blocks))
	}
	plain := 0
	for _, b := range col.blocks {
		if b.plain {
			plain++
		}
	}
	if plain == 0 || plain == len(col.blocks) {
		t.Fatalf("%d plain blocks of %d: want some", plain, len(col.blocks))
	}
	ch := &EventChunk{Source: "s", EventCode: "1", raw: col}
	var rd RawReader
	check := func(r int) {
		got, err := ch.Raw(r, &rd)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, texts[r]) {
			t.Fatalf("row %d: %d bytes back, want %d (%.40q)", r, len(got), len(texts[r]), got)
		}
	}
	for r := range texts {
		check(r)
	}
	for range 5000 {
		check(rng.IntN(len(texts)))
	}
	arr, err := ch.RawColumn(memory.NewGoAllocator())
	if err != nil {
		t.Fatal(err)
	}
	defer arr.Release()
	for r := range texts {
		if arr.Value(r) != string(texts[r]) {
			t.Fatalf("RawColumn row %d differs", r)
		}
	}
	if _, err := ch.Raw(len(texts), &rd); err == nil {
		t.Fatal("a row past the end read without an error")
	}
	// A damaged block is an error, not a wrong text.
	bad := &EventChunk{raw: col}
	bad.raw.blocks = slices.Clone(col.blocks)
	for i := range bad.raw.blocks {
		if !bad.raw.blocks[i].plain {
			d := slices.Clone(bad.raw.blocks[i].data)
			d[len(d)/2] ^= 0xff
			d = d[:len(d)-3]
			bad.raw.blocks[i].data = d
		}
	}
	var rd2 RawReader
	if _, err := bad.Raw(0, &rd2); err == nil {
		t.Fatal("a damaged block read without an error")
	}
}

// TestEventStoreRawRoundTrip ingests generated events, with events
// longer than the kept-text and _raw blocks among them, serially and cut
// into parts on three workers, and checks that the event store's _raw of
// every event is its input text byte for byte; then again after a second
// ingest, when the store is rebuilt from its own compressed texts.
func TestEventStoreRawRoundTrip(t *testing.T) {
	gen, _ := generated(t, 3000)
	lines := bytes.Split(bytes.TrimSuffix(gen, []byte("\n")), []byte("\n"))
	for _, i := range []int{10, 1500, 2999} {
		// A Sysmon event with a CommandLine longer than any block.
		long := bytes.Repeat([]byte("A"), logBlockSize+chunkBlockSize+i)
		l := bytes.Replace(lines[i], []byte("<Data Name='RuleName'>"), append(append([]byte("<Data Name='Long'>"), long...), []byte("</Data><Data Name='RuleName'>")...), 1)
		if bytes.Equal(l, lines[i]) {
			t.Fatalf("line %d has no RuleName: %.200s", i, lines[i])
		}
		lines[i] = l
	}
	text := append(bytes.Join(lines, []byte("\n")), '\n')
	want := make([]string, len(lines))
	for i, l := range lines {
		want[i] = string(l)
	}
	slices.Sort(want)
	storeRaws := func(s *Store) []string {
		var got []string
		var rd RawReader
		for _, ch := range s.Events().Chunks() {
			arr, err := ch.RawColumn(memory.NewGoAllocator())
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < int(ch.Batch.NumRows()); r++ {
				raw, err := ch.Raw(r, &rd)
				if err != nil {
					t.Fatal(err)
				}
				if arr.Value(r) != string(raw) {
					t.Fatalf("%s %s row %d: RawColumn and Raw differ", ch.Source, ch.EventCode, r)
				}
				got = append(got, string(raw))
			}
			arr.Release()
		}
		slices.Sort(got)
		return got
	}
	for _, workers := range []int{1, 3} {
		s := NewStore(DefaultCatalog(), Options{BatchSize: 700})
		s.impl.workers, s.impl.partSize = workers, 256<<10
		if err := s.Ingest(bytes.NewReader(text), "gen.log"); err != nil {
			t.Fatal(err)
		}
		if got := storeRaws(s); !slices.Equal(got, want) {
			t.Fatalf("workers %d: %d texts back, want %d, or some differ", workers, len(got), len(want))
		}
		// A second input: the store is rebuilt, the first input's texts
		// read back from the first store's blocks.
		cut := len(text)/3 + bytes.IndexByte(text[len(text)/3:], '\n') + 1
		if err := s.Ingest(bytes.NewReader(text[:cut]), "again.log"); err != nil {
			t.Fatal(err)
		}
		n := bytes.Count(text[:cut], []byte("\n"))
		again := slices.Clone(want)
		for _, l := range lines[:n] {
			again = append(again, string(l))
		}
		slices.Sort(again)
		if got := storeRaws(s); !slices.Equal(got, again) {
			t.Fatalf("workers %d, rebuilt: %d texts back, want %d, or some differ", workers, len(got), len(again))
		}
		for _, ch := range s.Events().Chunks() {
			if txt, stored := ch.RawBytes(); stored >= txt {
				t.Errorf("%s %s: %d bytes of text stored in %d", ch.Source, ch.EventCode, txt, stored)
			}
		}
		s.Release()
	}
}
