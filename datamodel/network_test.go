package datamodel

import (
	"strings"
	"testing"
)

// netEvt builds a Sysmon EID 3 event with the Data fields of schema 4.x.
func netEvt(computer string, data ...kv) evt {
	return evt{eid: 3, computer: computer, data: append([]kv{{"RuleName", "-"}, {"UtcTime", "2022-09-15 12:56:19.679"}}, data...)}
}

// TestNetworkTrafficFields checks Network_Traffic.All_Traffic against
// sysmon-to-cim §6 "EID 3 → Network_Traffic" (the add-on's values) and the
// CIM calculations of Network_Traffic.json (fills, port defaults, lower
// transport). The first case is the SC data_sources/sysmon_eventid_3.yml
// example event.
func TestNetworkTrafficFields(t *testing.T) {
	const host = "win-dc-ctus-attack-range-403.attackrange.local"
	tests := []struct {
		name string
		in   evt
		want map[string]string
	}{
		{"SC example, outbound tcp", netEvt(host,
			kv{"ProcessGuid", "{6820D070-1F1B-6323-E113-000000007402}"}, kv{"ProcessId", "5728"},
			kv{"Image", `C:\Temp\agent_tesla-deob.exe`}, kv{"User", `ATTACKRANGE\Administrator`},
			kv{"Protocol", "tcp"}, kv{"Initiated", "true"}, kv{"SourceIsIpv6", "false"},
			kv{"SourceIp", "10.0.1.14"}, kv{"SourceHostname", host}, kv{"SourcePort", "61722"},
			kv{"SourcePortName", "-"}, kv{"DestinationIsIpv6", "false"}, kv{"DestinationIp", "41.77.117.236"},
			kv{"DestinationHostname", "youssef5.genious.net"}, kv{"DestinationPort", "21"},
			kv{"DestinationPortName", "ftp"}), map[string]string{
			"_time": "2022-09-15 12:56:19.679", "host": "CONTENTCTL_HOST", "sourcetype": "xmlwineventlog",
			// action: EID 3 is in the add-on's "allowed" branch.
			"action": "allowed",
			// dest: DestinationHostname, present and not "-".
			"dest": "youssef5.genious.net", "dest_ip": "41.77.117.236", "dest_port": "21",
			"src": host, "src_ip": "10.0.1.14", "src_port": "61722",
			"transport": "tcp", "protocol": "ip", "protocol_version": "ipv4", "direction": "outbound",
			"app": `C:\Temp\agent_tesla-deob.exe`, "dvc": host, "dvc_ip": "10.0.1.14",
			"user": "Administrator", "process_guid": "{6820D070-1F1B-6323-E113-000000007402}", "process_id": "5728",
			"vendor_product": "Microsoft Sysmon",
			// Nothing in the add-on sets these: fills and nulls of CIM.
			"rule": "unknown", "bytes": null, "bytes_in": null, "packets_out": null, "ttl": null, "dest_zone": null,
		}},
		{"inbound, hostnames dash or absent, no ports, upper-case protocol", netEvt("ws-7.corp.example.com",
			kv{"ProcessGuid", "{G}"}, kv{"ProcessId", "4"}, kv{"Image", "System"},
			kv{"Protocol", "UDP"}, kv{"Initiated", "false"}, kv{"SourceIsIpv6", "true"},
			kv{"SourceIp", "fe80::1"}, kv{"SourcePort", "-"}, kv{"DestinationIsIpv6", "true"},
			kv{"DestinationIp", "ff02::fb"}, kv{"DestinationHostname", "-"}), map[string]string{
			// DestinationHostname "-": DestinationIp; no SourceHostname: SourceIp.
			"dest": "ff02::fb", "src": "fe80::1", "dest_ip": "ff02::fb", "src_ip": "fe80::1",
			// if(isnum(X),X,0): absent DestinationPort and "-" SourcePort give 0.
			"dest_port": "0", "src_port": "0",
			// lower() in the CIM transport calculation.
			"transport": "udp", "protocol_version": "ipv6", "direction": "inbound",
			// No User (and no SourceUser/TargetUser): CIM fill.
			"user": "unknown", "dvc": "ws-7.corp.example.com", "action": "allowed",
		}},
		{"no Protocol, no Initiated, no hostnames or IPs", netEvt("h", kv{"ProcessId", "1"}), map[string]string{
			"transport": "unknown", "direction": "inbound", "protocol_version": "ipv4",
			"dest": "unknown", "src": "unknown", "dest_ip": null, "src_ip": null, "dvc_ip": null,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ingestText(t, tc.in.xml()+"\n", Options{})
			got := rows(t, s, "Network_Traffic.All_Traffic")
			if len(got) != 1 {
				t.Fatalf("got %d rows, want 1 (stats %+v)", len(got), s.Stats())
			}
			checkRow(t, got[0], tc.want)
			if st := s.Stats(); st.Used["Network_Traffic.All_Traffic"] != 1 || len(st.Skipped) != 0 {
				t.Errorf("stats %+v, want one Network_Traffic row and nothing skipped", st)
			}
		})
	}
}

// TestNetworkTrafficIsATableEntry checks that the dataset comes from the
// catalog table alone: its schema holds the CIM fields with their types,
// and EID 3 is routed to it and nowhere else.
func TestNetworkTrafficIsATableEntry(t *testing.T) {
	cat := DefaultCatalog()
	d, ok := cat.Lookup("Network_Traffic.All_Traffic")
	if !ok {
		t.Fatal("no Network_Traffic.All_Traffic")
	}
	types := map[string]FieldType{}
	fill := map[string]bool{}
	for _, f := range d.Fields {
		types[f.Name] = f.Type
		fill[f.Name] = f.FillUnknown
	}
	for name, want := range map[string]FieldType{
		"dest_port": Number, "src_port": String, "bytes": Number, "packets_in": Number,
		"dest": String, "process_id": String, "ttl": Number, "transport": String,
	} {
		if got, ok := types[name]; !ok || got != want {
			t.Errorf("%s: type %v (present %v), want %v", name, got, ok, want)
		}
	}
	for _, name := range []string{"action", "dest", "dvc", "rule", "src", "user"} {
		if !fill[name] {
			t.Errorf("%s is not marked FillUnknown", name)
		}
	}
	if fill["transport"] || fill["dest_port"] {
		t.Error("transport and dest_port are not plain fills")
	}
	if got := len(d.Schema().Fields()); got != 4+len(d.Fields) {
		t.Errorf("schema has %d columns, want %d", got, 4+len(d.Fields))
	}
	desc := cat.Describe(d)
	for _, want := range []string{
		"Network_Traffic.All_Traffic\n", "Sysmon EventIDs: 3\n",
		"dest_port                    number  = if(isnum(dest_port),dest_port,0)\n",
		`transport                    string  = if(isnull(transport) OR transport="","unknown",lower(transport))`,
		"bytes_in                     number  = case(isnum(bytes_in),bytes_in,isnum(bytes) AND isnum(bytes_out),bytes-bytes_out,1=1,null())\n",
	} {
		if !strings.Contains(desc, want) {
			t.Errorf("Describe lacks %q:\n%s", want, desc)
		}
	}
}

// TestCalcTotalAndParts drives the bytes/packets calculations directly: the
// Sysmon add-on never sets these fields, so ingestion cannot reach the
// arithmetic branches.
func TestCalcTotalAndParts(t *testing.T) {
	spec := &datasetSpec{model: "M", name: "D", fields: totalAndParts("bytes", "bytes_in", "bytes_out")}
	steps, err := compileCalcs(spec)
	if err != nil {
		t.Fatal(err)
	}
	k := &cimConsts{unknown: []byte("unknown"), zero: []byte("0")}
	b := func(s string) []byte {
		if s == null {
			return nil
		}
		return []byte(s)
	}
	tests := []struct {
		in, want [3]string // bytes, bytes_in, bytes_out
	}{
		{[3]string{null, "10", "5"}, [3]string{"15", "10", "5"}},
		{[3]string{"100", null, "30"}, [3]string{"100", "70", "30"}},
		{[3]string{"100", "40", null}, [3]string{"100", "40", "60"}},
		{[3]string{null, "1.5", null}, [3]string{null, "1.5", null}},
		{[3]string{"abc", "2", "3"}, [3]string{"5", "2", "3"}},
		{[3]string{null, null, null}, [3]string{null, null, null}},
		// bytes is computed first, so the parts see the new total.
		{[3]string{null, "7", "x"}, [3]string{null, "7", null}},
	}
	for _, tc := range tests {
		vals := [][]byte{b(tc.in[0]), b(tc.in[1]), b(tc.in[2])}
		var e event
		applyCalcs(steps, vals, &e, k)
		for i, v := range vals {
			got := null
			if v != nil {
				got = string(v)
			}
			if got != tc.want[i] {
				t.Errorf("%v: field %d = %q, want %q", tc.in, i, got, tc.want[i])
			}
		}
	}
}

func TestCompileCalcsErrors(t *testing.T) {
	tests := []struct {
		name string
		spec *datasetSpec
		want string
	}{
		{"undeclared argument", &datasetSpec{model: "M", name: "D", fields: []fieldSpec{
			{name: "a", calc: calcTotal, arg: "b", arg2: "c"}, declared("b"),
		}}, `dataset M.D: calculation of "a" reads undeclared field "c"`},
		{"missing second argument", &datasetSpec{model: "M", name: "D", fields: []fieldSpec{
			{name: "a", calc: calcPart, arg: "b"}, declared("b"),
		}}, `dataset M.D: calculation of "a" needs two argument fields`},
		{"base eval of an undeclared field", &datasetSpec{model: "M", name: "D",
			baseEval: []fieldSpec{{name: "x", calc: calcLower}}}, `dataset M.D: calculation of undeclared field "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileCalcs(tc.spec)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestIsNum(t *testing.T) {
	for in, want := range map[string]bool{
		"21": true, "-3": true, "1.5": true, "1e3": true, "": false, "-": false,
		"0x10": false, "Inf": false, "NaN": false, " 1": false, "1,000": false,
	} {
		if _, got := isNum([]byte(in)); got != want {
			t.Errorf("isNum(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestModelRoot(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		model, want string // want "" for no dataset
	}{
		{"Network_Traffic", "Network_Traffic.All_Traffic"},
		{"Endpoint", ""},
		{"network_traffic", ""},
		{"Web", ""},
	}
	for _, tc := range tests {
		d, ok := cat.ModelRoot(tc.model)
		got := ""
		if ok {
			got = d.FullName()
		}
		if got != tc.want {
			t.Errorf("ModelRoot(%q) = %q, %v; want %q", tc.model, got, ok, tc.want)
		}
	}
}
