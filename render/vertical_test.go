package render

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestVertical checks the vertical layout, worked out by hand from the
// rules of writeVertical: a "-[ row N ]" line padded with dashes to 40
// cells, then one line per field, names padded to the widest
// (process_name, 12) plus two spaces; further values of a multivalue
// cell on their own lines under the value; a null or empty value leaves
// the name alone on its line.
func TestVertical(t *testing.T) {
	tab := fixtures[1].table // multivalue_nulls
	var b bytes.Buffer
	if err := Write(&b, tab, FormatTable, Options{Vertical: VerticalOn}); err != nil {
		t.Fatal(err)
	}
	dashes := func(n int) string { return strings.Repeat("-", n) }
	want := "-[ row 1 ]" + dashes(30) + "\n" +
		"dest          host-a\n" +
		"process_name  cmd.exe\n" +
		"              powershell.exe\n" +
		"              reg.exe\n" +
		"parent\n" +
		"count         3\n" +
		"-[ row 2 ]" + dashes(30) + "\n" +
		"dest\n" +
		"process_name  svchost.exe\n" +
		"parent        services.exe\n" +
		"count         1\n" +
		"-[ row 3 ]" + dashes(30) + "\n" +
		"dest          host-c\n" +
		"process_name\n" +
		"parent\n" +
		"count\n" +
		"-[ row 4 ]" + dashes(30) + "\n" +
		"dest\n" +
		"process_name\n" + // the first value is ""
		"              x\n" +
		"parent        explorer.exe\n" +
		"count         0\n"
	if b.String() != want {
		t.Errorf("vertical:\n%s\nwant:\n%s", b.String(), want)
	}

	// At width 24 the values get 24-12-2 = 10 cells: "powershell.exe"
	// (14) has no break character, so it is cut after 10 cells; the row
	// lines are 24 wide.
	b.Reset()
	if err := Write(&b, tab, FormatTable, Options{Vertical: VerticalOn, Width: 24}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "-[ row 1 ]"+dashes(14) || lines[3] != "              powershell" || lines[4] != "              .exe" {
		t.Errorf("vertical at 24:\n%s", b.String())
	}
}

// TestVerticalAuto checks that auto mode prints a table that fits as a
// table and one that does not (the seed at 80 columns: its eight columns
// cannot keep the short ones whole with 12 cells for each wrapped one,
// see TestFitWidths) one field per line.
func TestVerticalAuto(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixtures[1].table, FormatTable, Options{Vertical: VerticalAuto, Width: 80}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "dest    process_name") {
		t.Errorf("auto, a table that fits:\n%s", b.String())
	}
	b.Reset()
	if err := Write(&b, fixtures[0].table, FormatTable, Options{Vertical: VerticalAuto, Width: 80}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "-[ row 1 ]") || !strings.Contains(b.String(), "\ncount              2\n") {
		t.Errorf("auto, a table too wide:\n%s", b.String())
	}
}

// TestTimeField checks _time in every format with Options.Time, worked
// out by hand: 1727705109 is 2024-09-30T14:05:09Z (1727654400 is
// 2024-09-30T00:00:00Z, day 19996 of the epoch, and 50709 s is 14 h 5 min
// 9 s); in America/New_York that day is EDT, UTC-4. Milliseconds are
// always shown (.000 for a whole second), as Splunk's exports show them
// (spl-semantics §8.2); a value that is not a number stays as it is; a
// null stays null; other fields (firstTime) are left alone, being
// numbers to Splunk as well.
func TestTimeField(t *testing.T) {
	tab := &memTable{
		fields: []string{"_time", "firstTime", "count"},
		rows: [][][]string{
			{v("1727705109.126"), v("1727705109.126"), v("2")},
			{v("1727705110"), v(), v("1")},
			{v("not a time"), v(), v("1")},
			{v(), v(), v("0")},
		},
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	tests := []struct {
		f    Format
		loc  *time.Location
		want string
	}{
		{FormatTable, time.UTC, "" +
			"_time                          firstTime       count\n" +
			"-----------------------------  --------------  -----\n" +
			"2024-09-30T14:05:09.126+00:00  1727705109.126  2\n" +
			"2024-09-30T14:05:10.000+00:00                  1\n" +
			"not a time                                     1\n" +
			"                                               0\n"},
		{FormatTable, ny, "" +
			"_time                          firstTime       count\n" +
			"-----------------------------  --------------  -----\n" +
			"2024-09-30T10:05:09.126-04:00  1727705109.126  2\n" +
			"2024-09-30T10:05:10.000-04:00                  1\n" +
			"not a time                                     1\n" +
			"                                               0\n"},
		{FormatCSV, time.UTC, "" +
			"_time,firstTime,count\n" +
			"2024-09-30T14:05:09.126+00:00,1727705109.126,2\n" +
			"2024-09-30T14:05:10.000+00:00,,1\n" +
			"not a time,,1\n" +
			",,0\n"},
		{FormatJSON, time.UTC, "" +
			`{"_time":"2024-09-30T14:05:09.126+00:00","firstTime":"1727705109.126","count":"2"}` + "\n" +
			`{"_time":"2024-09-30T14:05:10.000+00:00","count":"1"}` + "\n" +
			`{"_time":"not a time","count":"1"}` + "\n" +
			`{"count":"0"}` + "\n"},
		{FormatMarkdown, time.UTC, "" +
			"| _time | firstTime | count |\n" +
			"| --- | --- | --- |\n" +
			"| 2024-09-30T14:05:09.126+00:00 | 1727705109.126 | 2 |\n" +
			"| 2024-09-30T14:05:10.000+00:00 |  | 1 |\n" +
			"| not a time |  | 1 |\n" +
			"|  |  | 0 |\n"},
		// Without Options.Time, _time is what the engine gave.
		{FormatCSV, nil, "" +
			"_time,firstTime,count\n" +
			"1727705109.126,1727705109.126,2\n" +
			"1727705110,,1\n" +
			"not a time,,1\n" +
			",,0\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Write(&b, tab, tt.f, Options{Time: tt.loc}); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s in %v:\n%s\nwant:\n%s", tt.f, tt.loc, b.String(), tt.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"0", "1970-01-01T00:00:00.000+00:00"},
		{"-1.5", "1969-12-31T23:59:58.500+00:00"},
		{"1727705109.1265", "2024-09-30T14:05:09.127+00:00"}, // nearest millisecond
		{"1e30", "1e30"},
		{"NaN", "NaN"},
		{"", ""},
	} {
		if got := FormatTime(tt.in, time.UTC); got != tt.want {
			t.Errorf("FormatTime(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
