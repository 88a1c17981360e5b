package storagetest

import (
	"context"
	"time"

	"github.com/etjanst/etjanst/storage"
)

// op is one Executor method called with params that are valid for the
// fixture made by seedOps.
type op struct {
	name string
	call func(ctx context.Context, b *bundle, ex storage.Executor) error
}

// seedOps inserts what allOps' calls refer to: ownerA's draft d1 with
// attachment a1.
func seedOps(b *bundle) {
	b.insertDraft("d1", ownerA, nil)
	b.insertAttachment("a1", "d1", ownerA, 1)
}

// allOps lists every Executor method once.
func allOps() []op {
	return []op{
		{"DraftInsert", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftInsert(ctx, b.draftParams("d2", ownerA))
			return err
		}},
		{"DraftGet", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftGet(ctx, &storage.DraftGetParams{ID: "d1", Owner: ownerA})
			return err
		}},
		{"DraftUpdate", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftUpdate(ctx, b.updateParams(&storage.DraftRow{ID: "d1", Owner: ownerA, Revision: 1}, "x"))
			return err
		}},
		{"DraftList", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftList(ctx, &storage.DraftListParams{Owner: ownerA})
			return err
		}},
		{"DraftDelete", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftDelete(ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA})
		}},
		{"DraftDeleteExpired", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftDeleteExpired(ctx, &storage.DraftDeleteExpiredParams{Now: b.now})
			return err
		}},
		{"DraftListExpiring", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListExpiring(ctx, &storage.DraftListExpiringParams{From: b.now, To: b.now.Add(24 * time.Hour)})
			return err
		}},
		{"DraftMarkWarned", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftMarkWarned(ctx, &storage.DraftMarkWarnedParams{ID: "d1", WarnedAt: b.now})
		}},
		{"DraftListForReseal", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.DraftListForReseal(ctx, &storage.DraftListForResealParams{NotKeyID: "k2"})
			return err
		}},
		{"DraftReseal", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.DraftReseal(ctx, &storage.DraftResealParams{ID: "d1", Revision: 1, KeyID: "k2", Payload: []byte("x")})
		}},
		{"AttachmentInsert", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentInsert(ctx, b.attachmentParams("a2", "d1", ownerA, 1))
			return err
		}},
		{"AttachmentGet", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
			return err
		}},
		{"AttachmentList", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentList(ctx, &storage.AttachmentListParams{DraftID: "d1", Owner: ownerA})
			return err
		}},
		{"AttachmentDelete", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentDelete(ctx, &storage.AttachmentDeleteParams{ID: "a1", DraftID: "d1", Owner: ownerA})
		}},
		{"AttachmentListForReseal", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			_, err := ex.AttachmentListForReseal(ctx, &storage.AttachmentListForResealParams{NotKeyID: "k2"})
			return err
		}},
		{"AttachmentReseal", func(ctx context.Context, b *bundle, ex storage.Executor) error {
			return ex.AttachmentReseal(ctx, &storage.AttachmentResealParams{ID: "a1", FromKeyID: "k1", KeyID: "k2", Payload: []byte("x")})
		}},
	}
}
