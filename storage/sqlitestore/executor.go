package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/etjanst/etjanst/storage"
)

// executor runs the storage operations either on the DB (tx == nil: reads on
// the read pool, writes on the writer, each its own transaction) or inside a
// transaction (every statement, reads included, through tx so that it sees
// the transaction's own writes).
type executor struct {
	db *DB
	tx *sql.Tx
	// detached is set for group-commit members: their statements run
	// without the caller's cancellation (an interrupted statement would
	// roll back the transaction the whole group shares); methods still
	// check the context before each call.
	detached bool
	// guard, for a group-commit member, lets its transaction be ended
	// from another goroutine (see memberGuard); nil otherwise.
	guard *memberGuard
}

// memberGuard lets a group-commit member be rolled back from another
// goroutine when its context ends while it still holds the group (as
// database/sql does for a plain transaction), without racing its own
// statements: each statement holds mu for reading, ending the member
// holds it for writing, and statements after the end fail with
// storage.ErrTxDone.
type memberGuard struct {
	mu    sync.RWMutex
	ended bool
}

// end marks the member ended, once; it reports whether this call did.
func (g *memberGuard) end() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ended {
		return false
	}
	g.ended = true
	return true
}

// hold keeps a group member's transaction from ending during one
// statement; the returned func releases it.
func (e *executor) hold() (func(), error) {
	if e.guard == nil {
		return func() {}, nil
	}
	e.guard.mu.RLock()
	if e.guard.ended {
		e.guard.mu.RUnlock()
		return nil, storage.ErrTxDone
	}
	return e.guard.mu.RUnlock, nil
}

// txStmt returns s, a statement prepared on the writer, bound to the
// executor's transaction, or q prepared on the transaction when s is nil.
// The returned func closes it and releases the hold on a group member's
// transaction (see hold) taken for its use.
func (e *executor) txStmt(ctx context.Context, s *sql.Stmt, q string) (*sql.Stmt, func(), error) {
	release, err := e.hold()
	if err != nil {
		return nil, nil, err
	}
	var ts *sql.Stmt
	if s != nil {
		ts = e.tx.StmtContext(e.c(ctx), s)
	} else if ts, err = e.tx.PrepareContext(e.c(ctx), q); err != nil {
		release()
		return nil, nil, err
	}
	return ts, func() { _ = ts.Close(); release() }, nil
}

// txExec runs a statement without arguments in the executor's
// transaction.
func (e *executor) txExec(ctx context.Context, q string) error {
	release, err := e.hold()
	if err != nil {
		return err
	}
	defer release()
	_, err = e.tx.ExecContext(ctx, q)
	return err
}

// c returns the context statements run with: ctx, or ctx without its
// cancellation for a group-commit member.
func (e *executor) c(ctx context.Context) context.Context {
	if e.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// stmt returns the prepared statement id for this executor and a func to
// release it. Inside a transaction the writer's statement is bound to the
// transaction's connection (database/sql reuses the connection's prepared
// statement); releasing it keeps long transactions from accumulating them.
func (e *executor) stmt(ctx context.Context, id stmtID) (*sql.Stmt, func(), error) {
	if e.tx != nil {
		return e.txStmt(ctx, e.db.ws.s[id], "")
	}
	if stmtDefs[id].read {
		return e.db.rs.s[id], func() {}, nil
	}
	return e.db.ws.s[id], func() {}, nil
}

func (e *executor) exec(ctx context.Context, id stmtID, args ...any) (sql.Result, error) {
	s, release, err := e.stmt(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.ExecContext(e.c(ctx), args...)
}

// queryRow runs a statement expected to return at most one row and scans
// it; no row is sql.ErrNoRows.
func (e *executor) queryRow(ctx context.Context, id stmtID, scan func(*sql.Row) error, args ...any) error {
	s, release, err := e.stmt(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	return scan(s.QueryRowContext(e.c(ctx), args...))
}

// query runs a statement and calls each for every row.
func (e *executor) query(ctx context.Context, id stmtID, each func(*sql.Rows) error, args ...any) error {
	s, release, err := e.stmt(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	rows, err := s.QueryContext(e.c(ctx), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// queryAll runs statement id and returns every row as scan reads it (an
// empty, non-nil slice for none).
func queryAll[T any](ctx context.Context, e *executor, id stmtID, scan func(rowScanner) (T, error), args ...any) ([]T, error) {
	out := []T{}
	err := e.query(ctx, id, func(rows *sql.Rows) error {
		r, err := scan(rows)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}, args...)
	return out, err
}

// savepointName is the one savepoint name atomic uses; operations never
// nest.
const savepointName = "sqlitestore_op"

// atomic runs fn so that its statements apply all or not at all: in a
// transaction of its own on the writer, or, inside a caller's transaction,
// within a savepoint that is rolled back when fn fails.
func (e *executor) atomic(ctx context.Context, fn func(e *executor) error) error {
	if e.tx != nil {
		if err := e.txExec(e.c(ctx), "SAVEPOINT "+savepointName); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			// Undo even when ctx ended: the caller's transaction may
			// still commit its other work.
			c := context.WithoutCancel(ctx)
			rerr := e.txExec(c, "ROLLBACK TO "+savepointName)
			relErr := e.txExec(c, "RELEASE "+savepointName)
			if rerr != nil || relErr != nil {
				return errors.Join(err, rerr, relErr)
			}
			return err
		}
		return e.txExec(e.c(ctx), "RELEASE "+savepointName)
	}
	sqlTx, err := e.db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&executor{db: e.db, tx: sqlTx}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

// fail builds the error a method returns: the package and operation, an ID
// when there is one (IDs are not personal data; owners are never included),
// and the interpreted cause.
func fail(ctx context.Context, op, id string, err error) error {
	err = interpretError(ctx, err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if id == "" {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	return fmt.Errorf("sqlitestore: %s %s: %w", op, id, err)
}

func invalid(op, what string) error {
	return fmt.Errorf("sqlitestore: %s: %s: %w", op, what, storage.ErrInvalid)
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

// micros encodes a time as stored: UTC unix microseconds.
func micros(t time.Time) int64 { return storage.Time(t).UnixMicro() }

// fromMicros decodes a stored time.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// encodeSteps stores a step list as a JSON array; none is NULL.
func encodeSteps(steps []string) (any, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(steps)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func decodeSteps(v sql.NullString) ([]string, error) {
	if !v.Valid || v.String == "" {
		return nil, nil
	}
	var steps []string
	if err := json.Unmarshal([]byte(v.String), &steps); err != nil {
		return nil, fmt.Errorf("decode completed steps: %w", err)
	}
	return steps, nil
}

// blob returns b as a non-nil slice, for NOT NULL BLOB columns.
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

func cloneSteps(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanDraft scans draftSummaryCols, plus the payload when withPayload.
func scanDraft(sc rowScanner, withPayload bool) (*storage.DraftRow, error) {
	var (
		r                         storage.DraftRow
		steps                     sql.NullString
		created, updated, expires int64
		warned                    sql.NullInt64
	)
	dest := []any{&r.ID, &r.Owner, &r.FormID, &r.FormVersion, &r.Revision, &r.Step, &steps, &r.Progress, &r.KeyID,
		&created, &updated, &expires, &warned, &r.AttachmentCount, &r.AttachmentBytes}
	if withPayload {
		dest = append(dest, &r.Payload)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if r.CompletedSteps, err = decodeSteps(steps); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.ExpiresAt = fromMicros(created), fromMicros(updated), fromMicros(expires)
	r.WarnedAt = fromNullMicros(warned)
	if withPayload && r.Payload == nil {
		r.Payload = []byte{}
	}
	return &r, nil
}

// scanAttachment scans attachmentNoBody, plus the payload when withPayload.
func scanAttachment(sc rowScanner, withPayload bool) (*storage.AttachmentRow, error) {
	var (
		r       storage.AttachmentRow
		created int64
	)
	dest := []any{&r.ID, &r.DraftID, &r.Owner, &r.FieldPath, &r.ContentType, &r.Size, &r.SHA256, &r.KeyID, &created}
	if withPayload {
		dest = append(dest, &r.Payload)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMicros(created)
	if withPayload && r.Payload == nil {
		r.Payload = []byte{}
	}
	return &r, nil
}
