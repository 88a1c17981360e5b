// Package notify tells applicants and officers that something happened in a
// case, through the in-app inbox on Mina sidor, email and SMS, without ever
// losing a notice or leaking case contents.
//
// # How a notice travels
//
//  1. A domain package (submission) builds a [Message] (kind, recipient,
//     case reference, language, inbox-only data, dedupe key) and calls
//     [Outbox.EnqueueTx] with the transaction of its own write. The outbox
//     rows commit with that write or not at all; nothing is sent yet.
//  2. A [Relay] (Run) claims due rows under a lease, looks up the
//     recipient's [Contact] in a [Directory], renders the [Templates] and
//     hands a [Delivery] to the channel's [Sender]: the [Inbox], notify/email
//     (SMTP) or notify/sms (an HTTP gateway). It then acknowledges the row.
//  3. A failed send is retried with exponential backoff and jitter. A
//     permanent failure ([Permanent]) or the last of MaxAttempts moves the
//     row to the dead letters with its redacted reason: [Relay.DeadLetters]
//     lists them and [Relay.Requeue] revives one.
//
// Each message becomes one outbox row per channel when it is queued; the
// address and the person's choice of channels are read at delivery, so a row
// for a channel the person did not choose is acknowledged without a send.
// Delivery is at least once: a [Delivery.ID] is stable across attempts, the
// inbox stores each ID once, and the email and SMS senders pass it on as
// Message-ID and idempotency key. Several relays may run on one database;
// while leases hold, none sends a row another has claimed.
//
// A minimal wiring, with db a storage.Driver:
//
//	ownerKey, _ := notify.HMACOwnerKey(secret) // 32+ random bytes, kept with the data
//	inbox, _ := notify.NewInbox(db, ownerKey, nil)
//	contacts, _ := notify.NewContacts(db, ownerKey, nil)
//	relay, _ := notify.NewRelay(db, map[notify.Channel]notify.Sender{
//		notify.ChannelInbox: inbox,
//		notify.ChannelEmail: smtpSender,
//	}, contacts, &notify.RelayOptions{Link: "https://kommun.se/mina-sidor"})
//	go relay.Run(ctx)
//
//	outbox, _ := notify.NewOutbox(nil)
//	err := storage.WithTx(ctx, db, func(ctx context.Context, tx storage.Tx) error {
//		// ... the business write ...
//		_, err := outbox.EnqueueTx(ctx, tx, notify.Message{
//			Kind: notify.KindReceipt, Recipient: applicant, CaseRef: "KS 2026/0042",
//			DedupeKey: "receipt/" + caseID,
//		})
//		return err
//	})
//	relay.Wake()
//
// # What a notice may contain
//
// Email and SMS leave the municipality's systems, so they carry only the kind
// of event, the case reference and a pointer to Mina sidor: their templates
// are executed with [PublicData], which has no field for anything else, and
// their senders never receive [Message.Data]. The inbox is behind the
// recipient's e-ID login and may show the officer's own words
// ([DataText]). Error reasons stored with dead letters and written to logs
// pass through [Redact].
//
// # Access control
//
// Inbox messages and contact details are keyed by an [OwnerKeyFunc] of the
// person (by default a keyed HMAC, see [HMACOwnerKey]), so no identity number
// is stored with them. [Inbox] reads take the acting identity.Principal and
// return only that person's messages; another person's message is
// [ErrNotFound], exactly like a missing one. [Contacts.Set] makes no access
// decision: call it for the logged-in person only. The dead-letter methods
// of [Relay] are for administrators; expose them behind an officer role.
//
// # Personal data
//
// An outbox row holds the recipient's identifier until it is sent; then the
// driver clears the recipient and the payload, and only a hash of the dedupe
// key, the kind and the times remain (until storage's OutboxPurge). Message,
// Delivery, Contact and DeadLetter implement slog.LogValuer and log IDs only.
//
// # Errors
//
//   - [ErrInvalidMessage]: a message breaks the rules on [Message]; nothing
//     was queued.
//   - [ErrUnknownKind]: a kind without templates.
//   - [ErrPermanent]: a delivery failure not worth retrying (from [Permanent]).
//   - [ErrInvalidContact]: malformed contact details.
//   - [ErrInvalidTemplate]: a template that does not parse or render.
//   - [ErrNotFound]: no such inbox message (or someone else's), no such dead
//     letter.
//
// Storage errors are wrapped with the operation and can be tested with the
// storage sentinels.
package notify
