package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// testContext checks that every method returns the context's error when its
// ctx is done, and that nothing was written.
func (s *suite) testContext(t *testing.T) {
	for _, o := range allOps() {
		t.Run("Driver/"+o.name, func(t *testing.T) {
			b := s.setup(t)
			seedOps(b)
			ctx, cancel := context.WithCancel(b.ctx)
			cancel()
			err := o.call(ctx, b, b.d)
			require.ErrorIs(t, err, context.Canceled)
			requireSeedUnchanged(t, b)
		})
		t.Run("Tx/"+o.name, func(t *testing.T) {
			b := s.setup(t)
			seedOps(b)
			tx, err := b.d.Begin(b.ctx)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(b.ctx)
			cancel()
			err = o.call(ctx, b, tx)
			require.ErrorIs(t, err, context.Canceled)
			require.NoError(t, tx.Rollback())
			requireSeedUnchanged(t, b)
		})
	}

	t.Run("DeadlineExceeded", func(t *testing.T) {
		b := s.setup(t)
		seedOps(b)
		ctx, cancel := context.WithDeadline(b.ctx, time.Unix(0, 0))
		defer cancel()
		_, err := b.d.DraftGet(ctx, &storage.DraftGetParams{ID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		_, err = b.d.DraftUpdate(ctx, b.updateParams(&storage.DraftRow{ID: "d1", Owner: ownerA, Revision: 1}, "x"))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		requireSeedUnchanged(t, b)
	})

	t.Run("Begin", func(t *testing.T) {
		b := s.setup(t)
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		tx, err := b.d.Begin(ctx)
		require.ErrorIs(t, err, context.Canceled)
		require.Nil(t, tx)
		err = storage.WithTx(ctx, b.d, func(context.Context, storage.Tx) error {
			t.Error("fn ran with a cancelled context")
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
		// The driver is still usable.
		b.insertDraft("d1", ownerA, nil)
	})
}

// requireSeedUnchanged checks that seedOps' rows are as inserted.
func requireSeedUnchanged(t *testing.T, b *bundle) {
	t.Helper()
	d := b.mustGet("d1", ownerA)
	require.Equal(t, int64(1), d.Revision)
	require.Equal(t, "k1", d.KeyID)
	require.True(t, d.WarnedAt.IsZero())
	require.Equal(t, 1, d.AttachmentCount)
	b.requireGone("d2", ownerA)
	a, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
	require.NoError(t, err)
	require.Equal(t, "k1", a.KeyID)
}
