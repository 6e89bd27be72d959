package main

import (
	"reflect"
	"testing"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/macros"
)

func TestComplete(t *testing.T) {
	lib := macros.Default()
	if err := lib.Add(&macros.Macro{Name: "security_content_ctime", Definition: "x"}); err != nil {
		t.Fatal(err)
	}
	c := &completer{macros: lib, cat: datamodel.DefaultCatalog()}
	tests := []struct {
		name    string
		line    string
		pos     int // -1: end of line
		pending string
		head    string
		want    []string
		tail    string
	}{
		{name: "dot commands", line: ".ma", pos: -1, head: "", want: []string{".macros", ".macro", ".maxrows"}},
		{name: "dot command with leading space", line: "  .he", pos: -1, head: "  ", want: []string{".help "}},
		{name: "macro argument of .macro", line: ".macro drop", pos: -1, head: ".macro ", want: []string{"drop_dm_object_name"}},
		{name: "format argument", line: ".format j", pos: -1, head: ".format ", want: []string{"json", "jsonl"}},
		{name: "timing argument", line: ".timing o", pos: -1, head: ".timing ", want: []string{"on", "off"}},
		{name: "dataset argument of .fields", line: ".fields Endpoint.R", pos: -1, head: ".fields ", want: []string{"Endpoint.Registry"}},
		{name: "dataset short name after .fields", line: ".fields Reg", pos: -1, head: ".fields ", want: []string{"Endpoint.Registry"}},
		{name: "command at start", line: "ts", pos: -1, head: "", want: []string{"tstats"}},
		{name: "command after pipe", line: "| tstats count | ren", pos: -1, head: "| tstats count | ", want: []string{"rename"}},
		{name: "command is case-insensitive", line: "| TS", pos: -1, head: "| ", want: []string{"tstats"}},
		{name: "macro with arguments gets a parenthesis", line: "| `security_content_ct", pos: -1, head: "| ", want: []string{"`security_content_ctime(", "`security_content_ctime`"}},
		{name: "second Tab shows the arguments of each arity", line: "| `security_content_ctime(", pos: -1, head: "| ", want: []string{"`security_content_ctime(", "`security_content_ctime(field)`"}},
		{name: "arguments being typed are left alone", line: "| `security_content_ctime(first", pos: -1, head: "| `security_content_ctime(", want: nil},
		{name: "macro without arguments is closed", line: "| tstats `security_content_su", pos: -1, head: "| tstats ", want: []string{"`security_content_summariesonly`"}},
		{name: "every macro after a backtick", line: "`", pos: -1, head: "", want: []string{"`drop_dm_object_name(", "`fillnull_config`", "`oldsummaries_config`", "`powershell`", "`security_content_ctime(", "`security_content_ctime`", "`security_content_summariesonly`", "`summariesonly_config`", "`sysmon`", "`wineventlog_application`", "`wineventlog_security`", "`wineventlog_system`"}},
		{name: "datamodel names", line: "| tstats count from datamodel=Endpoint.Reg", pos: -1, head: "| tstats count from datamodel=", want: []string{"Endpoint.Registry"}},
		{name: "datamodel names sorted", line: "| tstats count from datamodel=Endpoint.", pos: -1, head: "| tstats count from datamodel=", want: []string{"Endpoint.Filesystem", "Endpoint.Processes", "Endpoint.Registry"}},
		{name: "datamodel= keyword", line: "| tstats count from data", pos: -1, head: "| tstats count from ", want: []string{"datamodel="}},
		{name: "fields of the named dataset", line: "| tstats count from datamodel=Endpoint.Registry by Registry.registry_value_", pos: -1, head: "| tstats count from datamodel=Endpoint.Registry by ",
			want: []string{"Registry.registry_value_data", "Registry.registry_value_name", "Registry.registry_value_text", "Registry.registry_value_type"}},
		{name: "fields in a WHERE comparison", line: "| tstats count from datamodel=Endpoint.Registry where (Registry.user_c", pos: -1, head: "| tstats count from datamodel=Endpoint.Registry where (", want: []string{"Registry.user_category"}},
		{name: "only the named dataset", line: "| tstats count from datamodel=Endpoint.Processes by Registry.act", pos: -1, head: "| tstats count from datamodel=Endpoint.Processes by ", want: nil},
		{name: "any dataset when none is named", line: "by Processes.process_na", pos: -1, head: "by ", want: []string{"Processes.process_name"}},
		{name: "dataset named on an earlier line", line: "by Registry.ac", pos: -1, pending: "| tstats count from datamodel=Endpoint.Registry", head: "by ", want: []string{"Registry.action"}},
		{name: "cursor inside the line", line: "| tstats count by Registry.dest_c | x", pos: 33, head: "| tstats count by ", want: []string{"Registry.dest_category"}, tail: " | x"},
		{name: "unicode before the cursor", line: "é | tstats count by Registry.dest_c", pos: -1, head: "é | tstats count by ", want: []string{"Registry.dest_category"}},
		{name: "no candidate for an unknown dataset", line: "| tstats count by Nope.x", pos: -1, head: "| tstats count by ", want: nil},
		{name: "no candidate for a value", line: `| tstats count where Registry.user="SYS`, pos: -1, head: `| tstats count where Registry.user="`, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos := tt.pos
			if pos < 0 {
				pos = len([]rune(tt.line))
			}
			pending := tt.pending
			c.pending = func() string { return pending }
			head, got, tail := c.complete(tt.line, pos)
			if head != tt.head || tail != tt.tail || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("complete(%q, %d) = %q, %q, %q; want %q, %q, %q", tt.line, pos, head, got, tail, tt.head, tt.want, tt.tail)
			}
		})
	}
}
