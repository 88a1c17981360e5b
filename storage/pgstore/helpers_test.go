package pgstore_test

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

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// dsnEnv names the environment variable that enables the PostgreSQL tests.
const dsnEnv = "ETJANST_PG_DSN"

// testDSN returns the DSN of the test server, or skips the test.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		tb.Skipf("PostgreSQL tests are disabled; enable them with %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable", dsnEnv)
	}
	return dsn
}

// newSchema returns a fresh schema name and drops the schema (with
// everything in it) when the test ends. The schema itself is created by
// Open.
func newSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "etjanst_test_" + hex.EncodeToString(b)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
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
