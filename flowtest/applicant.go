package flowtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/submission"
)

// Applicant drives one person through applications with the library API,
// the way the portal does on their behalf: log in with (fake) BankID, act
// for an organisation, start a form, fill its steps, save, resume, attach
// files and submit.
//
// Each method fails the test with a short message naming the applicant's
// step and the problem; the Try variants return the error instead, for
// tests of what must go wrong. Methods that return *Applicant chain.
//
// An Applicant keeps a working copy of the answers, like the page in the
// browser: Fill changes it, Save, Attach and Submit store it.
type Applicant struct {
	env     *Env
	t       testing.TB
	subject identity.Subject
	who     *identity.Principal
	ev      *identity.Evidence
	party   identity.Subject // whom to act for again after a new login

	d      *draft.Draft
	f      *form.Form
	values form.Values
	dirty  bool
	step   string
}

// Applicant returns a person with personal number pnr (12 digits, or
// with a hyphen), not yet logged in. It fails t for an invalid number.
func (e *Env) Applicant(t testing.TB, pnr string) *Applicant {
	t.Helper()
	s, err := identity.ParseSubject(identity.SchemePersonnummer, pnr)
	require.NoError(t, err, "flowtest: applicant: personal number")
	return &Applicant{env: e, t: t, subject: s}
}

func (a *Applicant) ctx() context.Context { return context.Background() }

// name identifies the applicant in failure messages (masked).
func (a *Applicant) name() string { return a.subject.Masked() }

// Login logs in with BankID through the fake: the order is started, the
// person scans the QR code and approves, and the completed order yields
// the Principal and its evidence. When the applicant acted for an
// organisation before, the new login acts for it again, as the portal
// does after a re-login.
func (a *Applicant) Login() *Applicant {
	a.t.Helper()
	require.NoError(a.t, a.TryLogin(), "flowtest: %s: login", a.name())
	return a
}

// TryLogin is Login returning the error.
func (a *Applicant) TryLogin() error {
	ctx := a.ctx()
	e := a.env
	ch, err := e.Login.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.10"})
	if err != nil {
		return err
	}
	qr := bankid.QRData(ch.QRStartToken, ch.Secret, bankid.QRSeconds(ch.StartedAt, e.Clock.Now()))
	if _, err := e.BankID.Sign(qr, a.subject.Value); err != nil {
		return fmt.Errorf("flowtest: the app could not scan: %w", err)
	}
	st, err := e.Login.Poll(ctx, ch)
	if err != nil {
		return err
	}
	if st.State != identity.StateComplete || st.Result == nil {
		return fmt.Errorf("flowtest: login ended %s (%s)", st.State, st.Hint)
	}
	who, ev := st.Result.Principal, st.Result.Evidence
	if !a.party.IsZero() {
		if who, err = identity.ActFor(ctx, e.Representation, who, a.party); err != nil {
			return err
		}
	}
	a.who, a.ev = &who, &ev
	return nil
}

// Logout forgets the login. Drafts stay; Login again to continue them.
func (a *Applicant) Logout() *Applicant {
	a.who, a.ev = nil, nil
	return a
}

// ActFor makes the logged-in applicant act for the organisation orgnr,
// with the mandate from Env.Representation (see Env.Grant).
func (a *Applicant) ActFor(orgnr string) *Applicant {
	a.t.Helper()
	require.NoError(a.t, a.TryActFor(orgnr), "flowtest: %s: act for %s", a.name(), orgnr)
	return a
}

// TryActFor is ActFor returning the error (identity.ErrNoMandate without
// a mandate).
func (a *Applicant) TryActFor(orgnr string) error {
	a.t.Helper()
	who := a.principal()
	org, err := identity.ParseSubject(identity.SchemeOrganisationsnummer, orgnr)
	if err != nil {
		return err
	}
	acted, err := identity.ActFor(a.ctx(), a.env.Representation, identity.AsSelf(who), org)
	if err != nil {
		return err
	}
	a.who, a.party = &acted, org
	return nil
}

// AsSelf makes the applicant act for themselves again.
func (a *Applicant) AsSelf() *Applicant {
	a.t.Helper()
	who := identity.AsSelf(a.principal())
	a.who, a.party = &who, identity.Subject{}
	return a
}

// Principal returns whom the applicant is logged in as; it fails the test
// before Login.
func (a *Applicant) Principal() identity.Principal {
	a.t.Helper()
	return a.principal()
}

func (a *Applicant) principal() identity.Principal {
	a.t.Helper()
	if a.who == nil {
		a.t.Fatalf("flowtest: %s is not logged in: call Login first", a.name())
	}
	return *a.who
}

// Start creates a draft of the latest version of the e-service formID
// (with the fields the login prefills) and makes it the applicant's
// current draft.
func (a *Applicant) Start(formID string) *Applicant {
	a.t.Helper()
	d, err := a.env.Drafts.Create(a.ctx(), a.principal(), formID, nil)
	require.NoError(a.t, err, "flowtest: %s: start %s", a.name(), formID)
	a.use(d)
	return a
}

// use makes d the current draft and its answers the working copy.
func (a *Applicant) use(d *draft.Draft) {
	a.t.Helper()
	f, err := a.env.Forms.Get(d.FormID, d.FormVersion)
	require.NoError(a.t, err, "flowtest: form %s version %d", d.FormID, d.FormVersion)
	a.d, a.f, a.values, a.dirty, a.step = d, f, d.Values.Clone(), false, d.Step
}

func (a *Applicant) current() *draft.Draft {
	a.t.Helper()
	if a.d == nil {
		a.t.Fatalf("flowtest: %s has no draft: call Start or Open first", a.name())
	}
	return a.d
}

// Draft returns the current draft as last stored.
func (a *Applicant) Draft() *draft.Draft {
	a.t.Helper()
	return a.current()
}

// Values returns a copy of the working answers, including what was filled
// but not yet saved.
func (a *Applicant) Values() form.Values {
	a.t.Helper()
	a.current()
	return a.values.Clone()
}

// Fill answers one step, as if the applicant typed the values and pressed
// "Nästa": the values replace the step's answers in the working copy and
// the step must then be complete and valid. Values are keyed by field ID:
// text, numbers, booleans, dates as "YYYY-MM-DD" or time.Time, []string for
// multichoice, []map[string]any for repeating groups. File fields are
// answered with Attach.
func (a *Applicant) Fill(step string, values map[string]any) *Applicant {
	a.t.Helper()
	if err := a.TryFill(step, values); err != nil {
		a.t.Fatalf("flowtest: %s: step %q of %s is not accepted:%s", a.name(), step, a.current().FormID, describe(err))
	}
	return a
}

// TryFill is Fill returning the *form.ValidationError of the step instead
// of failing. The values stay in the working copy either way, as on the
// page.
func (a *Applicant) TryFill(step string, values map[string]any) error {
	a.t.Helper()
	vals := a.decode(step, values)
	return a.fillValues(step, vals)
}

// FillValues is Fill with values already in the form package's types.
func (a *Applicant) FillValues(step string, values form.Values) *Applicant {
	a.t.Helper()
	if err := a.fillValues(step, values); err != nil {
		a.t.Fatalf("flowtest: %s: step %q of %s is not accepted:%s", a.name(), step, a.current().FormID, describe(err))
	}
	return a
}

func (a *Applicant) fillValues(step string, values form.Values) error {
	a.t.Helper()
	a.current()
	st := a.f.Step(step)
	if st == nil {
		a.t.Fatalf("flowtest: %s has no step %q (steps: %v)", a.f.ID, step, stepIDs(a.f))
	}
	for id := range values {
		if !slices.ContainsFunc(st.Fields, func(fd form.Field) bool { return fd.ID == id }) {
			_, on := a.f.Field(id)
			a.t.Fatalf("flowtest: field %q is not on step %q of %s (it is on %q)", id, step, a.f.ID, on)
		}
	}
	res, err := a.check(a.values, form.Partial, "")
	require.NoError(a.t, err)
	if !visible(res, step) {
		a.t.Fatalf("flowtest: step %q of %s is hidden by the answers so far", step, a.f.ID)
	}
	merged, err := a.f.WithStep(a.values, step, values)
	require.NoError(a.t, err, "flowtest: merge step %q", step)
	a.values, a.dirty, a.step = merged, true, step
	res, err = a.check(merged, form.Complete, step)
	require.NoError(a.t, err)
	return res.Err()
}

func (a *Applicant) check(values form.Values, mode form.Mode, step string) (*form.Result, error) {
	return a.f.Check(a.ctx(), values, &form.CheckOptions{Mode: mode, Step: step, Now: a.env.Clock.Now})
}

func visible(res *form.Result, step string) bool {
	for _, s := range res.Steps {
		if s.ID == step {
			return s.Visible
		}
	}
	return false
}

func stepIDs(f *form.Form) []string {
	out := make([]string, len(f.Steps))
	for i, s := range f.Steps {
		out[i] = s.ID
	}
	return out
}

// decode turns test values into form values through the canonical JSON
// decoder, so they are typed exactly as a JSON document would be.
func (a *Applicant) decode(step string, values map[string]any) form.Values {
	a.t.Helper()
	a.current()
	doc := make(map[string]any, len(values))
	for k, v := range values {
		doc[k] = jsonValue(v)
	}
	data, err := json.Marshal(doc)
	require.NoError(a.t, err, "flowtest: values of step %q", step)
	vals, err := form.DecodeJSON(a.f, data)
	if err != nil {
		a.t.Fatalf("flowtest: values of step %q of %s do not decode:%s", step, a.f.ID, describe(err))
	}
	return vals
}

// jsonValue writes times as dates and recurses into groups.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format("2006-01-02")
	case []map[string]any:
		out := make([]map[string]any, len(x))
		for i, item := range x {
			m := make(map[string]any, len(item))
			for k, iv := range item {
				m[k] = jsonValue(iv)
			}
			out[i] = m
		}
		return out
	}
	return v
}

// Save stores the working answers, as "Spara" does: checked for types and
// formats, not completeness.
func (a *Applicant) Save() *Applicant {
	a.t.Helper()
	if err := a.TrySave(); err != nil {
		a.t.Fatalf("flowtest: %s: save %s: %s", a.name(), a.current().FormID, describe(err))
	}
	return a
}

// TrySave is Save returning the error: a *form.ValidationError for
// malformed answers, draft.ErrLoginRequired for a stale login, ...
func (a *Applicant) TrySave() error {
	a.t.Helper()
	d := a.current()
	nd, err := a.env.Drafts.Save(a.ctx(), a.principal(), d.ID, draft.SaveParams{Revision: d.Revision, Step: a.step, Values: a.values})
	if err != nil {
		return err
	}
	a.use(nd)
	return nil
}

// saveIfDirty stores unsaved answers before an operation that works on
// the stored draft.
func (a *Applicant) saveIfDirty() error {
	a.t.Helper()
	if !a.dirty {
		return nil
	}
	return a.TrySave()
}

// Resume reopens the current draft from storage, as "Fortsätt" on Mina
// sidor does, discarding unsaved answers. The login must be fresh
// (draft.Options.MaxAuthAge): after Env.Clock has moved on, Login again
// first.
func (a *Applicant) Resume() *Applicant {
	a.t.Helper()
	if err := a.TryResume(); err != nil {
		hint := ""
		if errors.Is(err, draft.ErrLoginRequired) {
			hint = ": the login is too old, call Login first"
		}
		a.t.Fatalf("flowtest: %s: resume: %v%s", a.name(), err, hint)
	}
	return a
}

// TryResume is Resume returning the error (draft.ErrLoginRequired for a
// stale login, draft.ErrNotFound for a draft that is gone or not the
// applicant's in the capacity they act in now).
func (a *Applicant) TryResume() error {
	a.t.Helper()
	return a.TryOpen(a.current().ID)
}

// Open makes the draft with the given ID the current one.
func (a *Applicant) Open(draftID string) *Applicant {
	a.t.Helper()
	require.NoError(a.t, a.TryOpen(draftID), "flowtest: %s: open draft %s", a.name(), draftID)
	return a
}

// TryOpen is Open returning the error; another person's draft is
// draft.ErrNotFound.
func (a *Applicant) TryOpen(draftID string) error {
	a.t.Helper()
	d, err := a.env.Drafts.Get(a.ctx(), a.principal(), draftID)
	if err != nil {
		return err
	}
	a.use(d)
	return nil
}

// Drafts lists the applicant's drafts (in the capacity they act in), as
// Mina sidor shows them.
func (a *Applicant) Drafts() []draft.Summary {
	a.t.Helper()
	list, err := a.env.Drafts.List(a.ctx(), a.principal())
	require.NoError(a.t, err, "flowtest: %s: list drafts", a.name())
	return list
}

// Attach uploads a file to a file field of the current draft (saving
// unsaved answers first). The content decides the type: use PDF, PNG or
// JPEG for files a field accepts.
func (a *Applicant) Attach(field, name string, data []byte) *Applicant {
	a.t.Helper()
	_, err := a.TryAttach(field, name, data)
	require.NoError(a.t, err, "flowtest: %s: attach %q to %s", a.name(), name, field)
	return a
}

// TryAttach is Attach returning the reference or the error
// (draft.ErrFileType, draft.ErrTooLarge, draft.ErrTooManyAttachments, ...).
func (a *Applicant) TryAttach(field, name string, data []byte) (form.FileRef, error) {
	a.t.Helper()
	if err := a.saveIfDirty(); err != nil {
		return form.FileRef{}, err
	}
	d := a.current()
	nd, ref, err := a.env.Drafts.Attach(a.ctx(), a.principal(), d.ID, draft.AttachParams{
		Revision: d.Revision, Field: field, Name: name, Data: data,
	})
	if err != nil {
		return form.FileRef{}, err
	}
	step := a.step
	a.use(nd)
	a.step = step
	return ref, nil
}

// Submit stores unsaved answers and submits the current draft, with the
// login's evidence. It returns the receipt; the draft is gone afterwards.
func (a *Applicant) Submit() *submission.Receipt {
	a.t.Helper()
	r, err := a.TrySubmit()
	if err != nil {
		var inc *submission.IncompleteError
		if errors.As(err, &inc) && inc.Validation != nil {
			a.t.Fatalf("flowtest: %s: submit %s: incomplete:%s", a.name(), a.current().FormID, describe(inc.Validation))
		}
		a.t.Fatalf("flowtest: %s: submit: %v", a.name(), err)
	}
	return r
}

// TrySubmit is Submit returning the error (*submission.IncompleteError
// listing what is missing by step, draft.ErrLoginRequired, ...).
func (a *Applicant) TrySubmit() (*submission.Receipt, error) {
	a.t.Helper()
	if err := a.saveIfDirty(); err != nil {
		return nil, err
	}
	d := a.current()
	r, err := a.env.Pipeline.Submit(a.ctx(), a.principal(), d.ID, &submission.SubmitOptions{Evidence: a.ev})
	if err != nil {
		return nil, err
	}
	a.d, a.values, a.dirty = nil, nil, false
	return r, nil
}

// Cases lists the applicant's own cases (in the capacity they act in),
// newest first, as Mina sidor shows them.
func (a *Applicant) Cases() []submission.Summary {
	a.t.Helper()
	list, err := a.env.Cases.Mine(a.ctx(), a.principal())
	require.NoError(a.t, err, "flowtest: %s: list cases", a.name())
	return list
}

// Case returns the applicant's own case with its messages.
func (a *Applicant) Case(caseID string) *submission.Case {
	a.t.Helper()
	c, err := a.env.Cases.Get(a.ctx(), a.principal(), caseID)
	require.NoError(a.t, err, "flowtest: %s: case %s", a.name(), caseID)
	return c
}

// SetContact stores how the applicant wants to be notified (email, mobile
// number, language, channels), as the contact page of Mina sidor does.
func (a *Applicant) SetContact(c notify.Contact) *Applicant {
	a.t.Helper()
	require.NoError(a.t, a.env.Contacts.Set(a.ctx(), a.subject, c), "flowtest: %s: set contact", a.name())
	return a
}

// Inbox returns the applicant's in-app messages on Mina sidor, newest
// first (call Env.Deliver first).
func (a *Applicant) Inbox() []*notify.InboxMessage {
	a.t.Helper()
	list, err := a.env.Inbox.List(a.ctx(), a.principal(), 0)
	require.NoError(a.t, err, "flowtest: %s: inbox", a.name())
	return list
}

// FillSample answers every visible step of the current draft, in order,
// with the example answers of examples/forms (forms.SampleValues), and
// attaches a generated file of an accepted type for every file the sample
// lists. It works for the example e-services only, on a clock at
// forms.SampleDate (the default).
func (a *Applicant) FillSample() *Applicant {
	a.t.Helper()
	d := a.current()
	doc, err := forms.SampleValues(d.FormID)
	require.NoError(a.t, err, "flowtest: FillSample: no sample answers for %s", d.FormID)
	sample, err := form.DecodeJSON(a.f, doc)
	require.NoError(a.t, err, "flowtest: FillSample: sample answers of %s", d.FormID)
	return a.FillAll(sample)
}

// FillAll answers every visible step of the current draft, in order, from
// values (answers for the whole form, as form.DecodeJSON returns them),
// attaching a generated file for each file reference in values. It fails
// on the first step that is not accepted.
func (a *Applicant) FillAll(values form.Values) *Applicant {
	a.t.Helper()
	a.current()
	for _, st := range a.f.Steps {
		res, err := a.check(a.values, form.Partial, "")
		require.NoError(a.t, err)
		if !visible(res, st.ID) {
			continue
		}
		a.step = st.ID
		stepVals := form.Values{}
		for _, fd := range st.Fields {
			v, ok := values[fd.ID]
			if !ok {
				continue
			}
			if fd.Type == form.TypeFile {
				for _, ref := range v.Files() {
					a.Attach(fd.ID, ref.Name, SampleFile(&fd, ref.ContentType))
				}
				continue
			}
			stepVals[fd.ID] = v
		}
		a.FillValues(st.ID, stepVals)
	}
	return a
}
