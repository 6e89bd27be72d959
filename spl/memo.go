package spl

import (
	"reflect"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// Memo parses searches as Parse does, remembering the AST of each
// pipeline stage by the stage's text, so that a stage written the same in
// many searches (ESCU's `| rename "Processes.*" as *`, its ctime converts
// and its `| search *` filters: a third of the parsing of a hunt) is
// parsed once. It is meant for one batch of compilations, a hunt, not to
// live for a process: it holds every distinct stage it has parsed. A Memo
// is safe for concurrent use; the zero value is not ready, use NewMemo.
//
// Why a stage parses the same alone: a '|' token outside brackets always
// ends a stage (no grammar rule takes a Pipe except the pipeline's and
// those inside [...]); lexing is the same from a Pipe token on (the lexer
// has no state outside a macro call, and no token crosses a Pipe token);
// and every choice the grammar makes that looks past a stage's last token
// finds no match both on the '|' that follows it in the search and on
// the end of the text alone, so the stage's parse is the same and ends at
// the same place. Positions are the stage's offsets, moved by where it
// starts in the search. A search with an error is parsed whole by Parse,
// so its error is exactly Parse's; so is a search whose brackets do not
// balance. TestMemoMatchesParse compares the two, positions included,
// over every expanded ESCU search and the parser's test inputs.
type Memo struct {
	mu     sync.Mutex
	stages map[string]Command
}

// NewMemo returns an empty Memo.
func NewMemo() *Memo { return &Memo{stages: map[string]Command{}} }

// Parse parses text as Parse does and returns the same Pipeline (or the
// same error); the pipeline is the caller's, sharing nothing with other
// results but strings.
func (m *Memo) Parse(text string) (*Pipeline, error) {
	stages, first, ok := splitStages(text)
	if !ok || checkNesting(text) != nil {
		return Parse(text)
	}
	p := &Pipeline{LeadingPipe: text[stages[0].start] == '|'}
	c := converter{text: text}
	p.Pos = c.span(first, lexerPos(len(text)))
	p.Commands = make([]Command, 0, len(stages))
	for _, s := range stages {
		cmd, ok := m.stage(text[s.start:s.end])
		if !ok {
			return Parse(text)
		}
		p.Commands = append(p.Commands, cloneShifted(cmd, s.start))
	}
	return p, nil
}

// stage returns the AST of a stage's text (offsets from its start),
// parsing it the first time; false when it does not parse alone as one
// stage.
func (m *Memo) stage(text string) (Command, bool) {
	m.mu.Lock()
	cmd, ok := m.stages[text]
	m.mu.Unlock()
	if ok {
		return cmd, cmd != nil
	}
	p, err := Parse(text)
	if err == nil && len(p.Commands) == 1 {
		cmd = p.Commands[0]
	}
	m.mu.Lock()
	m.stages[text] = cmd
	m.mu.Unlock()
	return cmd, cmd != nil
}

// stageSpan is a stage's byte range in a search: from its '|' (or, for a
// first stage without one, its first token) up to the next stage's '|'.
type stageSpan struct{ start, end int }

// splitStages splits text at its '|' tokens outside brackets; first is
// the position of its first token. ok is false for a text with no token,
// brackets that do not balance, or a token the lexer rejects.
func splitStages(text string) (stages []stageSpan, first lexer.Position, ok bool) {
	lx, err := splLexer.LexString("", text)
	if err != nil {
		return nil, first, false
	}
	t := &splLexer.types
	depth := 0
	start := -1
	for {
		tok, err := lx.Next()
		if err != nil {
			return nil, first, false
		}
		if tok.EOF() {
			break
		}
		if start < 0 {
			start, first = tok.Pos.Offset, tok.Pos
		}
		switch tok.Type {
		case t.lbrack:
			depth++
		case t.rbrack:
			if depth--; depth < 0 {
				return nil, first, false
			}
		case t.pipe:
			if depth == 0 && tok.Pos.Offset > start {
				stages = append(stages, stageSpan{start, tok.Pos.Offset})
				start = tok.Pos.Offset
			}
		}
	}
	if start < 0 || depth != 0 {
		return nil, first, false
	}
	return append(stages, stageSpan{start, len(text)}), first, true
}

// lexerPos is the position of offset off (the converter reads only
// offsets).
func lexerPos(off int) lexer.Position { return lexer.Position{Offset: off} }

// cloneShifted returns a deep copy of cmd with every Span but the zero
// one moved by d (a node at the very start of a stage is never empty).
// Pointers reached twice are copied once, so the copy has the shape of
// the original.
func cloneShifted(cmd Command, d int) Command {
	c := cloner{d: d, seen: map[ptrKey]reflect.Value{}}
	return c.value(reflect.ValueOf(&cmd).Elem()).Interface().(Command)
}

// cloner deep-copies AST values (structs, pointers, interfaces, slices,
// strings and numbers: the AST holds nothing else) moving Spans by d.
type cloner struct {
	d    int
	seen map[ptrKey]reflect.Value
}

// ptrKey identifies a pointer: its type and address.
type ptrKey struct {
	t reflect.Type
	p uintptr
}

func (c *cloner) value(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		k := ptrKey{v.Type(), v.Pointer()}
		if p, ok := c.seen[k]; ok {
			return p
		}
		p := reflect.New(v.Type().Elem())
		c.seen[k] = p
		p.Elem().Set(c.value(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(c.value(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(c.value(v.Index(i)))
		}
		return out
	case reflect.Struct:
		if v.Type() == spanType {
			// The zero Span is an absent position (no FROM datamodel=
			// in a tstats), which stays absent.
			s := v.Interface().(Span)
			if s == (Span{}) {
				return v
			}
			return reflect.ValueOf(Span{s.Start + c.d, s.End + c.d})
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			switch v.Field(i).Kind() {
			case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Struct:
				out.Field(i).Set(c.value(v.Field(i)))
			}
		}
		return out
	}
	return v
}
