package main

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/submission"
)

// outboxNotifier turns the case events of the submission package into
// notices in the notify outbox, inside the transaction that records the
// event. The applicant (the person, whoever they acted for) gets the
// receipt, the officer's acknowledgement, messages, complement requests
// and the decision; the inbox shows the e-service and the officer's words,
// email and SMS only the reference and a pointer to Mina sidor.
//
// Notices to officers (new case, the applicant replied or complemented)
// need the municipality's directory of officers per e-service; the portal
// has none yet, so those events are not notified.
type outboxNotifier struct {
	outbox *notify.Outbox
}

var _ submission.Notifier = outboxNotifier{}

// Notify implements submission.Notifier.
func (n outboxNotifier) Notify(ctx context.Context, tx storage.Tx, e submission.Event) error {
	kind, ok := map[submission.EventKind]notify.Kind{
		submission.EventSubmitted:           notify.KindReceipt,
		submission.EventAcknowledged:        notify.KindCaseReceived,
		submission.EventMessage:             notify.KindNewMessage,
		submission.EventComplementRequested: notify.KindComplementRequested,
		submission.EventComplemented:        notify.KindComplemented,
		submission.EventClosed:              notify.KindDecision,
	}[e.Kind]
	if !ok || e.Applicant.Scheme == identity.SchemeOfficer || e.Applicant.IsZero() {
		return nil
	}
	data := map[string]string{notify.DataService: e.Title.SV}
	if e.Text != "" {
		data[notify.DataText] = e.Text
	}
	if !e.Due.IsZero() {
		data[notify.DataDue] = e.Due.Format("2006-01-02")
	}
	_, err := n.outbox.EnqueueTx(ctx, tx, notify.Message{
		Kind: kind, Recipient: e.Applicant, CaseRef: e.Reference, Data: data,
		// One notice per event: the event's kind, case and time identify it.
		DedupeKey: fmt.Sprintf("%s/%s/%d", e.Kind, e.CaseID, e.At.UnixNano()),
	})
	if err != nil {
		return fmt.Errorf("portal: queue %s notice: %w", kind, err)
	}
	return nil
}
