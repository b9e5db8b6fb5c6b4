package db

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the statement cache: queries are constant strings in the
// code, so a few hundred cover them all; past the bound, queries run
// unprepared rather than let a query built from input grow the cache.
const maxStmts = 1000

// stmtCache keeps the read pool's prepared statements by SQL text, so a
// query is parsed and planned once per connection instead of on every
// call (about a tenth of the CPU of a form step on SQLite).
type stmtCache struct {
	mu     sync.RWMutex
	byText map[string]*sql.Stmt
	closed bool
}

// get returns the prepared statement for query on pool, preparing it the
// first time, or nil when it cannot be prepared now (the caller then runs
// the query directly, which reports any error).
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.byText[query]
	full := len(c.byText) >= maxStmts || c.closed
	c.mu.RUnlock()
	if ok {
		return st
	}
	if full {
		return nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.byText[query]; ok || c.closed {
		st.Close()
		return prev
	}
	if c.byText == nil {
		c.byText = map[string]*sql.Stmt{}
	}
	c.byText[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.byText {
		st.Close()
	}
	c.byText, c.closed = nil, true
}
