package datamodel

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// This file reads zip archives of event files (OTRF ships its datasets as
// zips of JSON lines). See doc.go, "Zip archives".

// ingestZipStream reads the rest of a zip archive whose start lr has
// buffered into memory (archive/zip needs random access to the central
// directory at the end) and ingests its members.
func (s *storeImpl) ingestZipStream(lr *lineReader, name string, depth int) error {
	if depth > 0 {
		s.st.Events++
		s.malformed(name, 1, "zip archive inside a zip archive is not read", "")
		return nil
	}
	data := append([]byte(nil), lr.buf[lr.start:lr.end]...)
	if lr.err == nil {
		rest, err := io.ReadAll(lr.r)
		if err != nil {
			return fmt.Errorf("ingest %s: %w", name, err)
		}
		data = append(data, rest...)
	} else if lr.err != io.EOF {
		return fmt.Errorf("ingest %s: %w", name, lr.err)
	}
	return s.ingestZip(bytes.NewReader(data), int64(len(data)), name, depth)
}

// ingestZip ingests every member of the zip archive in ra, in name order,
// each as its own input named "name:member" (so problems read
// "name:member:line"). Folders and macOS resource forks (__MACOSX/) are not
// inputs. A damaged archive or member is an error naming it.
func (s *storeImpl) ingestZip(ra io.ReaderAt, size int64, name string, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Member names are only used in messages, never as paths.
		return fmt.Errorf("ingest %s: reading zip archive: %w", name, err)
	}
	files := slices.Clone(zr.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range files {
		if f.FileInfo().IsDir() || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		member := name + ":" + f.Name
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("ingest %s: %w", member, err)
		}
		err = s.ingestDepth(rc, member, depth+1)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ingestFile ingests the file at path: a zip archive directly through the
// file's random access, anything else as a stream (see ingest).
func (s *storeImpl) ingestFile(f *os.File, path string) error {
	var head [len(zipMagic)]byte
	n, _ := f.ReadAt(head[:], 0)
	if sniff(head[:n]) != formatZip {
		return s.ingest(f, path)
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	s.initStats()
	return s.ingestZip(f, st.Size(), path, 0)
}
