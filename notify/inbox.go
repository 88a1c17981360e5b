package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// InboxOptions configures an Inbox. A nil *InboxOptions means defaults.
type InboxOptions struct {
	// Now stamps deliveries and reads. Defaults to time.Now.
	Now func() time.Time
}

// Inbox is the in-app inbox on Mina sidor: the Sender of ChannelInbox, and
// the owner-scoped list, unread count and read marks. Messages are keyed by
// an OwnerKeyFunc of the recipient, so another person's message is never
// found. It is safe for concurrent use.
type Inbox struct {
	db  storage.Driver
	key OwnerKeyFunc
	now func() time.Time
}

var _ Sender = (*Inbox)(nil)

// NewInbox returns the inbox on db. ownerKey must be the same function
// Contacts uses; see HMACOwnerKey.
func NewInbox(db storage.Driver, ownerKey OwnerKeyFunc, opts *InboxOptions) (*Inbox, error) {
	if db == nil || ownerKey == nil {
		return nil, errors.New("notify: inbox: nil driver or owner key")
	}
	in := &Inbox{db: db, key: ownerKey, now: time.Now}
	if opts != nil && opts.Now != nil {
		in.now = opts.Now
	}
	return in, nil
}

// InboxMessage is one message in a person's inbox.
type InboxMessage struct {
	// ID identifies the message.
	ID string
	// Kind is the kind of event.
	Kind Kind
	// CaseRef is the case reference; may be empty.
	CaseRef string
	// Title is the message title.
	Title Text
	// Body is the message text (may include the officer's own words).
	Body Text
	// Link is the address of Mina sidor at delivery; may be empty.
	Link string
	// CreatedAt is when the message was delivered.
	CreatedAt time.Time
	// ReadAt is when it was first read; zero while unread.
	ReadAt time.Time
}

// LogValue logs the message's ID, kind and read state, never its texts.
func (m *InboxMessage) LogValue() slog.Value {
	if m == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("inbox_id", m.ID),
		slog.String(logKind, string(m.Kind)),
		slog.Bool("read", !m.ReadAt.IsZero()),
	)
}

// inboxPayload is the JSON stored with an inbox message.
type inboxPayload struct {
	V     int    `json:"v"`
	Title Text   `json:"title"`
	Body  Text   `json:"body"`
	Link  string `json:"link,omitempty"`
}

// Send stores d in its recipient's inbox under d.ID. Delivering the same ID
// again is a no-op, so a retried delivery never shows twice. It implements
// Sender for ChannelInbox.
//
// Errors: a Delivery for another channel or without content is permanent;
// storage errors are returned for a retry.
func (in *Inbox) Send(ctx context.Context, d Delivery) error {
	if d.Channel != ChannelInbox || d.Inbox == nil || d.ID == "" {
		return Permanent(errors.New("notify: inbox: not an inbox delivery"))
	}
	if err := d.Recipient.Validate(); err != nil {
		return Permanent(fmt.Errorf("notify: inbox: %w", err))
	}
	b, err := json.Marshal(inboxPayload{V: 1, Title: d.Inbox.Title, Body: d.Inbox.Body, Link: d.Link})
	if err != nil {
		return Permanent(fmt.Errorf("notify: inbox: %w", err))
	}
	err = in.db.InboxInsert(ctx, &storage.InboxInsertParams{
		ID: d.ID, Owner: in.key(d.Recipient), Kind: string(d.Kind), CaseRef: d.CaseRef, Payload: b, CreatedAt: in.now(),
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil // delivered by an earlier attempt
	}
	if err != nil {
		return fmt.Errorf("notify: inbox: %w", err)
	}
	return nil
}

// owner returns the owner key of the principal's own inbox.
func (in *Inbox) owner(who identity.Principal) (string, error) {
	if err := who.Subject.Validate(); err != nil {
		return "", fmt.Errorf("notify: inbox: %w", err)
	}
	return in.key(who.Subject), nil
}

// List returns up to limit (1 to storage.MaxLimit; 0 means
// storage.DefaultLimit) of the principal's own messages, newest first. The
// principal's party does not matter: notices go to the person.
func (in *Inbox) List(ctx context.Context, who identity.Principal, limit int) ([]*InboxMessage, error) {
	owner, err := in.owner(who)
	if err != nil {
		return nil, err
	}
	rows, err := in.db.InboxList(ctx, &storage.InboxListParams{Owner: owner, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("notify: inbox: list: %w", err)
	}
	out := make([]*InboxMessage, 0, len(rows))
	for _, r := range rows {
		m, err := inboxMessage(r)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Unread returns the number of the principal's unread messages.
func (in *Inbox) Unread(ctx context.Context, who identity.Principal) (int, error) {
	owner, err := in.owner(who)
	if err != nil {
		return 0, err
	}
	n, err := in.db.InboxUnreadCount(ctx, &storage.InboxUnreadCountParams{Owner: owner})
	if err != nil {
		return 0, fmt.Errorf("notify: inbox: unread: %w", err)
	}
	return n, nil
}

// Get returns the principal's message id.
//
// Errors: ErrNotFound when there is no such message or it is someone
// else's.
func (in *Inbox) Get(ctx context.Context, who identity.Principal, id string) (*InboxMessage, error) {
	owner, err := in.owner(who)
	if err != nil {
		return nil, err
	}
	r, err := in.db.InboxGet(ctx, &storage.InboxGetParams{ID: id, Owner: owner})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("notify: inbox: get: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("notify: inbox: get: %w", err)
	}
	return inboxMessage(r)
}

// MarkRead marks the principal's message id read; marking it again keeps
// the first time.
//
// Errors: ErrNotFound when there is no such message or it is someone
// else's.
func (in *Inbox) MarkRead(ctx context.Context, who identity.Principal, id string) error {
	owner, err := in.owner(who)
	if err != nil {
		return err
	}
	err = in.db.InboxMarkRead(ctx, &storage.InboxMarkReadParams{ID: id, Owner: owner, ReadAt: in.now()})
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("notify: inbox: mark read: %w", ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("notify: inbox: mark read: %w", err)
	}
	return nil
}

func inboxMessage(r *storage.InboxRow) (*InboxMessage, error) {
	var p inboxPayload
	if err := json.Unmarshal(r.Payload, &p); err != nil {
		return nil, fmt.Errorf("notify: inbox: message %s: undecodable payload", r.ID)
	}
	return &InboxMessage{
		ID: r.ID, Kind: Kind(r.Kind), CaseRef: r.CaseRef, Title: p.Title, Body: p.Body, Link: p.Link,
		CreatedAt: r.CreatedAt, ReadAt: r.ReadAt,
	}, nil
}
