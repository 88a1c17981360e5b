package pgstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/etjanst/etjanst/storage"
)

// outboxCols are the columns of an OutboxRow, seq first (for ordering),
// payload last.
const outboxCols = `seq, id, channel, kind, dedupe_key, recipient, state, attempts, created_at, next_attempt_at,
	lease_owner, last_error, sent_at, dead_at, payload`

// The outbox statements.
const (
	// Any unique key (id, dedupe_key) makes the insert a no-op; the row
	// count then sends OutboxInsert to outboxSkippedSQL to tell a repeated
	// event (same dedupe key: skipped) from a reused ID (conflict).
	outboxInsertSQL = `INSERT INTO outbox (id, channel, kind, dedupe_key, recipient, state, attempts, created_at,
		next_attempt_at, payload) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $8)
		ON CONFLICT DO NOTHING`
	outboxSkippedSQL = `SELECT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = $1)`
	// Relays on several instances share the work: each locks the due rows
	// it takes with SKIP LOCKED, so claims never wait for each other nor
	// return the same row. A row locked by another claim in flight is
	// left to it; the lease (next_attempt_at) then keeps it from being
	// due until the lease ends.
	outboxClaimSQL = `WITH due AS (
			SELECT seq, next_attempt_at FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3
			ORDER BY next_attempt_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED)
		UPDATE outbox o SET attempts = o.attempts + 1, lease_owner = $1, next_attempt_at = $2
		FROM due WHERE o.seq = due.seq
		RETURNING o.seq, o.id, o.channel, o.kind, o.dedupe_key, o.recipient, o.state, o.attempts, o.created_at,
			o.next_attempt_at, o.lease_owner, o.last_error, o.sent_at, o.dead_at, o.payload`
	outboxAckSQL = `UPDATE outbox SET state = 'sent', sent_at = $1, lease_owner = NULL, recipient = '', payload = ''::bytea
		WHERE id = $2 AND state = 'pending' AND lease_owner = $3`
	outboxRetrySQL = `UPDATE outbox SET next_attempt_at = $1, last_error = $2, lease_owner = NULL
		WHERE id = $3 AND state = 'pending' AND lease_owner = $4`
	outboxDeadSQL = `UPDATE outbox SET state = 'dead', dead_at = $1, last_error = $2, lease_owner = NULL
		WHERE id = $3 AND state = 'pending' AND lease_owner = $4`
	outboxReleaseAllSQL = `UPDATE outbox SET lease_owner = NULL, next_attempt_at = $1, attempts = GREATEST(attempts - 1, 0)
		WHERE lease_owner = $2 AND state = 'pending'`
	outboxReleaseIDsSQL = `UPDATE outbox SET lease_owner = NULL, next_attempt_at = $1, attempts = GREATEST(attempts - 1, 0)
		WHERE lease_owner = $2 AND state = 'pending' AND id = ANY($3)`
	outboxGetSQL      = `SELECT ` + outboxCols + ` FROM outbox WHERE id = $1`
	outboxExistsSQL   = `SELECT 1 FROM outbox WHERE id = $1`
	outboxListDeadSQL = `SELECT ` + outboxCols + ` FROM outbox WHERE state = 'dead'
		ORDER BY dead_at DESC, id DESC LIMIT $1`
	outboxRequeueSQL = `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, dead_at = NULL
		WHERE id = $2 AND state = 'dead'`
	// Purgers skip each other's rows: purging is idempotent clean-up.
	outboxPurgeSQL = `DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE state = 'sent' AND sent_at <= $1
		ORDER BY sent_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED)`
	outboxPurgeDeadSQL = `DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE state = 'dead' AND dead_at <= $1
		ORDER BY dead_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)`
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
	case !textOK(p.ID, p.Channel, p.Kind, p.DedupeKey, p.Recipient):
		return false, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	next := p.NextAttemptAt
	if next.IsZero() {
		next = p.CreatedAt
	}
	var inserted bool
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, outboxInsertSQL, p.ID, p.Channel, p.Kind, nullText(p.DedupeKey), p.Recipient,
			ts(p.CreatedAt), ts(next), blob(p.Payload))
		if err != nil {
			return err
		}
		if inserted = tag.RowsAffected() == 1; inserted {
			return nil
		}
		// A repeated event (its dedupe key is stored) is skipped;
		// otherwise the ID is taken.
		if p.DedupeKey != "" {
			var skipped bool
			if err := q.QueryRow(ctx, outboxSkippedSQL, p.DedupeKey).Scan(&skipped); err != nil || skipped {
				return err
			}
		}
		return storage.ErrConflict
	})
	if err != nil {
		return false, fail(ctx, op, p.ID, err)
	}
	return inserted, nil
}

func (e *executor) outboxClaim(ctx context.Context, p *storage.OutboxClaimParams) ([]*storage.OutboxRow, error) {
	const op = "outbox claim"
	switch {
	case p == nil || p.Worker == "":
		return nil, invalid(op, "nil params or empty worker")
	case p.Now.IsZero() || p.Lease <= 0:
		return nil, invalid(op, "zero now or lease not positive")
	case !textOK(p.Worker):
		return nil, badText(op)
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := ts(p.Now)
	type seqRow struct {
		seq int64
		row *storage.OutboxRow
	}
	var got []seqRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		got, err = collect(ctx, q, outboxClaimSQL, func(rows pgx.Rows) (seqRow, error) {
			seq, r, err := scanOutbox(rows)
			return seqRow{seq, r}, err
		}, p.Worker, ts(now.Add(p.Lease)), now, n)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	// RETURNING gives no order; the contract's is creation order, as
	// sqlitestore's.
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

// outboxSettle runs one of the conditional updates of a row by ID (ack,
// retry, dead, requeue) and tells a missing row from one that is not (or no
// longer) in the state and lease the update requires.
func (e *executor) outboxSettle(ctx context.Context, op, id, worker, sql string, args ...any) error {
	if !textOK(worker) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(id) {
		return notFound(op, id)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, sql, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, outboxExistsSQL, id)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, id, err)
	}
	return nil
}

func (e *executor) outboxAck(ctx context.Context, p *storage.OutboxAckParams) error {
	const op = "outbox ack"
	if p == nil || p.Worker == "" || p.SentAt.IsZero() {
		return invalid(op, "nil params, empty worker or zero sent time")
	}
	return e.outboxSettle(ctx, op, p.ID, p.Worker, outboxAckSQL, ts(p.SentAt), p.ID, p.Worker)
}

func (e *executor) outboxRetry(ctx context.Context, p *storage.OutboxRetryParams) error {
	const op = "outbox retry"
	if p == nil || p.Worker == "" || p.NextAttemptAt.IsZero() {
		return invalid(op, "nil params, empty worker or zero next attempt time")
	}
	return e.outboxSettle(ctx, op, p.ID, p.Worker, outboxRetrySQL, ts(p.NextAttemptAt), cleanText(p.LastError), p.ID, p.Worker)
}

func (e *executor) outboxDead(ctx context.Context, p *storage.OutboxDeadParams) error {
	const op = "outbox dead"
	if p == nil || p.Worker == "" || p.DeadAt.IsZero() {
		return invalid(op, "nil params, empty worker or zero dead time")
	}
	return e.outboxSettle(ctx, op, p.ID, p.Worker, outboxDeadSQL, ts(p.DeadAt), cleanText(p.LastError), p.ID, p.Worker)
}

func (e *executor) outboxRelease(ctx context.Context, p *storage.OutboxReleaseParams) (int, error) {
	const op = "outbox release"
	if p == nil || p.Worker == "" || p.Now.IsZero() {
		return 0, invalid(op, "nil params, empty worker or zero now")
	}
	if !textOK(p.Worker) {
		return 0, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	// IDs no row can hold are left out; if none is left, nothing matches.
	ids := p.IDs
	if !textsOK(ids) {
		ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !textOK(id) })
		if len(ids) == 0 {
			return 0, nil
		}
	}
	var n int64
	err := e.run(ctx, op, func(q querier) error {
		sql, args := outboxReleaseAllSQL, []any{ts(p.Now), p.Worker}
		if len(ids) > 0 {
			sql, args = outboxReleaseIDsSQL, append(args, ids)
		}
		tag, err := q.Exec(ctx, sql, args...)
		n = tag.RowsAffected()
		return err
	})
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
	if !textOK(p.ID) {
		return nil, notFound(op, p.ID)
	}
	var row *storage.OutboxRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		_, row, err = scanOutbox(q.QueryRow(ctx, outboxGetSQL, p.ID))
		return err
	})
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
	var out []*storage.OutboxRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, outboxListDeadSQL, func(rows pgx.Rows) (*storage.OutboxRow, error) {
			_, r, err := scanOutbox(rows)
			return r, err
		}, n)
		return err
	})
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
	return e.outboxSettle(ctx, op, p.ID, "", outboxRequeueSQL, ts(p.Now), p.ID)
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
	var deleted int64
	err = e.run(ctx, op, func(q querier) error {
		q1 := outboxPurgeSQL
		if p.Dead {
			q1 = outboxPurgeDeadSQL
		}
		tag, err := q.Exec(ctx, q1, ts(p.Before), n)
		deleted = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	return int(deleted), nil
}

// scanOutbox scans outboxCols.
func scanOutbox(sc pgx.Row) (int64, *storage.OutboxRow, error) {
	var (
		seq            int64
		r              storage.OutboxRow
		dedupe, lease  *string
		state          string
		created, next  time.Time
		sentAt, deadAt *time.Time
	)
	if err := sc.Scan(&seq, &r.ID, &r.Channel, &r.Kind, &dedupe, &r.Recipient, &state, &r.Attempts, &created, &next,
		&lease, &r.LastError, &sentAt, &deadAt, &r.Payload); err != nil {
		return 0, nil, err
	}
	r.DedupeKey, r.LeaseOwner = fromNullText(dedupe), fromNullText(lease)
	r.State = storage.OutboxState(state)
	r.CreatedAt, r.NextAttemptAt = utc(created), utc(next)
	r.SentAt, r.DeadAt = fromNullTS(sentAt), fromNullTS(deadAt)
	if r.Payload == nil {
		r.Payload = []byte{}
	}
	return seq, &r, nil
}
