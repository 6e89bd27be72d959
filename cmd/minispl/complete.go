package main

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/render"
)

// completer completes REPL input: dot commands, SPL command names, macro
// names, datamodel names after datamodel=, eval function names in eval and
// where, the fields of the pipeline before the cursor's stage, and
// Dataset.field names.
type completer struct {
	macros *macros.Library
	cat    *datamodel.Catalog
	// pending returns the lines of a search being continued, so that a
	// datamodel= on an earlier line counts; nil means none.
	pending func() string
	// fields returns the fields of the result of a pipeline, or false when
	// it does not plan; nil means no pipeline fields. Planning runs no
	// search, so it is cheap enough for each Tab.
	fields func(pipeline string) ([]string, bool)
}

// datamodelRE finds the datasets a search names.
var datamodelRE = regexp.MustCompile(`(?i)datamodel\s*=\s*"?([A-Za-z0-9_]+\.[A-Za-z0-9_]+)`)

// isWordSep reports whether r ends a word going backwards from the cursor.
func isWordSep(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`|()[],"='`, r)
}

// complete implements liner.WordCompleter: line is the input line and pos
// the cursor position in runes. It returns the text before the word being
// completed, the candidates that replace the word, and the text after the
// cursor.
func (c *completer) complete(line string, pos int) (head string, completions []string, tail string) {
	runes := []rune(line)
	pos = min(max(pos, 0), len(runes))
	before, tail := string(runes[:pos]), string(runes[pos:])

	start := len(before)
	for start > 0 {
		r := []rune(before[:start])
		if isWordSep(r[len(r)-1]) {
			break
		}
		start -= len(string(r[len(r)-1]))
	}
	head, word := before[:start], before[start:]
	pending := ""
	if c.pending != nil {
		pending = c.pending()
	}

	if pending == "" && strings.HasPrefix(strings.TrimLeft(before, " \t"), ".") {
		return head, c.dotCompletions(strings.TrimLeft(head, " \t"), word), tail
	}
	if bt := strings.LastIndexByte(before, '`'); bt >= 0 && strings.Count(before, "`")%2 == 1 {
		if call := before[bt+1:]; strings.HasSuffix(call, "(") && !strings.ContainsAny(call[:len(call)-1], "( `") {
			return before[:bt], c.macroCompletions(call), tail
		}
	}
	switch {
	case strings.HasPrefix(word, "`"):
		return head, c.macroCompletions(word[1:]), tail
	case hasSuffixFold(head, "datamodel="):
		return head, c.datasetCompletions(word), tail
	case strings.Contains(word, "."):
		return head, c.fieldCompletions(pending+"\n"+line, word), tail
	}
	trimmed := strings.TrimRight(head, " \t")
	if (pending == "" && trimmed == "") || strings.HasSuffix(trimmed, "|") {
		return head, prefixed(commandNames, strings.ToLower(word)), tail
	}
	input := head
	if pending != "" {
		input = pending + "\n" + head
	}
	prev, stage := splitLastStage(input)
	var out []string
	if word != "" && strings.HasPrefix("datamodel=", strings.ToLower(word)) && strings.EqualFold(firstWord(stage), "tstats") {
		out = append(out, "datamodel=")
	}
	if fields, ok := c.pipelineFields(prev); ok {
		out = append(out, sortedPrefixed(fields, word)...)
	} else {
		out = append(out, c.fieldCompletions(pending+"\n"+line, word)...)
	}
	switch strings.ToLower(firstWord(stage)) {
	case "eval", "where":
		for _, f := range prefixed(engine.EvalFunctions(), strings.ToLower(word)) {
			out = append(out, f+"(")
		}
	}
	return head, out, tail
}

// pipelineFields returns the fields of the result of the pipeline prev,
// the stages before the one being completed; false when there is none or
// it does not plan.
func (c *completer) pipelineFields(prev string) ([]string, bool) {
	if c.fields == nil || strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(prev), "|")) == "" {
		return nil, false
	}
	return c.fields(prev)
}

// splitLastStage splits text at its last pipe outside quotes, backticks
// and brackets: prev is the pipeline before it, stage the text after it.
// Without such a pipe, prev is empty and stage is the whole text.
func splitLastStage(text string) (prev, stage string) {
	last := -1
	depth := 0
	var quote byte
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case quote != 0:
			if ch == '\\' && quote == '"' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '`':
			quote = ch
		case ch == '[':
			depth++
		case ch == ']' && depth > 0:
			depth--
		case ch == '|' && depth == 0:
			last = i
		}
	}
	if last < 0 {
		return "", text
	}
	return text[:last], text[last+1:]
}

// firstWord returns the first word of s.
func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// sortedPrefixed returns the names starting with prefix, sorted, without
// duplicates.
func sortedPrefixed(names []string, prefix string) []string {
	out := prefixed(names, prefix)
	slices.Sort(out)
	return slices.Compact(out)
}

// dotCommands are the REPL's dot commands in help order.
var dotCommands = []string{".help", ".data", ".clear", ".macros", ".macro", ".expand", ".plan", ".explain", ".datamodels", ".fields", ".lookups", ".format", ".timing", ".maxrows", ".vertical", ".output", ".read", ".edit", ".quit"}

// dotCompletions completes a dot command name, or its argument: a macro
// name after .macro, a dataset after .fields, a format after .format, on or
// off after .timing.
func (c *completer) dotCompletions(head, word string) []string {
	cmd := strings.Fields(head)
	if len(cmd) == 0 {
		out := prefixed(dotCommands, word)
		if len(out) == 1 {
			out[0] += " " // a completed command is ready for its argument
		}
		return out
	}
	switch cmd[0] {
	case ".macro":
		var names []string
		for _, m := range c.macros.Macros() {
			if !slices.Contains(names, m.Name) {
				names = append(names, m.Name)
			}
		}
		slices.Sort(names)
		return prefixed(names, word)
	case ".fields":
		out := c.datasetCompletions(word)
		for _, d := range c.cat.Datasets() {
			if word != "" && strings.HasPrefix(d.Name, word) {
				out = append(out, d.FullName())
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	case ".format", ".mode":
		return prefixed(render.FormatNames(), word)
	case ".timing", ".timer":
		return prefixed([]string{"on", "off"}, word)
	case ".vertical":
		return prefixed([]string{"on", "off", "auto"}, word)
	case ".maxrows":
		return prefixed([]string{"0", "auto"}, word)
	}
	return nil
}

// macroCompletions completes a macro call after its backtick: `name` for a
// macro without arguments, `name( for one with arguments. A Tab after
// `name( shows the call with its argument names, one per arity
// (`security_content_ctime(field)`), so the argument count is visible where
// the call is typed, without inserting them: the first candidate is the
// text as typed, so liner inserts nothing (the common prefix) and lists
// the candidates at the second Tab.
func (c *completer) macroCompletions(prefix string) []string {
	var out []string
	if name, typed, ok := strings.Cut(prefix, "("); ok {
		if typed != "" {
			return nil
		}
		for _, m := range c.macros.Macros() {
			if m.Name == name && m.Arity() > 0 {
				out = append(out, "`"+m.Name+"("+strings.Join(m.Args, ", ")+")`")
			}
		}
		if len(out) > 0 {
			out = append([]string{"`" + prefix}, out...)
		}
		return out
	}
	for _, m := range c.macros.Macros() {
		if !strings.HasPrefix(m.Name, prefix) {
			continue
		}
		s := "`" + m.Name + "`"
		if m.Arity() > 0 {
			s = "`" + m.Name + "("
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// datasetCompletions completes a dataset's full name.
func (c *completer) datasetCompletions(prefix string) []string {
	var out []string
	for _, d := range c.cat.Datasets() {
		if strings.HasPrefix(d.FullName(), prefix) {
			out = append(out, d.FullName())
		}
	}
	slices.Sort(out)
	return out
}

// fieldCompletions completes Dataset.field names, sorted. The datasets are
// those the input names with datamodel=, or, when the input names none,
// every dataset.
func (c *completer) fieldCompletions(input, word string) []string {
	var sets []*datamodel.Dataset
	for _, m := range datamodelRE.FindAllStringSubmatch(input, -1) {
		if d, ok := c.cat.Lookup(m[1]); ok && !slices.Contains(sets, d) {
			sets = append(sets, d)
		}
	}
	if len(sets) == 0 {
		sets = c.cat.Datasets()
	}
	var out []string
	for _, d := range sets {
		for _, f := range d.Fields {
			if name := d.Name + "." + f.Name; strings.HasPrefix(name, word) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// prefixed returns the names starting with prefix, in their order.
func prefixed(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// hasSuffixFold is strings.HasSuffix ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
