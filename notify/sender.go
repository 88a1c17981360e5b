package notify

import (
	"context"
	"log/slog"

	"github.com/etjanst/etjanst/identity"
)

// Sender delivers rendered notices on one channel. The Relay calls Send
// after the business transaction has committed, outside any transaction.
//
// Send returns nil when the notice was handed over (to the SMTP server, the
// SMS gateway, the inbox table). Any error makes the Relay retry later with
// backoff; an error wrapped with Permanent (errors.Is(err, ErrPermanent))
// dead-letters the notice at once. Error texts should carry status codes,
// never addresses, numbers or message text (the Relay redacts them as well).
//
// The Relay may call Send again for the same Delivery.ID after a crash or a
// lost acknowledgement (at-least-once delivery): senders that can pass an
// idempotency key on (Message-ID, a gateway's idempotency header) should use
// the ID. Send must honour ctx; the Relay bounds it with its SendTimeout. A
// Sender used by several relays must be safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, d Delivery) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, d Delivery) error

// Send calls f(ctx, d).
func (f SenderFunc) Send(ctx context.Context, d Delivery) error { return f(ctx, d) }

// Delivery is one notice rendered for one channel, as a Sender receives it.
//
// For email and SMS it holds only the recipient's address, the kind, the
// case reference and the rendered texts: Message.Data never reaches those
// senders. It holds personal data (the address, the recipient): LogValue
// logs only IDs.
type Delivery struct {
	// ID identifies the notice on this channel; it is the same on every
	// attempt, so it can serve as an idempotency key.
	ID string
	// Channel is the channel of this delivery.
	Channel Channel
	// Attempt counts the attempts, starting at 1.
	Attempt int
	// Kind is the kind of event.
	Kind Kind
	// CaseRef is the case reference; may be empty.
	CaseRef string
	// Lang is the language of Subject, Text and HTML.
	Lang Lang
	// Recipient is the person notified, for the inbox (ChannelInbox)
	// only: email and SMS senders get the address and never the identity.
	Recipient identity.Subject
	// Address is the email address (ChannelEmail) or the phone number in
	// E.164 form (ChannelSMS); empty for the inbox.
	Address string
	// Subject is the email subject; the inbox title in Lang.
	Subject string
	// Text is the plain-text email body, the SMS text, or the inbox body
	// in Lang.
	Text string
	// HTML is the HTML email body; empty for other channels.
	HTML string
	// Inbox holds the inbox message in both languages, so that Mina sidor
	// can show the reader's language; nil for other channels.
	Inbox *InboxContent
	// Link is the address of Mina sidor the texts point to; may be empty.
	Link string
}

// InboxContent is an inbox message rendered in Swedish and English.
type InboxContent struct {
	// Title is the message title.
	Title Text
	// Body is the message text.
	Body Text
}

// LogValue logs the delivery's ID, channel, kind, case reference and
// attempt, never the address, the recipient or the texts.
func (d Delivery) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String(logOutboxID, d.ID),
		slog.String(logChannel, string(d.Channel)),
		slog.String(logKind, string(d.Kind)),
		slog.String(logCaseRef, d.CaseRef),
		slog.Int(logAttempt, d.Attempt),
	)
}

// Constant log keys.
const (
	logOutboxID = "outbox_id"
	logChannel  = "channel"
	logKind     = "kind"
	logCaseRef  = "case_ref"
	logAttempt  = "attempt"
	logWorker   = "worker"
	logReason   = "reason"
	logError    = "error"
	logNextAt   = "next_attempt_at"
)
