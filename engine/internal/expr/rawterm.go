package expr

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
	"unsafe"

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

// rawTerm is a bare term or quoted phrase matched against _raw (see
// compileRawTerm for the rules of each form).
//
// Each term is compiled twice: re, a regular expression written from the
// rules, and, where it can be, lit, a hand-written matcher of the same
// rules over bytes (asciiTerm). Matching through re is the slow part of a
// raw search (Go's regexp cannot anchor a case-insensitive pattern, so it
// backtracks from every byte of a 1 KB event text: 43% of a whole hunt's
// CPU over 100k events before lit), so match uses lit whenever it gives
// re's answer, and re otherwise; TestRawTermMatchers and FuzzRawTerm
// check both against the reference matcher written from the rules.
type rawTerm struct {
	col  int
	re   *regexp.Regexp
	lit  *asciiTerm
	text string
}

// match reports whether the text s holds the term.
func (t *rawTerm) match(s string) bool {
	if t.lit != nil && t.lit.applies(s) {
		return t.lit.match(s)
	}
	return t.re.MatchString(s)
}

func (t *rawTerm) String() string { return t.text }

func (t *rawTerm) Eval(st *PredState, b arrow.RecordBatch, out []bool) error {
	var care []bool
	if st != nil {
		care = st.care
	}
	if st != nil && st.raw != nil {
		for i := range out {
			if care != nil && !care[i] {
				out[i] = false
				continue
			}
			text, err := st.raw.Text(i)
			if err != nil {
				return fmt.Errorf("_raw: %w", err)
			}
			out[i] = t.match(unsafe.String(unsafe.SliceData(text), len(text)))
		}
		return nil
	}
	if t.col < 0 {
		clear(out)
		return nil
	}
	raw, ok := b.Column(t.col).(*array.String)
	if !ok {
		return fmt.Errorf("_raw: unexpected column type %s", b.Column(t.col).DataType())
	}
	for i := range out {
		out[i] = (care == nil || care[i]) && raw.IsValid(i) && t.match(raw.Value(i))
	}
	return nil
}

// compileRawTerm compiles the term e for matching _raw (column col):
//
//   - A bare term or quoted phrase occurs, case-insensitively, with a major
//     or minor breaker or the text's edge on both sides; '*' inside a bare
//     term matches any run of characters that are not major breakers; in a
//     quoted phrase every character is literal. [UNCERTAIN at the edges,
//     raw-events.md §9 item 6.]
//   - CASE(x) is the same match, case-sensitive. An unquoted x holding
//     whitespace is an error (quote a phrase: CASE("a b")).
//   - TERM(x) matches x as one indexed term: it occurs, case-insensitively,
//     with a major breaker or the text's edge on both sides, so minor
//     breakers inside x are literal and x is not found inside a longer
//     term (TERM(10.0.0.1) does not match 10.0.0.10, nor ip=10.0.0.1,
//     whose '=' is a minor breaker). '*' in an unquoted x matches any run
//     of non-major-breaker characters. An x holding a major breaker can
//     never be one term, so it is an error rather than a search that
//     matches nothing.
//   - A term whose text is not UTF-8 is an error: the match runs over
//     text decoded as UTF-8, so such a term could only fail silently.
func compileRawTerm(e *spl.SearchTerm, col int) (*rawTerm, error) {
	v := e.Value
	if !utf8.ValidString(v.Text) {
		return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("search term %q is not UTF-8 text (only UTF-8 terms can match an event)", v.Text)}
	}
	bounds := majorBreakers + minorBreakers
	fold := `(?i)`
	switch e.Directive {
	case spl.DirCase:
		fold = ""
		if !v.Quoted && strings.ContainsAny(v.Text, " \t\r\n") {
			return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("CASE(%s) holds more than one term; quote a phrase: CASE(%s)", v.Text, spl.Quote(v.Text))}
		}
	case spl.DirTerm:
		bounds = majorBreakers
		for i := 0; i < len(v.Text); i++ {
			c := v.Text[i]
			if c == '*' && !v.Quoted {
				continue
			}
			if strings.IndexByte(majorBreakers, c) >= 0 {
				return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("%s can never match: %s is a major breaker, and TERM() holds one indexed term (letters, digits and minor breakers such as . : = / - _)", e, breakerName(c))}
			}
		}
	}
	class := charClass(bounds)
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
	re, err := regexp.Compile(fold + edge + body + tail)
	if err != nil {
		// Only a term too large for the regexp engine gets here.
		return nil, &spl.Error{Pos: e.Pos, Msg: fmt.Sprintf("search term of %d bytes: %v", len(v.Text), err)}
	}
	text := spl.Word(v.Text)
	if e.Directive != spl.DirNone {
		text = e.String()
	}
	return &rawTerm{col: col, re: re, lit: newASCIITerm(v.Text, v.Quoted, fold != "", bounds), text: text}, nil
}

// breakerName names a breaker byte for an error message.
func breakerName(c byte) string {
	switch c {
	case ' ':
		return "the space"
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	}
	return fmt.Sprintf("%q", string(c))
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
