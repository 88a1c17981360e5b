package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/etjanst/etjanst/storage"
)

// The contact statements, prepared through stmtDefs.
const (
	contactUpsertSQL = `INSERT INTO contacts (owner, email, phone, lang, channels, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (owner) DO UPDATE SET email = excluded.email, phone = excluded.phone, lang = excluded.lang,
		channels = excluded.channels, updated_at = excluded.updated_at`
	contactGetSQL    = `SELECT owner, email, phone, lang, channels, updated_at FROM contacts WHERE owner = ?`
	contactDeleteSQL = `DELETE FROM contacts WHERE owner = ?`
)

func (e *executor) contactUpsert(ctx context.Context, p *storage.ContactUpsertParams) (*storage.ContactRow, error) {
	const op = "contact upsert"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if p.UpdatedAt.IsZero() {
		return nil, invalid(op, "zero updated time")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The channel list is stored like a draft's completed steps: a JSON
	// array, NULL when empty.
	channels, err := encodeSteps(p.Channels)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	if _, err := e.exec(ctx, sContactUpsert, p.Owner, p.Email, p.Phone, p.Lang, channels, micros(p.UpdatedAt)); err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return &storage.ContactRow{
		Owner:     p.Owner,
		Email:     p.Email,
		Phone:     p.Phone,
		Lang:      p.Lang,
		Channels:  cloneSteps(p.Channels),
		UpdatedAt: storage.Time(p.UpdatedAt),
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
	var r storage.ContactRow
	err := e.queryRow(ctx, sContactGet, func(row *sql.Row) error {
		var (
			channels sql.NullString
			updated  int64
		)
		if err := row.Scan(&r.Owner, &r.Email, &r.Phone, &r.Lang, &channels, &updated); err != nil {
			return err
		}
		r.UpdatedAt = fromMicros(updated)
		var err error
		r.Channels, err = decodeSteps(channels)
		return err
	}, p.Owner)
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
	res, err := e.exec(ctx, sContactDelete, p.Owner)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fail(ctx, op, "", err)
	}
	return nil
}
