package sqlitestore

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// pragma reads one pragma on a connection of pool.
func pragma(t *testing.T, pool *sql.DB, name string) string {
	t.Helper()
	var v string
	require.NoError(t, pool.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v))
	return strings.ToLower(v)
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     *Options
		wantSync string
		wantBusy string
	}{
		{name: "defaults", wantSync: "2", wantBusy: "5000"}, // FULL
		{name: "normal", opts: &Options{Synchronous: SynchronousNormal, BusyTimeout: 1500 * time.Millisecond}, wantSync: "1", wantBusy: "1500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, err := Open(t.Context(), filepath.Join(t.TempDir(), "db"), tt.opts.quiet())
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })

			require.Equal(t, "wal", pragma(t, db.writer, "journal_mode"))
			require.Equal(t, "1", pragma(t, db.writer, "foreign_keys"))
			require.Equal(t, tt.wantSync, pragma(t, db.writer, "synchronous"))
			require.Equal(t, tt.wantBusy, pragma(t, db.writer, "busy_timeout"))
			require.Equal(t, "0", pragma(t, db.writer, "query_only"))
			require.Equal(t, "2", pragma(t, db.writer, "temp_store")) // MEMORY

			require.Equal(t, "wal", pragma(t, db.reader, "journal_mode"))
			require.Equal(t, "1", pragma(t, db.reader, "query_only"))
			require.Equal(t, tt.wantBusy, pragma(t, db.reader, "busy_timeout"))
			_, err = db.reader.ExecContext(t.Context(), `DELETE FROM drafts`)
			require.Error(t, err, "read connections must not write")

			require.Equal(t, 1, db.writer.Stats().MaxOpenConnections)
			require.Equal(t, defaultReadConns, db.reader.Stats().MaxOpenConnections)
		})
	}
}

func TestWriterBeginsImmediate(t *testing.T) {
	t.Parallel()
	// BEGIN IMMEDIATE takes the write lock at BEGIN: a second connection
	// cannot write until the transaction ends, even before it wrote.
	path := filepath.Join(t.TempDir(), "db")
	db, err := Open(t.Context(), path, &Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	tx, err := db.Begin(t.Context())
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()

	other, err := OpenRaw(t.Context(), path, &Options{BusyTimeout: time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	_, err = other.ExecContext(t.Context(), `CREATE TABLE probe (x INTEGER)`)
	require.Error(t, err)
	require.Contains(t, strings.ToLower(err.Error()), "locked")
}

func TestInterpretError(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, interpretError(cancelled, sql.ErrConnDone), context.Canceled)
	require.NoError(t, interpretError(t.Context(), nil))
	require.ErrorIs(t, interpretError(t.Context(), sql.ErrNoRows), storage.ErrNotFound)
}

// quiet returns a copy of o that discards log lines.
func (o *Options) quiet() *Options {
	var c Options
	if o != nil {
		c = *o
	}
	c.Logger = slog.New(slog.DiscardHandler)
	return &c
}
