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
// Walk and Inspect traverse the AST as go/ast's do (walk.go); Conjuncts,
// Disjuncts, TakeConjuncts and RewriteSearch take search expressions apart,
// and Unexpanded finds a macro call left in any command. Commands is the
// command registry (commands.go): name, kind (generating, streaming,
// blocking), one-line help, usage and an example of every typed command;
// the grammar, its error hints, the REPL's completion and .help read it.
//
// # Why participle
//
// The grammar is written as participle/v2 struct tags (grammar.go) over a
// participle stateful lexer (lexer.go) rather than a hand-written recursive
// descent parser: the grammar stays declarative, adding a command is one
// struct with its convert method (parse_commands.go) and one row of the
// command registry (commands.go), and positions come for free. participle's own
// error messages are EBNF dumps, so explain.go replaces them with short
// messages ("unexpected X: expected Y") and names unterminated strings and
// macro calls, unbalanced brackets and empty stages directly.
//
// # What parsing costs
//
// participle parses by trying alternatives in order, each on a copy of
// its state, with reflection: about 360 µs of CPU and 2,000 allocations
// for an expanded ESCU search (BenchmarkParseESCU), most of compiling
// one. Two things keep that down without changing the grammar's language,
// the AST or an error's position:
//
//   - Alternatives are ordered so that the common case is tried first
//     where they cannot both match: among the primaries of a search
//     expression a comparison, then IN, then TERM()/CASE() and a bare
//     term (a bare term takes any word, so it stays after the forms that
//     start with one), then the forms that start with "(", "[" or a
//     backtick; a BY field before span=, name=value before a macro call
//     in option position, a word before a quoted field name, the
//     registered commands before a macro-call stage. An alternative that does not match its first
//     token fails at the position where the one tried next starts, so
//     the furthest failure, which explain reports, is the same. Checked:
//     the ASTs (positions included) and errors of every expanded ESCU
//     search and 54,000 damaged variants were byte-identical before and
//     after.
//   - Memo (memo.go) parses each distinct pipeline stage of a batch of
//     searches once.
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
//     bare words; in a bare word `\|` is a pipe too ("the backslash escapes
//     quotes, pipes and itself"), while inside double quotes, where a pipe
//     needs no escape, `\|` stays as written so that the regexes of rex and
//     regex keep their literal pipe. Other backslash pairs stay as written
//     (spl-semantics §2.3, which leaves the exact set uncertain).
//   - tstats options may stand before the aggregates, after BY, or (span=)
//     among the BY fields; the printer writes every option before the
//     aggregates and span= after the BY fields.
//   - Only `count` may stand without parentheses as an aggregate, so a typo
//     such as `frm` is reported where it is written.
//   - Any command without a typed node parses as Generic with its raw
//     argument text; the planner, not the parser, rejects it. The typed
//     commands are those of the registry (Commands, commands.go): tstats,
//     search, rename, convert, where, eval, stats, eventstats, table,
//     fields, dedup, sort, head, fillnull, rex, regex, bin/bucket,
//     mvexpand, makemv, lookup, inputlookup, join and append (subsearches
//     parse recursively into a *Pipeline).
//   - A bare value may hold balanced parentheses written without whitespace
//     (`Processes.process=*GetCurrent()*`): a "(" touching the word starts
//     a group running to its matching ")" with no whitespace inside, and a
//     word touching the ")" continues the value. `x=f (g)` stays x=f AND g.
//
// # Eval expressions (where, eval, stats' eval(), head (expr))
//
// They are parsed by a hand-written Pratt parser (expr_parser.go) plugged
// into participle as a Parseable, because the search lexer reads
// `avg+stdev*4` or `-1` as one Word and participle has no left recursion.
// Precedence, loosest first: OR XOR, AND, NOT, comparisons (= == != < <= >
// >= LIKE IN), + - ., * / %, unary minus; binary operators associate to the
// left. Choices on uncertain points:
//
//   - The keywords AND OR NOT XOR LIKE IN match in any case in eval
//     expressions (ESCU writes `where a > 10 or b > 10` and
//     `where isnull(x) and ...`; Splunk documents upper case for search
//     only). A keyword followed by "(" in operand position is a function
//     call: like(x, "a%"), in(x, 1, 2). To name a field "and", quote it.
//   - Bare field names in eval/where are [A-Za-z_][A-Za-z0-9_]*; an
//     unquoted "." is the concatenation operator, so `a.b` is a . b and
//     Registry.dest must be written 'Registry.dest' (spl-semantics §2.4:
//     names with non-alphanumeric characters need single quotes). ESCU's
//     `eval process=RTLO_command_1.RTLO_command_2` relies on this. The
//     printer puts spaces around the "." operator.
//   - In double-quoted eval strings `\\` is a backslash, `\"` a quote and
//     `\t` a tab (spl-semantics §6.3); every other backslash pair, `\n`
//     included, stays as written, so regexes such as "\d+" keep `\d`.
//     Single-quoted field names resolve `\\` and `\'`.
//   - Numbers are digits with an optional fraction and exponent (42, 2.5,
//     1e3); -1 is Unary("-", 1). `=` and `==` are both kept as written.
//   - StatsAgg.Text, which names the stats column when there is no AS, is
//     the printer's canonical text of the function: lower-case name, the
//     field bare when possible, eval expressions canonically spaced
//     (count(eval(status = "404"))).
//   - sort: a leading whole number is the limit and a trailing d or desc
//     the reverse flag when more keys follow; dedup: a leading whole
//     number is the count. The printer quotes fields that would read back
//     as those.
package spl
