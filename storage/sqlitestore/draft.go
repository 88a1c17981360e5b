package sqlitestore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/etjanst/etjanst/storage"
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
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = p.CreatedAt
	}
	steps, err := encodeSteps(p.CompletedSteps)
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	if _, err := e.exec(ctx, sDraftInsert, p.ID, p.Owner, p.FormID, p.FormVersion, p.Step, steps, p.Progress,
		p.KeyID, micros(p.CreatedAt), micros(updated), micros(p.ExpiresAt), blob(p.Payload)); err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return &storage.DraftRow{
		ID:             p.ID,
		Owner:          p.Owner,
		FormID:         p.FormID,
		FormVersion:    p.FormVersion,
		Revision:       1,
		Step:           p.Step,
		CompletedSteps: cloneSteps(p.CompletedSteps),
		Progress:       p.Progress,
		KeyID:          p.KeyID,
		Payload:        clone(blob(p.Payload)),
		CreatedAt:      storage.Time(p.CreatedAt),
		UpdatedAt:      storage.Time(updated),
		ExpiresAt:      storage.Time(p.ExpiresAt),
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
	var row *storage.DraftRow
	err := e.queryRow(ctx, sDraftGet, func(r *sql.Row) error {
		var err error
		row, err = scanDraft(r, true)
		return err
	}, p.ID, p.Owner)
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
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	steps, err := encodeSteps(p.CompletedSteps)
	if err != nil {
		return 0, fail(ctx, op, p.ID, err)
	}
	res, err := e.exec(ctx, sDraftUpdate, p.FormVersion, p.Step, steps, p.Progress, p.KeyID, micros(p.UpdatedAt),
		micros(p.ExpiresAt), blob(p.Payload), p.ID, p.Owner, p.Revision)
	if err == nil {
		if err = mustAffect(res); errors.Is(err, storage.ErrNotFound) {
			// Nothing matched: tell a stale revision from a missing
			// draft. Outside a transaction the row may change in
			// between; either answer is then right for some order of
			// the two calls.
			err = e.queryRow(ctx, sDraftRevision, func(r *sql.Row) error {
				var rev int64
				return r.Scan(&rev)
			}, p.ID, p.Owner)
			if err == nil {
				err = storage.ErrConflict
			}
		}
	}
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
	out, err := e.summaries(ctx, sDraftList, p.Owner, n)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

// summaries runs a statement over draftSummaryCols.
func (e *executor) summaries(ctx context.Context, id stmtID, args ...any) ([]*storage.DraftSummary, error) {
	return queryAll(ctx, e, id, func(rows rowScanner) (*storage.DraftSummary, error) {
		r, err := scanDraft(rows, false)
		if err != nil {
			return nil, err
		}
		return r.Summary(), nil
	}, args...)
}

func (e *executor) draftDelete(ctx context.Context, p *storage.DraftDeleteParams) error {
	const op = "draft delete"
	if p == nil || p.Owner == "" {
		return invalid(op, "nil params or empty owner")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Attachments go with the draft through ON DELETE CASCADE.
	var payload any // NULL: any payload
	if p.Payload != nil {
		payload = p.Payload
	}
	res, err := e.exec(ctx, sDraftDelete, p.ID, p.Owner, p.Revision, payload)
	if err == nil {
		if err = mustAffect(res); errors.Is(err, storage.ErrNotFound) && (p.Revision != 0 || p.Payload != nil) {
			// Tell a changed draft from a missing one.
			err = e.queryRow(ctx, sDraftRevision, func(r *sql.Row) error {
				var rev int64
				return r.Scan(&rev)
			}, p.ID, p.Owner)
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

// mustAffect turns "no row changed" into ErrNotFound.
func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return storage.ErrNotFound
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
	ids := []string{}
	// One statement, so atomic on its own; the cascade removes the
	// attachments in the same statement.
	err = e.query(ctx, sDraftDeleteExpired, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, micros(p.Now), n)
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
	out, err := e.summaries(ctx, sDraftListExpiring, micros(p.From), micros(p.To), n)
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
	res, err := e.exec(ctx, sDraftMarkWarned, micros(p.WarnedAt), p.ID, p.Revision)
	if err == nil {
		if err = mustAffect(res); errors.Is(err, storage.ErrNotFound) {
			err = e.conflictOrNotFound(ctx, p.ID)
		}
	}
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

// conflictOrNotFound is called after a conditional update by ID matched no
// row: ErrConflict when the draft exists (its revision moved), else
// ErrNotFound.
func (e *executor) conflictOrNotFound(ctx context.Context, id string) error {
	err := e.queryRow(ctx, sDraftRevisionByID, func(r *sql.Row) error {
		var rev int64
		return r.Scan(&rev)
	}, id)
	if err == nil {
		return storage.ErrConflict
	}
	return err
}

func (e *executor) draftListForReseal(ctx context.Context, p *storage.DraftListForResealParams) ([]*storage.DraftRow, error) {
	const op = "draft list for reseal"
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
	out, err := queryAll(ctx, e, sDraftListForReseal, func(rows rowScanner) (*storage.DraftRow, error) {
		return scanDraft(rows, true)
	}, p.NotKeyID, p.AfterID, n)
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
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := e.exec(ctx, sDraftReseal, p.KeyID, blob(p.Payload), p.ID, p.Revision)
	if err == nil {
		if err = mustAffect(res); errors.Is(err, storage.ErrNotFound) {
			err = e.conflictOrNotFound(ctx, p.ID)
		}
	}
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}
