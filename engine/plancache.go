package engine

import (
	"strings"
	"sync"

	"github.com/minispl/minispl/engine/internal/lookup"
)

// PlanCache holds, for one batch of plans (the searches of a hunt), what
// planning reads from files: each lookup table by its folders and name,
// read, parsed and checked once instead of at every plan that names it,
// and each folder's definitions read once (resolving a name reads every
// *.yml definition of the folders, 79 in ESCU's checkout, then the
// table's CSV file). A table is read-only once
// loaded, so plans share it. The files are read when a plan first needs
// them: a table changed on disk after that is not seen by the batch's
// later plans, which is why a PlanCache is for one batch and not for a
// session. It is safe for concurrent use; set it in Options.Cache.
type PlanCache struct {
	finder *lookup.Finder
	mu     sync.Mutex
	tables map[string]*cachedTable
}

// cachedTable is one table's lookup, done once.
type cachedTable struct {
	once sync.Once
	t    *lookup.Table
	err  error
}

// NewPlanCache returns an empty PlanCache.
func NewPlanCache() *PlanCache {
	return &PlanCache{finder: lookup.NewFinder(), tables: map[string]*cachedTable{}}
}

// findTable resolves a table name as lookup.Find does, through the plan
// cache when there is one.
func (e *Engine) findTable(name string) (*lookup.Table, error) {
	pc := e.opt.Cache
	if pc == nil {
		return lookup.Find(e.opt.LookupDirs, name)
	}
	key := strings.Join(e.opt.LookupDirs, "\x00") + "\x00\x00" + name
	pc.mu.Lock()
	c := pc.tables[key]
	if c == nil {
		c = &cachedTable{}
		pc.tables[key] = c
	}
	pc.mu.Unlock()
	c.once.Do(func() { c.t, c.err = pc.finder.Find(e.opt.LookupDirs, name) })
	return c.t, c.err
}
