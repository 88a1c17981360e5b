package submission_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
	"github.com/etjanst/etjanst/submission"
)

func reviewer(b *bundle) identity.Principal {
	return b.officer("rita", identity.Role{Name: identity.RoleDisclosureReviewer, Services: []string{"parkering"}})
}

// fileRequest files a disclosure request as who (nil: anonymously) and
// returns it as a reviewer sees it, after checking that the requester's
// own view tells nothing of the review items.
func fileRequest(t *testing.T, b *bundle, cs *submission.Cases, who *identity.Principal, p submission.DisclosureParams) *submission.DisclosureRequest {
	t.Helper()
	req, err := cs.RequestDisclosure(b.ctx, who, p)
	require.NoError(t, err)
	require.Empty(t, req.Items, "the requester learns nothing of the review items")
	require.Empty(t, req.CaseID)
	full, err := cs.Review(b.ctx, reviewer(b), req.ID)
	require.NoError(t, err)
	require.Equal(t, req.Reference, full.Reference)
	require.NotEmpty(t, full.Items)
	return full
}

// submitWithText submits a case whose free text mentions a third person.
func submitWithText(t *testing.T, b *bundle, who identity.Principal) *submission.Receipt {
	t.Helper()
	d := b.complete(t, who, "forare")
	v := d.Values.Clone()
	v["ovrigt"] = form.String("Kontakta min son 19121212-1212 på son@example.se.")
	d, err := b.drafts.Save(b.ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	require.NoError(t, err)
	r, err := b.pipe.Submit(b.ctx, who, d.ID, nil)
	require.NoError(t, err)
	return r
}

func TestAnonymousDisclosureWithMasking(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := submitWithText(t, b, a)
	rev := reviewer(b)

	req := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference})
	require.Equal(t, submission.DisclosureOpen, req.Status)
	require.Equal(t, len(req.Items), req.Undecided())

	queue, err := cs.DisclosureQueue(b.ctx, rev, "parkering")
	require.NoError(t, err)
	require.Len(t, queue, 1)
	_, err = cs.DisclosureQueue(b.ctx, b.officer("olle", handles("bygglov")), "parkering")
	require.ErrorIs(t, err, submission.ErrNotFound)

	// Release is blocked while items are undecided.
	_, err = cs.Release(b.ctx, rev, req.ID)
	require.ErrorIs(t, err, submission.ErrUndecided)
	_, err = cs.Outcome(b.ctx, nil, req.ID)
	require.ErrorIs(t, err, submission.ErrUndecided)

	// Masking needs a legal ground and a reasoning, which goes out with
	// the decision and so must not hold personal data itself.
	require.ErrorIs(t, cs.Decide(b.ctx, rev, req.ID, req.Items[0].FlagID, submission.ItemDecision{Outcome: submission.OutcomeMask}), submission.ErrInvalid)
	for _, reasoning := range []string{"Gäller 19121212-1212.", "Se anna.svensson@kommun.se", "Ring 070-123 45 67"} {
		require.ErrorIs(t, cs.Decide(b.ctx, rev, req.ID, req.Items[0].FlagID, submission.ItemDecision{
			Outcome: submission.OutcomeMask, OSL: "25:1", Reasoning: reasoning}), submission.ErrInvalid, reasoning)
	}

	var attachmentFlag string
	for i, it := range req.Items {
		d := submission.ItemDecision{Outcome: submission.OutcomeRelease}
		switch {
		case it.Flag.Path == "diagnos":
			d = submission.ItemDecision{Outcome: submission.OutcomeMask, OSL: "25:1", Reasoning: "Uppgift om hälsa; men kan uppstå."}
		case strings.HasPrefix(it.Flag.Path, "attachment:"):
			attachmentFlag = it.FlagID
			d = submission.ItemDecision{Outcome: submission.OutcomeWithhold, OSL: "25:1", Reasoning: "Läkarintyg."}
		case it.Flag.Path == "pnr", it.Flag.Path == "sender":
			d = submission.ItemDecision{Outcome: submission.OutcomeMask, OSL: "21:3", Reasoning: "Identitetsuppgift."}
		case it.Flag.Path == "ovrigt":
			d = submission.ItemDecision{Outcome: submission.OutcomeMask, OSL: "26:1", Reasoning: "Uppgifter om tredje man."}
		}
		require.NoError(t, cs.Decide(b.ctx, rev, req.ID, it.FlagID, d), "item %d", i)
	}
	require.NotEmpty(t, attachmentFlag)

	rel, err := cs.Release(b.ctx, rev, req.ID)
	require.NoError(t, err)
	copyJSON, err := json.Marshal(rel)
	require.NoError(t, err)
	text := string(copyJSON)
	for _, secret := range []string{"Reumatism", "19121212-1212", "son@example.se", pnrA, "intyg.pdf", "%PDF", "JVBER"} {
		require.NotContains(t, text, secret, "the released copy holds no masked or withheld value")
	}
	require.Contains(t, text, "Kontakta min son [MASKERAT] på [MASKERAT].", "free text masked where found, the rest kept")
	require.Contains(t, text, "K-123456", "released values stay")
	require.Contains(t, text, "Tolvan Tolvansson", "the name was released")
	var app, att *submission.ReleasedDocument
	for i := range rel.Documents {
		switch rel.Documents[i].Kind {
		case "application":
			app = &rel.Documents[i]
		case "attachment":
			att = &rel.Documents[i]
		}
	}
	require.NotNil(t, app)
	require.NotNil(t, att)
	require.True(t, att.Withheld)
	require.Nil(t, att.Content)
	var vals map[string]any
	require.NoError(t, json.Unmarshal(app.Values, &vals))
	require.Equal(t, submission.MaskedText, vals["diagnos"], "structure kept, value replaced")

	require.NotNil(t, rel.Decision)
	dec := rel.Decision.Text.SV
	for _, want := range []string{"25 kap. 1 § offentlighets- och sekretesslagen", "21 kap. 3 §", "26 kap. 1 §", "kammarrätten",
		"tre veckor", "Exempelkommunen", r.Reference, "Bilaga 1"} {
		require.Contains(t, dec, want)
	}
	require.Contains(t, rel.Decision.Text.EN, "Administrative Court of Appeal")
	for _, secret := range []string{"Reumatism", "19121212-1212", "intyg.pdf"} {
		require.NotContains(t, dec, secret)
	}

	got, err := cs.Outcome(b.ctx, nil, req.ID)
	require.NoError(t, err, "the anonymous requester fetches the outcome by request ID")
	require.Equal(t, rel.Reference, got.Reference)
	_, err = cs.Release(b.ctx, rev, req.ID)
	require.ErrorIs(t, err, submission.ErrTransition)
	require.ErrorIs(t, cs.Decide(b.ctx, rev, req.ID, attachmentFlag, submission.ItemDecision{Outcome: submission.OutcomeRelease}), submission.ErrTransition)

	require.NoError(t, submission.VerifyAuditLog(b.ctx, b.db, r.CaseID))
	log, err := submission.AuditLog(b.ctx, b.db, r.CaseID)
	require.NoError(t, err)
	require.Equal(t, "disclosureRequested", log[1].Event)
	require.Equal(t, "anonymous", log[1].Actor)
	require.Equal(t, "disclosed", log[len(log)-1].Event)
}

// TestOfficerTextIsReviewedToo: a personnummer an officer wrote in a
// message is flagged and masked in the released copy.
func TestOfficerTextIsReviewedToo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := b.submitted(t, a)
	off := b.officer("anna", handles("parkering"))
	require.NoError(t, cs.SendMessage(b.ctx, off, r.CaseID, "Vi har noterat personnummer 19121212-1212 i ansökan."))
	require.NoError(t, cs.Close(b.ctx, off, r.CaseID, "Beviljas. Kontakt: handlaggare@kommun.se", ""))
	rev := reviewer(b)
	req := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference})
	var texts int
	for _, it := range req.Items {
		d := submission.ItemDecision{Outcome: submission.OutcomeRelease}
		if strings.HasPrefix(it.Flag.Reason, "freeText:") {
			texts++
			d = submission.ItemDecision{Outcome: submission.OutcomeMask, OSL: "21:3", Reasoning: "Uppgift om enskild."}
		}
		require.NoError(t, cs.Decide(b.ctx, rev, req.ID, it.FlagID, d))
	}
	require.Equal(t, 2, texts, "the personnummer in the message and the address in the decision")
	rel, err := cs.Release(b.ctx, rev, req.ID)
	require.NoError(t, err)
	out, _ := json.Marshal(rel)
	require.NotContains(t, string(out), "19121212-1212")
	require.NotContains(t, string(out), "handlaggare@kommun.se")
	require.Contains(t, string(out), "Vi har noterat personnummer [MASKERAT] i ansökan.")
}

func TestDisclosureEverythingReleasedHasNoDecision(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := b.submitted(t, a)
	rev := reviewer(b)
	req := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference, Requester: "journalist@example.se"})
	for _, it := range req.Items {
		require.NoError(t, cs.Decide(b.ctx, rev, req.ID, it.FlagID, submission.ItemDecision{Outcome: submission.OutcomeRelease}))
	}
	rel, err := cs.Release(b.ctx, rev, req.ID)
	require.NoError(t, err)
	require.Nil(t, rel.Decision)

	_, err = cs.RequestDisclosure(b.ctx, nil, submission.DisclosureParams{Reference: "KS 2026/999999"})
	require.ErrorIs(t, err, submission.ErrNotFound)
	_, err = cs.Review(b.ctx, b.person(pnrB), req.ID)
	require.ErrorIs(t, err, submission.ErrNotFound, "only reviewers of the e-service see requests")
}

func TestProtectedIdentityWithheldWhole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	a.Protected = true
	r := b.submitted(t, a)
	rev := reviewer(b)
	req := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference})
	for _, it := range req.Items {
		d := submission.ItemDecision{Outcome: submission.OutcomeRelease}
		if it.Flag.Path == "*" {
			d = submission.ItemDecision{Outcome: submission.OutcomeWithhold, OSL: "21:3", Reasoning: "Skyddad identitet."}
		}
		require.NoError(t, cs.Decide(b.ctx, rev, req.ID, it.FlagID, d))
	}
	rel, err := cs.Release(b.ctx, rev, req.ID)
	require.NoError(t, err)
	text, _ := json.Marshal(rel)
	for _, secret := range []string{"Reumatism", "Tolvan", pnrA, "K-123456", "intyg.pdf"} {
		require.NotContains(t, string(text), secret)
	}
	require.Contains(t, rel.Decision.Text.SV, "Hela handlingen")
}

func TestOwnDataPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	r := submitWithText(t, b, a)
	strict := b.cases(t, nil)
	req := fileRequest(t, b, strict, &a, submission.DisclosureParams{Reference: r.Reference})
	require.Equal(t, len(req.Items), req.Undecided(), "by default everything is reviewed, even for the applicant")

	lenient := b.cases(t, &submission.CasesOptions{ReleaseOwnData: true})
	req = fileRequest(t, b, lenient, &a, submission.DisclosureParams{Reference: r.Reference})
	require.Equal(t, 2, req.Undecided(), "the free-text findings about others still need review")
	own := req.ID
	rev := reviewer(b)
	for _, it := range req.Items {
		if it.Decision == nil {
			require.NoError(t, lenient.Decide(b.ctx, rev, own, it.FlagID, submission.ItemDecision{
				Outcome: submission.OutcomeMask, OSL: "26:1", Reasoning: "Uppgift om annan."}))
		}
	}
	_, err := lenient.Release(b.ctx, rev, own)
	require.NoError(t, err)
	bp := b.person(pnrB)
	req = fileRequest(t, b, lenient, &bp, submission.DisclosureParams{Reference: r.Reference})
	require.Equal(t, len(req.Items), req.Undecided(), "someone else's request is reviewed in full")

	// The applicant's own copy, their data unmasked, is theirs alone.
	for _, who := range []*identity.Principal{nil, &bp} {
		_, err := lenient.Outcome(b.ctx, who, own)
		require.ErrorIs(t, err, submission.ErrNotFound)
	}
	rel, err := lenient.Outcome(b.ctx, &a, own)
	require.NoError(t, err)
	out, _ := json.Marshal(rel)
	require.Contains(t, string(out), "Reumatism", "their own data as it stands")
	// Nor does the audit log, which officers read, give the request's ID
	// away.
	entries, err := submission.AuditLog(b.ctx, b.db, r.CaseID)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, string(e.Data), own)
	}
}

// TestDocumentRequestNamesNoOtherAttachment: a request for the application
// document alone reviews no attachment, so the copy names none of them
// (file names can be telling), while a request for the whole case, with
// the attachment released, names it.
func TestDocumentRequestNamesNoOtherAttachment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := b.submitted(t, a)
	c, err := b.db.CaseGet(b.ctx, &storage.CaseGetParams{ID: r.CaseID})
	require.NoError(t, err)
	rec, err := submission.DecodeRecord(c.Record)
	require.NoError(t, err)
	rev := reviewer(b)
	for _, tc := range []struct {
		name     string
		document string
		named    bool
	}{
		{"the application document", rec.Document, false},
		{"the whole case", "", true},
	} {
		req := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference, DocumentID: tc.document})
		for _, it := range req.Items {
			require.NoError(t, cs.Decide(b.ctx, rev, req.ID, it.FlagID, submission.ItemDecision{Outcome: submission.OutcomeRelease}))
		}
		rel, err := cs.Release(b.ctx, rev, req.ID)
		require.NoError(t, err, tc.name)
		out, _ := json.Marshal(rel)
		require.Equal(t, tc.named, strings.Contains(string(out), "intyg.pdf"), tc.name)
	}
}

// finishHook is a driver whose transactions run hook just before
// DisclosureFinish: work of another connection that commits in between.
type finishHook struct {
	storage.Driver
	hook func()
}

func (d finishHook) Begin(ctx context.Context) (storage.Tx, error) {
	tx, err := d.Driver.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return finishHookTx{Tx: tx, hook: d.hook}, nil
}

type finishHookTx struct {
	storage.Tx
	hook func()
}

func (t finishHookTx) DisclosureFinish(ctx context.Context, p *storage.DisclosureFinishParams) error {
	t.hook()
	return t.Tx.DisclosureFinish(ctx, p)
}

// TestReleaseSeesDecisionsMadeMeanwhile: on PostgreSQL (READ COMMITTED), a
// decision that commits while a release is being built does not leave the
// copy built on the earlier decision: the release fails and, done again,
// applies the new one.
func TestReleaseSeesDecisionsMadeMeanwhile(t *testing.T) {
	t.Parallel()
	b := setupOn(t, pgstoretest.Open(t, nil))
	a := b.person(pnrA)
	r := b.submitted(t, a)
	cs := b.cases(t, nil)
	rev := reviewer(b)
	req := fileRequest(t, b, cs, nil, submission.DisclosureParams{Reference: r.Reference})
	diagnos := ""
	for _, it := range req.Items {
		if it.Flag.Path == "diagnos" {
			diagnos = it.FlagID
		}
		require.NoError(t, cs.Decide(b.ctx, rev, req.ID, it.FlagID, submission.ItemDecision{Outcome: submission.OutcomeRelease}))
	}
	require.NotEmpty(t, diagnos)

	var once sync.Once
	racing, err := submission.NewCases(finishHook{Driver: b.db, hook: func() {
		once.Do(func() {
			require.NoError(t, cs.Decide(b.ctx, rev, req.ID, diagnos, submission.ItemDecision{
				Outcome: submission.OutcomeWithhold, OSL: "25:1", Reasoning: "Uppgift om hälsa."}))
		})
	}}, b.drafts, b.reg, &submission.CasesOptions{Notifier: b.notes, Now: b.clock.Now, Municipality: "Exempelkommunen"})
	require.NoError(t, err)
	_, err = racing.Release(b.ctx, rev, req.ID)
	require.ErrorIs(t, err, submission.ErrTransition, "built on a decision that changed")

	rel, err := racing.Release(b.ctx, rev, req.ID)
	require.NoError(t, err)
	out, _ := json.Marshal(rel)
	require.NotContains(t, string(out), "Reumatism", "the newer decision applies")
	require.NotNil(t, rel.Decision)
}

// TestOwnDataLeavesCustomFlagsForReview: with ReleaseOwnData, a flag a
// custom Classifier set (it may concern someone else) is still reviewed.
func TestOwnDataLeavesCustomFlagsForReview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pipe, err := submission.NewPipeline(b.db, b.drafts, &submission.Options{Notifier: b.notes, Now: b.clock.Now, ReferencePrefix: "KS",
		Classifiers: []submission.Classifier{submission.ClassifierFunc(func(_ context.Context, rec *submission.Record, _ form.Values) ([]submission.Flag, error) {
			return []submission.Flag{{Document: rec.Document, Path: "ovrigt", Kind: "thirdParty", Reason: "register:granne"}}, nil
		})}})
	require.NoError(t, err)
	a := b.person(pnrA)
	r, err := pipe.Submit(b.ctx, a, b.complete(t, a, "forare").ID, nil)
	require.NoError(t, err)
	req := fileRequest(t, b, b.cases(t, &submission.CasesOptions{ReleaseOwnData: true}), &a, submission.DisclosureParams{Reference: r.Reference})
	var undecided []string
	for _, it := range req.Items {
		if it.Decision == nil {
			undecided = append(undecided, it.Flag.Reason)
		}
	}
	require.Equal(t, []string{"register:granne"}, undecided)
}

// TestOfficerDoesNotReviewOwnRequest: an officer who files a disclosure
// request neither decides on it nor releases it; a colleague does.
func TestOfficerDoesNotReviewOwnRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs := b.cases(t, nil)
	a := b.person(pnrA)
	r := b.submitted(t, a)
	rita := reviewer(b)
	req := fileRequest(t, b, cs, &rita, submission.DisclosureParams{Reference: r.Reference})
	colleague := b.officer("olle", identity.Role{Name: identity.RoleDisclosureReviewer, Services: []string{"parkering"}})
	release := submission.ItemDecision{Outcome: submission.OutcomeRelease}
	require.ErrorIs(t, cs.Decide(b.ctx, rita, req.ID, req.Items[0].FlagID, release), submission.ErrOwnRequest)
	for _, it := range req.Items {
		require.NoError(t, cs.Decide(b.ctx, colleague, req.ID, it.FlagID, release))
	}
	_, err := cs.Release(b.ctx, rita, req.ID)
	require.ErrorIs(t, err, submission.ErrOwnRequest)
	_, err = cs.Release(b.ctx, colleague, req.ID)
	require.NoError(t, err)
}
