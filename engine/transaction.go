package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/engine/internal/value"
	"github.com/minispl/minispl/spl"
)

// transactionNode is `transaction [<field>...] [startswith=<filter>]
// [endswith=<filter>] [maxspan=] [maxpause=] [maxevents=] [connected=]
// [keepevicted=]`. The Search Reference (transaction, 10.0): "Transactions
// are made up of the raw text (the _raw field) of each member, the time and
// date fields of the earliest member, as well as the union of all other
// fields of each member. Additionally, the transaction command adds two
// fields to the raw events, duration and eventcount. The values in the
// duration field show the difference between the timestamps for the first
// and last events in the transaction. The values in the eventcount field
// show the number of events in the transaction." With a field list "The
// events are grouped into transactions, based on the unique values in the
// fields."
//
// How minispl groups, following the option descriptions of that page:
//
//   - The rows are read newest first (descending _time, ties in input
//     order), the order in which Splunk's transaction reads events, whatever
//     order they arrive in. _time must be a field of the input.
//   - A row joins an open transaction whose listed fields agree with its
//     own: every listed field both have holds the same value (the first
//     value of a multivalue). With connected=true (the default) they must
//     share at least one such field; with connected=false a row sharing
//     none may join too ("If an event contains fields required by the
//     transaction, but none of these fields have been instantiated in the
//     transaction ... this opens a new transaction (connected=true) or adds
//     the event to the transaction (connected=false)"). Of several such
//     transactions the one a row joined last is taken. A row with none of
//     the listed fields joins no transaction. Without a field list every
//     row is a candidate for the one open transaction.
//   - endswith: read newest first, a row matching endswith opens a new
//     transaction (an open one for its fields is then complete when there is
//     no startswith, else left unclosed); a row that finds no open
//     transaction opens none.
//   - startswith: a row matching it joins and closes its transaction ("it
//     closes a transaction when it satisfies the start condition"). With
//     startswith, transactions that never reach a start row are evicted and
//     not output; keepevicted=true outputs them with closed_txn=0 (closed
//     ones get closed_txn=1). Without startswith every transaction is
//     output.
//   - maxspan (the members "must span less than" it), maxpause (the gap
//     between a transaction's earliest member and a new, older row) and
//     maxevents (default 1000) close a transaction before a row that would
//     break them; that row then starts afresh. maxspan and maxpause take
//     s, m, h, d spans or seconds; -1 (the default) is no limit.
//     maxopentxn and maxopenevents bound Splunk's memory and are accepted
//     and ignored: no transaction is evicted for memory.
//   - Output, one row per transaction, ordered by _time newest first (then
//     by the newest member): _time is the earliest member's, duration the
//     latest minus the earliest _time in seconds, eventcount the number of
//     members; _raw is the members' _raw, oldest first, joined by a newline
//     [uncertain: the reference does not show the separator]; every other
//     field holds the union of the members' values, distinct and sorted
//     byte-wise (mvlist=false: "a set of unique field values ordered
//     alphabetically"), a single value when there is one, null when none.
//   - startswith/endswith take a search expression in parentheses, matched
//     as the search command matches (startswith=(EventCode=4698)), or
//     eval(<boolean expression>). A quoted filter string, name= (a
//     transactiontypes.conf stanza), mvlist=true, mvraw, delim, nullstr,
//     unifyends=true and keeporphans=true are plan errors.
type transactionNode struct {
	in       node
	keys     []int // input columns of the listed fields
	time     int
	raw      int // -1 without _raw
	start    *txnCond
	end      *txnCond
	maxspan  float64 // seconds, < 0 unlimited
	maxpause float64
	maxev    int
	connect  bool
	evicted  bool // keepevicted
	out      []string
	text     string
}

// txnCond is a compiled startswith or endswith filter.
type txnCond struct {
	search  expr.Pred
	nleaves int
	eval    expr.Evaluator
	nodes   int
}

func (*transactionNode) isNode()            {}
func (n *transactionNode) fields() []string { return n.out }
func (n *transactionNode) input() node      { return n.in }
func (n *transactionNode) describe() string { return n.text }

func (e *Engine) planTransaction(c *spl.Transaction, in node) (node, error) {
	inf := in.fields()
	n := &transactionNode{in: in, maxspan: -1, maxpause: -1, maxev: 1000, connect: true,
		time: slices.Index(inf, "_time"), raw: slices.Index(inf, "_raw"), text: "Transaction" + strings.TrimPrefix(c.String(), "transaction")}
	if n.time < 0 {
		return nil, &spl.Error{Pos: c.Pos, Msg: "transaction needs _time, which the rows here do not have"}
	}
	for _, f := range c.Fields {
		if strings.Contains(f, "*") {
			return nil, &spl.Error{Pos: c.Pos, Msg: fmt.Sprintf("transaction: wildcards are not allowed in the field list: %s", f)}
		}
		i := slices.Index(inf, f)
		if i < 0 {
			// An absent field groups nothing: every row lacks it.
			i = -1
		}
		n.keys = append(n.keys, i)
	}
	for _, o := range c.Options {
		switch o.Key {
		case "maxspan", "maxpause":
			s, err := txnSpan(o)
			if err != nil {
				return nil, err
			}
			if o.Key == "maxspan" {
				n.maxspan = s
			} else {
				n.maxpause = s
			}
		case "maxevents":
			k, err := strconv.Atoi(o.Value.Text)
			if err != nil || k == 0 {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("transaction maxevents=%s: want a whole number (negative: no limit)", o.Value.Text)}
			}
			n.maxev = k
		case "connected", "keepevicted":
			b, err := boolOption("transaction", o)
			if err != nil {
				return nil, err
			}
			if o.Key == "connected" {
				n.connect = b
			} else {
				n.evicted = b
			}
		case "mvlist", "unifyends", "keeporphans", "mvraw":
			b, err := boolOption("transaction", o)
			if err != nil {
				return nil, err
			}
			if b {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("transaction %s=true is not supported", o.Key)}
			}
		case "maxopentxn", "maxopenevents":
			if _, err := strconv.Atoi(o.Value.Text); err != nil {
				return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("transaction %s=%s: want a whole number", o.Key, o.Value.Text)}
			}
		case "name", "delim", "nullstr":
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("transaction %s= is not supported", o.Key)}
		default:
			return nil, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("unknown transaction option %q", o.Key)}
		}
	}
	var err error
	if n.start, err = compileTxnCond(c.StartsWith, inf); err != nil {
		return nil, err
	}
	if n.end, err = compileTxnCond(c.EndsWith, inf); err != nil {
		return nil, err
	}
	n.out = append([]string(nil), inf...)
	extra := []string{"duration", "eventcount"}
	if n.evicted && n.start != nil {
		extra = append(extra, "closed_txn")
	}
	for _, f := range extra {
		if !slices.Contains(n.out, f) {
			n.out = append(n.out, f)
		}
	}
	return n, nil
}

// txnSpan reads maxspan= or maxpause=: an s, m, h or d span, or seconds;
// negative is no limit.
func txnSpan(o spl.Option) (float64, error) {
	t := o.Value.Text
	if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		if f < 0 {
			return -1, nil
		}
		return f, nil
	}
	sp, err := value.ParseSpan(t)
	if err != nil || sp.Months != 0 {
		return 0, &spl.Error{Pos: o.Pos, Msg: fmt.Sprintf("transaction %s=%s: want a span such as 30s, 5m, 3h or 1d, or -1 for no limit", o.Key, t)}
	}
	return float64(sp.MS)/1000 + float64(sp.Days)*86400, nil
}

// compileTxnCond compiles a startswith/endswith filter over fields.
func compileTxnCond(f *spl.TxnFilter, fields []string) (*txnCond, error) {
	if f == nil {
		return nil, nil
	}
	if f.Eval != nil {
		c := &expr.EvalCompiler{Resolve: func(x string) int { return slices.Index(fields, x) }}
		p, err := c.CompileBool(f.Eval, "the transaction filter")
		if err != nil {
			return nil, err
		}
		return &txnCond{eval: p, nodes: c.Nodes}, nil
	}
	pc := searchCompiler(fields)
	w, err := pc.Compile(f.Search)
	if err != nil {
		return nil, err
	}
	return &txnCond{search: w, nleaves: pc.NLeaves}, nil
}

// match evaluates the filter over every batch of s.
func (c *txnCond) match(s *rowStore, now time.Time, loc *time.Location) ([][]bool, error) {
	if c == nil {
		return nil, nil
	}
	out := make([][]bool, len(s.batches))
	var st *expr.PredState
	var ec *expr.Ctx
	if c.search != nil {
		st = expr.NewPredState(c.nleaves)
	} else {
		ec = expr.NewCtx(c.nodes, now, loc)
	}
	for bi, b := range s.batches {
		mask := make([]bool, b.NumRows())
		if c.search != nil {
			if err := c.search.Eval(st, b, mask); err != nil {
				return nil, err
			}
		} else {
			ec.SetBatch(b)
			v, err := c.eval.Eval(ec)
			if err != nil {
				return nil, err
			}
			for i := range mask {
				t, ok := v.Bool(i)
				mask[i] = ok && t && v.Kinds[i] == value.KindBool
			}
		}
		out[bi] = mask
	}
	return out, nil
}

// txn is one transaction being built.
type txn struct {
	members  []rowRef // newest first
	vals     []string // per listed field; "" not instantiated
	has      []bool
	newest   float64
	oldest   float64
	seq      int // order of creation
	touched  int
	done     bool // closed or evicted
	complete bool // output (closed, or no startswith)
}

func (n *transactionNode) newOperator(env *execEnv, in operator) operator {
	return &blockingOp{in: in, env: env, fields: n.in.fields(), run: func(_ context.Context, s *rowStore) ([]arrow.RecordBatch, error) {
		return n.run(env, s)
	}}
}

func (n *transactionNode) run(env *execEnv, s *rowStore) ([]arrow.RecordBatch, error) {
	now, loc := env.eng.now(), env.eng.opt.Location
	startM, err := n.start.match(s, now, loc)
	if err != nil {
		return nil, fmt.Errorf("transaction startswith: %w", err)
	}
	endM, err := n.end.match(s, now, loc)
	if err != nil {
		return nil, fmt.Errorf("transaction endswith: %w", err)
	}
	type row struct {
		ref rowRef
		t   float64
	}
	var rows []row
	for bi, b := range s.batches {
		tv, err := s.vec(bi, n.time)
		if err != nil {
			return nil, fmt.Errorf("transaction: %w", err)
		}
		for r := 0; r < int(b.NumRows()); r++ {
			if t, ok := tv.Num(r); ok {
				rows = append(rows, row{rowRef{int32(bi), int32(r)}, t})
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(b.t, a.t) })

	nk := len(n.keys)
	var all []*txn
	full := map[string]*txn{} // open transactions with every listed field, by their values
	var partial []*txn        // open transactions missing some listed field
	var single *txn           // the open transaction without a field list
	vals := make([]string, nk)
	has := make([]bool, nk)
	keyOf := func(vs []string) string {
		var k []byte
		for _, v := range vs {
			k = value.AppendKeyPart(k, v)
		}
		return string(k)
	}
	closeTxn := func(t *txn, complete bool) {
		t.done, t.complete = true, complete
		if nk == 0 {
			single = nil
		}
	}
	isFull := func(t *txn) bool {
		for _, h := range t.has {
			if !h {
				return false
			}
		}
		return true
	}
	index := func(t *txn) {
		if nk == 0 {
			single = t
		} else if isFull(t) {
			full[keyOf(t.vals)] = t
		} else {
			partial = append(partial, t)
		}
	}
	step := 0
	for _, rw := range rows {
		step++
		nhas := 0
		for k, ci := range n.keys {
			has[k], vals[k] = false, ""
			if ci < 0 {
				continue
			}
			v, err := s.vec(int(rw.ref.b), ci)
			if err != nil {
				return nil, fmt.Errorf("transaction: %w", err)
			}
			if str, ok := v.Str(int(rw.ref.r)); ok {
				has[k], vals[k] = true, str
				nhas++
			}
		}
		if nk > 0 && nhas == 0 {
			continue
		}
		// Find the open transaction the row may join.
		var t *txn
		if nk == 0 {
			t = single
		} else {
			consider := func(c *txn) {
				if c == nil || c.done {
					return
				}
				shared := 0
				for k := range has {
					if has[k] && c.has[k] {
						if c.vals[k] != vals[k] {
							return
						}
						shared++
					}
				}
				if shared == 0 && n.connect {
					return
				}
				if t == nil || c.touched > t.touched {
					t = c
				}
			}
			if nhas == nk {
				consider(full[keyOf(vals)])
			} else {
				for _, c := range full {
					consider(c)
				}
			}
			live := partial[:0]
			for _, c := range partial {
				if c.done || isFull(c) {
					continue
				}
				live = append(live, c)
				consider(c)
			}
			partial = live
		}
		if t != nil {
			over := (n.maxspan >= 0 && t.newest-rw.t >= n.maxspan) ||
				(n.maxpause >= 0 && t.oldest-rw.t > n.maxpause) ||
				(n.maxev > 0 && len(t.members) >= n.maxev)
			if over {
				closeTxn(t, n.start == nil)
				t = nil
			}
		}
		isEnd := endM != nil && endM[rw.ref.b][rw.ref.r]
		if isEnd && t != nil {
			// A newer end row's transaction never reached its start.
			closeTxn(t, n.start == nil)
			t = nil
		}
		if t == nil {
			if endM != nil && !isEnd {
				continue
			}
			t = &txn{vals: make([]string, nk), has: make([]bool, nk), newest: rw.t, seq: len(all)}
			all = append(all, t)
		}
		isNew, wasFull := len(t.members) == 0, nk > 0 && isFull(t)
		t.members = append(t.members, rw.ref)
		t.oldest = rw.t
		t.touched = step
		for k := range has {
			if has[k] && !t.has[k] {
				t.has[k], t.vals[k] = true, vals[k]
			}
		}
		if isNew || (!wasFull && isFull(t)) {
			index(t)
		}
		if startM != nil && startM[rw.ref.b][rw.ref.r] {
			closeTxn(t, true)
		}
	}
	var out []*txn
	for _, t := range all {
		if !t.done {
			t.complete = n.start == nil
		}
		if t.complete || n.evicted {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b *txn) int {
		if c := cmp.Compare(b.oldest, a.oldest); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	return n.emit(env, s, out)
}

// emit builds the output rows of the transactions ts.
func (n *transactionNode) emit(env *execEnv, s *rowStore, ts []*txn) ([]arrow.RecordBatch, error) {
	var batches []arrow.RecordBatch
	inf := n.in.fields()
	var vals []string
	for start := 0; start < len(ts); start += env.batchSize {
		part := ts[start:min(start+env.batchSize, len(ts))]
		cols := make([]arrow.Array, len(n.out))
		var v value.Vector
		for c, name := range n.out {
			v.Reset(len(part))
			src := slices.Index(inf, name)
			for i, t := range part {
				switch {
				case name == "_time":
					v.SetNum(i, t.oldest)
				case name == "duration":
					v.SetNum(i, math.Round((t.newest-t.oldest)*1000)/1000)
				case name == "eventcount":
					v.SetNum(i, float64(len(t.members)))
				case name == "closed_txn" && src < 0:
					if t.complete {
						v.SetNum(i, 1)
					} else {
						v.SetNum(i, 0)
					}
				case src < 0:
				case name == "_raw":
					var raws []string
					for m := len(t.members) - 1; m >= 0; m-- {
						ref := t.members[m]
						col, err := s.vec(int(ref.b), src)
						if err != nil {
							releaseAll(cols)
							releaseAll(batches)
							return nil, err
						}
						raws = col.Values(int(ref.r), raws)
					}
					if len(raws) > 0 {
						v.SetText(i, strings.Join(raws, "\n"))
					}
				default:
					vals = vals[:0]
					for _, ref := range t.members {
						col, err := s.vec(int(ref.b), src)
						if err != nil {
							releaseAll(cols)
							releaseAll(batches)
							return nil, err
						}
						vals = col.Values(int(ref.r), vals)
					}
					slices.Sort(vals)
					v.SetValues(i, slices.Clone(slices.Compact(vals)))
				}
			}
			cols[c] = v.Build(env.mem)
		}
		batches = append(batches, newBatch(n.out, cols, len(part)))
	}
	return batches, nil
}
