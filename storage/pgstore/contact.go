package pgstore

import (
	"context"
	"time"

	"github.com/etjanst/etjanst/storage"
)

// The contact statements.
const (
	contactUpsertSQL = `INSERT INTO contacts (owner, email, phone, lang, channels, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (owner) DO UPDATE SET email = excluded.email, phone = excluded.phone, lang = excluded.lang,
		channels = excluded.channels, updated_at = excluded.updated_at`
	contactGetSQL    = `SELECT owner, email, phone, lang, channels, updated_at FROM contacts WHERE owner = $1`
	contactDeleteSQL = `DELETE FROM contacts WHERE owner = $1`
)

func (e *executor) contactUpsert(ctx context.Context, p *storage.ContactUpsertParams) (*storage.ContactRow, error) {
	const op = "contact upsert"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if p.UpdatedAt.IsZero() {
		return nil, invalid(op, "zero updated time")
	}
	if !textOK(p.Owner, p.Email, p.Phone, p.Lang) || !textsOK(p.Channels) {
		return nil, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err := e.run(ctx, op, func(q querier) error {
		_, err := q.Exec(ctx, contactUpsertSQL, p.Owner, p.Email, p.Phone, p.Lang, textArray(p.Channels), ts(p.UpdatedAt))
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return &storage.ContactRow{
		Owner:     p.Owner,
		Email:     p.Email,
		Phone:     p.Phone,
		Lang:      p.Lang,
		Channels:  cloneStrings(p.Channels),
		UpdatedAt: ts(p.UpdatedAt),
	}, nil
}

func (e *executor) contactGet(ctx context.Context, p *storage.ContactGetParams) (*storage.ContactRow, error) {
	const op = "contact get"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.Owner) {
		return nil, notFound(op, "")
	}
	var r storage.ContactRow
	err := e.run(ctx, op, func(q querier) error {
		var updated time.Time
		if err := q.QueryRow(ctx, contactGetSQL, p.Owner).Scan(&r.Owner, &r.Email, &r.Phone, &r.Lang, &r.Channels, &updated); err != nil {
			return err
		}
		r.UpdatedAt = utc(updated)
		r.Channels = fromTextArray(r.Channels)
		return nil
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return &r, nil
}

func (e *executor) contactDelete(ctx context.Context, p *storage.ContactDeleteParams) error {
	const op = "contact delete"
	if p == nil || p.Owner == "" {
		return invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.Owner) {
		return notFound(op, "")
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, contactDeleteSQL, p.Owner)
		if err != nil {
			return err
		}
		return mustAffect(tag)
	})
	if err != nil {
		return fail(ctx, op, "", err)
	}
	return nil
}
