package draft_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
)

// testFormV2 changes version 1: "antal" becomes text (type changed), "typ"
// loses option "c", "diagnos" is removed, group sub-field "alder" removed,
// and a new field is added.
func testFormV2() *form.Form {
	f := testForm(2)
	f.Steps[0].Fields[2].Options = []form.Option{opt("a"), opt("b")}
	f.Steps[0].Fields[3] = form.Field{ID: "antal", Type: form.TypeText, Label: form.T("Antal", "Count")}
	f.Steps[1].Fields = f.Steps[1].Fields[1:]
	f.Steps[1].Fields = append(f.Steps[1].Fields, form.Field{ID: "ny", Type: form.TypeText, Label: form.T("Ny", "New")})
	f.Steps[2].Fields[0].Fields = f.Steps[2].Fields[0].Fields[:1]
	return f
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	v := d.Values.Clone()
	v["typ"] = form.String("c")
	v["antal"] = form.Int(3)
	v["diagnos"] = form.String("Astma")
	v["barnen"] = form.Group(form.Values{"barnnamn": form.String("Ida"), "alder": form.Int(4)})
	d, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	require.NoError(t, err)
	d, _, err = b.store.Attach(b.ctx, a, d.ID, draft.AttachParams{Revision: d.Revision, Field: "intyg", Name: "a.pdf", Data: pdf})
	require.NoError(t, err)

	// On the latest version Migrate changes nothing.
	rep, err := b.store.Migrate(b.ctx, a, d.ID, d.Revision)
	require.NoError(t, err)
	require.Equal(t, 1, rep.To)
	require.Empty(t, rep.Dropped)
	require.Equal(t, d.Revision, rep.Draft.Revision)

	b.clock.Add(time.Hour)
	require.NoError(t, b.reg.Register(testFormV2()))
	a = b.person(pnrA) // fresh login
	got, err := b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "the old version keeps working")
	require.Equal(t, b.clock.Now().Add(30*24*time.Hour), got.MigrateBy)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: got.Revision, Values: got.Values})
	require.NoError(t, err, "saving on the old version before the deadline")

	_, err = b.store.Migrate(b.ctx, a, d.ID, got.Revision)
	require.ErrorIs(t, err, draft.ErrConflict)
	got, err = b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err)
	rep, err = b.store.Migrate(b.ctx, a, d.ID, got.Revision)
	require.NoError(t, err)
	require.Equal(t, 1, rep.From)
	require.Equal(t, 2, rep.To)
	require.Equal(t, []draft.Dropped{
		{Field: "antal", Reason: "typeChanged"},
		{Field: "barnen[0].alder", Reason: "removed"},
		{Field: "diagnos", Reason: "removed"},
		{Field: "typ", Reason: "choice"},
	}, rep.Dropped)
	m := rep.Draft
	require.Equal(t, 2, m.FormVersion)
	require.Equal(t, pnrA, m.Values["pnr"].Text(), "compatible answers kept")
	require.Equal(t, "Ida", m.Values["barnen"].Items()[0]["barnnamn"].Text())
	require.Len(t, m.Attachments()["intyg"], 1, "attachments of a kept file field stay")
	require.True(t, m.MigrateBy.IsZero())

	again, err := b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err)
	require.True(t, again.Values.Equal(m.Values))
	_, err = b.store.OpenAttachment(b.ctx, a, d.ID, again.Attachments()["intyg"][0].ID)
	require.NoError(t, err)
}

func TestMigrationDeadline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	require.NoError(t, b.reg.Register(testFormV2()))
	b.clock.Add(31 * 24 * time.Hour)
	a = b.person(pnrA)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: d.Values})
	require.ErrorIs(t, err, draft.ErrMigrationRequired)
	got, err := b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err, "still readable")
	rep, err := b.store.Migrate(b.ctx, a, d.ID, got.Revision)
	require.NoError(t, err)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: rep.Draft.Revision, Values: rep.Draft.Values})
	require.NoError(t, err)
}

func TestExpiryJanitor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	ax := b.forOrg(b.person(pnrA), orgX)
	old, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	_, _, err = b.store.Attach(b.ctx, a, old.ID, draft.AttachParams{Revision: old.Revision, Field: "intyg", Name: "a.pdf", Data: pdf})
	require.NoError(t, err)
	b.clock.Add(time.Minute)
	ax.AuthTime = b.clock.Now()
	forX, err := b.store.Create(b.ctx, ax, "ansokan", nil)
	require.NoError(t, err)

	b.clock.Add(50 * 24 * time.Hour)
	young, err := b.store.Create(b.ctx, b.person(pnrA), "ansokan", nil)
	require.NoError(t, err)

	var mu sync.Mutex
	var warned []draft.Expiring
	fail := true
	j, err := draft.NewJanitor(b.store, &draft.JanitorOptions{BatchSize: 1, OnExpiring: func(_ context.Context, e draft.Expiring) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			fail = false
			return errors.New("mail server down")
		}
		warned = append(warned, e)
		return nil
	}})
	require.NoError(t, err)

	// 85 days after the first drafts: they expire in 5 days, inside the
	// default warning window of 7 days.
	b.clock.Add(35 * 24 * time.Hour)
	rep, err := j.RunOnce(b.ctx)
	require.Error(t, err, "the failing hook is reported")
	require.Equal(t, 1, rep.Warned)
	require.Zero(t, rep.Deleted)
	rep, err = j.RunOnce(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Warned, "the draft whose hook failed is offered again")
	rep, err = j.RunOnce(b.ctx)
	require.NoError(t, err)
	require.Zero(t, rep.Warned, "each draft is warned once")
	require.Len(t, warned, 2)
	owners := map[string]identity.Party{}
	for _, w := range warned {
		require.Equal(t, identity.Subject{Scheme: identity.SchemePersonnummer, Value: pnrA}, w.Owner)
		require.Equal(t, "Ansökan", w.Title.SV)
		owners[w.ID] = w.Party
	}
	require.Equal(t, identity.PartyCompany, owners[forX.ID].Kind)
	require.Equal(t, orgX, owners[forX.ID].Subject.Value)
	require.Equal(t, identity.PartySelf, owners[old.ID].Kind)

	b.clock.Add(5*24*time.Hour + 2*time.Minute)
	a = b.person(pnrA)
	_, err = b.store.Get(b.ctx, a, old.ID)
	require.ErrorIs(t, err, draft.ErrExpired)
	list, err := b.store.List(b.ctx, a)
	require.NoError(t, err)
	require.Len(t, list, 1, "expired drafts are not listed")

	rep, err = j.RunOnce(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Deleted, "both expired drafts deleted, in batches of one")
	_, err = b.store.Get(b.ctx, a, old.ID)
	require.ErrorIs(t, err, draft.ErrNotFound)
	_, err = b.store.Get(b.ctx, a, young.ID)
	require.NoError(t, err, "the younger draft is kept")
	var n int
	require.NoError(t, rawDB(t, b).QueryRow("SELECT count(*) FROM attachments").Scan(&n))
	require.Zero(t, n, "attachments deleted with their draft")
}

func TestJanitorRunStopsWithContext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	j, err := draft.NewJanitor(b.store, &draft.JanitorOptions{Interval: time.Millisecond})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan error)
	go func() { done <- j.Run(ctx) }()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}
