package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func (s *suite) testAttachment(t *testing.T) {
	t.Run("InsertGetList", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		p := b.attachmentParams("a2", "d1", ownerA, 300)
		p.CreatedAt = b.now.Add(time.Second)
		a2, err := b.d.AttachmentInsert(b.ctx, p)
		require.NoError(t, err)
		a1 := b.insertAttachment("a1", "d1", ownerA, 200)

		want := &storage.AttachmentRow{
			ID: "a2", DraftID: "d1", Owner: ownerA, FieldPath: "bilagor.ritning", ContentType: "application/pdf",
			Size: 300, SHA256: p.SHA256, KeyID: "k1", Payload: []byte("sealed-file:a2"), CreatedAt: b.now.Add(time.Second),
		}
		require.Equal(t, want, a2)
		got, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a2", DraftID: "d1", Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, want, got)

		list, err := b.d.AttachmentList(b.ctx, &storage.AttachmentListParams{DraftID: "d1", Owner: ownerA})
		require.NoError(t, err)
		require.Len(t, list, 2)
		// Oldest first, without payloads.
		require.Equal(t, "a1", list[0].ID)
		require.Equal(t, "a2", list[1].ID)
		for _, r := range list {
			require.Nil(t, r.Payload)
		}
		a1.Payload = nil
		require.Equal(t, a1, list[0])

		d := b.mustGet("d1", ownerA)
		require.Equal(t, 2, d.AttachmentCount)
		require.Equal(t, int64(500), d.AttachmentBytes)
		require.Equal(t, int64(1), d.Revision, "attachments do not bump the revision")
		require.Equal(t, b.now, d.UpdatedAt, "attachments do not touch UpdatedAt")
	})

	t.Run("ListEmpty", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		for _, draftID := range []string{"d1", "missing"} {
			list, err := b.d.AttachmentList(b.ctx, &storage.AttachmentListParams{DraftID: draftID, Owner: ownerA})
			require.NoError(t, err)
			require.Empty(t, list)
		}
	})

	t.Run("InsertOnMissingDraftIsNotFound", func(t *testing.T) {
		b := s.setup(t)
		_, err := b.d.AttachmentInsert(b.ctx, b.attachmentParams("a1", "missing", ownerA, 1))
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("InsertDuplicateIDIsConflictAndCountsNothing", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertDraft("d2", ownerA, nil)
		b.insertAttachment("a1", "d1", ownerA, 10)
		for _, draftID := range []string{"d1", "d2"} {
			_, err := b.d.AttachmentInsert(b.ctx, b.attachmentParams("a1", draftID, ownerA, 99))
			require.ErrorIs(t, err, storage.ErrConflict)
		}
		d1, d2 := b.mustGet("d1", ownerA), b.mustGet("d2", ownerA)
		require.Equal(t, 1, d1.AttachmentCount)
		require.Equal(t, int64(10), d1.AttachmentBytes)
		require.Equal(t, 0, d2.AttachmentCount)
		require.Equal(t, int64(0), d2.AttachmentBytes)
	})

	t.Run("Caps", func(t *testing.T) {
		tests := []struct {
			name     string
			maxCount int
			maxBytes int64
			sizes    []int64
			wantErr  []error
		}{
			{name: "no caps", sizes: []int64{1 << 20, 1 << 20, 1 << 20}, wantErr: []error{nil, nil, nil}},
			{name: "count", maxCount: 2, sizes: []int64{1, 1, 1}, wantErr: []error{nil, nil, storage.ErrLimit}},
			{name: "bytes exactly", maxBytes: 30, sizes: []int64{10, 20, 1}, wantErr: []error{nil, nil, storage.ErrLimit}},
			{name: "bytes one file too big", maxBytes: 30, sizes: []int64{31, 30}, wantErr: []error{storage.ErrLimit, nil}},
			{name: "both", maxCount: 3, maxBytes: 100, sizes: []int64{60, 50, 40, 0, 0}, wantErr: []error{nil, storage.ErrLimit, nil, nil, storage.ErrLimit}},
			{name: "zero size", maxCount: 1, sizes: []int64{0, 0}, wantErr: []error{nil, storage.ErrLimit}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := s.setup(t)
				b.insertDraft("d1", ownerA, nil)
				var count int
				var bytes int64
				for i, size := range tt.sizes {
					p := b.attachmentParams(fmt.Sprintf("a%d", i), "d1", ownerA, size)
					p.MaxCount, p.MaxBytes = tt.maxCount, tt.maxBytes
					_, err := b.d.AttachmentInsert(b.ctx, p)
					if tt.wantErr[i] == nil {
						require.NoError(t, err, "insert %d", i)
						count++
						bytes += size
					} else {
						require.ErrorIs(t, err, tt.wantErr[i], "insert %d", i)
						_, gerr := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: p.ID, DraftID: "d1", Owner: ownerA})
						require.ErrorIs(t, gerr, storage.ErrNotFound, "refused attachment %d was stored", i)
					}
				}
				d := b.mustGet("d1", ownerA)
				require.Equal(t, count, d.AttachmentCount)
				require.Equal(t, bytes, d.AttachmentBytes)
			})
		}
	})

	t.Run("ConcurrentInsertsNeverExceedCap", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		const maxCount = 3
		n := max(s.opts.concurrency(), maxCount+2)
		var (
			wg            sync.WaitGroup
			mu            sync.Mutex
			ok, limited   int
			unexpectedErr []error
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				p := b.attachmentParams(fmt.Sprintf("a%d", i), "d1", ownerA, 100)
				p.MaxCount = maxCount
				_, err := b.d.AttachmentInsert(b.ctx, p)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, storage.ErrLimit):
					limited++
				default:
					unexpectedErr = append(unexpectedErr, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpectedErr)
		require.Equal(t, maxCount, ok)
		require.Equal(t, n-maxCount, limited)
		d := b.mustGet("d1", ownerA)
		require.Equal(t, maxCount, d.AttachmentCount)
		require.Equal(t, int64(100*maxCount), d.AttachmentBytes)
		list, err := b.d.AttachmentList(b.ctx, &storage.AttachmentListParams{DraftID: "d1", Owner: ownerA})
		require.NoError(t, err)
		require.Len(t, list, maxCount)
	})

	t.Run("DeleteUpdatesCounters", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertAttachment("a1", "d1", ownerA, 10)
		b.insertAttachment("a2", "d1", ownerA, 20)
		require.NoError(t, b.d.AttachmentDelete(b.ctx, &storage.AttachmentDeleteParams{ID: "a1", DraftID: "d1", Owner: ownerA}))
		d := b.mustGet("d1", ownerA)
		require.Equal(t, 1, d.AttachmentCount)
		require.Equal(t, int64(20), d.AttachmentBytes)
		_, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)

		err = b.d.AttachmentDelete(b.ctx, &storage.AttachmentDeleteParams{ID: "a1", DraftID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		err = b.d.AttachmentDelete(b.ctx, &storage.AttachmentDeleteParams{ID: "a2", DraftID: "other", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		d = b.mustGet("d1", ownerA)
		require.Equal(t, 1, d.AttachmentCount)
		require.Equal(t, int64(20), d.AttachmentBytes)

		// Deleting frees room under a cap.
		p := b.attachmentParams("a3", "d1", ownerA, 5)
		p.MaxCount = 2
		_, err = b.d.AttachmentInsert(b.ctx, p)
		require.NoError(t, err)
	})

	t.Run("DraftDeleteRemovesAttachments", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertDraft("d2", ownerA, nil)
		b.insertAttachment("a1", "d1", ownerA, 10)
		b.insertAttachment("a2", "d2", ownerA, 10)
		require.NoError(t, b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA}))
		_, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		// A new draft under the same ID starts without attachments, and
		// the old attachment's ID is free.
		b.insertDraft("d1", ownerA, nil)
		list, err := b.d.AttachmentList(b.ctx, &storage.AttachmentListParams{DraftID: "d1", Owner: ownerA})
		require.NoError(t, err)
		require.Empty(t, list)
		b.insertAttachment("a1", "d1", ownerA, 1)
		// The other draft's attachment is untouched.
		_, err = b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a2", DraftID: "d2", Owner: ownerA})
		require.NoError(t, err)
	})

	t.Run("FailedInsertInsideTxKeepsTxUsable", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertAttachment("a1", "d1", ownerA, 10)
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.AttachmentInsert(ctx, b.attachmentParams("a1", "d1", ownerA, 50))
			require.ErrorIs(t, err, storage.ErrConflict)
			p := b.attachmentParams("a2", "d1", ownerA, 50)
			p.MaxCount = 1
			_, err = tx.AttachmentInsert(ctx, p)
			require.ErrorIs(t, err, storage.ErrLimit)
			_, err = tx.AttachmentInsert(ctx, b.attachmentParams("a3", "d1", ownerA, 7))
			return err
		})
		require.NoError(t, err)
		// The failed inserts left no trace, not even in the counters.
		d := b.mustGet("d1", ownerA)
		require.Equal(t, 2, d.AttachmentCount)
		require.Equal(t, int64(17), d.AttachmentBytes)
	})

	t.Run("ReturnedRowDoesNotAliasParams", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		p := b.attachmentParams("a1", "d1", ownerA, 3)
		row, err := b.d.AttachmentInsert(b.ctx, p)
		require.NoError(t, err)
		p.Payload[0], p.SHA256[0] = 'X', 'X'
		require.Equal(t, []byte("sealed-file:a1"), row.Payload)
		require.NotEqual(t, p.SHA256, row.SHA256)
	})
}
