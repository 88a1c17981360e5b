package flowtest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/flowtest"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/submission"
)

// The officer's side of a case, and the applicant seeing it: acknowledge,
// message round trip, complement, close.
func TestOfficerHandlesACase(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	a := env.Applicant(t, pnrA).Login()
	r := a.Start(forms.Parkeringstillstand).FillSample().Submit()

	o := env.Officer(t, "handlaggare1", identity.Role{Name: identity.RoleOfficer, Services: []string{forms.Parkeringstillstand}})
	inbox := o.Inbox(forms.Parkeringstillstand, submission.StatusSubmitted)
	require.Len(t, inbox, 1)
	c := o.Read(r.CaseID)
	require.NotEmpty(t, c.Flags, "the officer sees the secrecy flags")
	o.Acknowledge(r.CaseID).Message(r.CaseID, "Vi återkommer inom två veckor.")
	a.Reply(r.CaseID, "Tack!")
	o.RequestComplement(r.CaseID, "Ange ditt telefonnummer.", "telefon")
	_, err := a.TryComplement(r.CaseID, map[string]any{"epost": "x@example.se"}, "")
	require.ErrorIs(t, err, submission.ErrNotRequested)
	a.Complement(r.CaseID, map[string]any{"telefon": "070-765 43 21"}, "Här är numret.")
	o.Close(r.CaseID, "Parkeringstillstånd beviljas för tre år.", "Beviljad")

	got := a.Case(r.CaseID)
	require.Equal(t, submission.StatusClosed, got.Status)
	var kinds []string
	for _, m := range got.Messages {
		kinds = append(kinds, m.Kind)
	}
	require.Equal(t, []string{"message", "reply", "complementRequest", "complement", "decision"}, kinds)
	require.Empty(t, got.Flags, "the applicant never sees flags")

	// Each event reached the applicant's inbox.
	env.Deliver(t)
	var noticeKinds []notify.Kind
	for _, m := range a.Inbox() {
		noticeKinds = append(noticeKinds, m.Kind)
	}
	require.ElementsMatch(t, []notify.Kind{notify.KindReceipt, notify.KindCaseReceived, notify.KindNewMessage,
		notify.KindComplementRequested, notify.KindComplemented, notify.KindDecision}, noticeKinds)

	// An officer of another e-service cannot read it.
	other := env.Officer(t, "handlaggare2", identity.Role{Name: identity.RoleOfficer, Services: []string{forms.Varmepump}})
	_, err = other.TryRead(r.CaseID)
	require.ErrorIs(t, err, submission.ErrNotFound)
	env.Verify(t, r.CaseID)
}

// Disclosure of a record with health data: anonymous request, per-item
// decisions, the masked copy and the written decision.
func TestDisclosureWithMaskedItem(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	r := env.Applicant(t, pnrA).Login().Start(forms.Parkeringstillstand).FillSample().Submit()

	req := env.RequestDisclosure(t, r.Reference, "")
	o := env.Officer(t, "registrator")
	require.Len(t, o.DisclosureQueue(forms.Parkeringstillstand), 1)
	review := o.Review(req.ID)
	require.Positive(t, review.Undecided())
	o.DecideAll(req.ID, func(it submission.ReviewItem) submission.ItemDecision {
		if it.Flag.Article9 || it.Flag.Kind == "identityNumber" {
			return submission.ItemDecision{Outcome: submission.OutcomeMask, OSL: "25:1", Reasoning: "Uppgift om enskilds hälsa eller identitet."}
		}
		return submission.ItemDecision{Outcome: submission.OutcomeRelease}
	})
	rel := o.Release(req.ID)
	require.NotNil(t, rel.Decision, "a written decision for what was masked")
	require.NotEmpty(t, rel.Decision.Grounds)

	copyJSON, err := json.Marshal(rel.Documents)
	require.NoError(t, err)
	require.Contains(t, string(copyJSON), submission.MaskedText)
	require.NotContains(t, string(copyJSON), "Reumatoid artrit", "the diagnosis is masked")
	require.NotContains(t, string(copyJSON), "19780101", "the personnummer is masked")
	require.NotContains(t, string(copyJSON), pnrA, "so is the sender's")
	require.Equal(t, rel.Reference, env.Outcome(t, req.ID).Reference)
	require.True(t, strings.HasPrefix(rel.Reference, "ETJ "))
}
