package pgstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// openInstances opens n DBs (each its own pool, as n app servers would)
// on one fresh schema.
func openInstances(t *testing.T, dsn string, n int) []*pgstore.DB {
	t.Helper()
	schema := newSchema(t, dsn)
	dbs := make([]*pgstore.DB, n)
	for i := range dbs {
		o := quiet(schema)
		o.MaxConns = 4
		db, err := pgstore.Open(t.Context(), dsn, o)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		dbs[i] = db
	}
	return dbs
}

// submit registers draft id as a case in one transaction, the way the
// submission pipeline does: next reference, case row, draft removal. It
// returns the case's sequence number.
func submit(ctx context.Context, d storage.Driver, id string, now time.Time) (int64, error) {
	var seq int64
	err := storage.WithTx(ctx, d, func(ctx context.Context, tx storage.Tx) error {
		if _, err := tx.DraftGet(ctx, &storage.DraftGetParams{ID: id, Owner: "o"}); err != nil {
			return err
		}
		n, err := tx.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: "ETJ", Year: 2030})
		if err != nil {
			return err
		}
		record := []byte("record of " + id)
		digest := sha256.Sum256(record)
		if _, err := tx.CaseInsert(ctx, &storage.CaseInsertParams{
			ID: "case-" + id, Reference: fmt.Sprintf("ETJ 2030/%06d", n), Prefix: "ETJ", Year: 2030, Seq: n,
			Service: "f", Owner: "o", DraftID: id, Status: "received", ReceivedAt: now,
			Digest: digest[:], Record: record,
		}); err != nil {
			return err
		}
		if err := tx.DraftDelete(ctx, &storage.DraftDeleteParams{ID: id, Owner: "o"}); err != nil {
			return err
		}
		seq = n
		return nil
	})
	return seq, err
}

func TestTwoInstancesSubmitConcurrently(t *testing.T) {
	// Every draft is submitted by every worker of two instances at once.
	// Exactly one submit of each draft commits; the references of the
	// committed cases are 1..drafts, without gaps or duplicates, although
	// losing transactions drew numbers too and rolled back.
	t.Parallel()
	dsn := testDSN(t)
	dbs := openInstances(t, dsn, 2)
	const (
		drafts            = 40
		workersPerProcess = 3
	)
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	for i := range drafts {
		_, err := dbs[0].DraftInsert(t.Context(), draftParams(fmt.Sprintf("d%02d", i)))
		require.NoError(t, err)
	}
	var (
		mu     sync.Mutex
		won    = map[string][]int64{}
		others []error
		wg     sync.WaitGroup
	)
	start := make(chan struct{})
	for _, db := range dbs {
		for w := range workersPerProcess {
			wg.Go(func() {
				<-start
				for i := range drafts {
					// Workers walk the drafts in different orders.
					id := fmt.Sprintf("d%02d", (i*(w+1)+w)%drafts)
					seq, err := submit(t.Context(), db, id, now)
					mu.Lock()
					switch {
					case err == nil:
						won[id] = append(won[id], seq)
					case errors.Is(err, storage.ErrNotFound), errors.Is(err, storage.ErrConflict):
						// Submitted by someone else first.
					default:
						others = append(others, err)
					}
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	require.Empty(t, others)
	require.Len(t, won, drafts, "every draft submitted")
	var seqs []int64
	for id, s := range won {
		require.Len(t, s, 1, "draft %s submitted %d times", id, len(s))
		seqs = append(seqs, s[0])
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		require.Equal(t, int64(i+1), s, "references are gap-free and unique")
	}
	// The database agrees with what the workers saw.
	cases, err := dbs[1].CaseList(t.Context(), &storage.CaseListParams{Owner: "o", Limit: storage.MaxLimit})
	require.NoError(t, err)
	require.Len(t, cases, drafts)
	for _, c := range cases {
		require.Equal(t, won[c.DraftID][0], c.Seq)
	}
	list, err := dbs[0].DraftList(t.Context(), &storage.DraftListParams{Owner: "o"})
	require.NoError(t, err)
	require.Empty(t, list)
	// The next number continues the sequence.
	n, err := dbs[1].ReferenceNext(t.Context(), &storage.ReferenceNextParams{Prefix: "ETJ", Year: 2030})
	require.NoError(t, err)
	require.Equal(t, int64(drafts+1), n)
}

func TestTwoRelaysSendEachRowOnce(t *testing.T) {
	// Two relays on two instances drain one outbox: each row is claimed
	// and acknowledged by exactly one of them, and nothing is left.
	t.Parallel()
	dsn := testDSN(t)
	dbs := openInstances(t, dsn, 2)
	const rows = 150
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	for i := range rows {
		ok, err := dbs[i%2].OutboxInsert(t.Context(), &storage.OutboxInsertParams{
			ID: fmt.Sprintf("o%03d", i), Channel: "email", Kind: "receipt", DedupeKey: fmt.Sprintf("k%03d", i),
			Recipient: "r", Payload: []byte("p"), CreatedAt: now,
		})
		require.NoError(t, err)
		require.True(t, ok)
	}
	var (
		mu   sync.Mutex
		sent = map[string][]string{}
		errs []error
		wg   sync.WaitGroup
	)
	start := make(chan struct{})
	for r, db := range dbs {
		for w := range 2 {
			worker := fmt.Sprintf("relay-%d-%d", r, w)
			wg.Go(func() {
				<-start
				for {
					claimed, err := db.OutboxClaim(t.Context(), &storage.OutboxClaimParams{
						Worker: worker, Now: now, Lease: time.Hour, Limit: 7,
					})
					if err != nil || len(claimed) == 0 {
						if err != nil {
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
						}
						return
					}
					for _, row := range claimed {
						err := db.OutboxAck(t.Context(), &storage.OutboxAckParams{ID: row.ID, Worker: worker, SentAt: now})
						mu.Lock()
						if err != nil {
							errs = append(errs, err)
						} else {
							sent[row.ID] = append(sent[row.ID], worker)
						}
						mu.Unlock()
					}
				}
			})
		}
	}
	close(start)
	wg.Wait()
	require.Empty(t, errs)
	require.Len(t, sent, rows)
	for id, by := range sent {
		require.Len(t, by, 1, "row %s sent by %v", id, by)
	}
	left, err := dbs[0].OutboxClaim(t.Context(), &storage.OutboxClaimParams{Worker: "late", Now: now.Add(2 * time.Hour), Lease: time.Hour})
	require.NoError(t, err)
	require.Empty(t, left, "every row was acknowledged")
}
