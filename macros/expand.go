package macros

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/minispl/minispl/spl"
)

// Expansion limits. They bound what a cyclic-free but explosive set of
// macros can do; each has its own error.
const (
	// MaxDepth is the deepest allowed nesting of macro calls.
	MaxDepth = 50
	// MaxSize is the largest allowed expanded text, in bytes (4 MiB).
	MaxSize = 4 << 20
	// maxWork bounds the total bytes of substituted definitions scanned in
	// one expansion, which also covers macros that expand to nothing.
	maxWork = 16 * MaxSize
)

// Expansion is the result of expanding the macros of a search text.
type Expansion struct {
	// Original is the text given to Expand.
	Original string
	// Text is the text with every macro call expanded.
	Text string
	// segs is the source map: each segment runs from its out offset to the
	// next segment's (or to len(Text)), sorted by out.
	segs []segment
}

// segment is a run of Text that came either straight from Original (orig >=
// 0, mapped byte for byte) or from a macro definition (orig < 0).
type segment struct {
	out  int
	orig int
	// call is the outermost macro call in Original that produced the run.
	call spl.Span
	// chain names the macros from the outermost call to the one whose
	// definition holds the run; nil for text from Original.
	chain *link
}

// link is one macro name in an expansion chain, pointing to its caller.
// Links are interned per expansion, so equal chains are the same pointer and
// a call allocates no chain of its own.
type link struct {
	name   string
	parent *link
	depth  int
}

// names returns the chain from the outermost call down to l.
func (l *link) names() []string {
	if l == nil {
		return nil
	}
	out := make([]string, l.depth)
	for p := l; p != nil; p = p.parent {
		out[p.depth-1] = p.name
	}
	return out
}

type linkKey struct {
	parent *link
	name   string
}

// frame is one active macro call during expansion.
type frame struct {
	m *Macro
}

type expander struct {
	lib   *Library
	orig  string
	out   []byte
	segs  []segment
	stack []frame
	work  int
	// links interns chain links: a short slice searched linearly (a search
	// has few distinct chains), then a map once it grows.
	links   []*link
	linkMap map[linkKey]*link
}

// child returns the interned link for name called from parent.
func (e *expander) child(parent *link, name string) *link {
	if e.linkMap != nil {
		if l, ok := e.linkMap[linkKey{parent, name}]; ok {
			return l
		}
	} else {
		for _, l := range e.links {
			if l.parent == parent && l.name == name {
				return l
			}
		}
	}
	l := &link{name: name, parent: parent, depth: 1}
	if parent != nil {
		l.depth = parent.depth + 1
	}
	switch {
	case e.linkMap != nil:
		e.linkMap[linkKey{parent, name}] = l
	case len(e.links) < 32:
		e.links = append(e.links, l)
	default:
		e.linkMap = make(map[linkKey]*link, 2*len(e.links))
		for _, k := range e.links {
			e.linkMap[linkKey{k.parent, k.name}] = k
		}
		e.linkMap[linkKey{parent, name}] = l
		e.links = nil
	}
	return l
}

// ctx says where a text being scanned came from: the Original (top) or a
// macro definition reached through chain from the Original call span call.
type ctx struct {
	top   bool
	call  spl.Span
	chain *link
}

// Expand expands every backtick macro call in text, recursively, as Splunk
// does before parsing a search. See the package documentation for the rules.
// Errors are *spl.Error values positioned in text: at the call itself, or,
// for a problem inside a macro definition, at the outermost call in text,
// with notes naming the expansion chain.
func (l *Library) Expand(text string) (*Expansion, error) {
	if strings.IndexByte(text, '`') < 0 {
		return &Expansion{Original: text, Text: text, segs: []segment{{out: 0, orig: 0}}}, nil
	}
	e := &expander{
		lib:  l,
		orig: text,
		out:  make([]byte, 0, len(text)+len(text)/2+64),
		segs: make([]segment, 0, 16),
	}
	if err := e.scan(text, ctx{top: true}); err != nil {
		return nil, err
	}
	return &Expansion{Original: text, Text: string(e.out), segs: e.segs}, nil
}

// scan copies text to the output, expanding calls outside double quotes.
func (e *expander) scan(text string, c ctx) error {
	inQuote := false
	start := 0 // start of the literal run not yet copied
	i := 0
	for {
		k := strings.IndexAny(text[i:], "\\\"`")
		if k < 0 {
			break
		}
		i += k
		switch text[i] {
		case '\\':
			// Inside quotes a backslash escapes the next byte; outside,
			// only \" and \\ are pairs (a \" does not open a string).
			if i+1 < len(text) && (inQuote || text[i+1] == '"' || text[i+1] == '\\') {
				i += 2
			} else {
				i++
			}
			continue
		case '"':
			inQuote = !inQuote
			i++
			continue
		}
		if inQuote {
			i++
			continue
		}
		if strings.HasPrefix(text[i:], "```") {
			// A ``` comment ``` (ESCU's detections write them, with | and
			// backticks inside): removed, as Splunk removes comments
			// before the search is parsed.
			end := strings.Index(text[i+3:], "```")
			if end < 0 {
				return e.errAt(c, spl.Span{Start: i, End: i + 3}, "unterminated comment: missing closing ```")
			}
			if err := e.write(text[start:i], start, c); err != nil {
				return err
			}
			i += 3 + end + 3
			start = i
			continue
		}
		end := strings.IndexByte(text[i+1:], '`')
		if end < 0 {
			return e.errAt(c, spl.Span{Start: i, End: i + 1},
				"unterminated macro call: missing closing '`'")
		}
		end += i + 1 // index of the closing backtick
		if err := e.write(text[start:i], start, c); err != nil {
			return err
		}
		callSpan := spl.Span{Start: i, End: end + 1}
		if err := e.call(text[i+1:end], callSpan, c); err != nil {
			return err
		}
		i = end + 1
		start = i
	}
	return e.write(text[start:], start, c)
}

// write appends s, which starts at offset off of the text scanned in c, and
// records it in the source map.
func (e *expander) write(s string, off int, c ctx) error {
	if s == "" {
		return nil
	}
	if c.top {
		e.segs = append(e.segs, segment{out: len(e.out), orig: off})
	} else if n := len(e.segs); n == 0 || e.segs[n-1].chain != c.chain || e.segs[n-1].call != c.call {
		e.segs = append(e.segs, segment{out: len(e.out), orig: -1, call: c.call, chain: c.chain})
	}
	e.out = append(e.out, s...)
	if !c.top && len(e.out) > MaxSize {
		return e.errAt(c, spl.Span{}, "macro expansion exceeds the size limit of %d bytes (4 MiB)", MaxSize)
	}
	return nil
}

// errAt builds an *spl.Error. In the top context span is a range of the
// Original; inside a definition the error goes on the outermost call, with a
// note naming the chain.
func (e *expander) errAt(c ctx, span spl.Span, format string, args ...any) *spl.Error {
	if c.top {
		return spl.Errorf(e.orig, span, format, args...)
	}
	err := spl.Errorf(e.orig, c.call, format, args...)
	err.Notes = append(err.Notes, "in expansion of "+chainString(c.chain.names())+e.definedAt())
	return err
}

// definedAt names where the innermost active macro is defined.
func (e *expander) definedAt() string {
	if len(e.stack) == 0 {
		return ""
	}
	m := e.stack[len(e.stack)-1].m
	return fmt.Sprintf(" (%s defined at %s)", m.Key(), m.Origin)
}

func chainString(chain []string) string {
	var b strings.Builder
	for i, n := range chain {
		if i > 0 {
			b.WriteString(" -> ")
		}
		if n == "..." {
			b.WriteString(n)
			continue
		}
		b.WriteByte('`')
		b.WriteString(n)
		b.WriteByte('`')
	}
	return b.String()
}

// call expands one macro call; body is the text between the backticks and
// span its place in the text scanned in c.
func (e *expander) call(body string, span spl.Span, c ctx) error {
	name, args, err := parseCall(body)
	if err != nil {
		return e.errAt(c, span, "invalid macro call `%s`: %v", body, err)
	}
	m, ok := e.lib.Lookup(name, len(args))
	def := ""
	switch {
	case ok:
	case len(args) == 0 && strings.HasSuffix(name, "_filter"):
		// ESCU's build rule: a detection's filter macro without a
		// definition is `search *`.
		def = "search *"
	default:
		msg := fmt.Sprintf("macro '%s' cannot be found (no definition for %s with %s", name, name, plural(len(args), "argument"))
		if defined := e.lib.arities(name); len(defined) > 0 {
			msg += "; defined: " + strings.Join(defined, ", ")
		}
		return e.errAt(c, span, "%s)", msg)
	}

	inner := ctx{call: c.call, chain: e.child(c.chain, name)}
	if c.top {
		inner.call = span
	}

	if m != nil {
		for _, f := range e.stack {
			if f.m == m {
				return e.errAt(c, span, "macro cycle: %s", chainString(cycleChain(e.stack, m)))
			}
		}
		if len(e.stack) >= MaxDepth {
			return e.errAt(c, span, "macro calls nested more than %d levels deep: %s", MaxDepth, chainString(shorten(inner.chain.names())))
		}
		def = m.Definition
		if len(args) > 0 {
			def = substitute(def, m.Args, bindArgs(m, args))
		}
		if m.IsEval {
			lit, ok := evalStringLiteral(strings.TrimSpace(def))
			if !ok {
				return e.errAt(c, span, "iseval macros are not supported: the definition of %s (%s) is not a string literal", m.Key(), m.Origin)
			}
			def = lit
		}
	}
	e.work += len(def)
	if len(def) > MaxSize {
		return e.errAt(c, span, "macro expansion exceeds the size limit of %d bytes (4 MiB)", MaxSize)
	}
	if e.work > maxWork {
		return e.errAt(c, span, "macro expansion exceeds the work limit of %d bytes of expanded definitions (64 MiB)", maxWork)
	}
	if m == nil {
		return e.write(def, 0, inner)
	}
	e.stack = append(e.stack, frame{m: m})
	err = e.scan(def, inner)
	e.stack = e.stack[:len(e.stack)-1]
	return err
}

// cycleChain returns the macro names from the first active call of m to the
// new call of m.
func cycleChain(stack []frame, m *Macro) []string {
	var names []string
	for i, f := range stack {
		if f.m == m {
			for _, g := range stack[i:] {
				names = append(names, g.m.Name)
			}
			break
		}
	}
	return append(names, m.Name)
}

// shorten keeps the first and last three names of a long chain.
func shorten(chain []string) []string {
	if len(chain) <= 7 {
		return chain
	}
	out := append([]string{}, chain[:3]...)
	out = append(out, "...")
	return append(out, chain[len(chain)-3:]...)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// parseCall splits the text between backticks into a name and arguments.
// `name()` has no arguments.
func parseCall(body string) (string, []string, error) {
	s := strings.TrimSpace(body)
	open := strings.IndexByte(s, '(')
	name := s
	if open >= 0 {
		name = strings.TrimSpace(s[:open])
	}
	if name == "" {
		return "", nil, errors.New("no macro name")
	}
	if !validName(name) {
		return "", nil, fmt.Errorf("%q is not a macro name (letters, digits, '_' and '-')", name)
	}
	if open < 0 {
		return name, nil, nil
	}
	if !strings.HasSuffix(s, ")") {
		return "", nil, errors.New("missing ')' after the arguments")
	}
	return name, spl.SplitMacroArgs(s[open+1 : len(s)-1]), nil
}

// unquote removes one pair of double quotes wrapping the whole argument;
// escapes inside are kept as written.
func unquote(a string) string {
	if len(a) < 2 || a[0] != '"' {
		return a
	}
	for i := 1; i < len(a); i++ {
		switch a[i] {
		case '\\':
			i++
		case '"':
			if i == len(a)-1 {
				return a[1:i]
			}
			return a
		}
	}
	return a
}

// bindArgs returns the argument values in the order of m.Args. When every
// argument is written name=value and the names are exactly m's argument
// names, they are bound by name; otherwise by position. Values have their
// wrapping quotes removed.
func bindArgs(m *Macro, args []string) []string {
	vals := make([]string, len(args))
	named := true
	for i, a := range args {
		eq := strings.IndexByte(a, '=')
		if eq < 0 {
			named = false
			break
		}
		k := strings.TrimSpace(a[:eq])
		idx := -1
		for j, n := range m.Args {
			if n == k {
				idx = j
				break
			}
		}
		if idx < 0 || hasNamed(args[:i], k) {
			named = false
			break
		}
		vals[idx] = unquote(strings.TrimSpace(a[eq+1:]))
	}
	if named {
		return vals
	}
	for i, a := range args {
		vals[i] = unquote(a)
	}
	return vals
}

// hasNamed reports whether one of args is written k=....
func hasNamed(args []string, k string) bool {
	for _, a := range args {
		if eq := strings.IndexByte(a, '='); eq >= 0 && strings.TrimSpace(a[:eq]) == k {
			return true
		}
	}
	return false
}

// substitute replaces each $name$ of def whose name is an argument by its
// value, in one left-to-right pass (values are not searched again).
func substitute(def string, names, vals []string) string {
	if strings.IndexByte(def, '$') < 0 {
		return def
	}
	var b strings.Builder
	b.Grow(len(def) + 16)
	i := 0
	for {
		k := strings.IndexByte(def[i:], '$')
		if k < 0 {
			break
		}
		k += i
		j := strings.IndexByte(def[k+1:], '$')
		if j < 0 {
			break
		}
		j += k + 1
		b.WriteString(def[i:k])
		if v, ok := lookupArg(def[k+1:j], names, vals); ok {
			b.WriteString(v)
			i = j + 1
		} else {
			b.WriteByte('$')
			i = k + 1
		}
	}
	b.WriteString(def[i:])
	return b.String()
}

func lookupArg(name string, names, vals []string) (string, bool) {
	for i, n := range names {
		if n == name {
			return vals[i], true
		}
	}
	return "", false
}

// evalStringLiteral returns the value of s when s is exactly one
// double-quoted eval string literal, with \" and \\ unescaped.
func evalStringLiteral(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s)-1:
			i++
			switch s[i] {
			case '"', '\\':
				b.WriteByte(s[i])
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		case c == '\\':
			// A backslash before the closing quote escapes it: the
			// literal is unterminated.
			return "", false
		case c == '"':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// Origin maps a byte offset of Text to its source in Original. A byte copied
// from Original maps to its own one-byte span and a nil chain; a byte
// produced by a macro maps to the span of the outermost macro call in
// Original, with the chain of macro names from that call down to the macro
// whose definition held the byte. off == len(Text) maps like the byte before
// it, as an empty span at its end when it came from Original. When Text is
// empty, the span is the whole of Original.
func (x *Expansion) Origin(off int) (span spl.Span, chain []string) {
	if off < 0 {
		off = 0
	}
	atEnd := off >= len(x.Text)
	if atEnd {
		if len(x.Text) == 0 {
			return spl.Span{Start: 0, End: len(x.Original)}, nil
		}
		off = len(x.Text) - 1
	}
	i := sort.Search(len(x.segs), func(i int) bool { return x.segs[i].out > off }) - 1
	if i < 0 {
		i = 0
	}
	s := x.segs[i]
	if s.orig < 0 {
		return s.call, s.chain.names()
	}
	p := s.orig + off - s.out
	if atEnd {
		return spl.Span{Start: p + 1, End: p + 1}, nil
	}
	return spl.Span{Start: p, End: p + 1}, nil
}

// Relocate turns an *spl.Error positioned in x.Text (for example a parse
// error of the expanded search) into one positioned in x.Original, with the
// same message and notes. A range copied from Original maps exactly; a range
// produced by a macro moves to the macro call, and a note quotes the
// expanded text near the error:
//
//	in expansion of `security_content_summariesonly`: "...summariesonly=fals allow..."
//
// An *spl.Error wrapped in another error is found with errors.As and
// returned relocated, without the wrapping. Other errors, and *spl.Error
// values about another text, are returned unchanged. err is not modified.
func (x *Expansion) Relocate(err error) error {
	var se *spl.Error
	if !errors.As(err, &se) || se.Text != x.Text || se.Text == "" && x.Original == "" {
		return err
	}
	start, end := se.Pos.Start, se.Pos.End
	if end < start {
		end = start
	}
	sSpan, sChain := x.Origin(start)
	var eSpan spl.Span
	var eChain []string
	if end > start {
		eSpan, eChain = x.Origin(end - 1)
	} else {
		eSpan, eChain = sSpan, sChain
		if sChain == nil {
			eSpan.End = eSpan.Start
		}
	}
	out := &spl.Error{
		Pos:   spl.Span{Start: sSpan.Start, End: max(eSpan.End, sSpan.Start)},
		Msg:   se.Msg,
		Text:  x.Original,
		Notes: append([]string(nil), se.Notes...),
	}
	if sChain == nil && end == start {
		out.Pos.End = out.Pos.Start
	}
	chain, at := sChain, start
	if chain == nil && eChain != nil {
		chain, at = eChain, end-1
	}
	if chain != nil {
		out.Notes = append(out.Notes, fmt.Sprintf("in expansion of %s: %s", chainString(chain), x.excerpt(at, max(end, at+1))))
	}
	return out
}

// excerpt quotes Text around [from, to), kept within the run produced by the
// same outermost macro call, with "..." where it was cut.
func (x *Expansion) excerpt(from, to int) string {
	const context = 30
	lo, hi := x.macroRun(from)
	a, b := max(lo, from-context), min(hi, to+context)
	var sb strings.Builder
	sb.WriteByte('"')
	if a > lo {
		sb.WriteString("...")
	}
	sb.WriteString(strings.ReplaceAll(x.Text[a:b], "\n", " "))
	if b < hi {
		sb.WriteString("...")
	}
	sb.WriteByte('"')
	return sb.String()
}

// macroRun returns the range of Text produced by the outermost macro call
// that produced the byte at off.
func (x *Expansion) macroRun(off int) (lo, hi int) {
	off = min(max(off, 0), len(x.Text)-1)
	i := sort.Search(len(x.segs), func(i int) bool { return x.segs[i].out > off }) - 1
	i = max(i, 0)
	call := x.segs[i].call
	j := i
	for j > 0 && x.segs[j-1].orig < 0 && x.segs[j-1].call == call {
		j--
	}
	k := i + 1
	for k < len(x.segs) && x.segs[k].orig < 0 && x.segs[k].call == call {
		k++
	}
	lo = x.segs[j].out
	hi = len(x.Text)
	if k < len(x.segs) {
		hi = x.segs[k].out
	}
	return lo, hi
}
