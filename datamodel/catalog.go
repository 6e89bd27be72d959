package datamodel

import (
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// This file holds the one declarative table of the data models minispl
// knows. Everything else (schemas, routing of events into datasets, the CIM
// calculations) is derived from it: Network_Traffic.All_Traffic was added as
// a datasetSpec here (networkTraffic) and its field derivations in
// sysmonFields (sysmon.go), not as a new code path.
//
// Endpoint field lists follow Splunk_SA_CIM 5.2.0
// default/data/models/Endpoint.json as quoted in the team reference sysmon-to-cim.md §5 and §6a.4: every declared
// field, then every calculated field in the order Endpoint.json lists the
// calculations (the calculations run in that order, each seeing the output of
// the previous one). Two deliberate omissions, both documented in doc.go:
//   - tag: a multi-valued field (e.g. "endpoint registry"); the schema holds
//     one string per row, and no ESCU detection groups by it.
//   - the _time/host/source/sourcetype inherited fields, which Schema always
//     puts first.
//
// The EventIDs of each dataset are those of Splunk_TA_microsoft_sysmon 4.0.0
// eventtypes.conf (sysmon-to-cim.md §4): ms-sysmon-regmod, ms-sysmon-process,
// ms-sysmon-filemod and ms-sysmon-network, whose tags match the datasets'
// base searches (Network_Traffic.All_Traffic: see networkTraffic).

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
	// calcNumberOrZero: if(isnum(X),X,0), as for Network_Traffic dest_port
	// and src_port.
	calcNumberOrZero
	// calcFillUnknownLower: if(isnull(X) OR X="","unknown",lower(X)), as
	// for Network_Traffic transport.
	calcFillUnknownLower
	// calcTotal: case(isnum(X),X,isnum(arg) AND isnum(arg2),arg+arg2,
	// 1=1,null()), as for Network_Traffic bytes (arg bytes_in, arg2
	// bytes_out).
	calcTotal
	// calcPart: case(isnum(X),X,isnum(arg) AND isnum(arg2),arg-arg2,
	// 1=1,null()), as for Network_Traffic bytes_in (arg bytes, arg2
	// bytes_out).
	calcPart
	// calcOrEventField: if(isnotnull(X) AND X!="",X,if(isnotnull(arg) AND
	// arg!="",arg,def)), where arg is a field of the event, not of the
	// dataset (Change's result from signature, result_id from
	// signature_id).
	calcOrEventField
)

// fieldSpec declares one dataset field.
type fieldSpec struct {
	name string
	typ  FieldType
	calc calcKind
	// arg and arg2 are the other fields a calculation reads
	// (calcNameFromCommand: arg; calcTotal, calcPart: both;
	// calcOrEventField: arg, an event field).
	arg, arg2 string
	// def is calcOrEventField's value when both are null or empty.
	def string
}

// datasetSpec declares one root dataset of a data model.
type datasetSpec struct {
	model, name string
	// tags are the dataset's constraint (tag=process tag=report): an event
	// whose eventtypes carry them all is routed here (eventtypes.go).
	tags []string
	// exclude, when set, drops an event the constraint's other terms
	// reject (Authentication: NOT (action=success user=*$)).
	exclude func(r *record) bool
	// windowsOnly keeps Sysmon events out of the dataset although their
	// eventtypes carry its tags (Change: the Sysmon add-on's Change fields
	// are not modelled).
	windowsOnly bool
	// eventIDs are the Sysmon EventIDs and winCodes the Windows
	// (source, EventCode) pairs routed here, computed from tags by
	// defaultCatalog.
	eventIDs []int
	winCodes []routeKey
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
func numberOrZero(name string, typ FieldType) fieldSpec {
	return fieldSpec{name: name, typ: typ, calc: calcNumberOrZero}
}

// totalAndParts declares the CIM trio total = in + out, in = total - out,
// out = total - in (Network_Traffic bytes and packets), in that order.
func totalAndParts(total, in, out string) []fieldSpec {
	return []fieldSpec{
		{name: total, typ: Number, calc: calcTotal, arg: in, arg2: out},
		{name: in, typ: Number, calc: calcPart, arg: total, arg2: out},
		{name: out, typ: Number, calc: calcPart, arg: total, arg2: in},
	}
}

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
			tags: []string{"endpoint", "registry"},
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
			tags:     []string{"process", "report"},
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
			tags: []string{"endpoint", "filesystem"},
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
		networkTraffic(),
		authentication(),
		change(),
	}
}

// change declares Change.All_Changes, the root dataset of CIM's Change
// model: constraint tag=change NOT (object_category=file OR
// object_category=directory OR object_category=registry) (CIM52
// Change.json, sysmon-to-cim.md §4). Security events get the tag change
// from the Windows add-on's account, audit and policy eventtypes
// (eventtypes.go); the field values are the search-time fields of the
// event (winta.go), including the Change lookups of securityLookups
// (action, change_type, object_category, object_attrs, result).
//
// [UNCERTAIN] The reference quotes the constraint but neither the fields
// nor the calculations. They follow Splunk_SA_CIM's Change.json as
// published in github.com/aplura/splunk-sa-cim (a 4.x/6.x version whose
// constraint is tag=change alone; CIM52's exclusion above is kept): the
// declared fields in file order (the multivalue tag left out, as for
// every dataset), then the calculations in file order: change_type,
// command, dest, dvc, object, object_attrs, object_category, object_id,
// object_path, status, src, user and user_name are filled with
// "unknown" (command's branch for sourcetype audittrail never applies
// here); result is result, else signature, else "unknown"; result_id is
// result_id, else signature_id, else -1; vendor_product as in every
// dataset; action is filled with "unknown". The children (Auditing_Changes,
// Endpoint_Changes, Network_Changes, Account_Management with its src_user,
// src_nt_domain and dest_nt_domain, ...) filter on tags and are not
// datasets here. Sysmon's WMI events (EventIDs 19-21, tags change
// endpoint) are not routed here: the Sysmon add-on's Change fields
// (object_category wmi, ...) are not modelled, so they are kept out
// rather than given rows of wrong values.
func change() *datasetSpec {
	excluded := []string{"file", "directory", "registry"}
	return &datasetSpec{
		model: "Change", name: "All_Changes",
		tags:        []string{"change"},
		windowsOnly: true,
		exclude: func(r *record) bool {
			for _, v := range r.all("object_category") {
				for _, x := range excluded {
					if strings.EqualFold(string(v), x) {
						return true
					}
				}
			}
			return false
		},
		fields: []fieldSpec{
			declared("dest_bunit"), declared("dest_category"), declared("dest_priority"),
			declared("src_bunit"), declared("src_category"), declared("src_priority"),
			declared("user_agent"), declared("user_bunit"), declared("user_category"),
			declared("user_priority"), declared("user_type"), declared("vendor_account"),
			declared("vendor_region"), declared("cim_entity_zone"),
			fillUnknown("change_type"), fillUnknown("command"), fillUnknown("dest"),
			fillUnknown("dvc"), fillUnknown("object"), fillUnknown("object_attrs"),
			fillUnknown("object_category"), fillUnknown("object_id"), fillUnknown("object_path"),
			fillUnknown("status"),
			{name: "result", calc: calcOrEventField, arg: "signature", def: "unknown"},
			{name: "result_id", calc: calcOrEventField, arg: "signature_id", def: "-1"},
			fillUnknown("src"), fillUnknown("user"), fillUnknown("user_name"),
			vendorProduct(),
			fillUnknown("action"),
		},
	}
}

// authentication declares Authentication, the root dataset of CIM's
// Authentication model: constraint tag=authentication NOT (action=success
// user=*$) (CIM52 Authentication.json, raw-events.md §5); the Windows
// add-on's eventtype windows_security_authentication gives Security 4624
// and 4625 that tag. Calculations: action, src, src_user, dest and user
// are filled with "unknown"; app defaults to the sourcetype.
//
// [UNCERTAIN] The reference quotes the calculations but not the declared
// field list; the list below is CIM's documented Authentication field set
// (the asset/identity enrichment fields omitted), in name order, with the
// calculated fields after it in the order §5 gives them. Its children
// (Failed_Authentication, Successful_Authentication, ...) filter on action
// and are not datasets here.
func authentication() *datasetSpec {
	return &datasetSpec{
		model: "Authentication", name: "Authentication",
		tags: []string{"authentication"},
		exclude: func(r *record) bool {
			u := r.get("user")
			return string(r.get("action")) == "success" && len(u) > 0 && u[len(u)-1] == '$'
		},
		fields: []fieldSpec{
			{name: "app", calc: calcVendorProduct},
			declared("authentication_method"), declared("authentication_service"),
			declared("dest_nt_domain"), number("duration"), number("response_time"),
			declared("signature"), declared("signature_id"),
			declared("src_nt_domain"), declared("user_id"),
			fillUnknown("action"), fillUnknown("src"), fillUnknown("src_user"),
			fillUnknown("dest"), fillUnknown("user"),
			vendorProduct(),
		},
	}
}

// networkTraffic declares Network_Traffic.All_Traffic, the root dataset of
// CIM's Network_Traffic model (constraint tag=network tag=communicate,
// which the add-on's eventtype ms-sysmon-network gives Sysmon EventID 3;
// sysmon-to-cim §4, §5). Its children (Traffic_By_Action, Allowed_Traffic,
// Blocked_Traffic) only filter on action and are not datasets here.
//
// [U] The reference quotes no field list for CIM 5.2.0 Network_Traffic.json;
// the list and calculations below follow Splunk_SA_CIM's Network_Traffic.json
// as published in github.com/aplura/splunk-sa-cim (CIM 6.x): declared fields
// in file order, then the calculated fields in calculation order. Its
// field types are kept as written there, including src_port "string"
// beside dest_port "number". ESCU uses dest, dest_ip, dest_port, src and
// process_id of this dataset, all present in both versions as far as the
// ESCU searches show.
func networkTraffic() *datasetSpec {
	return &datasetSpec{
		model: "Network_Traffic", name: "All_Traffic",
		tags: []string{"network", "communicate"},
		fields: concat(
			[]fieldSpec{
				declared("app"), number("channel"),
				declared("dest_bunit"), declared("dest_category"), declared("dest_interface"),
				declared("dest_ip"), declared("dest_mac"), declared("dest_priority"),
				declared("dest_translated_ip"), number("dest_translated_port"), declared("dest_zone"),
				declared("direction"), number("duration"), declared("dvc_ip"),
				declared("dvc_bunit"), declared("dvc_category"), declared("dvc_mac"),
				declared("dvc_priority"), declared("dvc_zone"), declared("flow_id"),
				declared("icmp_code"), number("icmp_type"),
				declared("process_guid"), declared("process_id"),
				declared("protocol"), declared("protocol_version"), number("response_time"),
				declared("rule_id"), declared("session_id"),
				declared("src_bunit"), declared("src_category"), declared("src_interface"),
				declared("src_ip"), declared("src_mac"), declared("src_priority"),
				declared("src_translated_ip"), number("src_translated_port"), declared("src_zone"),
				declared("ssid"), declared("tcp_flag"), declared("tos"), number("ttl"),
				declared("user_bunit"), declared("user_category"), declared("user_priority"),
				declared("vlan"), declared("wifi"), declared("vendor_account"), declared("cim_entity_zone"),
				fillUnknown("action"),
			},
			totalAndParts("bytes", "bytes_in", "bytes_out"),
			[]fieldSpec{
				fillUnknown("dest"),
				numberOrZero("dest_port", Number),
				fillUnknown("dvc"),
			},
			totalAndParts("packets", "packets_in", "packets_out"),
			[]fieldSpec{
				fillUnknown("rule"), fillUnknown("src"),
				numberOrZero("src_port", String),
				{name: "transport", calc: calcFillUnknownLower},
				fillUnknown("user"),
				vendorProduct(),
			}),
	}
}

func defaultCatalog() *Catalog {
	specs := catalogTable()
	for k, s := range routeTable(specs) {
		if k.source == sysmonSource {
			s.eventIDs = append(s.eventIDs, k.code)
		} else {
			s.winCodes = append(s.winCodes, k)
		}
	}
	for _, s := range specs {
		slices.Sort(s.eventIDs)
		slices.SortFunc(s.winCodes, func(a, b routeKey) int {
			if c := strings.Compare(a.source, b.source); c != 0 {
				return c
			}
			return a.code - b.code
		})
	}
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

// ModelRoot returns the dataset a search names by its data model alone, as
// in `tstats ... from datamodel=Network_Traffic` (with fields written
// All_Traffic.dest_port): the model's only root dataset. It reports false
// when the catalog holds no dataset of that model, or several (Endpoint
// has Registry, Processes and Filesystem, so `datamodel=Endpoint` names
// none of them). The match is case-sensitive, as Lookup's.
func (c *Catalog) ModelRoot(model string) (*Dataset, bool) {
	var found *Dataset
	for _, d := range c.datasets {
		if d.Model != model {
			continue
		}
		if found != nil {
			return nil, false
		}
		found = d
	}
	return found, found != nil
}
