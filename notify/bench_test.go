package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

// The statements the relay's driver runs for a claim and an
// acknowledgement, written out for the baseline.
const (
	benchClaimSQL = `UPDATE outbox SET attempts = attempts + 1, lease_owner = ?1, next_attempt_at = ?2
		WHERE seq IN (SELECT seq FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?3
			ORDER BY next_attempt_at, seq LIMIT ?4)
		RETURNING seq, id, channel, kind, dedupe_key, recipient, state, attempts, created_at, next_attempt_at,
			lease_owner, last_error, sent_at, dead_at, payload`
	benchAckSQL = `UPDATE outbox SET state = 'sent', sent_at = ?, lease_owner = NULL, recipient = '', payload = X''
		WHERE id = ? AND state = 'pending' AND lease_owner = ?`
	benchBatch = 50
)

// BenchmarkRelay measures claimed-sent-acknowledged rows per second through
// Relay.RunOnce with a no-op email sender (directory in memory), and, in the
// same iterations on a second database with the same settings, a bare-SQL
// baseline running the same claim and acknowledgement statements through
// prepared statements. Each iteration processes one batch of 50 rows with
// each; the queues are refilled with the timer stopped. It reports both
// rates and their ratio (relay/raw; the goal is at least 0.7).
func BenchmarkRelay(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2030, 3, 4, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	anna := identitytest.Citizen(b, now).Subject

	// The relay's database, at the default durability (synchronous FULL).
	dir := b.TempDir()
	db, err := sqlitestore.Open(ctx, filepath.Join(dir, "relay.db"), &sqlitestore.Options{Logger: quietLog})
	require.NoError(b, err)
	defer db.Close()
	outbox, err := notify.NewOutbox(&notify.OutboxOptions{Channels: []notify.Channel{notify.ChannelEmail}, Now: clock})
	require.NoError(b, err)
	noop := notify.SenderFunc(func(context.Context, notify.Delivery) error { return nil })
	contact := notify.Contact{Email: "anna@example.se", Channels: []notify.Channel{notify.ChannelEmail}}
	directory := notify.DirectoryFunc(func(context.Context, identity.Subject) (notify.Contact, error) { return contact, nil })
	relay, err := notify.NewRelay(db, map[notify.Channel]notify.Sender{notify.ChannelEmail: noop}, directory,
		&notify.RelayOptions{Worker: "bench", BatchSize: benchBatch, Now: clock, Logger: quietLog, Link: "https://kommun.example/mina-sidor"})
	require.NoError(b, err)

	// The baseline's database: migrated by Open, then used bare.
	rawPath := filepath.Join(dir, "raw.db")
	rawDB, err := sqlitestore.Open(ctx, rawPath, &sqlitestore.Options{Logger: quietLog})
	require.NoError(b, err)
	defer rawDB.Close()
	raw, err := sqlitestore.OpenRaw(ctx, rawPath, nil)
	require.NoError(b, err)
	defer raw.Close()
	claim, err := raw.PrepareContext(ctx, benchClaimSQL)
	require.NoError(b, err)
	defer claim.Close()
	ack, err := raw.PrepareContext(ctx, benchAckSQL)
	require.NoError(b, err)
	defer ack.Close()

	seq := 0
	fill := func() {
		var msgs []notify.Message
		for range benchBatch {
			seq++
			msgs = append(msgs, notify.Message{Kind: notify.KindReceipt, Recipient: anna,
				CaseRef: fmt.Sprintf("KS 2030/%06d", seq), DedupeKey: fmt.Sprintf("receipt/%d", seq)})
		}
		for _, d := range []storage.Driver{db, rawDB} {
			require.NoError(b, storage.WithTx(ctx, d, func(ctx context.Context, tx storage.Tx) error {
				_, err := outbox.EnqueueTx(ctx, tx, msgs...)
				return err
			}))
		}
	}
	rawRound := func() int {
		type claimed struct{ id string }
		var got []claimed
		rows, err := claim.QueryContext(ctx, "bench", now.Add(2*time.Minute).UnixMicro(), now.UnixMicro(), benchBatch)
		require.NoError(b, err)
		for rows.Next() {
			var (
				s, attempts, created, next            int64
				id, ch, kind, recipient, state, lastE string
				dedupe, lease                         sql.NullString
				sent, dead                            sql.NullInt64
				payload                               []byte
			)
			require.NoError(b, rows.Scan(&s, &id, &ch, &kind, &dedupe, &recipient, &state, &attempts, &created, &next,
				&lease, &lastE, &sent, &dead, &payload))
			got = append(got, claimed{id})
		}
		require.NoError(b, rows.Err())
		require.NoError(b, rows.Close())
		for _, c := range got {
			_, err := ack.ExecContext(ctx, now.UnixMicro(), c.id, "bench")
			require.NoError(b, err)
		}
		return len(got)
	}

	var relayTime, rawTime time.Duration
	rowsDone := 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		fill()
		b.StartTimer()

		start := time.Now()
		st, err := relay.RunOnce(ctx)
		relayTime += time.Since(start)
		if err != nil || st.Sent != benchBatch {
			b.Fatalf("relay round: %+v, %v", st, err)
		}

		start = time.Now()
		n := rawRound()
		rawTime += time.Since(start)
		if n != benchBatch {
			b.Fatalf("raw round claimed %d", n)
		}
		rowsDone += benchBatch
	}
	b.StopTimer()
	relayRate := float64(rowsDone) / relayTime.Seconds()
	rawRate := float64(rowsDone) / rawTime.Seconds()
	b.ReportMetric(relayRate, "relay-rows/s")
	b.ReportMetric(rawRate, "raw-rows/s")
	b.ReportMetric(relayRate/rawRate, "ratio")
}
