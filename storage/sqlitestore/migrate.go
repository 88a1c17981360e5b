package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
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
		return nil, fmt.Errorf("sqlitestore: migrations: %w", err)
	}
	var ms []migration
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".up.sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || name == "" {
			return nil, fmt.Errorf("sqlitestore: migration file %q is not NNNN_name.up.sql", f)
		}
		body, err := migrationFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: migration %s: %w", f, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlitestore: migration versions not contiguous at %d", m.version)
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

// migrate applies the pending migrations in one write transaction and
// records each in schema_migrations. It refuses a database whose recorded
// version is newer than the newest embedded migration. Concurrent openers
// (in other processes) serialise on BEGIN IMMEDIATE and re-read the version
// inside the transaction, so each migration runs once.
func migrate(ctx context.Context, db *sql.DB, o *Options) (err error) {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate: begin: %w", interpretError(ctx, err))
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", interpretError(ctx, err))
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("sqlitestore: migrate: read version: %w", interpretError(ctx, err))
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if current > latest {
		return fmt.Errorf("%w: database at version %d, code at %d", ErrSchemaTooNew, current, latest)
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("sqlitestore: migration %04d_%s: %w", m.version, m.name, interpretError(ctx, err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, o.Now().UTC().UnixMicro()); err != nil {
			return fmt.Errorf("sqlitestore: record migration %d: %w", m.version, interpretError(ctx, err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: migrate: commit: %w", interpretError(ctx, err))
	}
	for _, m := range ms[current:] {
		o.Logger.LogAttrs(ctx, slog.LevelInfo, "sqlitestore: applied migration",
			slog.Int("version", m.version), slog.String("name", m.name))
	}
	return nil
}
