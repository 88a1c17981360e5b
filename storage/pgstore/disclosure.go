package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/etjanst/etjanst/storage"
)

const disclosureCols = `id, case_id, service, document_id, requester, owner, requester_key, status, created_at, updated_at`

// The disclosure statements.
const (
	disclosureInsertSQL = `INSERT INTO disclosure_requests (` + disclosureCols + `)
		SELECT $1, c.id, $3, $4, $5, $6, $9, $7, $8, $8 FROM cases c WHERE c.id = $2
		ON CONFLICT DO NOTHING`
	disclosureGetSQL    = `SELECT ` + disclosureCols + `, decision, release FROM disclosure_requests WHERE id = $1`
	disclosureExistsSQL = `SELECT 1 FROM disclosure_requests WHERE id = $1`
	// The status check locks the request row (the UPDATE), so a
	// concurrent DisclosureFinish cannot slip in between the check and
	// the decision.
	disclosureDecideSQL = `WITH r AS (
			UPDATE disclosure_requests SET updated_at = $7 WHERE id = $1 AND status = $8 RETURNING id)
		INSERT INTO disclosure_decisions (request_id, flag_id, outcome, osl, reasoning, officer, decided_at)
		SELECT r.id, $2, $3, $4, $5, $6, $7 FROM r
		ON CONFLICT (request_id, flag_id) DO UPDATE SET outcome = excluded.outcome, osl = excluded.osl,
			reasoning = excluded.reasoning, officer = excluded.officer, decided_at = excluded.decided_at`
	disclosureDecisionsSQL = `SELECT request_id, flag_id, outcome, osl, reasoning, officer, decided_at
		FROM disclosure_decisions WHERE request_id = $1 ORDER BY flag_id`
	disclosureFinishSQL = `UPDATE disclosure_requests SET status = $1, decision = $2, release = $3, updated_at = $4
		WHERE id = $5 AND status = $6`
)

func (e *executor) disclosureInsert(ctx context.Context, p *storage.DisclosureInsertParams) error {
	const op = "disclosure insert"
	if p == nil || p.Request.ID == "" || p.Request.CaseID == "" || p.Request.Service == "" || p.Request.Status == "" || p.Request.CreatedAt.IsZero() {
		return invalid(op, "nil params, empty id, case id, service or status, or zero time")
	}
	r := p.Request
	if !textOK(r.ID, r.Service, r.DocumentID, r.Requester, r.Owner, r.RequesterKey, r.Status) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(r.CaseID) {
		return notFound(op, r.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, disclosureInsertSQL, r.ID, r.CaseID, r.Service, r.DocumentID, r.Requester, r.Owner, r.Status,
			ts(r.CreatedAt), r.RequesterKey)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// No case (not found), or the ID is taken (conflict).
			return conflictOrNotFound(ctx, q, caseExistsSQL, r.CaseID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, r.ID, err)
	}
	return nil
}

func scanDisclosure(row pgx.Row, outcome bool) (*storage.DisclosureRow, error) {
	var r storage.DisclosureRow
	var created, updated time.Time
	dest := []any{&r.ID, &r.CaseID, &r.Service, &r.DocumentID, &r.Requester, &r.Owner, &r.RequesterKey, &r.Status, &created, &updated}
	if outcome {
		dest = append(dest, &r.Decision, &r.Release)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = utc(created), utc(updated)
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
	if !textOK(p.ID) {
		return nil, notFound(op, p.ID)
	}
	var out *storage.DisclosureRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = scanDisclosure(q.QueryRow(ctx, disclosureGetSQL, p.ID), true)
		return err
	})
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
	if !textsOK(p.Statuses) {
		return nil, badText(op)
	}
	n, err := limit(op, p.Limit)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.Service, p.After.ID) {
		return []*storage.DisclosureRow{}, nil
	}
	where, args := `service = $1`, []any{p.Service, n}
	switch len(p.Statuses) {
	case 0:
	case 1:
		// An equality, not ANY: with it the (service, status, created_at,
		// id) index yields the rows in order, so a page reads only its
		// rows instead of sorting every one after the cursor.
		args = append(args, p.Statuses[0])
		where += fmt.Sprintf(` AND status = $%d`, len(args))
	default:
		args = append(args, p.Statuses)
		where += fmt.Sprintf(` AND status = ANY($%d)`, len(args))
	}
	if !p.After.IsZero() {
		args = append(args, ts(p.After.At), p.After.ID)
		where += fmt.Sprintf(` AND (created_at, id) > ($%d, $%d)`, len(args)-1, len(args))
	}
	var out []*storage.DisclosureRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, `SELECT `+disclosureCols+` FROM disclosure_requests WHERE `+where+` ORDER BY created_at, id LIMIT $2`,
			func(rows pgx.Rows) (*storage.DisclosureRow, error) { return scanDisclosure(rows, false) }, args...)
		return err
	})
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
	d := p.Decision
	if !textOK(d.FlagID, d.Outcome, d.OSL, d.Reasoning, d.Officer, p.Status) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(d.RequestID) {
		return notFound(op, d.RequestID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, disclosureDecideSQL, d.RequestID, d.FlagID, d.Outcome, d.OSL, d.Reasoning, d.Officer,
			ts(d.DecidedAt), p.Status)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, disclosureExistsSQL, d.RequestID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, d.RequestID, err)
	}
	return nil
}

func (e *executor) disclosureDecisions(ctx context.Context, p *storage.DisclosureDecisionsParams) ([]*storage.DisclosureDecisionRow, error) {
	const op = "disclosure decisions"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.RequestID) {
		return []*storage.DisclosureDecisionRow{}, nil
	}
	var out []*storage.DisclosureDecisionRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, disclosureDecisionsSQL, func(rows pgx.Rows) (*storage.DisclosureDecisionRow, error) {
			var d storage.DisclosureDecisionRow
			var at time.Time
			if err := rows.Scan(&d.RequestID, &d.FlagID, &d.Outcome, &d.OSL, &d.Reasoning, &d.Officer, &at); err != nil {
				return nil, err
			}
			d.DecidedAt = utc(at)
			return &d, nil
		}, p.RequestID)
		return err
	})
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
	if !textOK(p.From, p.To) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID) {
		return notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, disclosureFinishSQL, p.To, p.Decision, p.Release, ts(p.UpdatedAt), p.ID, p.From)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, disclosureExistsSQL, p.ID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}
