package expr

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/spl"
)

// Segmentation (raw-events.md §2.3; segmenters.conf of Splunk 8.2.12):
// major breakers end terms, minor breakers split a term into segments
// that are searched too.
const (
	majorBreakers = " \t\n\r[]<>(){}|!;,'\"*&?+"
	minorBreakers = "/:=@.-$#%\\_"
)

// rawTerm is a bare term or quoted phrase matched against _raw: it occurs,
// case-insensitively, with a major or minor breaker or the text's edge on
// both sides; '*' inside a bare term matches any run of characters that
// are not major breakers. [UNCERTAIN at the edges, §9 item 6.]
type rawTerm struct {
	col  int
	re   *regexp.Regexp
	text string
}

func (t *rawTerm) String() string { return t.text }

func (t *rawTerm) Eval(_ *PredState, b arrow.RecordBatch, out []bool) error {
	if t.col < 0 {
		clear(out)
		return nil
	}
	raw, ok := b.Column(t.col).(*array.String)
	if !ok {
		return fmt.Errorf("_raw: unexpected column type %s", b.Column(t.col).DataType())
	}
	for i := range out {
		out[i] = raw.IsValid(i) && t.re.MatchString(raw.Value(i))
	}
	return nil
}

// compileRawTerm compiles a bare term (wildcards allowed) or a quoted
// phrase (every character literal).
func compileRawTerm(v spl.Value, col int) *rawTerm {
	class := charClass(majorBreakers + minorBreakers)
	edge := `(?:^|[` + class + `])`
	tail := `(?:$|[` + class + `])`
	var body string
	if v.Quoted {
		body = regexp.QuoteMeta(v.Text)
	} else {
		parts := strings.Split(v.Text, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		body = strings.Join(parts, `[^`+charClass(majorBreakers)+`]*`)
	}
	re := regexp.MustCompile(`(?i)` + edge + body + tail)
	return &rawTerm{col: col, re: re, text: spl.Word(v.Text)}
}

// charClass writes chars as the inside of a regexp character class, each
// as a \xHH escape.
func charClass(chars string) string {
	var b strings.Builder
	for i := 0; i < len(chars); i++ {
		fmt.Fprintf(&b, `\x%02x`, chars[i])
	}
	return b.String()
}
