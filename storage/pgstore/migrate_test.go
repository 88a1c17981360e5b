package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore"
)

// openRaw opens a bare pool on schema, for inspecting it.
func openRaw(t *testing.T, dsn, schema string) *pgxpool.Pool {
	t.Helper()
	raw, err := pgstore.OpenRaw(t.Context(), dsn, quiet(schema))
	require.NoError(t, err)
	t.Cleanup(raw.Close)
	return raw
}

// versions lists the recorded migrations of schema.
func versions(t *testing.T, raw *pgxpool.Pool) []int {
	t.Helper()
	rows, err := raw.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	require.NoError(t, err)
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return vs
}

func wantAll() []int {
	var vs []int
	for v := 1; v <= pgstore.LatestVersion(); v++ {
		vs = append(vs, v)
	}
	return vs
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)

	t.Run("FreshSchema", func(t *testing.T) {
		t.Parallel()
		schema := newSchema(t, dsn)
		db, err := pgstore.Open(t.Context(), dsn, quiet(schema))
		require.NoError(t, err)
		require.Equal(t, schema, db.Schema())
		require.NoError(t, db.Close())
		require.GreaterOrEqual(t, pgstore.LatestVersion(), 4)
		require.Equal(t, wantAll(), versions(t, openRaw(t, dsn, schema)))
	})

	t.Run("ReopenIsIdempotentAndKeepsData", func(t *testing.T) {
		t.Parallel()
		schema := newSchema(t, dsn)
		db, err := pgstore.Open(t.Context(), dsn, quiet(schema))
		require.NoError(t, err)
		_, err = db.DraftInsert(t.Context(), draftParams("d1"))
		require.NoError(t, err)
		require.NoError(t, db.Close())
		for range 2 {
			db, err = pgstore.Open(t.Context(), dsn, quiet(schema))
			require.NoError(t, err)
			_, err = db.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d1", Owner: "o"})
			require.NoError(t, err)
			require.NoError(t, db.Close())
		}
		require.Equal(t, wantAll(), versions(t, openRaw(t, dsn, schema)))
	})

	t.Run("ConcurrentOpensMigrateOnce", func(t *testing.T) {
		// Instances starting at once against an empty schema: the
		// advisory lock queues them, one applies the migrations, and
		// every one ends up with a working, fully migrated schema.
		t.Parallel()
		schema := newSchema(t, dsn)
		const n = 8
		dbs := make([]*pgstore.DB, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				o := quiet(schema)
				o.MaxConns = 2
				dbs[i], errs[i] = pgstore.Open(t.Context(), dsn, o)
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i], "instance %d", i)
			t.Cleanup(func() { _ = dbs[i].Close() })
			_, err := dbs[i].DraftInsert(t.Context(), draftParams(fmt.Sprintf("d%d", i)))
			require.NoError(t, err, "instance %d", i)
		}
		require.Equal(t, wantAll(), versions(t, openRaw(t, dsn, schema)))
	})

	t.Run("TooNewSchemaIsRefused", func(t *testing.T) {
		t.Parallel()
		schema := newSchema(t, dsn)
		db, err := pgstore.Open(t.Context(), dsn, quiet(schema))
		require.NoError(t, err)
		require.NoError(t, db.Close())
		raw := openRaw(t, dsn, schema)
		_, err = raw.Exec(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', now())`,
			pgstore.LatestVersion()+1)
		require.NoError(t, err)

		db, err = pgstore.Open(t.Context(), dsn, quiet(schema))
		require.ErrorIs(t, err, pgstore.ErrSchemaTooNew)
		require.Nil(t, db)
	})

	t.Run("FailedMigrationLeavesNothing", func(t *testing.T) {
		t.Parallel()
		// A table in the way makes migration 1 fail half-way; the
		// transaction must leave the schema as it was.
		schema := newSchema(t, dsn)
		raw := openRaw(t, dsn, schema)
		_, err := raw.Exec(t.Context(), `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize())
		require.NoError(t, err)
		_, err = raw.Exec(t.Context(), `CREATE TABLE attachments (x integer)`)
		require.NoError(t, err)

		_, err = pgstore.Open(t.Context(), dsn, quiet(schema))
		require.Error(t, err)
		require.Contains(t, err.Error(), "0001_drafts")

		var n int
		require.NoError(t, raw.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables
			WHERE schemaname = $1 AND tablename IN ('drafts', 'schema_migrations')`, schema).Scan(&n))
		require.Zero(t, n)
	})

	t.Run("SchemasAreSeparate", func(t *testing.T) {
		t.Parallel()
		a, b := openTestDB(t, dsn), openTestDB(t, dsn)
		_, err := a.DraftInsert(t.Context(), draftParams("d1"))
		require.NoError(t, err)
		_, err = b.DraftGet(t.Context(), &storage.DraftGetParams{ID: "d1", Owner: "o"})
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = b.DraftInsert(t.Context(), draftParams("d1"))
		require.NoError(t, err, "the same ID in another schema")
	})
}

func TestDefaultSchemaIsTheServersCurrentSchema(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	raw := openRaw(t, dsn, schema)
	_, err := raw.Exec(t.Context(), `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)

	// No Options.Schema: the DSN's search_path decides, and Open pins it.
	o := quiet("")
	db, err := pgstore.Open(t.Context(), withParam(dsn, "search_path", schema), o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.Equal(t, schema, db.Schema())
	require.Equal(t, wantAll(), versions(t, raw))

	_, err = pgstore.Open(t.Context(), withParam(dsn, "search_path", "no_such_schema_here"), quiet(""))
	require.ErrorContains(t, err, "Options.Schema")
}

// withParam adds a key=value parameter to a URL DSN.
func withParam(dsn, key, value string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + key + "=" + value
}

func TestOpenRejectsBadInput(t *testing.T) {
	t.Parallel()
	// No server needed: every case fails before (or at) connecting.
	tests := []struct {
		name    string
		dsn     string
		opts    *pgstore.Options
		wantErr error
		secret  string
	}{
		{name: "malformed dsn", dsn: "postgres://u:hunter2@[::1", secret: "hunter2"},
		{name: "malformed key value dsn", dsn: "host=localhost password=hunter2 port=notaport", secret: "hunter2"},
		{name: "schema with quote", dsn: "postgres://127.0.0.1:1/x", opts: &pgstore.Options{Schema: `a"b`}},
		{name: "schema with space", dsn: "postgres://127.0.0.1:1/x", opts: &pgstore.Options{Schema: "a b"}},
		{name: "schema starting with digit", dsn: "postgres://127.0.0.1:1/x", opts: &pgstore.Options{Schema: "1abc"}},
		{name: "schema too long", dsn: "postgres://127.0.0.1:1/x", opts: &pgstore.Options{Schema: strings.Repeat("a", 64)}},
		{name: "negative max conns", dsn: "postgres://127.0.0.1:1/x", opts: &pgstore.Options{Schema: "s", MaxConns: -1}},
		{
			name: "unreachable server", dsn: "postgres://u:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=5",
			opts: &pgstore.Options{Schema: "s"}, wantErr: pgstore.ErrConnLost, secret: "hunter2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, err := pgstore.Open(context.Background(), tt.dsn, tt.opts)
			require.Error(t, err)
			require.Nil(t, db)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			}
			if tt.secret != "" {
				require.NotContains(t, err.Error(), tt.secret)
			}
		})
	}
}
