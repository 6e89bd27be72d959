package datamodel

// TEMPORARY STUB so that dependants compile before the real implementation
// lands. The datamodel work replaces this file entirely.

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

func schemaFor(d *Dataset) *arrow.Schema {
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	fields := []arrow.Field{
		{Name: FieldTime, Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
		{Name: FieldHost, Type: dict, Nullable: true},
		{Name: FieldSource, Type: dict, Nullable: true},
		{Name: FieldSourcetype, Type: dict, Nullable: true},
	}
	for _, f := range d.Fields {
		fields = append(fields, arrow.Field{Name: f.Name, Type: dict, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

type storeImpl struct {
	byName map[string][]arrow.RecordBatch
}

func (s *storeImpl) ingest(io.Reader, string) error { return nil }
func (s *storeImpl) batches(d *Dataset) []arrow.RecordBatch {
	return s.byName[d.FullName()]
}
func (s *storeImpl) stats() Stats { return Stats{} }

// AddBatch (stub only) lets engine tests inject hand-built batches.
func (s *Store) AddBatch(d *Dataset, b arrow.RecordBatch) {
	if s.impl.byName == nil {
		s.impl.byName = map[string][]arrow.RecordBatch{}
	}
	s.impl.byName[d.FullName()] = append(s.impl.byName[d.FullName()], b)
}

func defaultCatalog() *Catalog {
	f := func(name string, fill bool) Field { return Field{Name: name, FillUnknown: fill} }
	return &Catalog{datasets: []*Dataset{{
		Model: "Endpoint", Name: "Registry",
		Fields: []Field{
			f("action", true), f("dest", true), f("process_guid", false), f("process_id", false),
			f("registry_hive", false), f("registry_key_name", true), f("registry_path", true),
			f("registry_value_data", true), f("registry_value_name", true), f("registry_value_text", false),
			f("registry_value_type", true), f("status", false), f("user", true), f("vendor_product", false),
		},
	}}}
}

func newStore(*Catalog, Options) *Store { return &Store{} }
