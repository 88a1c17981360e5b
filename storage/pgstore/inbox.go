package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/etjanst/etjanst/storage"
)

const inboxCols = `id, owner, kind, case_ref, created_at, read_at, payload`

// The inbox statements. The unread list and count read the partial index of
// unread messages only.
const (
	inboxInsertSQL = `INSERT INTO inbox (id, owner, kind, case_ref, created_at, read_at, payload)
		VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (id) DO NOTHING`
	inboxGetSQL  = `SELECT ` + inboxCols + ` FROM inbox WHERE id = $1 AND owner = $2`
	inboxListSQL = `SELECT ` + inboxCols + ` FROM inbox WHERE owner = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`
	inboxListUnreadSQL = `SELECT ` + inboxCols + ` FROM inbox WHERE owner = $1 AND read_at IS NULL
		ORDER BY created_at DESC, id DESC LIMIT $2`
	inboxUnreadSQL   = `SELECT count(*) FROM inbox WHERE owner = $1 AND read_at IS NULL`
	inboxMarkReadSQL = `UPDATE inbox SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND owner = $3`
)

func (e *executor) inboxInsert(ctx context.Context, p *storage.InboxInsertParams) error {
	const op = "inbox insert"
	switch {
	case p == nil:
		return invalid(op, "nil params")
	case p.ID == "" || p.Owner == "":
		return invalid(op, "empty id or owner")
	case p.CreatedAt.IsZero():
		return invalid(op, "zero created time")
	case !textOK(p.ID, p.Owner, p.Kind, p.CaseRef):
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, inboxInsertSQL, p.ID, p.Owner, p.Kind, p.CaseRef, ts(p.CreatedAt), blob(p.Payload))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return storage.ErrConflict
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

func (e *executor) inboxGet(ctx context.Context, p *storage.InboxGetParams) (*storage.InboxRow, error) {
	const op = "inbox get"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.ID, p.Owner) {
		return nil, notFound(op, p.ID)
	}
	var row *storage.InboxRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		row, err = scanInbox(q.QueryRow(ctx, inboxGetSQL, p.ID, p.Owner))
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return row, nil
}

func (e *executor) inboxList(ctx context.Context, p *storage.InboxListParams) ([]*storage.InboxRow, error) {
	const op = "inbox list"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.Owner) {
		return []*storage.InboxRow{}, nil
	}
	sql := inboxListSQL
	if p.UnreadOnly {
		sql = inboxListUnreadSQL
	}
	var out []*storage.InboxRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, sql, func(rows pgx.Rows) (*storage.InboxRow, error) { return scanInbox(rows) }, p.Owner, n)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) inboxUnreadCount(ctx context.Context, p *storage.InboxUnreadCountParams) (int, error) {
	const op = "inbox unread count"
	if p == nil || p.Owner == "" {
		return 0, invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !textOK(p.Owner) {
		return 0, nil
	}
	var n int
	err := e.run(ctx, op, func(q querier) error {
		return q.QueryRow(ctx, inboxUnreadSQL, p.Owner).Scan(&n)
	})
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	return n, nil
}

func (e *executor) inboxMarkRead(ctx context.Context, p *storage.InboxMarkReadParams) error {
	const op = "inbox mark read"
	if p == nil || p.Owner == "" {
		return invalid(op, "nil params or empty owner")
	}
	if p.ReadAt.IsZero() {
		return invalid(op, "zero read time")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID, p.Owner) {
		return notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, inboxMarkReadSQL, ts(p.ReadAt), p.ID, p.Owner)
		if err != nil {
			return err
		}
		return mustAffect(tag)
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

// scanInbox scans inboxCols.
func scanInbox(sc pgx.Row) (*storage.InboxRow, error) {
	var (
		r       storage.InboxRow
		created time.Time
		read    *time.Time
	)
	if err := sc.Scan(&r.ID, &r.Owner, &r.Kind, &r.CaseRef, &created, &read, &r.Payload); err != nil {
		return nil, err
	}
	r.CreatedAt, r.ReadAt = utc(created), fromNullTS(read)
	if r.Payload == nil {
		r.Payload = []byte{}
	}
	return &r, nil
}
