package main

import (
	"github.com/minispl/minispl/datamodel"
)

// stringTable is a render.Table of single-valued cells ("" is shown as is).
type stringTable struct {
	fields []string
	rows   [][]string
}

func (t *stringTable) Fields() []string { return t.fields }
func (t *stringTable) NumRows() int     { return len(t.rows) }
func (t *stringTable) Cell(r, c int) []string {
	return t.rows[r][c : c+1]
}

// inheritedFields are the fields every dataset has, first in its schema.
var inheritedFields = []string{datamodel.FieldTime, datamodel.FieldHost, datamodel.FieldSource, datamodel.FieldSourcetype}

// typeName names a field type.
func typeName(t datamodel.FieldType) string {
	switch t {
	case datamodel.Number:
		return "number"
	case datamodel.Time:
		return "time"
	}
	return "string"
}

// datasetRows appends a row per field of d: dataset, field as written in
// tstats (Dataset.field, or _time and the other inherited fields
// unprefixed), type and notes.
func datasetRows(rows [][]string, d *datamodel.Dataset) [][]string {
	for _, f := range inheritedFields {
		typ := "string"
		if f == datamodel.FieldTime {
			typ = "time"
		}
		rows = append(rows, []string{d.FullName(), f, typ, "inherited"})
	}
	for _, f := range d.Fields {
		note := ""
		if f.FillUnknown {
			note = `"unknown" when null or empty`
		}
		rows = append(rows, []string{d.FullName(), d.Name + "." + f.Name, typeName(f.Type), note})
	}
	return rows
}

// catalogTable lists every field of every dataset of cat.
func catalogTable(cat *datamodel.Catalog) *stringTable {
	t := &stringTable{fields: []string{"dataset", "field", "type", "notes"}}
	for _, d := range cat.Datasets() {
		t.rows = datasetRows(t.rows, d)
	}
	return t
}
