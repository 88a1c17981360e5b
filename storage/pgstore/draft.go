package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/etjanst/etjanst/storage"
)

// Column lists. The payload is read only where the contract asks for it.
const (
	draftSummaryCols = `id, owner, form_id, form_version, revision, step, completed_steps, progress, key_id,
		created_at, updated_at, expires_at, warned_at, attachment_count, attachment_bytes`
	draftRowCols = draftSummaryCols + `, payload`
)

// The draft statements. Writes that can meet an existing key use ON
// CONFLICT DO NOTHING and report the conflict from the row count: a raised
// error would abort a caller's transaction, and SQLite's would not.
const (
	draftInsertSQL = `INSERT INTO drafts (id, owner, form_id, form_version, revision, step, completed_steps, progress,
		key_id, created_at, updated_at, expires_at, warned_at, attachment_count, attachment_bytes, payload)
		VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, NULL, 0, 0, $12)
		ON CONFLICT (id) DO NOTHING`
	draftGetSQL = `SELECT ` + draftRowCols + ` FROM drafts WHERE id = $1 AND owner = $2`
	// One round trip: the revision check, the write and the columns the
	// update does not set.
	draftUpdateSQL = `UPDATE drafts SET form_version = $1, revision = revision + 1, step = $2, completed_steps = $3,
		progress = $4, key_id = $5, updated_at = $6, expires_at = $7, warned_at = NULL, payload = $8
		WHERE id = $9 AND owner = $10 AND revision = $11
		RETURNING revision`
	draftRevisionSQL     = `SELECT revision FROM drafts WHERE id = $1 AND owner = $2`
	draftRevisionByIDSQL = `SELECT revision FROM drafts WHERE id = $1`
	draftListSQL         = `SELECT ` + draftSummaryCols + ` FROM drafts WHERE owner = $1
		ORDER BY updated_at DESC, id DESC LIMIT $2`
	draftDeleteSQL = `DELETE FROM drafts WHERE id = $1 AND owner = $2 AND ($3 = 0 OR revision = $3)
		AND ($4::bytea IS NULL OR payload = $4)`
	// FOR UPDATE (not SKIP LOCKED): a janitor waits for rows another one
	// is deleting and then passes over them, so an empty result still
	// means that nothing is left to delete. The locks are taken in expiry
	// order, so janitors cannot deadlock.
	draftDeleteExpiredSQL = `DELETE FROM drafts WHERE id IN (
		SELECT id FROM drafts WHERE expires_at <= $1 ORDER BY expires_at, id LIMIT $2 FOR UPDATE) RETURNING id`
	draftListExpiringSQL = `SELECT ` + draftSummaryCols + ` FROM drafts
		WHERE expires_at > $1 AND expires_at <= $2 AND warned_at IS NULL ORDER BY expires_at, id LIMIT $3`
	draftMarkWarnedSQL    = `UPDATE drafts SET warned_at = $1 WHERE id = $2 AND ($3 = 0 OR revision = $3)`
	draftListForResealSQL = `SELECT ` + draftRowCols + ` FROM drafts
		WHERE key_id <> $1 AND id > $2 ORDER BY id LIMIT $3`
	draftResealSQL = `UPDATE drafts SET key_id = $1, payload = $2 WHERE id = $3 AND revision = $4`
)

func (e *executor) draftInsert(ctx context.Context, p *storage.DraftInsertParams) (*storage.DraftRow, error) {
	const op = "draft insert"
	switch {
	case p == nil:
		return nil, invalid(op, "nil params")
	case p.ID == "" || p.Owner == "" || p.FormID == "":
		return nil, invalid(op, "empty id, owner or form id")
	case p.CreatedAt.IsZero() || p.ExpiresAt.IsZero():
		return nil, invalid(op, "zero created or expires time")
	case !textOK(p.ID, p.Owner, p.FormID, p.Step, p.KeyID) || !textsOK(p.CompletedSteps):
		return nil, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = p.CreatedAt
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, draftInsertSQL, p.ID, p.Owner, p.FormID, p.FormVersion, p.Step, textArray(p.CompletedSteps),
			p.Progress, p.KeyID, ts(p.CreatedAt), ts(updated), ts(p.ExpiresAt), blob(p.Payload))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return storage.ErrConflict
		}
		return nil
	})
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return &storage.DraftRow{
		ID:             p.ID,
		Owner:          p.Owner,
		FormID:         p.FormID,
		FormVersion:    p.FormVersion,
		Revision:       1,
		Step:           p.Step,
		CompletedSteps: cloneStrings(p.CompletedSteps),
		Progress:       p.Progress,
		KeyID:          p.KeyID,
		Payload:        clone(blob(p.Payload)),
		CreatedAt:      ts(p.CreatedAt),
		UpdatedAt:      ts(updated),
		ExpiresAt:      ts(p.ExpiresAt),
	}, nil
}

func (e *executor) draftGet(ctx context.Context, p *storage.DraftGetParams) (*storage.DraftRow, error) {
	const op = "draft get"
	if p == nil || p.Owner == "" {
		return nil, invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.ID, p.Owner) {
		return nil, notFound(op, p.ID)
	}
	var row *storage.DraftRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		row, err = scanDraft(q.QueryRow(ctx, draftGetSQL, p.ID, p.Owner), true)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return row, nil
}

func (e *executor) draftUpdate(ctx context.Context, p *storage.DraftUpdateParams) (int64, error) {
	const op = "draft update"
	switch {
	case p == nil || p.Owner == "":
		return 0, invalid(op, "nil params or empty owner")
	case p.UpdatedAt.IsZero() || p.ExpiresAt.IsZero():
		return 0, invalid(op, "zero updated or expires time")
	case !textOK(p.Step, p.KeyID) || !textsOK(p.CompletedSteps):
		return 0, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !textOK(p.ID, p.Owner) {
		return 0, notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		var updated int64
		err := q.QueryRow(ctx, draftUpdateSQL, p.FormVersion, p.Step, textArray(p.CompletedSteps), p.Progress, p.KeyID,
			ts(p.UpdatedAt), ts(p.ExpiresAt), blob(p.Payload), p.ID, p.Owner, p.Revision).Scan(&updated)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// Nothing matched: tell a stale revision from a missing draft.
		// Outside a transaction the row may change in between; either
		// answer is then right for some order of the two calls.
		var rev int64
		if err := q.QueryRow(ctx, draftRevisionSQL, p.ID, p.Owner).Scan(&rev); err != nil {
			return err
		}
		return storage.ErrConflict
	})
	if err != nil {
		return 0, fail(ctx, op, p.ID, err)
	}
	return p.Revision + 1, nil
}

func (e *executor) draftList(ctx context.Context, p *storage.DraftListParams) ([]*storage.DraftSummary, error) {
	const op = "draft list"
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
		return []*storage.DraftSummary{}, nil
	}
	out, err := e.summaries(ctx, op, draftListSQL, p.Owner, n)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

// summaries runs a query over draftSummaryCols.
func (e *executor) summaries(ctx context.Context, op, sql string, args ...any) ([]*storage.DraftSummary, error) {
	var out []*storage.DraftSummary
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, sql, func(rows pgx.Rows) (*storage.DraftSummary, error) {
			r, err := scanDraft(rows, false)
			if err != nil {
				return nil, err
			}
			return r.Summary(), nil
		}, args...)
		return err
	})
	return out, err
}

func (e *executor) draftDelete(ctx context.Context, p *storage.DraftDeleteParams) error {
	const op = "draft delete"
	if p == nil || p.Owner == "" {
		return invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID, p.Owner) {
		return notFound(op, p.ID)
	}
	// Attachments go with the draft through ON DELETE CASCADE.
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, draftDeleteSQL, p.ID, p.Owner, p.Revision, p.Payload) // nil: NULL
		if err != nil {
			return err
		}
		if err := mustAffect(tag); !errors.Is(err, storage.ErrNotFound) || (p.Revision == 0 && p.Payload == nil) {
			return err
		}
		// Tell a changed draft from a missing one.
		var rev int64
		if err := q.QueryRow(ctx, draftRevisionSQL, p.ID, p.Owner).Scan(&rev); err != nil {
			return err
		}
		return storage.ErrConflict
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

func (e *executor) draftDeleteExpired(ctx context.Context, p *storage.DraftDeleteExpiredParams) ([]string, error) {
	const op = "draft delete expired"
	if p == nil || p.Now.IsZero() {
		return nil, invalid(op, "nil params or zero now")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ids []string
	// One statement, so atomic on its own; the cascade removes the
	// attachments in the same statement.
	err = e.run(ctx, op, func(q querier) error {
		var err error
		ids, err = collect(ctx, q, draftDeleteExpiredSQL, scanString, ts(p.Now), n)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return ids, nil
}

func (e *executor) draftListExpiring(ctx context.Context, p *storage.DraftListExpiringParams) ([]*storage.DraftSummary, error) {
	const op = "draft list expiring"
	if p == nil || p.To.IsZero() || !p.To.After(p.From) {
		return nil, invalid(op, "nil params, zero To or To not after From")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := e.summaries(ctx, op, draftListExpiringSQL, ts(p.From), ts(p.To), n)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) draftMarkWarned(ctx context.Context, p *storage.DraftMarkWarnedParams) error {
	const op = "draft mark warned"
	if p == nil || p.WarnedAt.IsZero() {
		return invalid(op, "nil params or zero warned time")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID) {
		return notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, draftMarkWarnedSQL, ts(p.WarnedAt), p.ID, p.Revision)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, draftRevisionByIDSQL, p.ID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

// conflictOrNotFound is called after a conditional update by ID matched no
// row: ErrConflict when sql (a point read by ID) finds the row, else
// ErrNotFound.
func conflictOrNotFound(ctx context.Context, q querier, sql, id string) error {
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return err
	}
	found := rows.Next()
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if found {
		return storage.ErrConflict
	}
	return storage.ErrNotFound
}

func (e *executor) draftListForReseal(ctx context.Context, p *storage.DraftListForResealParams) ([]*storage.DraftRow, error) {
	const op = "draft list for reseal"
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
	var out []*storage.DraftRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, draftListForResealSQL, func(rows pgx.Rows) (*storage.DraftRow, error) {
			return scanDraft(rows, true)
		}, p.NotKeyID, p.AfterID, n)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) draftReseal(ctx context.Context, p *storage.DraftResealParams) error {
	const op = "draft reseal"
	if p == nil || p.KeyID == "" {
		return invalid(op, "nil params or empty key id")
	}
	if !textOK(p.KeyID) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID) {
		return notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, draftResealSQL, p.KeyID, blob(p.Payload), p.ID, p.Revision)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, draftRevisionByIDSQL, p.ID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

// scanDraft scans draftSummaryCols, plus the payload when withPayload.
func scanDraft(sc pgx.Row, withPayload bool) (*storage.DraftRow, error) {
	var (
		r                         storage.DraftRow
		steps                     []string
		created, updated, expires time.Time
		warned                    *time.Time
	)
	dest := []any{&r.ID, &r.Owner, &r.FormID, &r.FormVersion, &r.Revision, &r.Step, &steps, &r.Progress, &r.KeyID,
		&created, &updated, &expires, &warned, &r.AttachmentCount, &r.AttachmentBytes}
	if withPayload {
		dest = append(dest, &r.Payload)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.CompletedSteps = fromTextArray(steps)
	r.CreatedAt, r.UpdatedAt, r.ExpiresAt = utc(created), utc(updated), utc(expires)
	r.WarnedAt = fromNullTS(warned)
	if withPayload && r.Payload == nil {
		r.Payload = []byte{}
	}
	return &r, nil
}

// scanString scans a one-column row of text.
func scanString(rows pgx.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}
