package engine

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/minispl/minispl/spl"
)

// appendKeyPart appends s to a composite key of several strings, prefixed
// by its length, so that two different tuples never make the same key (a
// separator byte would not do: values may hold any byte, NUL included).
func appendKeyPart(key []byte, s string) []byte {
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}

// parseBool reads a Splunk boolean option value: t, true, 1, yes, y or f,
// false, 0, no, n, case-insensitively; ok is false for anything else.
func parseBool(s string) (b, ok bool) {
	switch strings.ToLower(s) {
	case "t", "true", "1", "yes", "y":
		return true, true
	case "f", "false", "0", "no", "n":
		return false, true
	}
	return false, false
}

// boolOption reads the value of option o of command cmd as a boolean
// (parseBool); any other value is an error positioned at the option.
func boolOption(cmd string, o spl.Option) (bool, error) {
	b, ok := parseBool(o.Value.Text)
	if !ok {
		return false, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("%s %s=%s: want true or false", cmd, o.Key, o.Value.Text)}
	}
	return b, nil
}
