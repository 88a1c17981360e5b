package submission_test

import (
	"bufio"
	"bytes"
	"context"
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
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

// The crash test re-runs this test binary as a child process that submits
// in a loop until it is killed.
const crashChildEnv = "ETJANST_CRASH_CHILD_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		os.Exit(0)
	}
	os.Exit(m.Run())
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
func crashChild(path string) {
	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	reg := form.NewRegistry(nil)
	reg.MustRegister(testForm())
	ring, _ := draft.NewKeyRing(bytes.Repeat([]byte{9}, 32), draft.Key{ID: "k1", Secret: bytes.Repeat([]byte{1}, 32)})
	drafts, _ := draft.NewStore(db, reg, ring, nil)
	pipe, _ := submission.NewPipeline(db, drafts, &submission.Options{Notifier: outboxNotifier{}, ReferencePrefix: "KS"})
	journal, err := os.OpenFile(path+".journal", os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
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
// duplicates and no gaps.
func TestCrashDuringSubmit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 50
	for i := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: child ended by itself: %v\n%s", i, err, stderr.String())
		}
		checkCrashInvariants(t, path, i)
	}
	raw, err := sqlitestore.OpenRaw(context.Background(), path, nil)
	require.NoError(t, err)
	defer raw.Close()
	var cases, drafts int
	require.NoError(t, raw.QueryRow(`SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM drafts)`).Scan(&cases, &drafts))
	require.Positive(t, cases, "the children registered cases between the kills")
	t.Logf("%d kills: %d cases registered, %d drafts left", kills, cases, drafts)
}

func checkCrashInvariants(t *testing.T, path string, round int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, path, &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err, "round %d: reopen after a crash", round)
	defer db.Close()
	raw, err := sqlitestore.OpenRaw(ctx, path, nil)
	require.NoError(t, err)
	defer raw.Close()

	rows, err := raw.Query(`SELECT id, draft_id, seq FROM cases ORDER BY seq`)
	require.NoError(t, err)
	type kase struct {
		id, draftID string
		seq         int64
	}
	var cases []kase
	for rows.Next() {
		var c kase
		require.NoError(t, rows.Scan(&c.id, &c.draftID, &c.seq))
		cases = append(cases, c)
	}
	require.NoError(t, rows.Err())
	byDraft := map[string]bool{}
	for i, c := range cases {
		require.Equal(t, int64(i+1), c.seq, "round %d: references gap-free and unique", round)
		byDraft[c.draftID] = true
		var docs, flags, outbox, audit int
		require.NoError(t, raw.QueryRow(`SELECT (SELECT count(*) FROM case_documents WHERE case_id = ?1),
			(SELECT count(*) FROM secrecy_flags WHERE case_id = ?1),
			(SELECT count(*) FROM outbox WHERE dedupe_key = 'submitted:' || ?1),
			(SELECT count(*) FROM audit_log WHERE case_id = ?1)`, c.id).Scan(&docs, &flags, &outbox, &audit))
		require.Equal(t, 2, docs, "round %d: application and attachment", round)
		require.GreaterOrEqual(t, flags, 5, "round %d: sender, name, pnr, diagnosis, phone in free text, attachment", round)
		require.Equal(t, 1, outbox, "round %d: the receipt is queued", round)
		require.Equal(t, 1, audit, "round %d: the first audit entry", round)
		require.NoError(t, submission.Verify(ctx, db, c.id))
	}
	var seqLast int64
	_ = raw.QueryRow(`SELECT coalesce(max(last), 0) FROM reference_sequences`).Scan(&seqLast)
	require.Equal(t, int64(len(cases)), seqLast, "round %d: no number consumed without a case", round)

	f, err := os.Open(path + ".journal")
	if os.IsNotExist(err) {
		return
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id := strings.TrimSpace(sc.Text())
		if len(id) != 36 {
			continue // a line cut by the kill
		}
		var n int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM drafts WHERE id = ?`, id).Scan(&n))
		require.True(t, n == 1 || byDraft[id], "round %d: draft %s vanished without its case", round, id)
	}
}
