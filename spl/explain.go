package spl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// explain converts a failed parse into a short positioned *Error. Lexical and
// structural problems (unterminated string or macro call, unbalanced
// brackets, empty stage) are named first; otherwise the token participle
// stopped at is reported with what the surrounding text calls for, instead
// of participle's EBNF.
func explain(text string, err error) *Error {
	toks, lexErr := tokenize(text)
	if e := structural(text, toks); e != nil {
		return e
	}
	var lerr *lexer.Error
	if errors.As(lexErr, &lerr) {
		return Errorf(text, Span{lerr.Pos.Offset, lerr.Pos.Offset + 1}, "invalid text")
	}
	var xerr *exprError
	if errors.As(err, &xerr) {
		return Errorf(text, xerr.span, "%s", xerr.msg)
	}
	var perr participle.Error
	if !errors.As(err, &perr) {
		return Errorf(text, Span{}, "%v", err)
	}
	off := perr.Position().Offset
	i := 0
	for i < len(toks)-1 && toks[i].Pos.Offset < off {
		i++
	}
	msg := "unexpected " + describe(toks[i])
	if exp := expectation(toks, i); exp != "" {
		msg += ": expected " + exp
	}
	return Errorf(text, tokSpan(text, toks[i]), "%s", msg)
}

// describe names a token for a message.
func describe(t lexer.Token) string {
	if t.EOF() {
		return "end of search"
	}
	v := t.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "..."
	}
	return fmt.Sprintf("%q", v)
}

func tokSpan(text string, t lexer.Token) Span {
	if t.EOF() {
		return Span{len(text), len(text)}
	}
	return Span{t.Pos.Offset, t.Pos.Offset + len(t.Value)}
}

// structural finds unterminated strings and macro calls, unbalanced
// parentheses and brackets, and empty pipeline stages.
func structural(text string, toks []lexer.Token) *Error {
	sym := splLexer.Symbols()
	var open []lexer.Token
	for i, t := range toks {
		switch t.Type {
		case sym["BadString"]:
			return Errorf(text, Span{t.Pos.Offset, t.Pos.Offset + 1}, "unterminated quoted string: no closing '\"'")
		case sym["MacroOpen"]:
			if i+2 >= len(toks) || toks[i+1].Type != sym["MacroClose"] && toks[i+2].Type != sym["MacroClose"] {
				return Errorf(text, Span{t.Pos.Offset, t.Pos.Offset + 1}, "unterminated macro call: no closing backtick")
			}
		case sym["LParen"], sym["LBrack"]:
			open = append(open, t)
		case sym["RParen"], sym["RBrack"]:
			want := "("
			if t.Value == "]" {
				want = "["
			}
			if len(open) == 0 || open[len(open)-1].Value != want {
				return Errorf(text, tokSpan(text, t), "unexpected %q: no %q to close", t.Value, want)
			}
			open = open[:len(open)-1]
		case sym["Pipe"]:
			if i+1 < len(toks) {
				switch next := toks[i+1]; {
				case next.Type == sym["Pipe"]:
					return Errorf(text, tokSpan(text, next), "empty pipeline stage: expected a command between two \"|\"")
				case next.EOF() || next.Type == sym["RBrack"]:
					return Errorf(text, tokSpan(text, next), "unexpected %s: expected a command after \"|\"", describe(next))
				}
			}
		}
	}
	if len(open) > 0 {
		t := open[len(open)-1]
		closer := ")"
		if t.Value == "[" {
			closer = "]"
		}
		return Errorf(text, tokSpan(text, t), "unclosed %q: no matching %q", t.Value, closer)
	}
	return nil
}

// expectation says what the text calls for at toks[i], judging from the
// tokens before it and the command they belong to.
func expectation(toks []lexer.Token, i int) string {
	sym := splLexer.Symbols()
	if i == 0 {
		return "a search or \"|\" and a command"
	}
	prev := toks[i-1]
	lw := strings.ToLower(prev.Value)
	switch {
	case prev.Type == sym["Op"] && i >= 2 && strings.EqualFold(toks[i-2].Value, "datamodel"):
		return "a datamodel name after \"datamodel=\""
	case prev.Type == sym["Op"]:
		return fmt.Sprintf("a value after %q", prev.Value)
	case prev.Type == sym["Word"] && isBoolOp(prev.Value):
		return "a search term after " + prev.Value
	case prev.Type == sym["Pipe"]:
		return "a command name"
	case prev.Type == sym["Word"] && lw == "datamodel":
		return "\"=\" after \"datamodel\""
	case prev.Type == sym["Word"] && lw == "where":
		return "a search expression after WHERE"
	case prev.Type == sym["Word"] && (lw == "by" || lw == "groupby"):
		return "a field name after BY"
	case prev.Type == sym["Word"] && lw == "as":
		return "a name after AS"
	case prev.Type == sym["Word"] && lw == "in" && toks[i].Type != sym["LParen"]:
		return "\"(\" after IN"
	}
	name := stageCommand(toks, i)
	switch {
	case name == "tstats" && strings.EqualFold(prev.Value, "tstats"):
		return "an aggregate such as count or min(_time)"
	case name == "tstats" && strings.EqualFold(prev.Value, "from"):
		return "\"datamodel=\" after FROM"
	case name == "where" && strings.EqualFold(prev.Value, "where"):
		return "an eval expression such as count > 5"
	}
	if c, ok := LookupCommand(name); ok {
		return c.expect
	}
	return "\"|\" or the end of the search"
}

// stageCommand returns the lower-cased name of the command holding toks[i]:
// the word after the nearest '|' before it at the same bracket depth, or
// "search" for an implicit first stage.
func stageCommand(toks []lexer.Token, i int) string {
	sym := splLexer.Symbols()
	depth := 0
	for j := i - 1; j >= 0; j-- {
		switch toks[j].Type {
		case sym["RBrack"]:
			depth++
		case sym["LBrack"]:
			if depth == 0 {
				return firstWord(toks, j+1)
			}
			depth--
		case sym["Pipe"]:
			if depth == 0 {
				return firstWord(toks, j+1)
			}
		}
	}
	return firstWord(toks, 0)
}

func firstWord(toks []lexer.Token, j int) string {
	if j < len(toks) && toks[j].Type == splLexer.Symbols()["Word"] {
		w := strings.ToLower(toks[j].Value)
		switch w {
		case "tstats", "rename", "convert", "search":
			return w
		}
		if j == 0 || toks[j-1].Value != "|" {
			return "search"
		}
		return w
	}
	if j == 0 || toks[j-1].Value != "|" {
		return "search"
	}
	return ""
}
