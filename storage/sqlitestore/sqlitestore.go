package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/etjanst/etjanst/storage"
)

// driverName is the database/sql driver registered by modernc.org/sqlite.
const driverName = "sqlite"

// DB is a storage.Driver on one SQLite database file. It holds one writer
// connection, through which every write and every transaction goes, and a
// pool of read-only connections for reads outside a transaction.
//
// A DB is safe for concurrent use. Create it with Open and release it with
// Close.
type DB struct {
	writer *sql.DB
	reader *sql.DB
	ws     *stmts    // prepared on writer
	rs     *stmts    // prepared on reader
	wq, rq stmtCache // ad-hoc statements prepared on first use (case.go)
	group  *group    // group commit, when enabled
	ex     executor
}

var _ storage.Driver = (*DB)(nil)

// DSN returns the modernc.org/sqlite data source name that Open uses for its
// writer connection: WAL, foreign keys on, the busy timeout and synchronous
// setting from opts, and BEGIN IMMEDIATE for every transaction. It is
// exported for baselines and tools that need a bare *sql.DB with identical
// settings; see OpenRaw.
//
// Errors: invalid opts, or a path that is empty, ":memory:" or already a
// "file:" URI.
func DSN(path string, opts *Options) (string, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return "", err
	}
	return writerDSN(path, &o)
}

// OpenRaw opens a bare *sql.DB on path with exactly the settings of Open's
// writer: the DSN from DSN, one connection, kept open. It applies no
// migrations and adds no statements. It exists so that benchmarks can compare
// the driver with hand-written SQL on the same settings; applications should
// use Open.
func OpenRaw(ctx context.Context, path string, opts *Options) (*sql.DB, error) {
	dsn, err := DSN(path, opts)
	if err != nil {
		return nil, err
	}
	db, err := openPool(ctx, dsn, 1)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open raw: %w", err)
	}
	return db, nil
}

// Open opens (creating if needed) the SQLite database file at path, applies
// the embedded migrations that are not yet recorded in schema_migrations, in
// one transaction, and prepares the statements it uses.
//
// The database runs in WAL mode with foreign keys on. All writes go through a
// single connection whose transactions begin with BEGIN IMMEDIATE, so writers
// queue in this process instead of failing with a lock error; reads outside a
// transaction use up to opts.ReadConns read-only connections and see the
// latest committed state when they start.
//
// Errors: ErrSchemaTooNew when the file was migrated by a newer version of
// this package; ctx.Err() when ctx ends; otherwise the cause, wrapped. On error
// nothing stays open.
func Open(ctx context.Context, path string, opts *Options) (*DB, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	wdsn, err := writerDSN(path, &o)
	if err != nil {
		return nil, err
	}
	writer, err := openPool(ctx, wdsn, 1)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open: %w", interpretError(ctx, err))
	}
	db := &DB{writer: writer}
	if err := migrate(ctx, writer, &o); err != nil {
		_ = db.Close()
		return nil, err
	}
	reader, err := openPool(ctx, readerDSN(path, &o), o.ReadConns)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlitestore: open read pool: %w", interpretError(ctx, err))
	}
	db.reader = reader
	if db.ws, err = prepare(ctx, writer, false); err != nil {
		_ = db.Close()
		return nil, err
	}
	if db.rs, err = prepare(ctx, reader, true); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.wq.warm(ctx, writer, warmStatements()); err != nil {
		_ = db.Close()
		return nil, err
	}
	db.ex = executor{db: db}
	if o.GroupCommit > 1 {
		db.group = newGroup(db, o.GroupCommit)
	}
	return db, nil
}

// openPool opens a database/sql pool of at most n connections on dsn that
// never closes idle connections, and checks that one connection works.
func openPool(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// fileURI turns a filesystem path into an SQLite "file:" URI, escaping the
// characters that URIs give a meaning to.
func fileURI(path string) (string, error) {
	switch {
	case path == "":
		return "", errors.New("sqlitestore: empty path")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		// An in-memory database would not be shared by the writer and
		// the read pool; a URI would bypass our settings.
		return "", errors.New("sqlitestore: path must be a file system path")
	}
	r := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")
	return "file:" + r.Replace(path), nil
}

func writerDSN(path string, o *Options) (string, error) {
	uri, err := fileURI(path)
	if err != nil {
		return "", err
	}
	sync, err := o.Synchronous.pragma()
	if err != nil {
		return "", err
	}
	return uri + "?_txlock=immediate" +
		"&_busy_timeout=" + strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10) +
		"&_foreign_keys=1" +
		"&_journal_mode=WAL" +
		"&_synchronous=" + sync + "&_pragma=temp_store(2)", nil
}

// readerDSN opens the file read-only (SQLite's mode=ro) and additionally sets
// query_only, so a read connection can never write. path was checked by
// writerDSN already.
func readerDSN(path string, o *Options) string {
	uri, _ := fileURI(path)
	return uri + "?mode=ro" +
		"&_busy_timeout=" + strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10) +
		"&_query_only=1"
}

// Close closes the prepared statements and all connections. It does not wait
// for open transactions; end them first. Calls after Close fail.
func (db *DB) Close() error {
	var errs []error
	for _, s := range []*stmts{db.rs, db.ws} {
		if s != nil {
			errs = append(errs, s.close())
		}
	}
	errs = append(errs, db.rq.close(), db.wq.close())
	// Readers first: the writer is the last connection, so closing it
	// checkpoints the WAL and removes the -wal and -shm files.
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlitestore: close: %w", err)
	}
	return nil
}

// Begin starts a write transaction with BEGIN IMMEDIATE on the writer
// connection; it implements storage.Driver.
//
// The writer is a single connection, so while a transaction is open every
// other write on this DB waits for it (reads outside the transaction do not).
// Do not call write methods on the DB itself from inside a transaction: they
// wait for the connection the transaction holds, until their ctx ends.
func (db *DB) Begin(ctx context.Context) (storage.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if db.group != nil {
		return db.group.begin(ctx)
	}
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: begin: %w", interpretError(ctx, err))
	}
	return &tx{ex: executor{db: db, tx: sqlTx}, ctx: ctx}, nil
}

// tx is a storage.Tx on the writer connection.
type tx struct {
	ex   executor
	done bool
	// lost is set once SQLite is found to have rolled the transaction
	// back by itself (see check).
	lost bool
	// ctx is the Begin ctx, kept (as database/sql's Tx keeps it) only to
	// report its error when it ended the transaction before Commit.
	ctx context.Context
}

var _ storage.Tx = (*tx)(nil)

func (t *tx) Commit() error {
	if t.done {
		return fmt.Errorf("sqlitestore: commit: %w", storage.ErrTxDone)
	}
	t.done = true
	if t.lost {
		_ = t.ex.tx.Rollback() // ends the *sql.Tx; SQLite has nothing to roll back
		return fmt.Errorf("sqlitestore: commit: %w", ErrTxLost)
	}
	if err := t.ex.tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: commit: %w", interpretError(t.ctx, err))
	}
	return nil
}

func (t *tx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	err := t.ex.tx.Rollback()
	if t.lost {
		return nil // SQLite rolled it back already
	}
	if err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("sqlitestore: rollback: %w", err)
	}
	return nil
}

// executor returns the tx's executor, or fails with ErrTxDone, or with
// ErrTxLost once SQLite rolled the transaction back.
func (t *tx) executor() (*executor, error) {
	if t.done {
		return nil, storage.ErrTxDone
	}
	if t.lost {
		return nil, ErrTxLost
	}
	return &t.ex, nil
}

// check looks, after a method of the transaction failed with err, whether
// SQLite rolled the whole transaction back by itself, which it may do
// after a full disk, an I/O error, a busy lock, no memory or an interrupt
// (https://sqlite.org/lang_transaction.html). The connection is then in
// autocommit mode, where every later statement would commit on its own:
// the transaction refuses them (ErrTxLost), and its Commit fails. It
// returns err, joined with ErrTxLost when the transaction is gone.
func (t *tx) check(err error) error {
	if err == nil || t.lost || !mayEndTx(err) {
		return err
	}
	if open, perr := txOpen(context.WithoutCancel(t.ctx), t.ex.txExec); open || perr != nil {
		return err // still open (or, the probe failing, the member has ended anyway)
	}
	t.lost = true
	return errors.Join(err, ErrTxLost)
}

// txOpen probes whether the connection exec runs on is still inside a
// transaction, which SQLite may have rolled back by itself after an error:
// BEGIN fails inside one ("cannot start a transaction within a
// transaction") and starts one outside, which is rolled back at once.
// perr is a BEGIN failure of any other kind, which tells neither.
func txOpen(ctx context.Context, exec func(context.Context, string) error) (open bool, perr error) {
	err := exec(ctx, "BEGIN")
	switch {
	case err == nil:
		_ = exec(ctx, "ROLLBACK")
		return false, nil
	case strings.Contains(err.Error(), "within a transaction"):
		return true, nil
	}
	return false, err
}
