package datamodel

import (
	"bytes"
)

// This file computes the search-time fields of one raw Windows event, in
// Splunk's order (raw-events.md §1.2, §8 item 1): the default fields, the
// generic XML extraction of Splunk_TA_windows 8.8.0's sourcetype stanza
// (§1.3), then the source stanza of the event's channel (winta.go for
// Security and System; the Sysmon add-on's for Sysmon), aliases, EVALs,
// the few lookup rows the reference quotes, eventtypes and tags
// (eventtypes.go).

// Default field values (raw-events.md §1.1, §1.4).
const (
	// indexValue is the index of every event: Splunk's default index.
	indexValue = "main"
	// sourcePrefix is what Splunk_TA_windows' index-time fix puts before
	// <Channel> in source.
	sourcePrefix = "XmlWinEventLog:"
)

// xmlBlockFields are the REPORT-0xml_block_extract fields, in list order:
// the inner XML of <System>, <EventData>, <UserData>, <DebugData> and
// <RenderingInfo>. The event store does not keep them as columns (they
// repeat most of _raw); XMLBlock computes them from _raw when a search
// names them.
var xmlBlockFields = [...]string{"System_Props_Xml", "EventData_Xml", "UserData_Xml", "DebugData_Xml", "RenderingInfo_Xml"}

// IsXMLBlockField reports whether name is one of the block fields of
// Splunk_TA_windows' generic XML extraction (System_Props_Xml,
// EventData_Xml, UserData_Xml, DebugData_Xml, RenderingInfo_Xml), which the
// event store computes from _raw on demand (see XMLBlock).
func IsXMLBlockField(name string) bool {
	for _, f := range xmlBlockFields {
		if f == name {
			return true
		}
	}
	return false
}

// XMLBlock returns the value of a block field (see IsXMLBlockField) of an
// event's _raw: the inner text of the first element of that name, as
// (?ms)<X(?:\s+[^>]+)?>(.*?)</X> extracts it; nil when there is none or
// when it is empty.
func XMLBlock(field string, raw []byte) []byte {
	tag := field[:len(field)-len("_Xml")]
	switch field {
	case "System_Props_Xml":
		tag = "System"
	case "RenderingInfo_Xml":
		tag = "RenderingInfo"
	}
	v := xmlBlock(raw, tag)
	if len(v) == 0 {
		return nil
	}
	return v
}

// xmlBlock implements (?ms)<tag(?:\s+[^>]+)?>(.*?)</tag> on raw.
func xmlBlock(raw []byte, tag string) []byte {
	open := "<" + tag
	for off := 0; ; {
		i := bytes.Index(raw[off:], []byte(open))
		if i < 0 {
			return nil
		}
		i += off + len(open)
		off = i
		if i >= len(raw) {
			return nil
		}
		switch c := raw[i]; {
		case c == '>':
			i++
		case isRegexSpace(c):
			j := bytes.IndexByte(raw[i:], '>')
			if j < 0 {
				return nil
			}
			// \s+[^>]+ needs one character that is not '>' after the
			// spaces; "<System >" does not match.
			k := i
			for k < i+j && isRegexSpace(raw[k]) {
				k++
			}
			if k == i+j && k > i+1 {
				k-- // a space can serve as [^>]
			}
			if k >= i+j {
				continue
			}
			i += j + 1
		default:
			continue
		}
		end := bytes.Index(raw[i:], []byte("</"+tag+">"))
		if end < 0 {
			return nil
		}
		return raw[i : i+end]
	}
}

// isRegexSpace is PCRE's \s.
func isRegexSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// addChildText is system_props_xml_kv (and rendering_info_xml_data):
// (?ms)<(\w*)>([^<]*)<\/\1>, FORMAT $1::$2, MV_ADD, over block: one field
// per child element without attributes, empty values dropped. (Go's RE2
// has no backreference; this is the scan the reference §8 item 3
// suggests.)
func addChildText(r *record, block []byte) {
	for pos := 0; pos < len(block); {
		i := bytes.IndexByte(block[pos:], '<')
		if i < 0 {
			return
		}
		i += pos
		pos = i + 1
		j := i + 1
		for j < len(block) && isWordByte(block[j]) {
			j++
		}
		if j >= len(block) || block[j] != '>' {
			continue
		}
		name := block[i+1 : j]
		k := bytes.IndexByte(block[j+1:], '<')
		if k < 0 {
			return
		}
		val := block[j+1 : j+1+k]
		close := j + 1 + k
		end := close + 2 + len(name)
		if end >= len(block) || block[close+1] != '/' || !bytes.Equal(block[close+2:end], name) || block[end] != '>' {
			continue
		}
		if len(name) > 0 {
			r.addNamed(name, val)
		}
		pos = end + 1
	}
}

// addAttributes is system_props_xml_attributes:
// (?ms)\s([^\s=]+)\s*=\s*('[^<']*'|"[^<"]*"), FORMAT $1::$2, MV_ADD, over
// the System block: one field per attribute, the value WITH its quotes
// (raw-events.md §1.5; the reference marks this [UNCERTAIN] with strong
// evidence, and minispl follows it: UserID is 'S-1-5-18', quotes included).
func addAttributes(r *record, block []byte) {
	for p := 0; p < len(block); p++ {
		if !isRegexSpace(block[p]) {
			continue
		}
		j := p + 1
		for j < len(block) && !isRegexSpace(block[j]) && block[j] != '=' {
			j++
		}
		if j == p+1 {
			continue
		}
		name := block[p+1 : j]
		k := j
		for k < len(block) && isRegexSpace(block[k]) {
			k++
		}
		if k >= len(block) || block[k] != '=' {
			continue
		}
		k++
		for k < len(block) && isRegexSpace(block[k]) {
			k++
		}
		if k >= len(block) || (block[k] != '\'' && block[k] != '"') {
			continue
		}
		q := block[k]
		end := k + 1
		for end < len(block) && block[end] != q && block[end] != '<' {
			end++
		}
		if end >= len(block) || block[end] != q {
			continue
		}
		r.addNamed(name, block[k:end+1])
		p = end // the loop's p++ moves past the closing quote
	}
}

// unquote removes the quotes the attribute extraction keeps.
func unquote(v []byte) []byte {
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// genericXMLFields adds the fields of Splunk_TA_windows' [XmlWinEventLog] /
// [xmlwineventlog] REPORTs, in class order (raw-events.md §1.3):
// 0xml_kv_extract (System children, System attributes, every named <Data>,
// RenderingInfo children), EventCode_from_xml, RecordNumber_from_xml and
// SubStatus_as_Sub_Status. The block fields are virtual (XMLBlock).
func genericXMLFields(r *record, e *event, raw []byte) {
	sys := xmlBlock(raw, "System")
	addChildText(r, sys)
	addAttributes(r, sys)
	addData(r, e)
	if ri := xmlBlock(raw, "RenderingInfo"); ri != nil {
		addChildText(r, ri)
	}
	// EventID_as_EventCode, then EventID2_as_EventCode for an <EventID>
	// with attributes (Qualifiers), which the kv transform skips.
	if v := r.get("EventID"); v != nil {
		r.addNew("EventCode", v)
	} else if e.hasEventID {
		r.addNew("EventCode", e.eventIDText)
	}
	r.addNew("RecordNumber", r.get("EventRecordID"))
	r.addNew("Sub_Status", r.get("SubStatus"))
}

// addData is eventdata_xml_data: every <Data Name='X'>v</Data> in document
// order, repeated names becoming multivalue, empty values dropped. Names
// are case-sensitive (ProcessId and ProcessID are two fields). Each value
// has its leading and trailing whitespace removed (a choice; see doc.go,
// "Whitespace around Data values"): <Data Name='SidHistory'> CR LF TAB TAB
// %{S-1-5-...}</Data> gives SidHistory=%{S-1-5-...}.
func addData(r *record, e *event) {
	for i, n := range e.names {
		r.addNamed(n, trimSpace(e.values[i]))
	}
}

// trimSpace removes leading and trailing PCRE \s (space, TAB, LF, VT, FF,
// CR) from v.
func trimSpace(v []byte) []byte {
	i, j := 0, len(v)
	for i < j && isRegexSpace(v[i]) {
		i++
	}
	for j > i && isRegexSpace(v[j-1]) {
		j--
	}
	return v[i:j]
}

// jsonFields is the record of an event read from JSON lines: the System
// values NXLog keeps under the XML names, and every EventData field.
// There is no XML, so no attribute or block field.
func jsonFields(r *record, e *event) {
	r.add("EventID", e.eventIDText)
	r.add("Version", e.version)
	r.add("Keywords", e.keywords)
	r.add("Channel", e.channel)
	r.add("Computer", e.computer)
	if len(e.provider) > 0 {
		r.add("Name", r.build([]byte("'"), e.provider, []byte("'")))
	}
	if len(e.userID) > 0 {
		r.add("UserID", r.build([]byte("'"), e.userID, []byte("'")))
	}
	addData(r, e)
	r.addNew("EventCode", e.eventIDText)
}
