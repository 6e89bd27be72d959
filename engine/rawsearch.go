package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// This file is the search command over raw events: the first command of a
// search that does not start with '|' (or an explicit `search ...` there)
// reads the Store's event store (datamodel.EventStore), which is built on
// the first such search.
//
// Fields: the event store's groups have different schemas, unknown when a
// search is planned (planning sees no events). The scan therefore
// projects: its output columns are _time, host, source, sourcetype,
// index and _raw, then every field the search expression compares and
// every name the rest of the pipeline mentions (rawFields), in that order.
// A name that no event has is a null column. When no later command names
// its output (no stats, table or fields +), the results are events with
// every field: the search is planned again when it runs, against the
// store's field names (in byte order after the default fields). Otherwise
// a field pattern with a wildcard after the raw search (table *, stats
// values(*)) sees only the projected fields, and Plan.Warnings says so.
//
// Order: events come newest first (descending _time, then input order),
// as a Splunk search returns them; head, dedup, list() and first() see
// that order.
//
// Matching (raw-events.md §2.2, §2.3; spl-semantics §2.2): field=value
// and IN are the search command's case-insensitive whole-value globs over
// every field, default and extracted alike; a bare term or quoted phrase
// matches _raw by Splunk's segmentation, TERM(x) as one whole indexed
// term and CASE(x) case-sensitively (rawTerm; engine/internal/expr's
// package doc gives the rules of field=TERM(x) and field=CASE(x)). The
// search's time window
// (Options.Earliest/Latest) bounds _time.
//
// Cost: the field terms are tested before the raw terms, and a raw term
// only at the rows whose result depends on it (in the time window, kept
// by the field terms it is a conjunct of, not already kept by an
// earlier disjunct); their texts are decoded block by block where such
// a row is, never into a column (filterChunk gives the proof that the
// rows are the same). A search whose field terms keep no event of a
// chunk decodes none of its text.

// rawScanNode is a search over the event store.
type rawScanNode struct {
	expr spl.SearchExpr
	out  []string
	text string
	// all is set when the results are events with every field (the
	// store's field names, rawNeedsAll): which fields those are depends
	// on every event read, so no ingest pre-filter applies (RawFilter).
	all bool
	// reads are the fields the search and the commands right after it
	// read from the events (rawReadNames), checked against the store
	// when the search runs (rawFieldWarnings).
	reads []string
	// readsRaw is set when the search expression reads _raw (a bare
	// term or phrase, a _raw comparison): the scan decompresses the
	// chunks' _raw to filter them, only where the terms read it (see
	// filterChunk).
	readsRaw bool
	// comparesRaw is set when the search compares the field _raw
	// (_raw=*x*, _raw IN (...)): the scan gives it each chunk's whole
	// _raw column.
	comparesRaw bool
	// predBlocks is set when the search's terms read an XML block field
	// (System_Props_Xml, EventData_Xml, ...): the blocks are then computed
	// for every event before the terms are tested, else only for the
	// events the terms keep.
	predBlocks bool
}

func (*rawScanNode) isNode()            {}
func (n *rawScanNode) fields() []string { return n.out }
func (n *rawScanNode) input() node      { return nil }
func (n *rawScanNode) describe() string { return "Events search " + n.text }

// defaultEventFields lead every raw search's output.
var defaultEventFields = []string{datamodel.FieldTime, datamodel.FieldHost, datamodel.FieldSource, datamodel.FieldSourcetype, datamodel.FieldIndex, datamodel.FieldRaw}

// planRawSearch plans the first command s of pipeline p as a search over
// the event store.
func (e *Engine) planRawSearch(s *spl.Search, p *spl.Pipeline, pl *Plan) (node, error) {
	var err error
	spl.Inspect(s.Expr, func(n spl.Node) bool {
		if t, ok := n.(*spl.SearchSubsearch); ok && err == nil {
			err = &spl.Error{Pos: t.Pos, Msg: "unsupported: a [subsearch] term in a search over raw events"}
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), defaultEventFields...)
	rest := p.Commands[1:]
	statsNames, statsWild := []string(nil), []string(nil)
	statsFirst := false
	if len(rest) > 0 {
		if _, ok := rest[0].(*spl.Stats); ok {
			statsNames, statsWild = laterFields(rest[:1])
			statsFirst = len(statsWild) == 0
		}
	}
	if statsFirst {
		// A stats right after the search reads only the fields it names
		// (every name in it, laterFields): the scan emits those, _time
		// and the fields the search compares, and no _raw, which it
		// would otherwise decompress for every event the stats holds.
		out = []string{datamodel.FieldTime}
	}
	seen := map[string]bool{}
	for _, f := range out {
		seen[f] = true
	}
	add := func(name string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		out = append(out, name)
	}
	spl.Inspect(s.Expr, func(n spl.Node) bool {
		switch n := n.(type) {
		case *spl.SearchCompare:
			add(n.Field)
		case *spl.SearchIn:
			add(n.Field)
		}
		return true
	})
	if rawNeedsAll(rest) {
		if e.store == nil {
			if p == pl.top {
				pl.events = p
			}
		} else {
			for _, f := range eventFieldNames(e.store.Events()) {
				add(f)
			}
		}
	}
	names, wild := laterFields(rest)
	if statsFirst {
		names = statsNames
	}
	for _, name := range names {
		add(name)
	}
	if len(wild) > 0 {
		pl.warnings = append(pl.warnings, fmt.Sprintf("over raw events, the field pattern %s sees only the fields the search names (%s)", wild[0], strings.Join(out, ", ")))
	}
	// Compile once against the projection, to report errors at plan time
	// and to learn whether the search's terms read a block field.
	predBlocks := false
	pc := &expr.SearchCompiler{Mode: expr.ModeRaw, Resolve: func(f string) int {
		predBlocks = predBlocks || datamodel.IsXMLBlockField(f)
		return slices.Index(out, f)
	}, Raw: slices.Index(out, datamodel.FieldRaw)}
	w, err := pc.Compile(s.Expr)
	if err != nil {
		return nil, err
	}
	return &rawScanNode{expr: s.Expr, out: out, text: w.String(), all: rawNeedsAll(p.Commands[1:]), reads: rawReadNames(s.Expr, p.Commands[1:]), readsRaw: exprReadsRaw(s.Expr), comparesRaw: exprComparesRaw(s.Expr), predBlocks: predBlocks}, nil
}

// exprReadsRaw reports whether a raw search expression reads _raw: it has
// a bare term or phrase, or compares _raw.
func exprReadsRaw(e spl.SearchExpr) bool { return exprUsesRaw(e, true) }

// exprComparesRaw reports whether a raw search expression compares the
// field _raw.
func exprComparesRaw(e spl.SearchExpr) bool { return exprUsesRaw(e, false) }

// exprUsesRaw reports whether e compares the field _raw or, when terms is
// set, has a bare term or phrase (which match _raw).
func exprUsesRaw(e spl.SearchExpr, terms bool) bool {
	raw := false
	spl.Inspect(e, func(n spl.Node) bool {
		switch n := n.(type) {
		case *spl.SearchTerm:
			raw = raw || terms
		case *spl.SearchCompare:
			raw = raw || n.Field == datamodel.FieldRaw
		case *spl.SearchIn:
			raw = raw || n.Field == datamodel.FieldRaw
		}
		return !raw
	})
	return raw
}

// rawNeedsAll reports whether the commands after a raw search pass the
// events' fields on to the results: none of them is a stats, table or
// fields command (those name their output), so the results are events
// with every field, as Splunk returns them.
func rawNeedsAll(rest []spl.Command) bool {
	for _, c := range rest {
		switch c := c.(type) {
		case *spl.Stats, *spl.Table:
			return false
		case *spl.Fields:
			if !c.Remove {
				return false
			}
		}
	}
	return true
}

// eventFieldNames returns every field name of the event store, _raw
// included, in byte order (datamodel.EventStore.FieldNames).
func eventFieldNames(st *datamodel.EventStore) []string { return st.FieldNames() }

// rawScanOp executes a rawScanNode: it filters every chunk of the event
// store, then emits the selected events in store order. The chunks' _raw
// is decompressed where it is read: while the search expression filters
// a chunk, the blocks of the rows its raw terms test (filterChunk), then
// the selected rows' texts through a RawReader of the search's own as
// they are emitted; nothing decompressed outlives its use.
type rawScanOp struct {
	n      *rawScanNode
	env    *execEnv
	sel    []rawSel
	chunks []datamodel.EventChunk
	src    []arrow.RecordBatch // per chunk: the projected, filtered columns
	rd     datamodel.RawReader
	at     int
	// view holds the chunk being filtered's decoded _raw blocks; its
	// Decoded counts the blocks the filtering decompressed.
	view datamodel.RawView
	// idx is the column of each output field in each chunk's src (-1:
	// none), made by the first Next.
	idx [][]int
	// eager, for tests, filters as the scan did before on-demand _raw:
	// every chunk's whole _raw column, every term at every row.
	eager bool
}

// compiledPred is a raw search's terms compiled against one chunk's
// fields (parts reading _raw last, expr.OrderRawLast), with the state
// of its evaluations, shared by the chunks of those fields (the
// leaves' dictionary caches are keyed by dictionary).
type compiledPred struct {
	pred expr.Pred
	st   *expr.PredState
}

// rawPreds are a scan's compiled predicates, by the schema of the
// chunk's batch and, for a schema not seen, by its field names.
type rawPreds struct {
	bySchema map[*arrow.Schema]*compiledPred
	byNames  map[string]*compiledPred
}

// rawSel is one selected event: its chunk, its row there and its position
// in the store's order.
type rawSel struct {
	chunk, row int
	pos        int32
}

func (n *rawScanNode) newOperator(env *execEnv, _ operator) operator {
	return &rawScanOp{n: n, env: env}
}

func (o *rawScanOp) Open(ctx context.Context) error {
	if o.env.eng.store == nil {
		return errors.New("search: no events loaded")
	}
	if n := o.env.eng.store.EventsLeftOut(); n > 0 {
		return fmt.Errorf("search: %d events were loaded without their texts (no search planned before loading read raw events), so a search over raw events cannot see them", n)
	}
	st := o.env.eng.store.Events()
	if err := checkKept(st, o.n); err != nil {
		return err
	}
	lo, hi, bounded := timeBounds(o.env.eng.opt.Earliest, o.env.eng.opt.Latest)
	preds := &rawPreds{bySchema: map[*arrow.Schema]*compiledPred{}, byNames: map[string]*compiledPred{}}
	var window []bool
	o.chunks = st.Chunks()
	for ci := range o.chunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		ch := &o.chunks[ci]
		b := ch.Batch
		if o.n.predBlocks {
			var err error
			if b, err = withVirtualFields(o.env, ch, b, o.n, nil); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		} else {
			b.Retain()
		}
		times := b.Column(0).(*array.Timestamp).TimestampValues()
		// care: the rows in the time window, the only ones whose test
		// matters (nil: every row).
		var care []bool
		if bounded {
			window = slices.Grow(window[:0], len(times))[:len(times)]
			for r, t := range times {
				window[r] = int64(t) >= lo && int64(t) < hi
			}
			care = window
		}
		var mask []bool
		if care != nil && !slices.Contains(care, true) {
			mask = make([]bool, len(times))
		} else {
			var err error
			if mask, err = o.filterChunk(ch, b, preds, care); err != nil {
				b.Release()
				return fmt.Errorf("search: %w", err)
			}
		}
		for r, ok := range mask {
			if !ok || (bounded && (int64(times[r]) < lo || int64(times[r]) >= hi)) {
				mask[r] = false
				continue
			}
			o.sel = append(o.sel, rawSel{chunk: ci, row: r, pos: ch.Pos[r]})
		}
		if !o.n.predBlocks {
			// Only the selected events' blocks are ever read.
			vb, err := withVirtualFields(o.env, ch, b, o.n, mask)
			b.Release()
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			b = vb
		}
		o.src = append(o.src, b)
	}
	sort.Slice(o.sel, func(i, j int) bool { return o.sel[i].pos < o.sel[j].pos })
	return nil
}

// checkKept returns an error when the event store did not keep a field
// the scan reads (datamodel.Store.SetEventFields): such a field is not
// null in the events, it is unknown.
func checkKept(st *datamodel.EventStore, n *rawScanNode) error {
	if n.all && !st.KeepsAll() {
		return errors.New("search: the results are events with every field, but the event store was built with only the fields the searches planned before loading read")
	}
	for _, f := range n.out {
		if !st.Keeps(f) && !datamodel.IsXMLBlockField(f) {
			return fmt.Errorf("search: the event store was built without the field %s (only the fields the searches planned before loading read)", f)
		}
	}
	return nil
}

// filterChunk returns which rows of ch (whose columns, with the XML block
// fields the search names, are b) the scan's search expression keeps,
// among the rows care marks (nil: every row; at the others the mask may
// hold anything).
//
// _raw: the expression is compiled with its parts that read _raw after
// those that do not (expr.OrderRawLast), and its bare terms read the
// rows' texts through view (expr.PredState.SetRaw), which decompresses
// a block the first time a row of it is tested, into one buffer, with no
// copy. A raw term is tested only at the rows whose result depends on
// it: in `EventCode=1 CommandLine=*x* "whoami"` (a conjunction), where
// both field terms hold; in `source=a OR "x"`, where source=a does not;
// never at a row outside care. So a chunk whose field terms reject every
// row decompresses no block (TestRawScanDecodesOnlyKept counts them).
// That gives the same mask as testing every row: see OrderRawLast for
// why reordering AND and OR changes no row's value, and care's rule (a
// part is skipped only where its value cannot change the result). A
// comparison of the field _raw (_raw=*x*, rare) gets the chunk's whole
// _raw as a column instead (datamodel.RawView.Column: the decoded bytes
// under an Arrow array, offsets computed, no copy), which the bare terms
// then read too.
//
// Chunks of one kind of event share their fields: the terms are compiled
// once per list of field names (preds; each raw term holds a compiled
// matcher).
func (o *rawScanOp) filterChunk(ch *datamodel.EventChunk, b arrow.RecordBatch, preds *rawPreds, care []bool) ([]bool, error) {
	n, view := o.n, &o.view
	column := n.comparesRaw || o.eager && n.readsRaw
	if o.eager {
		care = nil
	}
	if n.readsRaw {
		if err := view.Reset(ch); err != nil {
			return nil, err
		}
	}
	schema := b.Schema()
	if column {
		raw, err := view.Column()
		if err != nil {
			return nil, err
		}
		fields := append(slices.Clone(b.Schema().Fields()), arrow.Field{Name: datamodel.FieldRaw, Type: raw.DataType()})
		cols := append(slices.Clone(b.Columns()), raw)
		b = array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, b.NumRows())
		raw.Release()
		defer b.Release()
		schema = nil // a new schema per chunk: found by its names
	}
	w := preds.bySchema[schema]
	if w == nil {
		names := value.SchemaFields(b.Schema())
		key := strings.Join(names, "\x00")
		if w = preds.byNames[key]; w == nil {
			pc := &expr.SearchCompiler{Mode: expr.ModeRaw, Resolve: func(f string) int { return slices.Index(names, f) }, Raw: slices.Index(names, datamodel.FieldRaw)}
			p, err := pc.Compile(n.expr)
			if err != nil {
				return nil, err
			}
			if !o.eager {
				p = expr.OrderRawLast(p)
			}
			w = &compiledPred{pred: p, st: expr.NewPredState(pc.NLeaves)}
			preds.byNames[key] = w
		}
		if schema != nil {
			preds.bySchema[schema] = w
		}
	}
	if n.readsRaw && !column {
		w.st.SetRaw(view)
	} else {
		w.st.SetRaw(nil)
	}
	w.st.SetCare(care)
	mask := make([]bool, int(b.NumRows()))
	err := w.pred.Eval(w.st, b, mask)
	w.st.SetCare(nil)
	if err != nil {
		return nil, err
	}
	return mask, nil
}

// timeBounds returns the search window [earliest, latest) in Unix
// milliseconds; a zero time is unbounded.
func timeBounds(earliest, latest time.Time) (lo, hi int64, bounded bool) {
	lo, hi = -1<<63, 1<<63-1
	if !earliest.IsZero() {
		lo, bounded = earliest.UnixMilli(), true
	}
	if !latest.IsZero() {
		hi, bounded = latest.UnixMilli(), true
	}
	return lo, hi, bounded
}

// withVirtualFields returns b (the chunk's batch) with the XML block
// fields the search names (System_Props_Xml, EventData_Xml, ...)
// computed from _raw as extra columns, at the rows keep holds (every row
// when keep is nil; null at the others); the caller releases the result.
// The texts are decompressed block by block, only where a row is kept.
func withVirtualFields(env *execEnv, ch *datamodel.EventChunk, b arrow.RecordBatch, n *rawScanNode, keep []bool) (arrow.RecordBatch, error) {
	var extra []string
	for _, f := range n.out {
		if datamodel.IsXMLBlockField(f) {
			extra = append(extra, f)
		}
	}
	if len(extra) == 0 {
		b.Retain()
		return b, nil
	}
	rows := int(b.NumRows())
	builders := make([]*array.StringBuilder, len(extra))
	for j := range extra {
		builders[j] = array.NewStringBuilder(env.mem)
		defer builders[j].Release()
	}
	var rd datamodel.RawReader
	for i := range rows {
		if keep != nil && !keep[i] {
			for _, sb := range builders {
				sb.AppendNull()
			}
			continue
		}
		raw, err := ch.Raw(i, &rd)
		if err != nil {
			return nil, err
		}
		for j, f := range extra {
			if v := datamodel.XMLBlock(f, raw); v != nil {
				builders[j].BinaryBuilder.Append(v)
			} else {
				builders[j].AppendNull()
			}
		}
	}
	fields := slices.Clone(b.Schema().Fields())
	cols := slices.Clone(b.Columns())
	var made []arrow.Array
	for j, f := range extra {
		a := builders[j].NewArray()
		made = append(made, a)
		fields = append(fields, arrow.Field{Name: f, Type: arrow.BinaryTypes.String, Nullable: true})
		cols = append(cols, a)
	}
	out := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(rows))
	for _, a := range made {
		a.Release()
	}
	return out, nil
}

func (o *rawScanOp) Close() {
	for _, b := range o.src {
		b.Release()
	}
	o.src = nil
}

// Next emits the next batchSize selected events with the projected
// columns: _time as a timestamp, every other field as utf8, or list<utf8>
// when a row has several values.
func (o *rawScanOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if o.at >= len(o.sel) {
		return nil, io.EOF
	}
	end := min(o.at+o.env.batchSize, len(o.sel))
	sel := o.sel[o.at:end]
	o.at = end
	out := o.n.out
	fields := make([]arrow.Field, len(out))
	cols := make([]arrow.Array, len(out))
	if o.idx == nil {
		// Column index of each output field in each chunk.
		o.idx = make([][]int, len(o.src))
		for ci, b := range o.src {
			names := value.SchemaFields(b.Schema())
			o.idx[ci] = make([]int, len(out))
			for j, f := range out {
				o.idx[ci][j] = slices.Index(names, f)
			}
		}
	}
	idx := o.idx
	for j, f := range out {
		if f == datamodel.FieldRaw {
			sb := array.NewStringBuilder(o.env.mem)
			for _, s := range sel {
				t, err := o.chunks[s.chunk].Raw(s.row, &o.rd)
				if err != nil {
					sb.Release()
					for _, c := range cols[:j] {
						c.Release()
					}
					return nil, fmt.Errorf("search: %w", err)
				}
				sb.BinaryBuilder.Append(t)
			}
			cols[j] = sb.NewArray()
			sb.Release()
			fields[j] = arrow.Field{Name: f, Type: cols[j].DataType(), Nullable: true}
			continue
		}
		if f == datamodel.FieldTime {
			tb := array.NewTimestampBuilder(o.env.mem, &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"})
			for _, s := range sel {
				tb.Append(o.src[s.chunk].Column(idx[s.chunk][j]).(*array.Timestamp).Value(s.row))
			}
			cols[j] = tb.NewArray()
			tb.Release()
			fields[j] = arrow.Field{Name: f, Type: cols[j].DataType()}
			continue
		}
		multi := false
		for _, s := range sel {
			if k := idx[s.chunk][j]; k >= 0 {
				if l, ok := o.src[s.chunk].Column(k).(*array.List); ok {
					if a, b := l.ValueOffsets(s.row); b-a > 1 {
						multi = true
						break
					}
				}
			}
		}
		cols[j] = gatherColumn(o.env, o.src, idx, j, sel, multi)
		fields[j] = arrow.Field{Name: f, Type: cols[j].DataType(), Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(len(sel)))
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}

// gatherColumn builds output column j from the selected rows, reading
// each chunk's column through one value.Column made the first time a row
// of that chunk is read.
func gatherColumn(env *execEnv, src []arrow.RecordBatch, idx [][]int, j int, sel []rawSel, multi bool) arrow.Array {
	var vals []string
	readers := make([]*value.Column, len(src))
	values := func(s rawSel) []string {
		vals = vals[:0]
		k := idx[s.chunk][j]
		if k < 0 {
			return vals
		}
		c := readers[s.chunk]
		if c == nil {
			var err error
			if c, err = value.NewColumn(src[s.chunk].Column(k)); err != nil {
				return vals // the event store has no other column types
			}
			readers[s.chunk] = c
		}
		return c.Values(s.row, vals)
	}
	if multi {
		lb := array.NewListBuilder(env.mem, arrow.BinaryTypes.String)
		vb := lb.ValueBuilder().(*array.StringBuilder)
		for _, s := range sel {
			vs := values(s)
			if len(vs) == 0 {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			for _, v := range vs {
				vb.Append(v)
			}
		}
		a := lb.NewArray()
		lb.Release()
		return a
	}
	sb := array.NewStringBuilder(env.mem)
	for _, s := range sel {
		vs := values(s)
		if len(vs) == 0 {
			sb.AppendNull()
			continue
		}
		sb.Append(vs[0])
	}
	a := sb.NewArray()
	sb.Release()
	return a
}
