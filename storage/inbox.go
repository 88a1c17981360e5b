package storage

import (
	"context"
	"log/slog"
	"time"
)

// InboxExecutor holds the operations on in-app messages (the inbox on Mina
// sidor). Like drafts they are owner-scoped: every method takes the owner,
// and another owner's message is treated exactly like a missing one
// (ErrNotFound). It is part of Executor.
type InboxExecutor interface {
	// InboxInsert stores a new unread message.
	//
	// Errors: ErrConflict when a message with the same ID exists (whatever
	// its owner), which lets a retried delivery recognise that it already
	// succeeded; ErrInvalid when ID or Owner is empty or CreatedAt is zero.
	InboxInsert(ctx context.Context, params *InboxInsertParams) error

	// InboxGet returns the message (ID, Owner) with its payload.
	//
	// Errors: ErrNotFound when there is no such message or its owner
	// differs.
	InboxGet(ctx context.Context, params *InboxGetParams) (*InboxRow, error)

	// InboxList returns up to Limit of params.Owner's messages with their
	// payloads, newest CreatedAt first (ties by ID descending), only the
	// unread ones when UnreadOnly. An owner without messages gets an empty
	// slice. Its cost does not depend on other owners' messages.
	InboxList(ctx context.Context, params *InboxListParams) ([]*InboxRow, error)

	// InboxUnreadCount returns the number of params.Owner's unread
	// messages.
	InboxUnreadCount(ctx context.Context, params *InboxUnreadCountParams) (int, error)

	// InboxMarkRead records that the owner read message ID at ReadAt. A
	// message already read keeps its first ReadAt; that is not an error.
	//
	// Errors: ErrNotFound when there is no such message or its owner
	// differs; ErrInvalid when ReadAt is zero.
	InboxMarkRead(ctx context.Context, params *InboxMarkReadParams) error
}

// InboxRow is one in-app message. All times are UTC at microsecond
// precision.
type InboxRow struct {
	// ID is the message's unique identifier, chosen by the caller.
	ID string
	// Owner is the opaque owner key of the recipient.
	Owner string
	// Kind names the kind of event.
	Kind string
	// CaseRef is the case reference the message is about; empty when
	// none.
	CaseRef string
	// Payload is the opaque message content.
	Payload []byte
	// CreatedAt is when the message was delivered.
	CreatedAt time.Time
	// ReadAt is when the owner first read it; zero while unread.
	ReadAt time.Time
}

// LogValue logs the message's ID, kind and read state, never the owner or
// the payload.
func (r *InboxRow) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("inbox_id", r.ID),
		slog.String("kind", r.Kind),
		slog.Bool("read", !r.ReadAt.IsZero()),
	)
}

// InboxInsertParams are the params of InboxExecutor.InboxInsert.
type InboxInsertParams struct {
	// ID is the new message's ID. Required.
	ID string
	// Owner is the recipient's opaque owner key. Required.
	Owner string
	// Kind names the kind of event.
	Kind string
	// CaseRef is the case reference, if any.
	CaseRef string
	// Payload is the opaque message content.
	Payload []byte
	// CreatedAt is the delivery time. Required.
	CreatedAt time.Time
}

// InboxGetParams are the params of InboxExecutor.InboxGet.
type InboxGetParams struct {
	// ID is the message's ID.
	ID string
	// Owner must match the message's owner.
	Owner string
}

// InboxListParams are the params of InboxExecutor.InboxList.
type InboxListParams struct {
	// Owner is the owner whose messages are listed.
	Owner string
	// UnreadOnly lists only unread messages.
	UnreadOnly bool
	// Limit caps the list: 0 means DefaultLimit; at most MaxLimit.
	Limit int
}

// InboxUnreadCountParams are the params of InboxExecutor.InboxUnreadCount.
type InboxUnreadCountParams struct {
	// Owner is the owner whose unread messages are counted.
	Owner string
}

// InboxMarkReadParams are the params of InboxExecutor.InboxMarkRead.
type InboxMarkReadParams struct {
	// ID is the message's ID.
	ID string
	// Owner must match the message's owner.
	Owner string
	// ReadAt is when it was read. Required.
	ReadAt time.Time
}
