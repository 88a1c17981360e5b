package storage

import (
	"log/slog"
	"time"
)

// AttachmentRow is one stored attachment of a draft. Attachments never change
// after insert except by reseal.
type AttachmentRow struct {
	// ID is the attachment's unique identifier, chosen by the caller.
	ID string
	// DraftID is the draft it belongs to.
	DraftID string
	// Owner is the draft's opaque owner key.
	Owner string
	// FieldPath is the form field the file was attached to.
	FieldPath string
	// ContentType is the sniffed media type.
	ContentType string
	// Size is the plaintext size in bytes.
	Size int64
	// SHA256 is the digest of the plaintext.
	SHA256 []byte
	// KeyID names the key Payload is sealed under.
	KeyID string
	// Payload is the sealed file; nil in AttachmentList results.
	Payload []byte
	// CreatedAt is when the attachment was inserted.
	CreatedAt time.Time
}

// LogValue logs the attachment's IDs and size, never the owner key or the
// payload.
func (r *AttachmentRow) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("attachment_id", r.ID),
		slog.String("draft_id", r.DraftID),
		slog.String("content_type", r.ContentType),
		slog.Int64("size", r.Size),
	)
}

// AttachmentInsertParams are the params of Executor.AttachmentInsert.
type AttachmentInsertParams struct {
	// ID is the new attachment's ID. Required.
	ID string
	// DraftID is the draft to attach to. Required.
	DraftID string
	// Owner must match the draft's owner. Required.
	Owner string
	// FieldPath is the form field the file belongs to.
	FieldPath string
	// ContentType is the sniffed media type.
	ContentType string
	// Size is the plaintext size in bytes; added to AttachmentBytes.
	// Must not be negative.
	Size int64
	// SHA256 is the digest of the plaintext.
	SHA256 []byte
	// KeyID names the key Payload is sealed under.
	KeyID string
	// Payload is the sealed file.
	Payload []byte
	// CreatedAt is the insert time. Required.
	CreatedAt time.Time
	// MaxCount, when positive, is the most attachments the draft may have
	// after this insert; more is ErrLimit. Zero means no cap.
	MaxCount int
	// MaxBytes, when positive, is the most AttachmentBytes the draft may
	// have after this insert; more is ErrLimit. Zero means no cap.
	MaxBytes int64
}

// AttachmentGetParams are the params of Executor.AttachmentGet.
type AttachmentGetParams struct {
	// ID is the attachment's ID.
	ID string
	// DraftID is the draft it belongs to.
	DraftID string
	// Owner must match the owner.
	Owner string
}

// AttachmentListParams are the params of Executor.AttachmentList.
type AttachmentListParams struct {
	// DraftID is the draft whose attachments are listed.
	DraftID string
	// Owner must match the owner.
	Owner string
}

// AttachmentDeleteParams are the params of Executor.AttachmentDelete.
type AttachmentDeleteParams struct {
	// ID is the attachment's ID.
	ID string
	// DraftID is the draft it belongs to.
	DraftID string
	// Owner must match the owner.
	Owner string
}

// AttachmentListForResealParams are the params of
// Executor.AttachmentListForReseal.
type AttachmentListForResealParams struct {
	// NotKeyID is the active key: attachments sealed under any other key
	// are listed. Required.
	NotKeyID string
	// AfterID is the exclusive lower bound on ID, for paging.
	AfterID string
	// Limit caps the batch: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// AttachmentResealParams are the params of Executor.AttachmentReseal.
type AttachmentResealParams struct {
	// ID is the attachment's ID.
	ID string
	// FromKeyID is the key ID the payload was read under.
	FromKeyID string
	// KeyID names the key Payload is now sealed under.
	KeyID string
	// Payload is the resealed file.
	Payload []byte
}
