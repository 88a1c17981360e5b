package storage

import (
	"context"
	"errors"
	"time"
)

// CaseExecutor holds the operations on registered cases (inkomna
// handlingar): the case row with its immutable record, its documents, its
// secrecy flags, its hash-chained audit log and the yearly reference
// sequence. It is part of Executor.
//
// Access control for cases is decided in the submission package: officers
// read cases of the e-services they handle, applicants their own. Methods
// that take an Owner treat another owner's case as missing (ErrNotFound);
// methods without one are for officers' and internal paths.
//
// Every method returns ErrInvalid for malformed params (nil params, a zero
// time where one is required, and what each method names), never panics,
// and changes nothing then. Malformed means: CaseInsert with an empty ID,
// reference, owner, service, draft ID, status, digest or record, or a Year
// or Seq below 1; DocumentInsert with an empty document ID, case ID or
// kind, or a negative size; FlagInsert with a flag without ID or path;
// AuditAppend with an empty case ID, event or hash, or Seq below 1;
// CaseSetStatus with an empty To; CaseList with neither or both of Owner
// and Service.
type CaseExecutor interface {
	// ReferenceNext allocates the next number of the sequence (Prefix,
	// Year), starting at 1. Inside a transaction the number is gap-free:
	// it is only used when the transaction commits, and a rolled-back
	// transaction gives its number back.
	//
	// Concurrency: concurrent transactions get distinct numbers.
	// Errors: ErrInvalid when Year is not positive.
	ReferenceNext(ctx context.Context, params *ReferenceNextParams) (int64, error)

	// CaseInsert stores a new case, and with params.Audit its first audit
	// entry, all or nothing: the returned row then has that entry as its
	// audit head. Errors: ErrConflict when the ID, the reference, the
	// draft ID or (owner, idempotency key) is already used; ErrInvalid
	// when a required field is empty or zero, or Audit is not an entry 1
	// of this case.
	CaseInsert(ctx context.Context, params *CaseInsertParams) (*CaseRow, error)

	// CaseGet returns a case with its record. When params.Owner is set the
	// case must belong to it. Errors: ErrNotFound.
	CaseGet(ctx context.Context, params *CaseGetParams) (*CaseRow, error)

	// CaseFind returns the case registered from a draft (DraftID), by an
	// owner's idempotency key (Owner and IdempotencyKey), or by its
	// Reference. Errors: ErrNotFound; ErrInvalid when no lookup is given.
	CaseFind(ctx context.Context, params *CaseFindParams) (*CaseRow, error)

	// CaseList returns up to Limit cases without their records, newest
	// ReceivedAt first (by ID, descending, among cases received at the
	// same time): an owner's (Owner) or an e-service's (Service),
	// optionally only those with one of Statuses, and only those after
	// params.After when it is set. Errors: ErrInvalid when neither Owner
	// nor Service is set, or After has only one of its fields.
	CaseList(ctx context.Context, params *CaseListParams) ([]*CaseRow, error)

	// CaseSetStatus moves a case from one status to another, atomically:
	// ErrConflict when its status is no longer params.From. The record is
	// never changed. Errors: ErrNotFound.
	CaseSetStatus(ctx context.Context, params *CaseSetStatusParams) error

	// DocumentInsert stores a document of a case (the application, an
	// attachment, a complement). Documents never change. Errors:
	// ErrNotFound when the case does not exist; ErrConflict for a used ID.
	DocumentInsert(ctx context.Context, params *DocumentInsertParams) error

	// DocumentList returns the documents of a case in insertion order,
	// with their content only when params.WithContent.
	DocumentList(ctx context.Context, params *DocumentListParams) ([]*DocumentRow, error)

	// FlagInsert stores secrecy flags of a case. Errors: ErrNotFound when
	// the case does not exist.
	FlagInsert(ctx context.Context, params *FlagInsertParams) error

	// FlagList returns the flags of a case in insertion order.
	FlagList(ctx context.Context, params *FlagListParams) ([]*FlagRow, error)

	// AuditAppend appends an entry to a case's audit log when the log's
	// last sequence number is still params.Seq-1 and records its hash as
	// the case's audit head, atomically. The hash chain itself is computed
	// by the caller. Errors: ErrConflict when another entry took Seq;
	// ErrNotFound when the case does not exist.
	AuditAppend(ctx context.Context, params *AuditAppendParams) error

	// AuditList returns a case's audit entries in sequence order.
	AuditList(ctx context.Context, params *AuditListParams) ([]*AuditRow, error)
}

// CaseRow is one registered case.
type CaseRow struct {
	ID string
	// Reference is the registration number (diarienummer), e.g.
	// "ETJ 2026/000042"; Prefix, Year and Seq are its parts.
	Reference string
	Prefix    string
	Year      int
	Seq       int64
	// Service is the e-service (form ID); FormVersion the version used.
	Service     string
	FormVersion int
	// Owner is the opaque owner key of the applicant (actor, party).
	Owner string
	// DraftID is the draft the case was submitted from.
	DraftID        string
	IdempotencyKey string
	// Status is the lifecycle status, StatusLabel the e-service's own.
	Status      string
	StatusLabel string
	// SubjectLine (ärendemening) never carries secret content.
	SubjectLine string
	ReceivedAt  time.Time
	UpdatedAt   time.Time
	// Digest is the SHA-256 over Record.
	Digest []byte
	// Record is the canonical encoding of the registered record; nil in
	// CaseList results.
	Record []byte
	// Manifest is the review manifest (secrecy flags summary) as JSON.
	Manifest []byte
	// AuditSeq and AuditHead are the last audit entry's number and hash.
	AuditSeq  int64
	AuditHead []byte
}

// ReferenceNextParams are the params of ReferenceNext.
type ReferenceNextParams struct {
	Prefix string
	Year   int
}

// CaseInsertParams are the params of CaseInsert. Every field of CaseRow but
// UpdatedAt (set to ReceivedAt) and the audit fields (empty until the first
// AuditAppend).
type CaseInsertParams struct {
	ID, Reference, Prefix string
	Year                  int
	Seq                   int64
	Service               string
	FormVersion           int
	Owner                 string
	DraftID               string
	IdempotencyKey        string
	Status, StatusLabel   string
	SubjectLine           string
	ReceivedAt            time.Time
	Digest                []byte
	Record                []byte
	Manifest              []byte
	// Audit, when set, is the case's first audit entry (Seq 1, CaseID
	// the case's ID or empty), stored with the case as AuditAppend would
	// store it; on PostgreSQL case and entry go in in one statement, one
	// round trip less in the submit transaction.
	Audit *AuditRow
}

// CheckFirstAudit reports what is wrong with p.Audit, for drivers: nil is
// fine; otherwise it must be entry 1 of the case (CaseID empty or p.ID)
// with a time, an event and a hash.
func CheckFirstAudit(p *CaseInsertParams) error {
	a := p.Audit
	switch {
	case a == nil:
		return nil
	case a.CaseID != "" && a.CaseID != p.ID:
		return errors.New("audit entry of another case")
	case a.Seq != 1:
		return errors.New("first audit entry not numbered 1")
	case a.At.IsZero() || a.Event == "" || len(a.Hash) == 0:
		return errors.New("audit entry without time, event or hash")
	}
	return nil
}

// CaseGetParams are the params of CaseGet.
type CaseGetParams struct {
	ID string
	// Owner, when set, must match the case's owner.
	Owner string
}

// CaseFindParams are the params of CaseFind: DraftID, Owner with
// IdempotencyKey, or Reference (the first given is used).
type CaseFindParams struct {
	DraftID        string
	Owner          string
	IdempotencyKey string
	Reference      string
}

// CaseListParams are the params of CaseList: Owner or Service.
type CaseListParams struct {
	Owner    string
	Service  string
	Statuses []string
	// After continues a listing where an earlier page ended: give the
	// ReceivedAt and ID of its last case, and only the cases that follow
	// it in the listing's order are returned. Cases registered meanwhile
	// (newer than the first page) never shift the pages that follow.
	// The zero value starts with the newest.
	After Cursor
	Limit int
}

// CaseSetStatusParams are the params of CaseSetStatus.
type CaseSetStatusParams struct {
	ID          string
	From        string
	To          string
	StatusLabel string
	UpdatedAt   time.Time
}

// DocumentRow is one document of a case.
type DocumentRow struct {
	ID     string
	CaseID string
	// Kind is "application", "attachment", "complement", "message", ...
	Kind string
	// Name and ContentType describe attachments.
	Name        string
	ContentType string
	Size        int64
	// Digest is the SHA-256 of Content.
	Digest    []byte
	Content   []byte
	CreatedAt time.Time
}

// DocumentInsertParams are the params of DocumentInsert.
type DocumentInsertParams struct {
	Document DocumentRow
}

// DocumentListParams are the params of DocumentList.
type DocumentListParams struct {
	CaseID      string
	WithContent bool
}

// FlagRow is one secrecy flag: a value (or the whole record) that a
// secrecy review must decide on before disclosure.
type FlagRow struct {
	ID         string
	CaseID     string
	DocumentID string
	// Path locates the value: a field path, "attachment:<id>" or "*" for
	// the whole record.
	Path string
	// Kind is the sensitivity kind; Reason why it was flagged.
	Kind     string
	Reason   string
	OSL      []string
	Article9 bool
}

// FlagInsertParams are the params of FlagInsert.
type FlagInsertParams struct {
	CaseID string
	Flags  []FlagRow
}

// FlagListParams are the params of FlagList.
type FlagListParams struct{ CaseID string }

// AuditRow is one entry of a case's audit log.
type AuditRow struct {
	CaseID   string
	Seq      int64
	At       time.Time
	Actor    string
	Event    string
	Data     []byte
	PrevHash []byte
	Hash     []byte
}

// AuditAppendParams are the params of AuditAppend.
type AuditAppendParams struct {
	Entry AuditRow
}

// AuditListParams are the params of AuditList.
type AuditListParams struct{ CaseID string }
