package flowtest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
	"github.com/etjanst/etjanst/submission"
)

// Officer drives a case officer (handläggare) through the desk with the
// library API: the inbox of an e-service, reading a case (audited),
// acknowledging, messages, complement requests, closing, and the secrecy
// review of disclosure requests. Methods fail the test with a short message;
// the Try variants return the error.
type Officer struct {
	env *Env
	t   testing.TB
	who identity.Principal
}

// Officer returns a staff member with the given roles, logged in now.
// Without roles they handle and review every e-service (RoleOfficer and
// RoleDisclosureReviewer for identity.AllServices).
func (e *Env) Officer(t testing.TB, account string, roles ...identity.Role) *Officer {
	t.Helper()
	if len(roles) == 0 {
		roles = []identity.Role{
			{Name: identity.RoleOfficer, Services: []string{identity.AllServices}},
			{Name: identity.RoleDisclosureReviewer, Services: []string{identity.AllServices}},
		}
	}
	return &Officer{env: e, t: t, who: identitytest.Officer(t, account, e.Clock.Now(), roles...)}
}

func (o *Officer) ctx() context.Context { return context.Background() }

// Principal returns the officer's principal.
func (o *Officer) Principal() identity.Principal { return o.who }

// Inbox lists the cases of an e-service, newest first, optionally only
// those with the given statuses.
func (o *Officer) Inbox(service string, statuses ...string) []submission.Summary {
	o.t.Helper()
	list, err := o.env.Cases.Inbox(o.ctx(), o.who, service, statuses...)
	require.NoError(o.t, err, "flowtest: officer: inbox of %s", service)
	return list
}

// Read opens a case with its secrecy flags (the read is audited).
func (o *Officer) Read(caseID string) *submission.Case {
	o.t.Helper()
	c, err := o.TryRead(caseID)
	require.NoError(o.t, err, "flowtest: officer: read case %s", caseID)
	return c
}

// TryRead is Read returning the error (submission.ErrNotFound for a case
// of an e-service the officer does not handle).
func (o *Officer) TryRead(caseID string) (*submission.Case, error) {
	return o.env.Cases.Read(o.ctx(), o.who, caseID)
}

// Acknowledge records that the officer has received the case; the
// applicant is notified.
func (o *Officer) Acknowledge(caseID string) *Officer {
	o.t.Helper()
	require.NoError(o.t, o.env.Cases.Acknowledge(o.ctx(), o.who, caseID), "flowtest: officer: acknowledge %s", caseID)
	return o
}

// Message writes to the applicant.
func (o *Officer) Message(caseID, text string) *Officer {
	o.t.Helper()
	require.NoError(o.t, o.env.Cases.SendMessage(o.ctx(), o.who, caseID, text), "flowtest: officer: message on %s", caseID)
	return o
}

// RequestComplement asks the applicant for a komplettering of the given
// top-level fields, due in two weeks.
func (o *Officer) RequestComplement(caseID, text string, fields ...string) *Officer {
	o.t.Helper()
	err := o.env.Cases.RequestComplement(o.ctx(), o.who, caseID, submission.ComplementParams{
		Text: text, Fields: fields, Due: o.env.Clock.Now().Add(14 * 24 * time.Hour),
	})
	require.NoError(o.t, err, "flowtest: officer: request complement on %s", caseID)
	return o
}

// Close closes the case with a decision text and the e-service's label
// for the outcome (may be empty).
func (o *Officer) Close(caseID, decision, label string) *Officer {
	o.t.Helper()
	require.NoError(o.t, o.env.Cases.Close(o.ctx(), o.who, caseID, decision, label), "flowtest: officer: close %s", caseID)
	return o
}

// DisclosureQueue lists the open disclosure requests of an e-service,
// oldest first.
func (o *Officer) DisclosureQueue(service string) []*submission.DisclosureRequest {
	o.t.Helper()
	q, err := o.env.Cases.DisclosureQueue(o.ctx(), o.who, service)
	require.NoError(o.t, err, "flowtest: officer: disclosure queue of %s", service)
	return q
}

// Review returns a disclosure request with its items.
func (o *Officer) Review(requestID string) *submission.DisclosureRequest {
	o.t.Helper()
	r, err := o.env.Cases.Review(o.ctx(), o.who, requestID)
	require.NoError(o.t, err, "flowtest: officer: review %s", requestID)
	return r
}

// Decide records the decision on one review item.
func (o *Officer) Decide(requestID, flagID string, d submission.ItemDecision) *Officer {
	o.t.Helper()
	require.NoError(o.t, o.env.Cases.Decide(o.ctx(), o.who, requestID, flagID, d), "flowtest: officer: decide %s", flagID)
	return o
}

// DecideAll decides every undecided item of the request with decide.
func (o *Officer) DecideAll(requestID string, decide func(submission.ReviewItem) submission.ItemDecision) *Officer {
	o.t.Helper()
	for _, it := range o.Review(requestID).Items {
		if it.Decision == nil {
			o.Decide(requestID, it.FlagID, decide(it))
		}
	}
	return o
}

// Release finishes the request: the masked copy and, when anything was
// masked or withheld, the written decision.
func (o *Officer) Release(requestID string) *submission.Release {
	o.t.Helper()
	r, err := o.env.Cases.Release(o.ctx(), o.who, requestID)
	require.NoError(o.t, err, "flowtest: officer: release %s", requestID)
	return r
}

// RequestDisclosure files an anonymous request to see the case with the
// given reference (requester may describe how to reach them, or be empty).
func (e *Env) RequestDisclosure(t testing.TB, reference, requester string) *submission.DisclosureRequest {
	t.Helper()
	r, err := e.Cases.RequestDisclosure(context.Background(), nil, submission.DisclosureParams{Reference: reference, Requester: requester})
	require.NoError(t, err, "flowtest: request disclosure of %s", reference)
	return r
}

// Outcome returns the released copy of a disclosure request to whoever
// holds its ID.
func (e *Env) Outcome(t testing.TB, requestID string) *submission.Release {
	t.Helper()
	r, err := e.Cases.Outcome(context.Background(), nil, requestID)
	require.NoError(t, err, "flowtest: outcome of %s", requestID)
	return r
}

// Reply answers the officers on the applicant's own case.
func (a *Applicant) Reply(caseID, text string) *Applicant {
	a.t.Helper()
	require.NoError(a.t, a.env.Cases.Reply(a.ctx(), a.principal(), caseID, text), "flowtest: %s: reply on %s", a.name(), caseID)
	return a
}

// Complement answers the open complement request of the applicant's case:
// values for the requested fields (as in Fill) and a text.
func (a *Applicant) Complement(caseID string, values map[string]any, text string) *submission.Receipt {
	a.t.Helper()
	r, err := a.TryComplement(caseID, values, text)
	if err != nil {
		a.t.Fatalf("flowtest: %s: complement %s:%s", a.name(), caseID, describe(err))
	}
	return r
}

// TryComplement is Complement returning the error
// (submission.ErrNoComplementRequested, submission.ErrNotRequested, a
// *form.ValidationError).
func (a *Applicant) TryComplement(caseID string, values map[string]any, text string) (*submission.Receipt, error) {
	a.t.Helper()
	c := a.Case(caseID)
	version := 0
	if c.Record != nil {
		version = c.Record.FormVersion
	}
	f, err := a.env.Forms.Get(c.Service, version)
	require.NoError(a.t, err)
	doc := make(map[string]any, len(values))
	for k, v := range values {
		doc[k] = jsonValue(v)
	}
	data, err := json.Marshal(doc)
	require.NoError(a.t, err)
	vals, err := form.DecodeJSON(f, data)
	if err != nil {
		return nil, err
	}
	return a.env.Cases.Complement(a.ctx(), a.principal(), caseID, submission.ComplementAnswer{Values: vals, Text: text})
}
