package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// xmlkvNode is `xmlkv [<field>] [maxinputs=N]`. The Search Reference
// (xmlkv, 9.3): "The xmlkv command automatically extracts key-value pairs
// from XML-formatted data"; field is "The field from which to extract the
// key and value pairs. Default: The _raw field."; in
// `<game><name>Settlers of Catan</name>...` "name is the key and Settlers of
// Catan is the value".
//
//   - A key-value pair is a leaf element: <key attributes>text</key> whose
//     text holds no element. The key is the tag name as written; the text
//     is taken verbatim (entities are not decoded, as the add-ons keep
//     them); an element with empty text gives nothing. A key found several
//     times is a multivalue, in document order. [uncertain: the reference
//     shows single elements only]
//   - An extracted value replaces the field's value on that row; a row
//     whose text lacks the key keeps its value. A multivalue source field
//     is read value by value.
//   - Output fields: the keys an XML text holds are known only when the
//     search runs, and a plan's fields are fixed when it is planned, so
//     xmlkv sets the fields the rest of the search names (laterFields:
//     stats BY fields, table columns, eval and where operands, ...), and
//     adds those the input lacks; Plan.Warnings says so when the rest of
//     the search names none, or names fields by a wildcard.
//   - maxinputs only sizes Splunk's batches: it is checked and ignored.
type xmlkvNode struct {
	in   node
	src  int // -1 when the source field is absent
	name string
	keys []string // output fields xmlkv may set
	out  []string
}

func (*xmlkvNode) isNode()            {}
func (n *xmlkvNode) fields() []string { return n.out }
func (n *xmlkvNode) input() node      { return n.in }
func (n *xmlkvNode) describe() string {
	ks := make([]string, len(n.keys))
	for i, k := range n.keys {
		ks[i] = spl.Word(k)
	}
	return "Xmlkv " + spl.Word(n.name) + " keys=[" + strings.Join(ks, " ") + "]"
}

func planXmlkv(c *spl.Xmlkv, in node, pl *Plan, rest []spl.Command) (node, error) {
	for _, o := range c.Options {
		switch o.Key {
		case "maxinputs":
			if k, err := strconv.Atoi(o.Value.Text); err != nil || k <= 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("xmlkv maxinputs=%s: want a whole number, 1 or more", o.Value.Text)}
			}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown xmlkv option %q", o.Key)}
		}
	}
	n := &xmlkvNode{in: in, name: c.Field}
	if n.name == "" {
		n.name = "_raw"
	}
	n.src = slices.Index(in.fields(), n.name)
	n.keys, n.out = extractedFields(in.fields(), n.name, rest, pl, "xmlkv")
	return n, nil
}

// extractedFields returns the fields an extracting command (xmlkv, spath
// without a path) sets: the names the rest of the search uses, but not
// src, _time and _raw, and its output fields: the input's, then those of
// the names it lacks. It warns when the rest names no field or uses a
// wildcard.
func extractedFields(inf []string, src string, rest []spl.Command, pl *Plan, cmd string) (keys, out []string) {
	names, wild := laterFields(rest)
	for _, f := range names {
		if f != src && f != "_time" && f != "_raw" && !slices.Contains(keys, f) {
			keys = append(keys, f)
		}
	}
	out = slices.Clone(inf)
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	switch {
	case len(wild) > 0:
		pl.warn(fmt.Sprintf("%s: the fields it extracts are known only when the search runs; minispl keeps those the rest of the search names (%s), which the pattern %s does not add to", cmd, strings.Join(keys, ", "), wild[0]))
	case len(keys) == 0:
		pl.warn(fmt.Sprintf("%s: the fields it extracts are known only when the search runs, and minispl keeps only those the rest of the search names: none here (add | table <fields>)", cmd))
	}
	return keys, out
}

// xmlLeaves calls add with the tag and text of every leaf element of s
// with non-empty text: <tag attrs>text</tag>, text holding no '<'.
func xmlLeaves(s string, add func(key, val string)) {
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			return
		}
		i += lt + 1
		j := i
		for j < len(s) && isXMLNameByte(s[j], j == i) {
			j++
		}
		if j == i {
			continue // </x>, <?x?>, <!-- -->, or a lone '<'
		}
		name := s[i:j]
		// Skip the attributes to the end of the start tag.
		k, quote := j, byte(0)
		for k < len(s) {
			c := s[k]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
			k++
		}
		if k >= len(s) {
			return
		}
		if s[k-1] == '/' || (j < len(s) && s[j] != '>' && !isXMLSpace(s[j])) {
			i = k + 1 // <x/> or a name ending in a stray byte
			continue
		}
		body := k + 1
		end := strings.IndexByte(s[body:], '<')
		if end < 0 {
			return
		}
		text := s[body : body+end]
		closing := "</" + name + ">"
		if strings.HasPrefix(s[body+end:], closing) && text != "" {
			add(name, text)
			i = body + end + len(closing)
			continue
		}
		i = body + end
	}
}

func isXMLNameByte(c byte, first bool) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_', c >= 0x80:
		return true
	case c >= '0' && c <= '9', c == '-', c == '.', c == ':':
		return !first
	}
	return false
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (n *xmlkvNode) newOperator(env *execEnv, in operator) operator {
	return newExtractOp(env, in, n.in.fields(), n.src, n.keys, n.out, "xmlkv", func(s string, add func(k, v string)) error {
		xmlLeaves(s, add)
		return nil
	})
}

// newExtractOp is the operator of xmlkv and spath: for every row, extract
// runs over each value of the source column and reports key-value pairs;
// the pairs whose key is one of keys set those output columns (several
// values of one key make a multivalue), the other columns pass through.
func newExtractOp(env *execEnv, in operator, inf []string, src int, keys, out []string, cmd string, extract func(s string, add func(k, v string)) error) operator {
	var sv value.Vector
	var vals []string
	got := make(map[string][]string, len(keys))
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		rows := int(b.NumRows())
		if src < 0 || len(keys) == 0 {
			return projectBatch(env.mem, b, out), false, nil
		}
		rd, err := value.NewColumn(value.ColumnByName(b, inf[src]))
		if err != nil {
			return nil, false, fmt.Errorf("%s %s: %w", cmd, inf[src], err)
		}
		rd.Load(&sv)
		outs := make([]value.Vector, len(keys))
		for i, k := range keys {
			if a := value.ColumnByName(b, k); a != nil {
				c, err := value.NewColumn(a)
				if err != nil {
					return nil, false, fmt.Errorf("%s %s: %w", cmd, k, err)
				}
				c.Load(&outs[i])
			} else {
				outs[i].Reset(rows)
			}
		}
		for r := 0; r < rows; r++ {
			clear(got)
			for _, s := range sv.Values(r, vals[:0]) {
				if err := extract(s, func(k, v string) {
					if want[k] {
						got[k] = append(got[k], v)
					}
				}); err != nil {
					return nil, false, fmt.Errorf("%s: row %d: %w", cmd, r+1, err)
				}
			}
			for i, k := range keys {
				if vs := got[k]; len(vs) > 0 {
					outs[i].SetValues(r, slices.Clone(vs))
				}
			}
		}
		res := projectBatch(env.mem, b, out)
		for i, k := range keys {
			col := outs[i].Build(env.mem)
			next := value.SetColumn(res, k, col)
			col.Release()
			res.Release()
			res = next
		}
		return res, false, nil
	}}
}
