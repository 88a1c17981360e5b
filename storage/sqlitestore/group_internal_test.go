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

// TestGroupCommitLostTransaction: when SQLite rolls the shared transaction
// back by itself (here a full disk) during the group's first member,
// which has no savepoint to show it, no later member runs outside a
// transaction: the first member's Commit fails, and the member that
// queued behind it gets a group of its own and commits.
func TestGroupCommitLostTransaction(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), &Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: 8})
	require.NoError(t, err)
	defer db.Close()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	insert := func(ctx context.Context, ex storage.Executor, id string, payload []byte) error {
		_, err := ex.DraftInsert(ctx, &storage.DraftInsertParams{ID: id, Owner: "o", FormID: "f", FormVersion: 1, Step: "s",
			KeyID: "k", Payload: payload, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		return err
	}
	exists := func(id string) bool {
		_, err := db.DraftGet(t.Context(), &storage.DraftGetParams{ID: id, Owner: "o"})
		return err == nil
	}

	tx, err := db.Begin(t.Context())
	require.NoError(t, err)
	first := tx.(*groupTx)
	require.Empty(t, first.name, "the first member has no savepoint")
	var pages int64
	require.NoError(t, first.ex.tx.QueryRowContext(t.Context(), "PRAGMA page_count").Scan(&pages))
	_, err = first.ex.tx.ExecContext(t.Context(), "PRAGMA max_page_count = "+strconv.FormatInt(pages+20, 10))
	require.NoError(t, err)
	require.NoError(t, insert(t.Context(), first, "a", []byte("a")))
	require.Error(t, insert(t.Context(), first, "big", bytes.Repeat([]byte{1}, 1<<20)), "the disk is full")
	_, err = first.ex.tx.ExecContext(t.Context(), "PRAGMA max_page_count = 1073741823")
	require.NoError(t, err)

	// A member queues behind the first, which carries on regardless.
	second := make(chan error, 1)
	go func() {
		second <- storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
			return insert(ctx, tx, "c", []byte("c"))
		})
	}()
	require.Eventually(t, func() bool { return db.group.waiting.Load() == 1 }, 5*time.Second, time.Millisecond)
	require.Error(t, first.Commit(), "the first member's transaction is gone")
	require.NoError(t, <-second, "the next member commits in a transaction of its own")
	require.True(t, exists("c"))
	require.False(t, exists("a"), "rolled back with the lost transaction")
	require.False(t, exists("big"))
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
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), &Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: 8})
	require.NoError(t, err)
	defer db.Close()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	insert := func(ctx context.Context, ex storage.Executor, id string, payload []byte) error {
		_, err := ex.DraftInsert(ctx, &storage.DraftInsertParams{ID: id, Owner: "o", FormID: "f", FormVersion: 1, Step: "s",
			KeyID: "k", Payload: payload, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		return err
	}
	exists := func(id string) bool {
		_, err := db.DraftGet(t.Context(), &storage.DraftGetParams{ID: id, Owner: "o"})
		return err == nil
	}

	first, err := db.Begin(t.Context())
	require.NoError(t, err)
	require.NoError(t, insert(t.Context(), first, "a", []byte("a")))
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

	var pages int64
	require.NoError(t, second.ex.tx.QueryRowContext(t.Context(), "PRAGMA page_count").Scan(&pages))
	_, err = second.ex.tx.ExecContext(t.Context(), "PRAGMA max_page_count = "+strconv.FormatInt(pages+20, 10))
	require.NoError(t, err)
	err = insert(ctx, second, "big", bytes.Repeat([]byte{1}, 1<<20))
	require.ErrorIs(t, err, ErrTxLost, "the disk is full, and the transaction gone")
	_, err = second.ex.tx.ExecContext(t.Context(), "PRAGMA max_page_count = 1073741823")
	require.NoError(t, err)
	require.ErrorIs(t, insert(ctx, second, "b", []byte("b")), ErrTxLost, "no statement runs in autocommit mode")
	// A statement below the methods, then a write on the connection, and
	// then the member's ctx ends.
	require.NoError(t, second.ex.txExec(second.ex.c(ctx), "SAVEPOINT "+savepointName))
	_, err = second.ex.tx.ExecContext(t.Context(), `INSERT INTO drafts (id, owner, form_id, form_version, revision, step,
		progress, key_id, created_at, updated_at, expires_at, payload) VALUES ('b', 'o', 'f', 1, 1, 's', 0, 'k', 0, 0, 0, X'00')`)
	require.NoError(t, err)
	cancel()
	require.ErrorIs(t, second.Commit(), context.Canceled)

	require.Error(t, <-firstDone, "the first member's work went with the lost transaction")
	require.False(t, exists("a"))
	require.False(t, exists("b"))
	require.False(t, exists("big"))
	// The writer is usable again.
	require.NoError(t, storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
		return insert(ctx, tx, "c", []byte("c"))
	}))
	require.True(t, exists("c"))
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
			db, err := Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), &Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: group})
			require.NoError(t, err)
			defer db.Close()
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			insert := func(ex storage.Executor, id string, payload []byte) error {
				_, err := ex.DraftInsert(t.Context(), &storage.DraftInsertParams{ID: id, Owner: "o", FormID: "f", FormVersion: 1,
					Step: "s", KeyID: "k", Payload: payload, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
				return err
			}
			stx, err := db.Begin(t.Context())
			require.NoError(t, err)
			var conn *sql.Tx
			switch x := stx.(type) {
			case *groupTx:
				conn = x.ex.tx
			case *tx:
				conn = x.ex.tx
			}
			require.NotNil(t, conn)
			var pages int64
			require.NoError(t, conn.QueryRowContext(t.Context(), "PRAGMA page_count").Scan(&pages))
			_, err = conn.ExecContext(t.Context(), "PRAGMA max_page_count = "+strconv.FormatInt(pages+20, 10))
			require.NoError(t, err)
			require.NoError(t, insert(stx, "a", []byte("a")))
			require.ErrorIs(t, insert(stx, "big", bytes.Repeat([]byte{1}, 1<<20)), ErrTxLost)
			_, err = conn.ExecContext(t.Context(), "PRAGMA max_page_count = 1073741823")
			require.NoError(t, err)

			require.ErrorIs(t, insert(stx, "b", []byte("b")), ErrTxLost)
			_, err = stx.OutboxInsert(t.Context(), &storage.OutboxInsertParams{})
			require.ErrorIs(t, err, ErrTxLost, "whatever the method")
			if tc.commit {
				require.ErrorIs(t, stx.Commit(), ErrTxLost)
			} else {
				require.NoError(t, stx.Rollback())
			}
			for _, id := range []string{"a", "big", "b"} {
				_, err := db.DraftGet(t.Context(), &storage.DraftGetParams{ID: id, Owner: "o"})
				require.ErrorIs(t, err, storage.ErrNotFound, id)
			}
			// The writer takes new transactions.
			require.NoError(t, storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
				return insert(tx, "c", []byte("c"))
			}))
		})
	}
}
