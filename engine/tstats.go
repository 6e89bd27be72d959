package engine

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/internal/agg"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// tstatsNode is `| tstats aggs FROM datamodel=M.D [WHERE expr] [BY keys]`:
// a scan of the dataset's batches, a columnar WHERE, and a hash
// aggregation.
type tstatsNode struct {
	ds    *datamodel.Dataset
	where expr.Pred // nil: every row
	// whereText is the WHERE the pre-filter reads (RawFilter): without
	// nodename and the time terms, subsearch terms as written.
	whereText spl.SearchExpr
	// whereExpr is WHERE as written, the time terms taken out, for
	// ExecuteProfile's per-predicate counts; nil with subsearch terms.
	whereExpr spl.SearchExpr
	// origin is the planned node a bound copy was made from (subsearch
	// terms), nil for the planned node itself.
	origin  *tstatsNode
	nleaves int
	keys    []fieldRef
	span    *value.Span // non-nil when BY has span=
	aggs    []aggSpec
	fill    *string // fillnull_value
	ignored []string
	timeCol int // column of _time in the dataset schema
	window  timeRange
	out     []string
	// keyFilter is the where after the tstats that its rows are
	// filtered with before the aggregation (keyfilter.go); nil for none.
	keyFilter *keyFilter
}

// fieldRef is a dataset field as written in a tstats clause.
type fieldRef struct {
	name   string // as written
	col    int    // column in the dataset schema; -1 when not a field
	isTime bool
}

// aggSpec is one aggregate of tstats.
type aggSpec struct {
	kind  agg.Func
	pct   float64 // percentile rank of perc functions
	arg   fieldRef
	bare  bool   // count without a field
	name  string // output column name
	shown string // display text
}

func (*tstatsNode) isNode()            {}
func (n *tstatsNode) fields() []string { return n.out }
func (n *tstatsNode) input() node      { return nil }

func (n *tstatsNode) describe() string {
	var b strings.Builder
	b.WriteString("Tstats datamodel=" + n.ds.FullName())
	var aggs []string
	for _, a := range n.aggs {
		aggs = append(aggs, a.shown)
	}
	b.WriteString(" aggs=[" + strings.Join(aggs, ", ") + "]")
	if n.where != nil {
		b.WriteString(" where=" + n.where.String())
	}
	if len(n.keys) > 0 {
		var ks []string
		for _, k := range n.keys {
			ks = append(ks, k.name)
		}
		b.WriteString(" by=[" + strings.Join(ks, " ") + "]")
	}
	if n.span != nil {
		b.WriteString(" span=" + n.span.Text)
	}
	if n.fill != nil {
		b.WriteString(" fillnull_value=" + spl.Word(*n.fill))
	} else {
		b.WriteString(" drop_null_keys")
	}
	if len(n.ignored) > 0 {
		b.WriteString(" ignored=[" + strings.Join(n.ignored, " ") + "]")
	}
	if n.window.bounded() {
		b.WriteString(" " + n.window.String())
	}
	return b.String()
}

// resolveField maps a field as written in tstats to a dataset column:
// "Registry.x" is column x of dataset Registry; _time, host, source and
// sourcetype are accepted bare or with the dataset prefix. Anything else is
// not a field (null), and is reported as a warning.
func resolveField(ds *datamodel.Dataset, schema *arrow.Schema, name string, pl *Plan) fieldRef {
	ref := fieldRef{name: name, col: -1}
	inherited := func(f string) bool {
		return f == datamodel.FieldTime || f == datamodel.FieldHost || f == datamodel.FieldSource || f == datamodel.FieldSourcetype
	}
	col := ""
	switch {
	case inherited(name):
		col = name
	case strings.HasPrefix(name, ds.Name+"."):
		col = strings.TrimPrefix(name, ds.Name+".")
	}
	if col != "" {
		if idx := schema.FieldIndices(col); len(idx) > 0 {
			ref.col = idx[0]
			ref.isTime = col == datamodel.FieldTime
			return ref
		}
	}
	pl.warn(fmt.Sprintf("%s is not a field of %s", name, ds.FullName()))
	return ref
}

func (e *Engine) planTstats(ts *spl.Tstats, pl *Plan) (node, error) {
	n := &tstatsNode{}
	for _, o := range ts.Options {
		switch o.Key {
		case "summariesonly", "allow_old_summaries", "include_reduced_buckets", "chunk_size", "local":
			n.ignored = append(n.ignored, o.Key+"="+o.Value.Text)
		case "fillnull_value":
			v := o.Value.Text
			n.fill = &v
		case "prestats", "append":
			if isTrue(o.Value.Text) {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unsupported tstats option %s=%s", o.Key, o.Value.Text)}
			}
			n.ignored = append(n.ignored, o.Key+"="+o.Value.Text)
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown tstats option %q", o.Key)}
		}
	}
	where, node, err := extractNodename(ts.Where)
	if err != nil {
		return nil, err
	}
	ds, err := e.tstatsDataset(ts, node)
	if err != nil {
		return nil, err
	}
	n.ds = ds
	schema := ds.Schema()
	n.timeCol = -1
	if idx := schema.FieldIndices(datamodel.FieldTime); len(idx) > 0 {
		n.timeCol = idx[0]
	}
	if len(ts.Aggs) == 0 {
		return nil, &spl.Error{Pos: ts.Pos, Msg: "tstats needs at least one aggregate function, e.g. count"}
	}
	for _, a := range ts.Aggs {
		kind, pct, err := agg.LookupTstats(a.Func)
		switch {
		case err != nil:
			return nil, &spl.Error{Pos: a.Pos, Msg: err.Error()}
		case a.Field == "" && kind != agg.Count:
			return nil, &spl.Error{Pos: a.Pos, Msg: fmt.Sprintf("tstats function %s() needs a field", a.Func)}
		case strings.Contains(a.Field, "*"):
			return nil, &spl.Error{Pos: a.Pos, Msg: "tstats does not support wildcards in aggregate fields"}
		}
		spec := aggSpec{kind: kind, pct: pct, bare: a.Field == ""}
		written := a.Func
		if !spec.bare {
			spec.arg = resolveField(ds, schema, a.Field, pl)
			written = a.Func + "(" + a.Field + ")"
		}
		spec.name, spec.shown = written, written
		if a.Alias != "" {
			spec.name = a.Alias
			spec.shown = written + " AS " + a.Alias
		}
		n.aggs = append(n.aggs, spec)
	}
	where, window, err := extractTimeRange(where, timeRange{e.opt.Earliest, e.opt.Latest}, e.now(), e.opt.Location)
	if err != nil {
		return nil, err
	}
	n.window = window
	n.whereText = where
	if where != nil {
		pc := &expr.SearchCompiler{Mode: expr.ModeTstats, Resolve: func(f string) int { return resolveField(ds, schema, f, pl).col }}
		w, err := pc.Compile(where)
		if err != nil {
			return nil, err
		}
		n.where, n.nleaves, n.whereExpr = w, pc.NLeaves, where
	}
	hasTime := false
	for _, k := range ts.By {
		if strings.Contains(k, "*") {
			return nil, &spl.Error{Pos: ts.Pos, Msg: fmt.Sprintf("tstats does not support wildcards in BY fields: %s", k)}
		}
		ref := resolveField(ds, schema, k, pl)
		hasTime = hasTime || ref.isTime
		n.keys = append(n.keys, ref)
		n.out = append(n.out, k)
	}
	if ts.BySpan != "" {
		sp, err := value.ParseSpan(ts.BySpan)
		if err != nil {
			return nil, &spl.Error{Pos: ts.Pos, Msg: err.Error()}
		}
		if !hasTime {
			return nil, &spl.Error{Pos: ts.Pos, Msg: "span= needs _time among the BY fields"}
		}
		sp.Loc = e.opt.Location
		n.span = sp
	}
	results := make([]agg.ResultName, len(n.aggs))
	for i, a := range n.aggs {
		n.out = append(n.out, a.name)
		results[i] = agg.ResultName{Name: a.name, Shown: a.shown, Pos: ts.Aggs[i].Pos}
	}
	if err := agg.CheckNames("tstats", ts.By, results, ts.Pos); err != nil {
		return nil, err
	}
	return n, nil
}

// nodename is a `nodename=<dataset path>` term of a tstats WHERE clause.
type nodename struct {
	path string
	pos  spl.Span
}

// extractNodename removes the nodename= term from a tstats WHERE
// expression (nil when there is none) and returns the rest (nil when
// nothing is left). nodename selects the dataset, so it must be a
// top-level conjunct compared with =: inside OR or NOT, given twice, or
// with another operator or IN it is a positioned error.
func extractNodename(e spl.SearchExpr) (spl.SearchExpr, *nodename, error) {
	terms, rest := takeFieldTerms(e, func(f string) bool { return f == "nodename" })
	var found *nodename
	for _, t := range terms {
		x, ok := t.x.(*spl.SearchCompare)
		switch {
		case !ok:
			return nil, nil, &spl.Error{Pos: t.x.Span(), Msg: "nodename selects one dataset: write nodename=<dataset>, not IN (...)"}
		case !t.top:
			return nil, nil, &spl.Error{Pos: x.Pos, Msg: "unsupported: nodename= inside OR or NOT; nodename selects the dataset of the whole tstats"}
		case x.Op != spl.OpEq:
			return nil, nil, &spl.Error{Pos: x.Pos, Msg: fmt.Sprintf("nodename takes =, not %s", x.Op)}
		case found != nil:
			return nil, nil, &spl.Error{Pos: x.Pos, Msg: "nodename= is given twice; tstats reads one dataset"}
		}
		found = &nodename{path: x.Value.Text, pos: x.Pos}
	}
	return rest, found, nil
}

// whereTerm is a comparison (*spl.SearchCompare) or IN (*spl.SearchIn) on
// a field that a tstats WHERE clause takes out of its expression
// (nodename, earliest, latest). top is set when it was a top-level
// conjunct, taken out.
type whereTerm struct {
	x   spl.SearchExpr
	top bool
}

// takeFieldTerms is the one algorithm of nodename= and earliest=/latest=:
// it takes the top-level conjuncts of e that compare a field match accepts
// out of e, and returns every comparison and IN on such a field in reading
// order (those nested in OR or NOT too, not those of subsearches), with the
// rest of e (nil when nothing is left). The caller checks the terms in
// order, so its first error is the first one in the text.
func takeFieldTerms(e spl.SearchExpr, match func(field string) bool) ([]whereTerm, spl.SearchExpr) {
	taken, rest := spl.TakeConjuncts(e, func(x spl.SearchExpr) bool {
		c, ok := x.(*spl.SearchCompare)
		return ok && match(c.Field)
	})
	top := make(map[spl.SearchExpr]bool, len(taken))
	for _, x := range taken {
		top[x] = true
	}
	var terms []whereTerm
	spl.Inspect(e, func(n spl.Node) bool {
		switch x := n.(type) {
		case *spl.SearchCompare:
			if match(x.Field) {
				terms = append(terms, whereTerm{x: x, top: top[x]})
			}
		case *spl.SearchIn:
			if match(x.Field) {
				terms = append(terms, whereTerm{x: x})
			}
		}
		return isBoolNode(n)
	})
	return terms, rest
}

// tstatsDataset resolves `FROM datamodel=` and nodename= to a dataset
// (spl-semantics §1.3):
//   - datamodel=<model>.<dataset> names the dataset; a nodename must then
//     name the same dataset (<dataset> or <model>.<dataset>).
//   - datamodel=<model> with nodename=<model>.<dataset> or
//     nodename=<dataset> selects that root dataset of the model, whose
//     fields are then written <dataset>.x.
//   - datamodel=<model> alone names the model's only root dataset
//     (Network_Traffic: All_Traffic); for a model with several
//     (Endpoint) it is a positioned error asking for nodename.
//
// A nodename path naming a child dataset (<root>.<child>...) is
// "unsupported": the catalog holds root datasets only.
func (e *Engine) tstatsDataset(ts *spl.Tstats, node *nodename) (*datamodel.Dataset, error) {
	pos := ts.DatamodelPos
	if pos == (spl.Span{}) {
		pos = ts.Pos
	}
	if ts.Datamodel == "" {
		return nil, &spl.Error{Pos: ts.Pos, Msg: "unsupported: tstats without FROM datamodel=<model>.<dataset>"}
	}
	known := func() string {
		var names []string
		for _, d := range e.cat.Datasets() {
			names = append(names, d.FullName())
		}
		return strings.Join(names, ", ")
	}
	if ds, ok := e.cat.Lookup(ts.Datamodel); ok {
		if node != nil && node.path != ds.Name && node.path != ds.FullName() {
			return nil, &spl.Error{Pos: node.pos, Msg: fmt.Sprintf("unsupported: nodename=%s within datamodel=%s (only the dataset itself, %s, is known)", node.path, ts.Datamodel, ds.Name)}
		}
		return ds, nil
	}
	model := ts.Datamodel
	var roots []string
	for _, d := range e.cat.Datasets() {
		if d.Model == model {
			roots = append(roots, d.FullName())
		}
	}
	if len(roots) == 0 {
		return nil, &spl.Error{Pos: ts.Pos, Msg: fmt.Sprintf("unknown datamodel dataset %q; known datasets: %s", ts.Datamodel, known())}
	}
	if node != nil {
		path := strings.TrimPrefix(node.path, model+".")
		if ds, ok := e.cat.Lookup(model + "." + path); ok {
			return ds, nil
		}
		root, _, child := strings.Cut(path, ".")
		if _, ok := e.cat.Lookup(model + "." + root); ok && child {
			return nil, &spl.Error{Pos: node.pos, Msg: fmt.Sprintf("unsupported: nodename=%s names a child dataset; only root datasets are known: %s", node.path, known())}
		}
		return nil, &spl.Error{Pos: node.pos, Msg: fmt.Sprintf("nodename=%s is not a dataset of %s; known datasets: %s", node.path, model, known())}
	}
	if ds, ok := e.cat.ModelRoot(model); ok {
		return ds, nil
	}
	return nil, &spl.Error{Pos: pos, Msg: fmt.Sprintf("datamodel=%s has several root datasets (%s): write datamodel=%s.<dataset> or add where nodename=%s.<dataset>", model, strings.Join(roots, ", "), model, model)}
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "t", "true", "1", "yes", "y":
		return true
	}
	return false
}

// tstatsOp executes a tstatsNode: it consumes every input batch on the
// first Next, then hands out the aggregated batches.
type tstatsOp struct {
	n    *tstatsNode
	env  *execEnv
	out  []arrow.RecordBatch
	pos  int
	done bool
}

func (n *tstatsNode) newOperator(env *execEnv, _ operator) operator {
	return &tstatsOp{n: n, env: env}
}

func (o *tstatsOp) Open(context.Context) error { return nil }

func (o *tstatsOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.done {
		o.done = true
		out, err := o.run(ctx)
		if err != nil {
			return nil, err
		}
		o.out = out
	}
	if o.pos >= len(o.out) {
		return nil, io.EOF
	}
	b := o.out[o.pos]
	o.out[o.pos] = nil
	o.pos++
	return b, nil
}

func (o *tstatsOp) Close() {
	for _, b := range o.out[o.pos:] {
		b.Release()
	}
	o.out = nil
}

func (o *tstatsOp) run(ctx context.Context) ([]arrow.RecordBatch, error) {
	n := o.n
	if err := checkRowsKept(o.env.eng.store, n.ds); err != nil {
		return nil, err
	}
	if o.env.prof != nil {
		if err := o.env.prof.scan(ctx, o.env, n); err != nil {
			return nil, err
		}
	}
	agg := newAggregator(n)
	err := n.scan(ctx, o.env.eng.opt.ScanWorkers, o.env.eng.opt.Index, o.env.eng.store.Batches(n.ds), agg.gatherSpec(), func(b arrow.RecordBatch, p *picked) error {
		if err := agg.consume(b, p); err != nil {
			return fmt.Errorf("tstats: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return agg.finish(o.env)
}
