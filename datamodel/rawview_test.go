package datamodel

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// builtRawColumn is the _raw column as RawColumn built it before
// RawView (commit 6323d7e): every block decompressed through a
// blockCache and each text appended to an array.StringBuilder, the
// reference the zero-copy column must equal.
func builtRawColumn(t testing.TB, c *EventChunk) *array.String {
	t.Helper()
	sb := array.NewStringBuilder(memory.NewGoAllocator())
	defer sb.Release()
	sb.Reserve(c.raw.rows())
	sb.ReserveData(int(c.raw.bytes))
	var cache blockCache
	for b := range c.raw.blocks {
		data, err := cache.block(&c.raw.blocks[b])
		if err != nil {
			t.Fatal(err)
		}
		start := int32(0)
		for r := c.raw.first[b]; r < c.raw.first[b+1]; r++ {
			sb.BinaryBuilder.Append(data[start:c.raw.ends[r]])
			start = c.raw.ends[r]
		}
	}
	return sb.NewArray().(*array.String)
}

// viewTexts are texts of every kind (see TestRawColumnRoundTrip): empty,
// longer than a block, incompressible (plain blocks), ordinary.
func viewTexts(n int) [][]byte { return randomTexts(rand.New(rand.NewPCG(3, 4)), n) }

// randomTexts returns n event texts drawn with rng: every 97th empty, some
// longer than a block, some random bytes S2 cannot shrink (stored plain),
// the others ordinary events of random length.
func randomTexts(rng *rand.Rand, n int) [][]byte {
	var texts [][]byte
	for i := range n {
		var b []byte
		switch {
		case i%500 == 7:
			b = bytes.Repeat([]byte("<Data Name='x'>long</Data>"), 3*chunkBlockSize/26+i)
		case i%300 == 11:
			b = make([]byte, chunkBlockSize+17)
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
		case i%97 == 0:
			b = nil
		default:
			b = fmt.Appendf(nil, "<Event><EventID>%d</EventID><Data>%s</Data></Event>", i, strings.Repeat("ab", rng.IntN(900)))
		}
		texts = append(texts, b)
	}
	return texts
}

func chunkOf(texts [][]byte) *EventChunk {
	var cw rawColumnWriter
	for _, b := range texts {
		cw.add(b)
	}
	return &EventChunk{Source: "s", EventCode: "1", raw: cw.column()}
}

// TestRawColumnZeroCopy checks that the zero-copy _raw column (RawView,
// RawColumn) equals the StringBuilder's byte for byte: length, offsets,
// value bytes and no nulls, over texts of every kind, and over chunks
// whose last texts are empty (a block seal skips) or that hold one row.
func TestRawColumnZeroCopy(t *testing.T) {
	cases := map[string][][]byte{
		"mixed":       viewTexts(2000),
		"one":         {[]byte("<Event/>")},
		"empty":       {nil, nil, nil},
		"empty tail":  append(viewTexts(300), nil, nil),
		"long alone":  {bytes.Repeat([]byte("z"), 3*chunkBlockSize)},
		"long, empty": {bytes.Repeat([]byte("<a/>"), chunkBlockSize), nil},
	}
	for name, texts := range cases {
		t.Run(name, func(t *testing.T) {
			ch := chunkOf(texts)
			want := builtRawColumn(t, ch)
			defer want.Release()
			got, err := ch.RawColumn(memory.NewGoAllocator())
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			if got.Len() != want.Len() || got.Len() != len(texts) || got.NullN() != 0 {
				t.Fatalf("len %d nulls %d, want %d and 0", got.Len(), got.NullN(), want.Len())
			}
			if !slices.Equal(got.ValueOffsets(), want.ValueOffsets()) {
				t.Fatal("offsets differ")
			}
			if !bytes.Equal(got.ValueBytes(), want.ValueBytes()) {
				t.Fatal("value bytes differ")
			}
			for r, text := range texts {
				if got.Value(r) != string(text) {
					t.Fatalf("row %d differs", r)
				}
			}
			if !array.Equal(got, want) {
				t.Fatal("arrays differ")
			}
		})
	}
}

// TestRawViewDecodesOnlyWhatIsRead reads some rows of a chunk, in and
// out of order and again, through a RawView: each text must come back
// byte for byte, and the view must have decompressed exactly the
// compressed blocks of the rows read, each once; a view over a damaged
// block fails.
func TestRawViewDecodesOnlyWhatIsRead(t *testing.T) {
	texts := viewTexts(3000)
	ch := chunkOf(texts)
	col := &ch.raw
	if len(col.blocks) < 20 {
		t.Fatalf("%d blocks, want many", len(col.blocks))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var v RawView
	total := 0
	for round := range 3 {
		if err := v.Reset(ch); err != nil {
			t.Fatal(err)
		}
		var rows []int
		for r := range texts {
			if rng.IntN(40) == 0 {
				rows = append(rows, r)
			}
		}
		want := map[int]bool{}
		for _, r := range rows {
			if b := col.blockOf(r); !col.blocks[b].plain {
				want[b] = true
			}
		}
		read := slices.Clone(rows)
		read = append(read, rows...)
		rng.Shuffle(len(read), func(i, j int) { read[i], read[j] = read[j], read[i] })
		for _, r := range read {
			got, err := v.Text(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, texts[r]) {
				t.Fatalf("round %d row %d: %d bytes back, want %d", round, r, len(got), len(texts[r]))
			}
		}
		total += len(want)
		if v.Decoded() != total {
			t.Fatalf("round %d: %d blocks decoded in all, want %d (%d rows read)", round, v.Decoded(), total, len(rows))
		}
	}
	if _, err := v.Text(len(texts)); err == nil {
		t.Fatal("a row past the end read without an error")
	}
	// Every row, then another chunk: the buffers kept are bounded, and
	// reused ones give the new chunk's texts.
	for r := range texts {
		if _, err := v.Text(r); err != nil {
			t.Fatal(err)
		}
	}
	other := viewTexts(900)
	for i := range other {
		other[i] = append([]byte("other "), other[i]...)
	}
	och := chunkOf(other)
	if err := v.Reset(och); err != nil {
		t.Fatal(err)
	}
	if len(v.spare) > viewSpare || len(v.spare) == 0 {
		t.Fatalf("%d spare buffers kept, want 1 to %d", len(v.spare), viewSpare)
	}
	for r := range other {
		got, err := v.Text(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, other[r]) {
			t.Fatalf("second chunk row %d: %d bytes back, want %d", r, len(got), len(other[r]))
		}
	}
	// No row read, no block decoded; Column then decodes them all.
	var w RawView
	if err := w.Reset(ch); err != nil {
		t.Fatal(err)
	}
	if w.Decoded() != 0 {
		t.Fatalf("%d blocks decoded by Reset", w.Decoded())
	}
	arr, err := w.Column()
	if err != nil {
		t.Fatal(err)
	}
	arr.Release()
	compressed := 0
	for _, b := range col.blocks {
		if !b.plain {
			compressed++
		}
	}
	if w.Decoded() != compressed {
		t.Fatalf("Column decoded %d blocks, want %d", w.Decoded(), compressed)
	}
	if _, err := w.Text(0); err == nil {
		t.Fatal("Text after Column without Reset read without an error")
	}
	bad := &EventChunk{raw: *col}
	bad.raw.blocks = slices.Clone(col.blocks)
	for i := range bad.raw.blocks {
		if !bad.raw.blocks[i].plain {
			d := slices.Clone(bad.raw.blocks[i].data)
			d[len(d)/2] ^= 0xff
			bad.raw.blocks[i].data = d[:len(d)-3]
		}
	}
	var bv RawView
	if err := bv.Reset(bad); err != nil {
		t.Fatal(err)
	}
	if _, err := bv.Column(); err == nil {
		t.Fatal("a damaged block read without an error")
	}
}

// BenchmarkRawColumn builds the _raw column of a chunk of 8,192
// generated Sysmon texts (about 9 MB): "zerocopy" as RawColumn does now
// (RawView.Column), "builder" as it did before (builtRawColumn); MB/s of
// text.
func BenchmarkRawColumn(b *testing.B) {
	gen, _ := generated(b, 8192)
	lines := bytes.Split(bytes.TrimSuffix(gen, []byte("\n")), []byte("\n"))
	ch := chunkOf(lines)
	for _, bc := range []struct {
		name  string
		build func() (*array.String, error)
	}{
		{"zerocopy", func() (*array.String, error) { return ch.RawColumn(memory.DefaultAllocator) }},
		{"builder", func() (*array.String, error) { return builtRawColumn(b, ch), nil }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(ch.raw.bytes)
			b.ReportAllocs()
			for b.Loop() {
				a, err := bc.build()
				if err != nil {
					b.Fatal(err)
				}
				a.Release()
			}
		})
	}
}
