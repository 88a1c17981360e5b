package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// OutboxOptions configures an Outbox. A nil *OutboxOptions means defaults.
type OutboxOptions struct {
	// Channels are the channels every message is queued for, one outbox
	// row each. Defaults to Channels(): inbox, email and sms. Whether a
	// row for email or sms is actually sent is decided at delivery, from
	// the recipient's Contact.
	Channels []Channel
	// Templates are used to refuse kinds without templates at enqueue
	// rather than at delivery. Use the Relay's templates. Defaults to
	// DefaultTemplates().
	Templates *Templates
	// Now stamps the rows. Defaults to time.Now.
	Now func() time.Time
	// NewID returns a new unique row ID. Defaults to UUIDv7 strings.
	NewID func() string
}

// Outbox queues messages in the caller's transaction. It is safe for
// concurrent use.
//
// Each message becomes one outbox row per channel, at enqueue: the inbox row
// carries Message.Data, the email and SMS rows do not. Addresses and
// channel preferences are looked up at delivery (so a person who changes
// their email address in the meantime gets the notice at the new one); a
// row for a channel the person has not chosen is acknowledged without being
// sent.
type Outbox struct {
	channels  []Channel
	templates *Templates
	now       func() time.Time
	newID     func() string
}

// NewOutbox returns an Outbox.
//
// Errors: an unknown or repeated channel.
func NewOutbox(opts *OutboxOptions) (*Outbox, error) {
	o := &Outbox{channels: Channels(), now: time.Now, newID: newUUID}
	if opts != nil {
		if opts.Channels != nil {
			o.channels = nil
			for _, ch := range opts.Channels {
				if !slices.Contains(Channels(), ch) || slices.Contains(o.channels, ch) {
					return nil, fmt.Errorf("notify: outbox: unknown or repeated channel %q", ch)
				}
				o.channels = append(o.channels, ch)
			}
			if len(o.channels) == 0 {
				return nil, errors.New("notify: outbox: no channels")
			}
		}
		o.templates = opts.Templates
		if opts.Now != nil {
			o.now = opts.Now
		}
		if opts.NewID != nil {
			o.newID = opts.NewID
		}
	}
	if o.templates == nil {
		o.templates = DefaultTemplates()
	}
	return o, nil
}

func newUUID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// EnqueueResult reports what EnqueueTx queued.
type EnqueueResult struct {
	// Queued counts the outbox rows inserted.
	Queued int
	// Duplicates counts the rows skipped because their message's
	// DedupeKey was queued before.
	Duplicates int
}

// MaxBatch caps the messages of one EnqueueTx call.
const MaxBatch = 1000

// EnqueueTx validates msgs and queues them inside tx, so that they are
// delivered only if tx commits; nothing is sent before. Call it in the same
// transaction as the business write the notices are about. A message whose
// DedupeKey was queued before is skipped and counted in Duplicates, not
// reported as an error.
//
// Nothing is queued when any message is invalid. When a storage call fails
// the caller must roll tx back (as storage.WithTx does).
//
// Errors: ErrInvalidMessage, ErrUnknownKind (before any write); storage
// errors, wrapped.
func (o *Outbox) EnqueueTx(ctx context.Context, tx storage.Tx, msgs ...Message) (EnqueueResult, error) {
	var res EnqueueResult
	if tx == nil {
		return res, errors.New("notify: enqueue: nil transaction")
	}
	if len(msgs) > MaxBatch {
		return res, fmt.Errorf("%w: more than %d messages in one call", ErrInvalidMessage, MaxBatch)
	}
	for i, m := range msgs {
		if err := m.Validate(); err != nil {
			return res, fmt.Errorf("notify: enqueue: message %d: %w", i, err)
		}
		if !o.templates.Has(m.Kind) {
			return res, fmt.Errorf("notify: enqueue: message %d: %w: %s", i, ErrUnknownKind, m.Kind)
		}
	}
	now := o.now()
	for _, m := range msgs {
		for _, ch := range o.channels {
			payload, err := encodePayload(ch, m)
			if err != nil {
				return res, fmt.Errorf("notify: enqueue: %w", err)
			}
			ok, err := tx.OutboxInsert(ctx, &storage.OutboxInsertParams{
				ID:        o.newID(),
				Channel:   string(ch),
				Kind:      string(m.Kind),
				DedupeKey: dedupeHash(ch, m.DedupeKey),
				Recipient: m.Recipient.Key(),
				Payload:   payload,
				CreatedAt: now,
			})
			if err != nil {
				return res, fmt.Errorf("notify: enqueue: %w", err)
			}
			if ok {
				res.Queued++
			} else {
				res.Duplicates++
			}
		}
	}
	return res, nil
}

// dedupeHash is the stored dedupe key of a message's row on ch: a hash, so
// that whatever a caller puts in the key is not stored, and of bounded size.
func dedupeHash(ch Channel, key string) string {
	h := sha256.New()
	h.Write([]byte(ch))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return hex.EncodeToString(h.Sum(nil))
}

// payload is the JSON stored in an outbox row.
type payload struct {
	V       int               `json:"v"`
	CaseRef string            `json:"caseRef,omitempty"`
	Lang    Lang              `json:"lang,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
}

const payloadVersion = 1

func encodePayload(ch Channel, m Message) ([]byte, error) {
	p := payload{V: payloadVersion, CaseRef: m.CaseRef, Lang: m.Lang}
	if ch == ChannelInbox {
		// Only the inbox row carries the data (data minimisation).
		p.Data = m.Data
	}
	return json.Marshal(p)
}

// decodeRow rebuilds the message of an outbox row (without DedupeKey).
func decodeRow(row *storage.OutboxRow) (Message, error) {
	var p payload
	if err := json.Unmarshal(row.Payload, &p); err != nil {
		return Message{}, fmt.Errorf("undecodable payload")
	}
	if p.V != payloadVersion {
		return Message{}, fmt.Errorf("payload version %d", p.V)
	}
	scheme, value, ok := strings.Cut(row.Recipient, ":")
	if !ok {
		return Message{}, fmt.Errorf("malformed recipient")
	}
	return Message{
		Kind:      Kind(row.Kind),
		Recipient: identity.Subject{Scheme: identity.Scheme(scheme), Value: value},
		CaseRef:   p.CaseRef,
		Lang:      p.Lang,
		Data:      p.Data,
	}, nil
}
