package submission_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage/pgstore"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

// latencies collects per-operation durations and reports throughput and
// percentiles.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *latencies) report(b *testing.B) {
	if len(l.d) == 0 {
		return
	}
	b.ReportMetric(l.pct(0.50), "p50-µs")
	b.ReportMetric(l.pct(0.99), "p99-µs")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// pct returns the p-th percentile in µs (0 when empty).
func (l *latencies) pct(p float64) float64 {
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	return float64(l.d[int(p*float64(len(l.d)-1))].Microseconds())
}

// run calls op(i) for i in [0, b.N) from conc goroutines, timing each.
func run(b *testing.B, conc int, op func(i int) error) {
	var lat latencies
	b.ResetTimer()
	_, err := runRange(conc, 0, b.N, op, &lat)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	lat.report(b)
}

// runRange calls op(i) for i in [from, to) from conc goroutines, adding
// each call's duration to lat, and returns the time it took.
func runRange(conc, from, to int, op func(i int) error, lat *latencies) (time.Duration, error) {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				t0 := time.Now()
				if err := op(i); err != nil {
					failed.Store(err)
					return
				}
				lat.add(time.Since(t0))
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	err, _ := failed.Load().(error)
	return took, err
}

// interleave runs the pipeline (ours) and its baseline (base) in turns of
// chunk operations each, from conc goroutines, so that both see the same
// machine noise (fsync times vary a lot on a shared box), and reports the
// throughput and p50/p99 latency of each and the ratio of their
// throughputs (etjanst / baseline).
func interleave(b *testing.B, conc, chunk int, ours, base func(i int) error) {
	var lo, lb latencies
	var to, tb time.Duration
	b.ResetTimer()
	for from := 0; from < b.N; from += chunk {
		end := min(from+chunk, b.N)
		d, err := runRange(conc, from, end, ours, &lo)
		if err != nil {
			b.Fatal(err)
		}
		to += d
		if d, err = runRange(conc, from, end, base, &lb); err != nil {
			b.Fatal(err)
		}
		tb += d
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/to.Seconds(), "etjanst-ops/s")
	b.ReportMetric(float64(b.N)/tb.Seconds(), "baseline-ops/s")
	b.ReportMetric(lo.pct(0.5), "etjanst-p50-µs")
	b.ReportMetric(lo.pct(0.99), "etjanst-p99-µs")
	b.ReportMetric(lb.pct(0.5), "baseline-p50-µs")
	b.ReportMetric(lb.pct(0.99), "baseline-p99-µs")
	b.ReportMetric(tb.Seconds()/to.Seconds(), "ratio")
}

// BenchmarkSubmit sends a 4 KB draft through the whole pipeline (validate,
// register, classify, one durable transaction with record, document, flags,
// outbox row, draft removal and audit entry) at 1 and 8 concurrent
// submitters, beside a baseline of the same four core statements (insert
// record, insert flags, insert outbox row, delete draft) in one bare SQL
// transaction with the same durability (WAL, synchronous=FULL, one writer).
// The pipeline runs on sqlitestore's defaults, which include group commit
// (concurrent submits share one flush, each in a savepoint of its own); a
// run without it follows for comparison. Cases, documents, flags and outbox
// rows get time-ordered IDs in both. Each reports ops/s and p50/p99; the
// interleaved runs take turns between the two and report the ratio of
// their throughputs (etjanst / baseline).
//
// With ETJANST_PG_DSN set, the same runs on PostgreSQL (pgstore beside the
// same statements on a bare pgx pool) follow.
func BenchmarkSubmit(b *testing.B) {
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("etjanst-sqlite/submitters=%d", conc), func(b *testing.B) { benchPipeline(b, setup(b), conc) })
		b.Run(fmt.Sprintf("baseline-bare-sql/submitters=%d", conc), func(b *testing.B) { benchBaseline(b, conc) })
	}
	// Both in one run, in turns (one submit each with one submitter, 100
	// with eight), so that both see the same machine noise.
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("interleaved-sqlite/submitters=%d", conc), func(b *testing.B) {
			interleave(b, conc, turn(conc), preparePipeline(b, setup(b), b.N), prepareBaseline(b, b.N))
		})
	}
	// Without group commit (Options.GroupCommit 1, one plain transaction
	// at a time), for comparison: each submit has a flush of its own.
	b.Run("etjanst-sqlite-nogroupcommit/submitters=8", func(b *testing.B) {
		db, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "plain.db"),
			&sqlitestore.Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchPipeline(b, setupOn(b, db), 8)
	})
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("etjanst-pgstore/submitters=%d", conc), func(b *testing.B) {
			benchPipeline(b, setupOn(b, pgstoretest.Open(b, &pgstore.Options{MaxConns: 16})), conc)
		})
		b.Run(fmt.Sprintf("baseline-raw-pgx/submitters=%d", conc), func(b *testing.B) {
			base := prepareBaselinePG(b, b.N)
			b.ReportAllocs()
			run(b, conc, base)
		})
	}
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("interleaved-pgstore/submitters=%d", conc), func(b *testing.B) {
			ours := preparePipeline(b, setupOn(b, pgstoretest.Open(b, &pgstore.Options{MaxConns: 16})), b.N)
			interleave(b, conc, turn(conc), ours, prepareBaselinePG(b, b.N))
		})
	}
}

// turn is how many submits the pipeline and the baseline make in each of
// their turns in an interleaved run: one with one submitter; with more,
// enough that starting and ending a turn (all submitters busy only in its
// middle) weighs little.
func turn(conc int) int {
	if conc == 1 {
		return 1
	}
	return 100
}

func benchPipeline(b *testing.B, bb *bundle, conc int) {
	submit := preparePipeline(b, bb, b.N)
	b.ReportAllocs()
	run(b, conc, submit)
}

// preparePipeline saves n drafts of 4 KB and returns the submit of the
// i-th.
func preparePipeline(b testing.TB, bb *bundle, n int) func(i int) error {
	pipe, err := submission.NewPipeline(bb.db, bb.drafts, &submission.Options{Notifier: outboxNotifier{}, ReferencePrefix: "KS", Now: bb.clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	whos := make([]identity.Principal, n)
	ids := make([]string, n)
	for i := range n {
		whos[i] = bb.person([]string{pnrA, pnrB}[i%2])
		d, err := bb.drafts.Create(bb.ctx, whos[i], "parkering", nil)
		if err != nil {
			b.Fatal(err)
		}
		v := d.Values.Clone()
		v["roll"] = form.String("passagerare")
		v["diagnos"] = form.String(strings.Repeat("Reumatism i knän och höfter. ", 130))
		if _, err := bb.drafts.Save(bb.ctx, whos[i], d.ID, draft.SaveParams{Revision: d.Revision, Values: v}); err != nil {
			b.Fatal(err)
		}
		ids[i] = d.ID
	}
	return func(i int) error {
		_, err := pipe.Submit(bb.ctx, whos[i], ids[i], nil)
		return err
	}
}

func benchBaseline(b *testing.B, conc int) {
	tx := prepareBaseline(b, b.N)
	b.ReportAllocs()
	run(b, conc, tx)
}

// prepareBaseline inserts n drafts of 4 KB into a bare database with the
// same schema and settings, and returns the baseline transaction of the
// i-th: the four statements in one bare SQL transaction.
func prepareBaseline(b *testing.B, n int) func(i int) error {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)}) // the same schema
	if err != nil {
		b.Fatal(err)
	}
	_ = db.Close()
	raw, err := sqlitestore.OpenRaw(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = raw.Close() })
	payload := make([]byte, 4096)
	_, _ = rand.Read(payload)
	now := time.Now().UnixMicro()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString() // drafts have random IDs
		if _, err := raw.Exec(`INSERT INTO drafts (id, owner, form_id, form_version, revision, step, progress, key_id, created_at,
			updated_at, expires_at, payload) VALUES (?, 'o', 'f', 1, 1, 's', 0, 'k1', ?, ?, ?, ?)`, ids[i], now, now, now, payload); err != nil {
			b.Fatal(err)
		}
	}
	return func(i int) error {
		tx, err := raw.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		caseID := v7()
		if _, err := tx.Exec(`INSERT INTO cases (id, reference, prefix, year, seq, service, form_version, owner, draft_id, status,
			status_label, subject_line, received_at, updated_at, digest, manifest, record)
			VALUES (?, ?, 'KS', 2026, ?, 'f', 1, 'o', ?, 'submitted', '', 'x', ?, ?, ?, X'7B7D', ?)`,
			caseID, fmt.Sprintf("KS 2026/%06d", i+1), i+1, ids[i], now, now, payload[:32], payload); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO secrecy_flags (id, case_id, pos, document_id, path, kind, reason, osl, article9)
			VALUES (?, ?, 0, 'd', 'sender', 'name', 'sender', '[]', 0), (?, ?, 1, 'd', 'pnr', 'identityNumber', 'field', '[]', 0),
			(?, ?, 2, 'd', 'diagnos', 'health', 'field', '["25:1"]', 1)`,
			v7(), caseID, v7(), caseID, v7(), caseID); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO outbox (id, channel, kind, dedupe_key, recipient, state, created_at, next_attempt_at, payload)
			VALUES (?, 'inbox', 'submitted', ?, 'r', 'pending', ?, ?, X'00')`, v7(), "submitted:"+caseID, now, now); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM drafts WHERE id = ?`, ids[i]); err != nil {
			return err
		}
		return tx.Commit()
	}
}

// prepareBaselinePG is prepareBaseline on PostgreSQL: n drafts in a schema
// of their own, and the four statements on a bare pgx pool.
func prepareBaselinePG(b *testing.B, n int) func(i int) error {
	db := pgstoretest.Open(b, nil)
	ctx := context.Background()
	raw, err := pgstore.OpenRaw(ctx, pgstoretest.DSN(b), &pgstore.Options{Schema: db.Schema(), MaxConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(raw.Close)
	payload := make([]byte, 4096)
	_, _ = rand.Read(payload)
	now := time.Now().UTC()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString() // drafts have random IDs
		if _, err := raw.Exec(ctx, `INSERT INTO drafts (id, owner, form_id, form_version, revision, step, completed_steps, progress,
			key_id, created_at, updated_at, expires_at, payload) VALUES ($1, 'o', 'f', 1, 1, 's', '{}', 0, 'k1', $2, $2, $2, $3)`,
			ids[i], now, payload); err != nil {
			b.Fatal(err)
		}
	}
	return func(i int) error {
		tx, err := raw.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		caseID := v7()
		if _, err := tx.Exec(ctx, `INSERT INTO cases (id, reference, prefix, year, seq, service, form_version, owner, draft_id,
			status, status_label, subject_line, received_at, updated_at, digest, manifest, audit_seq, record)
			VALUES ($1, $2, 'KS', 2026, $3, 'f', 1, 'o', $4, 'submitted', '', 'x', $5, $5, $6, '{}', 0, $7)`,
			caseID, fmt.Sprintf("KS 2026/%06d", i+1), i+1, ids[i], now, payload[:32], payload); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO secrecy_flags (id, case_id, document_id, path, kind, reason, osl, article9)
			VALUES ($1, $2, 'd', 'sender', 'name', 'sender', '{}', false), ($3, $2, 'd', 'pnr', 'identityNumber', 'field', '{}', false),
			($4, $2, 'd', 'diagnos', 'health', 'field', '{25:1}', true)`,
			v7(), caseID, v7(), v7()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO outbox (id, channel, kind, dedupe_key, recipient, state, attempts, created_at,
			next_attempt_at, payload) VALUES ($1, 'inbox', 'submitted', $2, 'r', 'pending', 0, $3, $3, '\\x00')`,
			v7(), "submitted:"+caseID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM drafts WHERE id = $1`, ids[i]); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
}

// v7 returns a time-ordered UUID, the kind the pipeline gives cases,
// documents, flags and outbox rows, so that the baselines write their
// indexes the same way.
func v7() string { return uuid.Must(uuid.NewV7()).String() }
