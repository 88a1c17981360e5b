package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// openLossy opens a database with group commit group for the tests of
// transactions that SQLite rolls back by itself.
func openLossy(t *testing.T, group int) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), &Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: group})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// insertDraft writes draft id with payload through ex.
func insertDraft(ctx context.Context, ex storage.Executor, id string, payload []byte) error {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := ex.DraftInsert(ctx, &storage.DraftInsertParams{ID: id, Owner: "o", FormID: "f", FormVersion: 1, Step: "s",
		KeyID: "k", Payload: payload, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	return err
}

// draftExists reports whether db holds draft id.
func draftExists(t *testing.T, db *DB, id string) bool {
	_, err := db.DraftGet(t.Context(), &storage.DraftGetParams{ID: id, Owner: "o"})
	return err == nil
}

// fillDisk lets the database grow only 20 pages more through conn, so that
// a large write fails with a full disk, and returns the func that lifts the
// limit again.
func fillDisk(t *testing.T, conn *sql.Tx) func() {
	t.Helper()
	var pages int64
	require.NoError(t, conn.QueryRowContext(t.Context(), "PRAGMA page_count").Scan(&pages))
	_, err := conn.ExecContext(t.Context(), "PRAGMA max_page_count = "+strconv.FormatInt(pages+20, 10))
	require.NoError(t, err)
	return func() {
		_, err := conn.ExecContext(t.Context(), "PRAGMA max_page_count = 1073741823")
		require.NoError(t, err)
	}
}

// big is a payload larger than fillDisk leaves room for.
var big = bytes.Repeat([]byte{1}, 1<<20)

// TestGroupCommitLostTransaction: when SQLite rolls the shared transaction
// back by itself (here a full disk) during the group's first member,
// which has no savepoint to show it, no later member runs outside a
// transaction: the first member's Commit fails, and the member that
// queued behind it gets a group of its own and commits.
func TestGroupCommitLostTransaction(t *testing.T) {
	db := openLossy(t, 8)
	tx, err := db.Begin(t.Context())
	require.NoError(t, err)
	first := tx.(*groupTx)
	require.Empty(t, first.name, "the first member has no savepoint")
	freeDisk := fillDisk(t, first.ex.tx)
	require.NoError(t, insertDraft(t.Context(), first, "a", []byte("a")))
	require.Error(t, insertDraft(t.Context(), first, "big", big), "the disk is full")
	freeDisk()

	// A member queues behind the first, which carries on regardless.
	second := make(chan error, 1)
	go func() {
		second <- storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
			return insertDraft(ctx, tx, "c", []byte("c"))
		})
	}()
	require.Eventually(t, func() bool { return db.group.waiting.Load() == 1 }, 5*time.Second, time.Millisecond)
	require.Error(t, first.Commit(), "the first member's transaction is gone")
	require.NoError(t, <-second, "the next member commits in a transaction of its own")
	require.True(t, draftExists(t, db, "c"))
	require.False(t, draftExists(t, db, "a"), "rolled back with the lost transaction")
	require.False(t, draftExists(t, db, "big"))
}

// TestGroupCommitJoinedMemberLosesTransaction: a member that joined a group
// hits a full disk (SQLite rolls the shared transaction back, with the work
// of the member pending before it). Its further methods are refused
// (ErrTxLost) instead of running in autocommit mode; a statement that gets
// through anyway (here a SAVEPOINT, which opens a new transaction) is
// rolled back with the member when its ctx ends: nothing of either member
// is committed, and the pending member is told so instead of being told
// that it committed.
func TestGroupCommitJoinedMemberLosesTransaction(t *testing.T) {
	db := openLossy(t, 8)
	first, err := db.Begin(t.Context())
	require.NoError(t, err)
	require.NoError(t, insertDraft(t.Context(), first, "a", []byte("a")))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	joined := make(chan storage.Tx, 1)
	go func() {
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Error(err)
		}
		joined <- tx
	}()
	require.Eventually(t, func() bool { return db.group.waiting.Load() == 1 }, 5*time.Second, time.Millisecond)
	firstDone := make(chan error, 1)
	go func() { firstDone <- first.Commit() }()
	second := (<-joined).(*groupTx)
	require.NotEmpty(t, second.name, "the second member has a savepoint")

	freeDisk := fillDisk(t, second.ex.tx)
	require.ErrorIs(t, insertDraft(ctx, second, "big", big), ErrTxLost, "the disk is full, and the transaction gone")
	freeDisk()
	require.ErrorIs(t, insertDraft(ctx, second, "b", []byte("b")), ErrTxLost, "no statement runs in autocommit mode")
	// A statement below the methods, then a write on the connection, and
	// then the member's ctx ends.
	require.NoError(t, second.ex.txExec(second.ex.c(ctx), "SAVEPOINT "+savepointName))
	_, err = second.ex.tx.ExecContext(t.Context(), `INSERT INTO drafts (id, owner, form_id, form_version, revision, step,
		progress, key_id, created_at, updated_at, expires_at, payload) VALUES ('b', 'o', 'f', 1, 1, 's', 0, 'k', 0, 0, 0, X'00')`)
	require.NoError(t, err)
	cancel()
	require.ErrorIs(t, second.Commit(), context.Canceled)

	require.Error(t, <-firstDone, "the first member's work went with the lost transaction")
	require.False(t, draftExists(t, db, "a"))
	require.False(t, draftExists(t, db, "b"))
	require.False(t, draftExists(t, db, "big"))
	// The writer is usable again.
	require.NoError(t, storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
		return insertDraft(ctx, tx, "c", []byte("c"))
	}))
	require.True(t, draftExists(t, db, "c"))
}

// TestLostTransactionTakesNoMoreStatements: when SQLite rolls a
// transaction back by itself (a full disk), with or without group commit,
// the transaction's later methods fail with ErrTxLost instead of writing
// in autocommit mode, its Commit fails (a Rollback has nothing left to
// do), and nothing of it is kept.
func TestLostTransactionTakesNoMoreStatements(t *testing.T) {
	for _, tc := range []struct {
		group  int
		commit bool
	}{{1, true}, {1, false}, {8, true}, {8, false}} {
		group := tc.group
		t.Run(fmt.Sprintf("GroupCommit=%d/commit=%v", group, tc.commit), func(t *testing.T) {
			db := openLossy(t, group)
			ctx := t.Context()
			stx, err := db.Begin(ctx)
			require.NoError(t, err)
			var conn *sql.Tx
			switch x := stx.(type) {
			case *groupTx:
				conn = x.ex.tx
			case *tx:
				conn = x.ex.tx
			}
			require.NotNil(t, conn)
			freeDisk := fillDisk(t, conn)
			require.NoError(t, insertDraft(ctx, stx, "a", []byte("a")))
			require.ErrorIs(t, insertDraft(ctx, stx, "big", big), ErrTxLost)
			freeDisk()

			require.ErrorIs(t, insertDraft(ctx, stx, "b", []byte("b")), ErrTxLost)
			_, err = stx.OutboxInsert(ctx, &storage.OutboxInsertParams{})
			require.ErrorIs(t, err, ErrTxLost, "whatever the method")
			if tc.commit {
				require.ErrorIs(t, stx.Commit(), ErrTxLost)
			} else {
				require.NoError(t, stx.Rollback())
			}
			for _, id := range []string{"a", "big", "b"} {
				_, err := db.DraftGet(ctx, &storage.DraftGetParams{ID: id, Owner: "o"})
				require.ErrorIs(t, err, storage.ErrNotFound, id)
			}
			// The writer takes new transactions.
			require.NoError(t, storage.WithTx(ctx, db, func(ctx context.Context, tx storage.Tx) error {
				return insertDraft(ctx, tx, "c", []byte("c"))
			}))
		})
	}
}
