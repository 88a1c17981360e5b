package pgstoretest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
)

func TestOpenGivesEachTestItsOwnSchema(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &storage.DraftInsertParams{ID: "d1", Owner: "o", FormID: "f", CreatedAt: now, ExpiresAt: now}

	var schema string
	t.Run("first", func(t *testing.T) {
		db := pgstoretest.Open(t, nil)
		schema = db.Schema()
		_, err := db.DraftInsert(t.Context(), p)
		require.NoError(t, err)
	})
	t.Run("second", func(t *testing.T) {
		db := pgstoretest.Open(t, nil)
		require.NotEqual(t, schema, db.Schema())
		_, err := db.DraftInsert(t.Context(), p)
		require.NoError(t, err, "the same ID in a schema of its own")
	})
	if schema == "" {
		return // skipped: no server
	}
	// The first subtest's schema was dropped when it ended.
	conn, err := pgx.Connect(t.Context(), os.Getenv(pgstoretest.DSNEnv))
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.Background()) }()
	var n int
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n))
	require.Zero(t, n)
}
