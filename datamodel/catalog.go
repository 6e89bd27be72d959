package datamodel

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// This file holds the one declarative table of the data models minispl
// knows. Everything else (schemas, routing of events into datasets, the CIM
// calculations) is derived from it: adding Network_Traffic.All_Traffic means
// adding a datasetSpec here and its field derivations to sysmonFields
// (sysmon.go), not a new code path.
//
// Field lists follow Splunk_SA_CIM 5.2.0 default/data/models/Endpoint.json as
// quoted in the team reference sysmon-to-cim.md §5 and §6a.4: every declared
// field, then every calculated field in the order Endpoint.json lists the
// calculations (the calculations run in that order, each seeing the output of
// the previous one). Two deliberate omissions, both documented in doc.go:
//   - tag: a multi-valued field (e.g. "endpoint registry"); the schema holds
//     one string per row, and no ESCU detection groups by it.
//   - the _time/host/source/sourcetype inherited fields, which Schema always
//     puts first.
//
// The EventIDs of each dataset are those of Splunk_TA_microsoft_sysmon 4.0.0
// eventtypes.conf (sysmon-to-cim.md §4): ms-sysmon-regmod, ms-sysmon-process
// and ms-sysmon-filemod, whose tags match the datasets' base searches.

// calcKind is a CIM calculated-field expression.
type calcKind int

const (
	// calcNone: a declared field without a calculation; null stays null.
	calcNone calcKind = iota
	// calcFillUnknown: if(isnull(X) OR X="","unknown",X).
	calcFillUnknown
	// calcNameFromCommand: case(isnotnull(X) AND X!="",X,
	// isnotnull(arg) AND arg!="",replace(arg,"^\s*([^\s]+).*","\1"),
	// 1=1,"unknown"), as for process_name (arg "process").
	calcNameFromCommand
	// calcNumberOrNull: if(isnum(X),X,null()).
	calcNumberOrNull
	// calcVendorProduct: case(isnotnull(X),X, ...,
	// isnotnull(sourcetype),sourcetype,1=1,"unknown"). The vendor/product
	// branches in between never apply to Sysmon data (the add-on always
	// sets vendor_product), so they are not modelled.
	calcVendorProduct
	// calcLower: lower(X), used by a base search eval.
	calcLower
)

// fieldSpec declares one dataset field.
type fieldSpec struct {
	name string
	typ  FieldType
	calc calcKind
	// arg is the other field a calculation reads (calcNameFromCommand).
	arg string
}

// datasetSpec declares one root dataset of a data model.
type datasetSpec struct {
	model, name string
	// eventIDs are the Sysmon EventIDs the add-on's eventtype routes here.
	eventIDs []int
	// baseEval are evals of the dataset's base search, run before the
	// calculated fields (Processes: lower(process_integrity_level)).
	baseEval []fieldSpec
	// fields in declaration order: declared fields first, then calculated
	// fields in CIM calculation order.
	fields []fieldSpec
}

// Shorthands for the table below.
func declared(name string) fieldSpec    { return fieldSpec{name: name} }
func number(name string) fieldSpec      { return fieldSpec{name: name, typ: Number} }
func timestamp(name string) fieldSpec   { return fieldSpec{name: name, typ: Time} }
func fillUnknown(name string) fieldSpec { return fieldSpec{name: name, calc: calcFillUnknown} }
func nameFrom(name, command string) fieldSpec {
	return fieldSpec{name: name, calc: calcNameFromCommand, arg: command}
}
func vendorProduct() fieldSpec { return fieldSpec{name: "vendor_product", calc: calcVendorProduct} }

// assetFields are the asset/identity enrichment fields CIM declares on every
// Endpoint dataset; nothing in the Sysmon or Windows add-ons sets them, so
// they are always null here.
func assetFields(destIsExpected bool) []fieldSpec {
	fs := []fieldSpec{declared("dest_bunit"), declared("dest_category")}
	if destIsExpected {
		fs = append(fs, declared("dest_is_expected"))
	}
	return append(fs, declared("dest_priority"), declared("dest_requires_av"),
		declared("dest_should_timesync"), declared("dest_should_update"),
		declared("user_bunit"), declared("user_category"), declared("user_priority"))
}

func concat(parts ...[]fieldSpec) []fieldSpec {
	var out []fieldSpec
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// catalogTable returns the declarative table of every dataset (CIM 5.2.0
// Endpoint). It returns a fresh value on each call: the package keeps no
// global mutable state.
func catalogTable() []*datasetSpec {
	return []*datasetSpec{
		{
			model: "Endpoint", name: "Registry",
			eventIDs: []int{12, 13, 14},
			fields: concat(
				assetFields(false),
				[]fieldSpec{
					declared("process_guid"), declared("process_id"),
					declared("registry_hive"), declared("registry_value_text"),
					declared("status"),
					fillUnknown("action"), fillUnknown("dest"),
					fillUnknown("registry_path"), fillUnknown("registry_key_name"),
					fillUnknown("registry_value_data"), fillUnknown("registry_value_name"),
					fillUnknown("registry_value_type"), fillUnknown("user"),
					vendorProduct(),
				}),
		},
		{
			model: "Endpoint", name: "Processes",
			eventIDs: []int{1, 5, 6, 7, 8, 9, 10, 15, 17, 18, 24, 25},
			baseEval: []fieldSpec{{name: "process_integrity_level", calc: calcLower}},
			fields: concat(
				[]fieldSpec{declared("action"), number("cpu_load_percent")},
				assetFields(true),
				[]fieldSpec{
					number("mem_used"), declared("os"),
					declared("parent_process_exec"), declared("parent_process_hash"),
					number("parent_process_id"), declared("parent_process_guid"),
					declared("parent_process_path"), declared("process_current_directory"),
					declared("process_exec"), declared("process_hash"),
					declared("process_guid"), number("process_id"),
					declared("process_integrity_level"), declared("process_path"),
					declared("user_id"),
					fillUnknown("dest"), fillUnknown("loaded_file"),
					fillUnknown("original_file_name"), fillUnknown("parent_process"),
					nameFrom("parent_process_name", "parent_process"),
					fillUnknown("process"),
					nameFrom("process_name", "process"),
					fillUnknown("user"),
					vendorProduct(),
				}),
		},
		{
			model: "Endpoint", name: "Filesystem",
			eventIDs: []int{2, 11, 23, 26, 27, 28, 29},
			fields: concat(
				assetFields(true),
				[]fieldSpec{
					timestamp("file_access_time"), timestamp("file_create_time"),
					timestamp("file_modify_time"),
					declared("process_guid"), declared("process_id"),
					fillUnknown("action"), fillUnknown("dest"),
					fillUnknown("file_hash"), fillUnknown("file_name"),
					fillUnknown("file_path"), fillUnknown("file_acl"),
					{name: "file_size", typ: Number, calc: calcNumberOrNull},
					fillUnknown("user"),
					vendorProduct(),
				}),
		},
	}
}

func defaultCatalog() *Catalog {
	specs := catalogTable()
	c := &Catalog{specs: specs}
	for _, s := range specs {
		d := &Dataset{Model: s.model, Name: s.name}
		for _, f := range s.fields {
			d.Fields = append(d.Fields, Field{Name: f.name, Type: f.typ, FillUnknown: f.calc == calcFillUnknown})
		}
		c.datasets = append(c.datasets, d)
	}
	return c
}

// spec returns the declaration behind d, or nil when d is not in c.
func (c *Catalog) spec(d *Dataset) *datasetSpec {
	for i, x := range c.datasets {
		if x == d && i < len(c.specs) {
			return c.specs[i]
		}
	}
	return nil
}

// dictType returns the type of every string column.
func dictType() *arrow.DictionaryType {
	return &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
}

// timeType returns the type of the _time column.
func timeType() *arrow.TimestampType {
	return &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
}

func schemaFor(d *Dataset) *arrow.Schema {
	dict := dictType()
	fields := make([]arrow.Field, 0, 4+len(d.Fields))
	fields = append(fields,
		arrow.Field{Name: FieldTime, Type: timeType()},
		arrow.Field{Name: FieldHost, Type: dict, Nullable: true},
		arrow.Field{Name: FieldSource, Type: dict, Nullable: true},
		arrow.Field{Name: FieldSourcetype, Type: dict, Nullable: true},
	)
	for _, f := range d.Fields {
		fields = append(fields, arrow.Field{Name: f.Name, Type: dict, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}
