// Package sqlitestore is the embedded storage.Driver: one SQLite database
// file, through the pure-Go modernc.org/sqlite (no cgo).
//
//	db, err := sqlitestore.Open(ctx, "/var/lib/etjanst/etjanst.db", nil)
//	if err != nil {
//		return err
//	}
//	defer db.Close()
//	// pass db (a storage.Driver) to draft.NewStore and the others.
//
// # Settings
//
// The file runs in WAL mode with foreign keys on and a busy timeout
// (Options.BusyTimeout, 5 s by default). Commits are fully synchronous by
// default (Options.Synchronous: SynchronousFull); SynchronousNormal trades
// the last commits before a power loss for speed. All writes go through one
// connection whose transactions start with BEGIN IMMEDIATE, so writers in
// this process queue instead of failing on a lock upgrade; reads outside a
// transaction use a pool of read-only (mode=ro, query_only) connections,
// Options.ReadConns, 4 by default. Statements are prepared once at Open.
// The writer keeps temporary data (savepoint journals, materialised
// subqueries) in memory (temp_store=MEMORY), not in temporary files.
//
// Transactions that arrive while another runs share its commit (group
// commit, Options.GroupCommit, up to 8 by default): each runs in a
// savepoint of its own, so it is still all or nothing, and one flush of
// the log makes the whole group durable. Concurrent submits then cost far
// fewer flushes; a lone writer pays nothing. A transaction whose context
// ends before it commits is rolled back. GroupCommit 1 turns it off.
//
// One DB per file per process. Several processes may open the same file
// (SQLite locks it), but then writers contend through the busy timeout;
// for many application instances use the PostgreSQL driver.
//
// # Schema and migrations
//
// The schema is embedded as migration/NNNN_name.up.sql files. Open applies
// those not yet recorded in the schema_migrations table, all in one
// transaction, and refuses (ErrSchemaTooNew) a file recorded at a newer
// version than this code knows. Times are stored as INTEGER unix
// microseconds in UTC, so they round-trip at microsecond precision in UTC,
// as the storage contract requires.
//
// # Access control
//
// The driver enforces nothing but the contract: every owner-scoped query
// has the owner in its WHERE clause, so another owner's row is never read,
// changed or deleted. The database file itself must be readable only by the
// service account; payloads are sealed by the domain packages before they
// reach it.
//
// # Errors
//
// One function, interpretError, maps native errors to the contract:
// sql.ErrNoRows and foreign-key violations to storage.ErrNotFound, primary
// key and unique violations to storage.ErrConflict, sql.ErrTxDone to
// storage.ErrTxDone, and a done context to ctx.Err(). Open may also return
// ErrSchemaTooNew. Errors carry row IDs at most.
//
// # Baselines
//
// DSN and OpenRaw give a bare *sql.DB with exactly the writer's settings, so
// benchmarks can compare the driver with hand-written SQL.
package sqlitestore
