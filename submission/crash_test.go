package submission_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

// The crash test re-runs this test binary as a child process that submits
// in a loop until it is killed. crashChildEnv says where the child stores
// ("sqlite:" and a file, or "pg:" and a schema on the server of
// pgstoretest.DSNEnv), crashJournalEnv where it journals its drafts.
const (
	crashChildEnv   = "ETJANST_CRASH_CHILD_DB"
	crashJournalEnv = "ETJANST_CRASH_CHILD_JOURNAL"
)

func TestMain(m *testing.M) {
	if target := os.Getenv(crashChildEnv); target != "" {
		crashChild(target, os.Getenv(crashJournalEnv))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// openCrashTarget opens the driver of a crash target.
func openCrashTarget(ctx context.Context, target string) (storage.Driver, error) {
	quiet := slog.New(slog.DiscardHandler)
	if schema, ok := strings.CutPrefix(target, "pg:"); ok {
		return pgstore.Open(ctx, os.Getenv(pgstoretest.DSNEnv), &pgstore.Options{Schema: schema, Logger: quiet})
	}
	return sqlitestore.Open(ctx, strings.TrimPrefix(target, "sqlite:"), &sqlitestore.Options{Logger: quiet})
}

// outboxNotifier queues one outbox row per event in the submit transaction.
type outboxNotifier struct{}

func (outboxNotifier) Notify(ctx context.Context, tx storage.Tx, e submission.Event) error {
	_, err := tx.OutboxInsert(ctx, &storage.OutboxInsertParams{ID: uuid.Must(uuid.NewV7()).String(), Channel: "inbox", Kind: string(e.Kind),
		DedupeKey: string(e.Kind) + ":" + e.CaseID, Recipient: e.Applicant.Key(), Payload: []byte(e.Reference), CreatedAt: e.At})
	return err
}

// crashChild creates drafts and submits them forever. Every draft ID is
// journalled (and synced) after its creation commits, before its submit.
func crashChild(target, journalPath string) {
	ctx := context.Background()
	db, err := openCrashTarget(ctx, target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	reg := form.NewRegistry(nil)
	reg.MustRegister(testForm())
	ring, _ := draft.NewKeyRing(bytes.Repeat([]byte{9}, 32), draft.Key{ID: "k1", Secret: bytes.Repeat([]byte{1}, 32)})
	drafts, _ := draft.NewStore(db, reg, ring, nil)
	pipe, _ := submission.NewPipeline(db, drafts, &submission.Options{Notifier: outboxNotifier{}, ReferencePrefix: "KS"})
	journal, err := os.OpenFile(journalPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		os.Exit(2)
	}
	for i := 0; ; i++ {
		who := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: []string{pnrA, pnrB}[i%2]},
			GivenName: "Tolvan", FamilyName: "Tolvansson", Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: time.Now()}
		d, err := drafts.Create(ctx, who, "parkering", nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child create:", err)
			os.Exit(2)
		}
		v := d.Values.Clone()
		v["roll"] = form.String("passagerare")
		v["diagnos"] = form.String("Reumatism")
		v["ovrigt"] = form.String("Ring 070-123 45 67.")
		if d, err = drafts.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: v}); err != nil {
			os.Exit(2)
		}
		if d, _, err = drafts.Attach(ctx, who, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "intyg.pdf", Data: pdf}); err != nil {
			os.Exit(2)
		}
		fmt.Fprintln(journal, d.ID)
		_ = journal.Sync()
		if i%3 != 0 { // leave some drafts unsubmitted
			if _, err := pipe.Submit(ctx, who, d.ID, nil); err != nil {
				fmt.Fprintln(os.Stderr, "child submit:", err)
				os.Exit(2)
			}
		}
	}
}

// TestCrashDuringSubmit kills a submitting child process with SIGKILL at
// random moments, 50 times, and checks after each restart that every case
// is whole, no draft vanished without its case and the references have no
// duplicates and no gaps: on SQLite, where the child's own process writes
// the database file, and on PostgreSQL, where the server must roll back
// the transaction of a client that died.
func TestCrashDuringSubmit(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "crash.db")
		raw, err := sqlitestore.OpenRaw(context.Background(), path, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = raw.Close() })
		// A deferred SQLite transaction reads one snapshot of the WAL.
		crashLoop(t, "sqlite:"+path, filepath.Join(dir, "journal"), raw, nil, func(q string) string { return strings.ReplaceAll(q, "$", "?") })
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := pgstoretest.DSN(t)
		db := pgstoretest.Open(t, nil) // creates the schema, which the children share
		pool, err := pgstore.OpenRaw(context.Background(), dsn, &pgstore.Options{Schema: db.Schema()})
		require.NoError(t, err)
		raw := stdlib.OpenDBFromPool(pool)
		t.Cleanup(func() { _ = raw.Close(); pool.Close() })
		// A commit the killed child had sent may still land: every check
		// reads one snapshot.
		snapshot := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
		crashLoop(t, "pg:"+db.Schema(), filepath.Join(t.TempDir(), "journal"), raw, snapshot, func(q string) string { return q })
	})
}

// crashLoop starts, kills and checks the children of one crash target;
// raw reads its tables in transactions begun with snapshot, with queries
// written with $n placeholders that ph turns into the database's own.
func crashLoop(t *testing.T, target, journal string, raw *sql.DB, snapshot *sql.TxOptions, ph func(string) string) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 50
	verified := 0
	for i := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+target, crashJournalEnv+"="+journal)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: child ended by itself: %v\n%s", i, err, stderr.String())
		}
		if i == kills-1 {
			verified = 0 // the last round verifies every case once more
		}
		verified = checkCrashInvariants(t, target, journal, raw, snapshot, ph, i, verified)
	}
	var cases, drafts int
	require.NoError(t, raw.QueryRow(`SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM drafts)`).Scan(&cases, &drafts))
	require.Positive(t, cases, "the children registered cases between the kills")
	t.Logf("%d kills: %d cases registered, %d drafts left", kills, cases, drafts)
}

// checkCrashInvariants checks the target after a kill, reading one
// snapshot. The cases after the first verified (in reference order) have
// their digests verified: those before were verified after an earlier
// kill. It returns the number of cases.
func checkCrashInvariants(t *testing.T, target, journal string, db0 *sql.DB, snapshot *sql.TxOptions, ph func(string) string,
	round, verified int) int {
	t.Helper()
	ctx := context.Background()
	db, err := openCrashTarget(ctx, target)
	require.NoError(t, err, "round %d: reopen after a crash", round)
	defer db.Close()
	raw, err := db0.BeginTx(ctx, snapshot)
	require.NoError(t, err)
	defer func() { _ = raw.Rollback() }()

	// Every case with its parts, in one query.
	rows, err := raw.Query(ph(`SELECT c.id, c.draft_id, c.seq,
			(SELECT count(*) FROM case_documents WHERE case_id = c.id),
			(SELECT count(*) FROM secrecy_flags WHERE case_id = c.id),
			(SELECT count(*) FROM outbox WHERE dedupe_key = 'submitted:' || c.id),
			(SELECT count(*) FROM audit_log WHERE case_id = c.id)
		FROM cases c ORDER BY c.seq`))
	require.NoError(t, err)
	byDraft := map[string]bool{}
	n := 0
	for rows.Next() {
		var id, draftID string
		var seq int64
		var docs, flags, outbox, audit int
		require.NoError(t, rows.Scan(&id, &draftID, &seq, &docs, &flags, &outbox, &audit))
		n++
		require.Equal(t, int64(n), seq, "round %d: references gap-free and unique", round)
		byDraft[draftID] = true
		require.Equal(t, 2, docs, "round %d: application and attachment", round)
		require.GreaterOrEqual(t, flags, 5, "round %d: sender, name, pnr, diagnosis, phone in free text, attachment", round)
		require.Equal(t, 1, outbox, "round %d: the receipt is queued", round)
		require.Equal(t, 1, audit, "round %d: the first audit entry", round)
		if n > verified {
			require.NoError(t, submission.Verify(ctx, db, id))
		}
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	var seqLast int64
	require.NoError(t, raw.QueryRow(`SELECT coalesce(max(last), 0) FROM reference_sequences`).Scan(&seqLast))
	require.Equal(t, int64(n), seqLast, "round %d: no number consumed without a case", round)

	drafts := map[string]bool{}
	drows, err := raw.Query(`SELECT id FROM drafts`)
	require.NoError(t, err)
	for drows.Next() {
		var id string
		require.NoError(t, drows.Scan(&id))
		drafts[id] = true
	}
	require.NoError(t, drows.Err())
	require.NoError(t, drows.Close())
	f, err := os.Open(journal)
	if os.IsNotExist(err) {
		return n
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id := strings.TrimSpace(sc.Text())
		if len(id) != 36 {
			continue // a line cut by the kill
		}
		require.True(t, drafts[id] || byDraft[id], "round %d: draft %s vanished without its case", round, id)
	}
	require.NoError(t, sc.Err())
	return n
}
