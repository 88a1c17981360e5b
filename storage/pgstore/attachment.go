package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/etjanst/etjanst/storage"
)

const (
	attachmentNoBody  = `id, draft_id, owner, field_path, content_type, size, sha256, key_id, created_at`
	attachmentRowCols = attachmentNoBody + `, payload`
)

// The attachment statements.
const (
	// The caps and the counters in one statement: the draft's row lock,
	// taken by the UPDATE, makes concurrent inserts on one draft queue, and
	// each re-checks the caps on the row as the previous one left it. The
	// INSERT reads the updated draft from the first statement, so nothing
	// is inserted when the draft is missing, not the owner's or full.
	//
	// Outside a transaction a duplicate attachment ID raises a unique
	// violation, which undoes the counters with the statement. Inside one
	// (attachmentInsertTxSQL) the conflict is skipped instead, so the
	// caller's transaction is not aborted, and the counters are put back by
	// attachmentUncountSQL while the row lock is still held.
	attachmentInsertSQL = `WITH d AS (
			UPDATE drafts SET attachment_count = attachment_count + 1, attachment_bytes = attachment_bytes + $6
			WHERE id = $2 AND owner = $3
			AND ($11 <= 0 OR attachment_count + 1 <= $11)
			AND ($12 <= 0 OR attachment_bytes + $6 <= $12)
			RETURNING id),
		a AS (
			INSERT INTO attachments (` + attachmentRowCols + `)
			SELECT $1, d.id, $3, $4, $5, $6, $7, $8, $9, $10 FROM d
			RETURNING id)
		SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM a)`
	attachmentInsertTxSQL = `WITH d AS (
			UPDATE drafts SET attachment_count = attachment_count + 1, attachment_bytes = attachment_bytes + $6
			WHERE id = $2 AND owner = $3
			AND ($11 <= 0 OR attachment_count + 1 <= $11)
			AND ($12 <= 0 OR attachment_bytes + $6 <= $12)
			RETURNING id),
		a AS (
			INSERT INTO attachments (` + attachmentRowCols + `)
			SELECT $1, d.id, $3, $4, $5, $6, $7, $8, $9, $10 FROM d
			ON CONFLICT (id) DO NOTHING
			RETURNING id)
		SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM a)`
	attachmentUncountSQL = `UPDATE drafts SET attachment_count = attachment_count - 1,
		attachment_bytes = attachment_bytes - $1 WHERE id = $2`
	attachmentGetSQL = `SELECT ` + attachmentRowCols + ` FROM attachments
		WHERE id = $1 AND draft_id = $2 AND owner = $3`
	attachmentListSQL = `SELECT ` + attachmentNoBody + ` FROM attachments
		WHERE draft_id = $1 AND owner = $2 ORDER BY created_at, id`
	// Delete takes the draft's row lock first (as insert and the draft
	// deletes do), so the two never deadlock; the DELETE then confirms the
	// attachment is still there.
	attachmentUncountOwnedSQL = `UPDATE drafts SET attachment_count = attachment_count - 1,
		attachment_bytes = attachment_bytes - a.size
		FROM attachments a
		WHERE drafts.id = $2 AND drafts.owner = $3 AND a.id = $1 AND a.draft_id = $2 AND a.owner = $3`
	attachmentDeleteSQL        = `DELETE FROM attachments WHERE id = $1 AND draft_id = $2 AND owner = $3`
	attachmentListForResealSQL = `SELECT ` + attachmentRowCols + ` FROM attachments
		WHERE key_id <> $1 AND id > $2 ORDER BY id LIMIT $3`
	attachmentResealSQL  = `UPDATE attachments SET key_id = $1, payload = $2 WHERE id = $3 AND key_id = $4`
	attachmentKeyByIDSQL = `SELECT key_id FROM attachments WHERE id = $1`
)

func (e *executor) attachmentInsert(ctx context.Context, p *storage.AttachmentInsertParams) (*storage.AttachmentRow, error) {
	const op = "attachment insert"
	switch {
	case p == nil:
		return nil, invalid(op, "nil params")
	case p.ID == "" || p.DraftID == "" || p.Owner == "":
		return nil, invalid(op, "empty id, draft id or owner")
	case p.Size < 0:
		return nil, invalid(op, "negative size")
	case p.CreatedAt.IsZero():
		return nil, invalid(op, "zero created time")
	case !textOK(p.ID, p.FieldPath, p.ContentType, p.KeyID):
		return nil, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.DraftID, p.Owner) {
		return nil, notFound(op, p.ID)
	}
	sql := attachmentInsertSQL
	if e.inTx() {
		sql = attachmentInsertTxSQL
	}
	err := e.run(ctx, op, func(q querier) error {
		var counted, inserted int64
		err := q.QueryRow(ctx, sql, p.ID, p.DraftID, p.Owner, p.FieldPath, p.ContentType, p.Size, blob(p.SHA256),
			p.KeyID, ts(p.CreatedAt), blob(p.Payload), int64(p.MaxCount), p.MaxBytes).Scan(&counted, &inserted)
		switch {
		case err != nil:
			return err
		case counted == 0:
			// Not counted: a missing or foreign draft, or a cap.
			var rev int64
			if err := q.QueryRow(ctx, draftRevisionSQL, p.DraftID, p.Owner).Scan(&rev); err != nil {
				return err
			}
			return storage.ErrLimit
		case inserted == 0:
			// Inside a transaction only: a duplicate ID was skipped.
			if _, err := q.Exec(ctx, attachmentUncountSQL, p.Size, p.DraftID); err != nil {
				return err
			}
			return storage.ErrConflict
		}
		return nil
	})
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return &storage.AttachmentRow{
		ID:          p.ID,
		DraftID:     p.DraftID,
		Owner:       p.Owner,
		FieldPath:   p.FieldPath,
		ContentType: p.ContentType,
		Size:        p.Size,
		SHA256:      clone(blob(p.SHA256)),
		KeyID:       p.KeyID,
		Payload:     clone(blob(p.Payload)),
		CreatedAt:   ts(p.CreatedAt),
	}, nil
}

func (e *executor) attachmentGet(ctx context.Context, p *storage.AttachmentGetParams) (*storage.AttachmentRow, error) {
	const op = "attachment get"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.ID, p.DraftID, p.Owner) {
		return nil, notFound(op, p.ID)
	}
	var row *storage.AttachmentRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		row, err = scanAttachment(q.QueryRow(ctx, attachmentGetSQL, p.ID, p.DraftID, p.Owner), true)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return row, nil
}

func (e *executor) attachmentList(ctx context.Context, p *storage.AttachmentListParams) ([]*storage.AttachmentRow, error) {
	const op = "attachment list"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.DraftID, p.Owner) {
		return []*storage.AttachmentRow{}, nil
	}
	var out []*storage.AttachmentRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, attachmentListSQL, func(rows pgx.Rows) (*storage.AttachmentRow, error) {
			return scanAttachment(rows, false)
		}, p.DraftID, p.Owner)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.DraftID, err)
	}
	return out, nil
}

func (e *executor) attachmentDelete(ctx context.Context, p *storage.AttachmentDeleteParams) error {
	const op = "attachment delete"
	if p == nil || p.Owner == "" {
		return invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID, p.DraftID, p.Owner) {
		return notFound(op, p.ID)
	}
	err := e.atomic(ctx, op, func(e *executor) error {
		tag, err := e.tx.Exec(ctx, attachmentUncountOwnedSQL, p.ID, p.DraftID, p.Owner)
		if err != nil {
			return err
		}
		if err := mustAffect(tag); err != nil {
			return err
		}
		// Another delete of the same attachment may have counted it
		// down too, from a snapshot taken before it waited for our
		// lock; then its DELETE finds nothing and it rolls back.
		tag, err = e.tx.Exec(ctx, attachmentDeleteSQL, p.ID, p.DraftID, p.Owner)
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

func (e *executor) attachmentListForReseal(ctx context.Context, p *storage.AttachmentListForResealParams) ([]*storage.AttachmentRow, error) {
	const op = "attachment list for reseal"
	if p == nil || p.NotKeyID == "" {
		return nil, invalid(op, "nil params or empty key id")
	}
	if !textOK(p.NotKeyID, p.AfterID) {
		return nil, badText(op)
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []*storage.AttachmentRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, attachmentListForResealSQL, func(rows pgx.Rows) (*storage.AttachmentRow, error) {
			return scanAttachment(rows, true)
		}, p.NotKeyID, p.AfterID, n)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) attachmentReseal(ctx context.Context, p *storage.AttachmentResealParams) error {
	const op = "attachment reseal"
	if p == nil || p.KeyID == "" {
		return invalid(op, "nil params or empty key id")
	}
	if !textOK(p.KeyID, p.FromKeyID) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID) {
		return notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, attachmentResealSQL, p.KeyID, blob(p.Payload), p.ID, p.FromKeyID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, attachmentKeyByIDSQL, p.ID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

// scanAttachment scans attachmentNoBody, plus the payload when withPayload.
func scanAttachment(sc pgx.Row, withPayload bool) (*storage.AttachmentRow, error) {
	var (
		r       storage.AttachmentRow
		created time.Time
	)
	dest := []any{&r.ID, &r.DraftID, &r.Owner, &r.FieldPath, &r.ContentType, &r.Size, &r.SHA256, &r.KeyID, &created}
	if withPayload {
		dest = append(dest, &r.Payload)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.CreatedAt = utc(created)
	if r.SHA256 == nil {
		r.SHA256 = []byte{}
	}
	if withPayload && r.Payload == nil {
		r.Payload = []byte{}
	}
	return &r, nil
}
