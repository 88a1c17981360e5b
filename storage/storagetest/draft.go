package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func (s *suite) testDraft(t *testing.T) {
	t.Run("InsertThenGet", func(t *testing.T) {
		b := s.setup(t)
		p := b.draftParams("d1", ownerA)
		p.CompletedSteps = []string{"intro", "sokande"}
		row, err := b.d.DraftInsert(b.ctx, p)
		require.NoError(t, err)
		want := &storage.DraftRow{
			ID: "d1", Owner: ownerA, FormID: "bygglov", FormVersion: 3, Revision: 1,
			Step: "sokande", CompletedSteps: []string{"intro", "sokande"}, Progress: 25,
			KeyID: "k1", Payload: []byte("sealed:d1"),
			CreatedAt: b.now, UpdatedAt: b.now, ExpiresAt: b.now.Add(90 * 24 * time.Hour),
		}
		requireSameDraft(t, want, row)
		requireSameDraft(t, want, b.mustGet("d1", ownerA))
	})

	t.Run("InsertUpdatedAtDefaultsToCreatedAt", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, func(p *storage.DraftInsertParams) { p.UpdatedAt = b.now.Add(time.Minute) })
		require.Equal(t, b.now.Add(time.Minute), row.UpdatedAt)
		require.Equal(t, b.now.Add(time.Minute), b.mustGet("d1", ownerA).UpdatedAt)
		row = b.insertDraft("d2", ownerA, nil)
		require.Equal(t, b.now, row.UpdatedAt)
	})

	t.Run("InsertEmptyPayloadAndSteps", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, func(p *storage.DraftInsertParams) {
			p.Payload, p.CompletedSteps, p.Step = nil, nil, ""
		})
		got := b.mustGet("d1", ownerA)
		require.Empty(t, got.Payload)
		require.Empty(t, got.CompletedSteps)
		require.Empty(t, got.Step)
	})

	t.Run("InsertDuplicateIDIsConflict", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		for _, owner := range []string{ownerA, ownerB} {
			_, err := b.d.DraftInsert(b.ctx, b.draftParams("d1", owner))
			require.ErrorIs(t, err, storage.ErrConflict, "owner %s", owner)
		}
		require.Equal(t, []byte("sealed:d1"), b.mustGet("d1", ownerA).Payload)
		b.requireGone("d1", ownerB)
	})

	t.Run("ReturnedRowDoesNotAliasParams", func(t *testing.T) {
		b := s.setup(t)
		p := b.draftParams("d1", ownerA)
		row, err := b.d.DraftInsert(b.ctx, p)
		require.NoError(t, err)
		p.Payload[0] = 'X'
		p.CompletedSteps[0] = "changed"
		require.Equal(t, []byte("sealed:d1"), row.Payload)
		require.Equal(t, []string{"intro"}, row.CompletedSteps)
		require.Equal(t, []byte("sealed:d1"), b.mustGet("d1", ownerA).Payload)
	})

	t.Run("GetMissingIsNotFound", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		for _, id := range []string{"nope", "", "D1", "d1 "} {
			_, err := b.d.DraftGet(b.ctx, &storage.DraftGetParams{ID: id, Owner: ownerA})
			require.ErrorIs(t, err, storage.ErrNotFound, "id %q", id)
		}
	})

	t.Run("UpdateBumpsRevision", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		orig := b.mustGet("d1", ownerA)
		up := b.updateParams(orig, "sealed:v2")
		up.FormVersion = 4
		up.KeyID = "k2"
		rev, err := b.d.DraftUpdate(b.ctx, up)
		require.NoError(t, err)
		require.Equal(t, int64(2), rev)
		want := &storage.DraftRow{
			ID: "d1", Owner: ownerA, FormID: "bygglov", FormVersion: 4, Revision: 2,
			Step: "fastighet", CompletedSteps: []string{"intro", "sokande"}, Progress: 50,
			KeyID: "k2", Payload: []byte("sealed:v2"),
			CreatedAt: b.now, UpdatedAt: b.now.Add(time.Hour), ExpiresAt: b.now.Add(91 * 24 * time.Hour),
		}
		row := b.mustGet("d1", ownerA)
		requireSameDraft(t, want, row)

		up = b.updateParams(row, "sealed:v3")
		rev, err = b.d.DraftUpdate(b.ctx, up)
		require.NoError(t, err)
		require.Equal(t, int64(3), rev)
		require.Equal(t, int64(3), b.mustGet("d1", ownerA).Revision)
	})

	t.Run("UpdateKeepsAttachmentCounters", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertAttachment("a1", "d1", ownerA, 10)
		_, err := b.d.DraftUpdate(b.ctx, b.updateParams(b.mustGet("d1", ownerA), "v2"))
		require.NoError(t, err)
		row := b.mustGet("d1", ownerA)
		require.Equal(t, 1, row.AttachmentCount)
		require.Equal(t, int64(10), row.AttachmentBytes)
	})

	t.Run("UpdateStaleRevisionIsConflict", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, nil)
		_, err := b.d.DraftUpdate(b.ctx, b.updateParams(row, "first"))
		require.NoError(t, err)
		for _, rev := range []int64{1, 0, 3, -1} {
			up := b.updateParams(row, "stale")
			up.Revision = rev
			_, err = b.d.DraftUpdate(b.ctx, up)
			require.ErrorIs(t, err, storage.ErrConflict, "revision %d", rev)
			require.NotErrorIs(t, err, storage.ErrNotFound)
		}
		got := b.mustGet("d1", ownerA)
		require.Equal(t, int64(2), got.Revision)
		require.Equal(t, []byte("first"), got.Payload)
	})

	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, nil)
		up := b.updateParams(row, "x")
		up.ID = "nope"
		_, err := b.d.DraftUpdate(b.ctx, up)
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.NotErrorIs(t, err, storage.ErrConflict)
	})

	t.Run("ConcurrentUpdatesOnOneRevisionExactlyOneWins", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, nil)
		n := s.opts.concurrency()
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			wins      []string
			conflicts int
			others    []error
		)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				payload := fmt.Sprintf("writer-%d", i)
				_, err := b.d.DraftUpdate(b.ctx, b.updateParams(row, payload))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins = append(wins, payload)
				case errors.Is(err, storage.ErrConflict):
					conflicts++
				default:
					others = append(others, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Empty(t, others)
		require.Len(t, wins, 1)
		require.Equal(t, n-1, conflicts)
		got := b.mustGet("d1", ownerA)
		require.Equal(t, int64(2), got.Revision)
		require.Equal(t, []byte(wins[0]), got.Payload)
	})

	t.Run("DeleteRemovesDraft", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertDraft("d2", ownerA, nil)
		require.NoError(t, b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA}))
		b.requireGone("d1", ownerA)
		b.mustGet("d2", ownerA)
		err := b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA})
		require.ErrorIs(t, err, storage.ErrNotFound)
		// The ID is free again.
		b.insertDraft("d1", ownerB, nil)
	})

	t.Run("DeleteAtRevision", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		_, err := b.d.DraftUpdate(b.ctx, b.updateParams(b.mustGet("d1", ownerA), "v2"))
		require.NoError(t, err)
		err = b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Revision: 1})
		require.ErrorIs(t, err, storage.ErrConflict, "the draft moved on since revision 1")
		b.mustGet("d1", ownerA)
		err = b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerB, Revision: 2})
		require.ErrorIs(t, err, storage.ErrNotFound, "another owner's draft is missing, whatever the revision")
		require.NoError(t, b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Revision: 2}))
		b.requireGone("d1", ownerA)
		err = b.d.DraftDelete(b.ctx, &storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Revision: 2})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("DeleteWithPayload", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		stored := b.mustGet("d1", ownerA).Payload
		tests := []struct {
			name     string
			params   storage.DraftDeleteParams
			want     error
			stillHas bool
		}{
			{"one byte differs", storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Payload: flipLast(stored)}, storage.ErrConflict, true},
			{"shorter", storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Payload: stored[:len(stored)-1]}, storage.ErrConflict, true},
			{"empty", storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Payload: []byte{}}, storage.ErrConflict, true},
			{"right payload, stale revision", storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Revision: 2, Payload: stored}, storage.ErrConflict, true},
			{"another owner", storage.DraftDeleteParams{ID: "d1", Owner: ownerB, Payload: stored}, storage.ErrNotFound, true},
			{"exactly the stored one", storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Revision: 1, Payload: stored}, nil, false},
			{"gone", storage.DraftDeleteParams{ID: "d1", Owner: ownerA, Payload: stored}, storage.ErrNotFound, false},
		}
		for _, tc := range tests {
			err := b.d.DraftDelete(b.ctx, &tc.params)
			if tc.want == nil {
				require.NoError(t, err, tc.name)
			} else {
				require.ErrorIs(t, err, tc.want, tc.name)
			}
			if tc.stillHas {
				require.Equal(t, stored, b.mustGet("d1", ownerA).Payload, tc.name)
			} else {
				b.requireGone("d1", ownerA)
			}
		}
	})

	t.Run("ListNewestFirstWithLimit", func(t *testing.T) {
		b := s.setup(t)
		// Inserted out of order; d3 and d4 share an UpdatedAt (ties go
		// by ID descending).
		at := map[string]time.Duration{"d1": 1, "d5": 5, "d3": 3, "d2": 2, "d4": 3}
		for _, id := range []string{"d1", "d5", "d3", "d2", "d4"} {
			b.insertDraft(id, ownerA, func(p *storage.DraftInsertParams) { p.UpdatedAt = b.now.Add(at[id] * time.Minute) })
		}
		b.insertDraft("other", ownerB, func(p *storage.DraftInsertParams) { p.UpdatedAt = b.now.Add(time.Hour) })

		all, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, []string{"d5", "d4", "d3", "d2", "d1"}, ids(all))

		two, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"d5", "d4"}, ids(two))

		// An update moves a draft to the front.
		row := b.mustGet("d1", ownerA)
		up := b.updateParams(row, "x")
		up.UpdatedAt = b.now.Add(10 * time.Minute)
		_, err = b.d.DraftUpdate(b.ctx, up)
		require.NoError(t, err)
		one, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []string{"d1"}, ids(one))
	})

	t.Run("ListSummaryFields", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, nil)
		b.insertAttachment("a1", "d1", ownerA, 7)
		list, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Len(t, list, 1)
		want := row.Summary()
		want.AttachmentCount, want.AttachmentBytes = 1, 7
		require.Equal(t, want, list[0])
	})

	t.Run("ListEmpty", func(t *testing.T) {
		b := s.setup(t)
		list, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Empty(t, list)
	})

	t.Run("ListMaxLimit", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		list, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA, Limit: storage.MaxLimit})
		require.NoError(t, err)
		require.Len(t, list, 1)
	})
}
