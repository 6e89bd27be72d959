package evtx

import (
	"encoding/binary"
	"fmt"
)

// BinXML tokens (evtx-format.md §5.1). The 0x40 bit ("more data follows")
// is ignored except on OpenStartElement, where it announces attributes.
const (
	tokEOF              = 0x00
	tokOpenStart        = 0x01
	tokCloseStart       = 0x02
	tokCloseEmpty       = 0x03
	tokEnd              = 0x04
	tokValue            = 0x05
	tokAttribute        = 0x06
	tokCDATA            = 0x07
	tokCharRef          = 0x08
	tokEntityRef        = 0x09
	tokPITarget         = 0x0A
	tokPIData           = 0x0B
	tokTemplateInstance = 0x0C
	tokNormalSubst      = 0x0D
	tokOptionalSubst    = 0x0E
	tokFragmentHeader   = 0x0F
	tokMore             = 0x40
)

// maxDepth bounds the nesting of elements and nested BinXml values
// together, against crafted input (evtx-format.md §5.8, pitfall 19).
const maxDepth = 256

// maxWork bounds the nodes rendered for one chunk, and maxOutput its XML:
// a nested BinXml value substituted several times, recursively, would
// otherwise render exponentially, and a chunk of such records would take
// seconds. A real chunk renders about 2,500 nodes and 60 KB of XML (the
// 8 MB shared file: 6.6 MB of XML in 120 chunks), far below both; the
// records after the budget is spent are skipped with this reason.
const (
	maxWork   = 1 << 18
	maxOutput = 16 << 20
)

// errBudget is the error of a record rendered after the chunk's budget.
var errBudget = fmt.Errorf("BinXML: the chunk renders more than %d nodes or %d bytes (crafted input?)", maxWork, maxOutput)

type nodeKind uint8

const (
	nodeLiteral nodeKind = iota // bytes already escaped for their context
	nodeElement
	nodeSubst
)

// node is one piece of a compiled element tree: a template definition, or
// a template-less element.
type node struct {
	kind nodeKind
	// lit is the text of a literal.
	lit []byte
	// Element: open is "<Name" with the attributes whose value is literal
	// folded in; close is "</Name>".
	open, close []byte
	dep         int // dependency id: value index whose Null drops the element; -1 none
	attrs       []attrNode
	empty       bool // CloseEmptyElement: rendered "/>"
	children    []node
	// Substitution.
	index    int
	optional bool
	inAttr   bool
}

// attrNode is an attribute whose value has a substitution: it is dropped
// when its value renders empty (evtx-format.md §5.4).
type attrNode struct {
	pre   []byte // " Name='"
	parts []node // literals and substitutions
}

// template is a compiled template definition, cached per chunk by offset.
type template struct {
	nodes []node
	err   error
}

// value is one substitution value of a template instance: its descriptor
// type and its bytes, as a chunk offset and length (nested BinXml values
// hold chunk-relative offsets, so their position matters).
type value struct {
	typ    byte
	pos, n int
}

// parser renders the records of one chunk. Its buffers are reused.
type parser struct {
	c        []byte
	tmpl     map[uint32]*template
	out      []byte
	vals     []value
	work     int // nodes rendered in the current chunk
	outTotal int // XML bytes rendered in the current chunk
	// names caches decoded names by chunk offset: a template names "Data"
	// and "Name" once per Data element.
	names map[int][]byte
}

func (p *parser) reset(c []byte, tmpl map[uint32]*template) {
	p.c, p.tmpl = c, tmpl
	p.vals = p.vals[:0]
	p.work, p.outTotal = 0, 0
	if p.names == nil {
		p.names = map[int][]byte{}
	}
	clear(p.names)
}

// errAt makes a positioned BinXML error.
func errAt(pos int, format string, args ...any) error {
	return fmt.Errorf("BinXML at offset 0x%x: %s", pos, fmt.Sprintf(format, args...))
}

func (p *parser) u16(pos int) int { return int(binary.LittleEndian.Uint16(p.c[pos:])) }
func (p *parser) u32(pos int) int { return int(binary.LittleEndian.Uint32(p.c[pos:])) }

// renderRecord renders the BinXML of a record, [start, end), and returns
// the XML (valid until the next call).
func (p *parser) renderRecord(start, end int) ([]byte, error) {
	p.out = p.out[:0]
	p.vals = p.vals[:0]
	err := p.fragment(start, end, 0)
	p.outTotal += len(p.out)
	if err != nil {
		return nil, err
	}
	if len(p.out) == 0 {
		return nil, errAt(start, "record renders no XML")
	}
	return p.out, nil
}

// fragment renders a document or fragment in [pos, end): fragment headers,
// template instances, template-less elements and processing instructions,
// up to EOF or end.
func (p *parser) fragment(pos, end, depth int) error {
	if depth > maxDepth {
		return errAt(pos, "nesting deeper than %d", maxDepth)
	}
	c := p.c
	for pos < end {
		switch t := c[pos]; t {
		case tokEOF:
			return nil
		case tokFragmentHeader:
			pos += 4
		case tokTemplateInstance:
			np, err := p.instance(pos, end, depth)
			if err != nil {
				return err
			}
			pos = np
		case tokOpenStart, tokOpenStart | tokMore:
			n, np, err := p.element(pos, end, false, depth+1)
			if err != nil {
				return err
			}
			p.work += np - pos // compiled for each use: count its bytes
			if p.work > maxWork {
				return errBudget
			}
			if err := p.renderElement(&n, nil, depth+1); err != nil {
				return err
			}
			pos = np
		case tokPITarget, tokPIData:
			var err error
			var lit []byte
			lit, pos, err = p.pi(pos, end, nil)
			if err != nil {
				return err
			}
			p.out = append(p.out, lit...)
		default:
			return errAt(pos, "unexpected token 0x%02x in fragment", t)
		}
	}
	return nil
}

// instance renders the template instance at pos and returns the offset
// after its values (evtx-format.md §5.6).
func (p *parser) instance(pos, end, depth int) (int, error) {
	start := pos
	if pos+10 > end {
		return 0, errAt(start, "template instance cut off")
	}
	pos += 6 // token, version, template id
	defOff := p.u32(pos)
	pos += 4
	if defOff == pos { // the definition follows inline
		if pos+24 > end {
			return 0, errAt(start, "template definition cut off")
		}
		pos += 24 + p.u32(pos+20)
		if pos > end {
			return 0, errAt(start, "template definition of %d bytes runs past the record", p.u32(defOff+20))
		}
	}
	t := p.template(defOff)
	if t.err != nil {
		return 0, t.err
	}
	if pos+4 > end {
		return 0, errAt(start, "template instance has no value count")
	}
	nv := p.u32(pos)
	pos += 4
	if nv > (end-pos)/4 {
		return 0, errAt(start, "template instance claims %d values", nv)
	}
	p.work += 1 + nv
	if p.work > maxWork {
		return 0, errBudget
	}
	base := len(p.vals)
	desc := pos
	pos += 4 * nv
	for i := 0; i < nv; i++ {
		size := p.u16(desc + 4*i)
		if pos+size > end {
			return 0, errAt(start, "value %d of %d bytes runs past the record", i, size)
		}
		p.vals = append(p.vals, value{typ: p.c[desc+4*i+2], pos: pos, n: size})
		pos += size
	}
	err := p.renderNodes(t.nodes, p.vals[base:base+nv], depth)
	p.vals = p.vals[:base]
	return pos, err
}

// template returns the compiled definition at chunk offset off, parsing
// and caching it on first use.
func (p *parser) template(off int) *template {
	if t, ok := p.tmpl[uint32(off)]; ok {
		return t
	}
	t := &template{}
	p.tmpl[uint32(off)] = t // before parsing: a self-reference finds the entry
	if off < chunkHeaderSize || off+24 > len(p.c) {
		t.err = errAt(off, "template definition offset outside the chunk")
		return t
	}
	start := off + 24
	end := start + p.u32(off+20)
	if end > len(p.c) {
		t.err = errAt(off, "template definition of %d bytes runs past the chunk", end-start)
		return t
	}
	t.nodes, t.err = p.definition(start, end)
	return t
}

// definition compiles the body of a template definition: fragment header,
// one element with dependency ids, EOF. Bytes after EOF inside the
// declared size are ignored (MS-EVEN6 §4.8).
func (p *parser) definition(pos, end int) ([]node, error) {
	var nodes []node
	for pos < end {
		switch t := p.c[pos]; t {
		case tokEOF:
			return nodes, nil
		case tokFragmentHeader:
			pos += 4
		case tokOpenStart, tokOpenStart | tokMore:
			n, np, err := p.element(pos, end, true, 1)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, n)
			pos = np
		case tokPITarget, tokPIData:
			lit, np, err := p.pi(pos, end, nil)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, node{kind: nodeLiteral, lit: lit})
			pos = np
		default:
			return nil, errAt(pos, "unexpected token 0x%02x in template definition", t)
		}
	}
	return nodes, nil
}

// element compiles the element at pos. hasDep tells whether element starts
// may carry a dependency id (template definitions); libfwevt's test
// decides for each element, as some files omit it (evtx-format.md §5.2).
func (p *parser) element(pos, end int, hasDep bool, depth int) (node, int, error) {
	c := p.c
	start := pos
	if depth > maxDepth {
		return node{}, 0, errAt(pos, "elements nested deeper than %d", maxDepth)
	}
	if pos+5 > end {
		return node{}, 0, errAt(start, "element start cut off")
	}
	tok := c[pos]
	pos++
	n := node{kind: nodeElement, dep: -1}
	// Without a dependency id the u32 here is the element length, which
	// fits in the data; with one, the length's low half lands in the top
	// 16 bits and makes it larger than any chunk.
	if hasDep && pos+4+p.u32(pos) > end {
		if pos+6 > end {
			return node{}, 0, errAt(start, "element start cut off")
		}
		if d := p.u16(pos); d != 0xFFFF {
			n.dep = d
		}
		pos += 2
	}
	pos += 4 // element length: not needed, tokens delimit the element
	name, pos, err := p.name(pos, end)
	if err != nil {
		return node{}, 0, err
	}
	n.open = append(append(make([]byte, 0, len(name)+16), '<'), name...)
	n.close = append(append(append(make([]byte, 0, len(name)+3), '<', '/'), name...), '>')
	if tok&tokMore != 0 {
		if pos+4 > end {
			return node{}, 0, errAt(start, "attribute list cut off")
		}
		pos += 4 // attribute list length
		for pos < end && c[pos]&^tokMore == tokAttribute {
			pos++
			var an []byte
			an, pos, err = p.name(pos, end)
			if err != nil {
				return node{}, 0, err
			}
			a := attrNode{pre: append(append([]byte{' '}, an...), '=', '\'')}
			a.parts, pos, err = p.attrValue(pos, end)
			if err != nil {
				return node{}, 0, err
			}
			if lit, ok := literalOnly(a.parts); ok {
				if len(lit) > 0 { // an empty attribute is not emitted
					n.open = append(append(append(n.open, a.pre...), lit...), '\'')
				}
				continue
			}
			n.attrs = append(n.attrs, a)
		}
	}
	if pos >= end {
		return node{}, 0, errAt(start, "element <%s> not closed", name)
	}
	switch c[pos] {
	case tokCloseEmpty:
		n.empty = true
		return n, pos + 1, nil
	case tokCloseStart:
		pos++
	default:
		return node{}, 0, errAt(pos, "unexpected token 0x%02x in start of <%s>", c[pos], name)
	}
	for {
		if pos >= end {
			return node{}, 0, errAt(start, "element <%s> has no end", name)
		}
		t := c[pos]
		switch t &^ tokMore {
		case tokEnd:
			n.children = mergeLiterals(n.children)
			return n, pos + 1, nil
		case tokOpenStart:
			var ch node
			ch, pos, err = p.element(pos, end, hasDep, depth+1)
			if err != nil {
				return node{}, 0, err
			}
			n.children = append(n.children, ch)
			continue
		case tokValue, tokCDATA, tokCharRef, tokEntityRef:
			var lit []byte
			lit, pos, err = p.textToken(pos, end, false)
			if err != nil {
				return node{}, 0, err
			}
			n.children = append(n.children, node{kind: nodeLiteral, lit: lit})
			continue
		case tokNormalSubst, tokOptionalSubst:
			if pos+4 > end {
				return node{}, 0, errAt(pos, "substitution cut off")
			}
			n.children = append(n.children, node{kind: nodeSubst, index: p.u16(pos + 1), optional: t == tokOptionalSubst})
			pos += 4
			continue
		}
		if t == tokPITarget || t == tokPIData {
			var lit []byte
			lit, pos, err = p.pi(pos, end, nil)
			if err != nil {
				return node{}, 0, err
			}
			n.children = append(n.children, node{kind: nodeLiteral, lit: lit})
			continue
		}
		return node{}, 0, errAt(pos, "unexpected token 0x%02x in content of <%s>", t, name)
	}
}

// attrValue compiles the value tokens of an attribute.
func (p *parser) attrValue(pos, end int) ([]node, int, error) {
	var parts []node
	for pos < end {
		t := p.c[pos]
		switch t &^ tokMore {
		case tokValue, tokCharRef, tokEntityRef, tokCDATA:
			lit, np, err := p.textToken(pos, end, true)
			if err != nil {
				return nil, 0, err
			}
			parts = append(parts, node{kind: nodeLiteral, lit: lit})
			pos = np
		case tokNormalSubst, tokOptionalSubst:
			if pos+4 > end {
				return nil, 0, errAt(pos, "substitution cut off")
			}
			parts = append(parts, node{kind: nodeSubst, index: p.u16(pos + 1), optional: t&^tokMore == tokOptionalSubst, inAttr: true})
			pos += 4
		default:
			return mergeLiterals(parts), pos, nil
		}
	}
	return mergeLiterals(parts), pos, nil
}

// textToken renders a value text, CDATA, character or entity reference
// token as escaped literal text.
func (p *parser) textToken(pos, end int, attr bool) ([]byte, int, error) {
	c := p.c
	start := pos
	switch c[pos] &^ tokMore {
	case tokValue:
		if pos+4 > end {
			return nil, 0, errAt(start, "value text cut off")
		}
		if c[pos+1] != typString {
			return nil, 0, errAt(start, "value text of type 0x%02x", c[pos+1])
		}
		n := 2 * p.u16(pos+2)
		pos += 4
		if pos+n > end {
			return nil, 0, errAt(start, "value text runs past the data")
		}
		return appendUTF16(nil, c[pos:pos+n], attr), pos + n, nil
	case tokCDATA:
		if pos+3 > end {
			return nil, 0, errAt(start, "CDATA cut off")
		}
		n := 2 * p.u16(pos+1)
		pos += 3
		if pos+n > end {
			return nil, 0, errAt(start, "CDATA runs past the data")
		}
		lit := append([]byte("<![CDATA["), appendUTF16Raw(nil, c[pos:pos+n])...)
		return append(lit, "]]>"...), pos + n, nil
	case tokCharRef:
		if pos+3 > end {
			return nil, 0, errAt(start, "character reference cut off")
		}
		return fmt.Appendf(nil, "&#%d;", p.u16(pos+1)), pos + 3, nil
	default: // tokEntityRef
		name, np, err := p.name(pos+1, end)
		if err != nil {
			return nil, 0, err
		}
		return append(append([]byte{'&'}, name...), ';'), np, nil
	}
}

// pi renders a processing instruction target or data token.
func (p *parser) pi(pos, end int, _ []byte) ([]byte, int, error) {
	if p.c[pos] == tokPITarget {
		name, np, err := p.name(pos+1, end)
		if err != nil {
			return nil, 0, err
		}
		lit := append([]byte("<?"), name...)
		if np < end && p.c[np] == tokPIData {
			if np+3 > end {
				return nil, 0, errAt(np, "PI data cut off")
			}
			n := 2 * p.u16(np+1)
			if np+3+n > end {
				return nil, 0, errAt(np, "PI data runs past the data")
			}
			lit = append(lit, ' ')
			lit = appendUTF16Raw(lit, p.c[np+3:np+3+n])
			np += 3 + n
		}
		return append(lit, '?', '>'), np, nil
	}
	return nil, 0, errAt(pos, "PI data without a PI target")
}

// name reads a name reference at pos (evtx-format.md §5.3): an offset,
// followed by the name itself when it points just past the offset.
func (p *parser) name(pos, end int) ([]byte, int, error) {
	if pos+4 > end {
		return nil, 0, errAt(pos, "name cut off")
	}
	off := p.u32(pos)
	pos += 4
	if off+8 > len(p.c) {
		return nil, 0, errAt(pos-4, "name offset 0x%x outside the chunk", off)
	}
	n := 2 * p.u16(off+6)
	if off+8+n > len(p.c) {
		return nil, 0, errAt(off, "name of %d characters runs past the chunk", n/2)
	}
	name, ok := p.names[off]
	if !ok {
		name = appendUTF16Raw(nil, p.c[off+8:off+8+n])
		p.names[off] = name
	}
	if off == pos { // inline: skip next offset, hash, count, characters, NUL
		pos += 8 + n + 2
		if pos > end {
			return nil, 0, errAt(off, "inline name runs past the data")
		}
	}
	return name, pos, nil
}

// literalOnly reports whether parts are all literals, and their text.
func literalOnly(parts []node) ([]byte, bool) {
	var b []byte
	for _, n := range parts {
		if n.kind != nodeLiteral {
			return nil, false
		}
		b = append(b, n.lit...)
	}
	return b, true
}

// mergeLiterals joins adjacent literal nodes.
func mergeLiterals(ns []node) []node {
	out := ns[:0]
	for _, n := range ns {
		if n.kind == nodeLiteral && len(out) > 0 && out[len(out)-1].kind == nodeLiteral {
			last := &out[len(out)-1]
			last.lit = append(last.lit[:len(last.lit):len(last.lit)], n.lit...)
			continue
		}
		out = append(out, n)
	}
	return out
}

// renderNodes renders compiled nodes with the instance's values.
func (p *parser) renderNodes(ns []node, vals []value, depth int) error {
	p.work += len(ns)
	if p.work > maxWork || p.outTotal+len(p.out) > maxOutput {
		return errBudget
	}
	for i := range ns {
		n := &ns[i]
		switch n.kind {
		case nodeLiteral:
			p.out = append(p.out, n.lit...)
		case nodeElement:
			if err := p.renderElement(n, vals, depth+1); err != nil {
				return err
			}
		case nodeSubst:
			if err := p.renderSubst(n, vals, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

// renderElement renders one element: dropped when its dependency value is
// Null, repeated once per item when its only content is an array
// substitution (MS-EVEN6 §3.1.4.7.5).
func (p *parser) renderElement(n *node, vals []value, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("BinXML: nesting deeper than %d", maxDepth)
	}
	if n.dep >= 0 && n.dep < len(vals) && vals[n.dep].typ == typNull {
		return nil
	}
	if len(n.children) == 1 && n.children[0].kind == nodeSubst {
		s := &n.children[0]
		if s.index < len(vals) && vals[s.index].typ&typArray != 0 {
			v := vals[s.index]
			count := 0
			err := p.forEachItem(v, func(typ byte, data []byte) error {
				count++
				p.startTag(n, vals, depth)
				if err := p.appendValue(typ, data, v.pos, false, depth); err != nil {
					return err
				}
				p.out = append(p.out, n.close...)
				return nil
			})
			if err != nil {
				return err
			}
			if count == 0 { // an empty array is one empty element
				p.startTag(n, vals, depth)
				p.out = append(p.out, n.close...)
			}
			return nil
		}
	}
	if err := p.startTagAttrs(n, vals, depth); err != nil {
		return err
	}
	if n.empty {
		p.out = append(p.out, '/', '>')
		return nil
	}
	p.out = append(p.out, '>')
	if err := p.renderNodes(n.children, vals, depth); err != nil {
		return err
	}
	p.out = append(p.out, n.close...)
	return nil
}

// startTag writes "<Name attrs>" for array expansion (errors in attribute
// values were already seen by the first rendering; they cannot occur for
// attributes without arrays).
func (p *parser) startTag(n *node, vals []value, depth int) {
	_ = p.startTagAttrs(n, vals, depth)
	p.out = append(p.out, '>')
}

// startTagAttrs writes "<Name" and the attributes, dropping each attribute
// whose value renders empty.
func (p *parser) startTagAttrs(n *node, vals []value, depth int) error {
	p.out = append(p.out, n.open...)
	for i := range n.attrs {
		a := &n.attrs[i]
		mark := len(p.out)
		p.out = append(p.out, a.pre...)
		vm := len(p.out)
		if err := p.renderNodes(a.parts, vals, depth); err != nil {
			return err
		}
		if len(p.out) == vm {
			p.out = p.out[:mark]
		} else {
			p.out = append(p.out, '\'')
		}
	}
	return nil
}

// renderSubst renders a substitution: nothing for an out-of-range index
// (as Rust's reader does) or for an optional substitution of a Null value;
// Null renders empty anyway.
func (p *parser) renderSubst(n *node, vals []value, depth int) error {
	if n.index >= len(vals) {
		return nil
	}
	v := vals[n.index]
	if v.typ == typNull {
		return nil
	}
	if v.typ&typArray != 0 {
		first := true
		return p.forEachItem(v, func(typ byte, data []byte) error {
			if !first {
				p.out = append(p.out, ',', ' ')
			}
			first = false
			return p.appendValue(typ, data, v.pos, n.inAttr, depth)
		})
	}
	return p.appendValue(v.typ, p.c[v.pos:v.pos+v.n], v.pos, n.inAttr, depth)
}
