package evtx

import (
	"bytes"
	"encoding/binary"
	"testing"

	w "github.com/minispl/minispl/evtx/internal/evtxwrite"
)

// fuzzSeeds are files of the writer, cut after their last record so that
// the fuzzer works on a few kilobytes (a partial last chunk is read like a
// whole one).
func fuzzSeeds(t testing.TB) [][]byte {
	short := func(b []byte) []byte {
		c := chunkAt(b, 0)
		free := int(binary.LittleEndian.Uint32(c[48:]))
		return b[:FileHeaderSize+free]
	}
	var seeds [][]byte
	seeds = append(seeds, short(corpus(t, 1, 3)))
	wr := w.New()
	root := w.E("A", nil, w.E("Data", nil, sub(0, 0x81)), w.E("S", nil, sub(1, 0x93)),
		&w.Elem{Name: "D", Dep: 2, Children: []w.Node{sub(2, 0x0F)}}, w.E("N", nil, opt(3, 0x21)))
	inner := &w.Template{GUID: w.ParseGUID("{00000009-0000-0000-0000-000000000000}"), Root: w.E("In", nil, sub(0, 0x11), sub(1, 0x15))}
	tm := &w.Template{GUID: w.ParseGUID("{00000008-0000-0000-0000-000000000000}"), Root: root}
	mustAdd(t, wr, w.Record{Event: &w.Instance{Template: tm, Values: []w.Value{
		w.StringArray("a", "b"), w.SIDArray("S-1-5-18"), w.Null(),
		w.Nested(&w.Instance{Template: inner, Values: []w.Value{w.Hex64(1), w.Hex64(2)}})}}})
	mustAdd(t, wr, w.Record{Plain: w.E("E", nil, w.EntityRef("amp"), w.CharRef(66), w.CDATA("c"), w.PI{Target: "p", Data: "d"})})
	seeds = append(seeds, short(wr.Bytes()))
	return seeds
}

// FuzzReader: no input panics the reader or makes it loop; every record it
// finds is returned or counted skipped with a problem, and reading chunk by
// chunk gives the counts of the serial read.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		returned := 0
		st, err := file.Records(func(r Record) error {
			if len(r.XML) == 0 {
				t.Fatal("empty record XML")
			}
			returned++
			return nil
		})
		if err != nil {
			t.Fatalf("Records on an in-memory file: %v", err)
		}
		if st.Records != returned || st.Chunks != file.NumChunks() {
			t.Fatalf("stats %+v, returned %d, %d chunks", st, returned, file.NumChunks())
		}
		skipped, sum := 0, 0
		for _, p := range st.Problems {
			if p.Skipped && p.Offset != 0 {
				skipped++
			}
			if p.String() == "" {
				t.Fatal("empty problem")
			}
		}
		if skipped != st.Skipped {
			t.Fatalf("%d record problems for %d skipped", skipped, st.Skipped)
		}
		for i := 0; i < file.NumChunks(); i++ {
			cs, err := file.ReadChunk(i, func(Record) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			sum += cs.Records
		}
		if sum != st.Records {
			t.Fatalf("chunk by chunk %d records, serial %d", sum, st.Records)
		}
	})
}
