package summaries

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/minispl/minispl/datamodel"
)

// TestDiskFull runs a commit on a full disk: the files it writes first (a
// part, or the new manifest) are symbolic links to /dev/full, where every
// write fails with ENOSPC as on a full file system. The commit fails with
// that error, a reader still sees only the previous commit, nothing the
// failed commit wrote is left once the next writer opened the folder, and
// the same commit then succeeds.
func TestDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full on this system: %v", err)
	}
	cat := datamodel.DefaultCatalog()
	first := ingest(t, 0, events[0])
	second := ingest(t, 0, events[1], events[2])
	rowsFirst := total(storeRows(first))
	rowsBoth := rowsFirst + total(storeRows(second))

	// The part files of the second commit, from a scratch folder.
	scratch := t.TempDir()
	w, err := Create(scratch)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []*datamodel.Store{first, second} {
		if _, err := w.Commit(cat, st, nil, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	secondParts := w.Manifest().Commits[1].Parts
	w.Close()
	if len(secondParts) == 0 {
		t.Fatal("the second commit wrote no part")
	}

	for _, where := range []string{"parts", "manifest"} {
		t.Run(where, func(t *testing.T) {
			dir := t.TempDir()
			w, err := Create(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Commit(cat, first, nil, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			full := func(p string) {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("/dev/full", p); err != nil {
					t.Fatal(err)
				}
			}
			if where == "manifest" {
				full(filepath.Join(dir, manifestTemp))
			} else {
				for _, p := range secondParts {
					full(tempName(filepath.Join(dir, filepath.FromSlash(p.File))))
				}
			}
			_, err = w.Commit(cat, second, nil, WriteOptions{})
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device") {
				t.Fatalf("commit on a full disk: %v, want ENOSPC", err)
			}
			got, _ := readRows(t, dir, ReadOptions{})
			if total(got) != rowsFirst {
				t.Errorf("after the failed commit a reader sees %d rows, want the first commit's %d", total(got), rowsFirst)
			}
			w.Close()
			w, err = Create(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(d.Name(), ".tmp") {
					t.Errorf("left after the next writer opened the folder: %s", p)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Commit(cat, second, nil, WriteOptions{}); err != nil {
				t.Fatalf("the same commit with space: %v", err)
			}
			got, rst := readRows(t, dir, ReadOptions{})
			if total(got) != rowsBoth || rst.Ignored != 0 {
				t.Errorf("after the retry: %d rows, %d ignored; want %d rows, none ignored", total(got), rst.Ignored, rowsBoth)
			}
		})
	}
}
