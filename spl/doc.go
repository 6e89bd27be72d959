// Package spl is minispl's front end for the Splunk Search Processing
// Language: a participle grammar over a stateful lexer, a typed AST, a
// printer that turns an AST back into canonical SPL, and positioned errors
// rendered with a caret under the offending token.
//
// The package parses text only; macro expansion (package macros) happens
// before parsing, as in Splunk. It does not import Arrow, so it builds and
// tests in seconds.
package spl
