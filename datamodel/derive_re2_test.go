package datamodel

import (
	"regexp"
	"strings"
	"testing"
)

// The add-on's PCREs that RE2 can express, for FuzzDerivationsAgainstRE2.
// PCRE's `$` (at the end, or before a final "\n") has no RE2 form, so a
// pattern ending in `$` is written with the optional final "\n" captured
// and put back by the replacement: `X$` -> `X(\n?)\z`, which matches
// exactly where PCRE's does and replaces the same text. `.` matches any
// character but "\n" in both, and ReplaceAll replaces every match left to
// right, as Splunk's replace() does. basename's look-ahead has no RE2 form
// and is checked by the table tests alone.
var re2Derivations = []struct {
	name string
	re   *regexp.Regexp
	repl string
	fn   func(e *event, x []byte) []byte
}{
	{"registry_key_name", regexp.MustCompile(`\\(\w+|\(Default\))(\n?)\z`), "$2", registryKeyName13},
	{"registry_value_name", regexp.MustCompile(`(.*)\\(\w+|\(Default\))(\n?)\z`), "${2}${3}", registryValueName},
	{"user", regexp.MustCompile(`(.*)\\(.+)(\n?)\z`), "${2}${3}", shortUser},
	{"file_name replace", regexp.MustCompile(`(.*\\)`), "", afterLastBackslash},
	{"noads", regexp.MustCompile(`(:[\w\. ]+)`), "", noADS},
	{"process_name fallback", regexp.MustCompile(`^\s*([^\s]+).*`), "$1", firstToken},
}

// FuzzDerivationsAgainstRE2 checks each hand-coded derivation against
// Go's regexp running the add-on's pattern, on values with line breaks,
// backslashes and the characters the patterns treat specially. RE2's \s
// lacks PCRE's \v, so a value holding \v is not compared for firstToken.
func FuzzDerivationsAgainstRE2(f *testing.F) {
	for _, s := range []string{
		"C:\\Users\\ADMIN\\AppData\r\n\\Local\\Temp\\2\\setup.exe",
		"HKLM\\A\\V\n", "HKLM\\A\\V\r\n", "\nHKLM\\A\\(Default)", "HKLM\\A\r\\B",
		"DOM\\a\nB\\c", "A\\B\\\n", "C:\\d\\f.txt:Zone.Identifier\r\n", "  cmd.exe /c\r\ndir",
		"", "\n", "\\", "\\\n\\", "a\\b\n\n", ":x\n:y z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range re2Derivations {
			if d.name == "process_name fallback" && strings.Contains(s, "\v") {
				continue
			}
			var e event
			want := d.re.ReplaceAllString(s, d.repl)
			if got := string(d.fn(&e, []byte(s))); got != want {
				t.Errorf("%s(%q) = %q, the PCRE gives %q", d.name, s, got, want)
			}
		}
	})
}
