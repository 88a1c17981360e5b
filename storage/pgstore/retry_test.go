package pgstore_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// retryCounter is a slog.Handler counting the driver's retry lines.
type retryCounter struct{ n atomic.Int64 }

func (h *retryCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *retryCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "pgstore: retrying" {
		h.n.Add(1)
	}
	return nil
}
func (h *retryCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *retryCounter) WithGroup(string) slog.Handler      { return h }

func TestCallOnTheDBIsRetriedAfterADeadlock(t *testing.T) {
	// An expiry janitor (a call on the DB, its own transaction) locks d1
	// and waits for d2, held by a user's transaction, which then wants
	// d1: a deadlock. PostgreSQL aborts one side. If it picks the janitor,
	// the driver runs the janitor's call again, and the caller never sees
	// the deadlock; if it picks the transaction, that gets ErrConflict.
	// Either way the call on the DB succeeds.
	t.Parallel()
	dsn := testDSN(t)
	var counter retryCounter
	o := quiet(newSchema(t, dsn))
	o.Logger = slog.New(&counter)
	db, err := pgstore.Open(t.Context(), dsn, o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	raw, err := pgstore.OpenRaw(t.Context(), dsn, o)
	require.NoError(t, err)
	t.Cleanup(raw.Close)

	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	for i, id := range []string{"d1", "d2"} {
		p := draftParams(id)
		p.ExpiresAt = now.Add(-time.Duration(2-i) * time.Hour) // d1 expires first
		_, err := db.DraftInsert(t.Context(), p)
		require.NoError(t, err)
	}
	extend := func(tx storage.Tx, id string) error {
		_, err := tx.DraftUpdate(t.Context(), &storage.DraftUpdateParams{
			ID: id, Owner: "o", Revision: 1, Payload: []byte("x"), UpdatedAt: now, ExpiresAt: now.Add(time.Hour),
		})
		return err
	}
	tx, err := db.Begin(t.Context())
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback() })
	require.NoError(t, extend(tx, "d2"))

	janitor := make(chan error, 1)
	go func() {
		_, err := db.DraftDeleteExpired(t.Context(), &storage.DraftDeleteExpiredParams{Now: now})
		janitor <- err
	}()
	// Wait until the janitor is blocked on d2's lock.
	for {
		var waiting bool
		require.NoError(t, raw.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM drafts%')`).Scan(&waiting))
		if waiting {
			break
		}
		select {
		case err := <-janitor:
			t.Fatalf("the janitor did not wait for d2: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}

	txErr := extend(tx, "d1")
	if txErr == nil {
		txErr = tx.Commit()
	} else {
		_ = tx.Rollback()
	}
	require.NoError(t, <-janitor, "the call on the DB never reports the deadlock")
	t.Logf("transaction: %v; retries: %d", txErr, counter.n.Load())
	if txErr != nil {
		require.ErrorIs(t, txErr, storage.ErrConflict, "the transaction was the victim")
		return
	}
	require.Positive(t, counter.n.Load(), "the janitor was the victim and was retried")
	var n int
	require.NoError(t, raw.QueryRow(t.Context(), `SELECT count(*) FROM drafts`).Scan(&n))
	require.Equal(t, 2, n, "both drafts were extended before the retry ran")
}
