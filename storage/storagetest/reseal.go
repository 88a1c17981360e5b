package storagetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

func (s *suite) testReseal(t *testing.T) {
	t.Run("DraftListForResealPages", func(t *testing.T) {
		b := s.setup(t)
		for i := range 5 {
			id := fmt.Sprintf("d%d", i)
			b.insertDraft(id, ownerA, func(p *storage.DraftInsertParams) {
				if i == 2 {
					p.KeyID = "k2"
				}
			})
		}
		var got []string
		after := ""
		for {
			rows, err := b.d.DraftListForReseal(b.ctx, &storage.DraftListForResealParams{NotKeyID: "k2", AfterID: after, Limit: 2})
			require.NoError(t, err)
			if len(rows) == 0 {
				break
			}
			require.LessOrEqual(t, len(rows), 2)
			for _, r := range rows {
				require.Equal(t, "k1", r.KeyID)
				require.Equal(t, []byte("sealed:"+r.ID), r.Payload, "rows come with payloads")
				got = append(got, r.ID)
			}
			after = rows[len(rows)-1].ID
		}
		require.Equal(t, []string{"d0", "d1", "d3", "d4"}, got)
	})

	t.Run("DraftReseal", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, nil)
		err := b.d.DraftReseal(b.ctx, &storage.DraftResealParams{ID: "d1", Revision: row.Revision, KeyID: "k2", Payload: []byte("resealed")})
		require.NoError(t, err)
		got := b.mustGet("d1", ownerA)
		require.Equal(t, "k2", got.KeyID)
		require.Equal(t, []byte("resealed"), got.Payload)
		require.Equal(t, row.Revision, got.Revision, "reseal keeps the revision")
		require.Equal(t, row.UpdatedAt, got.UpdatedAt, "reseal keeps UpdatedAt")
		rows, err := b.d.DraftListForReseal(b.ctx, &storage.DraftListForResealParams{NotKeyID: "k2"})
		require.NoError(t, err)
		require.Empty(t, rows)

		// The user's next save at the same revision still works.
		_, err = b.d.DraftUpdate(b.ctx, b.updateParams(got, "v2"))
		require.NoError(t, err)
	})

	t.Run("DraftResealLosesToSave", func(t *testing.T) {
		b := s.setup(t)
		row := b.insertDraft("d1", ownerA, nil)
		_, err := b.d.DraftUpdate(b.ctx, b.updateParams(row, "saved"))
		require.NoError(t, err)
		err = b.d.DraftReseal(b.ctx, &storage.DraftResealParams{ID: "d1", Revision: row.Revision, KeyID: "k2", Payload: []byte("old")})
		require.ErrorIs(t, err, storage.ErrConflict)
		got := b.mustGet("d1", ownerA)
		require.Equal(t, []byte("saved"), got.Payload)
		require.Equal(t, "k1", got.KeyID)

		err = b.d.DraftReseal(b.ctx, &storage.DraftResealParams{ID: "missing", Revision: 1, KeyID: "k2", Payload: []byte("x")})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("AttachmentListForResealAndReseal", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		b.insertDraft("d2", ownerB, nil)
		b.insertAttachment("a1", "d1", ownerA, 1)
		b.insertAttachment("a2", "d2", ownerB, 2)
		b.insertAttachment("a3", "d1", ownerA, 3)

		rows, err := b.d.AttachmentListForReseal(b.ctx, &storage.AttachmentListForResealParams{NotKeyID: "k2", Limit: 2})
		require.NoError(t, err)
		require.Len(t, rows, 2)
		require.Equal(t, "a1", rows[0].ID)
		require.Equal(t, "a2", rows[1].ID)
		require.Equal(t, []byte("sealed-file:a2"), rows[1].Payload)
		require.Equal(t, ownerB, rows[1].Owner)

		err = b.d.AttachmentReseal(b.ctx, &storage.AttachmentResealParams{ID: "a2", FromKeyID: "k1", KeyID: "k2", Payload: []byte("resealed")})
		require.NoError(t, err)
		got, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a2", DraftID: "d2", Owner: ownerB})
		require.NoError(t, err)
		require.Equal(t, "k2", got.KeyID)
		require.Equal(t, []byte("resealed"), got.Payload)
		require.Equal(t, int64(2), got.Size)
		require.Equal(t, b.now, got.CreatedAt)

		// Resealing again from the old key is a conflict, not a double
		// encryption.
		err = b.d.AttachmentReseal(b.ctx, &storage.AttachmentResealParams{ID: "a2", FromKeyID: "k1", KeyID: "k3", Payload: []byte("again")})
		require.ErrorIs(t, err, storage.ErrConflict)
		err = b.d.AttachmentReseal(b.ctx, &storage.AttachmentResealParams{ID: "missing", FromKeyID: "k1", KeyID: "k2", Payload: []byte("x")})
		require.ErrorIs(t, err, storage.ErrNotFound)

		rows, err = b.d.AttachmentListForReseal(b.ctx, &storage.AttachmentListForResealParams{NotKeyID: "k2", AfterID: "a1"})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, "a3", rows[0].ID)

		// The draft's counters are unaffected by resealing.
		d := b.mustGet("d2", ownerB)
		require.Equal(t, 1, d.AttachmentCount)
		require.Equal(t, int64(2), d.AttachmentBytes)
		require.Equal(t, b.now, d.UpdatedAt)
	})
}
