package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func (b *bundle) contactParams(owner string) *storage.ContactUpsertParams {
	return &storage.ContactUpsertParams{
		Owner:     owner,
		Email:     "anna@example.se",
		Phone:     "+46701234567",
		Lang:      "sv",
		Channels:  []string{"email", "sms"},
		UpdatedAt: b.now,
	}
}

func (s *suite) testContact(t *testing.T) {
	t.Run("UpsertThenGet", func(t *testing.T) {
		b := s.setup(t)
		p := b.contactParams(ownerA)
		p.UpdatedAt = p.UpdatedAt.Add(1500 * time.Nanosecond).In(time.FixedZone("CEST", 2*60*60))
		row, err := b.d.ContactUpsert(b.ctx, p)
		require.NoError(t, err)
		want := &storage.ContactRow{
			Owner: ownerA, Email: "anna@example.se", Phone: "+46701234567", Lang: "sv",
			Channels: []string{"email", "sms"}, UpdatedAt: storage.Time(p.UpdatedAt),
		}
		require.Equal(t, want, row)
		p.Channels[0] = "changed"
		require.Equal(t, "email", row.Channels[0], "the row does not alias the params")
		got, err := b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, want, got)
	})

	t.Run("UpsertReplaces", func(t *testing.T) {
		b := s.setup(t)
		_, err := b.d.ContactUpsert(b.ctx, b.contactParams(ownerA))
		require.NoError(t, err)
		p := &storage.ContactUpsertParams{Owner: ownerA, Email: "ny@example.se", UpdatedAt: b.now.Add(time.Hour)}
		_, err = b.d.ContactUpsert(b.ctx, p)
		require.NoError(t, err)
		got, err := b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, &storage.ContactRow{Owner: ownerA, Email: "ny@example.se", UpdatedAt: b.now.Add(time.Hour)}, got)
	})

	t.Run("OwnersAreSeparate", func(t *testing.T) {
		b := s.setup(t)
		_, err := b.d.ContactUpsert(b.ctx, b.contactParams(ownerA))
		require.NoError(t, err)
		_, err = b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerB})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.ErrorIs(t, b.d.ContactDelete(b.ctx, &storage.ContactDeleteParams{Owner: ownerB}), storage.ErrNotFound)
		_, err = b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerA})
		require.NoError(t, err)
	})

	t.Run("Delete", func(t *testing.T) {
		b := s.setup(t)
		_, err := b.d.ContactUpsert(b.ctx, b.contactParams(ownerA))
		require.NoError(t, err)
		require.NoError(t, b.d.ContactDelete(b.ctx, &storage.ContactDeleteParams{Owner: ownerA}))
		_, err = b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.ErrorIs(t, b.d.ContactDelete(b.ctx, &storage.ContactDeleteParams{Owner: ownerA}), storage.ErrNotFound)
	})

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		b := s.setup(t)
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			if _, err := tx.ContactUpsert(ctx, b.contactParams(ownerA)); err != nil {
				return err
			}
			_, err := tx.ContactGet(ctx, &storage.ContactGetParams{Owner: ownerA})
			require.NoError(t, err)
			return context.Canceled // any error rolls back
		})
		require.ErrorIs(t, err, context.Canceled)
		_, err = b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("InvalidAndCancelled", func(t *testing.T) {
		b := s.setup(t)
		_, err := b.d.ContactUpsert(b.ctx, nil)
		require.ErrorIs(t, err, storage.ErrInvalid)
		_, err = b.d.ContactUpsert(b.ctx, &storage.ContactUpsertParams{UpdatedAt: b.now})
		require.ErrorIs(t, err, storage.ErrInvalid)
		_, err = b.d.ContactUpsert(b.ctx, &storage.ContactUpsertParams{Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrInvalid)
		_, err = b.d.ContactGet(b.ctx, nil)
		require.ErrorIs(t, err, storage.ErrInvalid)
		_, err = b.d.ContactGet(b.ctx, &storage.ContactGetParams{})
		require.ErrorIs(t, err, storage.ErrInvalid)
		require.ErrorIs(t, b.d.ContactDelete(b.ctx, nil), storage.ErrInvalid)
		require.ErrorIs(t, b.d.ContactDelete(b.ctx, &storage.ContactDeleteParams{}), storage.ErrInvalid)

		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		_, err = b.d.ContactUpsert(ctx, b.contactParams(ownerA))
		require.ErrorIs(t, err, context.Canceled)
		_, err = b.d.ContactGet(ctx, &storage.ContactGetParams{Owner: ownerA})
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, b.d.ContactDelete(ctx, &storage.ContactDeleteParams{Owner: ownerA}), context.Canceled)
		_, err = b.d.ContactGet(b.ctx, &storage.ContactGetParams{Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}
