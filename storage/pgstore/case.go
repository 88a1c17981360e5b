package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/etjanst/etjanst/storage"
)

const caseCols = `id, reference, prefix, year, seq, service, form_version, owner, draft_id, idempotency_key, status,
	status_label, subject_line, received_at, updated_at, digest, manifest, audit_seq, audit_head`

// The case statements.
const (
	// The upsert keeps the sequence row locked until the transaction
	// ends: a concurrent submit, on this instance or another, waits for it
	// and then continues from the committed value (or from the same one,
	// when this transaction rolls back). Hence unique and gap-free.
	referenceNextSQL = `INSERT INTO reference_sequences AS s (prefix, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = s.last + 1 RETURNING last`
	// Any of the unique keys (id, reference, draft, (owner, idempotency
	// key), (prefix, year, seq)) makes the insert a no-op, reported as a
	// conflict.
	caseInsertSQL = `INSERT INTO cases (` + caseCols + `, record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, 0, NULL, $17)
		ON CONFLICT DO NOTHING`
	// The case with its first audit entry: the entry goes in only when
	// the case did, and the case starts with it as its head.
	caseInsertAuditSQL = `WITH c AS (
			INSERT INTO cases (` + caseCols + `, record)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, 1, $18, $17)
			ON CONFLICT DO NOTHING RETURNING id)
		INSERT INTO audit_log (case_id, seq, at, actor, event, data, prev_hash, hash)
		SELECT c.id, 1, $19, $20, $21, $22, $23, $18 FROM c`
	caseExistsSQL    = `SELECT 1 FROM cases WHERE id = $1`
	caseSetStatusSQL = `UPDATE cases SET status = $1, status_label = $2, updated_at = $3 WHERE id = $4 AND status = $5`
	// The document goes in only when its case exists (a conflict on the
	// ID is skipped, see caseInsertSQL); pos, an identity, orders a case's
	// documents by insertion.
	documentInsertSQL = `INSERT INTO case_documents (id, case_id, kind, name, content_type, size, digest, created_at, content)
		SELECT $1, c.id, $3, $4, $5, $6, $7, $8, $9 FROM cases c WHERE c.id = $2
		ON CONFLICT DO NOTHING`
	// All flags in one statement, in the order given. Outside a
	// transaction a duplicate flag ID raises a unique violation, which
	// undoes the whole statement; inside one (flagInsertTxSQL) duplicates
	// are skipped and the rows that went in are deleted again, so the
	// caller's transaction is not aborted.
	flagInsertSQL = `INSERT INTO secrecy_flags (id, case_id, document_id, path, kind, reason, osl, article9)
		SELECT f.id, c.id, f.document_id, f.path, f.kind, f.reason,
			ARRAY(SELECT jsonb_array_elements_text(f.osl::jsonb)), f.article9
		FROM cases c,
			unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[])
				WITH ORDINALITY AS f(id, document_id, path, kind, reason, osl, article9, ord)
		WHERE c.id = $1
		ORDER BY f.ord`
	flagInsertTxSQL = flagInsertSQL + ` ON CONFLICT DO NOTHING RETURNING id`
	flagUndoSQL     = `DELETE FROM secrecy_flags WHERE id = ANY($1)`
	flagListSQL     = `SELECT id, case_id, document_id, path, kind, reason, osl, article9 FROM secrecy_flags WHERE case_id = $1 ORDER BY pos`
	auditAppendSQL  = `WITH c AS (
			UPDATE cases SET audit_seq = $2, audit_head = $8 WHERE id = $1 AND audit_seq = $2 - 1 RETURNING id)
		INSERT INTO audit_log (case_id, seq, at, actor, event, data, prev_hash, hash)
		SELECT c.id, $2, $3, $4, $5, $6, $7, $8 FROM c`
	auditListSQL = `SELECT case_id, seq, at, actor, event, data, prev_hash, hash FROM audit_log WHERE case_id = $1 ORDER BY seq`
)

func (e *executor) referenceNext(ctx context.Context, p *storage.ReferenceNextParams) (int64, error) {
	const op = "reference next"
	if p == nil || p.Year <= 0 {
		return 0, invalid(op, "nil params or year not positive")
	}
	if !textOK(p.Prefix) {
		return 0, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := e.run(ctx, op, func(q querier) error {
		return q.QueryRow(ctx, referenceNextSQL, p.Prefix, p.Year).Scan(&n)
	})
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	return n, nil
}

func (e *executor) caseInsert(ctx context.Context, p *storage.CaseInsertParams) (*storage.CaseRow, error) {
	const op = "case insert"
	switch {
	case p == nil:
		return nil, invalid(op, "nil params")
	case p.ID == "" || p.Reference == "" || p.Owner == "" || p.Service == "" || p.DraftID == "" || p.Status == "":
		return nil, invalid(op, "empty id, reference, owner, service, draft id or status")
	case p.ReceivedAt.IsZero() || len(p.Digest) == 0 || len(p.Record) == 0:
		return nil, invalid(op, "zero received-at, or empty digest or record")
	case p.Year <= 0 || p.Seq <= 0:
		// ReferenceNext never hands out such a reference.
		return nil, invalid(op, "year or seq not positive")
	case !textOK(p.ID, p.Reference, p.Prefix, p.Service, p.Owner, p.DraftID, p.IdempotencyKey, p.Status, p.StatusLabel, p.SubjectLine):
		return nil, badText(op)
	}
	if err := storage.CheckFirstAudit(p); err != nil {
		return nil, invalid(op, err.Error())
	}
	if a := p.Audit; a != nil && !textOK(a.Actor, a.Event) {
		return nil, badText(op)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	manifest := p.Manifest
	if manifest == nil {
		manifest = []byte("{}")
	}
	q, args := caseInsertSQL, []any{p.ID, p.Reference, p.Prefix, p.Year, p.Seq, p.Service, p.FormVersion, p.Owner,
		p.DraftID, nullText(p.IdempotencyKey), p.Status, p.StatusLabel, p.SubjectLine, ts(p.ReceivedAt), p.Digest,
		manifest, p.Record}
	if a := p.Audit; a != nil {
		q = caseInsertAuditSQL
		args = append(args, a.Hash, ts(a.At), a.Actor, a.Event, blob(a.Data), blob(a.PrevHash))
	}
	err := e.run(ctx, op, func(qr querier) error {
		tag, err := qr.Exec(ctx, q, args...)
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
	var auditSeq int64
	var auditHead []byte
	if p.Audit != nil {
		auditSeq, auditHead = 1, bytes.Clone(p.Audit.Hash)
	}
	return &storage.CaseRow{
		ID: p.ID, Reference: p.Reference, Prefix: p.Prefix, Year: p.Year, Seq: p.Seq, Service: p.Service,
		FormVersion: p.FormVersion, Owner: p.Owner, DraftID: p.DraftID, IdempotencyKey: p.IdempotencyKey,
		Status: p.Status, StatusLabel: p.StatusLabel, SubjectLine: p.SubjectLine,
		ReceivedAt: ts(p.ReceivedAt), UpdatedAt: ts(p.ReceivedAt),
		Digest: bytes.Clone(p.Digest), Record: bytes.Clone(p.Record), Manifest: bytes.Clone(manifest),
		AuditSeq: auditSeq, AuditHead: auditHead,
	}, nil
}

// scanCase scans caseCols, plus the record when withRecord.
func scanCase(row pgx.Row, withRecord bool) (*storage.CaseRow, error) {
	var (
		c                 storage.CaseRow
		idem              *string
		received, updated time.Time
	)
	dest := []any{&c.ID, &c.Reference, &c.Prefix, &c.Year, &c.Seq, &c.Service, &c.FormVersion, &c.Owner, &c.DraftID, &idem,
		&c.Status, &c.StatusLabel, &c.SubjectLine, &received, &updated, &c.Digest, &c.Manifest, &c.AuditSeq, &c.AuditHead}
	if withRecord {
		dest = append(dest, &c.Record)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.IdempotencyKey = fromNullText(idem)
	c.ReceivedAt, c.UpdatedAt = utc(received), utc(updated)
	return &c, nil
}

// oneCase reads the case matching where (with its record).
func (e *executor) oneCase(ctx context.Context, op, id, where string, args ...any) (*storage.CaseRow, error) {
	var out *storage.CaseRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = scanCase(q.QueryRow(ctx, `SELECT `+caseCols+`, record FROM cases WHERE `+where, args...), true)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, id, err)
	}
	return out, nil
}

func (e *executor) caseGet(ctx context.Context, p *storage.CaseGetParams) (*storage.CaseRow, error) {
	const op = "case get"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.ID, p.Owner) {
		return nil, notFound(op, p.ID)
	}
	if p.Owner != "" {
		return e.oneCase(ctx, op, p.ID, `id = $1 AND owner = $2`, p.ID, p.Owner)
	}
	return e.oneCase(ctx, op, p.ID, `id = $1`, p.ID)
}

func (e *executor) caseFind(ctx context.Context, p *storage.CaseFindParams) (*storage.CaseRow, error) {
	const op = "case find"
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		where string
		args  []any
	)
	switch {
	case p == nil:
		return nil, invalid(op, "nil params")
	case p.DraftID != "":
		where, args = `draft_id = $1`, []any{p.DraftID}
	case p.Owner != "" && p.IdempotencyKey != "":
		where, args = `owner = $1 AND idempotency_key = $2`, []any{p.Owner, p.IdempotencyKey}
	case p.Reference != "":
		where, args = `reference = $1`, []any{p.Reference}
	default:
		return nil, invalid(op, "no draft id, owner and idempotency key, or reference")
	}
	for _, a := range args {
		if !textOK(a.(string)) {
			return nil, notFound(op, "")
		}
	}
	return e.oneCase(ctx, op, "", where, args...)
}

func (e *executor) caseList(ctx context.Context, p *storage.CaseListParams) ([]*storage.CaseRow, error) {
	const op = "case list"
	if p == nil || (p.Owner == "") == (p.Service == "") {
		return nil, invalid(op, "exactly one of owner and service")
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
	if !textOK(p.Owner, p.Service, p.After.ID) {
		return []*storage.CaseRow{}, nil
	}
	where, args := `owner = $2`, []any{n, p.Owner}
	if p.Service != "" {
		where, args = `service = $2`, []any{n, p.Service}
	}
	if len(p.Statuses) > 0 {
		args = append(args, p.Statuses)
		where += fmt.Sprintf(` AND status = ANY($%d)`, len(args))
	}
	if !p.After.IsZero() {
		// A row comparison, which the (service or owner, received_at, id)
		// index serves.
		args = append(args, ts(p.After.At), p.After.ID)
		where += fmt.Sprintf(` AND (received_at, id) < ($%d, $%d)`, len(args)-1, len(args))
	}
	var out []*storage.CaseRow
	err = e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, `SELECT `+caseCols+` FROM cases WHERE `+where+` ORDER BY received_at DESC, id DESC LIMIT $1`,
			func(rows pgx.Rows) (*storage.CaseRow, error) { return scanCase(rows, false) }, args...)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, "", err)
	}
	return out, nil
}

func (e *executor) caseSetStatus(ctx context.Context, p *storage.CaseSetStatusParams) error {
	const op = "case set status"
	if p == nil || p.To == "" || p.UpdatedAt.IsZero() {
		return invalid(op, "nil params, empty status or zero time")
	}
	if !textOK(p.From, p.To, p.StatusLabel) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(p.ID) {
		return notFound(op, p.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, caseSetStatusSQL, p.To, p.StatusLabel, ts(p.UpdatedAt), p.ID, p.From)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, caseExistsSQL, p.ID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, p.ID, err)
	}
	return nil
}

func (e *executor) documentInsert(ctx context.Context, p *storage.DocumentInsertParams) error {
	const op = "document insert"
	if p == nil || p.Document.ID == "" || p.Document.CaseID == "" || p.Document.Kind == "" || p.Document.CreatedAt.IsZero() ||
		p.Document.Size < 0 {
		return invalid(op, "nil params, empty id, case id or kind, zero time or negative size")
	}
	d := p.Document
	if !textOK(d.ID, d.Kind, d.Name, d.ContentType) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(d.CaseID) {
		return notFound(op, d.ID)
	}
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, documentInsertSQL, d.ID, d.CaseID, d.Kind, d.Name, d.ContentType, d.Size, blob(d.Digest),
			ts(d.CreatedAt), blob(d.Content))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// No case (not found), or the ID is taken (conflict).
			return conflictOrNotFound(ctx, q, caseExistsSQL, d.CaseID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, d.ID, err)
	}
	return nil
}

func (e *executor) documentList(ctx context.Context, p *storage.DocumentListParams) ([]*storage.DocumentRow, error) {
	const op = "document list"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.CaseID) {
		return []*storage.DocumentRow{}, nil
	}
	cols := `id, case_id, kind, name, content_type, size, digest, created_at`
	if p.WithContent {
		cols += `, content`
	}
	var out []*storage.DocumentRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, `SELECT `+cols+` FROM case_documents WHERE case_id = $1 ORDER BY pos`,
			func(rows pgx.Rows) (*storage.DocumentRow, error) {
				var d storage.DocumentRow
				var created time.Time
				dest := []any{&d.ID, &d.CaseID, &d.Kind, &d.Name, &d.ContentType, &d.Size, &d.Digest, &created}
				if p.WithContent {
					dest = append(dest, &d.Content)
				}
				if err := rows.Scan(dest...); err != nil {
					return nil, err
				}
				d.CreatedAt = utc(created)
				return &d, nil
			}, p.CaseID)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.CaseID, err)
	}
	return out, nil
}

func (e *executor) flagInsert(ctx context.Context, p *storage.FlagInsertParams) error {
	const op = "flag insert"
	if p == nil || p.CaseID == "" {
		return invalid(op, "nil params or empty case id")
	}
	n := len(p.Flags)
	var (
		ids, docs, paths, kinds, reasons = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		osls                             = make([]string, n)
		art9                             = make([]bool, n)
	)
	for i, f := range p.Flags {
		if f.ID == "" || f.Path == "" {
			return invalid(op, "flag without id or path")
		}
		if !textOK(f.ID, f.DocumentID, f.Path, f.Kind, f.Reason) || !textsOK(f.OSL) {
			return badText(op)
		}
		ids[i], docs[i], paths[i], kinds[i], reasons[i], art9[i] = f.ID, f.DocumentID, f.Path, f.Kind, f.Reason, f.Article9
		osl, err := json.Marshal(nonNil(f.OSL))
		if err != nil {
			return fail(ctx, op, p.CaseID, err)
		}
		osls[i] = string(osl)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if !textOK(p.CaseID) {
		return notFound(op, p.CaseID)
	}
	args := []any{p.CaseID, ids, docs, paths, kinds, reasons, osls, art9}
	err := e.run(ctx, op, func(q querier) error {
		if !e.inTx() {
			tag, err := q.Exec(ctx, flagInsertSQL, args...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return storage.ErrNotFound // the case does not exist
			}
			return nil
		}
		inserted, err := collect(ctx, q, flagInsertTxSQL, scanString, args...)
		if err != nil || len(inserted) == n {
			return err
		}
		if len(inserted) > 0 {
			if _, err := q.Exec(ctx, flagUndoSQL, inserted); err != nil {
				return err
			}
		}
		return conflictOrNotFound(ctx, q, caseExistsSQL, p.CaseID)
	})
	if err != nil {
		return fail(ctx, op, p.CaseID, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (e *executor) flagList(ctx context.Context, p *storage.FlagListParams) ([]*storage.FlagRow, error) {
	const op = "flag list"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.CaseID) {
		return []*storage.FlagRow{}, nil
	}
	var out []*storage.FlagRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, flagListSQL, func(rows pgx.Rows) (*storage.FlagRow, error) {
			var f storage.FlagRow
			if err := rows.Scan(&f.ID, &f.CaseID, &f.DocumentID, &f.Path, &f.Kind, &f.Reason, &f.OSL, &f.Article9); err != nil {
				return nil, err
			}
			f.OSL = fromTextArray(f.OSL)
			return &f, nil
		}, p.CaseID)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.CaseID, err)
	}
	return out, nil
}

func (e *executor) auditAppend(ctx context.Context, p *storage.AuditAppendParams) error {
	const op = "audit append"
	if p == nil {
		return invalid(op, "nil params")
	}
	r := p.Entry
	if r.CaseID == "" || r.Seq < 1 || r.At.IsZero() || r.Event == "" || len(r.Hash) == 0 {
		return invalid(op, "empty case id, event or hash, seq below 1 or zero time")
	}
	if !textOK(r.Actor, r.Event) {
		return badText(op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !textOK(r.CaseID) {
		return notFound(op, r.CaseID)
	}
	// One statement: the head moves and the entry goes in together, or
	// neither when another entry took Seq.
	err := e.run(ctx, op, func(q querier) error {
		tag, err := q.Exec(ctx, auditAppendSQL, r.CaseID, r.Seq, ts(r.At), r.Actor, r.Event, blob(r.Data), blob(r.PrevHash), r.Hash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return conflictOrNotFound(ctx, q, caseExistsSQL, r.CaseID)
		}
		return nil
	})
	if err != nil {
		return fail(ctx, op, r.CaseID, err)
	}
	return nil
}

func (e *executor) auditList(ctx context.Context, p *storage.AuditListParams) ([]*storage.AuditRow, error) {
	const op = "audit list"
	if p == nil {
		return nil, invalid(op, "nil params")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !textOK(p.CaseID) {
		return []*storage.AuditRow{}, nil
	}
	var out []*storage.AuditRow
	err := e.run(ctx, op, func(q querier) error {
		var err error
		out, err = collect(ctx, q, auditListSQL, func(rows pgx.Rows) (*storage.AuditRow, error) {
			var r storage.AuditRow
			var at time.Time
			if err := rows.Scan(&r.CaseID, &r.Seq, &at, &r.Actor, &r.Event, &r.Data, &r.PrevHash, &r.Hash); err != nil {
				return nil, err
			}
			r.At = utc(at)
			return &r, nil
		}, p.CaseID)
		return err
	})
	if err != nil {
		return nil, fail(ctx, op, p.CaseID, err)
	}
	return out, nil
}
