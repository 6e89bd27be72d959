package datamodel

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// zipOf builds a zip archive holding members in the given order,
// deflated.
func zipOf(t testing.TB, members ...[2]string) []byte {
	return zipWith(t, zip.Deflate, members...)
}

// zipWith builds a zip archive holding members in the given order,
// compressed with method.
func zipWith(t testing.TB, method uint16, members ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, m := range members {
		f, err := w.CreateHeader(&zip.FileHeader{Name: m[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestZipInput(t *testing.T) {
	xmlEvt := regEvt(13, "SetValue", `HKLM\SOFTWARE\FromXML`, kv{"Details", "DWORD (0x00000001)"}).xml()
	jsonA := regJSON(12, "CreateKey", `HKLM\SOFTWARE\FromJSON1`, "")
	jsonB := regJSON(12, "DeleteKey", `HKLM\SOFTWARE\FromJSON2`, "")
	inner := zipOf(t, [2]string{"x.json", jsonA + "\n"})
	archive := zipOf(t,
		[2]string{"b/events.json", jsonA + "\n{oops\n" + jsonB + "\n"},
		[2]string{"a.xml", xmlEvt + "\n"},
		[2]string{"dir/", ""},
		[2]string{"__MACOSX/b/._events.json", "\x00\x05\x16\x07binary"},
		[2]string{"c/nested.zip", string(inner)},
	)
	// Members in name order: a.xml, b/events.json, c/nested.zip (whose
	// x.json is read too); the resource fork is listed as skipped.
	wantPaths := []string{`HKLM\SOFTWARE\FromXML`, `HKLM\SOFTWARE\FromJSON1`, `HKLM\SOFTWARE\FromJSON2`, `HKLM\SOFTWARE\FromJSON1`}
	wantSkipped := map[string]int{
		"malformed: bad JSON": 1,
	}
	path := filepath.Join(t.TempDir(), "otrf.zip")
	if err := os.WriteFile(path, archive, 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, s *Store, name string, files int) {
		t.Helper()
		st := s.Stats()
		checkAccounting(t, st)
		if st.Files != files || st.Events != 5 || st.Used["Endpoint.Registry"] != 4 || st.FileKinds["zip"] != 1 {
			t.Errorf("stats %+v, want %d files (a zip), 5 events, 4 registry rows", st, files)
		}
		wantFiles := []SkippedFile{{name + ":__MACOSX/b/._events.json", "macOS resource fork"}}
		if !reflect.DeepEqual(st.SkippedFiles, wantFiles) {
			t.Errorf("skipped files %v, want %v", st.SkippedFiles, wantFiles)
		}
		if !reflect.DeepEqual(st.Skipped, wantSkipped) {
			t.Errorf("skipped %v, want %v", st.Skipped, wantSkipped)
		}
		wantProblems := []string{
			name + ":b/events.json:2: bad JSON: invalid character 'o' looking for beginning of object key string (column 2)",
		}
		if !reflect.DeepEqual(st.Problems, wantProblems) {
			t.Errorf("problems %q, want %q", st.Problems, wantProblems)
		}
		var got []string
		for _, r := range rows(t, s, "Endpoint.Registry") {
			got = append(got, r["registry_path"])
		}
		if !reflect.DeepEqual(got, wantPaths) {
			t.Errorf("registry paths %q, want members in name order %q", got, wantPaths)
		}
		if want := int64(len(xmlEvt) + 1 + len(jsonA) + len("\n{oops\n") + len(jsonB) + 1 + len(jsonA) + 1); st.Bytes != want {
			t.Errorf("Bytes %d, want the %d bytes of the event members", st.Bytes, want)
		}
	}
	t.Run("IngestFile", func(t *testing.T) {
		s := NewStore(DefaultCatalog(), Options{BatchSize: 2})
		if err := s.IngestFile(path); err != nil {
			t.Fatal(err)
		}
		check(t, s, path, 1)
	})
	t.Run("Ingest stream", func(t *testing.T) {
		s := NewStore(DefaultCatalog(), Options{})
		if err := s.Ingest(&oneByteReader{s: string(archive)}, "stream.zip"); err != nil {
			t.Fatal(err)
		}
		check(t, s, "stream.zip", 1) // a reader is one file, as a path is
	})
}

func TestZipErrors(t *testing.T) {
	// Stored, not deflated, so that the member's bytes can be altered.
	archive := zipWith(t, zip.Store, [2]string{"a.json", regJSON(12, "CreateKey", `HKLM\X`, "") + "\n"})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated archive", archive[:len(archive)-30], "bad.zip: reading zip archive: zip: not a valid zip file"},
		{"corrupt member", bytes.Replace(archive, []byte("CreateKey"), []byte("CreateKex"), 1), "bad.zip:a.json: zip: checksum error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.zip")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			s := NewStore(DefaultCatalog(), Options{})
			err := s.IngestFile(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("IngestFile error %v, want one containing %q", err, tc.want)
			}
			err = s.Ingest(bytes.NewReader(tc.data), path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Ingest error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// otrfCounts is an independent count of one OTRF zip, read with
// archive/zip, bufio.Scanner and encoding/json into map[string]any.
type otrfCounts struct {
	lines int
	// sysmon counts Sysmon-channel events by EventID; process counts the
	// Security events of Endpoint.Processes (4688, 4689, 4696, 4673,
	// 4674: the eventtype windows_endpoint_processes).
	sysmon  map[int]int
	process int
	// action counts the expected Registry action of EIDs 12-14 (add-on
	// EVAL-action: CreateKey created, DeleteKey/DeleteValue deleted, other
	// 12 unknown, 13 and 14 modified).
	action map[string]int
}

func countOTRF(t *testing.T, path string) otrfCounts {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	c := otrfCounts{sysmon: map[int]int{}, action: map[string]int{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(rc)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			c.lines++
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				continue
			}
			if m["Channel"] == "Security" {
				switch id, _ := m["EventID"].(float64); id {
				case 4688, 4689, 4696, 4673, 4674:
					c.process++
				}
			}
			if m["SourceName"] != "Microsoft-Windows-Sysmon" || m["Channel"] != "Microsoft-Windows-Sysmon/Operational" {
				continue
			}
			id, _ := m["EventID"].(float64)
			c.sysmon[int(id)]++
			switch {
			case id == 12 && m["EventType"] == "CreateKey":
				c.action["created"]++
			case id == 12 && (m["EventType"] == "DeleteKey" || m["EventType"] == "DeleteValue"):
				c.action["deleted"]++
			case id == 12:
				c.action["unknown"]++
			case id == 13 || id == 14:
				c.action["modified"]++
			}
		}
		rc.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestSharedOTRF ingests every OTRF zip of shared/datasets/otrf and checks
// the accounting and the registry rows against an independent count.
func TestSharedOTRF(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(sharedDir(t), "datasets", "otrf", "*.zip"))
	if len(paths) == 0 {
		t.Skip("no OTRF zips")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want := countOTRF(t, path)
			s := NewStore(DefaultCatalog(), Options{})
			if err := s.IngestFile(path); err != nil {
				t.Fatal(err)
			}
			st := s.Stats()
			checkAccounting(t, st)
			if st.Events != want.lines {
				t.Errorf("Events %d, want one per non-blank line: %d", st.Events, want.lines)
			}
			if len(st.Problems) > 0 {
				t.Errorf("problems %q", st.Problems)
			}
			reg := want.sysmon[12] + want.sysmon[13] + want.sysmon[14]
			if st.Used["Endpoint.Registry"] != reg {
				t.Errorf("Registry rows %d, want the %d Sysmon EID 12-14 events", st.Used["Endpoint.Registry"], reg)
			}
			proc := want.process
			for _, id := range []int{1, 5, 6, 7, 8, 9, 10, 15, 17, 18, 24, 25} {
				proc += want.sysmon[id]
			}
			if st.Used["Endpoint.Processes"] != proc {
				t.Errorf("Processes rows %d, want %d", st.Used["Endpoint.Processes"], proc)
			}
			got := map[string]int{}
			for _, r := range rows(t, s, "Endpoint.Registry") {
				got[r["action"]]++
			}
			if !reflect.DeepEqual(got, want.action) && reg > 0 {
				t.Errorf("Registry actions %v, want %v", got, want.action)
			}
			if strings.Contains(path, "run_keys_standard_user") {
				// The counts datasets/README.md states for this file.
				if st.Events != 40569 || want.sysmon[12] != 7839 || want.sysmon[13] != 5376 {
					t.Errorf("events %d, EID 12 %d, EID 13 %d; README: 40,569, 7,839, 5,376", st.Events, want.sysmon[12], want.sysmon[13])
				}
			}
			t.Log(fmt.Sprintf("%d events, used %v", st.Events, st.Used))
		})
	}
}
