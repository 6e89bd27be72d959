package engine

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/minispl/minispl/spl"
)

// spathNode is `spath [input=<field>] [output=<field>] [path=<path> |
// <path>]`. The Search Reference (spath, 9.0): "The spath command enables
// you to extract information from the structured data formats XML and
// JSON"; input "Default: _raw"; "If you do not specify an output argument,
// the value for the path argument becomes the field name for the extracted
// value"; "A location path is composed of one or more location steps,
// separated by periods ... A location step is composed of a field name and
// an optional index surrounded by curly brackets. The index can be an
// integer, to refer to the position of the data in an array (this differs
// between JSON and XML), or a string, to refer to an XML attribute", written
// with @; without a path spath runs in "auto-extract" mode and "finds and
// extracts all the fields in the input value" (SPL2 reference); `{}` takes
// every element of an array (the SPL2 example path=commits{}.author.name).
//
//   - JSON or XML is told by the first character that is not a space:
//     '{' or '[' is JSON, '<' XML; any other text, or text that does not
//     decode, gives no fields on that row.
//   - JSON: a leaf value is its text (a string unquoted, a number as
//     written, true/false); null gives nothing. Every path: objects join
//     their keys with '.', arrays add `{}` and their values make a
//     multivalue (x{}.y takes y of each element). A given path that ends
//     on an object or array gives its JSON text (keys sorted). In JSON {N}
//     counts from 0 and in XML from 1 ("this differs between JSON and
//     XML"; the SPL2 example's cooperative{1} is the second game).
//     [uncertain: which side counts from 0 is not stated]
//   - XML: the path of an element is its ancestors' tags and its own
//     joined by '.', from the root; a leaf element's text (trimmed) is its
//     value, an attribute's is path{@name}; repeated paths are
//     multivalues. In a given XML path, {N} takes the N-th value of the
//     path without it.
//   - Without a path the fields set are those the rest of the search names
//     (see xmlkv, extractedFields), since the paths are known only when the
//     search runs.
type spathNode struct {
	in      node
	srcName string
	src     int
	path    string // empty: every path
	steps   []pathStep
	keys    []string
	out     []string
}

// pathStep is one dotted segment of a spath path: a name, then array or
// attribute selectors.
type pathStep struct {
	name string
	sel  []string // "" for {}, "N" for {N}, "@a" for {@a}
}

var pathSelRE = regexp.MustCompile(`\{([^{}]*)\}`)

func (*spathNode) isNode()            {}
func (n *spathNode) fields() []string { return n.out }
func (n *spathNode) input() node      { return n.in }
func (n *spathNode) describe() string {
	if n.path != "" {
		return "Spath input=" + spl.Word(n.srcName) + " path=" + spl.Word(n.path) + " output=" + spl.Word(n.keys[0])
	}
	ks := make([]string, len(n.keys))
	for i, k := range n.keys {
		ks[i] = spl.Word(k)
	}
	return "Spath input=" + spl.Word(n.srcName) + " keys=[" + strings.Join(ks, " ") + "]"
}

func planSpath(c *spl.Spath, in node, pl *Plan, rest []spl.Command) (node, error) {
	n := &spathNode{in: in, srcName: "_raw"}
	output := ""
	var pathPos spl.Span
	if c.Path != nil {
		n.path, pathPos = c.Path.Text, c.Path.Pos
	}
	for _, o := range c.Options {
		switch o.Key {
		case "input":
			n.srcName = o.Value.Text
		case "output":
			output = o.Value.Text
		case "path":
			if c.Path != nil {
				return nil, &spl.Error{Pos: o.Pos, Msg: "spath takes one path; it is given twice"}
			}
			n.path, pathPos = o.Value.Text, o.Pos
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown spath option %q", o.Key)}
		}
	}
	n.src = slices.Index(in.fields(), n.srcName)
	if n.path == "" {
		if output != "" {
			return nil, &spl.Error{Pos: c.Pos, Msg: "spath output= needs a path"}
		}
		n.keys, n.out = extractedFields(in.fields(), n.srcName, rest, pl, "spath")
		return n, nil
	}
	for _, seg := range strings.Split(n.path, ".") {
		st := pathStep{name: seg}
		if i := strings.IndexByte(seg, '{'); i >= 0 {
			st.name = seg[:i]
			tail := seg[i:]
			if pathSelRE.ReplaceAllString(tail, "") != "" {
				return nil, &spl.Error{Pos: pathPos, Msg: fmt.Sprintf("spath: bad path segment %q: want name, name{}, name{N} or name{@attr}", seg)}
			}
			for _, m := range pathSelRE.FindAllStringSubmatch(tail, -1) {
				if s := m[1]; s != "" && !strings.HasPrefix(s, "@") {
					if k, err := strconv.Atoi(s); err != nil || k < 0 {
						return nil, &spl.Error{Pos: pathPos, Msg: fmt.Sprintf("spath: bad index {%s} in %q: want {}, {N} (N a whole number) or {@attribute}", s, seg)}
					}
				}
				st.sel = append(st.sel, m[1])
			}
		}
		n.steps = append(n.steps, st)
	}
	if output == "" {
		output = n.path
	}
	n.keys = []string{output}
	n.out = slices.Clone(in.fields())
	if !slices.Contains(n.out, output) {
		n.out = append(n.out, output)
	}
	return n, nil
}

func (n *spathNode) newOperator(env *execEnv, in operator) operator {
	return newExtractOp(env, in, n.in.fields(), n.src, n.keys, n.out, "spath", func(s string, add func(k, v string)) error {
		t := strings.TrimLeft(s, " \t\r\n")
		if t == "" {
			return nil
		}
		isJSON := t[0] == '{' || t[0] == '['
		if t[0] != '<' && !isJSON {
			return nil
		}
		if n.path == "" {
			if isJSON {
				jsonPaths(t, add)
			} else {
				xmlPaths(t, add)
			}
			return nil
		}
		for _, v := range n.lookup(t, isJSON) {
			add(n.keys[0], v)
		}
		return nil
	})
}

// lookup returns the values at the node's path in the JSON or XML text t.
func (n *spathNode) lookup(t string, isJSON bool) []string {
	if !isJSON {
		// XML: the values of the path without indices, then {N} picks.
		var b strings.Builder
		var pick []int
		for i, st := range n.steps {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(st.name)
			for _, s := range st.sel {
				switch {
				case strings.HasPrefix(s, "@"):
					b.WriteString("{" + s + "}")
				case s != "":
					k, _ := strconv.Atoi(s)
					pick = append(pick, k)
				}
			}
		}
		want := b.String()
		var vals []string
		xmlPaths(t, func(k, v string) {
			if k == want {
				vals = append(vals, v)
			}
		})
		for _, k := range pick {
			if k < 1 || k > len(vals) {
				return nil
			}
			vals = vals[k-1 : k]
		}
		return vals
	}
	d := json.NewDecoder(strings.NewReader(t))
	d.UseNumber()
	var root any
	if err := d.Decode(&root); err != nil {
		return nil
	}
	cur := []any{root}
	for _, st := range n.steps {
		var next []any
		for _, x := range cur {
			if st.name != "" {
				m, ok := x.(map[string]any)
				if !ok {
					continue
				}
				if x, ok = m[st.name]; !ok {
					continue
				}
			}
			xs := []any{x}
			for _, s := range st.sel {
				var ys []any
				for _, y := range xs {
					arr, ok := y.([]any)
					if !ok {
						continue
					}
					if s == "" {
						ys = append(ys, arr...)
					} else if k, err := strconv.Atoi(s); err == nil && k >= 0 && k < len(arr) {
						ys = append(ys, arr[k])
					}
				}
				xs = ys
			}
			next = append(next, xs...)
		}
		cur = next
	}
	var out []string
	for _, x := range cur {
		if s, ok := jsonText(x); ok {
			out = append(out, s)
		}
	}
	return out
}

// jsonText renders a decoded JSON value as a field value.
func jsonText(x any) (string, bool) {
	switch x := x.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	b, err := json.Marshal(x)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// jsonPaths calls add with the path and text of every leaf of the JSON
// text t, in document order.
func jsonPaths(t string, add func(k, v string)) {
	d := json.NewDecoder(strings.NewReader(t))
	d.UseNumber()
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				for d.More() {
					kt, err := d.Token()
					if err != nil {
						return err
					}
					k, _ := kt.(string)
					p := k
					if path != "" {
						p = path + "." + k
					}
					if err := walk(p); err != nil {
						return err
					}
				}
			case '[':
				for d.More() {
					if err := walk(path + "{}"); err != nil {
						return err
					}
				}
			}
			_, err := d.Token() // the closing delimiter
			return err
		default:
			if s, ok := jsonText(tok); ok && path != "" {
				add(path, s)
			}
		}
		return nil
	}
	_ = walk("")
}

// xmlPaths calls add with the path and value of every leaf element and
// attribute of the XML text t, in document order; it stops at the first
// error.
func xmlPaths(t string, add func(k, v string)) {
	d := xml.NewDecoder(strings.NewReader(t))
	d.Strict = false
	type frame struct {
		path     string
		text     bytes.Buffer
		children bool
	}
	var stack []*frame
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			if tok.Name.Space != "" && !strings.Contains(tok.Name.Space, "/") {
				name = tok.Name.Space + ":" + name
			}
			p := name
			if len(stack) > 0 {
				stack[len(stack)-1].children = true
				p = stack[len(stack)-1].path + "." + name
			}
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				add(p+"{@"+a.Name.Local+"}", a.Value)
			}
			stack = append(stack, &frame{path: p})
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tok)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if s := strings.TrimSpace(f.text.String()); !f.children && s != "" {
				add(f.path, s)
			}
		}
	}
}
