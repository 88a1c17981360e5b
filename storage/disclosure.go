package storage

import (
	"context"
	"time"
)

// DisclosureExecutor holds requests for disclosure of public records
// (begäran om utlämnande av allmän handling) and the per-item decisions of
// their secrecy review. It is part of Executor.
type DisclosureExecutor interface {
	// DisclosureInsert stores a new request. Errors: ErrNotFound when the
	// case does not exist; ErrConflict for a used ID.
	DisclosureInsert(ctx context.Context, params *DisclosureInsertParams) error

	// DisclosureGet returns a request with its outcome. Errors:
	// ErrNotFound.
	DisclosureGet(ctx context.Context, params *DisclosureGetParams) (*DisclosureRow, error)

	// DisclosureList returns up to Limit requests of an e-service, oldest
	// CreatedAt first (by ID among requests of the same time), optionally
	// only those with one of Statuses and only those after params.After
	// (without outcomes). Errors: ErrInvalid when After has only one of
	// its fields.
	DisclosureList(ctx context.Context, params *DisclosureListParams) ([]*DisclosureRow, error)

	// DisclosureDecide records (or replaces) the decision on one item
	// while the request's status is still params.Status. Errors:
	// ErrConflict when the status changed; ErrNotFound.
	DisclosureDecide(ctx context.Context, params *DisclosureDecideParams) error

	// DisclosureDecisions returns the decisions of a request.
	DisclosureDecisions(ctx context.Context, params *DisclosureDecisionsParams) ([]*DisclosureDecisionRow, error)

	// DisclosureFinish moves a request from one status to another and
	// stores its outcome (the written decision and the released copy),
	// atomically. Errors: ErrConflict when the status is no longer From;
	// ErrNotFound.
	DisclosureFinish(ctx context.Context, params *DisclosureFinishParams) error
}

// DisclosureRow is one request for disclosure.
type DisclosureRow struct {
	ID      string
	CaseID  string
	Service string
	// DocumentID limits the request to one document; empty means the
	// whole case.
	DocumentID string
	// Requester is the requester's own description (may be empty: a
	// request may be anonymous). It is personal data when given.
	Requester string
	// Owner is the owner key of an authenticated requester who is the
	// applicant, else empty.
	Owner string
	// RequesterKey identifies an authenticated requester (opaque; empty
	// for an anonymous request), so that they never review their own
	// request.
	RequesterKey string
	Status       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Decision is the written decision (beslut) and Release the released,
	// masked copy; both empty until finished.
	Decision []byte
	Release  []byte
}

// DisclosureInsertParams are the params of DisclosureInsert.
type DisclosureInsertParams struct {
	Request DisclosureRow
}

// DisclosureGetParams are the params of DisclosureGet.
type DisclosureGetParams struct{ ID string }

// DisclosureListParams are the params of DisclosureList.
type DisclosureListParams struct {
	Service  string
	Statuses []string
	// After continues a listing where an earlier page ended: the
	// CreatedAt and ID of its last request. The zero value starts with
	// the oldest.
	After Cursor
	Limit int
}

// DisclosureDecisionRow is the decision on one review item (a flag).
type DisclosureDecisionRow struct {
	RequestID string
	FlagID    string
	// Outcome is "release", "mask" or "withhold".
	Outcome   string
	OSL       string
	Reasoning string
	// Officer is the masked identity of the deciding officer.
	Officer   string
	DecidedAt time.Time
}

// DisclosureDecideParams are the params of DisclosureDecide.
type DisclosureDecideParams struct {
	Decision DisclosureDecisionRow
	// Status is the request status the decision requires.
	Status string
}

// DisclosureDecisionsParams are the params of DisclosureDecisions.
type DisclosureDecisionsParams struct{ RequestID string }

// DisclosureFinishParams are the params of DisclosureFinish.
type DisclosureFinishParams struct {
	ID        string
	From, To  string
	Decision  []byte
	Release   []byte
	UpdatedAt time.Time
}
