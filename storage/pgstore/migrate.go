package pgstore

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migration/*.up.sql
var migrationFS embed.FS

// migration is one embedded schema change, named NNNN_name.up.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Versions must
// be unique, positive and contiguous from 1.
func migrations() ([]migration, error) {
	files, err := fs.Glob(migrationFS, "migration/*.up.sql")
	if err != nil {
		return nil, fmt.Errorf("pgstore: migrations: %w", err)
	}
	var ms []migration
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".up.sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || name == "" {
			return nil, fmt.Errorf("pgstore: migration file %q is not NNNN_name.up.sql", f)
		}
		body, err := migrationFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("pgstore: migration %s: %w", f, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("pgstore: migration versions not contiguous at %d", m.version)
		}
	}
	return ms, nil
}

// LatestVersion returns the schema version this package migrates to: the
// highest embedded migration.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// lockKey is the pg_advisory_xact_lock key that serialises the migrations of
// one schema: a 64-bit FNV-1a hash of a fixed prefix and the schema name, so
// instances migrating different schemas of one database do not wait for
// each other.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("etjanst/pgstore/migrate\x00" + schema))
	return int64(h.Sum64())
}

// migrate applies the pending migrations in one transaction and records
// each in schema_migrations. The transaction first takes an advisory lock
// keyed by the schema, so instances started at the same time queue: the
// first applies the migrations, the others then find them recorded and
// apply nothing. It creates the schema when it does not exist and refuses a
// schema whose recorded version is newer than the newest embedded migration.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, o *Options) (err error) {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: begin: %w", interpretError(ctx, err))
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey(schema)); err != nil {
		return fmt.Errorf("pgstore: migrate: lock: %w", interpretError(ctx, err))
	}
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+ident); err != nil {
		return fmt.Errorf("pgstore: migrate: create schema: %w", interpretError(ctx, err))
	}
	// Qualified names from here on: the search_path of this connection
	// was resolved before the schema existed.
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+ident+`.schema_migrations (
		version    bigint      NOT NULL PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL
	)`); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", interpretError(ctx, err))
	}
	var current int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+ident+`.schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("pgstore: migrate: read version: %w", interpretError(ctx, err))
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if current > latest {
		return fmt.Errorf("%w: schema at version %d, code at %d", ErrSchemaTooNew, current, latest)
	}
	if current < latest {
		// The migration files use unqualified names; point this
		// transaction at the schema.
		if _, err := tx.Exec(ctx, `SELECT set_config('search_path', $1, true)`, ident); err != nil {
			return fmt.Errorf("pgstore: migrate: search path: %w", interpretError(ctx, err))
		}
	}
	for _, m := range ms[current:] {
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return fmt.Errorf("pgstore: migration %04d_%s: %w", m.version, m.name, interpretError(ctx, err))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+ident+`.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, o.Now().UTC()); err != nil {
			return fmt.Errorf("pgstore: record migration %d: %w", m.version, interpretError(ctx, err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: commit: %w", interpretError(ctx, err))
	}
	for _, m := range ms[current:] {
		o.Logger.LogAttrs(ctx, slog.LevelInfo, "pgstore: applied migration",
			slog.String("schema", schema), slog.Int("version", m.version), slog.String("name", m.name))
	}
	return nil
}
