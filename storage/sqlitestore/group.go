package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/etjanst/etjanst/storage"
)

// group implements group commit (Options.GroupCommit): transactions that
// arrive while another is running share one SQLite transaction, each in a
// savepoint of its own, and one COMMIT (one flush of the WAL) makes them
// all durable. Members run one after the other, in arrival order, so their
// savepoints never interleave; a member's Commit releases its savepoint
// and returns only after the shared COMMIT, with its error. A member that
// rolls back undoes only its savepoint. The first member of a group needs
// none: until it finishes the transaction holds only its work, so its
// rollback rolls the transaction back.
//
// The shared transaction is committed when the member finishing its work
// sees no other transaction waiting to begin, or when max members are
// waiting for the flush.
type group struct {
	db  *DB
	max int
	// token is held by the one running member (a channel: blocked
	// senders are served in order).
	token   chan struct{}
	waiting atomic.Int64 // Begin calls waiting for the token

	mu      sync.Mutex
	sqlTx   *sql.Tx      // the shared transaction; nil between groups
	pending []chan error // members waiting for the shared COMMIT
	seq     int          // savepoint names
}

func newGroup(db *DB, max int) *group {
	return &group{db: db, max: max, token: make(chan struct{}, 1)}
}

// begin waits for the token and opens a member savepoint.
func (g *group) begin(ctx context.Context) (storage.Tx, error) {
	g.waiting.Add(1)
	select {
	case g.token <- struct{}{}:
		g.waiting.Add(-1)
		if err := ctx.Err(); err != nil {
			// ctx ended as the token came: no member that is rolled
			// back before it begins.
			<-g.token
			g.flushIfIdle()
			return nil, err
		}
	case <-ctx.Done():
		g.waiting.Add(-1)
		g.flushIfIdle()
		return nil, ctx.Err()
	}
	g.mu.Lock()
	if g.sqlTx == nil {
		sqlTx, err := beginShared(ctx, g.db.writer)
		if err != nil {
			g.mu.Unlock()
			<-g.token
			return nil, fmt.Errorf("sqlitestore: begin: %w", interpretError(ctx, err))
		}
		g.sqlTx = sqlTx
		g.mu.Unlock()
		// The first member needs no savepoint: the shared transaction
		// holds nothing else until it finishes, so undoing it is a
		// plain rollback. A lone writer pays nothing for the group.
		return g.member(ctx, sqlTx, ""), nil
	}
	g.seq++
	name := "m" + strconv.Itoa(g.seq)
	sqlTx := g.sqlTx
	g.mu.Unlock()
	if _, err := sqlTx.ExecContext(context.WithoutCancel(ctx), "SAVEPOINT "+name); err != nil {
		g.finish(nil, false)
		return nil, fmt.Errorf("sqlitestore: begin: %w", interpretError(ctx, err))
	}
	return g.member(ctx, sqlTx, name), nil
}

// beginShared begins the shared transaction of a new group. The
// transaction outlives the ctx of the member that begins it, but while
// BEGIN waits (for the writer connection, or for another process's lock
// within the busy timeout) the caller's ctx still applies.
func beginShared(ctx context.Context, writer *sql.DB) (*sql.Tx, error) {
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	sqlTx, err := writer.BeginTx(bctx, nil)
	if !stop() {
		// ctx ended while BEGIN ran: database/sql rolls a transaction
		// whose ctx ends back, so this one cannot be shared.
		if err == nil {
			_ = sqlTx.Rollback()
		}
		return nil, ctx.Err()
	}
	return sqlTx, err
}

// member returns the running member with savepoint name ("" for none).
// When ctx ends before the member commits or rolls back, the member is
// rolled back (as database/sql does with a plain transaction), so that a
// caller who abandons a transaction does not hold up the writers queued
// behind it.
func (g *group) member(ctx context.Context, sqlTx *sql.Tx, name string) *groupTx {
	t := &groupTx{tx: tx{ex: executor{db: g.db, tx: sqlTx, detached: true, guard: &memberGuard{}}, ctx: ctx}, g: g, name: name}
	t.rolledBack = make(chan struct{})
	t.stop = context.AfterFunc(ctx, func() {
		if t.ex.guard.end() {
			_ = t.undo()
			close(t.rolledBack)
		}
	})
	return t
}

// abort rolls the whole shared transaction back for its first member,
// whose work is all it holds (no member is pending yet), and passes the
// token on.
func (g *group) abort() error {
	g.mu.Lock()
	err := g.sqlTx.Rollback()
	g.sqlTx = nil
	g.mu.Unlock()
	<-g.token
	g.flushIfIdle()
	if err != nil && !errors.Is(err, sql.ErrTxDone) && !strings.Contains(err.Error(), "no transaction is active") {
		// (SQLite had already rolled it back: nothing left to undo.)
		return fmt.Errorf("sqlitestore: rollback: %w", err)
	}
	return nil
}

// finish ends the running member: it joins the pending members when wait
// is not nil, commits the shared transaction when nobody is waiting to
// begin or the batch is full, and passes the token on. first is set for
// the group's first member, which has no savepoint whose release would
// have shown that SQLite rolled the transaction back: before others join,
// the transaction is checked.
func (g *group) finish(wait chan error, first bool) {
	g.mu.Lock()
	if wait != nil {
		g.pending = append(g.pending, wait)
	}
	switch {
	case g.waiting.Load() == 0 || len(g.pending) >= g.max:
		g.commitLocked()
	case first && !g.aliveLocked():
		g.lostLocked()
	}
	g.mu.Unlock()
	<-g.token
	// A waiter may have given up between the check and the release.
	g.flushIfIdle()
}

// lost ends a shared transaction that SQLite rolled back by itself while
// a member ran: the member and every pending one are told, nothing is
// committed (statements the member ran after the loss may have opened a
// transaction of their own: it is rolled back too), and the token is
// passed on.
func (g *group) lost(wait chan error) {
	g.mu.Lock()
	g.pending = append(g.pending, wait)
	g.lostLocked()
	g.mu.Unlock()
	<-g.token
}

// flushIfIdle commits pending members when no member runs and nobody
// waits, so that no member is left waiting for a COMMIT that no one will
// make.
func (g *group) flushIfIdle() {
	if g.waiting.Load() != 0 {
		return
	}
	select {
	case g.token <- struct{}{}:
	default:
		return // a running member will decide
	}
	g.mu.Lock()
	if len(g.pending) > 0 || g.sqlTx != nil {
		g.commitLocked()
	}
	g.mu.Unlock()
	<-g.token
}

// aliveLocked reports whether the shared transaction is still open.
// SQLite rolls a transaction back by itself after some errors (a full
// disk, an I/O error, no memory), and statements after that run in
// autocommit mode: no later member may run then. A probe that fails says
// no (see txOpen). g.mu is held.
func (g *group) aliveLocked() bool {
	open, _ := txOpen(context.Background(), func(ctx context.Context, q string) error {
		_, err := g.sqlTx.ExecContext(ctx, q)
		return err
	})
	return open
}

// lostLocked ends a shared transaction that SQLite already rolled back:
// every pending member is told, and the next member starts a new group.
// g.mu is held.
func (g *group) lostLocked() {
	// Fails when there is no transaction left to roll back; rolls back
	// one that a statement after the loss opened in its place.
	_ = g.sqlTx.Rollback()
	g.answerLocked(fmt.Errorf("sqlitestore: commit: %w", ErrTxLost))
}

// commitLocked commits the shared transaction and tells every pending
// member the outcome. g.mu is held.
func (g *group) commitLocked() {
	if g.sqlTx == nil {
		g.answerLocked(errors.New("sqlitestore: commit: the shared transaction is gone"))
		return
	}
	err := g.sqlTx.Commit()
	if err != nil {
		err = fmt.Errorf("sqlitestore: commit: %w", interpretError(context.Background(), err))
	}
	g.answerLocked(err)
}

// answerLocked gives every pending member the outcome of the shared
// transaction, which is over. g.mu is held.
func (g *group) answerLocked(err error) {
	for _, ch := range g.pending {
		ch <- err
	}
	g.pending, g.sqlTx = nil, nil
}

// groupTx is one member of a group.
type groupTx struct {
	tx
	g    *group
	name string      // of its savepoint; "" for the group's first member
	stop func() bool // stops the rollback at the end of ctx
	// rolledBack is closed once the rollback at the end of ctx is done
	// (when it ended the member).
	rolledBack chan struct{}
}

func (t *groupTx) Commit() error {
	if t.done {
		return fmt.Errorf("sqlitestore: commit: %w", storage.ErrTxDone)
	}
	t.done = true
	t.stop()
	if !t.ex.guard.end() {
		// ctx ended first, and rolls the member back.
		<-t.rolledBack
		return fmt.Errorf("sqlitestore: commit: %w", t.ctx.Err())
	}
	if err := t.ctx.Err(); err != nil {
		t.undo()
		return fmt.Errorf("sqlitestore: commit: %w", err)
	}
	if t.lost {
		_ = t.undo() // tells the pending members too
		return fmt.Errorf("sqlitestore: commit: %w", ErrTxLost)
	}
	if t.name != "" {
		if _, err := t.ex.tx.ExecContext(context.WithoutCancel(t.ctx), "RELEASE "+t.name); err != nil {
			t.undo()
			return fmt.Errorf("sqlitestore: commit: %w", interpretError(t.ctx, err))
		}
	}
	wait := make(chan error, 1)
	t.g.finish(wait, t.name == "")
	return <-wait
}

func (t *groupTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	t.stop()
	if !t.ex.guard.end() {
		<-t.rolledBack // ctx ended first, and rolls the member back
		return nil
	}
	return t.undo()
}

// undo rolls the member's savepoint back and passes the token on. It
// returns after the shared transaction the member was part of has ended,
// so that a caller who then reads (e.g. a concurrent submit of the same
// draft looking for the first one's case) sees the other members' work.
//
// When the savepoint cannot be rolled back to and released, SQLite itself
// rolled the shared transaction back (an I/O error, a full disk): the
// group is ended at once, so that no later member runs outside a
// transaction, and every pending member learns that its work is gone.
func (t *groupTx) undo() error {
	if t.name == "" {
		return t.g.abort()
	}
	c := context.WithoutCancel(t.ctx)
	_, err1 := t.ex.tx.ExecContext(c, "ROLLBACK TO "+t.name)
	var err2 error
	if err1 == nil {
		_, err2 = t.ex.tx.ExecContext(c, "RELEASE "+t.name)
	}
	wait := make(chan error, 1)
	if err1 != nil || err2 != nil {
		t.g.lost(wait)
	} else {
		t.g.finish(wait, false)
	}
	<-wait // the outcome of the others' commit is theirs to report
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("sqlitestore: rollback: %w", err)
	}
	return nil
}
