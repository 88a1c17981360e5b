package pgstore_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// benchPayload is a 4 KB sealed draft, the size the draft benchmarks use.
func benchPayload(b *testing.B) []byte {
	p := make([]byte, 4096)
	_, err := rand.Read(p)
	require.NoError(b, err)
	return p
}

// openBench opens the driver on a fresh migrated schema holding one 4 KB
// draft "d1" of owner "o", and a bare pool with the same settings on that
// schema.
func openBench(b *testing.B, payload []byte) (*pgstore.DB, *pgxpool.Pool) {
	b.Helper()
	dsn := testDSN(b)
	schema := newSchema(b, dsn)
	db, err := pgstore.Open(b.Context(), dsn, quiet(schema))
	require.NoError(b, err)
	b.Cleanup(func() { _ = db.Close() })
	raw, err := pgstore.OpenRaw(b.Context(), dsn, quiet(schema))
	require.NoError(b, err)
	b.Cleanup(raw.Close)
	p := draftParams("d1")
	p.Payload = payload
	_, err = db.DraftInsert(b.Context(), p)
	require.NoError(b, err)
	return db, raw
}

// rawUpdate is the baseline: the driver's revision-checked UPDATE, word for
// word, run on a bare pgx pool.
const rawUpdate = `UPDATE drafts SET form_version = $1, revision = revision + 1, step = $2, completed_steps = $3,
		progress = $4, key_id = $5, updated_at = $6, expires_at = $7, warned_at = NULL, payload = $8
		WHERE id = $9 AND owner = $10 AND revision = $11
		RETURNING revision`

func driverUpdate(ctx context.Context, db *pgstore.DB, id string, rev int64, payload []byte, now time.Time) error {
	_, err := db.DraftUpdate(ctx, &storage.DraftUpdateParams{
		ID: id, Owner: "o", Revision: rev, FormVersion: 1, Step: "s2", CompletedSteps: []string{"s1"},
		Progress: 50, KeyID: "k1", Payload: payload, UpdatedAt: now, ExpiresAt: now.Add(90 * 24 * time.Hour),
	})
	return err
}

func rawUpdateOnce(ctx context.Context, raw *pgxpool.Pool, id string, rev int64, payload []byte, now time.Time) error {
	var updated int64
	return raw.QueryRow(ctx, rawUpdate, 1, "s2", []string{"s1"}, 50, "k1", now, now.Add(90*24*time.Hour), payload,
		id, "o", rev).Scan(&updated)
}

// BenchmarkDraftUpdate measures a durable (synchronous_commit as the server
// sets it), revision-checked 4 KB draft update through the driver beside
// the same UPDATE on a bare pgx pool. The "interleaved" case alternates the
// two in one loop, on two drafts of one schema, so both see the same
// machine noise, and reports their ratio (baseline time / driver time; 1.0
// means no overhead).
func BenchmarkDraftUpdate(b *testing.B) {
	payload := benchPayload(b)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

	b.Run("pgstore", func(b *testing.B) {
		db, _ := openBench(b, payload)
		ctx := b.Context()
		rev := int64(1)
		for b.Loop() {
			if err := driverUpdate(ctx, db, "d1", rev, payload, now); err != nil {
				b.Fatal(err)
			}
			rev++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})

	b.Run("raw", func(b *testing.B) {
		_, raw := openBench(b, payload)
		ctx := b.Context()
		rev := int64(1)
		for b.Loop() {
			if err := rawUpdateOnce(ctx, raw, "d1", rev, payload, now); err != nil {
				b.Fatal(err)
			}
			rev++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})

	b.Run("interleaved", func(b *testing.B) {
		db, raw := openBench(b, payload)
		p := draftParams("d2")
		p.Payload = payload
		_, err := db.DraftInsert(b.Context(), p)
		require.NoError(b, err)
		ctx := b.Context()
		var driverTime, rawTime time.Duration
		rev := int64(1)
		for b.Loop() {
			t0 := time.Now()
			if err := driverUpdate(ctx, db, "d1", rev, payload, now); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := rawUpdateOnce(ctx, raw, "d2", rev, payload, now); err != nil {
				b.Fatal(err)
			}
			rawTime += time.Since(t1)
			driverTime += t1.Sub(t0)
			rev++
		}
		n := float64(b.N)
		b.ReportMetric(float64(driverTime.Microseconds())/n, "driver-µs/op")
		b.ReportMetric(float64(rawTime.Microseconds())/n, "raw-µs/op")
		b.ReportMetric(float64(rawTime)/float64(driverTime), "ratio")
	})
}

// BenchmarkDraftGet measures a point read of a 4 KB draft.
func BenchmarkDraftGet(b *testing.B) {
	db, _ := openBench(b, benchPayload(b))
	ctx := b.Context()
	p := &storage.DraftGetParams{ID: "d1", Owner: "o"}
	for b.Loop() {
		if _, err := db.DraftGet(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// The raw statements of the submit core, matching the driver's.
const (
	rawReferenceNext = `INSERT INTO reference_sequences AS s (prefix, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = s.last + 1 RETURNING last`
	rawCaseInsert = `INSERT INTO cases (id, reference, prefix, year, seq, service, form_version, owner, draft_id,
		idempotency_key, status, status_label, subject_line, received_at, updated_at, digest, manifest, audit_seq,
		audit_head, record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, 0, NULL, $17)
		ON CONFLICT DO NOTHING`
	rawDraftDelete  = `DELETE FROM drafts WHERE id = $1 AND owner = $2`
	rawOutboxInsert = `INSERT INTO outbox (id, channel, kind, dedupe_key, recipient, state, attempts, created_at,
		next_attempt_at, payload) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $8)
		ON CONFLICT DO NOTHING`
)

// BenchmarkSubmitCore measures the writes of one submit in one transaction
// (next reference, case row with a 4 KB record, draft removal, one outbox
// row) through the driver beside the same statements in a bare pgx
// transaction, alternated in one loop; "ratio" is baseline time / driver
// time.
func BenchmarkSubmitCore(b *testing.B) {
	payload := benchPayload(b)
	digest := sha256.Sum256(payload)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	db, raw := openBench(b, payload)
	ctx := b.Context()

	driverSubmit := func(i int) error {
		id := fmt.Sprintf("drv-%d", i)
		return storage.WithTx(ctx, db, func(ctx context.Context, tx storage.Tx) error {
			n, err := tx.ReferenceNext(ctx, &storage.ReferenceNextParams{Prefix: "DRV", Year: 2030})
			if err != nil {
				return err
			}
			if _, err := tx.CaseInsert(ctx, &storage.CaseInsertParams{
				ID: id, Reference: fmt.Sprintf("DRV 2030/%06d", n), Prefix: "DRV", Year: 2030, Seq: n, Service: "f",
				Owner: "o", DraftID: id, Status: "received", ReceivedAt: now, Digest: digest[:], Record: payload,
			}); err != nil {
				return err
			}
			if err := tx.DraftDelete(ctx, &storage.DraftDeleteParams{ID: id, Owner: "o"}); err != nil {
				return err
			}
			_, err = tx.OutboxInsert(ctx, &storage.OutboxInsertParams{
				ID: id, Channel: "email", Kind: "receipt", DedupeKey: id, Recipient: "r", Payload: []byte("p"), CreatedAt: now,
			})
			return err
		})
	}
	rawSubmit := func(i int) error {
		id := fmt.Sprintf("raw-%d", i)
		return pgx.BeginFunc(ctx, raw, func(tx pgx.Tx) error {
			var n int64
			if err := tx.QueryRow(ctx, rawReferenceNext, "RAW", 2030).Scan(&n); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, rawCaseInsert, id, fmt.Sprintf("RAW 2030/%06d", n), "RAW", 2030, n, "f", 0, "o", id,
				nil, "received", "", "", now, digest[:], []byte("{}"), payload); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, rawDraftDelete, id, "o"); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, rawOutboxInsert, id, "email", "receipt", id, "r", now, now, []byte("p"))
			return err
		})
	}
	insert := func(id string) {
		p := draftParams(id)
		p.Payload = payload
		_, err := db.DraftInsert(ctx, p)
		require.NoError(b, err)
	}

	var driverTime, rawTime time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		insert(fmt.Sprintf("drv-%d", i))
		insert(fmt.Sprintf("raw-%d", i))
		b.StartTimer()
		t0 := time.Now()
		if err := driverSubmit(i); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := rawSubmit(i); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(t1)
		driverTime += t1.Sub(t0)
		i++
	}
	n := float64(b.N)
	b.ReportMetric(float64(driverTime.Microseconds())/n, "driver-µs/op")
	b.ReportMetric(float64(rawTime.Microseconds())/n, "raw-µs/op")
	b.ReportMetric(float64(rawTime)/float64(driverTime), "ratio")
}
