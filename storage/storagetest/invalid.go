package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// testInvalid checks that malformed params give ErrInvalid, never a panic,
// and change nothing.
func (s *suite) testInvalid(t *testing.T) {
	type call = func(ctx context.Context, b *bundle, ex storage.Executor) error
	tests := []struct {
		name string
		call call
	}{
		// nil params, for every method
		{"DraftInsert/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftInsert(ctx, nil)
			return err
		}},
		{"DraftGet/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftGet(ctx, nil)
			return err
		}},
		{"DraftUpdate/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftUpdate(ctx, nil)
			return err
		}},
		{"DraftList/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftList(ctx, nil)
			return err
		}},
		{"DraftDelete/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftDelete(ctx, nil)
		}},
		{"DraftDeleteExpired/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftDeleteExpired(ctx, nil)
			return err
		}},
		{"DraftListExpiring/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListExpiring(ctx, nil)
			return err
		}},
		{"DraftMarkWarned/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftMarkWarned(ctx, nil)
		}},
		{"DraftListForReseal/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListForReseal(ctx, nil)
			return err
		}},
		{"DraftReseal/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftReseal(ctx, nil)
		}},
		{"AttachmentInsert/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentInsert(ctx, nil)
			return err
		}},
		{"AttachmentGet/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentGet(ctx, nil)
			return err
		}},
		{"AttachmentList/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentList(ctx, nil)
			return err
		}},
		{"AttachmentDelete/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentDelete(ctx, nil)
		}},
		{"AttachmentListForReseal/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentListForReseal(ctx, nil)
			return err
		}},
		{"AttachmentReseal/nil", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentReseal(ctx, nil)
		}},

		// empty owners
		{"DraftInsert/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftInsert(ctx, b.draftParams("d2", ""))
			return err
		}},
		{"DraftGet/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftGet(ctx, &storage.DraftGetParams{ID: "d1"})
			return err
		}},
		{"DraftUpdate/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftUpdate(ctx, b.updateParams(&storage.DraftRow{ID: "d1", Revision: 1}, "x"))
			return err
		}},
		{"DraftList/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftList(ctx, &storage.DraftListParams{})
			return err
		}},
		{"DraftDelete/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftDelete(ctx, &storage.DraftDeleteParams{ID: "d1"})
		}},
		{"AttachmentInsert/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentInsert(ctx, b.attachmentParams("a2", "d1", "", 1))
			return err
		}},
		{"AttachmentGet/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1"})
			return err
		}},
		{"AttachmentList/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentList(ctx, &storage.AttachmentListParams{DraftID: "d1"})
			return err
		}},
		{"AttachmentDelete/emptyOwner", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentDelete(ctx, &storage.AttachmentDeleteParams{ID: "a1", DraftID: "d1"})
		}},

		// required fields and times
		{"DraftInsert/emptyID", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftInsert(ctx, b.draftParams("", ownerA))
			return err
		}},
		{"DraftInsert/emptyFormID", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			p := b.draftParams("d2", ownerA)
			p.FormID = ""
			_, err := ex.DraftInsert(ctx, p)
			return err
		}},
		{"DraftInsert/zeroCreatedAt", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			p := b.draftParams("d2", ownerA)
			p.CreatedAt = time.Time{}
			_, err := ex.DraftInsert(ctx, p)
			return err
		}},
		{"DraftInsert/zeroExpiresAt", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			p := b.draftParams("d2", ownerA)
			p.ExpiresAt = time.Time{}
			_, err := ex.DraftInsert(ctx, p)
			return err
		}},
		{"DraftUpdate/zeroUpdatedAt", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			p := b.updateParams(&storage.DraftRow{ID: "d1", Owner: ownerA, Revision: 1}, "x")
			p.UpdatedAt = time.Time{}
			_, err := ex.DraftUpdate(ctx, p)
			return err
		}},
		{"DraftUpdate/zeroExpiresAt", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			p := b.updateParams(&storage.DraftRow{ID: "d1", Owner: ownerA, Revision: 1}, "x")
			p.ExpiresAt = time.Time{}
			_, err := ex.DraftUpdate(ctx, p)
			return err
		}},
		{"DraftDeleteExpired/zeroNow", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftDeleteExpired(ctx, &storage.DraftDeleteExpiredParams{})
			return err
		}},
		{"DraftListExpiring/toNotAfterFrom", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListExpiring(ctx, &storage.DraftListExpiringParams{From: b.now, To: b.now})
			return err
		}},
		{"DraftMarkWarned/zeroWarnedAt", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftMarkWarned(ctx, &storage.DraftMarkWarnedParams{ID: "d1"})
		}},
		{"DraftListForReseal/emptyKey", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListForReseal(ctx, &storage.DraftListForResealParams{})
			return err
		}},
		{"DraftReseal/emptyKey", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftReseal(ctx, &storage.DraftResealParams{ID: "d1", Revision: 1})
		}},
		{"AttachmentInsert/negativeSize", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentInsert(ctx, b.attachmentParams("a2", "d1", ownerA, -1))
			return err
		}},
		{"AttachmentInsert/zeroCreatedAt", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			p := b.attachmentParams("a2", "d1", ownerA, 1)
			p.CreatedAt = time.Time{}
			_, err := ex.AttachmentInsert(ctx, p)
			return err
		}},
		{"AttachmentListForReseal/emptyKey", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentListForReseal(ctx, &storage.AttachmentListForResealParams{})
			return err
		}},
		{"AttachmentReseal/emptyKey", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentReseal(ctx, &storage.AttachmentResealParams{ID: "a1", FromKeyID: "k1"})
		}},

		// limits
		{"DraftList/negativeLimit", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftList(ctx, &storage.DraftListParams{Owner: ownerA, Limit: -1})
			return err
		}},
		{"DraftList/limitOverMax", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftList(ctx, &storage.DraftListParams{Owner: ownerA, Limit: storage.MaxLimit + 1})
			return err
		}},
		{"DraftDeleteExpired/limitOverMax", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftDeleteExpired(ctx, &storage.DraftDeleteExpiredParams{Now: b.now.Add(1000 * 24 * time.Hour), Limit: storage.MaxLimit + 1})
			return err
		}},
		{"DraftListExpiring/negativeLimit", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListExpiring(ctx, &storage.DraftListExpiringParams{From: b.now, To: b.now.Add(time.Hour), Limit: -1})
			return err
		}},
		{"DraftListForReseal/negativeLimit", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListForReseal(ctx, &storage.DraftListForResealParams{NotKeyID: "k2", Limit: -1})
			return err
		}},
		{"AttachmentListForReseal/limitOverMax", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentListForReseal(ctx, &storage.AttachmentListForResealParams{NotKeyID: "k2", Limit: storage.MaxLimit + 1})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.setup(t)
			seedOps(b)
			require.NotPanics(t, func() {
				err := tt.call(b.ctx, b, b.d)
				require.ErrorIs(t, err, storage.ErrInvalid)
			})
			err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
				require.NotPanics(t, func() {
					err := tt.call(ctx, b, tx)
					require.ErrorIs(t, err, storage.ErrInvalid)
				})
				return nil
			})
			require.NoError(t, err)
			requireSeedUnchanged(t, b)
		})
	}

	t.Run("WithTxNilFunc", func(t *testing.T) {
		b := s.setup(t)
		require.ErrorIs(t, storage.WithTx(b.ctx, b.d, nil), storage.ErrInvalid)
	})
}
