// Package expr compiles and evaluates minispl's two expression languages
// over Arrow batches: the search language of `search` and the tstats
// WHERE clause (predicate.go: SearchCompiler, Pred, a boolean mask per
// batch, evaluated once per dictionary entry where it can, a plain
// string or multivalue column once per value over its whole buffer
// where most rows matter; over raw events, the parts that read _raw
// last, OrderRawLast, and the texts read on demand at the rows that
// matter, PredState.SetRaw), and the eval
// language of eval, where and the stats eval(...) arguments (eval.go:
// EvalCompiler, Evaluator, columnar Vectors per batch), with the eval
// functions in one table (funcs_*.go; FunctionNames lists them for the
// REPL and .help). Adding an eval function touches only this package.
//
// It owns the semantics of both languages: glob and CIDR matching of
// search values and the IN hash sets, two-valued null logic, comparison
// and arithmetic rules with their precision, the functions' argument
// checks, and the positioned plan errors for expressions (a PCRE-only
// regex construct that no engine runs, an unknown function, a boolean
// where a value is needed). Regexes compile with package pcre, as those
// of the commands rex, regex and makemv do; GoReplacement and Strptime are
// shared with rex and convert.
//
// TERM() and CASE() (raw-events.md §2.3, spl-semantics §2.2; rawterm.go,
// SearchCompiler.checkDirective). Choices where the reference is silent:
// TERM(x) against _raw needs a major breaker or the text's edge on both
// sides of x and is case-insensitive; CASE(x) is the bare-term match made
// case-sensitive; '*' in an unquoted x is the bare-term wildcard. A TERM(x)
// whose x holds a major breaker, and an unquoted CASE(x) holding
// whitespace, are positioned errors rather than searches that match
// nothing. field=CASE(x) and field!=CASE(x) are case-sensitive whole-value
// globs; field=TERM(x) is field=x (a field value is compared whole, so
// the index lookup that TERM changes plays no part); an ordering with
// either, and either in a tstats WHERE, is a positioned error.
//
// Imports: engine/internal/value (the values computed on), spl and
// spl/timemod (the AST compiled and the relative times of
// relative_time()), Arrow and the standard library. It must not import the
// engine, datamodel or the engine's other internal packages: commands call
// it, never the reverse, so a compiled expression knows columns by index
// and nothing of operators or plans.
package expr
