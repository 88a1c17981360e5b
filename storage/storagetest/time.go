package storagetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// testTime checks the documented precision: every time comes back in UTC,
// truncated to the microsecond, whatever zone and nanoseconds went in.
func (s *suite) testTime(t *testing.T) {
	stockholm := time.FixedZone("CEST", 2*60*60)
	newYork := time.FixedZone("EST", -5*60*60)
	// in returns a time in zone with sub-microsecond noise.
	in := func(b *bundle, d time.Duration, zone *time.Location) time.Time {
		return b.now.Add(d).Add(999 * time.Nanosecond).In(zone)
	}
	requireUTCMicros := func(t *testing.T, want, got time.Time) {
		t.Helper()
		require.Equal(t, time.UTC, got.Location())
		require.Zero(t, got.Nanosecond()%1000, "sub-microsecond digits survived")
		require.True(t, storage.Time(want).Equal(got), "want %v, got %v", storage.Time(want), got)
		require.Equal(t, storage.Time(want), got)
	}

	t.Run("DraftTimesRoundTrip", func(t *testing.T) {
		b := s.setup(t)
		created := in(b, 123456*time.Microsecond, stockholm)
		expires := in(b, 48*time.Hour, newYork)
		row := b.insertDraft("d1", ownerA, func(p *storage.DraftInsertParams) {
			p.CreatedAt, p.ExpiresAt = created, expires
		})
		for _, r := range []*storage.DraftRow{row, b.mustGet("d1", ownerA)} {
			requireUTCMicros(t, created, r.CreatedAt)
			requireUTCMicros(t, created, r.UpdatedAt)
			requireUTCMicros(t, expires, r.ExpiresAt)
		}

		updated := in(b, time.Hour+7*time.Microsecond, stockholm)
		up := b.updateParams(row, "v2")
		up.UpdatedAt, up.ExpiresAt = updated, in(b, 72*time.Hour, newYork)
		_, err := b.d.DraftUpdate(b.ctx, up)
		require.NoError(t, err)
		for _, r := range []*storage.DraftRow{b.mustGet("d1", ownerA)} {
			requireUTCMicros(t, created, r.CreatedAt)
			requireUTCMicros(t, updated, r.UpdatedAt)
			requireUTCMicros(t, up.ExpiresAt, r.ExpiresAt)
		}

		warned := in(b, 2*time.Hour, newYork)
		require.NoError(t, b.d.DraftMarkWarned(b.ctx, &storage.DraftMarkWarnedParams{ID: "d1", WarnedAt: warned}))
		requireUTCMicros(t, warned, b.mustGet("d1", ownerA).WarnedAt)

		list, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Len(t, list, 1)
		requireUTCMicros(t, updated, list[0].UpdatedAt)
		requireUTCMicros(t, warned, list[0].WarnedAt)
	})

	t.Run("AttachmentTimeRoundTrips", func(t *testing.T) {
		b := s.setup(t)
		b.insertDraft("d1", ownerA, nil)
		p := b.attachmentParams("a1", "d1", ownerA, 1)
		p.CreatedAt = in(b, 5*time.Microsecond, stockholm)
		row, err := b.d.AttachmentInsert(b.ctx, p)
		require.NoError(t, err)
		requireUTCMicros(t, p.CreatedAt, row.CreatedAt)
		got, err := b.d.AttachmentGet(b.ctx, &storage.AttachmentGetParams{ID: "a1", DraftID: "d1", Owner: ownerA})
		require.NoError(t, err)
		requireUTCMicros(t, p.CreatedAt, got.CreatedAt)
	})

	t.Run("MicrosecondOrdering", func(t *testing.T) {
		// Times one microsecond apart keep their order, in every zone.
		b := s.setup(t)
		b.insertDraft("early", ownerA, func(p *storage.DraftInsertParams) {
			p.UpdatedAt = b.now.Add(time.Microsecond).In(newYork)
			p.ExpiresAt = b.now.Add(time.Microsecond).In(stockholm)
		})
		b.insertDraft("late", ownerA, func(p *storage.DraftInsertParams) {
			p.UpdatedAt = b.now.Add(2 * time.Microsecond).In(stockholm)
			p.ExpiresAt = b.now.Add(2 * time.Microsecond).In(newYork)
		})
		list, err := b.d.DraftList(b.ctx, &storage.DraftListParams{Owner: ownerA})
		require.NoError(t, err)
		require.Equal(t, []string{"late", "early"}, ids(list))
		deleted, err := b.d.DraftDeleteExpired(b.ctx, &storage.DraftDeleteExpiredParams{Now: b.now.Add(time.Microsecond).In(newYork)})
		require.NoError(t, err)
		require.Equal(t, []string{"early"}, deleted)
	})

	t.Run("DistantTimes", func(t *testing.T) {
		b := s.setup(t)
		created := time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC)
		expires := time.Date(2200, 12, 31, 23, 59, 59, 999999999, stockholm)
		row := b.insertDraft("d1", ownerA, func(p *storage.DraftInsertParams) { p.CreatedAt, p.ExpiresAt = created, expires })
		got := b.mustGet("d1", ownerA)
		requireUTCMicros(t, created, got.CreatedAt)
		requireUTCMicros(t, expires, got.ExpiresAt)
		requireSameDraft(t, row, got)
	})
}
