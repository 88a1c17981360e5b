package submission_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/submission"
)

func (b *bundle) officer(name string, roles ...identity.Role) identity.Principal {
	return identity.Principal{Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: name},
		Method: identity.MethodOfficer, AuthTime: b.clock.Now(), Assurance: identity.LoA3, Roles: roles}
}

func handles(service string) identity.Role {
	return identity.Role{Name: identity.RoleOfficer, Services: []string{service}}
}

func (b *bundle) cases(t testing.TB, opts *submission.CasesOptions) *submission.Cases {
	t.Helper()
	o := submission.CasesOptions{Notifier: b.notes, Now: b.clock.Now, Municipality: "Exempelkommunen"}
	if opts != nil {
		o.ReleaseOwnData = opts.ReleaseOwnData
	}
	c, err := submission.NewCases(b.db, b.drafts, b.reg, &o)
	require.NoError(t, err)
	return c
}

func kinds(events []submission.Event) []submission.EventKind {
	var out []submission.EventKind
	for _, e := range events {
		out = append(out, e.Kind)
	}
	return out
}

func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := b.submitted(t, a)
	off := b.officer("anna", handles("parkering"))

	inbox, err := cs.Inbox(b.ctx, off, "parkering")
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	require.Equal(t, r.Reference, inbox[0].Reference)
	require.Equal(t, "Parkeringstillstånd", inbox[0].Title.SV)

	c, err := cs.Read(b.ctx, off, r.CaseID)
	require.NoError(t, err)
	require.Equal(t, "Reumatism", c.Values["diagnos"].Text())
	require.NotEmpty(t, c.Flags, "officers see the flags")

	require.NoError(t, cs.Acknowledge(b.ctx, off, r.CaseID))
	require.ErrorIs(t, cs.Acknowledge(b.ctx, off, r.CaseID), submission.ErrTransition, "acknowledged once")
	require.NoError(t, cs.SetStatus(b.ctx, off, r.CaseID, submission.StatusInProgress, "Utredning pågår"))
	require.NoError(t, cs.SendMessage(b.ctx, off, r.CaseID, "Hej! Vi behöver ett nytt läkarintyg."))
	require.NoError(t, cs.Reply(b.ctx, a, r.CaseID, "Jag skickar det snart."))
	due := b.clock.Now().Add(14 * 24 * time.Hour)
	require.NoError(t, cs.RequestComplement(b.ctx, off, r.CaseID, submission.ComplementParams{
		Text: "Ange diagnosen enligt intyget.", Fields: []string{"diagnos"}, Due: due}))

	mine, err := cs.Get(b.ctx, a, r.CaseID)
	require.NoError(t, err)
	require.Equal(t, submission.StatusAwaitingComplement, mine.Status)
	require.Nil(t, mine.Flags, "applicants do not see flags")
	require.NotNil(t, mine.OpenRequest)
	require.Equal(t, []string{"diagnos"}, mine.OpenRequest.Fields)
	require.Equal(t, []string{"message", "reply", "complementRequest"}, msgKinds(mine.Messages))

	// A complement answering what was not asked is refused.
	_, err = cs.Complement(b.ctx, a, r.CaseID, submission.ComplementAnswer{Values: form.Values{"namn": form.String("Annat")}})
	require.ErrorIs(t, err, submission.ErrNotRequested)
	// An invalid answer is refused with field errors.
	_, err = cs.Complement(b.ctx, a, r.CaseID, submission.ComplementAnswer{Values: form.Values{"diagnos": form.String(strings.Repeat("x", 5000))}})
	var ve *form.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "diagnos", ve.Fields[0].Field)

	rc, err := cs.Complement(b.ctx, a, r.CaseID, submission.ComplementAnswer{Values: form.Values{"diagnos": form.String("Reumatoid artrit")}, Text: "Se ny diagnos."})
	require.NoError(t, err)
	require.Equal(t, r.Reference, rc.Reference)
	require.Len(t, rc.Digest, 64)
	_, err = cs.Complement(b.ctx, a, r.CaseID, submission.ComplementAnswer{Text: "igen"})
	require.ErrorIs(t, err, submission.ErrNoComplementRequested)

	require.NoError(t, b.pipe.Verify(b.ctx, r.CaseID), "the original record is untouched by complements")
	c, err = cs.Read(b.ctx, off, r.CaseID)
	require.NoError(t, err)
	require.Equal(t, "Reumatism", c.Values["diagnos"].Text(), "the record keeps the original answer")
	require.Equal(t, submission.StatusComplemented, c.Status)

	require.NoError(t, cs.Close(b.ctx, off, r.CaseID, "Parkeringstillstånd beviljas.", "Beviljad"))
	require.ErrorIs(t, cs.SendMessage(b.ctx, off, r.CaseID, "efteråt"), submission.ErrTransition)
	require.ErrorIs(t, cs.Reply(b.ctx, a, r.CaseID, "efteråt"), submission.ErrTransition)
	require.ErrorIs(t, cs.SetStatus(b.ctx, off, r.CaseID, submission.StatusInProgress, ""), submission.ErrTransition)

	require.Equal(t, []submission.EventKind{submission.EventSubmitted, submission.EventAcknowledged, submission.EventMessage,
		submission.EventReplied, submission.EventComplementRequested, submission.EventComplemented, submission.EventClosed}, kinds(b.notes.regs))
	for _, e := range b.notes.regs {
		require.Equal(t, a.Subject, e.Applicant)
		require.Equal(t, r.Reference, e.Reference)
	}
	require.Equal(t, due, b.notes.regs[4].Due)

	require.NoError(t, submission.VerifyAuditLog(b.ctx, b.db, r.CaseID))
	log, err := submission.AuditLog(b.ctx, b.db, r.CaseID)
	require.NoError(t, err)
	var events []string
	for _, e := range log {
		events = append(events, e.Event)
	}
	require.Equal(t, []string{"submitted", "read", "acknowledged", "status", "message", "replied", "complementRequested",
		"complemented", "read", "closed"}, events)
	for _, e := range log {
		require.NotContains(t, e.Actor, pnrA, "actors are masked")
	}

	closed, err := cs.Inbox(b.ctx, off, "parkering", submission.StatusClosed)
	require.NoError(t, err)
	require.Len(t, closed, 1)
	open, err := cs.Inbox(b.ctx, off, "parkering", submission.StatusSubmitted, submission.StatusReceived)
	require.NoError(t, err)
	require.Empty(t, open)
}

func msgKinds(ms []submission.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

// TestCaseIsolation: the applicant, another applicant, an officer of
// another e-service and an officer of this one, over every operation.
func TestCaseIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := b.submitted(t, a)
	this := b.officer("anna", handles("parkering"))
	other := b.officer("olle", handles("bygglov"))
	bPerson := b.person(pnrB)
	aForOrg := a
	aForOrg.Party = identity.Party{Kind: identity.PartyCompany, Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "5560160680"},
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, CheckedAt: b.clock.Now()}}

	officerOps := map[string]func(who identity.Principal) error{
		"Read":        func(who identity.Principal) error { _, err := cs.Read(b.ctx, who, r.CaseID); return err },
		"Acknowledge": func(who identity.Principal) error { return cs.Acknowledge(b.ctx, who, r.CaseID) },
		"SetStatus": func(who identity.Principal) error {
			return cs.SetStatus(b.ctx, who, r.CaseID, submission.StatusInProgress, "")
		},
		"SendMessage": func(who identity.Principal) error { return cs.SendMessage(b.ctx, who, r.CaseID, "hej") },
		"RequestComplement": func(who identity.Principal) error {
			return cs.RequestComplement(b.ctx, who, r.CaseID, submission.ComplementParams{Text: "mer"})
		},
		"Close": func(who identity.Principal) error { return cs.Close(b.ctx, who, r.CaseID, "beslut", "") },
		"Inbox": func(who identity.Principal) error { _, err := cs.Inbox(b.ctx, who, "parkering"); return err },
		"InboxPage": func(who identity.Principal) error {
			_, err := cs.InboxPage(b.ctx, who, "parkering", submission.InboxQuery{})
			return err
		},
	}
	applicantOps := map[string]func(who identity.Principal) error{
		"Get":   func(who identity.Principal) error { _, err := cs.Get(b.ctx, who, r.CaseID); return err },
		"Reply": func(who identity.Principal) error { return cs.Reply(b.ctx, who, r.CaseID, "svar") },
		"Complement": func(who identity.Principal) error {
			_, err := cs.Complement(b.ctx, who, r.CaseID, submission.ComplementAnswer{Text: "x"})
			return err
		},
	}
	for name, op := range officerOps {
		for _, who := range []identity.Principal{a, bPerson, other} {
			require.ErrorIs(t, op(who), submission.ErrNotFound, "%s by %v", name, who)
		}
	}
	for name, op := range applicantOps {
		for _, who := range []identity.Principal{bPerson, aForOrg, this, other} {
			require.ErrorIs(t, op(who), submission.ErrNotFound, "%s by %v", name, who)
		}
	}
	for _, who := range []identity.Principal{bPerson, aForOrg, this} {
		mine, err := cs.Mine(b.ctx, who)
		require.NoError(t, err)
		require.Empty(t, mine)
	}
	mine, err := cs.Mine(b.ctx, a)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	_, err = cs.Read(b.ctx, this, r.CaseID)
	require.NoError(t, err)
	_, err = cs.Get(b.ctx, a, r.CaseID)
	require.NoError(t, err)
}
