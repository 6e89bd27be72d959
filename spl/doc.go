// Package spl is minispl's front end for the Splunk Search Processing
// Language: a participle grammar over a stateful lexer, a typed AST, a
// printer that turns an AST back into canonical SPL, and positioned errors
// rendered with a caret under the offending token.
//
// The package parses text only; macro expansion (package macros) happens
// before parsing, as in Splunk. Parse still accepts unexpanded macro calls
// (as MacroCommand stages, SearchMacro terms, option-position Options and
// Value.Macro values) so that raw ESCU searches can be checked and printed.
// It does not import Arrow, so it builds and tests in seconds.
//
// # Why participle
//
// The grammar is written as participle/v2 struct tags (grammar.go) over a
// participle stateful lexer (lexer.go) rather than a hand-written recursive
// descent parser: the grammar stays declarative, adding a command is one
// struct and one Union entry, and positions come for free. participle's own
// error messages are EBNF dumps, so explain.go replaces them with short
// messages ("unexpected X: expected Y") and names unterminated strings and
// macro calls, unbalanced brackets and empty stages directly.
//
// # Choices on uncertain points
//
//   - Precedence in search expressions is NOT, then OR, then AND (explicit
//     or by adjacency): `a b OR c` is `a AND (b OR c)` (spl-semantics §2.1).
//     The AST has no group nodes; the printer adds parentheses only where
//     this precedence needs them and writes AND explicitly.
//   - AND, OR and NOT are operators only in upper case; `and`, `or`, `not`
//     are plain search terms. Keywords of commands (FROM, WHERE, BY,
//     GROUPBY, AS, IN, datamodel, command names) match in any case.
//   - BY and GROUPBY are never bare search terms, since they end a tstats
//     WHERE clause; quote them ("by") to search for the word.
//   - `\\` is one backslash and `\"` a quote both inside double quotes and in
//     bare words; other backslash pairs stay as written (spl-semantics §2.3).
//   - tstats options may stand before the aggregates, after BY, or (span=)
//     among the BY fields; the printer writes every option before the
//     aggregates and span= after the BY fields.
//   - Only `count` may stand without parentheses as an aggregate, so a typo
//     such as `frm` is reported where it is written.
//   - Any command without a typed node parses as Generic with its raw
//     argument text; the planner, not the parser, rejects it.
//
// Known gap: an unquoted value holding parentheses, such as
// `Processes.process=*GetCurrent()*` (one ESCU detection), is a syntax
// error here.
package spl
