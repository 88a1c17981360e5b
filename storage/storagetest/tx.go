package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func (s *suite) testTx(t *testing.T) {
	t.Run("CommitPersistsAndTxSeesOwnWrites", func(t *testing.T) {
		b := s.setup(t)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback() }()
		_, err = tx.DraftInsert(b.ctx, b.draftParams("d1", ownerA))
		require.NoError(t, err)
		_, err = tx.AttachmentInsert(b.ctx, b.attachmentParams("a1", "d1", ownerA, 4))
		require.NoError(t, err)

		// Inside: visible to every read.
		row, err := tx.DraftGet(b.ctx, &storage.DraftGetParams{ID: "d1", Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, 1, row.AttachmentCount)
		list, err := tx.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, []string{"d1"}, ids(list))
		atts, err := tx.AttachmentList(b.ctx, &storage.AttachmentListParams{DraftID: "d1", Owner: ownerA})
		require.NoError(t, err)
		require.Len(t, atts, 1)
		_, err = tx.DraftUpdate(b.ctx, b.updateParams(row, "v2"))
		require.NoError(t, err)

		// Outside, before commit: not visible.
		b.requireGone("d1", ownerA)

		require.NoError(t, tx.Commit())
		got := b.mustGet("d1", ownerA)
		require.Equal(t, int64(2), got.Revision)
		require.Equal(t, []byte("v2"), got.Payload)
		require.Equal(t, 1, got.AttachmentCount)
	})

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		b := s.setup(t)
		existing := b.insertDraft("d0", ownerA, nil)
		b.insertAttachment("a0", "d0", ownerA, 3)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		_, err = tx.DraftInsert(b.ctx, b.draftParams("d1", ownerA))
		require.NoError(t, err)
		_, err = tx.AttachmentInsert(b.ctx, b.attachmentParams("a1", "d1", ownerA, 4))
		require.NoError(t, err)
		_, err = tx.DraftUpdate(b.ctx, b.updateParams(existing, "changed"))
		require.NoError(t, err)
		require.NoError(t, tx.AttachmentDelete(b.ctx, &storage.AttachmentDeleteParams{ID: "a0", DraftID: "d0", Owner: ownerA}))
		deleted, err := tx.DraftDeleteExpired(b.ctx, &storage.DraftDeleteExpiredParams{Now: b.now.Add(1000 * 24 * time.Hour)})
		require.NoError(t, err)
		require.Len(t, deleted, 2)
		require.NoError(t, tx.Rollback())

		b.requireGone("d1", ownerA)
		got := b.mustGet("d0", ownerA)
		require.Equal(t, int64(1), got.Revision)
		require.Equal(t, []byte("sealed:d0"), got.Payload)
		require.Equal(t, 1, got.AttachmentCount)
		_, err = b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a0", DraftID: "d0", Owner: ownerA})
		require.NoError(t, err)
		_, err = b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("WithTxErrorRollsBack", func(t *testing.T) {
		b := s.setup(t)
		errStop := errors.New("stop")
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			if _, err := tx.DraftInsert(ctx, b.draftParams("d1", ownerA)); err != nil {
				return err
			}
			return errStop
		})
		require.ErrorIs(t, err, errStop)
		b.requireGone("d1", ownerA)
	})

	t.Run("WithTxPanicRollsBack", func(t *testing.T) {
		b := s.setup(t)
		require.Panics(t, func() {
			_ = storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
				if _, err := tx.DraftInsert(ctx, b.draftParams("d1", ownerA)); err != nil {
					return err
				}
				panic("boom")
			})
		})
		b.requireGone("d1", ownerA)
		// The driver is still usable.
		b.insertDraft("d2", ownerA, nil)
	})

	t.Run("WithTxCommits", func(t *testing.T) {
		b := s.setup(t)
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.DraftInsert(ctx, b.draftParams("d1", ownerA))
			return err
		})
		require.NoError(t, err)
		b.mustGet("d1", ownerA)
	})

	t.Run("EndedTx", func(t *testing.T) {
		b := s.setup(t)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
		require.NoError(t, tx.Rollback(), "Rollback after Commit is a no-op")
		require.ErrorIs(t, tx.Commit(), storage.ErrTxDone)
		_, err = tx.DraftInsert(b.ctx, b.draftParams("d1", ownerA))
		require.ErrorIs(t, err, storage.ErrTxDone)
		_, err = tx.DraftGet(b.ctx, &storage.DraftGetParams{ID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrTxDone)

		tx, err = b.d.Begin(b.ctx)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback())
		require.NoError(t, tx.Rollback())
		require.ErrorIs(t, tx.Commit(), storage.ErrTxDone)
		b.requireGone("d1", ownerA)
	})

	t.Run("SequentialTransactions", func(t *testing.T) {
		// A driver must hand its connection back after every commit and
		// rollback: many transactions in a row neither block nor leak.
		b := s.setup(t)
		for i := range 50 {
			tx, err := b.d.Begin(b.ctx)
			require.NoError(t, err)
			if i%2 == 0 {
				require.NoError(t, tx.Rollback())
				continue
			}
			require.NoError(t, tx.Commit())
		}
		b.insertDraft("d1", ownerA, nil)
	})

	t.Run("CancelledBeginCtxRollsBack", func(t *testing.T) {
		b := s.setup(t)
		ctx, cancel := context.WithCancel(b.ctx)
		tx, err := b.d.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.DraftInsert(ctx, b.draftParams("d1", ownerA))
		require.NoError(t, err)
		cancel()
		require.Error(t, tx.Commit())
		require.NoError(t, tx.Rollback())
		b.requireGone("d1", ownerA)
		// The driver is still usable.
		b.insertDraft("d2", ownerA, nil)
	})
}
