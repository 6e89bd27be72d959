package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/minispl/minispl/spl/escu"
)

// Corpus is what Load found: the detections and what their checkouts ship
// beside them.
type Corpus struct {
	// Detections in the order read: paths in the order given, a folder's
	// files in name order.
	Detections []escu.Detection
	// Checkouts are the roots of the security_content checkouts found.
	Checkouts []string
	// MacroPaths are the checkouts' macros/ folders, for
	// macros.Library.Load.
	MacroPaths []string
	// LookupDirs are the checkouts' lookups/ folders, for
	// engine.Options.LookupDirs.
	LookupDirs []string
	// Deployments are the checkouts' deployments/*.yml, by file name
	// order; Deployment picks one by the detection's type.
	Deployments []escu.Deployment
	// Skipped lists the files of folders that hold no detection, each as
	// "file: reason".
	Skipped []string
	// Duplicates counts detections read more than once (same id, or same
	// file and line), kept once.
	Duplicates int
}

// Load reads the detections of every path (a checkout, a folder, a
// detection .yml or .yaml file, a detections .jsonl file) and finds the
// checkouts they belong to (see the package doc). A path that holds no
// detection is an error naming it.
func Load(paths ...string) (*Corpus, error) {
	c := &Corpus{}
	seen := map[string]bool{}
	roots := map[string]bool{}
	for _, p := range paths {
		read := p
		root := ""
		if isCheckout(p) {
			root, read = p, filepath.Join(p, "detections")
		} else {
			root = checkoutOf(p)
		}
		ds, skipped, err := escu.ReadAll(read)
		if err != nil {
			return nil, fmt.Errorf("detections %s: %w", p, err)
		}
		if len(ds) == 0 {
			return nil, fmt.Errorf("detections %s: no detection found (want a security_content checkout, a folder of detection .yml files, a .yml or a .jsonl file)", p)
		}
		c.Skipped = append(c.Skipped, skipped...)
		for _, d := range ds {
			key := "id:" + strings.ToLower(d.ID)
			if d.ID == "" {
				key = "at:" + d.Origin
			}
			if seen[key] {
				c.Duplicates++
				continue
			}
			seen[key] = true
			c.Detections = append(c.Detections, d)
		}
		if root != "" && !roots[root] {
			roots[root] = true
			if err := c.addCheckout(root); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// isCheckout reports whether dir holds detections/ and macros/.
func isCheckout(dir string) bool {
	return isDir(filepath.Join(dir, "detections")) && isDir(filepath.Join(dir, "macros"))
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// CheckoutOf returns the root of the checkout that path is (a folder
// holding detections/ and macros/) or whose detections/ folder holds path,
// or "". A relative path gives a root spelled relative to the same
// folder.
func CheckoutOf(path string) string {
	if isCheckout(path) {
		return path
	}
	return checkoutOf(path)
}

// checkoutOf returns the root of the checkout whose detections/ folder
// holds path, or "".
func checkoutOf(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	for dir := abs; ; {
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		if filepath.Base(dir) == "detections" && isCheckout(parent) {
			// Keep the root as the user spelled it when path is relative.
			if rel, err := filepath.Rel(abs, parent); err == nil && !filepath.IsAbs(path) {
				return filepath.Clean(filepath.Join(path, rel))
			}
			return parent
		}
		dir = parent
	}
}

// addCheckout records a checkout's macros, lookups and deployments.
func (c *Corpus) addCheckout(root string) error {
	c.Checkouts = append(c.Checkouts, root)
	c.MacroPaths = append(c.MacroPaths, filepath.Join(root, "macros"))
	if lk := filepath.Join(root, "lookups"); isDir(lk) {
		c.LookupDirs = append(c.LookupDirs, lk)
	}
	dir := filepath.Join(root, "deployments")
	if !isDir(dir) {
		return nil
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".yml" || ext == ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("deployments %s: %w", dir, err)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("deployments: %w", err)
		}
		var d escu.Deployment
		if err := yaml.Unmarshal(data, &d); err != nil {
			return fmt.Errorf("deployments: %s: %w", f, err)
		}
		if d.Name == "" {
			d.Name = f
		}
		c.Deployments = append(c.Deployments, d)
	}
	return nil
}

// ErrNoMatch marks a --detection entry that named no detection.
var ErrNoMatch = errors.New("no such detection")
