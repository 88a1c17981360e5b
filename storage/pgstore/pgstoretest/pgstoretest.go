// Package pgstoretest gives tests a PostgreSQL storage driver of their own:
// a pgstore.DB in a fresh schema that is dropped when the test ends, so
// parallel tests (and parallel test runs sharing a server) never see each
// other's rows.
//
//	func TestSomething(t *testing.T) {
//		db := pgstoretest.Open(t, nil) // skips without ETJANST_PG_DSN
//		store, err := draft.NewStore(db, ...)
//		...
//	}
//
// The server comes from the environment variable ETJANST_PG_DSN (DSNEnv),
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Without it
// the tests that ask for a database skip, saying how to enable them; with it
// an unreachable server fails them. It imports testify and must never be
// imported by production code.
package pgstoretest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage/pgstore"
)

// DSNEnv names the environment variable holding the test server's DSN.
const DSNEnv = "ETJANST_PG_DSN"

// ExampleDSN is a DSN for a local server with trust authentication.
const ExampleDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// cleanupTimeout bounds dropping a test's schema after the test.
const cleanupTimeout = time.Minute

// DSN returns the test server's DSN from DSNEnv, or skips tb with a message
// saying how to enable the test.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		tb.Skipf("PostgreSQL tests are disabled; enable them with %s=%s", DSNEnv, ExampleDSN)
	}
	return dsn
}

// NewSchema returns the name of a fresh, not yet created schema and drops
// that schema, with everything in it, when tb ends. pgstore.Open creates
// it.
func NewSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "etjanst_test_" + hex.EncodeToString(b)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("pgstoretest: drop schema %s: %v", schema, err)
			return
		}
		defer func() { _ = conn.Close(ctx) }()
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			tb.Errorf("pgstoretest: drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// Open opens a pgstore.DB on the test server (see DSN) in a fresh schema
// (see NewSchema) and closes it when tb ends. opts may be nil; its Schema
// is replaced, and a nil Logger discards the migration log lines. A server
// that cannot be reached fails tb.
func Open(tb testing.TB, opts *pgstore.Options) *pgstore.DB {
	tb.Helper()
	dsn := DSN(tb)
	var o pgstore.Options
	if opts != nil {
		o = *opts
	}
	o.Schema = NewSchema(tb, dsn)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := pgstore.Open(context.Background(), dsn, &o)
	require.NoError(tb, err, "pgstoretest: open the test database")
	tb.Cleanup(func() { require.NoError(tb, db.Close()) })
	return db
}
