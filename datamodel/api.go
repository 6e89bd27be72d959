package datamodel

// CONTRACT FILE: the engine and the CLI code against these declarations.
// The names, signatures and documented behaviour stay as they are unless
// the whole team agrees.

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// FieldType is the declared type of a datamodel field.
type FieldType int

// Field types. Every field is stored as a string column except _time; the
// type drives comparisons (Number fields compare numerically in WHERE when
// both sides parse as numbers).
const (
	String FieldType = iota
	Number
	Time
)

// Field is one field of a dataset.
type Field struct {
	// Name is the CIM field name without the dataset prefix, e.g.
	// "registry_path".
	Name string
	Type FieldType
	// FillUnknown marks CIM's calculated field
	// if(isnull(X) OR X="","unknown",X).
	FillUnknown bool
}

// Dataset is a root dataset of a data model, e.g. Endpoint.Registry.
type Dataset struct {
	Model string // "Endpoint"
	Name  string // "Registry"
	// Fields are the dataset's own fields in declaration order. The
	// inherited fields _time, host, source and sourcetype are not listed
	// here but are always the first four columns of Schema.
	Fields []Field
}

// FullName returns "Model.Name", e.g. "Endpoint.Registry".
func (d *Dataset) FullName() string { return d.Model + "." + d.Name }

// Inherited field names, present in every dataset's schema, in this order,
// before the dataset's own fields.
const (
	FieldTime       = "_time"
	FieldHost       = "host"
	FieldSource     = "source"
	FieldSourcetype = "sourcetype"
)

// Schema returns the Arrow schema of the dataset's record batches:
// _time (timestamp[ms, tz=UTC], not null), then host, source, sourcetype and
// every field of d.Fields in order, each a dictionary<int32, utf8> column,
// nullable. Column names carry no dataset prefix.
func (d *Dataset) Schema() *arrow.Schema {
	return schemaFor(d)
}

// Catalog is the set of data models minispl knows, read from one
// declarative table (see catalog.go).
type Catalog struct {
	datasets []*Dataset
	// specs holds the declaration of each dataset, parallel to datasets.
	specs []*datasetSpec
}

// Datasets returns every dataset in a stable order.
func (c *Catalog) Datasets() []*Dataset { return c.datasets }

// Lookup finds a dataset by its full name, e.g. "Endpoint.Registry". The
// match is case-sensitive, as Splunk's datamodel names are.
func (c *Catalog) Lookup(fullName string) (*Dataset, bool) {
	for _, d := range c.datasets {
		if d.FullName() == fullName {
			return d, true
		}
	}
	return nil, false
}

// Store holds ingested events as Arrow record batches, per dataset. A Store
// is filled by Ingest calls and then read concurrently by searches; it is
// not safe to ingest while searching.
type Store struct {
	impl storeImpl
}

// Ingest reads one input from r, of any kind Sniff knows: Splunk
// XmlWinEventLog text, JSON lines in the NXLog/OTRF shape, a zip archive
// or gzip stream of inputs, an EVTX file. name (usually a file path) is
// used in problem reports as name:line, or name:member:line inside a zip.
// Every event read is either used (it became a row of one dataset) or
// skipped with a reason; Stats reports both, and counts r as one file
// read, or as one skipped file when it holds no events. Ingest returns an
// error only for I/O failures, damaged archives and decompression bombs;
// malformed events are counted and reported, not fatal. It is
// IngestReader without a context or options. See the package doc.
func (s *Store) Ingest(r io.Reader, name string) error {
	_, err := s.IngestReader(context.Background(), r, name, IngestOptions{})
	return err
}

// IngestFile ingests the file or folder at path, as IngestPath does, and
// returns only the error.
func (s *Store) IngestFile(path string) error {
	_, err := s.IngestPath(context.Background(), path, IngestOptions{})
	return err
}

// Batches returns the record batches of a dataset (possibly none). The
// batches stay owned by the Store.
func (s *Store) Batches(d *Dataset) []arrow.RecordBatch {
	return s.impl.batches(d)
}

// Stats returns the counts of everything ingested so far.
func (s *Store) Stats() Stats { return s.impl.stats() }

// Stats counts what ingestion did.
type Stats struct {
	// Files counts the inputs read as events: files, and readers given to
	// Ingest or IngestReader. An archive counts once.
	Files int
	// FileKinds counts the inputs read by the name of their Kind
	// ("XmlWinEventLog", "JSON lines", "zip", "gzip", "EVTX").
	FileKinds map[string]int
	// FilesSkipped counts the inputs not read as events (files, archive
	// members, streams) by reason: "not event data", "empty", "binary, not
	// event data", "EVTX reader not available", "already loaded", ...
	FilesSkipped map[string]int
	// SkippedFiles lists the first 100 inputs not read, in reading order.
	SkippedFiles []SkippedFile
	// Bytes counts the event text read: for an archive, its members'
	// uncompressed bytes.
	Bytes  int64
	Events int // events read (well-formed or not)
	// Kept counts the events kept in the event store (Store.Events):
	// every event that is not malformed, of any channel.
	Kept int
	// Used maps a dataset's full name to the rows it received.
	Used map[string]int
	// Skipped maps a reason ("malformed: no </Event> before end of input",
	// ...; see the package doc) to a count of events. Every well-formed
	// event is kept (Kept), so only malformed events are skipped.
	Skipped map[string]int
	// Problems lists the first malformed events as "name:line: reason".
	Problems []string
}

// Options tune a Store.
type Options struct {
	// BatchSize is the maximum rows per record batch; 0 means 65536.
	// Tests use small sizes to check that results do not depend on it.
	BatchSize int
	// Host is the value of the host field for every event (Splunk assigns
	// host from the input, not from the XML); "" means "CONTENTCTL_HOST",
	// the value ESCU's test harness replays with.
	Host string
}

// DefaultCatalog returns the built-in CIM data models (Endpoint.Registry,
// Endpoint.Processes, Endpoint.Filesystem, Network_Traffic.All_Traffic).
func DefaultCatalog() *Catalog { return defaultCatalog() }

// NewStore returns an empty Store for the datasets of cat.
func NewStore(cat *Catalog, opt Options) *Store { return newStore(cat, opt) }
