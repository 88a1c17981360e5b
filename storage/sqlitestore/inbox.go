package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/etjanst/etjanst/storage"
)

const inboxCols = `id, owner, kind, case_ref, created_at, read_at, payload`

// The inbox statements, prepared through stmtDefs.
const (
	inboxInsertSQL = `INSERT INTO inbox (id, owner, kind, case_ref, created_at, read_at, payload)
		VALUES (?, ?, ?, ?, ?, NULL, ?)`
	inboxGetSQL = `SELECT ` + inboxCols + ` FROM inbox WHERE id = ? AND owner = ?`
	// Two statements rather than "AND (? OR read_at IS NULL)", so that each
	// walks its own index in order and stops at the limit.
	inboxListSQL = `SELECT ` + inboxCols + ` FROM inbox INDEXED BY inbox_owner WHERE owner = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`
	inboxListUnreadSQL = `SELECT ` + inboxCols + ` FROM inbox INDEXED BY inbox_unread
		WHERE owner = ? AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?`
	inboxUnreadSQL   = `SELECT count(*) FROM inbox INDEXED BY inbox_unread WHERE owner = ? AND read_at IS NULL`
	inboxMarkReadSQL = `UPDATE inbox SET read_at = COALESCE(read_at, ?) WHERE id = ? AND owner = ?`
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
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := e.exec(ctx, sInboxInsert, p.ID, p.Owner, p.Kind, p.CaseRef, micros(p.CreatedAt), blob(p.Payload)); err != nil {
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
	var row *storage.InboxRow
	err := e.queryRow(ctx, sInboxGet, func(r *sql.Row) error {
		var err error
		row, err = scanInbox(r)
		return err
	}, p.ID, p.Owner)
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
	id := sInboxList
	if p.UnreadOnly {
		id = sInboxListUnread
	}
	out, err := queryAll(ctx, e, id, scanInbox, p.Owner, n)
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
	var n int
	if err := e.queryRow(ctx, sInboxUnread, func(r *sql.Row) error { return r.Scan(&n) }, p.Owner); err != nil {
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
	res, err := e.exec(ctx, sInboxMarkRead, micros(p.ReadAt), p.ID, p.Owner)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

// scanInbox scans inboxCols.
func scanInbox(sc rowScanner) (*storage.InboxRow, error) {
	var (
		r       storage.InboxRow
		created int64
		read    sql.NullInt64
	)
	if err := sc.Scan(&r.ID, &r.Owner, &r.Kind, &r.CaseRef, &created, &read, &r.Payload); err != nil {
		return nil, err
	}
	r.CreatedAt, r.ReadAt = fromMicros(created), fromNullMicros(read)
	if r.Payload == nil {
		r.Payload = []byte{}
	}
	return &r, nil
}
