package summaries

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/minispl/minispl/datamodel"
)

// File names under a summaries folder.
const (
	// ManifestName is the manifest's file name in DIR.
	ManifestName = "_minispl_manifest.json"
	// manifestTemp is the manifest being written.
	manifestTemp = ".manifest.json.tmp"
	// lockName is the writers' lock file.
	lockName = ".lock"
	// manifestFormat is the version of the manifest's JSON shape.
	manifestFormat = 1
)

// Manifest is the content of DIR/_minispl_manifest.json.
type Manifest struct {
	// Format is the version of this JSON shape (1).
	Format  int      `json:"format"`
	Commits []Commit `json:"commits"`
}

// Commit is one accelerate run: the inputs it summarised and the parts it
// wrote.
type Commit struct {
	// Seq numbers the commits from 0; part files are named after it.
	Seq            int       `json:"seq"`
	Time           time.Time `json:"time"`
	MinisplVersion string    `json:"minispl_version"`
	MappingVersion string    `json:"mapping_version"`
	Inputs         []Input   `json:"inputs"`
	Parts          []Part    `json:"parts"`
}

// Input identifies one evidence file that was summarised.
type Input struct {
	// Path is the file's absolute path when it was summarised.
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string `json:"sha256"`
}

// Part is one Parquet file of a commit.
type Part struct {
	Dataset string `json:"dataset"`
	// Day is the partition's UTC day, YYYY-MM-DD.
	Day string `json:"dt"`
	// File is the part's path relative to DIR, with slashes.
	File string `json:"file"`
	Rows int64  `json:"rows"`
	// MinTime and MaxTime are the first and last _time, Unix ms.
	MinTime int64 `json:"min_time_ms"`
	MaxTime int64 `json:"max_time_ms"`
}

// tempName is the temporary name of a part file (same folder).
func tempName(final string) string {
	return filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".tmp")
}

// partName is the file name of commit seq's part.
func partName(seq int) string { return fmt.Sprintf("part-%05d.parquet", seq) }

// readManifest reads DIR's manifest; a missing one is an empty manifest
// (exists false).
func readManifest(root string) (m Manifest, exists bool, err error) {
	b, err := os.ReadFile(filepath.Join(root, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{Format: manifestFormat}, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, true, fmt.Errorf("%s: %w", filepath.Join(root, ManifestName), err)
	}
	if m.Format != manifestFormat {
		return m, true, fmt.Errorf("%s: manifest format %d, this minispl reads %d", filepath.Join(root, ManifestName), m.Format, manifestFormat)
	}
	if err := m.check(); err != nil {
		return m, true, fmt.Errorf("%s: %w", filepath.Join(root, ManifestName), err)
	}
	return m, true, nil
}

// check verifies what a reader and a writer rely on in a manifest read
// from disk, which may have been damaged or written by hand: commit
// numbers increase; every part's file is the one its commit would have
// written, DATASET/dt=DAY/part-SEQ.parquet, so that no path leads out of
// the folder (a writer renames the parts it lists) and no file is listed
// twice (its rows would be counted twice); and its rows and times agree
// with its day, which partition pruning trusts.
func (m *Manifest) check() error {
	seen := map[string]bool{}
	for ci, c := range m.Commits {
		if ci > 0 && c.Seq <= m.Commits[ci-1].Seq {
			return fmt.Errorf("commit %d: seq %d after seq %d", ci, c.Seq, m.Commits[ci-1].Seq)
		}
		if c.Seq < 0 {
			return fmt.Errorf("commit %d: seq %d", ci, c.Seq)
		}
		for pi, p := range c.Parts {
			where := fmt.Sprintf("commit %d, part %d", ci, pi)
			if p.Dataset == "" || p.Dataset == "." || p.Dataset == ".." || strings.ContainsAny(p.Dataset, "/\\\x00") {
				return fmt.Errorf("%s: dataset %q is not a folder name", where, p.Dataset)
			}
			if d, err := time.Parse(time.DateOnly, p.Day); err != nil || d.Format(time.DateOnly) != p.Day {
				return fmt.Errorf("%s: dt %q is not a day YYYY-MM-DD", where, p.Day)
			}
			if want := p.Dataset + "/dt=" + p.Day + "/" + partName(c.Seq); p.File != want {
				return fmt.Errorf("%s: file %q, want %q", where, p.File, want)
			}
			if seen[p.File] {
				return fmt.Errorf("%s: %s listed twice", where, p.File)
			}
			seen[p.File] = true
			if p.Rows <= 0 || p.MinTime > p.MaxTime || dayOf(p.MinTime) != p.Day || dayOf(p.MaxTime) != p.Day {
				return fmt.Errorf("%s: %s: %d rows from %d to %d ms, not a part of day %s", where, p.File, p.Rows, p.MinTime, p.MaxTime, p.Day)
			}
		}
	}
	return nil
}

// writeManifest replaces DIR's manifest atomically: a temporary file,
// synced, renamed over the manifest, and the folder synced.
func writeManifest(root string, m Manifest, sync bool) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(root, manifestTemp)
	if err := writeFile(tmp, append(b, '\n'), sync); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(root, ManifestName)); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if !sync {
		return nil
	}
	return syncDir(root)
}

// writeFile writes b to a new file p and, with sync, syncs it.
func writeFile(p string, b []byte, sync bool) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// syncDir syncs a folder, so that the renames in it are on disk.
func syncDir(p string) error {
	d, err := os.Open(p)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", p, err)
	}
	return nil
}

// Parts returns every part of every commit, in commit order.
func (m *Manifest) Parts() []Part {
	var out []Part
	for _, c := range m.Commits {
		out = append(out, c.Parts...)
	}
	return out
}

// Inputs returns every input of every commit, in commit order.
func (m *Manifest) Inputs() []Input {
	var out []Input
	for _, c := range m.Commits {
		out = append(out, c.Inputs...)
	}
	return out
}

// ListFiles resolves paths (files, and folders read recursively in name
// order, regular files only, as datamodel.Store.IngestPaths reads them) to
// files.
func ListFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			info, err := os.Stat(f)
			if err != nil {
				return err
			}
			if info.Mode().IsRegular() {
				out = append(out, f)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Status is what the manifest says of one evidence file (Classify).
type Status struct {
	File string // as given
	// Input identifies the file now (its SHA256 is set only when it had
	// to be computed: always for a file not yet summarised).
	Input Input
	// Done is set when the file is already summarised; Match is then the
	// manifest's record (its Path may differ: the same content elsewhere).
	Done  bool
	Match Input
}

// Classify tells, for each file, whether the manifest already holds it.
// A file whose path, size and modification time match a record is done
// without reading it; otherwise its SHA-256 is computed, and it is done
// when a record has that hash. A file whose path is recorded with another
// size or content is an error (see the package doc). Two files of the
// same content in files are one input: the second is done.
func (m *Manifest) Classify(files []string) ([]Status, error) {
	byPath := map[string]Input{}
	byHash := map[string]Input{}
	for _, in := range m.Inputs() {
		byPath[in.Path] = in
		byHash[in.SHA256] = in
	}
	out := make([]Status, 0, len(files))
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		in := Input{Path: abs, Size: st.Size(), ModTime: st.ModTime().UTC()}
		if rec, ok := byPath[abs]; ok && rec.Size == in.Size && rec.ModTime.Equal(in.ModTime) {
			out = append(out, Status{File: f, Input: in, Done: true, Match: rec})
			continue
		}
		if in.SHA256, err = hashFile(f); err != nil {
			return nil, err
		}
		if rec, ok := byHash[in.SHA256]; ok {
			out = append(out, Status{File: f, Input: in, Done: true, Match: rec})
			continue
		}
		if rec, ok := byPath[abs]; ok {
			return nil, fmt.Errorf("%s changed since it was summarised (then %d bytes, modified %s; now %d bytes, modified %s): its rows are in the summaries already and cannot be replaced; accelerate into a new folder",
				f, rec.Size, rec.ModTime.Format(time.RFC3339), in.Size, in.ModTime.Format(time.RFC3339))
		}
		byHash[in.SHA256] = in // a second copy in files is done
		out = append(out, Status{File: f, Input: in})
	}
	return out, nil
}

// hashFile returns the hex SHA-256 of a file's bytes.
func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// MappingVersion is the mapping version recorded in summaries written
// with cat: datamodel.MappingVersion, then "+" and the first 8 hex digits
// of the SHA-256 of the catalog's dataset names and schemas, so that a
// catalog change shows even when the constant was not bumped.
func MappingVersion(cat *datamodel.Catalog) string {
	h := sha256.New()
	for _, d := range cat.Datasets() {
		fmt.Fprintf(h, "%s\n", d.FullName())
		for _, f := range d.Schema().Fields() {
			fmt.Fprintf(h, "\t%s %s %v\n", f.Name, f.Type, f.Nullable)
		}
	}
	return datamodel.MappingVersion + "+" + hex.EncodeToString(h.Sum(nil))[:8]
}

// isTemp reports whether a file name is a part being written.
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".part-") && strings.HasSuffix(name, ".tmp")
}
