package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// testIsolation checks that another owner's rows behave exactly like missing
// ones, for every owner-scoped operation, on the driver and inside a
// transaction, and that the attempts change nothing.
func (s *suite) testIsolation(t *testing.T) {
	// Each op acts as ownerB on ownerA's draft d1 and attachment a1.
	ops := []struct {
		name string
		do   func(ctx context.Context, b *bundle, ex storage.Executor) error
		// empty instead of ErrNotFound: list operations return nothing.
		empty bool
	}{
		{name: "DraftGet", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftGet(ctx, &storage.DraftGetParams{ID: "d1", Owner: ownerB})
			return err
		}},
		{name: "DraftUpdate", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			up := b.updateParams(&storage.DraftRow{ID: "d1", Owner: ownerB, Revision: 1, KeyID: "k1"}, "hijack")
			_, err := ex.DraftUpdate(ctx, up)
			return err
		}},
		{name: "DraftDelete", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftDelete(ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerB})
		}},
		{name: "DraftList", empty: true, do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			list, err := ex.DraftList(ctx, &storage.DraftListParams{Owner: ownerB})
			require.NoError(b.t, err)
			require.Equal(b.t, []string{"b1"}, ids(list), "only ownerB's own draft")
			return nil
		}},
		{name: "AttachmentInsert", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentInsert(ctx, b.attachmentParams("a2", "d1", ownerB, 5))
			return err
		}},
		{name: "AttachmentGet", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerB})
			return err
		}},
		{name: "AttachmentGetViaOwnDraft", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			// ownerB names its own draft with ownerA's attachment ID.
			_, err := ex.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "b1", Owner: ownerB})
			return err
		}},
		{name: "AttachmentList", empty: true, do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			list, err := ex.AttachmentList(ctx, &storage.AttachmentListParams{DraftID: "d1", Owner: ownerB})
			require.NoError(b.t, err)
			require.Empty(b.t, list)
			return nil
		}},
		{name: "AttachmentDelete", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentDelete(ctx, &storage.AttachmentDeleteParams{ID: "a1", DraftID: "d1", Owner: ownerB})
		}},
		{name: "AttachmentDeleteViaOwnDraft", do: func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentDelete(ctx, &storage.AttachmentDeleteParams{ID: "a1", DraftID: "b1", Owner: ownerB})
		}},
	}
	for _, inTx := range []bool{false, true} {
		mode := "Driver"
		if inTx {
			mode = "Tx"
		}
		for _, op := range ops {
			t.Run(mode+"/"+op.name, func(t *testing.T) {
				b := s.setup(t)
				b.insertDraft("d1", ownerA, nil)
				b.insertAttachment("a1", "d1", ownerA, 11)
				b.insertDraft("b1", ownerB, nil)
				before := b.mustGet("d1", ownerA)

				var err error
				if inTx {
					err = storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
						return op.do(ctx, b, tx)
					})
				} else {
					err = op.do(b.ctx, b, b.d)
				}
				if op.empty {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, storage.ErrNotFound)
				}

				// Nothing of ownerA's changed.
				requireSameDraft(t, before, b.mustGet("d1", ownerA))
				att, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
				require.NoError(t, err)
				require.Equal(t, []byte("sealed-file:a1"), att.Payload)
				_, err = b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a2", DraftID: "d1", Owner: ownerA})
				require.ErrorIs(t, err, storage.ErrNotFound)
				// ownerB's own draft is untouched too.
				require.Equal(t, 0, b.mustGet("b1", ownerB).AttachmentCount)
			})
		}
	}
}
