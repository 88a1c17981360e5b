package sqlitestore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"github.com/etjanst/etjanst/storage"
)

// outboxCols are the columns of an OutboxRow, seq first (for ordering),
// payload last.
const outboxCols = `seq, id, channel, kind, dedupe_key, recipient, state, attempts, created_at, next_attempt_at,
	lease_owner, last_error, sent_at, dead_at, payload`

// The outbox statements, prepared through stmtDefs.
const (
	// The upsert clause names dedupe_key only, so a duplicate ID still
	// fails with a UNIQUE constraint error (ErrConflict). A NULL key never
	// conflicts.
	outboxInsertSQL = `INSERT INTO outbox (id, channel, kind, dedupe_key, recipient, state, attempts, created_at,
		next_attempt_at, payload) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING`
	// One statement: SQLite runs it under the single writer lock, so two
	// claims can never pick the same row. (PostgreSQL: the inner SELECT
	// takes FOR UPDATE SKIP LOCKED.)
	outboxClaimSQL = `UPDATE outbox SET attempts = attempts + 1, lease_owner = ?1, next_attempt_at = ?2
		WHERE seq IN (SELECT seq FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?3
			ORDER BY next_attempt_at, seq LIMIT ?4)
		RETURNING ` + outboxCols
	outboxAckSQL = `UPDATE outbox SET state = 'sent', sent_at = ?, lease_owner = NULL, recipient = '', payload = X''
		WHERE id = ? AND state = 'pending' AND lease_owner = ?`
	outboxRetrySQL = `UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_owner = NULL
		WHERE id = ? AND state = 'pending' AND lease_owner = ?`
	outboxDeadSQL = `UPDATE outbox SET state = 'dead', dead_at = ?, last_error = ?, lease_owner = NULL
		WHERE id = ? AND state = 'pending' AND lease_owner = ?`
	outboxReleaseAllSQL = `UPDATE outbox SET lease_owner = NULL, next_attempt_at = ?1, attempts = MAX(attempts - 1, 0)
		WHERE lease_owner = ?2 AND state = 'pending'`
	outboxReleaseIDsSQL = `UPDATE outbox SET lease_owner = NULL, next_attempt_at = ?1, attempts = MAX(attempts - 1, 0)
		WHERE lease_owner = ?2 AND state = 'pending' AND id IN (SELECT value FROM json_each(?3))`
	outboxGetSQL      = `SELECT ` + outboxCols + ` FROM outbox WHERE id = ?`
	outboxExistsSQL   = `SELECT 1 FROM outbox WHERE id = ?`
	outboxListDeadSQL = `SELECT ` + outboxCols + ` FROM outbox WHERE state = 'dead'
		ORDER BY dead_at DESC, id DESC LIMIT ?`
	outboxRequeueSQL = `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, dead_at = NULL
		WHERE id = ? AND state = 'dead'`
	outboxPurgeSQL = `DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE state = 'sent' AND sent_at <= ?
		ORDER BY sent_at, seq LIMIT ?)`
	outboxPurgeDeadSQL = `DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE state = 'dead' AND dead_at <= ?
		ORDER BY dead_at, id LIMIT ?)`
)

func (e *executor) outboxInsert(ctx context.Context, p *storage.OutboxInsertParams) (bool, error) {
	const op = "outbox insert"
	switch {
	case p == nil:
		return false, invalid(op, "nil params")
	case p.ID == "" || p.Channel == "" || p.Recipient == "":
		return false, invalid(op, "empty id, channel or recipient")
	case p.CreatedAt.IsZero():
		return false, invalid(op, "zero created time")
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	next := p.NextAttemptAt
	if next.IsZero() {
		next = p.CreatedAt
	}
	res, err := e.exec(ctx, sOutboxInsert, p.ID, p.Channel, p.Kind, nullString(p.DedupeKey), p.Recipient,
		micros(p.CreatedAt), micros(next), blob(p.Payload))
	if err != nil {
		return false, fail(ctx, op, p.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fail(ctx, op, p.ID, err)
	}
	return n == 1, nil
}

func (e *executor) outboxClaim(ctx context.Context, p *storage.OutboxClaimParams) ([]*storage.OutboxRow, error) {
	const op = "outbox claim"
	switch {
	case p == nil || p.Worker == "":
		return nil, invalid(op, "nil params or empty worker")
	case p.Now.IsZero() || p.Lease <= 0:
		return nil, invalid(op, "zero now or lease not positive")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := storage.Time(p.Now)
	type seqRow struct {
		seq int64
		row *storage.OutboxRow
	}
	var got []seqRow
	err = e.query(ctx, sOutboxClaim, func(rows *sql.Rows) error {
		seq, r, err := scanOutbox(rows)
		if err != nil {
			return err
		}
		got = append(got, seqRow{seq, r})
		return nil
	}, p.Worker, micros(now.Add(p.Lease)), micros(now), n)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	// RETURNING gives no order; the contract's is creation order.
	slices.SortFunc(got, func(a, b seqRow) int {
		if c := a.row.CreatedAt.Compare(b.row.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	out := make([]*storage.OutboxRow, len(got))
	for i, g := range got {
		out[i] = g.row
	}
	return out, nil
}

// outboxSettle runs one of the conditional updates of a claimed row (ack,
// retry, dead) and tells a missing row from one that is not (or no longer)
// this worker's.
func (e *executor) outboxSettle(ctx context.Context, op, id string, stmt stmtID, args ...any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := e.exec(ctx, stmt, args...)
	if err == nil {
		if err = mustAffect(res); errors.Is(err, storage.ErrNotFound) {
			err = e.outboxConflictOrNotFound(ctx, id)
		}
	}
	if err != nil {
		return fail(ctx, op, id, err)
	}
	return nil
}

// outboxConflictOrNotFound is called after a conditional update by ID
// matched no row: ErrConflict when the row exists, else ErrNotFound.
func (e *executor) outboxConflictOrNotFound(ctx context.Context, id string) error {
	err := e.queryRow(ctx, sOutboxExists, func(r *sql.Row) error {
		var one int
		return r.Scan(&one)
	}, id)
	if err == nil {
		return storage.ErrConflict
	}
	return err
}

func (e *executor) outboxAck(ctx context.Context, p *storage.OutboxAckParams) error {
	const op = "outbox ack"
	if p == nil || p.Worker == "" || p.SentAt.IsZero() {
		return invalid(op, "nil params, empty worker or zero sent time")
	}
	return e.outboxSettle(ctx, op, p.ID, sOutboxAck, micros(p.SentAt), p.ID, p.Worker)
}

func (e *executor) outboxRetry(ctx context.Context, p *storage.OutboxRetryParams) error {
	const op = "outbox retry"
	if p == nil || p.Worker == "" || p.NextAttemptAt.IsZero() {
		return invalid(op, "nil params, empty worker or zero next attempt time")
	}
	return e.outboxSettle(ctx, op, p.ID, sOutboxRetry, micros(p.NextAttemptAt), p.LastError, p.ID, p.Worker)
}

func (e *executor) outboxDead(ctx context.Context, p *storage.OutboxDeadParams) error {
	const op = "outbox dead"
	if p == nil || p.Worker == "" || p.DeadAt.IsZero() {
		return invalid(op, "nil params, empty worker or zero dead time")
	}
	return e.outboxSettle(ctx, op, p.ID, sOutboxDead, micros(p.DeadAt), p.LastError, p.ID, p.Worker)
}

func (e *executor) outboxRelease(ctx context.Context, p *storage.OutboxReleaseParams) (int, error) {
	const op = "outbox release"
	if p == nil || p.Worker == "" || p.Now.IsZero() {
		return 0, invalid(op, "nil params, empty worker or zero now")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var (
		res sql.Result
		err error
	)
	if len(p.IDs) == 0 {
		res, err = e.exec(ctx, sOutboxReleaseAll, micros(p.Now), p.Worker)
	} else {
		var ids []byte
		if ids, err = json.Marshal(p.IDs); err == nil {
			res, err = e.exec(ctx, sOutboxReleaseIDs, micros(p.Now), p.Worker, string(ids))
		}
	}
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	return int(n), nil
}

func (e *executor) outboxGet(ctx context.Context, p *storage.OutboxGetParams) (*storage.OutboxRow, error) {
	const op = "outbox get"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var row *storage.OutboxRow
	err := e.queryRow(ctx, sOutboxGet, func(r *sql.Row) error {
		var err error
		_, row, err = scanOutbox(r)
		return err
	}, p.ID)
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return row, nil
}

func (e *executor) outboxListDead(ctx context.Context, p *storage.OutboxListDeadParams) ([]*storage.OutboxRow, error) {
	const op = "outbox list dead"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := queryAll(ctx, e, sOutboxListDead, func(rows rowScanner) (*storage.OutboxRow, error) {
		_, r, err := scanOutbox(rows)
		return r, err
	}, n)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) outboxRequeue(ctx context.Context, p *storage.OutboxRequeueParams) error {
	const op = "outbox requeue"
	if p == nil || p.Now.IsZero() {
		return invalid(op, "nil params or zero now")
	}
	return e.outboxSettle(ctx, op, p.ID, sOutboxRequeue, micros(p.Now), p.ID)
}

func (e *executor) outboxPurge(ctx context.Context, p *storage.OutboxPurgeParams) (int, error) {
	const op = "outbox purge"
	if p == nil || p.Before.IsZero() {
		return 0, invalid(op, "nil params or zero before")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	id := sOutboxPurge
	if p.Dead {
		id = sOutboxPurgeDead
	}
	res, err := e.exec(ctx, id, micros(p.Before), n)
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	return int(deleted), nil
}

// scanOutbox scans outboxCols.
func scanOutbox(sc rowScanner) (int64, *storage.OutboxRow, error) {
	var (
		seq            int64
		r              storage.OutboxRow
		dedupe, lease  sql.NullString
		state          string
		created, next  int64
		sentAt, deadAt sql.NullInt64
	)
	if err := sc.Scan(&seq, &r.ID, &r.Channel, &r.Kind, &dedupe, &r.Recipient, &state, &r.Attempts, &created, &next,
		&lease, &r.LastError, &sentAt, &deadAt, &r.Payload); err != nil {
		return 0, nil, err
	}
	r.DedupeKey, r.LeaseOwner = dedupe.String, lease.String
	r.State = storage.OutboxState(state)
	r.CreatedAt, r.NextAttemptAt = fromMicros(created), fromMicros(next)
	r.SentAt, r.DeadAt = fromNullMicros(sentAt), fromNullMicros(deadAt)
	if r.Payload == nil {
		r.Payload = []byte{}
	}
	return seq, &r, nil
}
