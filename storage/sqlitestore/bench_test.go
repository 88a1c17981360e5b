package sqlitestore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// benchPayload is a 4 KB sealed draft, the size the draft benchmarks use.
func benchPayload(b *testing.B) []byte {
	p := make([]byte, 4096)
	_, err := rand.Read(p)
	require.NoError(b, err)
	return p
}

// openBench opens a fresh migrated database with default (durable)
// settings and one 4 KB draft "d1" of owner "o".
func openBench(b *testing.B, payload []byte) (*sqlitestore.DB, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := sqlitestore.Open(b.Context(), path, quiet)
	require.NoError(b, err)
	b.Cleanup(func() { _ = db.Close() })
	p := draftParams("d1")
	p.Payload = payload
	_, err = db.DraftInsert(b.Context(), p)
	require.NoError(b, err)
	return db, path
}

// rawUpdate is the baseline: the same revision-checked UPDATE, as bare SQL
// on a *sql.DB with the writer's exact settings (sqlitestore.OpenRaw).
const rawUpdate = `UPDATE drafts SET form_version = ?, revision = revision + 1, step = ?, completed_steps = ?,
	progress = ?, key_id = ?, updated_at = ?, expires_at = ?, warned_at = NULL, payload = ?
	WHERE id = ? AND owner = ? AND revision = ?`

// openRawBench returns a prepared baseline UPDATE on its own database file
// holding the same draft.
func openRawBench(b *testing.B, payload []byte) *sql.Stmt {
	b.Helper()
	_, path := openBench(b, payload)
	raw, err := sqlitestore.OpenRaw(b.Context(), path, nil)
	require.NoError(b, err)
	b.Cleanup(func() { _ = raw.Close() })
	stmt, err := raw.PrepareContext(b.Context(), rawUpdate)
	require.NoError(b, err)
	b.Cleanup(func() { _ = stmt.Close() })
	return stmt
}

func driverUpdate(ctx context.Context, db *sqlitestore.DB, rev int64, payload []byte, now time.Time) error {
	_, err := db.DraftUpdate(ctx, &storage.DraftUpdateParams{
		ID: "d1", Owner: "o", Revision: rev, FormVersion: 1, Step: "s2", CompletedSteps: []string{"s1"},
		Progress: 50, KeyID: "k1", Payload: payload, UpdatedAt: now, ExpiresAt: now.Add(90 * 24 * time.Hour),
	})
	return err
}

func rawUpdateOnce(ctx context.Context, stmt *sql.Stmt, rev int64, payload []byte, now time.Time) error {
	res, err := stmt.ExecContext(ctx, 1, "s2", `["s1"]`, 50, "k1", now.UnixMicro(),
		now.Add(90*24*time.Hour).UnixMicro(), payload, "d1", "o", rev)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("baseline update affected %d rows: %v", n, err)
	}
	return nil
}

// BenchmarkDraftUpdate measures a durable (synchronous=FULL), revision-checked
// 4 KB draft update through the driver beside the same UPDATE as bare SQL.
// The "interleaved" case alternates the two in one loop, so both see the same
// machine noise, and reports their ratio (baseline time / driver time; 1.0
// means no overhead).
func BenchmarkDraftUpdate(b *testing.B) {
	payload := benchPayload(b)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

	b.Run("sqlitestore", func(b *testing.B) {
		db, _ := openBench(b, payload)
		ctx := b.Context()
		rev := int64(1)
		for b.Loop() {
			if err := driverUpdate(ctx, db, rev, payload, now); err != nil {
				b.Fatal(err)
			}
			rev++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})

	b.Run("raw", func(b *testing.B) {
		stmt := openRawBench(b, payload)
		ctx := b.Context()
		rev := int64(1)
		for b.Loop() {
			if err := rawUpdateOnce(ctx, stmt, rev, payload, now); err != nil {
				b.Fatal(err)
			}
			rev++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	})

	b.Run("interleaved", func(b *testing.B) {
		db, _ := openBench(b, payload)
		stmt := openRawBench(b, payload)
		ctx := b.Context()
		var driverTime, rawTime time.Duration
		rev := int64(1)
		for b.Loop() {
			t0 := time.Now()
			if err := driverUpdate(ctx, db, rev, payload, now); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := rawUpdateOnce(ctx, stmt, rev, payload, now); err != nil {
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

// BenchmarkDraftGet measures a point read of a 4 KB draft on the read pool.
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

// BenchmarkDraftList lists one owner's 10 drafts in stores of 10k and 1M
// drafts (10 per owner, 256-byte payloads, filled with bare SQL). The time
// per list should not grow with the store.
func BenchmarkDraftList(b *testing.B) {
	for _, total := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("drafts=%d", total), func(b *testing.B) {
			const perOwner = 10
			path := filepath.Join(b.TempDir(), "bench.db")
			db, err := sqlitestore.Open(b.Context(), path, quiet)
			require.NoError(b, err)
			require.NoError(b, db.Close())
			raw, err := sqlitestore.OpenRaw(b.Context(), path, &sqlitestore.Options{Synchronous: sqlitestore.SynchronousNormal})
			require.NoError(b, err)
			now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro()
			_, err = raw.ExecContext(b.Context(), `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
				INSERT INTO drafts (id, owner, form_id, form_version, revision, step, completed_steps, progress, key_id,
					created_at, updated_at, expires_at, warned_at, attachment_count, attachment_bytes, payload)
				SELECT printf('d%08d', i), printf('owner-%07d', i % (?1 / ?2)), 'bygglov', 1, 1, 'start', NULL, 0, 'k1',
					?3, ?3 + i, ?3 + 7776000000000, NULL, 0, 0, randomblob(256) FROM n`,
				total, perOwner, now)
			require.NoError(b, err)
			require.NoError(b, raw.Close())

			db, err = sqlitestore.Open(b.Context(), path, quiet)
			require.NoError(b, err)
			b.Cleanup(func() { _ = db.Close() })
			ctx := b.Context()
			owners := total / perOwner
			i := 0
			b.ResetTimer()
			for b.Loop() {
				list, err := db.DraftList(ctx, &storage.DraftListParams{Owner: fmt.Sprintf("owner-%07d", (i*7919)%owners)})
				if err != nil || len(list) != perOwner {
					b.Fatalf("list: %d rows, %v", len(list), err)
				}
				i++
			}
		})
	}
}
