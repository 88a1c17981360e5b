package sqlitestore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/etjanst/etjanst/storage"
)

const disclosureCols = `id, case_id, service, document_id, requester, owner, requester_key, status, created_at, updated_at`

func (e *executor) disclosureInsert(ctx context.Context, p *storage.DisclosureInsertParams) error {
	const op = "disclosure insert"
	if p == nil || p.Request.ID == "" || p.Request.CaseID == "" || p.Request.Service == "" || p.Request.Status == "" || p.Request.CreatedAt.IsZero() {
		return invalid(op, "nil params, empty id, case id, service or status, or zero time")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := p.Request
	_, err := e.execSQL(ctx, `INSERT INTO disclosure_requests (`+disclosureCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.CaseID, r.Service, r.DocumentID, r.Requester, r.Owner, r.RequesterKey, r.Status, micros(r.CreatedAt), micros(r.CreatedAt))
	if err != nil {
		return fail(ctx, op, r.ID, err)
	}
	return nil
}

func scanDisclosure(rows interface{ Scan(...any) error }, outcome bool) (*storage.DisclosureRow, error) {
	var r storage.DisclosureRow
	var created, updated int64
	dest := []any{&r.ID, &r.CaseID, &r.Service, &r.DocumentID, &r.Requester, &r.Owner, &r.RequesterKey, &r.Status, &created, &updated}
	if outcome {
		dest = append(dest, &r.Decision, &r.Release)
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &r, nil
}

func (e *executor) disclosureGet(ctx context.Context, p *storage.DisclosureGetParams) (*storage.DisclosureRow, error) {
	const op = "disclosure get"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out *storage.DisclosureRow
	err := e.querySQL(ctx, `SELECT `+disclosureCols+`, decision, release FROM disclosure_requests WHERE id = ?`, func(rows *sql.Rows) error {
		r, err := scanDisclosure(rows, true)
		out = r
		return err
	}, p.ID)
	if err == nil && out == nil {
		err = sql.ErrNoRows
	}
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return out, nil
}

func (e *executor) disclosureList(ctx context.Context, p *storage.DisclosureListParams) ([]*storage.DisclosureRow, error) {
	const op = "disclosure list"
	if p == nil || p.Service == "" {
		return nil, invalid(op, "nil params or empty service")
	}
	if !p.After.Valid() {
		return nil, invalid(op, "a cursor needs both its time and its ID")
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	where, args := `service = ?`, []any{p.Service}
	if len(p.Statuses) > 0 {
		where += ` AND status IN (?` + strings.Repeat(`, ?`, len(p.Statuses)-1) + `)`
		for _, s := range p.Statuses {
			args = append(args, s)
		}
	}
	if !p.After.IsZero() {
		// A row value, which the (service, status, created_at, id) index
		// serves as a range.
		where += ` AND (created_at, id) > (?, ?)`
		args = append(args, micros(p.After.At), p.After.ID)
	}
	args = append(args, n)
	out := []*storage.DisclosureRow{}
	err = e.querySQL(ctx, `SELECT `+disclosureCols+` FROM disclosure_requests WHERE `+where+` ORDER BY created_at, id LIMIT ?`,
		func(rows *sql.Rows) error {
			r, err := scanDisclosure(rows, false)
			if err == nil {
				out = append(out, r)
			}
			return err
		}, args...)
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) disclosureDecide(ctx context.Context, p *storage.DisclosureDecideParams) error {
	const op = "disclosure decide"
	if p == nil || p.Decision.RequestID == "" || p.Decision.FlagID == "" || p.Decision.Outcome == "" || p.Decision.DecidedAt.IsZero() {
		return invalid(op, "nil params, empty request, flag or outcome, or zero time")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d := p.Decision
	return e.atomic(ctx, func(e *executor) error {
		var status string
		found := false
		if err := e.querySQL(ctx, `SELECT status FROM disclosure_requests WHERE id = ?`, func(rows *sql.Rows) error {
			found = true
			return rows.Scan(&status)
		}, d.RequestID); err != nil {
			return fail(ctx, op, d.RequestID, err)
		}
		switch {
		case !found:
			return fail(ctx, op, d.RequestID, storage.ErrNotFound)
		case status != p.Status:
			return fail(ctx, op, d.RequestID, storage.ErrConflict)
		}
		_, err := e.execSQL(ctx, `INSERT INTO disclosure_decisions (request_id, flag_id, outcome, osl, reasoning, officer, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id, flag_id) DO UPDATE SET outcome = excluded.outcome,
			osl = excluded.osl, reasoning = excluded.reasoning, officer = excluded.officer, decided_at = excluded.decided_at`,
			d.RequestID, d.FlagID, d.Outcome, d.OSL, d.Reasoning, d.Officer, micros(d.DecidedAt))
		if err != nil {
			return fail(ctx, op, d.RequestID, err)
		}
		_, err = e.execSQL(ctx, `UPDATE disclosure_requests SET updated_at = ? WHERE id = ?`, micros(d.DecidedAt), d.RequestID)
		if err != nil {
			return fail(ctx, op, d.RequestID, err)
		}
		return nil
	})
}

func (e *executor) disclosureDecisions(ctx context.Context, p *storage.DisclosureDecisionsParams) ([]*storage.DisclosureDecisionRow, error) {
	const op = "disclosure decisions"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []*storage.DisclosureDecisionRow{}
	err := e.querySQL(ctx, `SELECT request_id, flag_id, outcome, osl, reasoning, officer, decided_at FROM disclosure_decisions
		WHERE request_id = ? ORDER BY flag_id`, func(rows *sql.Rows) error {
		var d storage.DisclosureDecisionRow
		var at int64
		if err := rows.Scan(&d.RequestID, &d.FlagID, &d.Outcome, &d.OSL, &d.Reasoning, &d.Officer, &at); err != nil {
			return err
		}
		d.DecidedAt = fromMicros(at)
		out = append(out, &d)
		return nil
	}, p.RequestID)
	if err != nil {
		return nil, fail(ctx, op, p.RequestID, err)
	}
	return out, nil
}

func (e *executor) disclosureFinish(ctx context.Context, p *storage.DisclosureFinishParams) error {
	const op = "disclosure finish"
	if p == nil || p.ID == "" || p.To == "" || p.UpdatedAt.IsZero() {
		return invalid(op, "nil params, empty id or status, or zero time")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := e.execSQL(ctx, `UPDATE disclosure_requests SET status = ?, decision = ?, release = ?, updated_at = ? WHERE id = ? AND status = ?`,
		p.To, p.Decision, p.Release, micros(p.UpdatedAt), p.ID, p.From)
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, gerr := e.disclosureGet(ctx, &storage.DisclosureGetParams{ID: p.ID}); gerr != nil {
			return gerr
		}
		return fail(ctx, op, p.ID, storage.ErrConflict)
	}
	return nil
}
