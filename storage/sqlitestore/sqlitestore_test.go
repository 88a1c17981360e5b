package sqlitestore_test

import (
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/storage/storagetest"
)

// quiet keeps migration log lines out of test output.
var quiet = &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)}

func TestConformance(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Driver {
		db, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), quiet)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		return db
	}, nil)
}

// TestConformanceNoGroupCommit: with group commit off (one plain
// transaction at a time on the writer), the driver keeps the contract too.
func TestConformanceNoGroupCommit(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Driver {
		opts := *quiet
		opts.GroupCommit = 1
		db, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "etjanst.db"), &opts)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		return db
	}, nil)
}

// openRaw opens path with the writer's settings, for inspecting a file.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sqlitestore.OpenRaw(t.Context(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close() })
	return raw
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	versions := func(t *testing.T, raw *sql.DB) []int {
		t.Helper()
		rows, err := raw.QueryContext(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
		require.NoError(t, err)
		defer rows.Close()
		var vs []int
		for rows.Next() {
			var v int
			require.NoError(t, rows.Scan(&v))
			vs = append(vs, v)
		}
		require.NoError(t, rows.Err())
		return vs
	}
	wantAll := func() []int {
		var vs []int
		for v := 1; v <= sqlitestore.LatestVersion(); v++ {
			vs = append(vs, v)
		}
		return vs
	}

	t.Run("FreshDatabase", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "db")
		db, err := sqlitestore.Open(t.Context(), path, quiet)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		require.GreaterOrEqual(t, sqlitestore.LatestVersion(), 1)
		require.Equal(t, wantAll(), versions(t, openRaw(t, path)))
	})

	t.Run("ReopenIsIdempotentAndKeepsData", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "db")
		db, err := sqlitestore.Open(t.Context(), path, quiet)
		require.NoError(t, err)
		_, err = db.DraftInsert(t.Context(), draftParams("d1"))
		require.NoError(t, err)
		require.NoError(t, db.Close())
		for range 2 {
			db, err = sqlitestore.Open(t.Context(), path, quiet)
			require.NoError(t, err)
			_, err = db.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d1", Owner: "o"})
			require.NoError(t, err)
			require.NoError(t, db.Close())
		}
		require.Equal(t, wantAll(), versions(t, openRaw(t, path)))
	})

	t.Run("TooNewDatabaseIsRefused", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "db")
		db, err := sqlitestore.Open(t.Context(), path, quiet)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		raw := openRaw(t, path)
		_, err = raw.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`,
			sqlitestore.LatestVersion()+1)
		require.NoError(t, err)
		require.NoError(t, raw.Close())

		db, err = sqlitestore.Open(t.Context(), path, quiet)
		require.ErrorIs(t, err, sqlitestore.ErrSchemaTooNew)
		require.Nil(t, db)
	})

	t.Run("FailedMigrationLeavesNothing", func(t *testing.T) {
		t.Parallel()
		// A table in the way makes migration 1 fail half-way; the
		// transaction must leave the file as it was.
		path := filepath.Join(t.TempDir(), "db")
		raw := openRaw(t, path)
		_, err := raw.ExecContext(t.Context(), `CREATE TABLE attachments (x INTEGER)`)
		require.NoError(t, err)
		require.NoError(t, raw.Close())

		_, err = sqlitestore.Open(t.Context(), path, quiet)
		require.Error(t, err)

		raw = openRaw(t, path)
		var n int
		require.NoError(t, raw.QueryRowContext(t.Context(),
			`SELECT count(*) FROM sqlite_master WHERE name IN ('drafts', 'schema_migrations')`).Scan(&n))
		require.Zero(t, n)
	})
}

func TestOpenRejectsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts *sqlitestore.Options
	}{
		{name: "empty path", path: ""},
		{name: "memory", path: ":memory:"},
		{name: "uri", path: "file:" + filepath.Join(dir, "x.db")},
		{name: "negative busy timeout", path: filepath.Join(dir, "a.db"), opts: &sqlitestore.Options{BusyTimeout: -1}},
		{name: "negative read conns", path: filepath.Join(dir, "b.db"), opts: &sqlitestore.Options{ReadConns: -1}},
		{name: "unknown synchronous", path: filepath.Join(dir, "c.db"), opts: &sqlitestore.Options{Synchronous: 7}},
		{name: "missing directory", path: filepath.Join(dir, "no", "such", "dir", "d.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, err := sqlitestore.Open(t.Context(), tt.path, tt.opts)
			require.Error(t, err)
			require.Nil(t, db)
		})
	}
}

func TestPathWithURICharacters(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a?b#c%d")
	require.NoError(t, os.Mkdir(dir, 0o700))
	path := filepath.Join(dir, "etjanst.db")
	db, err := sqlitestore.Open(t.Context(), path, quiet)
	require.NoError(t, err)
	_, err = db.DraftInsert(t.Context(), draftParams("d1"))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = os.Stat(path)
	require.NoError(t, err, "the database must be created at exactly the given path")
}
