// Package macros loads Splunk search macros and expands them in search text,
// as Splunk does before it parses a search.
//
// # Loading
//
// A Library holds macros keyed by name and argument count: `[name]` and
// `[name(2)]` are different macros, and the number of arguments in a call
// picks the stanza. Default returns the built-in macros (the embedded
// default.conf); Library.Load adds macros.conf files, ESCU macro YAML files,
// JSON lines in the format of ESCU's macros.jsonl, or a folder of them.
// Later definitions override earlier ones of the same name and arity.
//
// macros.conf is read with Splunk's .conf rules: '#' comment lines,
// `[stanza]` headers, `key = value` settings, a trailing '\' continues the
// value on the next line. Chosen where Splunk is not documented: the line
// break is kept in the value in place of the backslash; a repeated stanza
// merges into the earlier one; [default] is ignored; `disabled = true` drops the stanza; `validation` and
// `errormsg` are accepted but not enforced; unknown settings are errors, so
// that a misspelt key is not silently dropped. Malformed files give errors
// naming file:line.
//
// # Expansion rules
//
// Library.Expand implements Splunk's textual expansion (spl-semantics §5):
//
//   - A call is a backtick pair outside double-quoted strings: `name` or
//     `name(arg, ...)`. Inside a string a backslash escapes the next byte, so
//     `\"` does not end it; outside, `\"` does not start one. Backticks in
//     strings are left alone ("macros inside of quoted values are not
//     expanded"). A call ends at the next backtick.
//   - Arguments split on commas outside double quotes and parentheses and
//     are trimmed. `name()` has no arguments.
//   - [Uncertain] An argument wholly wrapped in double quotes loses that pair
//     of quotes (Splunk's own `audit_searchlocal` and CIM's
//     drop_dm_object_name("Web") calls rely on it). Escapes inside it, such
//     as `\"`, are kept as written, not unescaped; an argument written
//     \"Authentication\" (escaped quotes outside a string, seen once in
//     ESCU) is passed as written.
//   - [Uncertain] Named arguments, `name(a=1,b=2)`, bind by name only when
//     every argument is written key=value and the keys are exactly the
//     macro's argument names; otherwise arguments bind by position, so
//     `filter(search_id=x)` passes "search_id=x".
//   - `$arg$` is replaced everywhere in the definition, even inside quotes,
//     in one left-to-right pass: a substituted value is not searched again
//     for `$name$`.
//   - The result is expanded again until no call is left. Quote state is
//     tracked per definition: a definition's quotes must balance on their
//     own (Splunk rescans the whole text; ESCU definitions all balance).
//   - A cycle is an error printing the chain (`a` -> `b` -> `a`). Nesting is
//     bounded by MaxDepth; the expanded text and each substituted
//     definition by MaxSize; the total bytes of definitions expanded by
//     16×MaxSize, so macros that expand to nothing cannot run long either.
//   - An undefined macro is an error in the spirit of Splunk's: "macro 'foo'
//     cannot be found (no definition for foo with 0 arguments; defined:
//     foo(1))", which also covers a call with the wrong argument count.
//   - ESCU's build rule (escu-content §1): an undefined macro whose name ends
//     in `_filter`, called with no arguments, expands to `search *`.
//   - An `iseval = true` macro is supported only when its definition (after
//     substitution) is one double-quoted string literal, such as the `""` of
//     Splunk's `comment(1)`; its value, with `\"` and `\\` unescaped, is the
//     expansion. Other eval definitions are an error at the call.
//
// # Positions
//
// Every error is an *spl.Error positioned in the original text: at the call,
// or, for a problem inside a definition, at the outermost call in the text,
// with a note naming the expansion chain. An Expansion keeps a source map:
// Origin maps an offset of the expanded text back to the original, and
// Relocate moves an error found in the expanded text (a parse error, say)
// onto the original text.
//
// The scanner and the source map are hand-written: expansion is a single
// left-to-right byte scan with strings.IndexAny, which no library provides
// with Splunk's quoting rules, and it must keep byte offsets exact. A seed
// search expands in a few microseconds (BenchmarkExpandSeed).
//
// Imports: spl (argument splitting and positioned errors) and the YAML
// library only; it must not import engine, datamodel or query: expansion
// is text to text.
package macros
