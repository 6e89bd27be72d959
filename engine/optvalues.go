package engine

import (
	"fmt"
	"strings"

	"github.com/minispl/minispl/spl"
)

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
