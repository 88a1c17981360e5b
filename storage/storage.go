package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Drivers return them (possibly wrapped) so that callers can
// branch with errors.Is regardless of the database underneath.
var (
	// ErrNotFound means the row does not exist or belongs to another owner.
	// The two cases are deliberately indistinguishable.
	ErrNotFound = errors.New("storage: not found")

	// ErrConflict means a write lost a race or repeated a key: a duplicate
	// ID on insert, or a stale expected revision on update or reseal.
	ErrConflict = errors.New("storage: conflict")

	// ErrInvalid means the params were malformed: nil params, an empty ID
	// or owner, a limit out of range or a missing required time. It is a
	// programming error in the caller.
	ErrInvalid = errors.New("storage: invalid params")

	// ErrLimit means an attachment insert would take its draft over the
	// caps the caller passed in AttachmentInsertParams.
	ErrLimit = errors.New("storage: limit exceeded")

	// ErrTxDone means a method was called on a Tx that has already been
	// committed or rolled back.
	ErrTxDone = errors.New("storage: transaction already committed or rolled back")
)

// Limits on the Limit field of the list and batch params.
const (
	// DefaultLimit is used when a params struct leaves Limit at zero.
	DefaultLimit = 100
	// MaxLimit is the largest Limit a driver accepts; more is ErrInvalid.
	MaxLimit = 10000
)

// Driver is a database holding etjanst rows. Methods called directly on a
// Driver each run in their own transaction; use Begin or WithTx to group
// several into one.
//
// A Driver is safe for concurrent use. Do not implement it outside this
// module: the interface grows with every feature until the PostgreSQL driver
// ships.
type Driver interface {
	Executor

	// Begin starts a read-write transaction. On SQLite it takes the write
	// lock immediately (BEGIN IMMEDIATE), so a transaction never fails
	// half-way with a lock upgrade error; keep transactions short, since
	// they serialise all writers. The ctx governs the whole transaction:
	// when it ends before Commit, the transaction is rolled back.
	//
	// Errors: ctx.Err() when the context is done; otherwise a driver error.
	Begin(ctx context.Context) (Tx, error)

	// Close releases the driver's connections. Calls after Close fail.
	// Close does not wait for transactions still open; finish them first.
	Close() error
}

// Tx is a read-write transaction. Its Executor methods read the
// transaction's own uncommitted writes. A Tx must be used by one goroutine at
// a time and ended with exactly one Commit or Rollback.
type Tx interface {
	Executor

	// Commit makes the transaction's writes durable (as durable as the
	// driver's settings promise). Errors: ErrTxDone when already ended;
	// ctx.Err() when the Begin ctx ended; otherwise a driver error, in
	// which case nothing was written.
	Commit() error

	// Rollback discards the transaction's writes. It returns nil when the
	// transaction has already been committed or rolled back, so it is safe
	// to defer.
	Rollback() error
}

// WithTx runs fn inside a transaction on d. It commits when fn returns nil
// and rolls back when fn returns an error or panics; a panic is re-raised
// after the rollback. The error from fn is returned unchanged (so errors.Is
// works on it); a Begin or Commit failure is returned wrapped.
//
// fn must not keep tx after it returns, and must not start goroutines that
// use tx.
func WithTx(ctx context.Context, d Driver, fn func(ctx context.Context, tx Tx) error) (err error) {
	if d == nil || fn == nil {
		return fmt.Errorf("storage: with tx: nil driver or func: %w", ErrInvalid)
	}
	tx, err := d.Begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		// fn returned an error (or Commit failed); the rollback error
		// would only hide the cause.
		_ = tx.Rollback()
	}()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	committed = true
	return nil
}

// Cursor is a position in a listing ordered by a time and, among rows of
// the same time, by ID: the time and ID of the last row of a page, from
// which the next page continues (keyset pagination: rows added meanwhile
// never shift the pages after it).
type Cursor struct {
	At time.Time
	ID string
}

// IsZero reports whether c is the zero cursor: the start of a listing.
func (c Cursor) IsZero() bool { return c.At.IsZero() && c.ID == "" }

// Valid reports whether c is the zero cursor or has both its fields.
func (c Cursor) Valid() bool { return c.At.IsZero() == (c.ID == "") }

// Time returns t as every driver stores it: in UTC, truncated to the
// microsecond. Drivers apply it to every time they write; callers may apply
// it to compare a time they wrote with the one they read back.
func Time(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// Executor is the set of row operations available both on a Driver (each call
// its own transaction) and on a Tx (all calls in that transaction).
//
// Every method returns ctx.Err() when the context is done before or while it
// runs, and ErrInvalid for malformed params: nil params, and an empty Owner
// wherever params have one (an owner key is never empty). An empty or unknown
// ID is not malformed: lookups by it give ErrNotFound. Returned rows are
// owned by the caller and never alias the params; slices in params are not
// retained after the call.
type Executor interface {
	// CaseExecutor: registered cases, documents, flags, audit log and
	// reference sequences (case.go).
	CaseExecutor
	// DisclosureExecutor: disclosure requests and their secrecy review
	// (disclosure.go).
	DisclosureExecutor

	// OutboxExecutor, InboxExecutor and ContactExecutor: the notification
	// outbox, the in-app inbox and contact details (outbox.go, inbox.go,
	// contact.go).
	OutboxExecutor
	InboxExecutor
	ContactExecutor

	// DraftInsert stores a new draft at revision 1 with no attachments and
	// WarnedAt unset, and returns the stored row (times normalised by Time).
	//
	// Errors: ErrConflict when a draft with the same ID exists (whatever
	// its owner); ErrInvalid when ID, Owner or FormID is empty or
	// CreatedAt or ExpiresAt is zero.
	DraftInsert(ctx context.Context, params *DraftInsertParams) (*DraftRow, error)

	// DraftGet returns the draft with params.ID, including its payload,
	// when it belongs to params.Owner.
	//
	// Errors: ErrNotFound when there is no such draft or its owner differs.
	DraftGet(ctx context.Context, params *DraftGetParams) (*DraftRow, error)

	// DraftUpdate replaces the mutable columns and the payload of the draft
	// (ID, Owner) when its current revision equals params.Revision, sets
	// the revision to params.Revision+1 and clears WarnedAt, atomically;
	// it returns the new revision. FormID, CreatedAt and the attachment
	// counters are unchanged. (It returns no row: a save is the hot path,
	// and reading the row back costs a read the caller does not need.)
	//
	// Concurrency: of several updates expecting the same revision, exactly
	// one succeeds; the others get ErrConflict.
	//
	// Errors: ErrNotFound when there is no draft (ID, Owner); ErrConflict
	// when it exists but its revision differs from params.Revision;
	// ErrInvalid when UpdatedAt or ExpiresAt is zero.
	DraftUpdate(ctx context.Context, params *DraftUpdateParams) (int64, error)

	// DraftList returns up to Limit summaries of params.Owner's drafts,
	// newest UpdatedAt first (ties by ID descending). It reads no
	// payloads and its cost does not depend on how many drafts other
	// owners have. An owner without drafts gets an empty slice, not an
	// error.
	DraftList(ctx context.Context, params *DraftListParams) ([]*DraftSummary, error)

	// DraftDelete deletes the draft (ID, Owner) and all its attachments;
	// when params.Revision is set, only if the draft is still at that
	// revision, and when params.Payload is set, only if its sealed payload
	// is still exactly those bytes (the submission pipeline deletes
	// exactly the draft it validated).
	//
	// Errors: ErrNotFound when there is no such draft or its owner differs;
	// ErrConflict when Revision or Payload is set and the draft differs.
	DraftDelete(ctx context.Context, params *DraftDeleteParams) error

	// DraftDeleteExpired deletes up to Limit drafts whose ExpiresAt is at
	// or before params.Now, oldest expiry first, together with their
	// attachments, and returns their IDs. An empty result means nothing is
	// left to delete at Now. It is for the expiry janitor only.
	//
	// Concurrency: two concurrent calls never return the same ID.
	//
	// Errors: ErrInvalid when Now is zero.
	DraftDeleteExpired(ctx context.Context, params *DraftDeleteExpiredParams) ([]string, error)

	// DraftListExpiring returns up to Limit summaries of drafts with
	// From < ExpiresAt <= To whose WarnedAt is unset, soonest expiry first
	// (ties by ID). It is for the "about to expire" notice and reads no
	// payloads.
	//
	// Errors: ErrInvalid when To is zero or not after From.
	DraftListExpiring(ctx context.Context, params *DraftListExpiringParams) ([]*DraftSummary, error)

	// DraftMarkWarned records that the owner of draft ID was warned about
	// its expiry. When params.Revision is non-zero the mark is only
	// written if the draft is still at that revision, so a draft saved
	// after it was listed is not marked.
	//
	// Errors: ErrNotFound when there is no such draft; ErrConflict when
	// Revision is non-zero and differs; ErrInvalid when WarnedAt is zero.
	DraftMarkWarned(ctx context.Context, params *DraftMarkWarnedParams) error

	// DraftListForReseal returns up to Limit drafts, with payloads, whose
	// KeyID differs from params.NotKeyID and whose ID sorts after
	// params.AfterID, in ascending ID order. It is for key rotation:
	// page with AfterID set to the last ID returned.
	//
	// Errors: ErrInvalid when NotKeyID is empty.
	DraftListForReseal(ctx context.Context, params *DraftListForResealParams) ([]*DraftRow, error)

	// DraftReseal replaces the payload and key ID of draft ID when its
	// revision still equals params.Revision. It changes neither the
	// revision nor UpdatedAt, so a user's next save is unaffected.
	//
	// Errors: ErrNotFound when there is no such draft; ErrConflict when
	// the revision has moved on (re-read and reseal again, or skip);
	// ErrInvalid when KeyID is empty.
	DraftReseal(ctx context.Context, params *DraftResealParams) error

	// AttachmentInsert stores an attachment on draft (DraftID, Owner) and,
	// atomically, adds one to the draft's AttachmentCount and Size to its
	// AttachmentBytes. When MaxCount or MaxBytes is positive, the insert is
	// refused if the draft would exceed it. It does not change the draft's
	// revision or UpdatedAt.
	//
	// Concurrency: concurrent inserts never take a draft over its caps.
	//
	// Errors: ErrNotFound when there is no draft (DraftID, Owner);
	// ErrLimit when a cap would be exceeded; ErrConflict when an
	// attachment with the same ID exists; ErrInvalid when ID, DraftID or
	// Owner is empty, Size is negative or CreatedAt is zero.
	AttachmentInsert(ctx context.Context, params *AttachmentInsertParams) (*AttachmentRow, error)

	// AttachmentGet returns the attachment (ID, DraftID, Owner) with its
	// payload.
	//
	// Errors: ErrNotFound when there is no such attachment on that draft
	// or its owner differs.
	AttachmentGet(ctx context.Context, params *AttachmentGetParams) (*AttachmentRow, error)

	// AttachmentList returns the attachments of draft (DraftID, Owner)
	// without payloads (Payload is nil), oldest CreatedAt first (ties by
	// ID). A draft without attachments, a missing draft and another
	// owner's draft all give an empty slice.
	AttachmentList(ctx context.Context, params *AttachmentListParams) ([]*AttachmentRow, error)

	// AttachmentDelete deletes the attachment (ID, DraftID, Owner) and,
	// atomically, takes it off its draft's counters.
	//
	// Errors: ErrNotFound when there is no such attachment on that draft
	// or its owner differs.
	AttachmentDelete(ctx context.Context, params *AttachmentDeleteParams) error

	// AttachmentListForReseal is DraftListForReseal for attachments:
	// up to Limit attachments, with payloads, whose KeyID differs from
	// NotKeyID and whose ID sorts after AfterID, in ascending ID order.
	//
	// Errors: ErrInvalid when NotKeyID is empty.
	AttachmentListForReseal(ctx context.Context, params *AttachmentListForResealParams) ([]*AttachmentRow, error)

	// AttachmentReseal replaces the payload and key ID of attachment ID
	// when its key ID still equals params.FromKeyID (attachments have no
	// revision; they never change otherwise).
	//
	// Errors: ErrNotFound when there is no such attachment; ErrConflict
	// when its key ID is no longer FromKeyID; ErrInvalid when KeyID is
	// empty.
	AttachmentReseal(ctx context.Context, params *AttachmentResealParams) error
}
