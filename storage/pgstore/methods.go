// Code in this file only forwards the storage.Executor methods of *DB and of
// the transaction type to the shared executor.

package pgstore

import (
	"context"

	"github.com/etjanst/etjanst/storage"
)

// DraftInsert implements storage.Executor.DraftInsert, in a transaction of its own.
func (db *DB) DraftInsert(ctx context.Context, params *storage.DraftInsertParams) (*storage.DraftRow, error) {
	return db.ex.draftInsert(ctx, params)
}

func (t *tx) DraftInsert(ctx context.Context, params *storage.DraftInsertParams) (*storage.DraftRow, error) {
	return call(t, "draft insert", func(e *executor) (*storage.DraftRow, error) { return e.draftInsert(ctx, params) })
}

// DraftGet implements storage.Executor.DraftGet, in a transaction of its own.
func (db *DB) DraftGet(ctx context.Context, params *storage.DraftGetParams) (*storage.DraftRow, error) {
	return db.ex.draftGet(ctx, params)
}

func (t *tx) DraftGet(ctx context.Context, params *storage.DraftGetParams) (*storage.DraftRow, error) {
	return call(t, "draft get", func(e *executor) (*storage.DraftRow, error) { return e.draftGet(ctx, params) })
}

// DraftUpdate implements storage.Executor.DraftUpdate, in a transaction of its own.
func (db *DB) DraftUpdate(ctx context.Context, params *storage.DraftUpdateParams) (int64, error) {
	return db.ex.draftUpdate(ctx, params)
}

func (t *tx) DraftUpdate(ctx context.Context, params *storage.DraftUpdateParams) (int64, error) {
	return call(t, "draft update", func(e *executor) (int64, error) { return e.draftUpdate(ctx, params) })
}

// DraftList implements storage.Executor.DraftList, in a transaction of its own.
func (db *DB) DraftList(ctx context.Context, params *storage.DraftListParams) ([]*storage.DraftSummary, error) {
	return db.ex.draftList(ctx, params)
}

func (t *tx) DraftList(ctx context.Context, params *storage.DraftListParams) ([]*storage.DraftSummary, error) {
	return call(t, "draft list", func(e *executor) ([]*storage.DraftSummary, error) { return e.draftList(ctx, params) })
}

// DraftDelete implements storage.Executor.DraftDelete, in a transaction of its own.
func (db *DB) DraftDelete(ctx context.Context, params *storage.DraftDeleteParams) error {
	return db.ex.draftDelete(ctx, params)
}

func (t *tx) DraftDelete(ctx context.Context, params *storage.DraftDeleteParams) error {
	return call0(t, "draft delete", func(e *executor) error { return e.draftDelete(ctx, params) })
}

// DraftDeleteExpired implements storage.Executor.DraftDeleteExpired, in a transaction of its own.
func (db *DB) DraftDeleteExpired(ctx context.Context, params *storage.DraftDeleteExpiredParams) ([]string, error) {
	return db.ex.draftDeleteExpired(ctx, params)
}

func (t *tx) DraftDeleteExpired(ctx context.Context, params *storage.DraftDeleteExpiredParams) ([]string, error) {
	return call(t, "draft delete expired", func(e *executor) ([]string, error) { return e.draftDeleteExpired(ctx, params) })
}

// DraftListExpiring implements storage.Executor.DraftListExpiring, in a transaction of its own.
func (db *DB) DraftListExpiring(ctx context.Context, params *storage.DraftListExpiringParams) ([]*storage.DraftSummary, error) {
	return db.ex.draftListExpiring(ctx, params)
}

func (t *tx) DraftListExpiring(ctx context.Context, params *storage.DraftListExpiringParams) ([]*storage.DraftSummary, error) {
	return call(t, "draft list expiring", func(e *executor) ([]*storage.DraftSummary, error) { return e.draftListExpiring(ctx, params) })
}

// DraftMarkWarned implements storage.Executor.DraftMarkWarned, in a transaction of its own.
func (db *DB) DraftMarkWarned(ctx context.Context, params *storage.DraftMarkWarnedParams) error {
	return db.ex.draftMarkWarned(ctx, params)
}

func (t *tx) DraftMarkWarned(ctx context.Context, params *storage.DraftMarkWarnedParams) error {
	return call0(t, "draft mark warned", func(e *executor) error { return e.draftMarkWarned(ctx, params) })
}

// DraftListForReseal implements storage.Executor.DraftListForReseal, in a transaction of its own.
func (db *DB) DraftListForReseal(ctx context.Context, params *storage.DraftListForResealParams) ([]*storage.DraftRow, error) {
	return db.ex.draftListForReseal(ctx, params)
}

func (t *tx) DraftListForReseal(ctx context.Context, params *storage.DraftListForResealParams) ([]*storage.DraftRow, error) {
	return call(t, "draft list for reseal", func(e *executor) ([]*storage.DraftRow, error) { return e.draftListForReseal(ctx, params) })
}

// DraftReseal implements storage.Executor.DraftReseal, in a transaction of its own.
func (db *DB) DraftReseal(ctx context.Context, params *storage.DraftResealParams) error {
	return db.ex.draftReseal(ctx, params)
}

func (t *tx) DraftReseal(ctx context.Context, params *storage.DraftResealParams) error {
	return call0(t, "draft reseal", func(e *executor) error { return e.draftReseal(ctx, params) })
}

// AttachmentInsert implements storage.Executor.AttachmentInsert, in a transaction of its own.
func (db *DB) AttachmentInsert(ctx context.Context, params *storage.AttachmentInsertParams) (*storage.AttachmentRow, error) {
	return db.ex.attachmentInsert(ctx, params)
}

func (t *tx) AttachmentInsert(ctx context.Context, params *storage.AttachmentInsertParams) (*storage.AttachmentRow, error) {
	return call(t, "attachment insert", func(e *executor) (*storage.AttachmentRow, error) { return e.attachmentInsert(ctx, params) })
}

// AttachmentGet implements storage.Executor.AttachmentGet, in a transaction of its own.
func (db *DB) AttachmentGet(ctx context.Context, params *storage.AttachmentGetParams) (*storage.AttachmentRow, error) {
	return db.ex.attachmentGet(ctx, params)
}

func (t *tx) AttachmentGet(ctx context.Context, params *storage.AttachmentGetParams) (*storage.AttachmentRow, error) {
	return call(t, "attachment get", func(e *executor) (*storage.AttachmentRow, error) { return e.attachmentGet(ctx, params) })
}

// AttachmentList implements storage.Executor.AttachmentList, in a transaction of its own.
func (db *DB) AttachmentList(ctx context.Context, params *storage.AttachmentListParams) ([]*storage.AttachmentRow, error) {
	return db.ex.attachmentList(ctx, params)
}

func (t *tx) AttachmentList(ctx context.Context, params *storage.AttachmentListParams) ([]*storage.AttachmentRow, error) {
	return call(t, "attachment list", func(e *executor) ([]*storage.AttachmentRow, error) { return e.attachmentList(ctx, params) })
}

// AttachmentDelete implements storage.Executor.AttachmentDelete, in a transaction of its own.
func (db *DB) AttachmentDelete(ctx context.Context, params *storage.AttachmentDeleteParams) error {
	return db.ex.attachmentDelete(ctx, params)
}

func (t *tx) AttachmentDelete(ctx context.Context, params *storage.AttachmentDeleteParams) error {
	return call0(t, "attachment delete", func(e *executor) error { return e.attachmentDelete(ctx, params) })
}

// AttachmentListForReseal implements storage.Executor.AttachmentListForReseal, in a transaction of its own.
func (db *DB) AttachmentListForReseal(ctx context.Context, params *storage.AttachmentListForResealParams) ([]*storage.AttachmentRow, error) {
	return db.ex.attachmentListForReseal(ctx, params)
}

func (t *tx) AttachmentListForReseal(ctx context.Context, params *storage.AttachmentListForResealParams) ([]*storage.AttachmentRow, error) {
	return call(t, "attachment list for reseal", func(e *executor) ([]*storage.AttachmentRow, error) { return e.attachmentListForReseal(ctx, params) })
}

// AttachmentReseal implements storage.Executor.AttachmentReseal, in a transaction of its own.
func (db *DB) AttachmentReseal(ctx context.Context, params *storage.AttachmentResealParams) error {
	return db.ex.attachmentReseal(ctx, params)
}

func (t *tx) AttachmentReseal(ctx context.Context, params *storage.AttachmentResealParams) error {
	return call0(t, "attachment reseal", func(e *executor) error { return e.attachmentReseal(ctx, params) })
}

// ReferenceNext implements storage.CaseExecutor.ReferenceNext, in a transaction of its own.
func (db *DB) ReferenceNext(ctx context.Context, params *storage.ReferenceNextParams) (int64, error) {
	return db.ex.referenceNext(ctx, params)
}

func (t *tx) ReferenceNext(ctx context.Context, params *storage.ReferenceNextParams) (int64, error) {
	return call(t, "reference next", func(e *executor) (int64, error) { return e.referenceNext(ctx, params) })
}

// CaseInsert implements storage.CaseExecutor.CaseInsert, in a transaction of its own.
func (db *DB) CaseInsert(ctx context.Context, params *storage.CaseInsertParams) (*storage.CaseRow, error) {
	return db.ex.caseInsert(ctx, params)
}

func (t *tx) CaseInsert(ctx context.Context, params *storage.CaseInsertParams) (*storage.CaseRow, error) {
	return call(t, "case insert", func(e *executor) (*storage.CaseRow, error) { return e.caseInsert(ctx, params) })
}

// CaseGet implements storage.CaseExecutor.CaseGet, in a transaction of its own.
func (db *DB) CaseGet(ctx context.Context, params *storage.CaseGetParams) (*storage.CaseRow, error) {
	return db.ex.caseGet(ctx, params)
}

func (t *tx) CaseGet(ctx context.Context, params *storage.CaseGetParams) (*storage.CaseRow, error) {
	return call(t, "case get", func(e *executor) (*storage.CaseRow, error) { return e.caseGet(ctx, params) })
}

// CaseFind implements storage.CaseExecutor.CaseFind, in a transaction of its own.
func (db *DB) CaseFind(ctx context.Context, params *storage.CaseFindParams) (*storage.CaseRow, error) {
	return db.ex.caseFind(ctx, params)
}

func (t *tx) CaseFind(ctx context.Context, params *storage.CaseFindParams) (*storage.CaseRow, error) {
	return call(t, "case find", func(e *executor) (*storage.CaseRow, error) { return e.caseFind(ctx, params) })
}

// CaseList implements storage.CaseExecutor.CaseList, in a transaction of its own.
func (db *DB) CaseList(ctx context.Context, params *storage.CaseListParams) ([]*storage.CaseRow, error) {
	return db.ex.caseList(ctx, params)
}

func (t *tx) CaseList(ctx context.Context, params *storage.CaseListParams) ([]*storage.CaseRow, error) {
	return call(t, "case list", func(e *executor) ([]*storage.CaseRow, error) { return e.caseList(ctx, params) })
}

// CaseSetStatus implements storage.CaseExecutor.CaseSetStatus, in a transaction of its own.
func (db *DB) CaseSetStatus(ctx context.Context, params *storage.CaseSetStatusParams) error {
	return db.ex.caseSetStatus(ctx, params)
}

func (t *tx) CaseSetStatus(ctx context.Context, params *storage.CaseSetStatusParams) error {
	return call0(t, "case set status", func(e *executor) error { return e.caseSetStatus(ctx, params) })
}

// DocumentInsert implements storage.CaseExecutor.DocumentInsert, in a transaction of its own.
func (db *DB) DocumentInsert(ctx context.Context, params *storage.DocumentInsertParams) error {
	return db.ex.documentInsert(ctx, params)
}

func (t *tx) DocumentInsert(ctx context.Context, params *storage.DocumentInsertParams) error {
	return call0(t, "document insert", func(e *executor) error { return e.documentInsert(ctx, params) })
}

// DocumentList implements storage.CaseExecutor.DocumentList, in a transaction of its own.
func (db *DB) DocumentList(ctx context.Context, params *storage.DocumentListParams) ([]*storage.DocumentRow, error) {
	return db.ex.documentList(ctx, params)
}

func (t *tx) DocumentList(ctx context.Context, params *storage.DocumentListParams) ([]*storage.DocumentRow, error) {
	return call(t, "document list", func(e *executor) ([]*storage.DocumentRow, error) { return e.documentList(ctx, params) })
}

// FlagInsert implements storage.CaseExecutor.FlagInsert, in a transaction of its own.
func (db *DB) FlagInsert(ctx context.Context, params *storage.FlagInsertParams) error {
	return db.ex.flagInsert(ctx, params)
}

func (t *tx) FlagInsert(ctx context.Context, params *storage.FlagInsertParams) error {
	return call0(t, "flag insert", func(e *executor) error { return e.flagInsert(ctx, params) })
}

// FlagList implements storage.CaseExecutor.FlagList, in a transaction of its own.
func (db *DB) FlagList(ctx context.Context, params *storage.FlagListParams) ([]*storage.FlagRow, error) {
	return db.ex.flagList(ctx, params)
}

func (t *tx) FlagList(ctx context.Context, params *storage.FlagListParams) ([]*storage.FlagRow, error) {
	return call(t, "flag list", func(e *executor) ([]*storage.FlagRow, error) { return e.flagList(ctx, params) })
}

// AuditAppend implements storage.CaseExecutor.AuditAppend, in a transaction of its own.
func (db *DB) AuditAppend(ctx context.Context, params *storage.AuditAppendParams) error {
	return db.ex.auditAppend(ctx, params)
}

func (t *tx) AuditAppend(ctx context.Context, params *storage.AuditAppendParams) error {
	return call0(t, "audit append", func(e *executor) error { return e.auditAppend(ctx, params) })
}

// AuditList implements storage.CaseExecutor.AuditList, in a transaction of its own.
func (db *DB) AuditList(ctx context.Context, params *storage.AuditListParams) ([]*storage.AuditRow, error) {
	return db.ex.auditList(ctx, params)
}

func (t *tx) AuditList(ctx context.Context, params *storage.AuditListParams) ([]*storage.AuditRow, error) {
	return call(t, "audit list", func(e *executor) ([]*storage.AuditRow, error) { return e.auditList(ctx, params) })
}

// DisclosureInsert implements storage.DisclosureExecutor.DisclosureInsert, in a transaction of its own.
func (db *DB) DisclosureInsert(ctx context.Context, params *storage.DisclosureInsertParams) error {
	return db.ex.disclosureInsert(ctx, params)
}

func (t *tx) DisclosureInsert(ctx context.Context, params *storage.DisclosureInsertParams) error {
	return call0(t, "disclosure insert", func(e *executor) error { return e.disclosureInsert(ctx, params) })
}

// DisclosureGet implements storage.DisclosureExecutor.DisclosureGet, in a transaction of its own.
func (db *DB) DisclosureGet(ctx context.Context, params *storage.DisclosureGetParams) (*storage.DisclosureRow, error) {
	return db.ex.disclosureGet(ctx, params)
}

func (t *tx) DisclosureGet(ctx context.Context, params *storage.DisclosureGetParams) (*storage.DisclosureRow, error) {
	return call(t, "disclosure get", func(e *executor) (*storage.DisclosureRow, error) { return e.disclosureGet(ctx, params) })
}

// DisclosureList implements storage.DisclosureExecutor.DisclosureList, in a transaction of its own.
func (db *DB) DisclosureList(ctx context.Context, params *storage.DisclosureListParams) ([]*storage.DisclosureRow, error) {
	return db.ex.disclosureList(ctx, params)
}

func (t *tx) DisclosureList(ctx context.Context, params *storage.DisclosureListParams) ([]*storage.DisclosureRow, error) {
	return call(t, "disclosure list", func(e *executor) ([]*storage.DisclosureRow, error) { return e.disclosureList(ctx, params) })
}

// DisclosureDecide implements storage.DisclosureExecutor.DisclosureDecide, in a transaction of its own.
func (db *DB) DisclosureDecide(ctx context.Context, params *storage.DisclosureDecideParams) error {
	return db.ex.disclosureDecide(ctx, params)
}

func (t *tx) DisclosureDecide(ctx context.Context, params *storage.DisclosureDecideParams) error {
	return call0(t, "disclosure decide", func(e *executor) error { return e.disclosureDecide(ctx, params) })
}

// DisclosureDecisions implements storage.DisclosureExecutor.DisclosureDecisions, in a transaction of its own.
func (db *DB) DisclosureDecisions(ctx context.Context, params *storage.DisclosureDecisionsParams) ([]*storage.DisclosureDecisionRow, error) {
	return db.ex.disclosureDecisions(ctx, params)
}

func (t *tx) DisclosureDecisions(ctx context.Context, params *storage.DisclosureDecisionsParams) ([]*storage.DisclosureDecisionRow, error) {
	return call(t, "disclosure decisions", func(e *executor) ([]*storage.DisclosureDecisionRow, error) { return e.disclosureDecisions(ctx, params) })
}

// DisclosureFinish implements storage.DisclosureExecutor.DisclosureFinish, in a transaction of its own.
func (db *DB) DisclosureFinish(ctx context.Context, params *storage.DisclosureFinishParams) error {
	return db.ex.disclosureFinish(ctx, params)
}

func (t *tx) DisclosureFinish(ctx context.Context, params *storage.DisclosureFinishParams) error {
	return call0(t, "disclosure finish", func(e *executor) error { return e.disclosureFinish(ctx, params) })
}

// OutboxInsert implements storage.OutboxExecutor.OutboxInsert, in a transaction of its own.
func (db *DB) OutboxInsert(ctx context.Context, params *storage.OutboxInsertParams) (bool, error) {
	return db.ex.outboxInsert(ctx, params)
}

func (t *tx) OutboxInsert(ctx context.Context, params *storage.OutboxInsertParams) (bool, error) {
	return call(t, "outbox insert", func(e *executor) (bool, error) { return e.outboxInsert(ctx, params) })
}

// OutboxClaim implements storage.OutboxExecutor.OutboxClaim, in a transaction of its own.
func (db *DB) OutboxClaim(ctx context.Context, params *storage.OutboxClaimParams) ([]*storage.OutboxRow, error) {
	return db.ex.outboxClaim(ctx, params)
}

func (t *tx) OutboxClaim(ctx context.Context, params *storage.OutboxClaimParams) ([]*storage.OutboxRow, error) {
	return call(t, "outbox claim", func(e *executor) ([]*storage.OutboxRow, error) { return e.outboxClaim(ctx, params) })
}

// OutboxAck implements storage.OutboxExecutor.OutboxAck, in a transaction of its own.
func (db *DB) OutboxAck(ctx context.Context, params *storage.OutboxAckParams) error {
	return db.ex.outboxAck(ctx, params)
}

func (t *tx) OutboxAck(ctx context.Context, params *storage.OutboxAckParams) error {
	return call0(t, "outbox ack", func(e *executor) error { return e.outboxAck(ctx, params) })
}

// OutboxRetry implements storage.OutboxExecutor.OutboxRetry, in a transaction of its own.
func (db *DB) OutboxRetry(ctx context.Context, params *storage.OutboxRetryParams) error {
	return db.ex.outboxRetry(ctx, params)
}

func (t *tx) OutboxRetry(ctx context.Context, params *storage.OutboxRetryParams) error {
	return call0(t, "outbox retry", func(e *executor) error { return e.outboxRetry(ctx, params) })
}

// OutboxDead implements storage.OutboxExecutor.OutboxDead, in a transaction of its own.
func (db *DB) OutboxDead(ctx context.Context, params *storage.OutboxDeadParams) error {
	return db.ex.outboxDead(ctx, params)
}

func (t *tx) OutboxDead(ctx context.Context, params *storage.OutboxDeadParams) error {
	return call0(t, "outbox dead", func(e *executor) error { return e.outboxDead(ctx, params) })
}

// OutboxRelease implements storage.OutboxExecutor.OutboxRelease, in a transaction of its own.
func (db *DB) OutboxRelease(ctx context.Context, params *storage.OutboxReleaseParams) (int, error) {
	return db.ex.outboxRelease(ctx, params)
}

func (t *tx) OutboxRelease(ctx context.Context, params *storage.OutboxReleaseParams) (int, error) {
	return call(t, "outbox release", func(e *executor) (int, error) { return e.outboxRelease(ctx, params) })
}

// OutboxGet implements storage.OutboxExecutor.OutboxGet, in a transaction of its own.
func (db *DB) OutboxGet(ctx context.Context, params *storage.OutboxGetParams) (*storage.OutboxRow, error) {
	return db.ex.outboxGet(ctx, params)
}

func (t *tx) OutboxGet(ctx context.Context, params *storage.OutboxGetParams) (*storage.OutboxRow, error) {
	return call(t, "outbox get", func(e *executor) (*storage.OutboxRow, error) { return e.outboxGet(ctx, params) })
}

// OutboxListDead implements storage.OutboxExecutor.OutboxListDead, in a transaction of its own.
func (db *DB) OutboxListDead(ctx context.Context, params *storage.OutboxListDeadParams) ([]*storage.OutboxRow, error) {
	return db.ex.outboxListDead(ctx, params)
}

func (t *tx) OutboxListDead(ctx context.Context, params *storage.OutboxListDeadParams) ([]*storage.OutboxRow, error) {
	return call(t, "outbox list dead", func(e *executor) ([]*storage.OutboxRow, error) { return e.outboxListDead(ctx, params) })
}

// OutboxRequeue implements storage.OutboxExecutor.OutboxRequeue, in a transaction of its own.
func (db *DB) OutboxRequeue(ctx context.Context, params *storage.OutboxRequeueParams) error {
	return db.ex.outboxRequeue(ctx, params)
}

func (t *tx) OutboxRequeue(ctx context.Context, params *storage.OutboxRequeueParams) error {
	return call0(t, "outbox requeue", func(e *executor) error { return e.outboxRequeue(ctx, params) })
}

// OutboxPurge implements storage.OutboxExecutor.OutboxPurge, in a transaction of its own.
func (db *DB) OutboxPurge(ctx context.Context, params *storage.OutboxPurgeParams) (int, error) {
	return db.ex.outboxPurge(ctx, params)
}

func (t *tx) OutboxPurge(ctx context.Context, params *storage.OutboxPurgeParams) (int, error) {
	return call(t, "outbox purge", func(e *executor) (int, error) { return e.outboxPurge(ctx, params) })
}

// InboxInsert implements storage.InboxExecutor.InboxInsert, in a transaction of its own.
func (db *DB) InboxInsert(ctx context.Context, params *storage.InboxInsertParams) error {
	return db.ex.inboxInsert(ctx, params)
}

func (t *tx) InboxInsert(ctx context.Context, params *storage.InboxInsertParams) error {
	return call0(t, "inbox insert", func(e *executor) error { return e.inboxInsert(ctx, params) })
}

// InboxGet implements storage.InboxExecutor.InboxGet, in a transaction of its own.
func (db *DB) InboxGet(ctx context.Context, params *storage.InboxGetParams) (*storage.InboxRow, error) {
	return db.ex.inboxGet(ctx, params)
}

func (t *tx) InboxGet(ctx context.Context, params *storage.InboxGetParams) (*storage.InboxRow, error) {
	return call(t, "inbox get", func(e *executor) (*storage.InboxRow, error) { return e.inboxGet(ctx, params) })
}

// InboxList implements storage.InboxExecutor.InboxList, in a transaction of its own.
func (db *DB) InboxList(ctx context.Context, params *storage.InboxListParams) ([]*storage.InboxRow, error) {
	return db.ex.inboxList(ctx, params)
}

func (t *tx) InboxList(ctx context.Context, params *storage.InboxListParams) ([]*storage.InboxRow, error) {
	return call(t, "inbox list", func(e *executor) ([]*storage.InboxRow, error) { return e.inboxList(ctx, params) })
}

// InboxUnreadCount implements storage.InboxExecutor.InboxUnreadCount, in a transaction of its own.
func (db *DB) InboxUnreadCount(ctx context.Context, params *storage.InboxUnreadCountParams) (int, error) {
	return db.ex.inboxUnreadCount(ctx, params)
}

func (t *tx) InboxUnreadCount(ctx context.Context, params *storage.InboxUnreadCountParams) (int, error) {
	return call(t, "inbox unread count", func(e *executor) (int, error) { return e.inboxUnreadCount(ctx, params) })
}

// InboxMarkRead implements storage.InboxExecutor.InboxMarkRead, in a transaction of its own.
func (db *DB) InboxMarkRead(ctx context.Context, params *storage.InboxMarkReadParams) error {
	return db.ex.inboxMarkRead(ctx, params)
}

func (t *tx) InboxMarkRead(ctx context.Context, params *storage.InboxMarkReadParams) error {
	return call0(t, "inbox mark read", func(e *executor) error { return e.inboxMarkRead(ctx, params) })
}

// ContactUpsert implements storage.ContactExecutor.ContactUpsert, in a transaction of its own.
func (db *DB) ContactUpsert(ctx context.Context, params *storage.ContactUpsertParams) (*storage.ContactRow, error) {
	return db.ex.contactUpsert(ctx, params)
}

func (t *tx) ContactUpsert(ctx context.Context, params *storage.ContactUpsertParams) (*storage.ContactRow, error) {
	return call(t, "contact upsert", func(e *executor) (*storage.ContactRow, error) { return e.contactUpsert(ctx, params) })
}

// ContactGet implements storage.ContactExecutor.ContactGet, in a transaction of its own.
func (db *DB) ContactGet(ctx context.Context, params *storage.ContactGetParams) (*storage.ContactRow, error) {
	return db.ex.contactGet(ctx, params)
}

func (t *tx) ContactGet(ctx context.Context, params *storage.ContactGetParams) (*storage.ContactRow, error) {
	return call(t, "contact get", func(e *executor) (*storage.ContactRow, error) { return e.contactGet(ctx, params) })
}

// ContactDelete implements storage.ContactExecutor.ContactDelete, in a transaction of its own.
func (db *DB) ContactDelete(ctx context.Context, params *storage.ContactDeleteParams) error {
	return db.ex.contactDelete(ctx, params)
}

func (t *tx) ContactDelete(ctx context.Context, params *storage.ContactDeleteParams) error {
	return call0(t, "contact delete", func(e *executor) error { return e.contactDelete(ctx, params) })
}
