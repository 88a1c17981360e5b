package storagetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func (s *suite) testExpiry(t *testing.T) {
	t.Run("DeleteExpiredDeletesOnlyExpired", func(t *testing.T) {
		b := s.setup(t)
		expires := map[string]time.Time{
			"past":      b.now.Add(-time.Hour),
			"exactly":   b.now,
			"justAfter": b.now.Add(time.Microsecond),
			"future":    b.now.Add(time.Hour),
		}
		for id, at := range expires {
			b.insertDraft(id, ownerA, func(p *storage.DraftInsertParams) { p.ExpiresAt = at })
			b.insertAttachment("att-"+id, id, ownerA, 1)
		}
		deleted, err := b.d.DraftDeleteExpired(b.ctx, &storage.DraftDeleteExpiredParams{Now: b.now})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"past", "exactly"}, deleted)

		for _, id := range []string{"past", "exactly"} {
			b.requireGone(id, ownerA)
			_, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "att-" + id, DraftID: id, Owner: ownerA})
			require.ErrorIs(t, err, storage.ErrNotFound)
		}
		for _, id := range []string{"justAfter", "future"} {
			b.mustGet(id, ownerA)
			_, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "att-" + id, DraftID: id, Owner: ownerA})
			require.NoError(t, err)
		}

		deleted, err = b.d.DraftDeleteExpired(b.ctx, &storage.DraftDeleteExpiredParams{Now: b.now})
		require.NoError(t, err)
		require.Empty(t, deleted)
	})

	t.Run("DeleteExpiredInBoundedBatchesOldestFirst", func(t *testing.T) {
		b := s.setup(t)
		var want []string
		for i := range 7 {
			id := fmt.Sprintf("d%d", i)
			want = append(want, id)
			// d0 expires last, d6 first.
			b.insertDraft(id, ownerA, func(p *storage.DraftInsertParams) {
				p.ExpiresAt = b.now.Add(-time.Duration(i+1) * time.Minute)
			})
		}
		b.insertDraft("alive", ownerA, nil)
		var batches [][]string
		for {
			deleted, err := b.d.DraftDeleteExpired(b.ctx, &storage.DraftDeleteExpiredParams{Now: b.now, Limit: 3})
			require.NoError(t, err)
			if len(deleted) == 0 {
				break
			}
			require.LessOrEqual(t, len(deleted), 3)
			batches = append(batches, deleted)
			require.Less(t, len(batches), 10, "DraftDeleteExpired does not make progress")
		}
		require.Len(t, batches, 3)
		require.ElementsMatch(t, []string{"d6", "d5", "d4"}, batches[0])
		require.ElementsMatch(t, []string{"d3", "d2", "d1"}, batches[1])
		require.Equal(t, []string{"d0"}, batches[2])
		require.ElementsMatch(t, want, slices.Concat(batches...))
		b.mustGet("alive", ownerA)
	})

	t.Run("ConcurrentJanitorsDeleteEachDraftOnce", func(t *testing.T) {
		b := s.setup(t)
		const total = 40
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			for i := range total {
				p := b.draftParams(fmt.Sprintf("d%02d", i), ownerA)
				p.ExpiresAt = b.now.Add(-time.Minute)
				if _, err := tx.DraftInsert(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, err)
		n := s.opts.concurrency()
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			all  []string
			errs []error
		)
		for range n {
			wg.Go(func() {
				for {
					deleted, err := b.d.DraftDeleteExpired(b.ctx, &storage.DraftDeleteExpiredParams{Now: b.now, Limit: 2})
					mu.Lock()
					all = append(all, deleted...)
					if err != nil {
						errs = append(errs, err)
					}
					mu.Unlock()
					if err != nil || len(deleted) == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		require.Empty(t, errs)
		require.Len(t, all, total)
		slices.Sort(all)
		require.Len(t, slices.Compact(all), total, "an ID was returned twice")
	})

	t.Run("ListExpiringWindow", func(t *testing.T) {
		b := s.setup(t)
		from, to := b.now, b.now.Add(7*24*time.Hour)
		expires := map[string]time.Time{
			"expired":      from.Add(-time.Hour),
			"atFrom":       from,
			"justAfterFrm": from.Add(time.Microsecond),
			"middle":       from.Add(3 * 24 * time.Hour),
			"atTo":         to,
			"afterTo":      to.Add(time.Microsecond),
			"warned":       from.Add(time.Hour),
		}
		for id, at := range expires {
			b.insertDraft(id, ownerA, func(p *storage.DraftInsertParams) { p.ExpiresAt = at })
		}
		b.insertDraft("otherOwner", ownerB, func(p *storage.DraftInsertParams) { p.ExpiresAt = from.Add(2 * time.Hour) })
		require.NoError(t, b.d.DraftMarkWarned(b.ctx, &storage.DraftMarkWarnedParams{ID: "warned", WarnedAt: b.now}))

		list, err := b.d.DraftListExpiring(b.ctx, &storage.DraftListExpiringParams{From: from, To: to})
		require.NoError(t, err)
		require.Equal(t, []string{"justAfterFrm", "otherOwner", "middle", "atTo"}, ids(list), "soonest first, all owners")
		require.Equal(t, expires["middle"], list[2].ExpiresAt)
		require.Equal(t, ownerB, list[1].Owner)

		list, err = b.d.DraftListExpiring(b.ctx, &storage.DraftListExpiringParams{From: from, To: to, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"justAfterFrm", "otherOwner"}, ids(list))
	})

	t.Run("MarkWarned", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, func(p *storage.DraftInsertParams) { p.ExpiresAt = b.now.Add(time.Hour) })
		window := &storage.DraftListExpiringParams{From: b.now, To: b.now.Add(24 * time.Hour)}

		// A stale revision does not mark.
		err := b.d.DraftMarkWarned(b.ctx, &storage.DraftMarkWarnedParams{ID: "d1", Revision: 2, WarnedAt: b.now})
		require.ErrorIs(t, err, storage.ErrConflict)
		require.True(t, b.mustGet("d1", ownerA).WarnedAt.IsZero())

		err = b.d.DraftMarkWarned(b.ctx, &storage.DraftMarkWarnedParams{ID: "d1", Revision: row.Revision, WarnedAt: b.now.Add(time.Second)})
		require.NoError(t, err)
		got := b.mustGet("d1", ownerA)
		require.Equal(t, b.now.Add(time.Second), got.WarnedAt)
		require.Equal(t, row.Revision, got.Revision, "marking does not bump the revision")
		list, err := b.d.DraftListExpiring(b.ctx, window)
		require.NoError(t, err)
		require.Empty(t, list)

		// A save clears the mark: the draft is warned again next time.
		up := b.updateParams(got, "v2")
		up.ExpiresAt = b.now.Add(2 * time.Hour)
		_, err = b.d.DraftUpdate(b.ctx, up)
		require.NoError(t, err)
		require.True(t, b.mustGet("d1", ownerA).WarnedAt.IsZero())
		list, err = b.d.DraftListExpiring(b.ctx, window)
		require.NoError(t, err)
		require.Equal(t, []string{"d1"}, ids(list))

		err = b.d.DraftMarkWarned(b.ctx, &storage.DraftMarkWarnedParams{ID: "missing", WarnedAt: b.now})
		require.ErrorIs(t, err, storage.ErrNotFound)
		err = b.d.DraftMarkWarned(b.ctx, &storage.DraftMarkWarnedParams{ID: "missing", Revision: 1, WarnedAt: b.now})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}
