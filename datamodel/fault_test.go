package datamodel

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Faults of the file system and of inputs that change under the reader.
// Each must end in a clear error naming the input, or in events counted
// (read = used + skipped), never in a hang, a panic or a silent loss.

// TestIngestUnreadable covers inputs that cannot be read: a file and a
// folder without permissions (moot as root, who reads them anyway, so
// skipped there), a named pipe inside a folder (never opened: it would
// wait for a writer), and a stream that fails after some events.
func TestIngestUnreadable(t *testing.T) {
	good := regEvt(12, "CreateKey", `HKLM\X`).xml() + "\n"
	t.Run("permissions", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: chmod 000 does not stop root from reading; the other subtests make reads fail")
		}
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"a.xml": good, "locked.xml": good, "sub/b.xml": good})
		for _, p := range []string{"locked.xml", "sub"} {
			path := filepath.Join(dir, p)
			if err := os.Chmod(path, 0); err != nil {
				t.Fatal(err)
			}
			s := NewStore(DefaultCatalog(), Options{})
			_, err := s.IngestPath(context.Background(), dir, IngestOptions{})
			os.Chmod(path, 0o755)
			if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s unreadable: error %v, want permission denied naming it", p, err)
			}
			if st := s.Stats(); p == "sub" && st.Events != 0 {
				// A folder is resolved to its files before any is read.
				t.Errorf("%s unreadable: %d events read before the error, want 0", p, st.Events)
			}
		}
	})
	t.Run("named pipe in a folder", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"a.xml": good})
		if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		done := make(chan struct{})
		var st Stats
		var err error
		go func() {
			defer close(done)
			s := NewStore(DefaultCatalog(), Options{})
			st, err = s.IngestPath(context.Background(), dir, IngestOptions{})
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("ingesting a folder with a named pipe hangs")
		}
		if err != nil || st.Files != 1 || st.FilesSkipped[skipNotRegular] != 1 || st.Used["Endpoint.Registry"] != 1 {
			t.Errorf("got %+v, %v; want a.xml read and the pipe skipped as %q", st, err, skipNotRegular)
		}
	})
	t.Run("stream failing after events", func(t *testing.T) {
		s := NewStore(DefaultCatalog(), Options{})
		r := &errAfter{data: []byte(strings.Repeat(good, 3)), err: errors.New("input/output error")}
		st, err := s.IngestReader(context.Background(), r, "disk.log", IngestOptions{})
		if err == nil || !strings.Contains(err.Error(), "disk.log") || !strings.Contains(err.Error(), "input/output error") {
			t.Errorf("error %v, want one naming disk.log and the cause", err)
		}
		checkAccounting(t, st)
		if st.Used["Endpoint.Registry"] != 3 {
			t.Errorf("%+v: want the 3 events before the error kept", st)
		}
	})
}

// errAfter reads data, then fails with err.
type errAfter struct {
	data []byte
	err  error
}

func (r *errAfter) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// changer is a Progress that runs change once, after the first chunk of
// the input is read.
type changer struct {
	change func()
	done   bool
}

func (c *changer) Start(int64) {}
func (c *changer) Add([]byte) {
	if !c.done {
		c.done = true
		c.change()
	}
}

// TestIngestChangedWhileRead truncates, overwrites and cuts a file after
// its first chunk is read: the events read are all accounted for, fewer
// than the file held when it shrank, and a cut gzip stream is an error
// naming the file.
func TestIngestChangedWhileRead(t *testing.T) {
	var b strings.Builder
	n := 0
	for b.Len() < 3*readBufferSize {
		fmt.Fprintf(&b, "%s\n", regEvt(12, "CreateKey", fmt.Sprintf(`HKLM\K%d`, n)).xml())
		n++
	}
	text := b.String()
	for _, tc := range []struct {
		name   string
		data   []byte
		change func(path string) error
		// fewer: the events read must be fewer than n; wantErr: the error
		// must contain it ("" for none).
		fewer   bool
		wantErr string
	}{
		{"truncated", []byte(text), func(p string) error { return os.Truncate(p, int64(len(text)/2)) }, true, ""},
		{"overwritten", []byte(text), func(p string) error {
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt(bytes.Repeat([]byte("<Event <Data>\x00"), 4096), int64(2*readBufferSize))
			return err
		}, false, ""},
		{"gzip cut", storedGzip(t, text), func(p string) error {
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, st.Size()/2)
		}, true, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "events.log")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var cerr error
			s := NewStore(DefaultCatalog(), Options{})
			st, err := s.IngestPath(context.Background(), path, IngestOptions{Progress: &changer{change: func() { cerr = tc.change(path) }}})
			if cerr != nil {
				t.Fatal(cerr)
			}
			if tc.wantErr == "" && err != nil {
				t.Errorf("error %v, want events counted", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path)) {
				t.Errorf("error %v, want %q naming the file", err, tc.wantErr)
			}
			checkAccounting(t, st)
			if st.Events == 0 || tc.fewer && st.Events >= n || st.Events > 2*n {
				t.Errorf("%d events read of %d written", st.Events, n)
			}
		})
	}
}

// storedGzip is a gzip stream of text without compression, so that it is
// as long as text (longer than the first chunk read).
func storedGzip(t testing.TB, text string) []byte {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.NoCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(text))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
