package storage

import (
	"log/slog"
	"time"
)

// DraftRow is one stored draft: the columns a driver filters on plus the
// sealed payload. All times are UTC at microsecond precision.
type DraftRow struct {
	// ID is the draft's unique identifier, chosen by the caller.
	ID string
	// Owner is the opaque owner key; every user-facing query matches it.
	Owner string
	// FormID identifies the form the draft fills in.
	FormID string
	// FormVersion is the form version the draft is pinned to.
	FormVersion int
	// Revision starts at 1 and grows by one with every DraftUpdate.
	Revision int64
	// Step is the step the applicant was on when the draft was saved.
	Step string
	// CompletedSteps lists the steps recorded as complete, in the order
	// given by the caller. Nil or empty when none.
	CompletedSteps []string
	// Progress is the caller's completion estimate in percent (0 to 100).
	Progress int
	// KeyID names the key the payload is sealed under.
	KeyID string
	// Payload is the sealed, opaque draft content.
	Payload []byte
	// CreatedAt is when the draft was inserted.
	CreatedAt time.Time
	// UpdatedAt is when the draft was last inserted or updated.
	UpdatedAt time.Time
	// ExpiresAt is when the draft may be deleted by the expiry janitor.
	ExpiresAt time.Time
	// WarnedAt is when the owner was warned of the coming expiry; the zero
	// time means not warned since the last update.
	WarnedAt time.Time
	// AttachmentCount is the number of attachments on the draft,
	// maintained by the driver.
	AttachmentCount int
	// AttachmentBytes is the sum of the attachments' Size, maintained by
	// the driver.
	AttachmentBytes int64
}

// Summary returns r without its payload.
func (r *DraftRow) Summary() *DraftSummary {
	return &DraftSummary{
		ID:              r.ID,
		Owner:           r.Owner,
		FormID:          r.FormID,
		FormVersion:     r.FormVersion,
		Revision:        r.Revision,
		Step:            r.Step,
		CompletedSteps:  r.CompletedSteps,
		Progress:        r.Progress,
		KeyID:           r.KeyID,
		CreatedAt:       r.CreatedAt,
		UpdatedAt:       r.UpdatedAt,
		ExpiresAt:       r.ExpiresAt,
		WarnedAt:        r.WarnedAt,
		AttachmentCount: r.AttachmentCount,
		AttachmentBytes: r.AttachmentBytes,
	}
}

// LogValue logs the draft's IDs, revision and sizes, never the owner key or
// the payload.
func (r *DraftRow) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("draft_id", r.ID),
		slog.String("form_id", r.FormID),
		slog.Int64("revision", r.Revision),
		slog.String("key_id", r.KeyID),
		slog.Int("payload_bytes", len(r.Payload)),
		slog.Int("attachments", r.AttachmentCount),
	)
}

// DraftSummary is a DraftRow without the payload, as returned by the list
// methods. The fields mean the same as in DraftRow.
type DraftSummary struct {
	// ID is the draft's unique identifier.
	ID string
	// Owner is the opaque owner key.
	Owner string
	// FormID identifies the form.
	FormID string
	// FormVersion is the pinned form version.
	FormVersion int
	// Revision is the current revision.
	Revision int64
	// Step is the current step.
	Step string
	// CompletedSteps lists the completed steps.
	CompletedSteps []string
	// Progress is the completion estimate in percent.
	Progress int
	// KeyID names the key the payload is sealed under.
	KeyID string
	// CreatedAt is when the draft was inserted.
	CreatedAt time.Time
	// UpdatedAt is when the draft was last inserted or updated.
	UpdatedAt time.Time
	// ExpiresAt is when the draft may be deleted.
	ExpiresAt time.Time
	// WarnedAt is when the owner was warned; zero means not warned.
	WarnedAt time.Time
	// AttachmentCount is the number of attachments.
	AttachmentCount int
	// AttachmentBytes is the sum of the attachments' Size.
	AttachmentBytes int64
}

// LogValue logs the draft's IDs and revision, never the owner key.
func (s *DraftSummary) LogValue() slog.Value {
	if s == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("draft_id", s.ID),
		slog.String("form_id", s.FormID),
		slog.Int64("revision", s.Revision),
	)
}

// DraftInsertParams are the params of Executor.DraftInsert.
type DraftInsertParams struct {
	// ID is the new draft's ID. Required.
	ID string
	// Owner is the opaque owner key. Required.
	Owner string
	// FormID identifies the form. Required.
	FormID string
	// FormVersion is the form version the draft is pinned to.
	FormVersion int
	// Step is the current step.
	Step string
	// CompletedSteps lists the completed steps.
	CompletedSteps []string
	// Progress is the completion estimate in percent.
	Progress int
	// KeyID names the key Payload is sealed under.
	KeyID string
	// Payload is the sealed content.
	Payload []byte
	// CreatedAt is the creation time. Required.
	CreatedAt time.Time
	// UpdatedAt is the last-update time. Zero means CreatedAt.
	UpdatedAt time.Time
	// ExpiresAt is when the draft expires. Required.
	ExpiresAt time.Time
}

// DraftGetParams are the params of Executor.DraftGet.
type DraftGetParams struct {
	// ID is the draft's ID.
	ID string
	// Owner must match the draft's owner.
	Owner string
}

// DraftUpdateParams are the params of Executor.DraftUpdate.
type DraftUpdateParams struct {
	// ID is the draft's ID.
	ID string
	// Owner must match the draft's owner.
	Owner string
	// Revision is the revision the caller read and expects to replace.
	Revision int64
	// FormVersion is the (possibly migrated) form version.
	FormVersion int
	// Step is the current step.
	Step string
	// CompletedSteps lists the completed steps.
	CompletedSteps []string
	// Progress is the completion estimate in percent.
	Progress int
	// KeyID names the key Payload is sealed under.
	KeyID string
	// Payload is the new sealed content.
	Payload []byte
	// UpdatedAt is the time of this update. Required.
	UpdatedAt time.Time
	// ExpiresAt is the new expiry time. Required.
	ExpiresAt time.Time
}

// DraftListParams are the params of Executor.DraftList.
type DraftListParams struct {
	// Owner is the owner whose drafts are listed.
	Owner string
	// Limit caps the number of summaries: 0 means DefaultLimit; at most
	// MaxLimit.
	Limit int
}

// DraftDeleteParams are the params of Executor.DraftDelete.
type DraftDeleteParams struct {
	// ID is the draft's ID.
	ID string
	// Owner must match the draft's owner.
	Owner string
	// Revision, when not zero, must be the draft's current revision.
	Revision int64
	// Payload, when not nil, must be the draft's sealed payload, byte
	// for byte.
	Payload []byte
}

// DraftDeleteExpiredParams are the params of Executor.DraftDeleteExpired.
type DraftDeleteExpiredParams struct {
	// Now is the cut-off: drafts with ExpiresAt <= Now are deleted.
	// Required.
	Now time.Time
	// Limit caps the batch: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// DraftListExpiringParams are the params of Executor.DraftListExpiring.
type DraftListExpiringParams struct {
	// From is the exclusive lower bound on ExpiresAt (typically now).
	From time.Time
	// To is the inclusive upper bound on ExpiresAt (now plus the warning
	// period). Required; must be after From.
	To time.Time
	// Limit caps the batch: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// DraftMarkWarnedParams are the params of Executor.DraftMarkWarned.
type DraftMarkWarnedParams struct {
	// ID is the draft's ID.
	ID string
	// Revision, when non-zero, must equal the draft's current revision.
	Revision int64
	// WarnedAt is the time of the warning. Required.
	WarnedAt time.Time
}

// DraftListForResealParams are the params of Executor.DraftListForReseal.
type DraftListForResealParams struct {
	// NotKeyID is the active key: drafts sealed under any other key are
	// listed. Required.
	NotKeyID string
	// AfterID is the exclusive lower bound on ID, for paging. Empty
	// starts from the beginning.
	AfterID string
	// Limit caps the batch: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// DraftResealParams are the params of Executor.DraftReseal.
type DraftResealParams struct {
	// ID is the draft's ID.
	ID string
	// Revision is the revision the payload was read at.
	Revision int64
	// KeyID names the key Payload is now sealed under.
	KeyID string
	// Payload is the resealed content.
	Payload []byte
}
