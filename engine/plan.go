package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minispl/minispl/spl"
)

// node is a plan node. The set is sealed (isNode): one xxxNode type per
// command, declared in the command's file beside its planXxx function and
// its operator (tstatsNode in tstats.go, whereNode and evalNode in
// where.go, joinNode in join.go, ...), and planPipeline below is the one
// place that lists them. A node is immutable once planned, so a Plan may
// be executed any number of times, concurrently.
type node interface {
	// fields returns the output column names in order, known at plan time.
	fields() []string
	// describe returns the node's one-line text for Plan.String.
	describe() string
	// input returns the child node, nil for a generating node.
	input() node
	// newOperator instantiates the node for one execution.
	newOperator(env *execEnv, in operator) operator
	isNode()
}

// Plan is a checked, executable form of a search: a chain of plan nodes
// from a generating tstats to the last command.
type Plan struct {
	root     node
	warnings []string
	// events is set when the search returns raw events with every field
	// (a raw search followed by no command that names its output, see
	// rawsearch.go): planned without a store, it is planned again at
	// execution against the store's fields.
	events *spl.Pipeline
	// top is the pipeline being planned (not a subsearch).
	top *spl.Pipeline
}

// Warnings returns problems that do not stop the search but that a user
// should see, e.g. "Registry.foo is not a field of Endpoint.Registry" (such
// a field is simply null, as in Splunk).
func (p *Plan) Warnings() []string { return p.warnings }

// warn adds w to the plan's warnings once.
func (p *Plan) warn(w string) {
	if !slices.Contains(p.warnings, w) {
		p.warnings = append(p.warnings, w)
	}
}

// Fields returns the output column names the plan will produce, in order.
func (p *Plan) Fields() []string { return p.root.fields() }

// String returns a stable multi-line text form of the operator tree, the
// root (last command) first and each input indented under its consumer.
func (p *Plan) String() string {
	var b strings.Builder
	writePlan(&b, p.root, 0)
	return b.String()
}

// subplanner is a node with subsearch children besides its input.
type subplanner interface {
	subplans() []node
}

// writePlan writes n and its inputs, subsearches indented under it.
func writePlan(b *strings.Builder, n node, depth int) {
	for ; n != nil; n = n.input() {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.describe())
		b.WriteByte('\n')
		if sp, ok := n.(subplanner); ok {
			for _, s := range sp.subplans() {
				b.WriteString(strings.Repeat("  ", depth+1))
				b.WriteString("subsearch:\n")
				writePlan(b, s, depth+2)
			}
		}
		depth++
	}
}

// Plan checks a parsed, macro-expanded search and turns it into a Plan.
// Semantic errors are *spl.Error positioned on the offending node, with
// Text left empty for the caller to fill in. A macro call left unexpanded
// in any command or subsearch is such an error (spl.Unexpanded), reported
// before any other.
func (e *Engine) Plan(p *spl.Pipeline) (*Plan, error) {
	if p == nil || len(p.Commands) == 0 {
		return nil, &spl.Error{Msg: "empty search"}
	}
	// Unexpanded macros are reported first, wherever they are (any command,
	// option, value, term or subsearch), since they make the rest of the
	// search meaningless.
	if err := spl.Unexpanded(p); err != nil {
		return nil, err
	}
	pl := &Plan{top: p}
	root, err := e.planPipeline(p, pl)
	if err != nil {
		return nil, err
	}
	pl.root = root
	return pl, nil
}

// planPipeline plans one pipeline, the search or a subsearch (subsearch.go).
func (e *Engine) planPipeline(p *spl.Pipeline, pl *Plan) (node, error) {
	var cur node
	for i, c := range p.Commands {
		var err error
		if i == 0 {
			if cur, err = e.planFirst(c, p, pl); err != nil {
				return nil, err
			}
			continue
		}
		if cur, err = e.planCommand(c, cur, pl, p.Commands[i+1:]); err != nil {
			return nil, err
		}
	}
	if !e.opt.NoKeyFilter {
		pushKeyFilter(cur)
	}
	return cur, nil
}

// planCommand plans c, a command after the first, over the rows of cur;
// rest are the commands after c, whose field names xmlkv and spath keep.
func (e *Engine) planCommand(c spl.Command, cur node, pl *Plan, rest []spl.Command) (node, error) {
	var err error
	switch c := c.(type) {
	case *spl.Tstats:
		return nil, &spl.Error{Pos: c.Pos, Msg: "tstats must be the first command of a search (prestats=t append=t is not supported)"}
	case *spl.Rename:
		cur, err = planRename(c, cur)
	case *spl.Convert:
		cur, err = e.planConvert(c, cur)
	case *spl.Search:
		cur, err = e.planSearch(c, cur, pl)
	case *spl.Where:
		cur, err = e.planWhere(c, cur)
	case *spl.Eval:
		cur, err = e.planEval(c, cur)
	case *spl.Lookup:
		cur, err = e.planLookup(c, cur)
	case *spl.Join:
		cur, err = e.planJoin(c, cur, pl)
	case *spl.Append:
		cur, err = e.planAppend(c, cur, pl)
	case *spl.Inputlookup:
		return nil, &spl.Error{Pos: c.Pos, Msg: "inputlookup must be the first command of a search or subsearch (append=t is not supported)"}
	case *spl.Stats:
		cur, err = planStats(c, cur)
	case *spl.Eventstats:
		cur, err = planEventstats(c, cur)
	case *spl.Table:
		cur, err = planTable(c, cur)
	case *spl.Fields:
		cur, err = planFields(c, cur)
	case *spl.Dedup:
		cur, err = planDedup(c, cur)
	case *spl.Sort:
		cur, err = planSort(c, cur)
	case *spl.Head:
		cur, err = planHead(c, cur)
	case *spl.Fillnull:
		cur, err = planFillnull(c, cur)
	case *spl.Rex:
		cur, err = planRex(c, cur)
	case *spl.Regex:
		cur, err = planRegex(c, cur)
	case *spl.Bin:
		cur, err = e.planBin(c, cur)
	case *spl.Mvexpand:
		cur, err = planMvexpand(c, cur)
	case *spl.Makemv:
		cur, err = planMakemv(c, cur)
	case *spl.Makeresults:
		return nil, &spl.Error{Pos: c.Pos, Msg: "makeresults must be the first command of a search or subsearch"}
	case *spl.Replace:
		cur, err = planReplace(c, cur)
	case *spl.Addtotals:
		cur, err = planAddtotals(c, cur)
	case *spl.Transaction:
		cur, err = e.planTransaction(c, cur)
	case *spl.Appendpipe:
		cur, err = e.planAppendpipe(c, cur, pl, rest)
	case *spl.Map:
		cur, err = e.planMap(c, cur, pl)
	case *spl.Xmlkv:
		cur, err = planXmlkv(c, cur, pl, rest)
	case *spl.Spath:
		cur, err = planSpath(c, cur, pl, rest)
	case *spl.Generic:
		return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("unsupported command %q", c.CommandName)}
	default:
		return nil, &spl.Error{Pos: c.Span(), Msg: fmt.Sprintf("unsupported command %q", c.Name())}
	}
	if err != nil {
		return nil, err
	}
	return cur, nil
}

// planFirst plans the generating first command of a pipeline.
func (e *Engine) planFirst(c spl.Command, p *spl.Pipeline, pl *Plan) (node, error) {
	switch c := c.(type) {
	case *spl.Tstats:
		if !p.LeadingPipe {
			return nil, leadingPipeError(c.Pos, "tstats")
		}
		if hasSubsearch(c.Where) {
			return e.planTstatsTerms(c, pl)
		}
		return e.planTstats(c, pl)
	case *spl.Inputlookup:
		if !p.LeadingPipe {
			return nil, leadingPipeError(c.Pos, "inputlookup")
		}
		return e.planInputlookup(c)
	case *spl.Makeresults:
		if !p.LeadingPipe {
			return nil, leadingPipeError(c.Pos, "makeresults")
		}
		return planMakeresults(c)
	case *spl.Search:
		if t := leftmostTerm(c.Expr); c.Implicit && t != nil && strings.EqualFold(t.Value.Text, "tstats") && !t.Value.Quoted {
			return nil, firstCommandError(c)
		}
		return e.planRawSearch(c, p, pl)
	}
	return nil, firstCommandError(c)
}

// leadingPipeError is the error for a generating command written without
// the leading pipe it needs.
func leadingPipeError(pos spl.Span, command string) error {
	return &spl.Error{Pos: pos, Msg: fmt.Sprintf(`%s is a generating command and must be invoked with a leading pipe: "| %s ..."`, command, command)}
}

// firstCommandError explains why c cannot start a search.
func firstCommandError(c spl.Command) error {
	switch c := c.(type) {
	case *spl.Search:
		if t := leftmostTerm(c.Expr); c.Implicit && t != nil && strings.EqualFold(t.Value.Text, "tstats") && !t.Value.Quoted {
			return leadingPipeError(t.Pos, "tstats")
		}
		return &spl.Error{Pos: c.Pos, Msg: "unsupported: searching raw events; minispl searches start with | tstats ... FROM datamodel=..."}
	case *spl.Generic:
		return &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("unsupported command %q", c.CommandName)}
	}
	return &spl.Error{Pos: c.Span(), Msg: fmt.Sprintf("%s cannot start a search: the first command must be a generating command such as | tstats", c.Name())}
}

// leftmostTerm returns the first bare term of e, if e starts with one (is
// one, or an AND or OR whose leftmost operand starts with one).
func leftmostTerm(e spl.SearchExpr) *spl.SearchTerm {
	var t *spl.SearchTerm
	done := false
	spl.Inspect(e, func(n spl.Node) bool {
		if done {
			return false
		}
		switch n := n.(type) {
		case *spl.SearchAnd, *spl.SearchOr:
			return true
		case *spl.SearchTerm:
			t = n
		}
		done = true
		return false
	})
	return t
}
