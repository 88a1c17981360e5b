package flowtest_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/flowtest"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/notify"
	"github.com/etjanst/etjanst/submission"
)

const (
	pnrA       = "195001182046"
	pnrB       = "196001209136"
	orgAssoc   = "802000-0009"
	orgCompany = "556036-0793"
)

// Every example e-service, submitted with its sample answers by someone
// it is offered to.
func TestExampleServicesEndToEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		form  string
		actAs string // organisation, or "" for oneself
		files int
	}{
		{forms.Parkeringstillstand, "", 2},
		{forms.Foreningsbidrag, orgAssoc, 4},
		{forms.Varmepump, "", 1},
		{forms.Varmepump, orgCompany, 1},
	}
	for _, tt := range tests {
		t.Run(tt.form+"/"+tt.actAs, func(t *testing.T) {
			t.Parallel()
			env := flowtest.New(t, nil)
			env.Grant(t, pnrA, orgAssoc, "Idrottsföreningen Exempel")
			env.Grant(t, pnrA, orgCompany, "Exempelbolaget AB")
			a := env.Applicant(t, pnrA).Login()
			if tt.actAs != "" {
				a.ActFor(tt.actAs)
			}
			a.Start(tt.form).FillSample()
			require.Len(t, a.Draft().Attachments(), tt.files, "one attachment field per sample file field")
			r := a.Submit()
			require.Regexp(t, `^ETJ 2026/0000\d\d$`, r.Reference)
			require.Equal(t, tt.form, r.Service)
			require.False(t, r.Duplicate)
			require.Positive(t, r.Flags, "personal data is flagged for secrecy review")
			env.Verify(t, r.CaseID)

			// The case is the applicant's, in the capacity they acted in.
			cases := a.Cases()
			require.Len(t, cases, 1)
			require.Equal(t, r.Reference, cases[0].Reference)
			require.Equal(t, submission.StatusSubmitted, cases[0].Status)
			require.Empty(t, a.Drafts(), "the draft is gone")
			ev := env.Notices.Events(submission.EventSubmitted)
			require.Len(t, ev, 1)
			require.Equal(t, r.CaseID, ev[0].CaseID)
			if tt.actAs != "" {
				require.False(t, ev[0].Party.IsSelf())
				require.Empty(t, a.AsSelf().Cases(), "not the person's own case")
			}
		})
	}
}

func TestSaveResumeAfterNewLogin(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	a := env.Applicant(t, pnrA).Login().Start(forms.Parkeringstillstand)
	id := a.Draft().ID
	require.Equal(t, pnrA, a.Values()["personnummer"].Text(), "prefilled from the e-ID")
	a.Fill("sokande", map[string]any{
		"personnummer": pnrA, "fornamn": "Astrid", "efternamn": "Testsson",
		"utdelningsadress": "Storgatan 1", "postnummer": "75320", "postort": "Uppsala",
		"epost": "astrid@example.se",
	}).Save()

	// Two hours later the login is too old to continue.
	env.Clock.Advance(2 * time.Hour)
	err := a.TryResume()
	require.ErrorIs(t, err, draft.ErrLoginRequired)
	a.Login().Resume()
	require.Equal(t, id, a.Draft().ID)
	require.Equal(t, "753 20", a.Values()["postnummer"].Text(), "stored normalised")
	require.Equal(t, "sokande", a.Draft().Step)

	// Unsaved answers are lost on resume, as when a tab is closed.
	a.Fill("tillstand", map[string]any{"sokerSom": "passagerare", "ansokningstyp": "ny",
		"giltigFran": env.Clock.Now().AddDate(0, 0, 10), "giltighetstid": "1y"})
	a.Resume()
	require.True(t, a.Values()["sokerSom"].IsZero())
}

func TestFillReportsProblems(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	a := env.Applicant(t, pnrA).Login().Start(forms.Parkeringstillstand)
	err := a.TryFill("sokande", map[string]any{"personnummer": "19121212-1213", "postnummer": "123"})
	var ve *form.ValidationError
	require.ErrorAs(t, err, &ve)
	codes := map[string]string{}
	for _, fe := range ve.Fields {
		codes[fe.Field] = fe.Code
	}
	require.Equal(t, "personnummer", codes["personnummer"])
	require.Equal(t, "postnummer", codes["postnummer"])
	require.Equal(t, "required", codes["fornamn"])
	require.NotContains(t, codes, "telefon", "soft-required")
	// A malformed answer cannot be saved.
	require.ErrorAs(t, a.TrySave(), &ve)

	// Submitting an incomplete draft lists what is missing by step.
	b := env.Applicant(t, pnrB).Login().Start(forms.Parkeringstillstand)
	_, err = b.TrySubmit()
	require.ErrorIs(t, err, submission.ErrIncomplete)
	var inc *submission.IncompleteError
	require.ErrorAs(t, err, &inc)
	require.Contains(t, inc.ByStep(), "sokande")
	require.Contains(t, inc.ByStep(), "halsa")
}

func TestConditionsHideSteps(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	a := env.Applicant(t, pnrA).Login().Start(forms.Parkeringstillstand)
	sample, err := forms.SampleValues(forms.Parkeringstillstand)
	require.NoError(t, err)
	f, err := env.Forms.Latest(forms.Parkeringstillstand)
	require.NoError(t, err)
	vals, err := form.DecodeJSON(f, sample)
	require.NoError(t, err)
	// As a passenger the "resor" step is shown and must be answered.
	vals["sokerSom"] = form.String("passagerare")
	vals["hjalpBehov"] = form.String("Jag behöver hjälp att ta mig in och ut ur bilen och till entrén.")
	a.FillAll(vals)
	r := a.Submit()
	c := a.Case(r.CaseID)
	require.Contains(t, c.Values, "hjalpBehov")
	require.NotContains(t, c.Values, "korkort", "the driver-only answer is dropped")
}

func TestIsolation(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	env.Grant(t, pnrA, orgAssoc, "Idrottsföreningen Exempel")
	a := env.Applicant(t, pnrA).Login()
	mine := a.Start(forms.Parkeringstillstand).Draft().ID
	assoc := a.ActFor(orgAssoc).Start(forms.Foreningsbidrag).Draft().ID

	b := env.Applicant(t, pnrB).Login()
	require.ErrorIs(t, b.TryOpen(mine), draft.ErrNotFound)
	require.ErrorIs(t, b.TryOpen(assoc), draft.ErrNotFound)
	require.ErrorIs(t, b.TryActFor(orgAssoc), identity.ErrNoMandate)

	// The same person in another capacity is someone else too.
	require.ErrorIs(t, a.AsSelf().TryOpen(assoc), draft.ErrNotFound)
	require.ErrorIs(t, a.ActFor(orgAssoc).TryOpen(mine), draft.ErrNotFound)
	require.Len(t, a.Drafts(), 1)

	// And after submitting, cases.
	a.AsSelf().Open(mine).FillSample()
	r := a.Submit()
	_, err := env.Cases.Get(t.Context(), b.Principal(), r.CaseID)
	require.ErrorIs(t, err, submission.ErrNotFound)
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	a := env.Applicant(t, pnrA).Login().Start(forms.Parkeringstillstand)
	_, err := a.TryAttach("foto", "foto.pdf", flowtest.PDF("not a photo"))
	require.ErrorIs(t, err, draft.ErrFileType)
	ref, err := a.TryAttach("foto", "foto.jpg", flowtest.JPEG())
	require.NoError(t, err)
	require.Equal(t, "image/jpeg", ref.ContentType)
	_, err = a.TryAttach("foto", "foto2.png", flowtest.PNG())
	require.ErrorIs(t, err, draft.ErrTooManyAttachments, "one photo")
	a.Attach("lakarintyg", "intyg.pdf", flowtest.PDF("Intyg"))
	require.Len(t, a.Draft().Attachments()["lakarintyg"], 1)
}

func TestPDFIsWellFormed(t *testing.T) {
	t.Parallel()
	pdf := flowtest.PDF("Läkarintyg (kopia)")
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-1.4\n"))
	require.True(t, strings.HasSuffix(string(pdf), "%%EOF\n"))
	require.Contains(t, string(pdf), `(L?karintyg \(kopia\)) Tj`)
}

// exampleT stands in for the *testing.T of a real test in the examples
// below, which have none; it fails by printing.
type exampleT struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
	dirs     []string
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
	panic("test failed")
}
func (t *exampleT) FailNow()         { panic("test failed") }
func (t *exampleT) Cleanup(f func()) { t.mu.Lock(); t.cleanups = append(t.cleanups, f); t.mu.Unlock() }
func (t *exampleT) TempDir() string {
	dir, err := os.MkdirTemp("", "flowtest-example")
	if err != nil {
		panic(err)
	}
	t.dirs = append(t.dirs, dir)
	return dir
}

func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	for _, d := range t.dirs {
		_ = os.RemoveAll(d)
	}
}

func Example() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.done()

	env := flowtest.New(t, nil)
	a := env.Applicant(t, "195001182046").Login()
	receipt := a.Start(forms.Parkeringstillstand).FillSample().Submit()
	fmt.Println(receipt.Reference, receipt.Attachments)
	// Output: ETJ 2026/000001 2
}

func ExampleApplicant_Resume() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.done()

	env := flowtest.New(t, nil)
	a := env.Applicant(t, "195001182046").Login().Start(forms.Varmepump)
	a.Fill("fastighet", map[string]any{
		"fastighetsbeteckning": "Uppsala Kåbo 1:23", "fastighetsadress": "Storgatan 1",
		"agartyp": "privatperson", "agarePersonnummer": "19500118-2046", "agareNamn": "Astrid Testsson",
	}).Save()

	env.Clock.Advance(2 * time.Hour)
	err := a.TryResume()
	fmt.Println(errors.Is(err, draft.ErrLoginRequired))
	a.Login().Resume()
	fmt.Println(a.Values()["fastighetsbeteckning"].Text())
	// Output:
	// true
	// Uppsala Kåbo 1:23
}

func TestNoticesAreDelivered(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, nil)
	a := env.Applicant(t, pnrA).Login().SetContact(notify.Contact{Email: "astrid@example.se", Channels: []notify.Channel{notify.ChannelEmail}})
	r := a.Start(forms.Parkeringstillstand).FillSample().Submit()
	st := env.Deliver(t)
	require.Positive(t, st.Sent)
	require.Zero(t, st.Dead)

	inbox := a.Inbox()
	require.Len(t, inbox, 1)
	require.Equal(t, r.Reference, inbox[0].CaseRef)
	sent := env.Sent.Deliveries()
	require.Len(t, sent, 1, "email only: no SMS was chosen")
	require.Equal(t, notify.ChannelEmail, sent[0].Channel)
	require.Equal(t, "astrid@example.se", sent[0].Address)
	require.Contains(t, sent[0].Text, r.Reference)
	require.NotContains(t, sent[0].Text, "parkeringstillstånd", "email never names the e-service")
	require.Empty(t, env.Applicant(t, pnrB).Login().Inbox(), "nobody else's")
}
