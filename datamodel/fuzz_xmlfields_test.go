package datamodel

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// The add-on's regular expressions behind the event store's generic XML
// extraction, for Go's RE2: PCRE's \s is [\t\n\v\f\r ] (RE2's has no
// \v), so it is written out. Each has at most one way to match at a
// given start, so RE2's leftmost-first matches are PCRE's.
const pcreSpace = `[\t\n\x0b\f\r ]`

var (
	// system_props_xml_attributes: \s([^\s=]+)\s*=\s*('[^<']*'|"[^<"]*").
	reAttributes = regexp.MustCompile(`(?s)` + pcreSpace + `([^\t\n\x0b\f\r =]+)` + pcreSpace + `*=` + pcreSpace + `*('[^<']*'|"[^<"]*")`)
	// system_props_xml_kv without its backreference: <(\w*)>([^<]*)</(\w*)>,
	// a match counting only when the two names are equal.
	reChildText = regexp.MustCompile(`<(\w*)>([^<]*)</(\w*)>`)
)

// FuzzXMLFields checks the hand-written scanners of the event store's
// generic XML extraction (Splunk_TA_windows' REPORT-0xml_kv_extract and
// xml_block_extract, raw-events.md §1.3) against Go's regexp running the
// add-on's expressions on any bytes: xmlBlock as
// (?ms)<X(?:\s+[^>]+)?>(.*?)</X> for every block tag, addAttributes as
// the attribute expression, and addChildText as (?ms)<(\w*)>([^<]*)<\/\1>
// (the backreference checked on each leftmost match, moving one byte on
// when the names differ). Fields are compared as the record holds them:
// names in order, values with MV_ADD, empty values dropped.
func FuzzXMLFields(f *testing.F) {
	for _, name := range []string{"processes_filesystem.xml", "rms_registry.xml", "certutil_extract.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "events", name))
		if err != nil {
			f.Fatal(err)
		}
		if i := bytes.Index(b, []byte("</Event>")); i > 0 {
			b = b[:i+len("</Event>")]
		}
		f.Add(b)
	}
	for _, s := range []string{
		"<System >x</System>", "<System \t>x</System>", "<System a<System>x</System>",
		"<System>a</System><System>b</System>", "<SystemX>a</SystemX>", "<System>\n</System>",
		" a='1' b = \"2\" c='<' d='x", "\va=\v'1'", " =''", " a==''",
		"<a>1</a><b>2</c><c>3</c>", "<a><b>1</b></a>", "<>x</>", "<a></a>", "<a>1</a", "<\xff>1</\xff>",
	} {
		f.Add([]byte(s))
	}
	tags := []string{"System", "EventData", "UserData", "DebugData", "RenderingInfo"}
	blockRes := map[string]*regexp.Regexp{}
	for _, tag := range tags {
		blockRes[tag] = regexp.MustCompile(`(?s)<` + tag + `(?:` + pcreSpace + `+[^>]+)?>(.*?)</` + tag + `>`)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, tag := range tags {
			got := xmlBlock(raw, tag)
			m := blockRes[tag].FindSubmatch(raw)
			if (got != nil) != (m != nil) || m != nil && !bytes.Equal(got, m[1]) {
				var want []byte
				if m != nil {
					want = m[1]
				}
				t.Fatalf("xmlBlock(%q, %s) = %q (found %v), regexp %q (found %v)", raw, tag, got, got != nil, want, m != nil)
			}
		}

		got, want := newRecord(), newRecord()
		addAttributes(got, raw)
		for _, m := range reAttributes.FindAllSubmatch(raw, -1) {
			want.add(want.name(m[1]), m[2])
		}
		if !sameRecord(got, want) {
			t.Fatalf("addAttributes(%q) = %s, regexp %s", raw, showRecord(got), showRecord(want))
		}

		got, want = newRecord(), newRecord()
		addChildText(got, raw)
		for p := 0; p < len(raw); {
			loc := reChildText.FindSubmatchIndex(raw[p:])
			if loc == nil {
				break
			}
			name, val, close := raw[p+loc[2]:p+loc[3]], raw[p+loc[4]:p+loc[5]], raw[p+loc[6]:p+loc[7]]
			if !bytes.Equal(name, close) {
				p += loc[0] + 1
				continue
			}
			if len(name) > 0 {
				want.add(want.name(name), val)
			}
			p += loc[1]
		}
		if !sameRecord(got, want) {
			t.Fatalf("addChildText(%q) = %s, regexp %s", raw, showRecord(got), showRecord(want))
		}
	})
}

// sameRecord reports whether a and b hold the same fields, in the same
// order, with the same values.
func sameRecord(a, b *record) bool {
	var an, bn []string
	for _, n := range a.names {
		if len(a.all(n)) > 0 {
			an = append(an, n)
		}
	}
	for _, n := range b.names {
		if len(b.all(n)) > 0 {
			bn = append(bn, n)
		}
	}
	if !slices.Equal(an, bn) {
		return false
	}
	for _, n := range an {
		if !slices.EqualFunc(a.all(n), b.all(n), bytes.Equal) {
			return false
		}
	}
	return true
}

// showRecord prints a record's fields for a failure message.
func showRecord(r *record) string {
	var b bytes.Buffer
	for _, n := range r.names {
		for _, v := range r.all(n) {
			b.WriteString(n + "=" + string(v) + "; ")
		}
	}
	return b.String()
}
