package submission

import (
	"context"
	"fmt"
	"time"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
)

// OutboxNotifier is the Notifier that queues the notices of case events in
// the notify outbox, inside the transaction that records the event: the
// applicant (the person, whoever they acted for) gets the receipt, the
// acknowledgement, messages, complement requests, the complement's receipt
// and the decision; the officers of the e-service hear of new cases,
// replies and complements. The inbox shows the e-service and the officer's
// words; email and SMS only the kind of event, the reference and a pointer
// to Mina sidor (the notify templates guarantee it).
type OutboxNotifier struct {
	// Outbox queues the messages. Required.
	Outbox *notify.Outbox
	// Officers returns whom to tell about an e-service's new cases,
	// replies and complements: named officers or a function mailbox
	// (funktionsbrevlåda) known to the notify Directory. Nil means
	// officers are not notified.
	Officers func(ctx context.Context, service string) ([]identity.Subject, error)
}

var _ Notifier = OutboxNotifier{}

// applicantKinds maps events to the applicant's notice.
var applicantKinds = map[EventKind]notify.Kind{
	EventSubmitted:           notify.KindReceipt,
	EventAcknowledged:        notify.KindCaseReceived,
	EventMessage:             notify.KindNewMessage,
	EventComplementRequested: notify.KindComplementRequested,
	EventComplemented:        notify.KindComplemented,
	EventClosed:              notify.KindDecision,
}

// officerKinds maps events to the officers' notice.
var officerKinds = map[EventKind]notify.Kind{
	EventSubmitted:    notify.KindNewCase,
	EventReplied:      notify.KindReplied,
	EventComplemented: notify.KindReplied,
}

// Notify implements Notifier.
func (n OutboxNotifier) Notify(ctx context.Context, tx storage.Tx, e Event) error {
	data := map[string]string{notify.DataService: e.Title.SV}
	if e.Text != "" {
		data[notify.DataText] = e.Text
	}
	if !e.Due.IsZero() {
		data[notify.DataDue] = e.Due.In(stockholm()).Format(time.DateOnly)
	}
	// One notice per event and recipient: the event's kind, case and time
	// identify the event.
	key := func(to string) string { return fmt.Sprintf("%s/%s/%d/%s", e.Kind, e.CaseID, e.At.UnixNano(), to) }
	var msgs []notify.Message
	if kind, ok := applicantKinds[e.Kind]; ok && !e.Applicant.IsZero() && e.Applicant.Scheme != identity.SchemeOfficer {
		msgs = append(msgs, notify.Message{Kind: kind, Recipient: e.Applicant, CaseRef: e.Reference, Data: data, DedupeKey: key("applicant")})
	}
	if kind, ok := officerKinds[e.Kind]; ok && n.Officers != nil {
		officers, err := n.Officers(ctx, e.Service)
		if err != nil {
			return fmt.Errorf("submission: officers of %s: %w", e.Service, err)
		}
		// Officers get the service name, never the applicant's words.
		odata := map[string]string{notify.DataService: e.Title.SV}
		for i, o := range officers {
			msgs = append(msgs, notify.Message{Kind: kind, Recipient: o, CaseRef: e.Reference, Data: odata,
				DedupeKey: key(fmt.Sprintf("officer-%d", i))})
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	if _, err := n.Outbox.EnqueueTx(ctx, tx, msgs...); err != nil {
		return fmt.Errorf("submission: queue notices: %w", err)
	}
	return nil
}
