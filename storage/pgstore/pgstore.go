package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/etjanst/etjanst/storage"
)

// DB is a storage.Driver on a PostgreSQL database, through a pgx connection
// pool. Calls on the DB itself run each in its own transaction on any pooled
// connection; a transaction from Begin holds one connection until it ends.
//
// A DB is safe for concurrent use, also by several processes sharing the
// database. Create it with Open and release it with Close.
type DB struct {
	pool   *pgxpool.Pool
	schema string
	log    *slog.Logger
	ex     executor
}

var _ storage.Driver = (*DB)(nil)

// poolConfig parses dsn and applies opts: the schema as every connection's
// search_path and the pool size. It resolves an empty Schema to the
// server's current schema, so the pool never depends on a search_path that
// could change meaning later.
func poolConfig(ctx context.Context, dsn string, o *Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, parseError(err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "etjanst"
	}
	if o.Schema == "" {
		schema, err := currentSchema(ctx, cfg.ConnConfig)
		if err != nil {
			return nil, err
		}
		o.Schema = schema
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{o.Schema}.Sanitize()
	return cfg, nil
}

// parseError reports a malformed DSN without echoing it: pgx redacts
// passwords only on a best-effort basis.
func parseError(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return fmt.Errorf("pgstore: invalid DSN: %w", pe.Unwrap())
	}
	return errors.New("pgstore: invalid DSN")
}

// currentSchema asks the server which schema unqualified names resolve to
// for this user (the first existing entry of its search_path).
func currentSchema(ctx context.Context, cc *pgx.ConnConfig) (string, error) {
	conn, err := pgx.ConnectConfig(ctx, cc.Copy())
	if err != nil {
		return "", fmt.Errorf("pgstore: connect: %w", interpretError(ctx, err))
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	var schema *string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("pgstore: current schema: %w", interpretError(ctx, err))
	}
	if schema == nil {
		return "", errors.New("pgstore: no schema of the search_path exists; set Options.Schema")
	}
	return *schema, checkSchema(*schema)
}

// OpenRaw opens a bare pgx pool on dsn with exactly the settings Open uses
// (the schema as search_path, the pool size). It applies no migrations. It
// exists so that benchmarks can compare the driver with hand-written SQL on
// the same settings, and for tools that inspect the schema; applications
// should use Open.
func OpenRaw(ctx context.Context, dsn string, opts *Options) (*pgxpool.Pool, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg, err := poolConfig(ctx, dsn, &o)
	if err != nil {
		return nil, err
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open raw: %w", err)
	}
	return pool, nil
}

// openPool creates the pool and checks that one connection works.
func openPool(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, interpretError(ctx, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, interpretError(ctx, err)
	}
	return pool, nil
}

// Open connects to the PostgreSQL database at dsn (a URL or key=value
// connection string, as pgx accepts; pool_* parameters configure the pool),
// creates opts.Schema if needed and applies the embedded migrations not yet
// recorded in its schema_migrations table, in one transaction under an
// advisory lock, so several instances may start at once.
//
// Like database/sql, the pool runs a background health check of idle
// connections until Close.
//
// Errors: ErrSchemaTooNew when the schema was migrated by a newer version of
// this package; ErrConnLost (wrapped) when the server cannot be reached;
// ctx.Err() when ctx ends; otherwise the cause, wrapped. On error nothing
// stays open.
func Open(ctx context.Context, dsn string, opts *Options) (*DB, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg, err := poolConfig(ctx, dsn, &o)
	if err != nil {
		return nil, err
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	if err := migrate(ctx, pool, o.Schema, &o); err != nil {
		pool.Close()
		return nil, err
	}
	db := &DB{pool: pool, schema: o.Schema, log: o.Logger}
	db.ex = executor{db: db}
	return db, nil
}

// Schema returns the schema the DB works in.
func (db *DB) Schema() string { return db.schema }

// Close closes the pool; calls after Close fail. Unlike sqlitestore's, it
// waits for the connections of open transactions to come back (pgxpool's
// rule), so end transactions first: one whose Begin ctx has ended is
// rolled back and returns its connection by itself.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Begin starts a read-write transaction at PostgreSQL's default isolation,
// READ COMMITTED, on a connection of its own; it implements storage.Driver.
// BEGIN goes to the server with the transaction's first statement, in the
// same round trip.
// Row locks taken by the conditional writes (revision checks, attachment
// caps, the reference sequence, outbox leases) make the contract's
// guarantees hold across instances.
//
// When ctx ends before Commit, the transaction is rolled back and its
// connection returned to the pool; Commit then returns ctx.Err(). A
// transaction aborted by a deadlock or serialization failure returns errors
// wrapping storage.ErrConflict: roll it back and run it again.
//
// Errors: ctx.Err() when ctx is done; ErrConnLost (wrapped) when no
// connection can be made; otherwise a driver error.
func (db *DB) Begin(ctx context.Context) (storage.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// BEGIN goes out with the first statement (lazyTx); the pool pings a
	// connection that was idle, so a dead one is replaced here.
	var conn *pgxpool.Conn
	err := db.retry(ctx, "begin", func() error {
		var err error
		conn, err = db.pool.Acquire(ctx)
		return err
	})
	if err != nil {
		return nil, fail(ctx, "begin", "", err)
	}
	t := &tx{lz: &lazyTx{conn: conn}, ctx: ctx}
	t.ex = executor{db: db, tx: t.lz}
	// Like database/sql: end the transaction when its ctx ends, so a
	// forgotten or abandoned transaction does not hold its locks and
	// connection.
	t.stop = context.AfterFunc(ctx, t.abort)
	return t, nil
}

// rollbackTimeout bounds the rollback of a transaction whose ctx ended: it
// runs without that ctx, and a dead server must not hang it.
const rollbackTimeout = 10 * time.Second

// tx is a storage.Tx: a transaction on one pooled connection.
type tx struct {
	ex executor
	lz *lazyTx
	// ctx is the Begin ctx, kept (as database/sql's Tx keeps it) to report
	// its error when it ended the transaction before Commit.
	ctx  context.Context
	stop func() bool

	// mu serialises the methods with abort, which runs on its own
	// goroutine when ctx ends.
	mu      sync.Mutex
	done    bool
	aborted bool // rolled back because ctx ended
	lost    bool // a method saw the connection break
}

var _ storage.Tx = (*tx)(nil)

// abort rolls the transaction back after its ctx ended, unless it already
// ended. It waits for a method in progress.
func (t *tx) abort() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.done, t.aborted = true, true
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), rollbackTimeout)
	defer cancel()
	_ = t.lz.end(ctx, false)
	t.lz.release()
}

// usable returns nil when methods may run, else why not.
func (t *tx) usable() error {
	switch {
	case !t.done:
		return nil
	case t.aborted:
		return fmt.Errorf("%w: %w", storage.ErrTxDone, t.ctx.Err())
	default:
		return storage.ErrTxDone
	}
}

func (t *tx) Commit() error {
	t.stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		if t.aborted {
			return t.ctx.Err()
		}
		return fmt.Errorf("pgstore: commit: %w", storage.ErrTxDone)
	}
	t.done = true
	defer t.lz.release()
	if t.lost {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), rollbackTimeout)
		defer cancel()
		_ = t.lz.end(ctx, false) // the pool closes the dead connection
		return fmt.Errorf("pgstore: commit: not committed, the connection broke earlier in the transaction: %w", ErrConnLost)
	}
	if err := t.ctx.Err(); err != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), rollbackTimeout)
		defer cancel()
		_ = t.lz.end(ctx, false)
		return err
	}
	err := t.lz.end(t.ctx, true)
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrTxCommitRollback) {
		return errors.New("pgstore: commit: the transaction was aborted by an earlier error and has been rolled back")
	}
	ierr := interpretError(t.ctx, err)
	if errors.Is(ierr, ErrConnLost) {
		if pgconn.SafeToRetry(err) || sqlState(err) != "" {
			// Never sent, or the server answered COMMIT with an
			// error: nothing was committed.
			return fmt.Errorf("pgstore: commit: not committed, the transaction was rolled back: %w", ierr)
		}
		return fmt.Errorf("pgstore: commit: outcome unknown, the connection broke after COMMIT was sent: %w", ierr)
	}
	return fmt.Errorf("pgstore: commit: %w", ierr)
}

func (t *tx) Rollback() error {
	t.stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return nil
	}
	t.done = true
	defer t.lz.release()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), rollbackTimeout)
	defer cancel()
	err := t.lz.end(ctx, false)
	if err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		if ierr := interpretError(context.Background(), err); errors.Is(ierr, ErrConnLost) {
			// The server rolls back a transaction whose
			// connection is gone.
			return nil
		}
		return fmt.Errorf("pgstore: rollback: %w", err)
	}
	return nil
}

// call runs fn on the transaction's executor, unless the transaction ended.
func call[T any](t *tx, op string, fn func(e *executor) (T, error)) (T, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.usable(); err != nil {
		var zero T
		return zero, fmt.Errorf("pgstore: %s: %w", op, err)
	}
	v, err := fn(&t.ex)
	if errors.Is(err, ErrConnLost) {
		t.lost = true
	}
	return v, err
}

// call0 is call for methods that return only an error.
func call0(t *tx, op string, fn func(e *executor) error) error {
	_, err := call(t, op, func(e *executor) (struct{}, error) { return struct{}{}, fn(e) })
	return err
}
