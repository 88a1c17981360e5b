package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/storage/storagetest"
)

func groupOpts() *sqlitestore.Options {
	return &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler), GroupCommit: 8}
}

// TestConformanceSmallGroups: with groups of two (a full batch commits
// at once), the driver keeps the whole contract. (TestConformance runs the
// default, groups of eight.)
func TestConformanceSmallGroups(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Driver {
		opts := groupOpts()
		opts.GroupCommit = 2
		db, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), opts)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		return db
	}, nil)
}

// TestGroupCommitMembers: concurrent transactions share commits, each
// all or nothing: a member that fails or rolls back leaves the others'
// writes intact, and every committed member's writes are durable after
// Commit returns (visible to a fresh connection).
func TestGroupCommitMembers(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "etjanst.db")
	db, err := sqlitestore.Open(t.Context(), path, groupOpts())
	require.NoError(t, err)
	defer db.Close()
	const n = 48
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
				if err := insertDraft(ctx, tx, fmt.Sprintf("d%02d", i)); err != nil {
					return err
				}
				if err := insertDraft(ctx, tx, fmt.Sprintf("e%02d", i)); err != nil {
					return err
				}
				if i%5 == 0 {
					return errors.New("this member fails")
				}
				return nil
			})
		})
	}
	wg.Wait()
	raw := openRaw(t, path)
	for i := range n {
		var count int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM drafts WHERE id IN (?, ?)`, fmt.Sprintf("d%02d", i), fmt.Sprintf("e%02d", i)).Scan(&count))
		if i%5 == 0 {
			require.Error(t, errs[i])
			require.Zero(t, count, "member %d rolled back whole", i)
		} else {
			require.NoError(t, errs[i])
			require.Equal(t, 2, count, "member %d committed whole", i)
		}
	}

	// The first member of a group runs without a savepoint: its rollback
	// undoes the shared transaction, and members that queued behind it
	// start a new one.
	first, err := db.Begin(t.Context())
	require.NoError(t, err)
	require.NoError(t, insertDraft(t.Context(), first, "first"))
	second := make(chan error, 1)
	go func() {
		second <- storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error { return insertDraft(ctx, tx, "second") })
	}()
	require.NoError(t, first.Rollback())
	require.NoError(t, <-second)
	for id, want := range map[string]int{"first": 0, "second": 1} {
		var count int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM drafts WHERE id = ?`, id).Scan(&count))
		require.Equal(t, want, count, id)
	}

	// A member whose ctx ends while it waits leaves nothing behind and
	// strands nobody.
	ctx, cancel := context.WithCancel(t.Context())
	tx, err := db.Begin(t.Context())
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { _, err := db.Begin(ctx); done <- err }()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	require.NoError(t, insertDraft(t.Context(), tx, "late"))
	require.NoError(t, tx.Commit())
	var count int
	require.NoError(t, raw.QueryRow(`SELECT count(*) FROM drafts WHERE id = 'late'`).Scan(&count))
	require.Equal(t, 1, count)
}

// TestGroupCommitAbandonedMember: a member whose context ends before it
// commits or rolls back is rolled back, as a plain transaction is, so the
// writers queued behind it go on; its later calls fail and nothing it
// wrote remains, even when the end races with its statements.
func TestGroupCommitAbandonedMember(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "etjanst.db")
	db, err := sqlitestore.Open(t.Context(), path, groupOpts())
	require.NoError(t, err)
	defer db.Close()
	raw := openRaw(t, path)
	count := func(pattern string) int {
		var n int
		require.NoError(t, raw.QueryRow(`SELECT count(*) FROM drafts WHERE id LIKE ?`, pattern).Scan(&n))
		return n
	}

	for _, joined := range []bool{false, true} { // the group's first member, and one that joined a group
		t.Run(fmt.Sprintf("joined=%v", joined), func(t *testing.T) {
			prefix := fmt.Sprintf("abandon-%v-", joined)
			var first storage.Tx
			if joined {
				first, err = db.Begin(t.Context())
				require.NoError(t, err)
				require.NoError(t, insertDraft(t.Context(), first, prefix+"first"))
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			begun := make(chan storage.Tx, 1)
			go func() {
				tx, err := db.Begin(ctx)
				require.NoError(t, err)
				begun <- tx
			}()
			firstDone := make(chan error, 1)
			if joined {
				// Let the member queue behind first, so that first's
				// Commit passes the group on to it (which path runs
				// does not change what must hold).
				time.Sleep(20 * time.Millisecond)
				go func() { firstDone <- first.Commit() }()
			}
			member := <-begun
			require.NoError(t, insertDraft(ctx, member, prefix+"abandoned"))
			// Writers queue behind the member, which is never ended.
			after := make(chan error, 1)
			go func() {
				after <- storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
					return insertDraft(ctx, tx, prefix+"after")
				})
			}()
			cancel()
			select {
			case err := <-after:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Fatal("writers are stuck behind an abandoned member")
			}
			require.Zero(t, count(prefix+"abandoned"))
			require.Equal(t, 1, count(prefix+"after"))
			if joined {
				require.NoError(t, <-firstDone)
				require.Equal(t, 1, count(prefix+"first"))
			}
			require.Error(t, insertDraft(t.Context(), member, prefix+"late"))
			require.ErrorIs(t, member.Commit(), context.Canceled)
			require.NoError(t, member.Rollback())
			require.Zero(t, count(prefix+"late"))
		})
	}

	t.Run("race", func(t *testing.T) {
		// The end of ctx races with the member's statements and its
		// Commit: the member is all or nothing either way.
		for i := range 30 {
			ctx, cancel := context.WithCancel(t.Context())
			prefix := fmt.Sprintf("race-%02d-", i)
			done := make(chan error, 1)
			go func() {
				done <- storage.WithTx(ctx, db, func(ctx context.Context, tx storage.Tx) error {
					for j := range 20 {
						if err := insertDraft(ctx, tx, fmt.Sprintf("%s%02d", prefix, j)); err != nil {
							return err
						}
					}
					return nil
				})
			}()
			time.Sleep(time.Duration(i*50) * time.Microsecond)
			cancel()
			err := <-done
			n := count(prefix + "%")
			if err == nil {
				require.Equal(t, 20, n, "committed member %d kept whole", i)
			} else {
				require.Zero(t, n, "failed member %d left nothing: %v", i, err)
			}
		}
		// The group still works.
		require.NoError(t, storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
			return insertDraft(ctx, tx, "race-after")
		}))
		require.Equal(t, 1, count("race-after"))
	})
}

// TestGroupCommitBeginHonoursDeadline: while the first member's BEGIN
// waits for another process's write lock, the caller's deadline applies
// (the shared transaction it opens outlives that ctx only once begun).
func TestGroupCommitBeginHonoursDeadline(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "etjanst.db")
	db, err := sqlitestore.Open(t.Context(), path, groupOpts())
	require.NoError(t, err)
	defer db.Close()
	other := openRaw(t, path) // another process, holding the write lock
	conn, err := other.Conn(t.Context())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(t.Context(), "BEGIN IMMEDIATE")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = db.Begin(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 4*time.Second, "Begin waited out the busy timeout instead of its deadline")

	// Once the lock is free, the group works.
	_, err = conn.ExecContext(t.Context(), "ROLLBACK")
	require.NoError(t, err)
	require.NoError(t, storage.WithTx(t.Context(), db, func(ctx context.Context, tx storage.Tx) error {
		return insertDraft(ctx, tx, "d")
	}))
}
