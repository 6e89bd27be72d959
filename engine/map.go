package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/spl"
)

// mapNode is `map search="<search>" [maxsearches=N]`. The Search Reference
// (map, 10.0): "The map command is a looping operator that runs a search
// repeatedly for each input event or result"; search= is "An ad hoc search
// to run for each input result", written with $field$ tokens
// (`search="search index=_internal earliest=$myearliest$ latest=$mylatest$"`);
// maxsearches is "The maximum number of searches to run. A message is
// generated if there are more search results than the maximum number that
// you specify", default 10.
//
//   - For each of the first maxsearches input rows, in order, every
//     $name$ in the search text is replaced by the row's value of field
//     name (a multivalue by its values joined with a space [uncertain]),
//     and the search is parsed, planned and run as a search of its own
//     (same store, options and time window). The output is the rows of
//     those searches, one after another; the input rows themselves are not
//     output. Rows past maxsearches run no search (Splunk's message has no
//     place here).
//   - A row lacking a field a token names runs no search. [uncertain]
//   - The search text is planned once at plan time, each token replaced by
//     the placeholder 1, so that a search that cannot parse or plan is a
//     plan error positioned at search=; its output fields are the fields
//     of map, and each row's search is projected onto them.
//   - Macros inside the quoted search text are expanded by the front door
//     (query), which has the macro definitions; the engine sees the
//     expanded text.
//   - `map <saved search>` is a plan error: minispl has no saved searches.
type mapNode struct {
	text  string // the search, with its $tokens$
	opt   spl.Option
	max   int
	out   []string
	plan  node
	names []string // the fields the tokens name, in order of appearance
}

// mapTokenRE matches a $field$ token of map's search.
var mapTokenRE = regexp.MustCompile(`\$([^$\s]+)\$`)

// mapPlaceholder stands for each token when the search is planned: a
// number, which fits where a value, a count or a term may stand.
const mapPlaceholder = "1"

func (*mapNode) isNode()            {}
func (n *mapNode) fields() []string { return n.out }
func (n *mapNode) input() node      { return nil }
func (n *mapNode) subplans() []node { return []node{n.plan} }
func (n *mapNode) describe() string {
	return fmt.Sprintf("Map maxsearches=%d search=%s", n.max, spl.Quote(n.text))
}

func (e *Engine) planMap(c *spl.Map, in node, pl *Plan) (node, error) {
	if c.Saved != nil {
		return nil, &spl.Error{Pos: c.Saved.Pos, Msg: "map over a saved search is not supported (minispl has no saved searches); write map search=\"...\""}
	}
	n := &mapNode{max: 10}
	have := false
	for _, o := range c.Options {
		switch o.Key {
		case "search":
			n.text, n.opt, have = o.Value.Text, o, true
		case "maxsearches":
			k, err := strconv.Atoi(o.Value.Text)
			if err != nil || k <= 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("map maxsearches=%s: want a whole number, 1 or more", o.Value.Text)}
			}
			n.max = k
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown map option %q", o.Key)}
		}
	}
	if !have {
		return nil, &spl.Error{Pos: c.Pos, Msg: "map needs search=\"<search>\""}
	}
	for _, m := range mapTokenRE.FindAllStringSubmatch(n.text, -1) {
		n.names = append(n.names, m[1])
	}
	p, err := e.planMapSearch(mapTokenRE.ReplaceAllString(n.text, mapPlaceholder), pl)
	if err != nil {
		return nil, &spl.Error{Pos: n.opt.Value.Pos, Msg: "map search: " + err.Error()}
	}
	n.plan = p
	n.out = p.fields()
	return &mapInputNode{mapNode: n, in: in}, nil
}

// planMapSearch parses and plans one search of map.
func (e *Engine) planMapSearch(text string, pl *Plan) (node, error) {
	if e.opt.ParseSearch == nil {
		return nil, errors.New("map runs a search of its own, which needs engine.Options.ParseSearch (package query sets it)")
	}
	p, err := e.opt.ParseSearch(text)
	if err != nil {
		var se *spl.Error
		if errors.As(err, &se) {
			return nil, errors.New(se.Msg)
		}
		return nil, err
	}
	if err := spl.Unexpanded(p); err != nil {
		var se *spl.Error
		if errors.As(err, &se) {
			return nil, errors.New(se.Msg)
		}
		return nil, err
	}
	if pl == nil {
		pl = &Plan{}
	}
	r, err := e.planPipeline(p, pl)
	if err != nil {
		var se *spl.Error
		if errors.As(err, &se) {
			return nil, errors.New(se.Msg)
		}
		return nil, err
	}
	return r, nil
}

// mapInputNode is map with its input: the node of the plan tree.
type mapInputNode struct {
	*mapNode
	in node
}

func (n *mapInputNode) input() node { return n.in }

func (n *mapInputNode) newOperator(env *execEnv, in operator) operator {
	return &blockingOp{in: in, env: env, fields: n.in.fields(), run: func(ctx context.Context, s *rowStore) ([]arrow.RecordBatch, error) {
		return n.run(ctx, env, s)
	}}
}

// run runs the search once per input row, up to maxsearches.
func (n *mapInputNode) run(ctx context.Context, env *execEnv, s *rowStore) ([]arrow.RecordBatch, error) {
	cols := make([]int, len(n.names))
	for i, f := range n.names {
		cols[i] = -1
		for j, g := range s.fields {
			if g == f {
				cols[i] = j
			}
		}
	}
	var out []arrow.RecordBatch
	searches := 0
	var vals []string
	for bi, b := range s.batches {
		for r := 0; r < int(b.NumRows()) && searches < n.max; r++ {
			subst := make(map[string]string, len(n.names))
			ok := true
			for i, f := range n.names {
				if cols[i] < 0 {
					ok = false
					break
				}
				v, err := s.vec(bi, cols[i])
				if err != nil {
					return nil, err
				}
				vals = v.Values(r, vals[:0])
				if len(vals) == 0 {
					ok = false
					break
				}
				subst[f] = strings.Join(vals, " ")
			}
			searches++
			if !ok {
				continue
			}
			text := mapTokenRE.ReplaceAllStringFunc(n.text, func(tok string) string { return subst[tok[1:len(tok)-1]] })
			p, err := env.eng.planMapSearch(text, nil)
			if err != nil {
				releaseAll(out)
				return nil, fmt.Errorf("map: the search for row %d (%s): %w", searches, text, err)
			}
			got, err := runMapSearch(ctx, env, p, n.out)
			if err != nil {
				releaseAll(out)
				return nil, fmt.Errorf("map: the search for row %d: %w", searches, err)
			}
			out = append(out, got...)
		}
	}
	return out, nil
}

// runMapSearch runs the plan p and returns its batches projected on fields.
func runMapSearch(ctx context.Context, env *execEnv, p node, fields []string) ([]arrow.RecordBatch, error) {
	op := build(env, p)
	defer op.Close()
	if err := op.Open(ctx); err != nil {
		return nil, err
	}
	var out []arrow.RecordBatch
	for {
		if err := ctx.Err(); err != nil {
			releaseAll(out)
			return nil, err
		}
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, projectBatch(env.mem, b, fields))
		b.Release()
	}
}
