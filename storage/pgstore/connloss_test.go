package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// terminateIdleInTx kills, from another connection, the backend of the one
// connection with application_name app that sits in an open transaction.
func terminateIdleInTx(t *testing.T, dsn, app string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(context.WithoutCancel(t.Context()))
	var killed int
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM (
		SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
		WHERE application_name = $1 AND state LIKE 'idle in transaction%') k`, app).Scan(&killed))
	require.Equal(t, 1, killed, "one backend in a transaction")
}

func TestConnectionLossMidTransaction(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)

	// next is the call made after the backend died: another write, or
	// Commit right away.
	tests := []struct {
		name string
		next func(ctx context.Context, tx storage.Tx) error
	}{
		{"WriteAfterLoss", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.DraftInsert(ctx, draftParams("d2"))
			return err
		}},
		{"CommitAfterLoss", func(ctx context.Context, tx storage.Tx) error {
			return tx.Commit()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := make([]byte, 6)
			_, _ = rand.Read(b)
			app := "etjanst_connloss_" + hex.EncodeToString(b)
			schema := newSchema(t, dsn)
			db, err := pgstore.Open(t.Context(), withParam(dsn, "application_name", app), quiet(schema))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })

			// Something committed before, which must survive.
			_, err = db.DraftInsert(t.Context(), draftParams("d0"))
			require.NoError(t, err)

			tx, err := db.Begin(t.Context())
			require.NoError(t, err)
			_, err = tx.DraftInsert(t.Context(), draftParams("d1"))
			require.NoError(t, err)
			_, err = tx.AttachmentInsert(t.Context(), &storage.AttachmentInsertParams{
				ID: "a1", DraftID: "d1", Owner: "o", Size: 3, Payload: []byte("abc"), CreatedAt: now,
			})
			require.NoError(t, err)
			row, err := tx.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d0", Owner: "o"})
			require.NoError(t, err)
			_, err = tx.DraftUpdate(t.Context(), &storage.DraftUpdateParams{
				ID: "d0", Owner: "o", Revision: row.Revision, Payload: []byte("changed"), UpdatedAt: now, ExpiresAt: now.Add(time.Hour),
			})
			require.NoError(t, err)

			terminateIdleInTx(t, dsn, app)

			err = tt.next(t.Context(), tx)
			t.Logf("after the connection was lost: %v", err)
			require.ErrorIs(t, err, pgstore.ErrConnLost, "a clear error")
			require.NotErrorIs(t, err, storage.ErrNotFound)
			require.NotErrorIs(t, err, storage.ErrConflict)
			// Whatever comes next fails too and nothing hangs.
			err = tx.Commit()
			require.Error(t, err)
			t.Logf("commit: %v", err)
			require.NoError(t, tx.Rollback())

			// Nothing of the transaction was written.
			_, err = db.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d1", Owner: "o"})
			require.ErrorIs(t, err, storage.ErrNotFound)
			_, err = db.AttachmentGet(t.Context(), &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: "o"})
			require.ErrorIs(t, err, storage.ErrNotFound)
			got, err := db.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d0", Owner: "o"})
			require.NoError(t, err)
			require.Equal(t, []byte("sealed"), got.Payload)
			require.Equal(t, int64(1), got.Revision)

			// The DB recovers: the pool replaces the dead connection.
			require.NoError(t, storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.DraftInsert(ctx, draftParams("d1"))
				return err
			}))
		})
	}
}
