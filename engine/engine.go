package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine/internal/expr"
	"github.com/minispl/minispl/spl"
)

// Options tune an Engine.
type Options struct {
	// Now is the reference time of the search; zero means time.Now().
	Now time.Time
	// Location is the time zone for ctime/strftime and for day and month
	// span buckets; nil means UTC.
	Location *time.Location
	// BatchSize is the number of rows per output batch of operators; 0
	// means 4096.
	BatchSize int
	// Allocator allocates the Arrow buffers of results; nil means
	// memory.DefaultAllocator. Tests pass a checked allocator.
	Allocator memory.Allocator
	// Earliest and Latest bound the search's time window [Earliest,
	// Latest) on _time; a zero time is unbounded. earliest= and latest=
	// in a tstats WHERE clause override them for that tstats.
	Earliest, Latest time.Time
	// LookupDirs are the folders searched for lookup tables, in order:
	// ESCU-style *.yml definitions (name, filename, match_type, ...) and
	// bare *.csv files (see lookup.go).
	LookupDirs []string
	// ParseSearch parses a search the engine makes while planning or
	// running (map's search= with its $tokens$ replaced). The front door
	// (package query) sets it to its own expand-and-parse, so such a
	// search gets its macros expanded as Splunk's map does and the SPL
	// parser is entered from one place; nil leaves map unavailable (a
	// plan error naming this option).
	ParseSearch func(text string) (*spl.Pipeline, error)
	// ScanWorkers is the number of goroutines a tstats scan selects the
	// rows of its dataset's batches on (the WHERE clause and the time
	// window; the aggregation stays on one goroutine, in batch order, so
	// results do not depend on it). 0 means GOMAXPROCS for a dataset of
	// at least 131,072 rows and one below; 1 selects on the calling
	// goroutine, which a caller running many searches at once may want.
	ScanWorkers int
	// NoKeyFilter turns off the key filter of tstats (keyfilter.go: a
	// where after a tstats that reads only its BY fields also filters
	// the dataset's rows before the aggregation); the results are the
	// same, and tests compare the two.
	NoKeyFilter bool
	// Cache, when set, keeps what planning reads from files (lookup
	// tables) for the plans of one batch, such as a hunt's searches
	// (PlanCache); nil reads them at every plan.
	Cache *PlanCache
	// Index, when set, is the row index the tstats scans of the
	// searches that share it read (RowIndex: the rows of each
	// dictionary entry of a column, built when a second search asks);
	// the results are the same without it. It is for one store.
	Index *RowIndex
}

// Engine plans and runs searches over the datasets of a Store. An Engine is
// safe for concurrent use once built, as long as the Store is not being
// ingested into.
type Engine struct {
	cat   *datamodel.Catalog
	store *datamodel.Store
	opt   Options
}

// New returns an Engine over cat and store.
func New(cat *datamodel.Catalog, store *datamodel.Store, opt Options) *Engine {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 4096
	}
	if opt.Allocator == nil {
		opt.Allocator = memory.DefaultAllocator
	}
	return &Engine{cat: cat, store: store, opt: opt}
}

// now returns the reference time of a search.
func (e *Engine) now() time.Time {
	if e.opt.Now.IsZero() {
		return time.Now()
	}
	return e.opt.Now
}

// Execute runs p to completion and returns its rows. It checks ctx between
// batches and returns ctx's error (wrapped) when cancelled.
func (e *Engine) Execute(ctx context.Context, p *Plan) (*Result, error) {
	if p == nil || p.root == nil {
		return nil, errors.New("execute: empty plan")
	}
	return e.execute(ctx, p, nil)
}

// execute runs p, counting into prof when it is set (ExecuteProfile).
func (e *Engine) execute(ctx context.Context, p *Plan, prof *profiler) (*Result, error) {
	if p.events != nil && e.store != nil {
		// Every field of the events: known now that there is a store.
		q, err := e.Plan(p.events)
		if err != nil {
			return nil, fmt.Errorf("execute: %w", err)
		}
		p = q
	}
	env := &execEnv{eng: e, mem: e.opt.Allocator, batchSize: e.opt.BatchSize, prof: prof}
	op := build(env, p.root)
	defer op.Close()
	if err := op.Open(ctx); err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}
	res := &Result{fields: p.root.fields()}
	if e.store != nil {
		res.warnings = rawFieldWarnings(e.store.Events, p.root)
	}
	for {
		if err := ctx.Err(); err != nil {
			res.Release()
			return nil, fmt.Errorf("execute: %w", err)
		}
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			res.Release()
			return nil, fmt.Errorf("execute: %w", err)
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		res.add(b)
	}
	return res, nil
}

// build instantiates the operator chain for n.
func build(env *execEnv, n node) operator {
	var in operator
	if c := n.input(); c != nil {
		in = build(env, c)
	}
	op := n.newOperator(env, in)
	if env.prof != nil {
		op = env.prof.wrap(n, op)
	}
	return op
}

// EvalFunctions returns the names of the eval functions minispl implements,
// sorted (for completion and help).
func EvalFunctions() []string { return expr.FunctionNames() }
