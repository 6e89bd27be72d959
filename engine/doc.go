// Package engine plans and executes minispl searches: a parsed,
// macro-expanded spl.Pipeline becomes a Plan of operators that pull Arrow
// record batches from the datamodel Store.
package engine
