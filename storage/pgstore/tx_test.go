package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

func TestEndedBeginContextReleasesTheConnection(t *testing.T) {
	// With one connection in the pool, a transaction whose ctx ended
	// without Commit or Rollback must give the connection back by itself
	// (as database/sql does), or every later call waits forever.
	t.Parallel()
	db := openOneConnDB(t, testDSN(t))

	ctx, cancel := context.WithCancel(t.Context())
	tx, err := db.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.DraftInsert(ctx, draftParams("d1"))
	require.NoError(t, err)
	cancel()

	// A generous bound, only so that a regression fails instead of
	// hanging the test run; it measures nothing.
	wait, stop := context.WithTimeout(t.Context(), time.Minute)
	defer stop()
	_, err = db.DraftGet(wait, &storage.DraftGetParams{ID: "d1", Owner: "o"})
	require.ErrorIs(t, err, storage.ErrNotFound, "rolled back, and the connection is free again")

	_, err = tx.DraftInsert(t.Context(), draftParams("d2"))
	require.ErrorIs(t, err, storage.ErrTxDone)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, tx.Commit(), context.Canceled)
	require.NoError(t, tx.Rollback())
}

func TestDeadlockInsideTransactionIsConflict(t *testing.T) {
	// Two transactions update two drafts in opposite orders. PostgreSQL
	// aborts one of them (deadlock_detected); its call reports a lost
	// race, ErrConflict, and the other transaction commits.
	t.Parallel()
	db := openTestDB(t, testDSN(t))
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, id := range []string{"d1", "d2"} {
		_, err := db.DraftInsert(t.Context(), draftParams(id))
		require.NoError(t, err)
	}
	update := func(tx storage.Tx, id string) error {
		_, err := tx.DraftUpdate(t.Context(), &storage.DraftUpdateParams{
			ID: id, Owner: "o", Revision: 1, Payload: []byte("x"), UpdatedAt: now, ExpiresAt: now.Add(time.Hour),
		})
		return err
	}
	txs := make([]storage.Tx, 2)
	for i := range txs {
		var err error
		txs[i], err = db.Begin(t.Context())
		require.NoError(t, err)
		t.Cleanup(func() { _ = txs[i].Rollback() })
	}
	require.NoError(t, update(txs[0], "d1"))
	require.NoError(t, update(txs[1], "d2"))
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, id := range []string{"d2", "d1"} {
		wg.Go(func() {
			if errs[i] = update(txs[i], id); errs[i] != nil {
				_ = txs[i].Rollback()
				return
			}
			errs[i] = txs[i].Commit()
		})
	}
	wg.Wait()
	lost := 0
	for _, err := range errs {
		if err != nil {
			lost++
			require.ErrorIs(t, err, storage.ErrConflict)
			require.ErrorContains(t, err, "40P01")
		}
	}
	require.Equal(t, 1, lost, "exactly one transaction is the deadlock victim: %v", errors.Join(errs...))
	for _, id := range []string{"d1", "d2"} {
		got, err := db.DraftGet(t.Context(), &storage.DraftGetParams{ID: id, Owner: "o"})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Revision, "the winner updated both")
	}
}

func TestTextPostgresCannotHold(t *testing.T) {
	// PostgreSQL's text holds valid UTF-8 without NUL bytes, and rejecting
	// a value would abort the transaction. Lookups by such strings find
	// nothing and writes of them are ErrInvalid, both without touching
	// the transaction, which still commits.
	t.Parallel()
	db := openTestDB(t, testDSN(t))
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	bad := []string{"a\x00b", "a\xffb"}
	err := storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
		_, err := tx.DraftInsert(ctx, draftParams("d1"))
		require.NoError(t, err)
		for _, s := range bad {
			_, err := tx.DraftGet(ctx, &storage.DraftGetParams{ID: s, Owner: "o"})
			require.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.DraftGet(ctx, &storage.DraftGetParams{ID: "d1", Owner: s})
			require.ErrorIs(t, err, storage.ErrNotFound)
			list, err := tx.DraftList(ctx, &storage.DraftListParams{Owner: s})
			require.NoError(t, err)
			require.Empty(t, list)
			require.ErrorIs(t, tx.DraftDelete(ctx, &storage.DraftDeleteParams{ID: s, Owner: "o"}), storage.ErrNotFound)
			_, err = tx.DraftInsert(ctx, draftParams(s))
			require.ErrorIs(t, err, storage.ErrInvalid)
			_, err = tx.AttachmentInsert(ctx, &storage.AttachmentInsertParams{
				ID: "a1", DraftID: "d1", Owner: "o", FieldPath: s, CreatedAt: now,
			})
			require.ErrorIs(t, err, storage.ErrInvalid)
			_, err = tx.CaseFind(ctx, &storage.CaseFindParams{Reference: s})
			require.ErrorIs(t, err, storage.ErrNotFound)
			require.ErrorIs(t, tx.InboxInsert(ctx, &storage.InboxInsertParams{ID: "m1", Owner: "o", Kind: s, CreatedAt: now}), storage.ErrInvalid)
			n, err := tx.InboxUnreadCount(ctx, &storage.InboxUnreadCountParams{Owner: s})
			require.NoError(t, err)
			require.Zero(t, n)
		}
		return nil
	})
	require.NoError(t, err, "the transaction survived")
	_, err = db.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d1", Owner: "o"})
	require.NoError(t, err)

	// A remote server's error text is kept, made storable.
	ok, err := db.OutboxInsert(t.Context(), &storage.OutboxInsertParams{ID: "o1", Channel: "email", Recipient: "r", CreatedAt: now})
	require.NoError(t, err)
	require.True(t, ok)
	_, err = db.OutboxClaim(t.Context(), &storage.OutboxClaimParams{Worker: "w", Now: now, Lease: time.Minute})
	require.NoError(t, err)
	require.NoError(t, db.OutboxRetry(t.Context(), &storage.OutboxRetryParams{
		ID: "o1", Worker: "w", NextAttemptAt: now, LastError: "550 \xff\x00 rejected",
	}))
	got, err := db.OutboxGet(t.Context(), &storage.OutboxGetParams{ID: "o1"})
	require.NoError(t, err)
	require.Equal(t, "550 \uFFFD\uFFFD rejected", got.LastError)
}

// A transaction's BEGIN goes out with its first statement, whatever that
// statement's shape (one row, many rows, a write): what the transaction
// writes is still invisible outside until Commit, and a transaction that
// ran nothing gives its connection back on Commit and on Rollback.
func TestTransactionBeginsWithItsFirstStatement(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	db := openOneConnDB(t, dsn)
	outside, err := pgstore.Open(t.Context(), dsn, quiet(db.Schema()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = outside.Close() })
	ctx := t.Context()
	_, err = db.DraftInsert(ctx, draftParams("d0"))
	require.NoError(t, err)

	// With one connection, a transaction that never began must not keep
	// it (a regression would hang here: bound it).
	bounded, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	for range 3 {
		tx, err := db.Begin(bounded)
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
		tx, err = db.Begin(bounded)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback())
	}

	firsts := []struct {
		name string
		run  func(tx storage.Tx) error
	}{
		{"row", func(tx storage.Tx) error {
			_, err := tx.DraftGet(ctx, &storage.DraftGetParams{ID: "d0", Owner: "o"})
			return err
		}},
		{"rows", func(tx storage.Tx) error {
			list, err := tx.DraftList(ctx, &storage.DraftListParams{Owner: "o"})
			if err == nil && len(list) == 0 {
				err = errors.New("no drafts listed")
			}
			return err
		}},
		{"write", func(tx storage.Tx) error {
			_, err := tx.DraftInsert(ctx, draftParams("w-first"))
			return err
		}},
		{"missingRow", func(tx storage.Tx) error {
			_, err := tx.DraftGet(ctx, &storage.DraftGetParams{ID: "nope", Owner: "o"})
			if errors.Is(err, storage.ErrNotFound) {
				return nil
			}
			return err
		}},
	}
	for _, first := range firsts {
		tx, err := db.Begin(bounded)
		require.NoError(t, err)
		require.NoError(t, first.run(tx), first.name)
		id := "x-" + first.name
		_, err = tx.DraftInsert(ctx, draftParams(id))
		require.NoError(t, err, first.name)
		_, err = outside.DraftGet(ctx, &storage.DraftGetParams{ID: id, Owner: "o"})
		require.ErrorIs(t, err, storage.ErrNotFound, "%s: not visible before Commit", first.name)
		require.NoError(t, tx.Commit(), first.name)
		_, err = outside.DraftGet(ctx, &storage.DraftGetParams{ID: id, Owner: "o"})
		require.NoError(t, err, "%s: visible after Commit", first.name)
	}

	tx, err := db.Begin(bounded)
	require.NoError(t, err)
	_, err = tx.DraftInsert(ctx, draftParams("rolled-back"))
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	_, err = outside.DraftGet(ctx, &storage.DraftGetParams{ID: "rolled-back", Owner: "o"})
	require.ErrorIs(t, err, storage.ErrNotFound)
}
