package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/etjanst/etjanst/storage"
)

// stmtCache prepares a statement on its pool the first time it is used
// and keeps it until Close. The case, disclosure and audit statements use
// it; their SQL strings are constants, so the cache stays small.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// get returns q prepared on db: from the cache, or prepared now and cached.
//
// The statement is prepared without holding the cache's lock: preparing on
// the writer waits for its only connection, and the transaction holding
// that connection looks statements up in this cache, so waiting under the
// lock would deadlock the two.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, q string) (*sql.Stmt, error) {
	if s, ok := c.lookup(q); ok {
		return s, nil
	}
	s, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[q]; ok {
		// Another caller prepared it meanwhile; keep one.
		_ = s.Close()
		return prev, nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = s
	return s, nil
}

func (c *stmtCache) lookup(q string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[q]
	return s, ok
}

// warm prepares statements that transactions use, while the writer's
// connection is free (at Open).
func (c *stmtCache) warm(ctx context.Context, db *sql.DB, qs []string) error {
	for _, q := range qs {
		if _, err := c.get(ctx, db, q); err != nil {
			return fmt.Errorf("sqlitestore: prepare: %w", err)
		}
	}
	return nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, s := range c.m {
		errs = append(errs, s.Close())
	}
	c.m = nil
	return errors.Join(errs...)
}

// prepared returns q prepared for this executor: on the writer (bound to
// the transaction when there is one) or, for reads outside a transaction,
// on the read pool.
func (e *executor) prepared(ctx context.Context, q string, read bool) (*sql.Stmt, func(), error) {
	if e.tx != nil {
		// The writer's only connection is the transaction's: a statement
		// not prepared yet is prepared on the transaction.
		s, _ := e.db.wq.lookup(q)
		return e.txStmt(ctx, s, q)
	}
	if !read {
		s, err := e.db.wq.get(ctx, e.db.writer, q)
		return s, func() {}, err
	}
	s, err := e.db.rq.get(ctx, e.db.reader, q)
	return s, func() {}, err
}

const caseCols = `id, reference, prefix, year, seq, service, form_version, owner, draft_id, idempotency_key, status,
	status_label, subject_line, received_at, updated_at, digest, manifest, audit_seq, audit_head`

// The fixed statements of the case contract. Those in warmStatements are
// prepared at Open, so that transactions find them ready.
const (
	qRefNext = `INSERT INTO reference_sequences (prefix, year, last) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last`
	qCaseInsert = `INSERT INTO cases (` + caseCols + `, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?)`
	qCaseSelect     = `SELECT ` + caseCols + `, record FROM cases WHERE `
	qCaseByID       = qCaseSelect + `id = ?`
	qCaseByOwner    = qCaseSelect + `id = ? AND owner = ?`
	qCaseByDraft    = qCaseSelect + `draft_id = ?`
	qCaseByKey      = qCaseSelect + `owner = ? AND idempotency_key = ?`
	qCaseByRef      = qCaseSelect + `reference = ?`
	qDocumentInsert = `INSERT INTO case_documents (id, case_id, pos, kind, name, content_type, size, digest, created_at, content)
		VALUES (?, ?, (SELECT count(*) FROM case_documents WHERE case_id = ?), ?, ?, ?, ?, ?, ?, ?)`
	qAuditAppend = `INSERT INTO audit_log (case_id, seq, at, actor, event, data, prev_hash, hash)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?1 AND audit_seq = ?2 - 1)`
)

// warmStatements returns the statements to prepare on the writer at Open.
func warmStatements() []string {
	qs := []string{qRefNext, qCaseInsert, qCaseByID, qCaseByOwner, qCaseByDraft, qCaseByKey, qCaseByRef,
		qDocumentInsert, qAuditAppend}
	for n := 1; n <= maxFlagRows; n++ {
		qs = append(qs, flagInserts[n])
	}
	return qs
}

// execSQL runs a write: in the caller's transaction, or on the writer.
func (e *executor) execSQL(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s, release, err := e.prepared(ctx, q, false)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.ExecContext(e.c(ctx), args...)
}

// querySQL runs a read: in the caller's transaction, or on the read pool.
func (e *executor) querySQL(ctx context.Context, q string, each func(*sql.Rows) error, args ...any) error {
	s, release, err := e.prepared(ctx, q, true)
	if err != nil {
		return err
	}
	defer release()
	rows, err := s.QueryContext(e.c(ctx), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

func (e *executor) referenceNext(ctx context.Context, p *storage.ReferenceNextParams) (int64, error) {
	const op = "reference next"
	if p == nil || p.Year <= 0 {
		return 0, invalid(op, "nil params or year not positive")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	s, release, err := e.prepared(ctx, qRefNext, false)
	if err == nil {
		err = s.QueryRowContext(e.c(ctx), p.Prefix, p.Year).Scan(&n)
		release()
	}
	if err != nil {
		return 0, fail(ctx, op, "", err)
	}
	return n, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
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
	}
	if err := storage.CheckFirstAudit(p); err != nil {
		return nil, invalid(op, err.Error())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	manifest := p.Manifest
	if manifest == nil {
		manifest = []byte("{}")
	}
	insert := func(e *executor) error {
		_, err := e.execSQL(ctx, qCaseInsert,
			p.ID, p.Reference, p.Prefix, p.Year, p.Seq, p.Service, p.FormVersion, p.Owner, p.DraftID, nullString(p.IdempotencyKey),
			p.Status, p.StatusLabel, p.SubjectLine, micros(p.ReceivedAt), micros(p.ReceivedAt), p.Digest, manifest, p.Record)
		return err
	}
	var auditSeq int64
	var auditHead []byte
	var err error
	if p.Audit == nil {
		err = insert(e)
	} else {
		// Two statements, all or nothing (the trigger of audit_log moves
		// the head): one round trip means nothing in-process.
		a := *p.Audit
		a.CaseID = p.ID
		err = e.atomic(ctx, func(e *executor) error {
			if err := insert(e); err != nil {
				return err
			}
			return e.auditAppend(ctx, &storage.AuditAppendParams{Entry: a})
		})
		auditSeq, auditHead = 1, bytes.Clone(a.Hash)
	}
	if err != nil {
		return nil, fail(ctx, op, p.ID, err)
	}
	return &storage.CaseRow{
		ID: p.ID, Reference: p.Reference, Prefix: p.Prefix, Year: p.Year, Seq: p.Seq, Service: p.Service,
		FormVersion: p.FormVersion, Owner: p.Owner, DraftID: p.DraftID, IdempotencyKey: p.IdempotencyKey,
		Status: p.Status, StatusLabel: p.StatusLabel, SubjectLine: p.SubjectLine,
		ReceivedAt: storage.Time(p.ReceivedAt), UpdatedAt: storage.Time(p.ReceivedAt),
		Digest: bytes.Clone(p.Digest), Record: bytes.Clone(p.Record), Manifest: bytes.Clone(manifest),
		AuditSeq: auditSeq, AuditHead: auditHead,
	}, nil
}

// scanCase scans caseCols, plus the record when withRecord.
func scanCase(rows interface{ Scan(...any) error }, withRecord bool) (*storage.CaseRow, error) {
	var c storage.CaseRow
	var idem sql.NullString
	var received, updated int64
	dest := []any{&c.ID, &c.Reference, &c.Prefix, &c.Year, &c.Seq, &c.Service, &c.FormVersion, &c.Owner, &c.DraftID, &idem,
		&c.Status, &c.StatusLabel, &c.SubjectLine, &received, &updated, &c.Digest, &c.Manifest, &c.AuditSeq, &c.AuditHead}
	if withRecord {
		dest = append(dest, &c.Record)
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	c.IdempotencyKey = idem.String
	c.ReceivedAt, c.UpdatedAt = fromMicros(received), fromMicros(updated)
	return &c, nil
}

// caseConflictOrNotFound explains a conditional write to case id that
// changed nothing: ErrNotFound when the case does not exist, else
// ErrConflict.
func (e *executor) caseConflictOrNotFound(ctx context.Context, op, id string) error {
	if _, err := e.oneCase(ctx, op, id, qCaseByID, id); err != nil {
		return err
	}
	return fail(ctx, op, id, storage.ErrConflict)
}

func (e *executor) oneCase(ctx context.Context, op, id, q string, args ...any) (*storage.CaseRow, error) {
	var out *storage.CaseRow
	err := e.querySQL(ctx, q, func(rows *sql.Rows) error {
		c, err := scanCase(rows, true)
		out = c
		return err
	}, args...)
	if err == nil && out == nil {
		err = sql.ErrNoRows
	}
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
	if p.Owner != "" {
		return e.oneCase(ctx, op, p.ID, qCaseByOwner, p.ID, p.Owner)
	}
	return e.oneCase(ctx, op, p.ID, qCaseByID, p.ID)
}

func (e *executor) caseFind(ctx context.Context, p *storage.CaseFindParams) (*storage.CaseRow, error) {
	const op = "case find"
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case p == nil:
		return nil, invalid(op, "nil params")
	case p.DraftID != "":
		return e.oneCase(ctx, op, "", qCaseByDraft, p.DraftID)
	case p.Owner != "" && p.IdempotencyKey != "":
		return e.oneCase(ctx, op, "", qCaseByKey, p.Owner, p.IdempotencyKey)
	case p.Reference != "":
		return e.oneCase(ctx, op, "", qCaseByRef, p.Reference)
	}
	return nil, invalid(op, "no draft id, owner and idempotency key, or reference")
}

func (e *executor) caseList(ctx context.Context, p *storage.CaseListParams) ([]*storage.CaseRow, error) {
	const op = "case list"
	if p == nil || (p.Owner == "") == (p.Service == "") {
		return nil, invalid(op, "exactly one of owner and service")
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
	where, args := `owner = ?`, []any{p.Owner}
	if p.Service != "" {
		where, args = `service = ?`, []any{p.Service}
	}
	if len(p.Statuses) > 0 {
		where += ` AND status IN (?` + strings.Repeat(`, ?`, len(p.Statuses)-1) + `)`
		for _, s := range p.Statuses {
			args = append(args, s)
		}
	}
	if !p.After.IsZero() {
		// A row value, which the (service or owner, received_at, id)
		// index serves as a range.
		where += ` AND (received_at, id) < (?, ?)`
		args = append(args, micros(p.After.At), p.After.ID)
	}
	args = append(args, n)
	out := []*storage.CaseRow{}
	err = e.querySQL(ctx, `SELECT `+caseCols+` FROM cases WHERE `+where+` ORDER BY received_at DESC, id DESC LIMIT ?`, func(rows *sql.Rows) error {
		c, err := scanCase(rows, false)
		if err == nil {
			out = append(out, c)
		}
		return err
	}, args...)
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
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := e.execSQL(ctx, `UPDATE cases SET status = ?, status_label = ?, updated_at = ? WHERE id = ? AND status = ?`,
		p.To, p.StatusLabel, micros(p.UpdatedAt), p.ID, p.From)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			return e.caseConflictOrNotFound(ctx, op, p.ID)
		}
	}
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
	if err := ctx.Err(); err != nil {
		return err
	}
	d := p.Document
	content := d.Content
	if content == nil {
		content = []byte{}
	}
	_, err := e.execSQL(ctx, qDocumentInsert,
		d.ID, d.CaseID, d.CaseID, d.Kind, d.Name, d.ContentType, d.Size, d.Digest, micros(d.CreatedAt), content)
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
	cols := `id, case_id, kind, name, content_type, size, digest, created_at`
	if p.WithContent {
		cols += `, content`
	}
	out := []*storage.DocumentRow{}
	err := e.querySQL(ctx, `SELECT `+cols+` FROM case_documents WHERE case_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var d storage.DocumentRow
		var created int64
		dest := []any{&d.ID, &d.CaseID, &d.Kind, &d.Name, &d.ContentType, &d.Size, &d.Digest, &created}
		if p.WithContent {
			dest = append(dest, &d.Content)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		d.CreatedAt = fromMicros(created)
		out = append(out, &d)
		return nil
	}, p.CaseID)
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
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(p.Flags) == 0 {
		return nil
	}
	for _, f := range p.Flags {
		if f.ID == "" || f.Path == "" {
			return invalid(op, "flag without id or path")
		}
	}
	// Positions continue after the flags the case already has; up to
	// maxFlagRows rows go in one statement (atomic on its own).
	if len(p.Flags) > maxFlagRows {
		// More rows than one prepared statement takes: insert in chunks,
		// all or nothing within a savepoint.
		return e.atomic(ctx, func(e *executor) error {
			for start := 0; start < len(p.Flags); start += maxFlagRows {
				if err := e.insertFlagRows(ctx, op, p.CaseID, p.Flags[start:min(start+maxFlagRows, len(p.Flags))]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return e.insertFlagRows(ctx, op, p.CaseID, p.Flags)
}

// maxFlagRows is the most rows of one flag insert statement; statements for
// 1 to maxFlagRows rows are prepared at Open.
const maxFlagRows = 16

// flagInserts holds flagInsertSQL(n) at n, for n from 1 to maxFlagRows.
var flagInserts = func() (q [maxFlagRows + 1]string) {
	for n := 1; n <= maxFlagRows; n++ {
		q[n] = flagInsertSQL(n)
	}
	return q
}()

// flagInsertSQL returns the insert of n flag rows, numbered after the
// flags the case has already: ?1 is the case ID, then seven parameters per
// row. Each row counts the case's flags in a subquery over the target
// table; an INSERT that reads its own table has SQLite materialise all its
// rows before it inserts any, so every count is the one before the
// statement and the rows are numbered count, count+1, ... (storagetest
// checks the order, across chunks too).
func flagInsertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO secrecy_flags (id, case_id, pos, document_id, path, kind, reason, osl, article9) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		p := 2 + 7*i
		fmt.Fprintf(&b, "(?%d, ?1, (SELECT count(*) FROM secrecy_flags WHERE case_id = ?1) + %d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d)",
			p, i, p+1, p+2, p+3, p+4, p+5, p+6)
	}
	return b.String()
}

// insertFlagRows inserts up to maxFlagRows flags of a case in one
// statement (so atomically).
func (e *executor) insertFlagRows(ctx context.Context, op, caseID string, flags []storage.FlagRow) error {
	args := make([]any, 1, 1+7*len(flags))
	args[0] = caseID
	for _, f := range flags {
		osl, _ := json.Marshal(nonNil(f.OSL))
		args = append(args, f.ID, f.DocumentID, f.Path, f.Kind, f.Reason, string(osl), f.Article9)
	}
	if _, err := e.execSQL(ctx, flagInserts[len(flags)], args...); err != nil {
		return fail(ctx, op, caseID, err)
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
	out := []*storage.FlagRow{}
	err := e.querySQL(ctx, `SELECT id, case_id, document_id, path, kind, reason, osl, article9 FROM secrecy_flags
		WHERE case_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var f storage.FlagRow
		var osl string
		if err := rows.Scan(&f.ID, &f.CaseID, &f.DocumentID, &f.Path, &f.Kind, &f.Reason, &osl, &f.Article9); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(osl), &f.OSL); err != nil {
			return err
		}
		if len(f.OSL) == 0 {
			f.OSL = nil
		}
		out = append(out, &f)
		return nil
	}, p.CaseID)
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
	if err := ctx.Err(); err != nil {
		return err
	}
	data := r.Data
	if data == nil {
		data = []byte{}
	}
	// One statement: the insert happens only when the log ends at Seq-1,
	// and the trigger audit_log_head (migration 0005) moves the case's
	// head in the same statement.
	res, err := e.execSQL(ctx, qAuditAppend,
		r.CaseID, r.Seq, micros(r.At), r.Actor, r.Event, data, r.PrevHash, r.Hash)
	if err != nil {
		return fail(ctx, op, r.CaseID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return e.caseConflictOrNotFound(ctx, op, r.CaseID)
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
	out := []*storage.AuditRow{}
	err := e.querySQL(ctx, `SELECT case_id, seq, at, actor, event, data, prev_hash, hash FROM audit_log WHERE case_id = ? ORDER BY seq`,
		func(rows *sql.Rows) error {
			var r storage.AuditRow
			var at int64
			if err := rows.Scan(&r.CaseID, &r.Seq, &at, &r.Actor, &r.Event, &r.Data, &r.PrevHash, &r.Hash); err != nil {
				return err
			}
			r.At = fromMicros(at)
			out = append(out, &r)
			return nil
		}, p.CaseID)
	if err != nil {
		return nil, fail(ctx, op, p.CaseID, err)
	}
	return out, nil
}
