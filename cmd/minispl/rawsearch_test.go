package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunRawEvents runs the searches over raw events that issue 9 names as
// what a Splunk user types first, on events written for the tests. The
// expected outputs were worked out by hand from the files (newest first;
// Sysmon _time is UtcTime; 4688's new_process_name is the basename of
// NewProcessName, raw-events.md §4.2).
func TestRunRawEvents(t *testing.T) {
	events := filepath.Join("..", "..", "testdata", "events")
	t.Run("sysmon table", func(t *testing.T) {
		status, stdout, stderr := invoke(t, "", "run", "--tz", "UTC", "--format", "csv", "--data", filepath.Join(events, "processes_filesystem.xml"),
			"`sysmon` EventCode=1 | head 5 | table _time host Image CommandLine")
		want := `_time,host,Image,CommandLine
2024-10-01T10:01:00.000+00:00,CONTENTCTL_HOST,C:\Windows\System32\CMD.EXE,CMD.EXE /c dir C:\Users\jdoe\Documents
2024-10-01T10:00:00.000+00:00,CONTENTCTL_HOST,C:\Windows\System32\rundll32.exe,"rundll32.exe C:\Users\jdoe\AppData\Local\Temp\x.dll,Start"
2024-10-01T09:10:00.000+00:00,CONTENTCTL_HOST,C:\Windows\System32\cmd.exe,"cmd.exe /c ""whoami /all &amp; hostname"""
2024-10-01T09:05:30.999+00:00,CONTENTCTL_HOST,C:\Windows\System32\cmd.exe,C:\Windows\system32\cmd.exe /c net user backdoor P@ss1 /add
2024-10-01T09:00:00.100+00:00,CONTENTCTL_HOST,C:\Windows\System32\cmd.exe,"cmd.exe /c ""whoami /all &amp; hostname"""
`
		if status != exitOK || stdout != want || strings.Contains(stderr, "warning:") {
			t.Errorf("status %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", status, stdout, want, stderr)
		}
	})
	// New_Process_Name is the classic WinEventLog name (raw-events.md §7):
	// XML 4688 events have NewProcessName and the add-on's
	// new_process_name. No row, as in Splunk, and a warning naming both.
	t.Run("classic field name", func(t *testing.T) {
		status, stdout, stderr := invoke(t, "", "run", "--data", filepath.Join(events, "windows_raw.xml"),
			"EventCode=4688 | stats count by New_Process_Name")
		wantWarn := "warning: no event read has a field named New_Process_Name, so it is null in every event (field names are case-sensitive; the events have NewProcessName, new_process_name)\n"
		if status != exitNoResults || !strings.Contains(stderr, wantWarn) || strings.Count(stderr, "warning:") != 1 {
			t.Errorf("status %d, stdout %q\nstderr:\n%s\nwant the warning\n%s", status, stdout, stderr, wantWarn)
		}
	})
	// The add-on's name: e1 certutil.exe and e2 app.exe, no warning.
	t.Run("add-on field name", func(t *testing.T) {
		status, stdout, stderr := invoke(t, "", "run", "--format", "csv", "--data", filepath.Join(events, "windows_raw.xml"),
			"EventCode=4688 | stats count by new_process_name NewProcessName")
		want := "new_process_name,NewProcessName,count\napp.exe,C:\\Program Files\\App\\app.exe,1\ncertutil.exe,C:\\Windows\\System32\\certutil.exe,1\n"
		if status != exitOK || stdout != want || strings.Contains(stderr, "warning:") {
			t.Errorf("status %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", status, stdout, want, stderr)
		}
	})
	// Fields made by eval, or renamed, are not reported; an unknown field
	// in the search itself is.
	t.Run("only absent fields", func(t *testing.T) {
		_, _, stderr := invoke(t, "", "run", "--data", filepath.Join(events, "windows_raw.xml"),
			"EventCode=4688 Nope!=x | eval y=1 | table y New_Process_Name")
		want := "warning: no event read has a field named Nope, so it is null in every event\n"
		if strings.Count(stderr, "warning:") != 1 || !strings.Contains(stderr, want) {
			t.Errorf("stderr:\n%s\nwant only\n%s", stderr, want)
		}
	})
}

// TestREADMESearchingEvents runs the example of README's "Searching
// events" section and compares its output with the one printed there.
// Skipped without ../shared, which holds the example's file.
func TestREADMESearchingEvents(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Searching events\n")
	if !ok {
		t.Fatal("README has no Searching events section")
	}
	_, block, ok := strings.Cut(sec, "\n```\n")
	block, _, ok2 := strings.Cut(block, "\n```\n")
	if !ok || !ok2 {
		t.Fatal("no example block in README's Searching events section")
	}
	// "$ ./minispl run --data FILE \" then "    'SEARCH'", then the output.
	lines := strings.Split(block, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "$ ./minispl run --data ") || !strings.HasSuffix(lines[0], " \\") {
		t.Fatalf("unexpected example shape:\n%s", block)
	}
	file := strings.TrimSuffix(strings.TrimPrefix(lines[0], "$ ./minispl run --data "), " \\")
	search := strings.TrimSpace(lines[1])
	if !strings.HasPrefix(search, "'") || !strings.HasSuffix(search, "'") {
		t.Fatalf("search line %q is not single-quoted", lines[1])
	}
	search = search[1 : len(search)-1]
	// README paths are written from the checkout's root.
	path := filepath.Join("..", "..", file)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("../shared absent: %v", err)
	}
	status, stdout, stderr := invoke(t, "", "run", "--data", path, search)
	want := strings.Join(lines[2:], "\n") + "\n"
	if status != exitOK || stdout != want {
		t.Errorf("README example: status %d\nstdout:\n%s\nREADME:\n%s\nstderr:\n%s", status, stdout, want, stderr)
	}
}
