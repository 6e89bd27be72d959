package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// defaultTimeformat is convert's timeformat when none is given; it "does
// not conform to the locale settings" (spl-semantics §4.1).
const defaultTimeformat = "%m/%d/%Y %H:%M:%S"

// convertNode is `convert [timeformat=...] f(field) [as name] ...`. Its
// steps run in order over the columns; each produces a utf8 column.
type convertNode struct {
	in     node
	format string
	loc    *time.Location
	steps  []convertStep
	shown  []string
	out    []string
}

// convertStep converts column src into column dst (dst == len(columns)
// appends a new column).
type convertStep struct {
	fn   string
	src  int
	dst  int
	name string
}

func (*convertNode) isNode()            {}
func (n *convertNode) fields() []string { return n.out }
func (n *convertNode) input() node      { return n.in }
func (n *convertNode) describe() string {
	return "Convert timeformat=" + spl.Quote(n.format) + " " + strings.Join(n.shown, " ")
}

// convertFuncs lists convert's functions (true: implemented).
var convertFuncs = map[string]bool{
	"ctime": true, "dur2sec": true, "mstime": true, "memk": true, "rmcomma": true,
	"rmunit": true, "num": true, "auto": true, "none": true, "mktime": true,
}

// planConvert resolves each function's field (a wildcard pattern matched
// case-sensitively against the current fields) at plan time. Without AS the
// value is replaced in place; with AS an existing field of that name is
// replaced in place, otherwise the new field is appended at the end. A
// field that is absent is left alone (no error, no new column). Fields
// named in none() are excluded from the wildcard matches of the other
// functions of the same convert.
func (e *Engine) planConvert(c *spl.Convert, in node) (node, error) {
	n := &convertNode{in: in, format: defaultTimeformat, loc: e.opt.Location}
	if c.Timeformat != nil {
		n.format = c.Timeformat.Text
	}
	cur := append([]string(nil), in.fields()...)
	excluded := map[string]bool{}
	for _, f := range c.Funcs {
		impl, known := convertFuncs[f.Func]
		if !known || !impl {
			return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("unsupported convert function %s()", f.Func)}
		}
		if f.Func == "none" {
			for _, name := range cur {
				if _, ok := matchName(f.Field.Text, name); ok {
					excluded[name] = true
				}
			}
		}
	}
	for _, f := range c.Funcs {
		shown := f.Func + "(" + spl.Word(f.Field.Text) + ")"
		to := ""
		if f.As != nil {
			to = f.As.Text
			shown += " AS " + spl.Word(to)
			if a, b := strings.Count(f.Field.Text, "*"), strings.Count(to, "*"); b > 0 && a != b {
				return nil, &spl.Error{Pos: f.As.Pos, Msg: fmt.Sprintf("wildcard mismatch: %s has %d wildcards but %s has %d", spl.Word(f.Field.Text), a, spl.Word(to), b)}
			}
		}
		n.shown = append(n.shown, shown)
		if f.Func == "none" {
			continue
		}
		wild := strings.Contains(f.Field.Text, "*")
		for i := 0; i < len(cur); i++ {
			caps, ok := matchName(f.Field.Text, cur[i])
			if !ok || (wild && excluded[cur[i]]) {
				continue
			}
			st := convertStep{fn: f.Func, src: i, dst: i, name: cur[i]}
			if f.As != nil {
				st.name = substituteName(to, caps)
				st.dst = slices.Index(cur, st.name)
				if st.dst < 0 {
					st.dst = len(cur)
					cur = append(cur, st.name)
				}
			}
			n.steps = append(n.steps, st)
		}
	}
	n.out = cur
	return n, nil
}

// convertOp converts the columns of one batch; it holds what the value
// functions need for one execution.
type convertOp struct {
	n   *convertNode
	mem memory.Allocator
}

func (n *convertNode) newOperator(env *execEnv, in operator) operator {
	o := &convertOp{n: n, mem: env.mem}
	return &streamOp{in: in, step: func(_ context.Context, b arrow.RecordBatch) (arrow.RecordBatch, bool, error) {
		out, err := o.convert(b)
		return out, false, err
	}}
}

// convert returns b with each step's converted column replaced or added.
func (o *convertOp) convert(b arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := append([]arrow.Array(nil), b.Columns()...)
	fields := append([]arrow.Field(nil), b.Schema().Fields()...)
	var made []arrow.Array
	defer func() {
		for _, a := range made {
			a.Release()
		}
	}()
	for _, st := range o.n.steps {
		a, err := o.convertColumn(st.fn, cols[st.src])
		if err != nil {
			return nil, fmt.Errorf("convert %s(%s): %w", st.fn, fields[st.src].Name, err)
		}
		made = append(made, a)
		f := arrow.Field{Name: st.name, Type: a.DataType(), Nullable: true}
		if st.dst == len(cols) {
			cols, fields = append(cols, a), append(fields, f)
		} else {
			cols[st.dst], fields[st.dst] = a, f
		}
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, b.NumRows()), nil
}

// convertColumn applies fn to every value of col, giving a utf8 column
// (list<utf8> for a multivalue column).
func (o *convertOp) convertColumn(fn string, col arrow.Array) (arrow.Array, error) {
	conv := o.valueFunc(fn)
	if fn == "auto" {
		// auto leaves the field untouched unless every value converts.
		for i := 0; i < col.Len(); i++ {
			for _, v := range cellValues(col, i) {
				if _, ok := conv(v); !ok {
					col.Retain()
					return col, nil
				}
			}
		}
	}
	if l, ok := col.(*array.List); ok {
		bld := array.NewListBuilder(o.mem, arrow.BinaryTypes.String)
		defer bld.Release()
		vb := bld.ValueBuilder().(*array.StringBuilder)
		for i := 0; i < l.Len(); i++ {
			vals := cellValues(l, i)
			if vals == nil {
				bld.AppendNull()
				continue
			}
			bld.Append(true)
			for _, v := range vals {
				if r, ok := conv(v); ok {
					vb.Append(r)
				} else if fn == "num" {
					vb.AppendNull()
				} else {
					vb.Append(v)
				}
			}
		}
		return bld.NewArray(), nil
	}
	bld := array.NewStringBuilder(o.mem)
	defer bld.Release()
	if f64, ok := col.(*array.Float64); ok && fn == "ctime" {
		// Numbers (tstats' min(_time) and max(_time)) are formatted
		// into one reused buffer, not a string each.
		bld.Reserve(f64.Len())
		var buf []byte
		for i, v := range f64.Float64Values() {
			if f64.IsNull(i) {
				bld.AppendNull()
				continue
			}
			buf = value.AppendStrftime(buf[:0], value.EpochTime(v, o.n.loc), o.n.format)
			bld.BinaryBuilder.Append(buf)
		}
		return bld.NewArray(), nil
	}
	for i := 0; i < col.Len(); i++ {
		if col.IsNull(i) {
			bld.AppendNull()
			continue
		}
		vals := cellValues(col, i)
		if len(vals) != 1 {
			return nil, fmt.Errorf("unexpected multivalue in a %s column", col.DataType())
		}
		switch r, ok := conv(vals[0]); {
		case ok:
			bld.Append(r)
		case fn == "num":
			bld.AppendNull()
		default:
			bld.Append(vals[0])
		}
	}
	return bld.NewArray(), nil
}

// valueFunc returns the per-value conversion of fn; ok=false means the
// value does not convert (it is then kept, or removed by num).
func (o *convertOp) valueFunc(fn string) func(string) (string, bool) {
	switch fn {
	case "ctime":
		// A non-numeric value is left unchanged (uncertain in the
		// reference; see the package doc).
		return func(s string) (string, bool) {
			f, ok := value.ParseNumber(s)
			if !ok {
				return "", false
			}
			return value.Strftime(value.EpochTime(f, o.n.loc), o.n.format), true
		}
	case "mktime":
		// mktime(X): the Search Reference (convert) says "Convert a human
		// readable time string to an epoch time. Use timeformat option to
		// specify exact format to convert from", timeformat defaulting to
		// %m/%d/%Y %H:%M:%S; the text is read as strptime() reads it, in
		// Options.Location when the format has no zone. A value that does
		// not match the format is left unchanged, as ctime leaves a
		// non-number (the docs do not say).
		return func(s string) (string, bool) {
			f, ok := expr.Strptime(s, o.n.format, o.n.loc)
			if !ok {
				return "", false
			}
			return value.FormatNumber(f), true
		}
	case "rmcomma":
		return func(s string) (string, bool) { return strings.ReplaceAll(s, ",", ""), true }
	case "rmunit":
		return rmunit
	case "dur2sec":
		return dur2sec
	case "mstime":
		return mstime
	case "memk":
		return memk
	default: // num, auto
		return func(s string) (string, bool) {
			if _, ok := value.ParseNumber(s); ok {
				return s, true
			}
			if r, ok := value.ParseNumber(strings.ReplaceAll(s, ",", "")); ok && strings.Contains(s, ",") {
				return value.FormatNumber(r), true
			}
			return rmunit(s)
		}
	}
}

// rmunit keeps the leading number of s: "212 sec" gives "212".
func rmunit(s string) (string, bool) {
	t := strings.TrimSpace(s)
	for end := len(t); end > 0; end-- {
		if value.LooksNumeric(t[:end]) {
			return t[:end], true
		}
	}
	return "", false
}

// dur2sec converts [D+]HH:MM:SS to seconds.
func dur2sec(s string) (string, bool) {
	days := 0.0
	rest := s
	if i := strings.IndexByte(s, '+'); i >= 0 {
		d, err := strconv.Atoi(s[:i])
		if err != nil || d < 0 {
			return "", false
		}
		days, rest = float64(d), s[i+1:]
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 {
		return "", false
	}
	total := days * 86400
	for i, p := range parts {
		v, ok := value.ParseNumber(p)
		if !ok || v < 0 {
			return "", false
		}
		total += v * math.Pow(60, float64(2-i))
	}
	return value.FormatNumber(total), true
}

// mstime converts [MM:]SS.SSS to seconds.
func mstime(s string) (string, bool) {
	min := 0.0
	rest := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		m, ok := value.ParseNumber(s[:i])
		if !ok {
			return "", false
		}
		min, rest = m, s[i+1:]
	}
	sec, ok := value.ParseNumber(rest)
	if !ok {
		return "", false
	}
	return value.FormatNumber(min*60 + sec), true
}

// memk converts <number>[k|m|g] to kilobytes (no letter means KB).
func memk(s string) (string, bool) {
	mult := 1.0
	num := s
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			num = s[:n-1]
		case 'm', 'M':
			num, mult = s[:n-1], 1024
		case 'g', 'G':
			num, mult = s[:n-1], 1024*1024
		}
	}
	v, ok := value.ParseNumber(num)
	if !ok {
		return "", false
	}
	return value.FormatNumber(v * mult), true
}
