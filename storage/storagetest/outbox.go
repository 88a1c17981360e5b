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

// Workers used by the outbox tests.
const (
	workerA = "relay-a"
	workerB = "relay-b"
	lease   = time.Minute
)

// outboxParams returns valid insert params for row id, due at b.now.
func (b *bundle) outboxParams(id string) *storage.OutboxInsertParams {
	return &storage.OutboxInsertParams{
		ID:        id,
		Channel:   "email",
		Kind:      "receipt",
		DedupeKey: "dedupe:" + id,
		Recipient: "recipient:" + id,
		Payload:   []byte("payload:" + id),
		CreatedAt: b.now,
	}
}

// insertOutbox inserts a row, letting mod adjust the params first, and
// requires that it was inserted.
func (b *bundle) insertOutbox(id string, mod func(*storage.OutboxInsertParams)) {
	b.t.Helper()
	p := b.outboxParams(id)
	if mod != nil {
		mod(p)
	}
	ok, err := b.d.OutboxInsert(b.ctx, p)
	require.NoError(b.t, err)
	require.True(b.t, ok, "row %s skipped", id)
}

// claim claims as worker at now, with the test lease.
func (b *bundle) claim(worker string, now time.Time, limit int) []*storage.OutboxRow {
	b.t.Helper()
	rows, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: worker, Now: now, Lease: lease, Limit: limit})
	require.NoError(b.t, err)
	require.NotNil(b.t, rows, "no rows must be an empty slice")
	return rows
}

// mustOutbox reads a row that must exist.
func (b *bundle) mustOutbox(id string) *storage.OutboxRow {
	b.t.Helper()
	row, err := b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: id})
	require.NoError(b.t, err)
	return row
}

// outboxIDs returns the IDs of rows, in order.
func outboxIDs(rows []*storage.OutboxRow) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func (s *suite) testOutbox(t *testing.T) {
	t.Run("InsertThenGet", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		b.insertOutbox("o2", func(p *storage.OutboxInsertParams) {
			p.NextAttemptAt = b.now.Add(time.Hour)
			p.DedupeKey = ""
			p.Payload = nil
		})
		require.Equal(t, &storage.OutboxRow{
			ID: "o1", Channel: "email", Kind: "receipt", DedupeKey: "dedupe:o1", Recipient: "recipient:o1",
			Payload: []byte("payload:o1"), State: storage.OutboxStatePending, CreatedAt: b.now, NextAttemptAt: b.now,
		}, b.mustOutbox("o1"))
		got := b.mustOutbox("o2")
		require.Equal(t, b.now.Add(time.Hour), got.NextAttemptAt)
		require.Empty(t, got.DedupeKey)
		require.Empty(t, got.Payload)

		_, err := b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: "missing"})
		require.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("InsertTimesAreUTCMicros", func(t *testing.T) {
		b := s.setup(t)
		zone := time.FixedZone("CEST", 2*60*60)
		created := b.now.Add(1500 * time.Nanosecond).In(zone)
		b.insertOutbox("o1", func(p *storage.OutboxInsertParams) { p.CreatedAt = created })
		got := b.mustOutbox("o1")
		require.Equal(t, storage.Time(created), got.CreatedAt)
		require.Equal(t, time.UTC, got.CreatedAt.Location())
		require.Equal(t, storage.Time(created), got.NextAttemptAt)
	})

	t.Run("DuplicateDedupeKeyIsSkipped", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		p := b.outboxParams("o2")
		p.DedupeKey = "dedupe:o1"
		ok, err := b.d.OutboxInsert(b.ctx, p)
		require.NoError(t, err, "a repeated event is not an error")
		require.False(t, ok)
		_, err = b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: "o2"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Equal(t, []byte("payload:o1"), b.mustOutbox("o1").Payload)

		// Skipped in every state of the first row, and inside a
		// transaction too.
		rows := b.claim(workerA, b.now, 0)
		require.Len(t, rows, 1)
		require.NoError(t, b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA, SentAt: b.now}))
		err = storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			ok, err := tx.OutboxInsert(ctx, p)
			require.False(t, ok)
			return err
		})
		require.NoError(t, err)
		require.Empty(t, b.claim(workerA, b.now.Add(time.Hour), 0))
	})

	t.Run("EmptyDedupeKeysNeverCollide", func(t *testing.T) {
		b := s.setup(t)
		for _, id := range []string{"o1", "o2", "o3"} {
			b.insertOutbox(id, func(p *storage.OutboxInsertParams) { p.DedupeKey = "" })
		}
		require.Len(t, b.claim(workerA, b.now, 0), 3)
	})

	t.Run("DedupeWithinOneTransaction", func(t *testing.T) {
		b := s.setup(t)
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			ok, err := tx.OutboxInsert(ctx, b.outboxParams("o1"))
			require.NoError(t, err)
			require.True(t, ok)
			p := b.outboxParams("o2")
			p.DedupeKey = "dedupe:o1"
			ok, err = tx.OutboxInsert(ctx, p)
			require.NoError(t, err)
			require.False(t, ok)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, []string{"o1"}, outboxIDs(b.claim(workerA, b.now, 0)))
	})

	t.Run("DuplicateIDIsConflict", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		p := b.outboxParams("o1")
		p.DedupeKey = "other"
		_, err := b.d.OutboxInsert(b.ctx, p)
		require.ErrorIs(t, err, storage.ErrConflict)
	})

	t.Run("RolledBackInsertIsNeverClaimed", func(t *testing.T) {
		b := s.setup(t)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		ok, err := tx.OutboxInsert(b.ctx, b.outboxParams("o1"))
		require.NoError(t, err)
		require.True(t, ok)
		// Not visible outside before commit (a read: a driver write would
		// wait for the writer the transaction holds).
		_, err = b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: "o1"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.NoError(t, tx.Rollback())
		require.Empty(t, b.claim(workerA, b.now.Add(time.Hour), 0))
		_, err = b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: "o1"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		// The dedupe key was not consumed.
		b.insertOutbox("o2", func(p *storage.OutboxInsertParams) { p.DedupeKey = "dedupe:o1" })
	})

	t.Run("ClaimTakesDueRowsOldestFirst", func(t *testing.T) {
		b := s.setup(t)
		// Inserted out of due order; o4 is not due yet.
		b.insertOutbox("o1", func(p *storage.OutboxInsertParams) { p.NextAttemptAt = b.now.Add(-time.Minute) })
		b.insertOutbox("o2", func(p *storage.OutboxInsertParams) { p.NextAttemptAt = b.now.Add(-3 * time.Minute) })
		b.insertOutbox("o3", func(p *storage.OutboxInsertParams) { p.NextAttemptAt = b.now.Add(-2 * time.Minute) })
		b.insertOutbox("o4", func(p *storage.OutboxInsertParams) { p.NextAttemptAt = b.now.Add(time.Second) })

		rows := b.claim(workerA, b.now, 2)
		require.ElementsMatch(t, []string{"o2", "o3"}, outboxIDs(rows), "the two due longest")
		for _, r := range rows {
			require.Equal(t, 1, r.Attempts)
			require.Equal(t, workerA, r.LeaseOwner)
			require.Equal(t, b.now.Add(lease), r.NextAttemptAt)
			require.Equal(t, storage.OutboxStatePending, r.State)
			require.Equal(t, []byte("payload:"+r.ID), r.Payload)
			require.Equal(t, "recipient:"+r.ID, r.Recipient)
			require.Equal(t, b.mustOutbox(r.ID), r)
		}
		require.Equal(t, []string{"o1"}, outboxIDs(b.claim(workerA, b.now, 10)))
		require.Empty(t, b.claim(workerA, b.now, 10))
		require.Equal(t, []string{"o4"}, outboxIDs(b.claim(workerA, b.now.Add(time.Second), 10)))
	})

	t.Run("ClaimReturnsCreationOrder", func(t *testing.T) {
		b := s.setup(t)
		for i := range 5 {
			b.insertOutbox(fmt.Sprintf("o%d", i), func(p *storage.OutboxInsertParams) {
				p.CreatedAt = b.now.Add(time.Duration(i) * time.Second)
				p.NextAttemptAt = b.now.Add(time.Duration(5-i) * time.Second)
			})
		}
		rows := b.claim(workerA, b.now.Add(time.Hour), 0)
		require.Equal(t, []string{"o0", "o1", "o2", "o3", "o4"}, outboxIDs(rows))
	})

	t.Run("LeaseIsExclusiveUntilItEnds", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		require.Len(t, b.claim(workerA, b.now, 0), 1)
		require.Empty(t, b.claim(workerB, b.now, 0))
		require.Empty(t, b.claim(workerB, b.now.Add(lease-time.Microsecond), 0))

		// The lease ran out: another worker may claim it, and the first
		// one has lost it.
		rows := b.claim(workerB, b.now.Add(lease), 0)
		require.Len(t, rows, 1)
		require.Equal(t, 2, rows[0].Attempts)
		require.Equal(t, workerB, rows[0].LeaseOwner)
		err := b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA, SentAt: b.now})
		require.ErrorIs(t, err, storage.ErrConflict)
		require.NoError(t, b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerB, SentAt: b.now}))
	})

	t.Run("ConcurrentClaimsAreExclusive", func(t *testing.T) {
		b := s.setup(t)
		const total = 120
		for i := range total {
			b.insertOutbox(fmt.Sprintf("o%03d", i), nil)
		}
		n := s.opts.concurrency()
		var (
			mu   sync.Mutex
			seen = map[string]string{}
			wg   sync.WaitGroup
		)
		errs := make(chan error, n)
		for w := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				worker := fmt.Sprintf("worker-%d", w)
				for {
					rows, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: worker, Now: b.now, Lease: lease, Limit: 7})
					if err != nil {
						errs <- err
						return
					}
					if len(rows) == 0 {
						return
					}
					mu.Lock()
					for _, r := range rows {
						if prev, dup := seen[r.ID]; dup {
							errs <- fmt.Errorf("row %s claimed by %s and %s", r.ID, prev, worker)
						}
						seen[r.ID] = worker
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, seen, total)
	})

	t.Run("AckMarksSentAndForgetsContent", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		b.claim(workerA, b.now, 0)
		sent := b.now.Add(3 * time.Second)
		require.NoError(t, b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA, SentAt: sent}))
		got := b.mustOutbox("o1")
		require.Equal(t, storage.OutboxStateSent, got.State)
		require.Equal(t, sent, got.SentAt)
		require.Empty(t, got.LeaseOwner)
		require.Empty(t, got.Recipient, "a sent row keeps no recipient")
		require.Empty(t, got.Payload, "a sent row keeps no payload")
		require.Equal(t, "dedupe:o1", got.DedupeKey)
		require.Equal(t, 1, got.Attempts)
		require.True(t, got.DeadAt.IsZero())

		require.Empty(t, b.claim(workerA, b.now.Add(24*time.Hour), 0), "a sent row is never claimed again")
		err := b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA, SentAt: sent})
		require.ErrorIs(t, err, storage.ErrConflict, "second ack")
	})

	t.Run("SettleChecksTheLease", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		b.insertOutbox("o2", nil)
		b.claim(workerA, b.now, 1) // o1 only
		settle := map[string]func(id, worker string) error{
			"Ack": func(id, worker string) error {
				return b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: id, Worker: worker, SentAt: b.now})
			},
			"Retry": func(id, worker string) error {
				return b.d.OutboxRetry(b.ctx, &storage.OutboxRetryParams{ID: id, Worker: worker, NextAttemptAt: b.now, LastError: "x"})
			},
			"Dead": func(id, worker string) error {
				return b.d.OutboxDead(b.ctx, &storage.OutboxDeadParams{ID: id, Worker: worker, DeadAt: b.now, LastError: "x"})
			},
		}
		for name, f := range settle {
			require.ErrorIs(t, f("missing", workerA), storage.ErrNotFound, name)
			require.ErrorIs(t, f("o1", workerB), storage.ErrConflict, "%s by another worker", name)
			require.ErrorIs(t, f("o2", workerA), storage.ErrConflict, "%s of an unclaimed row", name)
		}
		got := b.mustOutbox("o1")
		require.Equal(t, workerA, got.LeaseOwner)
		require.Equal(t, storage.OutboxStatePending, got.State)
		require.Empty(t, got.LastError)
	})

	t.Run("RetryReschedules", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		b.claim(workerA, b.now, 0)
		next := b.now.Add(10 * time.Second)
		require.NoError(t, b.d.OutboxRetry(b.ctx, &storage.OutboxRetryParams{
			ID: "o1", Worker: workerA, NextAttemptAt: next, LastError: "smtp 451",
		}))
		got := b.mustOutbox("o1")
		require.Equal(t, storage.OutboxStatePending, got.State)
		require.Equal(t, next, got.NextAttemptAt)
		require.Equal(t, "smtp 451", got.LastError)
		require.Empty(t, got.LeaseOwner)
		require.Equal(t, []byte("payload:o1"), got.Payload)

		// Due before the lease would have ended, and not before next.
		require.Empty(t, b.claim(workerB, next.Add(-time.Microsecond), 0))
		rows := b.claim(workerB, next, 0)
		require.Len(t, rows, 1)
		require.Equal(t, 2, rows[0].Attempts)
		require.Equal(t, "smtp 451", rows[0].LastError, "kept until replaced")
	})

	t.Run("DeadLettersAndRequeue", func(t *testing.T) {
		b := s.setup(t)
		for i := range 3 {
			b.insertOutbox(fmt.Sprintf("o%d", i), nil)
		}
		b.claim(workerA, b.now, 0)
		for i := range 2 {
			require.NoError(t, b.d.OutboxDead(b.ctx, &storage.OutboxDeadParams{
				ID: fmt.Sprintf("o%d", i), Worker: workerA, DeadAt: b.now.Add(time.Duration(i) * time.Second), LastError: "sms 400",
			}))
		}
		got := b.mustOutbox("o0")
		require.Equal(t, storage.OutboxStateDead, got.State)
		require.Equal(t, b.now, got.DeadAt)
		require.Equal(t, "sms 400", got.LastError)
		require.Empty(t, got.LeaseOwner)
		require.Equal(t, []byte("payload:o0"), got.Payload, "a dead row keeps its payload for requeue")
		require.Equal(t, []string{"o2"}, outboxIDs(b.claim(workerB, b.now.Add(24*time.Hour), 0)), "dead rows are not claimed")

		dead, err := b.d.OutboxListDead(b.ctx, &storage.OutboxListDeadParams{})
		require.NoError(t, err)
		require.Equal(t, []string{"o1", "o0"}, outboxIDs(dead), "newest dead first")
		dead, err = b.d.OutboxListDead(b.ctx, &storage.OutboxListDeadParams{Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []string{"o1"}, outboxIDs(dead))

		later := b.now.Add(time.Hour)
		require.NoError(t, b.d.OutboxRequeue(b.ctx, &storage.OutboxRequeueParams{ID: "o0", Now: later}))
		got = b.mustOutbox("o0")
		require.Equal(t, storage.OutboxStatePending, got.State)
		require.Equal(t, 0, got.Attempts)
		require.Equal(t, later, got.NextAttemptAt)
		require.True(t, got.DeadAt.IsZero())
		require.Equal(t, "sms 400", got.LastError)
		dead, err = b.d.OutboxListDead(b.ctx, &storage.OutboxListDeadParams{})
		require.NoError(t, err)
		require.Equal(t, []string{"o1"}, outboxIDs(dead))

		require.ErrorIs(t, b.d.OutboxRequeue(b.ctx, &storage.OutboxRequeueParams{ID: "o0", Now: later}), storage.ErrConflict)
		require.ErrorIs(t, b.d.OutboxRequeue(b.ctx, &storage.OutboxRequeueParams{ID: "o2", Now: later}), storage.ErrConflict)
		require.ErrorIs(t, b.d.OutboxRequeue(b.ctx, &storage.OutboxRequeueParams{ID: "nope", Now: later}), storage.ErrNotFound)

		require.Equal(t, []string{"o0"}, outboxIDs(b.claim(workerB, later, 0)))
	})

	t.Run("ReleaseGivesRowsBack", func(t *testing.T) {
		b := s.setup(t)
		for i := range 4 {
			b.insertOutbox(fmt.Sprintf("o%d", i), nil)
		}
		require.Len(t, b.claim(workerA, b.now, 3), 3) // o0..o2
		require.Len(t, b.claim(workerB, b.now, 3), 1) // o3

		at := b.now.Add(time.Second)
		n, err := b.d.OutboxRelease(b.ctx, &storage.OutboxReleaseParams{Worker: workerA, IDs: []string{"o0", "o3", "nope"}, Now: at})
		require.NoError(t, err)
		require.Equal(t, 1, n, "only o0 is workerA's")
		got := b.mustOutbox("o0")
		require.Empty(t, got.LeaseOwner)
		require.Equal(t, 0, got.Attempts, "the claim's attempt is taken back")
		require.Equal(t, at, got.NextAttemptAt)
		require.Equal(t, workerB, b.mustOutbox("o3").LeaseOwner)

		n, err = b.d.OutboxRelease(b.ctx, &storage.OutboxReleaseParams{Worker: workerA, Now: at})
		require.NoError(t, err)
		require.Equal(t, 2, n, "o1 and o2")
		n, err = b.d.OutboxRelease(b.ctx, &storage.OutboxReleaseParams{Worker: workerA, Now: at})
		require.NoError(t, err)
		require.Zero(t, n)

		rows := b.claim(workerB, at, 0)
		require.ElementsMatch(t, []string{"o0", "o1", "o2"}, outboxIDs(rows))
		for _, r := range rows {
			require.Equal(t, 1, r.Attempts)
		}
		// A released row can no longer be acked by its former worker.
		err = b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o0", Worker: workerA, SentAt: at})
		require.ErrorIs(t, err, storage.ErrConflict)
	})

	t.Run("PurgeDeletesOnlyOldSentRows", func(t *testing.T) {
		b := s.setup(t)
		for i := range 5 {
			b.insertOutbox(fmt.Sprintf("o%d", i), nil)
		}
		b.claim(workerA, b.now, 0)
		for i := range 3 {
			require.NoError(t, b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{
				ID: fmt.Sprintf("o%d", i), Worker: workerA, SentAt: b.now.Add(time.Duration(i) * time.Hour),
			}))
		}
		require.NoError(t, b.d.OutboxDead(b.ctx, &storage.OutboxDeadParams{ID: "o3", Worker: workerA, DeadAt: b.now, LastError: "x"}))
		// o4 stays claimed (pending).

		n, err := b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{Before: b.now.Add(time.Hour), Limit: 1})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		_, err = b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: "o0"})
		require.ErrorIs(t, err, storage.ErrNotFound, "oldest first")
		n, err = b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{Before: b.now.Add(time.Hour)})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{Before: b.now.Add(time.Hour)})
		require.NoError(t, err)
		require.Zero(t, n)
		for _, id := range []string{"o2", "o3", "o4"} {
			b.mustOutbox(id)
		}
		// A purged row's dedupe key may be used again.
		b.insertOutbox("o5", func(p *storage.OutboxInsertParams) { p.DedupeKey = "dedupe:o0" })

		// Dead rows go only when asked for, by the time they died.
		n, err = b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{Before: b.now.Add(-time.Minute), Dead: true})
		require.NoError(t, err)
		require.Zero(t, n, "o3 died later")
		n, err = b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{Before: b.now, Dead: true})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		_, err = b.d.OutboxGet(b.ctx, &storage.OutboxGetParams{ID: "o3"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		for _, id := range []string{"o2", "o4", "o5"} {
			b.mustOutbox(id)
		}
	})

	t.Run("InsideTransaction", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		err := storage.WithTx(b.ctx, b.d, func(ctx context.Context, tx storage.Tx) error {
			rows, err := tx.OutboxClaim(ctx, &storage.OutboxClaimParams{Worker: workerA, Now: b.now, Lease: lease})
			require.NoError(t, err)
			require.Len(t, rows, 1)
			if err := tx.OutboxAck(ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA, SentAt: b.now}); err != nil {
				return err
			}
			got, err := tx.OutboxGet(ctx, &storage.OutboxGetParams{ID: "o1"})
			require.NoError(t, err)
			require.Equal(t, storage.OutboxStateSent, got.State)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, storage.OutboxStateSent, b.mustOutbox("o1").State)

		// A rolled-back claim leaves the row due.
		b.insertOutbox("o2", nil)
		tx, err := b.d.Begin(b.ctx)
		require.NoError(t, err)
		rows, err := tx.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: workerA, Now: b.now, Lease: lease})
		require.NoError(t, err)
		require.Equal(t, []string{"o2"}, outboxIDs(rows))
		require.NoError(t, tx.Rollback())
		require.Equal(t, []string{"o2"}, outboxIDs(b.claim(workerB, b.now, 0)))
	})

	t.Run("Invalid", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		p := func(mod func(*storage.OutboxInsertParams)) *storage.OutboxInsertParams {
			q := b.outboxParams("o2")
			mod(q)
			return q
		}
		calls := map[string]func() error{
			"Insert/nil": func() error { _, err := b.d.OutboxInsert(b.ctx, nil); return err },
			"Insert/id": func() error {
				_, err := b.d.OutboxInsert(b.ctx, p(func(q *storage.OutboxInsertParams) { q.ID = "" }))
				return err
			},
			"Insert/channel": func() error {
				_, err := b.d.OutboxInsert(b.ctx, p(func(q *storage.OutboxInsertParams) { q.Channel = "" }))
				return err
			},
			"Insert/recipient": func() error {
				_, err := b.d.OutboxInsert(b.ctx, p(func(q *storage.OutboxInsertParams) { q.Recipient = "" }))
				return err
			},
			"Insert/created": func() error {
				_, err := b.d.OutboxInsert(b.ctx, p(func(q *storage.OutboxInsertParams) { q.CreatedAt = time.Time{} }))
				return err
			},
			"Claim/nil": func() error { _, err := b.d.OutboxClaim(b.ctx, nil); return err },
			"Claim/worker": func() error {
				_, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Now: b.now, Lease: lease})
				return err
			},
			"Claim/now": func() error {
				_, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: workerA, Lease: lease})
				return err
			},
			"Claim/lease": func() error {
				_, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: workerA, Now: b.now})
				return err
			},
			"Claim/negativeLease": func() error {
				_, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: workerA, Now: b.now, Lease: -lease})
				return err
			},
			"Claim/limit": func() error {
				_, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: workerA, Now: b.now, Lease: lease, Limit: storage.MaxLimit + 1})
				return err
			},
			"Claim/negativeLimit": func() error {
				_, err := b.d.OutboxClaim(b.ctx, &storage.OutboxClaimParams{Worker: workerA, Now: b.now, Lease: lease, Limit: -1})
				return err
			},
			"Ack/nil":    func() error { return b.d.OutboxAck(b.ctx, nil) },
			"Ack/worker": func() error { return b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", SentAt: b.now}) },
			"Ack/sent":   func() error { return b.d.OutboxAck(b.ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA}) },
			"Retry/nil":  func() error { return b.d.OutboxRetry(b.ctx, nil) },
			"Retry/worker": func() error {
				return b.d.OutboxRetry(b.ctx, &storage.OutboxRetryParams{ID: "o1", NextAttemptAt: b.now})
			},
			"Retry/next": func() error {
				return b.d.OutboxRetry(b.ctx, &storage.OutboxRetryParams{ID: "o1", Worker: workerA})
			},
			"Dead/nil":    func() error { return b.d.OutboxDead(b.ctx, nil) },
			"Dead/worker": func() error { return b.d.OutboxDead(b.ctx, &storage.OutboxDeadParams{ID: "o1", DeadAt: b.now}) },
			"Dead/time":   func() error { return b.d.OutboxDead(b.ctx, &storage.OutboxDeadParams{ID: "o1", Worker: workerA}) },
			"Release/nil": func() error { _, err := b.d.OutboxRelease(b.ctx, nil); return err },
			"Release/worker": func() error {
				_, err := b.d.OutboxRelease(b.ctx, &storage.OutboxReleaseParams{Now: b.now})
				return err
			},
			"Release/now": func() error {
				_, err := b.d.OutboxRelease(b.ctx, &storage.OutboxReleaseParams{Worker: workerA})
				return err
			},
			"Get/nil":      func() error { _, err := b.d.OutboxGet(b.ctx, nil); return err },
			"ListDead/nil": func() error { _, err := b.d.OutboxListDead(b.ctx, nil); return err },
			"ListDead/limit": func() error {
				_, err := b.d.OutboxListDead(b.ctx, &storage.OutboxListDeadParams{Limit: -1})
				return err
			},
			"Requeue/nil": func() error { return b.d.OutboxRequeue(b.ctx, nil) },
			"Requeue/now": func() error { return b.d.OutboxRequeue(b.ctx, &storage.OutboxRequeueParams{ID: "o1"}) },
			"Purge/nil":   func() error { _, err := b.d.OutboxPurge(b.ctx, nil); return err },
			"Purge/before": func() error {
				_, err := b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{})
				return err
			},
			"Purge/limit": func() error {
				_, err := b.d.OutboxPurge(b.ctx, &storage.OutboxPurgeParams{Before: b.now, Limit: storage.MaxLimit + 1})
				return err
			},
		}
		names := make([]string, 0, len(calls))
		for name := range calls {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			require.ErrorIs(t, calls[name](), storage.ErrInvalid, name)
		}
		got := b.mustOutbox("o1")
		require.Equal(t, storage.OutboxStatePending, got.State)
		require.Zero(t, got.Attempts)
	})

	t.Run("CancelledContext", func(t *testing.T) {
		b := s.setup(t)
		b.insertOutbox("o1", nil)
		b.insertOutbox("o2", nil)
		b.claim(workerA, b.now, 1)
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		calls := []func(ex storage.Executor) error{
			func(ex storage.Executor) error { _, err := ex.OutboxInsert(ctx, b.outboxParams("o3")); return err },
			func(ex storage.Executor) error {
				_, err := ex.OutboxClaim(ctx, &storage.OutboxClaimParams{Worker: workerB, Now: b.now, Lease: lease})
				return err
			},
			func(ex storage.Executor) error {
				return ex.OutboxAck(ctx, &storage.OutboxAckParams{ID: "o1", Worker: workerA, SentAt: b.now})
			},
			func(ex storage.Executor) error {
				return ex.OutboxRetry(ctx, &storage.OutboxRetryParams{ID: "o1", Worker: workerA, NextAttemptAt: b.now})
			},
			func(ex storage.Executor) error {
				return ex.OutboxDead(ctx, &storage.OutboxDeadParams{ID: "o1", Worker: workerA, DeadAt: b.now})
			},
			func(ex storage.Executor) error {
				_, err := ex.OutboxRelease(ctx, &storage.OutboxReleaseParams{Worker: workerA, Now: b.now})
				return err
			},
			func(ex storage.Executor) error {
				_, err := ex.OutboxGet(ctx, &storage.OutboxGetParams{ID: "o1"})
				return err
			},
			func(ex storage.Executor) error {
				_, err := ex.OutboxListDead(ctx, &storage.OutboxListDeadParams{})
				return err
			},
			func(ex storage.Executor) error {
				return ex.OutboxRequeue(ctx, &storage.OutboxRequeueParams{ID: "o1", Now: b.now})
			},
			func(ex storage.Executor) error {
				_, err := ex.OutboxPurge(ctx, &storage.OutboxPurgeParams{Before: b.now})
				return err
			},
		}
		for i, call := range calls {
			require.ErrorIs(t, call(b.d), context.Canceled, "driver call %d", i)
			tx, err := b.d.Begin(b.ctx)
			require.NoError(t, err)
			require.ErrorIs(t, call(tx), context.Canceled, "tx call %d", i)
			require.NoError(t, tx.Rollback())
		}
		got := b.mustOutbox("o1")
		require.Equal(t, workerA, got.LeaseOwner)
		require.Equal(t, 1, got.Attempts)
		require.Equal(t, 0, b.mustOutbox("o2").Attempts)
	})
}
