package draft_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
)

func TestCreatePinsLatestAndPrefills(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	require.Equal(t, 1, d.FormVersion)
	require.Equal(t, int64(1), d.Revision)
	require.Equal(t, "sokande", d.Step)
	require.Equal(t, pnrA, d.Values["pnr"].Text(), "personnummer prefilled from the e-ID")
	require.Equal(t, nameA, d.Values["namn"].Text())
	require.Equal(t, b.clock.Now().Add(90*24*time.Hour), d.ExpiresAt, "default TTL 90 days")

	require.NoError(t, b.reg.Register(testForm(2)))
	d2, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	require.Equal(t, 2, d2.FormVersion, "a new draft pins the latest version")

	_, err = b.store.Create(b.ctx, a, "okand", nil)
	require.ErrorIs(t, err, form.ErrNotFound)
}

func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	assoc := b.person(pnrA)
	assoc.Party = identity.Party{Kind: identity.PartyAssociation, Subject: identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "8020000009"},
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, CheckedAt: b.clock.Now()}}
	low := b.person(pnrA)
	low.Assurance = identity.LoA2
	stale := b.person(pnrA)
	stale.AuthTime = b.clock.Now().Add(-2 * time.Hour)
	tests := []struct {
		name string
		who  identity.Principal
		want error
	}{
		{"outside the audience", assoc, draft.ErrNotPermitted},
		{"officer", b.officer(), draft.ErrNotPermitted},
		{"assurance too low", low, draft.ErrLoginRequired},
		{"stale login", stale, draft.ErrLoginRequired},
		{"invalid principal", identity.Principal{}, draft.ErrLoginRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.store.Create(b.ctx, tc.who, "ansokan", nil)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestSaveGetListDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)

	values := d.Values.Clone()
	values["typ"] = form.String("b")
	values["diagnos"] = form.String("Diabetes typ 1")
	b.clock.Add(time.Minute)
	saved, err := b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Step: "halsa", Values: values})
	require.NoError(t, err)
	require.Equal(t, int64(2), saved.Revision)
	require.Equal(t, "halsa", saved.Step)
	require.Equal(t, []string{"sokande", "halsa", "barn"}, saved.CompletedSteps)
	require.Equal(t, b.clock.Now().Add(90*24*time.Hour), saved.ExpiresAt, "expiry counts from the last save")

	got, err := b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err)
	require.True(t, got.Values.Equal(saved.Values))
	require.Equal(t, "Diabetes typ 1", got.Values["diagnos"].Text())

	list, err := b.store.List(b.ctx, a)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "Ansökan", list[0].Title.SV)
	require.Equal(t, 100, list[0].Progress)

	require.NoError(t, b.store.Delete(b.ctx, a, d.ID))
	_, err = b.store.Get(b.ctx, a, d.ID)
	require.ErrorIs(t, err, draft.ErrNotFound)
	require.ErrorIs(t, b.store.Delete(b.ctx, a, d.ID), draft.ErrNotFound)
}

func TestSaveRefusesBadInputAndKeepsTheDraft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	good := d.Values.Clone()
	good["antal"] = form.Int(3)
	d, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: good})
	require.NoError(t, err)

	tests := []struct {
		name   string
		mutate func(v form.Values)
		step   string
		check  func(t *testing.T, err error)
	}{
		{"wrong type", func(v form.Values) { v["antal"] = form.String("tre") }, "", func(t *testing.T, err error) {
			var ve *form.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "integer", ve.Fields[0].Code)
		}},
		{"over a bound", func(v form.Values) { v["antal"] = form.Int(101) }, "", func(t *testing.T, err error) {
			var ve *form.ValidationError
			require.ErrorAs(t, err, &ve)
		}},
		{"too many group items", func(v form.Values) { v["barnen"] = bigGroup() }, "", func(t *testing.T, err error) {
			var ve *form.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "maxItems", ve.Fields[0].Code)
		}},
		{"text over the hard cap", func(v form.Values) { v["diagnos"] = form.String(strings.Repeat("x", form.HardMaxLength+1)) }, "", func(t *testing.T, err error) {
			var ve *form.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "maxLength", ve.Fields[0].Code)
		}},
		{"unknown step", func(v form.Values) {}, "nope", func(t *testing.T, err error) { require.ErrorIs(t, err, draft.ErrInvalid) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := good.Clone()
			tc.mutate(v)
			_, err := b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Step: tc.step, Values: v})
			tc.check(t, err)
			got, err := b.store.Get(b.ctx, a, d.ID)
			require.NoError(t, err)
			require.Equal(t, d.Revision, got.Revision, "nothing saved")
			require.True(t, got.Values.Equal(d.Values), "nothing lost")
		})
	}
}

// bigGroup returns more group items than the default cap of 20.
func bigGroup() form.Value {
	items := make([]form.Values, 21)
	for i := range items {
		items[i] = form.Values{"barnnamn": form.String(strings.Repeat("n", 190))}
	}
	return form.Group(items...)
}

func TestOversizedValuesHitTheCap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	small := *b.opts
	small.MaxValuesBytes = 1000
	s, err := draft.NewStore(b.db, b.reg, b.keys, &small)
	require.NoError(t, err)
	a := b.person(pnrA)
	d, err := s.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	v := d.Values.Clone()
	v["diagnos"] = form.String(strings.Repeat("x", 2000))
	_, err = s.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	require.ErrorIs(t, err, draft.ErrTooLarge)
}

func TestRevisionConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: d.Values})
	require.NoError(t, err)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: d.Values})
	require.ErrorIs(t, err, draft.ErrConflict, "the second tab saving an old revision loses")
}

func TestConcurrentSavesOnOneRevision(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			v := d.Values.Clone()
			v["antal"] = form.Int(int64(i))
			_, errs[i] = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		require.ErrorIs(t, err, draft.ErrConflict)
	}
	require.Equal(t, 1, wins, "exactly one save wins")
	got, err := b.store.Get(b.ctx, a, d.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2), got.Revision)
}

func TestResumeNeedsFreshLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	b.clock.Add(61 * time.Minute)
	_, err = b.store.Get(b.ctx, a, d.ID)
	require.ErrorIs(t, err, draft.ErrLoginRequired)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: d.Values})
	require.ErrorIs(t, err, draft.ErrLoginRequired)
	list, err := b.store.List(b.ctx, a)
	require.NoError(t, err, "listing on Mina sidor needs no fresh login")
	require.Len(t, list, 1)

	again := b.person(pnrA) // a new login
	_, err = b.store.Get(b.ctx, again, d.ID)
	require.NoError(t, err)
	again.Assurance = identity.LoA2
	_, err = b.store.Get(b.ctx, again, d.ID)
	require.ErrorIs(t, err, draft.ErrLoginRequired, "assurance below the form's")
}

func TestNoErrorOrLogCarriesPersonalData(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.person(pnrA)
	d, err := b.store.Create(b.ctx, a, "ansokan", nil)
	require.NoError(t, err)
	var collected []string
	v := d.Values.Clone()
	v["antal"] = form.String(pnrA)
	_, err = b.store.Save(b.ctx, a, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	collected = append(collected, err.Error())
	_, err = b.store.Get(b.ctx, b.person(pnrB), d.ID)
	collected = append(collected, err.Error())
	stale := a
	stale.AuthTime = time.Time{}
	_, err = b.store.Get(b.ctx, stale, d.ID)
	collected = append(collected, err.Error())
	for _, s := range append(collected, b.logs.String()) {
		require.NotContains(t, s, pnrA)
		require.NotContains(t, s, pnrA[2:8])
		require.NotContains(t, s, "Tolvan")
	}
	require.False(t, errors.Is(err, draft.ErrNotFound))
}

// TestOwnerKeyIsStable pins the owner pseudonym: it is stored with every
// draft, so a change in its derivation would make every existing draft
// unreachable. The expected keys are HMAC-SHA256 (pseudonym key 32 × 0x07)
// of "etjanst.draft.owner.v1\x00" + actor + "\x00" + party kind + "\x00" +
// party, base64url without padding, computed outside Go.
func TestOwnerKeyIsStable(t *testing.T) {
	b := setup(t)
	a := b.person(pnrA)
	tests := []struct {
		name string
		who  identity.Principal
		want string
	}{
		{"person", a, "h5WT63d1s3abM7__F4TeLwDhoNcAQTCxmowwTJaRRjg"},
		{"person for company", b.forOrg(a, orgX), "1fIhpaVRhFAaJc8qVZJzSr2YbNKDLQop5-e33hn0W_Y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 { // the MAC is recycled between calls
				got, err := b.store.OwnerKey(tt.who)
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
			}
		})
	}
}
