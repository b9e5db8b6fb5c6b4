package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// GroupTx runs fn in a read-write transaction like Tx, but on SQLite it
// shares that transaction, and its one fsync, with other GroupTx callers
// that arrive while a commit is under way ("group commit"). Each caller's
// fn runs inside its own SAVEPOINT: when fn fails, only its own changes
// are rolled back, and only it gets the error. GroupTx returns after the
// shared transaction has committed, so an acknowledged write is on disk.
//
// Use it on hot write paths with many concurrent writers (submissions,
// signatures, votes); fn must be short and must not call Tx or GroupTx. A
// panic in fn becomes its error.
//
// PostgreSQL groups the commits of concurrent connections itself, but not
// of transactions that wait for each other's row locks: callers that all
// take the same row (a municipality's reference counter, the head of its
// audit chain) would each hold it through their own commit and fsync. So
// GroupTx batches on PostgreSQL too.
func (d *DB) GroupTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	req := &groupReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	d.group.once.Do(func() { d.group.reqs = make(chan *groupReq, 1024) })
	select {
	case d.group.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Whoever finds no committer running becomes it.
	d.group.mu.Lock()
	if !d.group.running {
		d.group.running = true
		go d.commitLoop()
	}
	d.group.mu.Unlock()
	return <-req.done
}

// groupReq is one caller waiting in GroupTx.
type groupReq struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
}

// groupState is the committer's state, inside DB.
type groupState struct {
	once    sync.Once
	reqs    chan *groupReq
	mu      sync.Mutex
	running bool
}

// maxGroup bounds how many callers share one transaction.
const maxGroup = 256

// commitLoop takes waiting callers in batches, runs each batch in one
// transaction and commits it, until no caller is waiting.
func (d *DB) commitLoop() {
	for {
		var batch []*groupReq
	collect:
		for len(batch) < maxGroup {
			select {
			case r := <-d.group.reqs:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		if len(batch) == 0 {
			d.group.mu.Lock()
			// A caller may have queued between the empty read and here.
			if len(d.group.reqs) > 0 {
				d.group.mu.Unlock()
				continue
			}
			d.group.running = false
			d.group.mu.Unlock()
			return
		}
		d.commitBatch(batch)
	}
}

func (d *DB) commitBatch(batch []*groupReq) {
	results := make([]error, len(batch))
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				results[i] = err
				continue
			}
			sp := fmt.Sprintf("g%d", i)
			if _, err := tx.Exec("SAVEPOINT " + sp); err != nil {
				return err
			}
			if err := runSafely(r.fn, tx); err != nil {
				results[i] = err
				if _, err := tx.Exec("ROLLBACK TO " + sp); err != nil {
					return err
				}
			}
			if _, err := tx.Exec("RELEASE " + sp); err != nil {
				return err
			}
		}
		return nil
	})
	for i, r := range batch {
		switch {
		case err != nil:
			r.done <- fmt.Errorf("group commit: %w", err)
		default:
			r.done <- results[i]
		}
	}
}

// runSafely runs fn and turns a panic into an error, so one caller's bug
// cannot take down the others' transaction or the committer.
func runSafely(fn func(*sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New(fmt.Sprint("panic in GroupTx: ", p))
		}
	}()
	return fn(tx)
}
