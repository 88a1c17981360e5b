package draft_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/storage/pgstore"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// values4K returns answers whose canonical encoding is about 4 KB.
func values4K(base form.Values) form.Values {
	v := base.Clone()
	v["typ"] = form.String("b")
	v["antal"] = form.Int(7)
	v["diagnos"] = form.String(strings.Repeat("Beskrivning av funktionsnedsättningen. ", 80))
	items := make([]form.Values, 5)
	for i := range items {
		items[i] = form.Values{"barnnamn": form.String(fmt.Sprintf("Barn nummer %d", i)), "alder": form.Int(int64(i + 3))}
	}
	v["barnen"] = form.Group(items...)
	return v
}

// BenchmarkDraftSave saves 4 KB of values (partial validation, sealed,
// revision-checked) beside a baseline that runs the same revision-checked
// UPDATE of 4 KB with bare SQL on the same modernc SQLite settings
// (WAL, synchronous=FULL, one writer connection, BEGIN IMMEDIATE).
func BenchmarkDraftSave(b *testing.B) {
	b.Run("etjanst-sqlite", func(b *testing.B) { benchSave(b, setup(b)) })
	b.Run("baseline-bare-sql", func(b *testing.B) {
		ctx := context.Background()
		path := filepath.Join(b.TempDir(), "raw.db")
		db, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)}) // creates the same schema
		if err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
		raw, err := sqlitestore.OpenRaw(ctx, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		payload := make([]byte, 4096+29) // the sealed size of ~4 KB
		_, _ = rand.Read(payload)
		now := time.Now().UnixMicro()
		if _, err := raw.Exec(`INSERT INTO drafts (id, owner, form_id, form_version, revision, step, progress, key_id, created_at, updated_at, expires_at, payload)
			VALUES ('d1', 'o1', 'f', 1, 1, 's', 0, 'k1', ?, ?, ?, ?)`, now, now, now, payload); err != nil {
			b.Fatal(err)
		}
		stmt, err := raw.Prepare(`UPDATE drafts SET revision = revision + 1, step = ?, completed_steps = ?, progress = ?, key_id = ?,
			payload = ?, updated_at = ?, expires_at = ? WHERE id = ? AND owner = ? AND revision = ?`)
		if err != nil {
			b.Fatal(err)
		}
		defer stmt.Close()
		rev := int64(1)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			res, err := stmt.Exec("s", `["s"]`, 100, "k1", payload, now, now, "d1", "o1", rev)
			if err != nil {
				b.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				b.Fatal("revision check failed")
			}
			rev++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
	})
	// Both in one loop, alternating, so that both see the same machine
	// noise (fsync times vary a lot on a shared box); reports the ratio
	// baseline time / etjanst time (1.0 = no overhead).
	b.Run("interleaved-sqlite", func(b *testing.B) {
		bb := setup(b)
		bb.opts.MaxAuthAge = 24 * time.Hour
		s, _ := draft.NewStore(bb.db, bb.reg, bb.keys, bb.opts)
		a := bb.person(pnrA)
		d, err := s.Create(bb.ctx, a, "ansokan", nil)
		if err != nil {
			b.Fatal(err)
		}
		v := values4K(d.Values)
		raw, stmt := rawSaveBaseline(b)
		defer raw.Close()
		defer stmt.Close()
		payload := make([]byte, 4096+29)
		_, _ = rand.Read(payload)
		now := time.Now().UnixMicro()
		var ours, base time.Duration
		rawRev := int64(1)
		b.ResetTimer()
		for b.Loop() {
			t0 := time.Now()
			if d, err = s.Save(bb.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v}); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := stmt.Exec("s", `["s"]`, 100, "k1", payload, now, now, "d1", "o1", rawRev); err != nil {
				b.Fatal(err)
			}
			rawRev++
			ours += t1.Sub(t0)
			base += time.Since(t1)
		}
		b.ReportMetric(float64(ours.Microseconds())/float64(b.N), "etjanst-µs/op")
		b.ReportMetric(float64(base.Microseconds())/float64(b.N), "baseline-µs/op")
		b.ReportMetric(float64(base)/float64(ours), "ratio")
	})
	// PostgreSQL, when ETJANST_PG_DSN is set: the same save through
	// pgstore, beside the same revision-checked UPDATE on a bare pgx pool.
	b.Run("etjanst-pgstore", func(b *testing.B) { benchSave(b, setupOn(b, pgstoretest.Open(b, nil))) })
	b.Run("baseline-raw-pgx", func(b *testing.B) {
		db := pgstoretest.Open(b, nil)
		raw, err := pgstore.OpenRaw(b.Context(), pgstoretest.DSN(b), &pgstore.Options{Schema: db.Schema()})
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		payload := make([]byte, 4096+29)
		_, _ = rand.Read(payload)
		now := time.Now().UTC()
		if _, err := raw.Exec(b.Context(), `INSERT INTO drafts (id, owner, form_id, form_version, revision, step, completed_steps,
			progress, key_id, created_at, updated_at, expires_at, payload) VALUES ('d1', 'o1', 'f', 1, 1, 's', '{}', 0, 'k1', $1, $1, $1, $2)`,
			now, payload); err != nil {
			b.Fatal(err)
		}
		rev := int64(1)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			var next int64
			if err := raw.QueryRow(b.Context(), `UPDATE drafts SET form_version = $1, revision = revision + 1, step = $2,
				completed_steps = $3, progress = $4, key_id = $5, updated_at = $6, expires_at = $7, warned_at = NULL, payload = $8
				WHERE id = $9 AND owner = $10 AND revision = $11 RETURNING revision`,
				1, "s", []string{"s"}, 100, "k1", now, now, payload, "d1", "o1", rev).Scan(&next); err != nil {
				b.Fatal(err)
			}
			rev = next
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
	})
}

// rawSaveBaseline opens a bare SQLite database with the same schema and
// settings and prepares the baseline's revision-checked UPDATE of draft d1.
func rawSaveBaseline(b *testing.B) (*sql.DB, *sql.Stmt) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	_ = db.Close()
	raw, err := sqlitestore.OpenRaw(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UnixMicro()
	if _, err := raw.Exec(`INSERT INTO drafts (id, owner, form_id, form_version, revision, step, progress, key_id, created_at, updated_at, expires_at, payload)
		VALUES ('d1', 'o1', 'f', 1, 1, 's', 0, 'k1', ?, ?, ?, X'00')`, now, now, now); err != nil {
		b.Fatal(err)
	}
	stmt, err := raw.Prepare(`UPDATE drafts SET revision = revision + 1, step = ?, completed_steps = ?, progress = ?, key_id = ?,
		payload = ?, updated_at = ?, expires_at = ? WHERE id = ? AND owner = ? AND revision = ?`)
	if err != nil {
		b.Fatal(err)
	}
	return raw, stmt
}

// benchSave saves 4 KB of values (partial validation, sealed,
// revision-checked) through the store of bb.
func benchSave(b *testing.B, bb *bundle) {
	bb.opts.MaxAuthAge = 24 * time.Hour
	s, _ := draft.NewStore(bb.db, bb.reg, bb.keys, bb.opts)
	a := bb.person(pnrA)
	d, err := s.Create(bb.ctx, a, "ansokan", nil)
	if err != nil {
		b.Fatal(err)
	}
	v := values4K(d.Values)
	enc, _ := v.MarshalJSON()
	b.ReportMetric(float64(len(enc)), "value-bytes")
	rev := d.Revision
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d, err = s.Save(bb.ctx, a, d.ID, draft.SaveParams{Revision: rev, Values: v})
		if err != nil {
			b.Fatal(err)
		}
		rev = d.Revision
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
}

// BenchmarkDraftList lists one owner's drafts (Mina sidor) with 10,000 and
// 1,000,000 drafts of other owners in the store: the cost stays flat.
func BenchmarkDraftList(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("drafts=%d", n), func(b *testing.B) {
			bb := setup(b)
			a := bb.person(pnrA)
			for range 5 {
				if _, err := bb.store.Create(bb.ctx, a, "ansokan", nil); err != nil {
					b.Fatal(err)
				}
			}
			fill(b, bb, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				list, err := bb.store.List(bb.ctx, a)
				if err != nil || len(list) != 5 {
					b.Fatal(len(list), err)
				}
			}
		})
	}
}

// fill inserts n drafts of other owners with bare SQL (opaque payloads).
func fill(b *testing.B, bb *bundle, n int) {
	b.Helper()
	raw := rawDBTB(b, bb)
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO drafts (id, owner, form_id, form_version, revision, step, progress, key_id, created_at, updated_at, expires_at, payload)
		VALUES (?, ?, 'ansokan', 1, 1, 'sokande', 0, 'k1', ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 200)
	now := bb.clock.Now().UnixMicro()
	exp := bb.clock.Now().Add(90 * 24 * time.Hour).UnixMicro()
	for i := range n {
		if _, err := stmt.Exec(fmt.Sprintf("fill-%08d", i), fmt.Sprintf("owner-%08d", i%(n/3+1)), now+int64(i), now+int64(i), exp, payload); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
