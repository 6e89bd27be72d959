package datamodel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// null stands for a null cell in rows read back from a Store.
const null = "<null>"

// kv is one <Data Name='k'>v</Data> element; v == selfClose writes
// <Data Name='k'/>.
type kv struct{ k, v string }

const selfClose = "\x00/"

// evt describes a test event; zero fields take Sysmon defaults.
type evt struct {
	provider, channel, computer, keywords, userID string
	eid                                           int
	data                                          []kv
}

// xml renders e as one XmlWinEventLog line (no line end), in the shape of
// Splunk's _raw for Sysmon.
func (e evt) xml() string {
	if e.provider == "" {
		e.provider = "Microsoft-Windows-Sysmon"
	}
	if e.channel == "" {
		e.channel = "Microsoft-Windows-Sysmon/Operational"
	}
	if e.computer == "" {
		e.computer = "win-host-623.attackrange.local"
	}
	if e.keywords == "" {
		e.keywords = "0x8000000000000000"
	}
	if e.userID == "" {
		e.userID = "S-1-5-18"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>%d</EventID><Version>2</Version><Level>4</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>%s</Keywords><TimeCreated SystemTime='2021-07-12T08:11:04.548083500Z'/><EventRecordID>810987</EventRecordID><Correlation/><Execution ProcessID='2012' ThreadID='2712'/><Channel>%s</Channel><Computer>%s</Computer><Security UserID='%s'/></System><EventData>",
		e.provider, e.eid, e.eid, e.keywords, e.channel, e.computer, e.userID)
	for _, d := range e.data {
		if d.v == selfClose {
			fmt.Fprintf(&b, "<Data Name='%s'/>", d.k)
		} else {
			fmt.Fprintf(&b, "<Data Name='%s'>%s</Data>", d.k, d.v)
		}
	}
	b.WriteString("</EventData></Event>")
	return b.String()
}

// regEvt builds a registry event with the fields of Sysmon schema 4.x.
func regEvt(eid int, eventType, target string, extra ...kv) evt {
	d := []kv{
		{"RuleName", "-"}, {"EventType", eventType}, {"UtcTime", "2021-07-12 08:11:04.547"},
		{"ProcessGuid", "{0C1E0330-048F-60E8-0B00-00000000D001}"}, {"ProcessId", "628"},
		{"Image", `C:\Windows\system32\lsass.exe`}, {"TargetObject", target},
	}
	return evt{eid: eid, data: append(d, extra...)}
}

// ingestText ingests text into a fresh Store and returns it.
func ingestText(t testing.TB, text string, opt Options) *Store {
	t.Helper()
	s := NewStore(DefaultCatalog(), opt)
	if err := s.Ingest(strings.NewReader(text), "test.log"); err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return s
}

// rows reads every row of dataset name back as maps of column to value.
func rows(t testing.TB, s *Store, name string) []map[string]string {
	t.Helper()
	d, ok := DefaultCatalog().Lookup(name)
	if !ok {
		t.Fatalf("no dataset %s", name)
	}
	var out []map[string]string
	for _, b := range s.Batches(d) {
		out = append(out, batchRows(t, b)...)
	}
	return out
}

func batchRows(t testing.TB, b arrow.RecordBatch) []map[string]string {
	t.Helper()
	var out []map[string]string
	for i := 0; i < int(b.NumRows()); i++ {
		m := map[string]string{}
		for j, c := range b.Columns() {
			name := b.ColumnName(j)
			if c.IsNull(i) {
				m[name] = null
				continue
			}
			switch c := c.(type) {
			case *array.Dictionary:
				m[name] = c.Dictionary().(*array.String).Value(c.GetValueIndex(i))
			case *array.Timestamp:
				m[name] = c.Value(i).ToTime(arrow.Millisecond).UTC().Format("2006-01-02 15:04:05.000")
			default:
				t.Fatalf("column %s: unexpected type %T", name, c)
			}
		}
		out = append(out, m)
	}
	return out
}
