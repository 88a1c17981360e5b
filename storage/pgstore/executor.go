package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/etjanst/etjanst/storage"
)

// querier is what both the pool and a pgx transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// executor runs the storage operations either on the pool (tx == nil: every
// statement its own transaction unless the operation uses atomic) or inside
// a caller's transaction.
type executor struct {
	db *DB
	tx querier
}

// inTx reports whether the executor runs inside a caller's transaction.
func (e *executor) inTx() bool { return e.tx != nil }

// maxAttempts bounds how often a call on the DB runs when it keeps failing
// with a retryable error (see retryable).
const maxAttempts = 4

// run runs fn once inside a caller's transaction, or on the pool with up to
// maxAttempts attempts while it fails with a retryable error. fn must have
// no effect when it fails (one statement, or atomic).
func (e *executor) run(ctx context.Context, op string, fn func(q querier) error) error {
	if e.tx != nil {
		return fn(e.tx)
	}
	return e.db.retry(ctx, op, func() error { return fn(e.db.pool) })
}

// retry runs fn until it succeeds, fails with an error that is not
// retryable, ctx ends or maxAttempts is reached, with a short random pause
// between attempts so that deadlock victims do not collide again.
func (db *DB) retry(ctx context.Context, op string, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == maxAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
		db.log.LogAttrs(ctx, slog.LevelDebug, "pgstore: retrying",
			slog.String("op", op), slog.Int("attempt", attempt), slog.String("sqlstate", sqlState(err)))
		pause := time.Duration(rand.Int64N(int64(attempt) * int64(5*time.Millisecond)))
		timer := time.NewTimer(pause)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
}

// savepointName is the one savepoint name atomic uses; operations never
// nest.
const savepointName = "pgstore_op"

// atomic runs fn so that its statements apply all or not at all: in a
// transaction of its own (retried as a whole, see run), or, inside a
// caller's transaction, within a savepoint that is rolled back when fn
// fails, so the caller's transaction stays usable whatever fn hit.
func (e *executor) atomic(ctx context.Context, op string, fn func(e *executor) error) error {
	if e.tx != nil {
		if _, err := e.tx.Exec(ctx, "SAVEPOINT "+savepointName); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			// Undo even when ctx ended: the caller's transaction may
			// still commit its other work.
			c := context.WithoutCancel(ctx)
			if _, rerr := e.tx.Exec(c, "ROLLBACK TO SAVEPOINT "+savepointName+"; RELEASE SAVEPOINT "+savepointName); rerr != nil {
				return errors.Join(err, rerr)
			}
			return err
		}
		_, err := e.tx.Exec(ctx, "RELEASE SAVEPOINT "+savepointName)
		return err
	}
	return e.db.retry(ctx, op, func() error {
		ptx, err := e.db.pool.Begin(ctx)
		if err != nil {
			return err
		}
		if err := fn(&executor{db: e.db, tx: ptx}); err != nil {
			_ = ptx.Rollback(context.WithoutCancel(ctx))
			return err
		}
		return ptx.Commit(ctx)
	})
}

// fail builds the error a method returns: the package and operation, an ID
// when there is one (IDs are not personal data; owners are never included),
// and the interpreted cause. A done context is returned as is.
func fail(ctx context.Context, op, id string, err error) error {
	err = interpretError(ctx, err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if id == "" {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return fmt.Errorf("pgstore: %s %s: %w", op, safeID(id), err)
}

func invalid(op, what string) error {
	return fmt.Errorf("pgstore: %s: %s: %w", op, what, storage.ErrInvalid)
}

// limit applies the contract's Limit rules.
func limit(op string, n int) (int, error) {
	switch {
	case n == 0:
		return storage.DefaultLimit, nil
	case n < 0 || n > storage.MaxLimit:
		return 0, invalid(op, "limit out of range")
	}
	return n, nil
}

// mustAffect turns "no row changed" into ErrNotFound.
func mustAffect(tag pgconn.CommandTag) error {
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// ts encodes a time as stored: UTC, truncated to the microsecond.
func ts(t time.Time) time.Time { return storage.Time(t) }

// utc decodes a stored time: pgx returns timestamptz in the local zone.
func utc(t time.Time) time.Time { return t.UTC() }

// fromNullTS decodes an optional time; NULL is the zero time.
func fromNullTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullText encodes an optional string; empty is NULL.
func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// fromNullText decodes an optional string; NULL is empty.
func fromNullText(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// textArray encodes a list stored as text[]; none is NULL.
func textArray(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// fromTextArray decodes a text[] list; NULL and empty are nil.
func fromTextArray(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// blob returns b as a non-nil slice, for NOT NULL bytea columns (pgx sends a
// nil slice as NULL).
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// clone copies b so that a returned row never aliases the caller's params.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, sql string, scan func(pgx.Rows) (T, error), args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// textOK reports whether every s can be stored in a text column:
// PostgreSQL's text holds valid UTF-8 without NUL bytes, and the server
// rejects anything else with an error that would abort a caller's
// transaction. The methods check their strings first: a lookup by a string
// that no row can hold finds nothing (as on SQLite), and a write of one is
// ErrInvalid, neither touching the transaction.
func textOK(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// textsOK is textOK over lists.
func textsOK(lists ...[]string) bool {
	for _, l := range lists {
		if !textOK(l...) {
			return false
		}
	}
	return true
}

// badText is the error of a write with a string textOK rejects.
func badText(op string) error {
	return invalid(op, "text that is not valid UTF-8 or contains a NUL byte")
}

// notFound is the error of a lookup by a string textOK rejects.
func notFound(op, id string) error {
	if id == "" {
		return fmt.Errorf("pgstore: %s: %w", op, storage.ErrNotFound)
	}
	return fmt.Errorf("pgstore: %s %s: %w", op, safeID(id), storage.ErrNotFound)
}

// maxIDInError caps how much of an ID an error message repeats.
const maxIDInError = 64

// safeID formats an ID for an error message: quoted when it is not plain
// printable text, and cut short when long.
func safeID(id string) string {
	cut := false
	if len(id) > maxIDInError {
		id, cut = id[:maxIDInError], true
	}
	for _, r := range id {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			id = strconv.Quote(id)
			break
		}
	}
	if cut {
		id += "…"
	}
	return id
}

// cleanText makes free diagnostic text (an outbox row's LastError, which
// may echo a remote server) storable: invalid UTF-8 and NUL bytes become
// U+FFFD.
func cleanText(s string) string {
	if textOK(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
