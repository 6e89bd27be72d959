// Package english formats counts for the messages people read: "1 file",
// "1,234 files". The ingest summary (datamodel) and the command line (cmd)
// both print counts, so the two helpers live here once rather than in the
// exported API of either.
//
// It owns message wording only and imports nothing but the standard
// library; it is internal to the module, so no caller outside minispl
// depends on it.
package english

import (
	"strconv"
	"strings"
)

// Plural returns "1 file" or "1,234 files": n with thousands separators
// and word, with an "s" unless n is 1.
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return Thousands(n) + " " + word + "s"
}

// Thousands formats n with comma thousands separators: 1234567 gives
// "1,234,567".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
