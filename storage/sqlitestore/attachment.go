package sqlitestore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/etjanst/etjanst/storage"
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
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err := e.atomic(ctx, func(e *executor) error {
		// Count first: the conditional update checks ownership and the
		// caps and takes the draft's row lock (on PostgreSQL) in one
		// statement, so concurrent inserts cannot overshoot a cap.
		res, err := e.exec(ctx, sAttachmentCount, p.Size, p.DraftID, p.Owner, p.MaxCount, p.MaxBytes)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			err = e.queryRow(ctx, sDraftRevision, func(r *sql.Row) error {
				var rev int64
				return r.Scan(&rev)
			}, p.DraftID, p.Owner)
			if err == nil {
				return storage.ErrLimit
			}
			return err
		}
		_, err = e.exec(ctx, sAttachmentInsert, p.ID, p.DraftID, p.Owner, p.FieldPath, p.ContentType, p.Size,
			blob(p.SHA256), p.KeyID, micros(p.CreatedAt), blob(p.Payload))
		return err
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
		CreatedAt:   storage.Time(p.CreatedAt),
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
	var row *storage.AttachmentRow
	err := e.queryRow(ctx, sAttachmentGet, func(r *sql.Row) error {
		var err error
		row, err = scanAttachment(r, true)
		return err
	}, p.ID, p.DraftID, p.Owner)
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
	out, err := queryAll(ctx, e, sAttachmentList, func(rows rowScanner) (*storage.AttachmentRow, error) {
		return scanAttachment(rows, false)
	}, p.DraftID, p.Owner)
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
	err := e.atomic(ctx, func(e *executor) error {
		var size int64
		if err := e.queryRow(ctx, sAttachmentDelete, func(r *sql.Row) error { return r.Scan(&size) },
			p.ID, p.DraftID, p.Owner); err != nil {
			return err
		}
		_, err := e.exec(ctx, sAttachmentUncount, size, p.DraftID)
		return err
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
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := queryAll(ctx, e, sAttachmentListForReseal, func(rows rowScanner) (*storage.AttachmentRow, error) {
		return scanAttachment(rows, true)
	}, p.NotKeyID, p.AfterID, n)
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
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := e.exec(ctx, sAttachmentReseal, p.KeyID, blob(p.Payload), p.ID, p.FromKeyID)
	if err == nil {
		if err = mustAffect(res); errors.Is(err, storage.ErrNotFound) {
			err = e.queryRow(ctx, sAttachmentKeyByID, func(r *sql.Row) error {
				var k string
				return r.Scan(&k)
			}, p.ID)
			if err == nil {
				err = storage.ErrConflict
			}
		}
	}
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}
