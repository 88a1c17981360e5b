// Package pgstore is the storage.Driver on PostgreSQL, for municipalities
// that run the portal on several application servers sharing one database.
// It uses pgx v5 and its connection pool (pgxpool), and passes the same
// conformance suite (storage/storagetest) as sqlitestore.
//
//	db, err := pgstore.Open(ctx, "postgres://etjanst@db.internal:5432/etjanst?sslmode=verify-full",
//		&pgstore.Options{Schema: "etjanst"})
//	if err != nil {
//		return err
//	}
//	defer db.Close()
//	// pass db (a storage.Driver) to draft.NewStore and the others.
//
// # Schema and migrations
//
// The tables live in one schema (Options.Schema), which becomes every pooled
// connection's search_path, so several deployments or test runs can share a
// database. Open creates the schema when needed and applies the embedded
// migration/NNNN_name.up.sql files not yet recorded in its
// schema_migrations table, all in one transaction that first takes
// pg_advisory_xact_lock on a key derived from the schema name: instances
// started at the same time queue, the first migrates, the others find the
// work done. A schema recorded at a newer version than this code knows is
// refused (ErrSchemaTooNew). The version numbers are this driver's own.
//
// # Concurrency between instances
//
// Transactions run at READ COMMITTED. The contract's conditional writes are
// single statements whose row locks make them hold across instances: the
// revision check of DraftUpdate, the attachment caps (the draft's row is
// locked while its counters move), the audit chain's sequence check. The
// yearly reference sequence is one row per (prefix, year), upserted with
// INSERT ... ON CONFLICT DO UPDATE ... RETURNING; its row lock is held until
// the transaction ends, so numbers are unique and gap-free across instances,
// and concurrent submits of one sequence queue on it (keep that transaction
// short). Outbox relays claim with FOR UPDATE SKIP LOCKED under a lease, so
// relays on several instances share the work without waiting for each
// other; the expiry janitor locks with plain FOR UPDATE, so an empty batch
// still means nothing is left. Lock orders are fixed (a draft before its
// attachments), so the driver's own operations do not deadlock each other.
//
// Inside a caller's transaction an error raised by the server would abort
// the whole transaction, which SQLite's would not. So the driver avoids
// raising: inserts use ON CONFLICT DO NOTHING and report the conflict from
// the row count, strings the server cannot store are checked first (see
// Text), and operations of several statements run under a savepoint.
//
// # Connections
//
// Open takes pool settings from the DSN (pool_max_conns and the other pool_*
// parameters pgx accepts) and Options.MaxConns. Every transaction holds a
// connection until it ends. The schema is set as a connection parameter and
// statements are prepared once per connection (pgx's statement cache), so
// connect directly or through a proxy in session pooling mode; transaction
// pooling keeps neither.
//
// # Times
//
// Times are timestamptz, stored at microsecond precision and read back in
// UTC, as the contract requires. The driver truncates (storage.Time) before
// writing, so PostgreSQL's rounding never applies.
//
// # Text
//
// PostgreSQL's text holds valid UTF-8 without NUL bytes; SQLite stores any
// bytes. A lookup by a string text cannot hold finds nothing (ErrNotFound
// or an empty list, as on SQLite, since no row can hold it), and a write of
// one is storage.ErrInvalid. The free-text LastError of an outbox row (it
// may echo a remote server) is stored with such bytes replaced by U+FFFD.
// Identifiers and keys use the "C" collation, so ordering and paging by ID
// are bytewise, as in SQLite, whatever the database's locale.
//
// # Access control
//
// The driver enforces nothing but the contract: every owner-scoped query
// has the owner in its WHERE clause, so another owner's row is never read,
// changed or deleted. Give the database role only the privileges it needs
// on its schema; payloads are sealed by the domain packages before they
// reach the database.
//
// # Errors
//
// One function, interpretError, maps native errors to the contract:
// pgx.ErrNoRows and foreign-key violations to storage.ErrNotFound, unique
// violations to storage.ErrConflict, a serialization failure or deadlock
// to storage.ErrConflict (inside a transaction: the transaction lost a race
// and is aborted; roll it back and run it again), text the server rejects
// to storage.ErrInvalid, a broken connection to ErrConnLost, and a done
// context to ctx.Err(). Calls on the DB itself, each its own transaction,
// are retried (a few times, with a short random pause) after a
// serialization failure or deadlock and when the request never left the
// process, since no effect can have happened. Errors carry row IDs at most,
// never owners, payloads or the DSN.
//
// # Testing
//
// The package's tests need a server: set ETJANST_PG_DSN, e.g.
//
//	ETJANST_PG_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./storage/pgstore/
//
// Without it they skip (and the examples are left out). Every test works in
// a schema of its own, dropped at the end; package pgstoretest gives other
// packages' tests such a database in one call. OpenRaw gives a bare pool
// with Open's settings, for baselines in benchmarks.
package pgstore
