package pgstore_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
)

// dsnEnv names the environment variable that enables the PostgreSQL tests.
const dsnEnv = pgstoretest.DSNEnv

// testDSN returns the DSN of the test server, or skips the test.
func testDSN(tb testing.TB) string {
	tb.Helper()
	return pgstoretest.DSN(tb)
}

// newSchema returns a fresh schema name, dropped when the test ends.
func newSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	return pgstoretest.NewSchema(tb, dsn)
}

// quiet returns options for schema with migration log lines kept out of the
// test output.
func quiet(schema string) *pgstore.Options {
	return &pgstore.Options{Schema: schema, Logger: slog.New(slog.DiscardHandler)}
}

// openTestDB opens a DB in a fresh schema of its own, closed when the test
// ends.
func openTestDB(tb testing.TB, dsn string) *pgstore.DB {
	tb.Helper()
	schema := newSchema(tb, dsn)
	db, err := pgstore.Open(context.Background(), dsn, quiet(schema))
	require.NoError(tb, err)
	tb.Cleanup(func() { require.NoError(tb, db.Close()) })
	return db
}

// openOneConnDB opens a DB whose pool has one connection, in a fresh schema
// of its own, closed when the test ends: a transaction that keeps its
// connection makes every later call wait.
func openOneConnDB(tb testing.TB, dsn string) *pgstore.DB {
	tb.Helper()
	o := quiet(newSchema(tb, dsn))
	o.MaxConns = 1
	db, err := pgstore.Open(context.Background(), dsn, o)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// draftParams returns valid insert params for a draft of owner "o".
func draftParams(id string) *storage.DraftInsertParams {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	return &storage.DraftInsertParams{
		ID:        id,
		Owner:     "o",
		FormID:    "f",
		KeyID:     "k1",
		Payload:   []byte("sealed"),
		CreatedAt: now,
		ExpiresAt: now.Add(90 * 24 * time.Hour),
	}
}
