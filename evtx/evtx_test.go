package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	w "github.com/minispl/minispl/evtx/internal/evtxwrite"
)

// readAll reads every record of the file in b and returns the XML texts.
func readAll(t testing.TB, b []byte) ([]string, Stats) {
	t.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var out []string
	st, err := f.Records(func(r Record) error {
		out = append(out, string(r.XML))
		return nil
	})
	if err != nil {
		t.Fatalf("Records: %v", err)
	}
	return out, st
}

func mustAdd(t testing.TB, wr *w.Writer, r w.Record) {
	t.Helper()
	if err := wr.Add(r); err != nil {
		t.Fatal(err)
	}
}

// one renders a single record made of template root and values.
func one(t *testing.T, root *w.Elem, vals ...w.Value) string {
	t.Helper()
	wr := w.New()
	tmpl := &w.Template{GUID: w.ParseGUID("{00000001-0000-0000-0000-000000000000}"), Root: root}
	mustAdd(t, wr, w.Record{Event: &w.Instance{Template: tmpl, Values: vals}})
	out, st := readAll(t, wr.Bytes())
	if st.Skipped != 0 || len(out) != 1 {
		t.Fatalf("got %d records, %d skipped: %v", len(out), st.Skipped, st.Problems)
	}
	return out[0]
}

func sub(i int, typ byte) w.Node { return w.Subst{Index: i, Type: typ} }
func opt(i int, typ byte) w.Node { return w.Subst{Index: i, Type: typ, Optional: true} }
func attr(name string, v ...w.Node) []w.Attr {
	return []w.Attr{{Name: name, Value: v}}
}

const ns = "http://schemas.microsoft.com/win/2004/08/events/event"

func sysmonEvent() w.Event {
	return w.Event{
		Provider: "Microsoft-Windows-Sysmon", ProviderGUID: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
		EventID: 13, Qualifiers: -1, Version: 2, Level: 4, Task: 13, Keywords: 0x8000000000000000,
		TimeCreated: time.Date(2024, 9, 30, 14, 5, 10, 123456700, time.UTC), RecordID: 4242,
		ProcessID: 2000, ThreadID: 3000, Channel: "Microsoft-Windows-Sysmon/Operational",
		Computer: "win-dc-01.attackrange.local", UserID: "S-1-5-18",
		Data: []w.NameValue{
			w.NV("RuleName", ""), w.NV("EventType", "SetValue"), w.NV("UtcTime", "2024-09-30 14:05:10.123"),
			w.NV("TargetObject", `HKLM\SYSTEM\Remote Manipulator System\v4\Server\Parameters\Options`),
			w.NV("Details", `rms & co <x> 'q' "d"`),
		},
	}
}

// TestSysmonEvent checks the whole Windows form of an event: single
// quotes, no whitespace, CloseEmpty elements as "/>", an empty Data as
// "></Data>", attributes with a Null value dropped (Qualifiers,
// Correlation's ActivityID), '&' '<' '>' escaped in text and quotes kept,
// FILETIME with 9 digits, GUID upper case in braces, Keywords unpadded hex.
func TestSysmonEvent(t *testing.T) {
	wr := w.New()
	if err := wr.AddEvent(sysmonEvent()); err != nil {
		t.Fatal(err)
	}
	out, st := readAll(t, wr.Bytes())
	want := "<Event xmlns='" + ns + "'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/>" +
		"<EventID>13</EventID><Version>2</Version><Level>4</Level><Task>13</Task><Opcode>0</Opcode>" +
		"<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2024-09-30T14:05:10.123456700Z'/>" +
		"<EventRecordID>4242</EventRecordID><Correlation/><Execution ProcessID='2000' ThreadID='3000'/>" +
		"<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>win-dc-01.attackrange.local</Computer>" +
		"<Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'></Data><Data Name='EventType'>SetValue</Data>" +
		"<Data Name='UtcTime'>2024-09-30 14:05:10.123</Data>" +
		`<Data Name='TargetObject'>HKLM\SYSTEM\Remote Manipulator System\v4\Server\Parameters\Options</Data>` +
		`<Data Name='Details'>rms &amp; co &lt;x&gt; 'q' "d"</Data></EventData></Event>`
	if len(out) != 1 || out[0] != want {
		t.Fatalf("got %q\nwant %q", out, want)
	}
	if st.Records != 1 || st.Skipped != 0 || len(st.Problems) != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestTemplateReuse writes many events of two shapes into several chunks:
// after the first record of a chunk the System and EventData templates and
// every name are references by offset, not inline.
func TestTemplateReuse(t *testing.T) {
	wr := w.New()
	const n = 300 // several chunks
	for i := 0; i < n; i++ {
		ev := sysmonEvent()
		ev.RecordID = uint64(1000 + i)
		if i%3 == 0 {
			ev.EventID = 1
			ev.Data = []w.NameValue{w.NV("Image", fmt.Sprintf(`C:\p%d.exe`, i)), w.NV("CommandLine", "x")}
		}
		if err := wr.AddEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	if wr.NumChunks() < 2 {
		t.Fatalf("want several chunks, got %d", wr.NumChunks())
	}
	out, st := readAll(t, wr.Bytes())
	if len(out) != n || st.Skipped != 0 {
		t.Fatalf("got %d records, %d skipped: %v", len(out), st.Skipped, st.Problems)
	}
	for i, x := range out {
		if !strings.Contains(x, fmt.Sprintf("<EventRecordID>%d</EventRecordID>", 1000+i)) {
			t.Fatalf("record %d out of order: %s", i, x)
		}
		if i%3 == 0 && !strings.Contains(x, fmt.Sprintf(`<EventData><Data Name='Image'>C:\p%d.exe</Data><Data Name='CommandLine'>x</Data></EventData>`, i)) {
			t.Fatalf("record %d: %s", i, x)
		}
	}
}

// TestValueTypes renders each substitution value type once (evtx-format.md
// §6-§7, the Windows column).
func TestValueTypes(t *testing.T) {
	sidBig := []byte{1, 0, 1, 0, 0, 0, 0, 0} // authority 2^40: hexadecimal
	cases := []struct {
		v    w.Value
		want string
	}{
		{w.Null(), ""},
		{w.Int8(-5), "-5"},
		{w.UInt8(200), "200"},
		{w.Int16(-300), "-300"},
		{w.UInt16(65535), "65535"},
		{w.Int32(-70000), "-70000"},
		{w.UInt32(4000000000), "4000000000"},
		{w.Int64(-1), "-1"},
		{w.UInt64(18446744073709551615), "18446744073709551615"},
		{w.Real32(1.5), "1.5"},
		{w.Real64(3199.234), "3199.234"},
		{w.Bool(0), "false"},
		{w.Bool(1), "true"},
		{w.Bool(2), "true"}, // non-0/1 is true, as evtxexport prints it
		{w.Binary([]byte{0xD9, 0x06, 0, 0}), "D9060000"},
		{w.GUID("{365abb72-a965-5c8e-0000-0010d9100400}"), "{365ABB72-A965-5C8E-0000-0010D9100400}"},
		{w.SizeT32(0x1e4), "0x1e4"},
		{w.SizeT64(0), "0x0"},
		{w.FileTime(time.Date(2021, 11, 3, 8, 34, 27, 978376200, time.UTC)), "2021-11-03T08:34:27.978376200Z"},
		{w.Value{Type: 0x11, Data: make([]byte, 8)}, "1601-01-01T00:00:00.000000000Z"},
		{w.SysTime(time.Date(2019, 3, 8, 23, 23, 5, 7e6, time.UTC)), "2019-03-08T23:23:05.007Z"},
		{w.SID("S-1-5-21-1004336348-1177238915-682003330-1001"), "S-1-5-21-1004336348-1177238915-682003330-1001"},
		{w.Value{Type: 0x13, Data: sidBig}, "S-1-0x010000000000"},
		{w.Hex32(0x1000), "0x1000"},
		{w.Hex64(0x3e7), "0x3e7"},
		{w.Hex64(0), "0x0"},
		{w.String("smile \U0001F600 lone \xed\xa0\x80"), "smile \U0001F600 lone \uFFFD"},
		{w.Value{Type: 0x01, Data: []byte{'a', 0, 'b', 0, 0, 0, 'c', 0}}, "ab"}, // cut at NUL
		{w.Ansi([]byte{'a', '&', 0x80, 0xE9, 0, 'z'}), "a&amp;\u20ac\u00e9"},
	}
	// A lone surrogate cannot be encoded from Go text: write it by hand.
	cases[26].v.Data = append(w.String("smile \U0001F600 lone ").Data, 0x00, 0xD8)
	var ch []w.Node
	var vals []w.Value
	for i, c := range cases {
		ch = append(ch, w.E("V", nil, sub(i, c.v.Type)))
		vals = append(vals, c.v)
	}
	got := one(t, w.E("T", nil, ch...), vals...)
	var want strings.Builder
	want.WriteString("<T>")
	for _, c := range cases {
		want.WriteString("<V>" + c.want + "</V>")
	}
	want.WriteString("</T>")
	if got != want.String() {
		g, wt := strings.Split(got, "<V>"), strings.Split(want.String(), "<V>")
		for i := range min(len(g), len(wt)) {
			if g[i] != wt[i] {
				t.Errorf("case %d: got %q want %q", i-1, g[i], wt[i])
			}
		}
		t.Fatalf("got  %s\nwant %s", got, want.String())
	}
}

// TestBadValueSizes: a value whose size does not fit its type skips the
// record with a reason naming the type.
func TestBadValueSizes(t *testing.T) {
	wr := w.New()
	tmpl := &w.Template{GUID: w.ParseGUID("{00000002-0000-0000-0000-000000000000}"), Root: w.E("T", nil, sub(0, 0x0F))}
	mustAdd(t, wr, w.Record{Event: &w.Instance{Template: tmpl, Values: []w.Value{{Type: 0x0F, Data: []byte{1, 2, 3}}}}})
	mustAdd(t, wr, w.Record{Event: &w.Instance{Template: tmpl, Values: []w.Value{w.GUID("{00000000-0000-0000-0000-000000000001}")}}})
	out, st := readAll(t, wr.Bytes())
	if len(out) != 1 || st.Skipped != 1 || len(st.Problems) != 1 {
		t.Fatalf("got %d records, stats %+v", len(out), st)
	}
	if p := st.Problems[0].String(); !strings.Contains(p, "chunk 0: record 1 at offset 0x200: BinXML at offset") || !strings.Contains(p, "value of type 0x0f has 3 bytes") {
		t.Errorf("problem %q", p)
	}
}

// TestArrays: an array that is the only content of an element repeats the
// element per item (MS-EVEN6 §3.1.4.7.5), an empty array gives one empty
// element, and elsewhere (attribute, mixed content) items are joined by
// ", ".
func TestArrays(t *testing.T) {
	root := w.E("A", nil,
		w.E("Data", nil, sub(0, 0x81)),
		w.E("Data", nil, sub(1, 0x81)),
		&w.Elem{Name: "U", Dep: -1, Attrs: attr("v", sub(2, 0x86)), Empty: true},
		w.E("S", attr("k", w.Text("x")), sub(3, 0x93)),
		w.E("M", nil, w.Text("x"), sub(2, 0x86)),
	)
	got := one(t, root, w.StringArray("a", "b&c", ""), w.StringArray(), w.UInt16Array(1, 2), w.SIDArray("S-1-5-18", "S-1-1-0"))
	want := "<A><Data>a</Data><Data>b&amp;c</Data><Data></Data><Data></Data><U v='1, 2'/>" +
		"<S k='x'>S-1-5-18</S><S k='x'>S-1-1-0</S><M>x1, 2</M></A>"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestOptionalAndDependency: Null renders nothing (an optional or a normal
// substitution alike), an attribute whose value renders empty is dropped,
// an element whose dependency value is Null is dropped, an out-of-range
// index renders nothing.
func TestOptionalAndDependency(t *testing.T) {
	root := w.E("R", nil,
		w.E("Opt", nil, opt(0, 0x01)),
		w.E("Norm", nil, sub(0, 0x01)),
		&w.Elem{Name: "Gone", Dep: 0, Children: []w.Node{w.Text("never")}},
		&w.Elem{Name: "Kept", Dep: 1, Children: []w.Node{sub(1, 0x01)}},
		&w.Elem{Name: "C", Dep: -1, Attrs: []w.Attr{{Name: "A", Value: []w.Node{opt(0, 0x0F)}}, {Name: "B", Value: []w.Node{w.Text("t"), opt(0, 0x0F)}}}, Empty: true},
		w.E("Out", nil, sub(9, 0x01)),
	)
	want := "<R><Opt></Opt><Norm></Norm><Kept>v</Kept><C B='t'/><Out></Out></R>"
	if got := one(t, root, w.Null(), w.String("v")); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// The same template written without dependency ids (evtx-format.md
	// §5.2): the reader detects their absence; "Gone" now renders.
	wr := w.New()
	tmpl := &w.Template{GUID: w.ParseGUID("{00000003-0000-0000-0000-000000000000}"), Root: root, NoDepIDs: true}
	mustAdd(t, wr, w.Record{Event: &w.Instance{Template: tmpl, Values: []w.Value{w.Null(), w.String("v")}}})
	out, _ := readAll(t, wr.Bytes())
	want = "<R><Opt></Opt><Norm></Norm><Gone>never</Gone><Kept>v</Kept><C B='t'/><Out></Out></R>"
	if len(out) != 1 || out[0] != want {
		t.Fatalf("without dependency ids: got %q\nwant %q", out, want)
	}
}

// TestTemplateless: a record of plain elements and text (saved/forwarded
// events, evtx-format.md §5.9) with entity and character references,
// CDATA and a processing instruction, in content and in attributes.
func TestTemplateless(t *testing.T) {
	root := w.E("Event", attr("xmlns", w.Text(ns)),
		w.E("System", nil,
			&w.Elem{Name: "Provider", Dep: -1, Attrs: attr("Guid", w.Text("{11cd958a-c507-4ef3-b3f2-5fd9dfbd2c78}")), Empty: true},
			w.E("EventID", nil, w.Text("1116")),
			&w.Elem{Name: "Q", Dep: -1, Attrs: attr("v", w.Text("a"), w.EntityRef("amp"), w.Text("b'c")), Empty: true}),
		w.E("EventData", nil,
			w.E("Data", attr("Name", w.Text("FWLink")), w.Text("https://x/?l=1"), w.EntityRef("amp"), w.Text("c=2")),
			w.E("Data", attr("Name", w.Text("C")), w.CharRef(65)),
			w.E("Data", attr("Name", w.Text("D")), w.CDATA("<raw & text>")),
			w.E("Data", attr("Name", w.Text("P")), w.PI{Target: "pi", Data: "x=1"}),
		))
	wr := w.New()
	mustAdd(t, wr, w.Record{Plain: root})
	mustAdd(t, wr, w.Record{Plain: root}) // names now referenced by offset
	out, st := readAll(t, wr.Bytes())
	want := "<Event xmlns='" + ns + "'><System><Provider Guid='{11cd958a-c507-4ef3-b3f2-5fd9dfbd2c78}'/><EventID>1116</EventID><Q v='a&amp;b&apos;c'/></System>" +
		"<EventData><Data Name='FWLink'>https://x/?l=1&amp;c=2</Data><Data Name='C'>&#65;</Data>" +
		"<Data Name='D'><![CDATA[<raw & text>]]></Data><Data Name='P'><?pi x=1?></Data></EventData></Event>"
	if len(out) != 2 || out[0] != want || out[1] != want || st.Skipped != 0 {
		t.Fatalf("got %q\nwant %q\n%+v", out, want, st)
	}
}

// corpus writes n events into chunks of perChunk events each.
func corpus(t testing.TB, chunks, perChunk int) []byte {
	wr := w.New()
	for c := 0; c < chunks; c++ {
		wr.NewChunk()
		for i := 0; i < perChunk; i++ {
			ev := sysmonEvent()
			ev.RecordID = uint64(c*100 + i + 1)
			if err := wr.AddEvent(ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	if wr.NumChunks() != chunks {
		t.Fatalf("wrote %d chunks, want %d", wr.NumChunks(), chunks)
	}
	return wr.Bytes()
}

// chunkAt returns the bytes of chunk i of file b.
func chunkAt(b []byte, i int) []byte {
	return b[FileHeaderSize+i*ChunkSize : FileHeaderSize+(i+1)*ChunkSize]
}

// recordOffsets lists the chunk-relative record offsets of a chunk.
func recordOffsets(c []byte) []int {
	var offs []int
	free := int(binary.LittleEndian.Uint32(c[48:]))
	for pos := 512; pos < free; pos += int(binary.LittleEndian.Uint32(c[pos+4:])) {
		offs = append(offs, pos)
	}
	return offs
}

func ids(t *testing.T, xs []string) []int {
	t.Helper()
	var out []int
	for _, x := range xs {
		var id int
		i := strings.Index(x, "<EventRecordID>")
		if _, err := fmt.Sscanf(x[i+len("<EventRecordID>"):], "%d", &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func problems(st Stats) string {
	var s []string
	for _, p := range st.Problems {
		s = append(s, p.String())
	}
	return strings.Join(s, "; ")
}

// TestCorruption damages a three-chunk file in each of the ways dirty and
// damaged files show (evtx-format.md §3, §9) and checks that every readable
// record is returned, every damaged one counted with its reason, and the
// rest of the file still read.
func TestCorruption(t *testing.T) {
	const per = 5
	clean := corpus(t, 3, per)
	all := []int{1, 2, 3, 4, 5, 101, 102, 103, 104, 105, 201, 202, 203, 204, 205}
	cases := []struct {
		name        string
		damage      func(b []byte) []byte
		wantIDs     []int
		skipped     int
		unreadable  int
		wantProblem string
	}{
		{"clean", func(b []byte) []byte { return b }, all, 0, 0, ""},
		{"bad header checksum", func(b []byte) []byte {
			chunkAt(b, 1)[60] ^= 0xFF // an unused header byte
			return b
		}, all, 0, 0, "chunk 1: bad header checksum (records read anyway)"},
		{"bad data checksum", func(b []byte) []byte {
			c := chunkAt(b, 2)
			off := recordOffsets(c)[4]
			c[off+16] ^= 1 // the written time of the last record
			return b
		}, all, 0, 0, "chunk 2: bad data checksum (records read anyway)"},
		{"bad file header checksum", func(b []byte) []byte {
			b[100] = 7
			return b
		}, all, 0, 0, "file header: bad file header checksum (chunks read anyway)"},
		{"bad chunk signature", func(b []byte) []byte {
			copy(chunkAt(b, 1), "XXXXXXXX")
			return b
		}, []int{1, 2, 3, 4, 5, 201, 202, 203, 204, 205}, 0, 1, `chunk 1: bad signature "XXXXXXXX"`},
		{"torn record", func(b []byte) []byte {
			c := chunkAt(b, 0)
			off := recordOffsets(c)[1]
			size := int(binary.LittleEndian.Uint32(c[off+4:]))
			binary.LittleEndian.PutUint32(c[off+size-4:], 0)
			return b
		}, []int{1, 3, 4, 5, 101, 102, 103, 104, 105, 201, 202, 203, 204, 205}, 1, 0, "chunk 0: record 2 at offset 0x"},
		{"bad record size", func(b []byte) []byte {
			c := chunkAt(b, 0)
			off := recordOffsets(c)[3]
			binary.LittleEndian.PutUint32(c[off+4:], 0)
			return b
		}, []int{1, 2, 3, 101, 102, 103, 104, 105, 201, 202, 203, 204, 205}, 1, 0, "bad record size 0; rest of chunk not read"},
		{"bad record signature", func(b []byte) []byte {
			c := chunkAt(b, 2)
			copy(c[recordOffsets(c)[2]:], "ab")
			return b
		}, []int{1, 2, 3, 4, 5, 101, 102, 103, 104, 105, 201, 202}, 1, 0, `bad record signature "ab\x00\x00"`},
		{"bad BinXML token", func(b []byte) []byte {
			// The second record of chunk 1 references the templates by
			// offset: its first value descriptor gets an unknown type.
			c := chunkAt(b, 1)
			off := recordOffsets(c)[1]
			// header, fragment header, instance head (10 bytes), count
			c[off+24+4+10+4+2] = 0x77
			return b
		}, []int{1, 2, 3, 4, 5, 101, 103, 104, 105, 201, 202, 203, 204, 205}, 1, 0, "unknown value type 0x77"},
		{"broken template definition", func(b []byte) []byte {
			// The first record of chunk 2 defines the templates inline: a
			// bad token inside the definition loses every record of the
			// chunk that uses it, each counted.
			c := chunkAt(b, 2)
			off := recordOffsets(c)[0]
			// instance head, next, GUID, size, fragment header, then the
			// element start token of <Event>
			c[off+24+4+10+4+16+4+4] = 0x66
			return b
		}, []int{1, 2, 3, 4, 5, 101, 102, 103, 104, 105}, 5, 0, "unexpected token 0x66 in template definition"},
		{"zero chunk in the middle", func(b []byte) []byte {
			clear(chunkAt(b, 1))
			return b
		}, []int{1, 2, 3, 4, 5, 201, 202, 203, 204, 205}, 0, 0, ""},
		{"truncated inside a record", func(b []byte) []byte {
			c := chunkAt(b, 2)
			off := recordOffsets(c)[3]
			return b[:FileHeaderSize+2*ChunkSize+off+40]
		}, []int{1, 2, 3, 4, 5, 101, 102, 103, 104, 105, 201, 202, 203}, 1, 0, "cut off by end of file"},
		{"truncated inside a chunk header", func(b []byte) []byte {
			return b[:FileHeaderSize+2*ChunkSize+300]
		}, []int{1, 2, 3, 4, 5, 101, 102, 103, 104, 105}, 0, 1, "chunk 2: truncated: 300 bytes, shorter than the 512-byte chunk header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.damage(bytes.Clone(clean))
			out, st := readAll(t, b)
			if got := ids(t, out); fmt.Sprint(got) != fmt.Sprint(c.wantIDs) {
				t.Errorf("records %v, want %v (%s)", got, c.wantIDs, problems(st))
			}
			if st.Skipped != c.skipped || st.UnreadableChunks != c.unreadable {
				t.Errorf("skipped %d unreadable %d, want %d %d (%s)", st.Skipped, st.UnreadableChunks, c.skipped, c.unreadable, problems(st))
			}
			if st.Records != len(out) {
				t.Errorf("Stats.Records %d, returned %d", st.Records, len(out))
			}
			if c.wantProblem == "" && len(st.Problems) != 0 || !strings.Contains(problems(st), c.wantProblem) {
				t.Errorf("problems %q, want one containing %q", problems(st), c.wantProblem)
			}
			// Every skipped record has a problem marked Skipped.
			n := 0
			for _, p := range st.Problems {
				if p.Skipped && p.Offset != 0 {
					n++
				}
				if p.Kind == "" {
					t.Errorf("problem %q has no Kind", p)
				}
			}
			if n != st.Skipped {
				t.Errorf("%d record problems for %d skipped", n, st.Skipped)
			}
		})
	}
}

// TestSlackNotCounted: record images in a chunk's unused space (old
// records, "recovered" by some tools) are not returned, whether the
// reader stops at the free-space offset or at the last record id.
func TestSlackNotCounted(t *testing.T) {
	b := corpus(t, 1, 3)
	c := chunkAt(b, 0)
	offs := recordOffsets(c)
	free := int(binary.LittleEndian.Uint32(c[48:]))
	rec := c[offs[0]:offs[1]]
	copy(c[free:], rec) // a valid record image after the allocated ones
	w.FixChunkHeaderCRC(c)
	out, st := readAll(t, b)
	if len(out) != 3 || st.Skipped != 0 {
		t.Fatalf("got %d records, %+v", len(out), st)
	}
	// A lying free-space offset (evtx-format.md §3.2): the last record id
	// still ends the chunk.
	binary.LittleEndian.PutUint32(c[48:], ChunkSize)
	w.FixChunkHeaderCRC(c)
	out, st = readAll(t, b)
	if len(out) != 3 || st.Skipped != 0 {
		t.Fatalf("with a lying free-space offset: got %d records, %+v", len(out), st)
	}
}

func TestOpenErrors(t *testing.T) {
	clean := corpus(t, 1, 1)
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{[]byte("<Event xmlns='x'>"), "not an EVTX file"},
		{clean[:100], "shorter than the 128-byte file header"},
		{[]byte{}, "shorter than the 128-byte file header"},
		{func() []byte { b := bytes.Clone(clean); b[38] = 2; return b }(), "unsupported format version 2.1"},
	} {
		_, err := Open(bytes.NewReader(c.b), int64(len(c.b)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open: %v, want %q", err, c.want)
		}
	}
	_, err := Open(bytes.NewReader([]byte("PK\x03\x04 not evtx")), 16)
	if !errors.Is(err, ErrNotEVTX) {
		t.Errorf("want ErrNotEVTX, got %v", err)
	}
	// Only the header: no chunks, nothing to read, no error.
	f, err := Open(bytes.NewReader(clean[:FileHeaderSize]), FileHeaderSize)
	if err != nil || f.NumChunks() != 0 {
		t.Fatalf("header only: %v, %d chunks", err, f.NumChunks())
	}
}

// TestParallelChunks reads the chunks from several goroutines and gets the
// records of the serial read, chunk by chunk.
func TestParallelChunks(t *testing.T) {
	b := corpus(t, 6, 20)
	serial, _ := readAll(t, b)
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]string, f.NumChunks())
	var wg sync.WaitGroup
	for i := 0; i < f.NumChunks(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.ReadChunk(i, func(r Record) error {
				got[i] = append(got[i], string(r.XML))
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var flat []string
	for _, g := range got {
		flat = append(flat, g...)
	}
	if strings.Join(flat, "\n") != strings.Join(serial, "\n") {
		t.Fatal("parallel read differs from the serial one")
	}
	if _, err := f.ReadChunk(99, nil); err == nil {
		t.Error("ReadChunk(99): want an error")
	}
	stop := errors.New("stop")
	n := 0
	_, err = f.Records(func(Record) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("callback error: %v after %d records", err, n)
	}
}

// TestRenderBudget: a record whose nested BinXml value is substituted four
// times at each of 14 levels would render 4^14 elements; it is skipped
// with the budget's reason, and the record after it in the chunk, which
// the spent budget also stops, is counted too.
func TestRenderBudget(t *testing.T) {
	tm := &w.Template{GUID: w.ParseGUID("{0000000B-0000-0000-0000-000000000000}"),
		Root: w.E("A", nil, opt(0, 0x21), opt(0, 0x21), opt(0, 0x21), opt(0, 0x21))}
	in := &w.Instance{Template: tm, Values: []w.Value{w.String("x")}}
	for range 14 {
		in = &w.Instance{Template: tm, Values: []w.Value{w.Nested(in)}}
	}
	wr := w.New()
	mustAdd(t, wr, w.Record{Event: in})
	mustAdd(t, wr, w.Record{Event: in})
	out, st := readAll(t, wr.Bytes())
	if len(out) != 0 || st.Skipped != 2 || !strings.Contains(problems(st), "crafted input?") {
		t.Fatalf("got %d records, %s", len(out), problems(st))
	}
}
