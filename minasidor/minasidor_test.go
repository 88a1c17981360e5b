package minasidor_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/minasidor"
	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/sqlitestore"
	"github.com/etjanst/etjanst/submission"
)

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func person(pnr string) identity.Principal {
	return identity.Principal{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: pnr},
		Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: now}
}

type env struct {
	drafts *draft.Store
	pipe   *submission.Pipeline
	cases  *submission.Cases
}

func setup(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "ms.db"), &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	reg := form.NewRegistry(nil)
	reg.MustRegister(&form.Form{ID: "anmalan", Version: 1, Title: form.T("Anmälan", "Notification"),
		Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{{ID: "s", Title: form.T("Steg", "Step"), Fields: []form.Field{
			{ID: "text", Type: form.TypeText, Label: form.T("Text", "Text"), Required: true}}}}})
	ring, err := draft.NewKeyRing(bytes.Repeat([]byte{3}, 32), draft.Key{ID: "k", Secret: bytes.Repeat([]byte{4}, 32)})
	require.NoError(t, err)
	clock := func() time.Time { return now }
	drafts, err := draft.NewStore(db, reg, ring, &draft.Options{Now: clock})
	require.NoError(t, err)
	quiet := submission.NotifierFunc(func(context.Context, storage.Tx, submission.Event) error { return nil })
	pipe, err := submission.NewPipeline(db, drafts, &submission.Options{Notifier: quiet, Now: clock})
	require.NoError(t, err)
	cases, err := submission.NewCases(db, drafts, reg, &submission.CasesOptions{Notifier: quiet, Now: clock})
	require.NoError(t, err)
	return &env{drafts: drafts, pipe: pipe, cases: cases}
}

func (e *env) submit(t *testing.T, who identity.Principal) string {
	t.Helper()
	ctx := context.Background()
	d, err := e.drafts.Create(ctx, who, "anmalan", nil)
	require.NoError(t, err)
	d, err = e.drafts.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: form.Values{"text": form.String("hej")}})
	require.NoError(t, err)
	r, err := e.pipe.Submit(ctx, who, d.ID, nil)
	require.NoError(t, err)
	return r.CaseID
}

func TestOverview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t)
	a, b := person("195001182046"), person("195001232296")
	_, err := e.drafts.Create(ctx, a, "anmalan", nil)
	require.NoError(t, err)
	open := e.submit(t, a)
	closed := e.submit(t, a)
	officer := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna"}, Method: identity.MethodOfficer,
		AuthTime: now, Assurance: identity.LoA3, Roles: []identity.Role{{Name: identity.RoleOfficer, Services: []string{"anmalan"}}}}
	require.NoError(t, e.cases.Close(ctx, officer, closed, "Klart.", ""))
	e.submit(t, b)

	bookings := &minasidor.StaticBookings{Name: "lokalbokning"}
	bookings.Add(a, minasidor.Booking{ID: "later", Title: form.T("Idrottshall", "Sports hall"), Start: now.Add(48 * time.Hour), End: now.Add(50 * time.Hour)})
	bookings.Add(a, minasidor.Booking{ID: "soon", Title: form.T("Möte", "Meeting"), Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)})
	bookings.Add(a, minasidor.Booking{ID: "past", Start: now.Add(-3 * time.Hour), End: now.Add(-2 * time.Hour)})
	bookings.Add(b, minasidor.Booking{ID: "b's"})
	inbox := minasidor.InboxFunc(func(_ context.Context, who identity.Principal, limit int) ([]minasidor.Message, int, error) {
		require.Equal(t, 20, limit)
		if who.Subject.Equal(a.Subject) {
			return []minasidor.Message{{ID: "m1", Subject: form.T("Mottagen", "Received")}}, 1, nil
		}
		return nil, 0, nil
	})
	ms, err := minasidor.New(e.drafts, e.cases, inbox, &minasidor.Options{Bookings: []minasidor.BookingSource{bookings}, Now: func() time.Time { return now }})
	require.NoError(t, err)

	ov, err := ms.Overview(ctx, a)
	require.NoError(t, err)
	require.Len(t, ov.Drafts, 1)
	require.Len(t, ov.Ongoing, 1)
	require.Equal(t, open, ov.Ongoing[0].ID)
	require.Len(t, ov.Closed, 1)
	require.Equal(t, closed, ov.Closed[0].ID)
	require.Equal(t, 1, ov.Unread)
	require.Equal(t, []string{"soon", "later"}, ids(ov.Bookings), "ended bookings left out, soonest first")
	require.Empty(t, ov.Unavailable)

	ovB, err := ms.Overview(ctx, b)
	require.NoError(t, err)
	require.Empty(t, ovB.Drafts)
	require.Len(t, ovB.Ongoing, 1)
	require.NotEqual(t, open, ovB.Ongoing[0].ID, "B sees only B's case")
	require.Equal(t, []string{"b's"}, ids(ovB.Bookings))

	aForOrg := a
	aForOrg.Party = identity.Party{Kind: identity.PartyCompany, Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "5560160680"},
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, CheckedAt: now}}
	ovOrg, err := ms.Overview(ctx, aForOrg)
	require.NoError(t, err)
	require.Empty(t, ovOrg.Drafts, "acting for an organisation is another capacity")
	require.Empty(t, ovOrg.Ongoing)
	require.Empty(t, ovOrg.Bookings)
}

func ids(bs []minasidor.Booking) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

type failingBookings struct{}

func (failingBookings) Bookings(ctx context.Context, _ identity.Principal) ([]minasidor.Booking, error) {
	<-ctx.Done() // a hanging booking system
	return nil, ctx.Err()
}

func TestBrokenSourcesDoNotBreakThePage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := person("195001182046")
	e.submit(t, a)
	inbox := minasidor.InboxFunc(func(context.Context, identity.Principal, int) ([]minasidor.Message, int, error) {
		return nil, 0, errors.New("inbox down")
	})
	ms, err := minasidor.New(e.drafts, e.cases, inbox, &minasidor.Options{SourceTimeout: 50 * time.Millisecond,
		Bookings: []minasidor.BookingSource{failingBookings{}}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	ov, err := ms.Overview(context.Background(), a)
	require.NoError(t, err)
	require.Len(t, ov.Ongoing, 1, "the cases still show")
	require.Equal(t, []string{"bookings:0", "inbox"}, ov.Unavailable)

	_, err = ms.Overview(context.Background(), identity.Principal{})
	require.Error(t, err)
}
