package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Column lists, in table order. The payload is read only where the contract
// asks for it.
const (
	draftSummaryCols = `id, owner, form_id, form_version, revision, step, completed_steps, progress, key_id,
		created_at, updated_at, expires_at, warned_at, attachment_count, attachment_bytes`
	draftRowCols      = draftSummaryCols + `, payload`
	attachmentNoBody  = `id, draft_id, owner, field_path, content_type, size, sha256, key_id, created_at`
	attachmentRowCols = attachmentNoBody + `, payload`
)

type stmtID int

const (
	sDraftInsert stmtID = iota
	sDraftGet
	sDraftUpdate
	sDraftRevision
	sDraftRevisionByID
	sDraftList
	sDraftDelete
	sDraftDeleteExpired
	sDraftListExpiring
	sDraftMarkWarned
	sDraftListForReseal
	sDraftReseal
	sAttachmentCount
	sAttachmentUncount
	sAttachmentInsert
	sAttachmentGet
	sAttachmentList
	sAttachmentDelete
	sAttachmentListForReseal
	sAttachmentReseal
	sAttachmentKeyByID
	// Notifications (outbox.go, inbox.go, contact.go).
	sOutboxInsert
	sOutboxClaim
	sOutboxAck
	sOutboxRetry
	sOutboxDead
	sOutboxReleaseAll
	sOutboxReleaseIDs
	sOutboxGet
	sOutboxExists
	sOutboxListDead
	sOutboxRequeue
	sOutboxPurge
	sOutboxPurgeDead
	sInboxInsert
	sInboxGet
	sInboxList
	sInboxListUnread
	sInboxUnread
	sInboxMarkRead
	sContactUpsert
	sContactGet
	sContactDelete
	numStmts
)

// stmtDef is one statement; read statements are also prepared on the read
// pool and run there outside a transaction.
type stmtDef struct {
	read bool
	sql  string
}

var stmtDefs = [numStmts]stmtDef{
	sDraftInsert: {sql: `INSERT INTO drafts (id, owner, form_id, form_version, revision, step, completed_steps, progress,
		key_id, created_at, updated_at, expires_at, warned_at, attachment_count, attachment_bytes, payload)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, ?)`},
	sDraftGet: {read: true, sql: `SELECT ` + draftRowCols + ` FROM drafts WHERE id = ? AND owner = ?`},
	sDraftUpdate: {sql: `UPDATE drafts SET form_version = ?, revision = revision + 1, step = ?, completed_steps = ?,
		progress = ?, key_id = ?, updated_at = ?, expires_at = ?, warned_at = NULL, payload = ?
		WHERE id = ? AND owner = ? AND revision = ?`},
	sDraftRevision:     {read: true, sql: `SELECT revision FROM drafts WHERE id = ? AND owner = ?`},
	sDraftRevisionByID: {read: true, sql: `SELECT revision FROM drafts WHERE id = ?`},
	sDraftList: {read: true, sql: `SELECT ` + draftSummaryCols + ` FROM drafts WHERE owner = ?
		ORDER BY updated_at DESC, id DESC LIMIT ?`},
	sDraftDelete: {sql: `DELETE FROM drafts WHERE id = ?1 AND owner = ?2 AND (?3 = 0 OR revision = ?3) AND (?4 IS NULL OR payload = ?4)`},
	sDraftDeleteExpired: {sql: `DELETE FROM drafts WHERE id IN (
		SELECT id FROM drafts WHERE expires_at <= ? ORDER BY expires_at, id LIMIT ?) RETURNING id`},
	sDraftListExpiring: {read: true, sql: `SELECT ` + draftSummaryCols + ` FROM drafts
		WHERE expires_at > ? AND expires_at <= ? AND warned_at IS NULL ORDER BY expires_at, id LIMIT ?`},
	sDraftMarkWarned: {sql: `UPDATE drafts SET warned_at = ?1 WHERE id = ?2 AND (?3 = 0 OR revision = ?3)`},
	sDraftListForReseal: {read: true, sql: `SELECT ` + draftRowCols + ` FROM drafts
		WHERE key_id <> ? AND id > ? ORDER BY id LIMIT ?`},
	sDraftReseal: {sql: `UPDATE drafts SET key_id = ?, payload = ? WHERE id = ? AND revision = ?`},
	sAttachmentCount: {sql: `UPDATE drafts SET attachment_count = attachment_count + 1,
		attachment_bytes = attachment_bytes + ?1
		WHERE id = ?2 AND owner = ?3
		AND (?4 <= 0 OR attachment_count + 1 <= ?4)
		AND (?5 <= 0 OR attachment_bytes + ?1 <= ?5)`},
	sAttachmentUncount: {sql: `UPDATE drafts SET attachment_count = attachment_count - 1,
		attachment_bytes = attachment_bytes - ? WHERE id = ?`},
	sAttachmentInsert: {sql: `INSERT INTO attachments (` + attachmentRowCols + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
	sAttachmentGet: {read: true, sql: `SELECT ` + attachmentRowCols + ` FROM attachments
		WHERE id = ? AND draft_id = ? AND owner = ?`},
	sAttachmentList: {read: true, sql: `SELECT ` + attachmentNoBody + ` FROM attachments
		WHERE draft_id = ? AND owner = ? ORDER BY created_at, id`},
	sAttachmentDelete: {sql: `DELETE FROM attachments WHERE id = ? AND draft_id = ? AND owner = ? RETURNING size`},
	sAttachmentListForReseal: {read: true, sql: `SELECT ` + attachmentRowCols + ` FROM attachments
		WHERE key_id <> ? AND id > ? ORDER BY id LIMIT ?`},
	sAttachmentReseal:  {sql: `UPDATE attachments SET key_id = ?, payload = ? WHERE id = ? AND key_id = ?`},
	sAttachmentKeyByID: {read: true, sql: `SELECT key_id FROM attachments WHERE id = ?`},
	// Notifications: the SQL is beside the code that runs it.
	sOutboxInsert:     {sql: outboxInsertSQL},
	sOutboxClaim:      {sql: outboxClaimSQL},
	sOutboxAck:        {sql: outboxAckSQL},
	sOutboxRetry:      {sql: outboxRetrySQL},
	sOutboxDead:       {sql: outboxDeadSQL},
	sOutboxReleaseAll: {sql: outboxReleaseAllSQL},
	sOutboxReleaseIDs: {sql: outboxReleaseIDsSQL},
	sOutboxGet:        {read: true, sql: outboxGetSQL},
	sOutboxExists:     {read: true, sql: outboxExistsSQL},
	sOutboxListDead:   {read: true, sql: outboxListDeadSQL},
	sOutboxRequeue:    {sql: outboxRequeueSQL},
	sOutboxPurge:      {sql: outboxPurgeSQL},
	sOutboxPurgeDead:  {sql: outboxPurgeDeadSQL},
	sInboxInsert:      {sql: inboxInsertSQL},
	sInboxGet:         {read: true, sql: inboxGetSQL},
	sInboxList:        {read: true, sql: inboxListSQL},
	sInboxListUnread:  {read: true, sql: inboxListUnreadSQL},
	sInboxUnread:      {read: true, sql: inboxUnreadSQL},
	sInboxMarkRead:    {sql: inboxMarkReadSQL},
	sContactUpsert:    {sql: contactUpsertSQL},
	sContactGet:       {read: true, sql: contactGetSQL},
	sContactDelete:    {sql: contactDeleteSQL},
}

// stmts holds the statements prepared on one pool (writer or readers).
type stmts struct {
	s [numStmts]*sql.Stmt
}

// prepare prepares every statement on db, or only the read ones when
// readOnly is set.
func prepare(ctx context.Context, db *sql.DB, readOnly bool) (*stmts, error) {
	st := &stmts{}
	for id, def := range stmtDefs {
		if readOnly && !def.read {
			continue
		}
		s, err := db.PrepareContext(ctx, def.sql)
		if err != nil {
			_ = st.close()
			return nil, fmt.Errorf("sqlitestore: prepare statement %d: %w", id, interpretError(ctx, err))
		}
		st.s[id] = s
	}
	return st, nil
}

func (st *stmts) close() error {
	var errs []error
	for _, s := range st.s {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}
