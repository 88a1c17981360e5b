package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
)

func TestActFor(t *testing.T) {
	t.Parallel()
	clock := authTime.Add(time.Minute)
	rep := identity.NewStaticRepresentation(&identity.StaticOptions{Now: func() time.Time { return clock }})
	person := citizen()
	company := orgnr("5560360793")
	assoc := orgnr("8020000009")
	require.NoError(t, rep.Grant(person.Subject, identity.Party{
		Kind: identity.PartyCompany, Subject: company, Name: "Exempelbolaget AB",
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, Permissions: []string{identity.PermissionAll}},
	}))
	require.NoError(t, rep.Grant(person.Subject, identity.Party{
		Kind: identity.PartyAssociation, Subject: assoc, Name: "Exempelföreningen",
		Mandate: &identity.Mandate{Source: identity.MandatePowerOfAttorneyPrefix + "F-1", Permissions: []string{"bygglov"}},
	}))

	ctx := t.Context()
	got, err := identity.ActFor(ctx, rep, person, company)
	require.NoError(t, err)
	require.False(t, got.ActsForSelf())
	require.Equal(t, identity.PartyCompany, got.Party.Kind)
	require.Equal(t, company, got.Party.Subject)
	require.Equal(t, identity.MandateSignatory, got.Party.Mandate.Source)
	require.Equal(t, clock, got.Party.Mandate.CheckedAt)
	require.True(t, got.Permits("forskola"))
	require.NoError(t, got.Validate())
	require.True(t, person.ActsForSelf(), "the input is not modified")

	got, err = identity.ActFor(ctx, rep, person, assoc)
	require.NoError(t, err)
	require.True(t, got.Permits("bygglov"))
	require.False(t, got.Permits("forskola"))
	require.True(t, identity.AsSelf(got).ActsForSelf())
	require.True(t, identity.AsSelf(got).Permits("forskola"))

	list, err := rep.Mandates(ctx, person.Subject)
	require.NoError(t, err)
	require.Len(t, list, 2)
	list[0].Mandate.Permissions[0] = "tampered"
	again, err := rep.Mandates(ctx, person.Subject)
	require.NoError(t, err)
	require.Equal(t, identity.PermissionAll, again[0].Mandate.Permissions[0], "callers get copies")

	rep.Revoke(person.Subject, company)
	_, err = identity.ActFor(ctx, rep, person, company)
	require.ErrorIs(t, err, identity.ErrNoMandate)
	require.NotContains(t, err.Error(), "5560360793")
	require.NotContains(t, err.Error(), "191212121212")

	none, err := rep.Mandates(ctx, pnr("195001182046"))
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestActForRejects(t *testing.T) {
	t.Parallel()
	rep := identity.NewStaticRepresentation(nil)
	person := citizen()
	officer := citizen()
	officer.Subject = identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna"}
	ctx := t.Context()
	tests := []struct {
		name string
		rep  identity.Representation
		p    identity.Principal
		org  identity.Subject
		want error
	}{
		{"no representation", nil, person, orgnr("5560360793"), identity.ErrNoMandate},
		{"invalid principal", rep, identity.Principal{}, orgnr("5560360793"), identity.ErrInvalidPrincipal},
		{"officer", rep, officer, orgnr("5560360793"), identity.ErrInvalidPrincipal},
		{"org is a person", rep, person, pnr("195001182046"), identity.ErrInvalidSubject},
		{"bad orgnr", rep, person, orgnr("5560360794"), identity.ErrInvalidSubject},
		{"no grant", rep, person, orgnr("5560360793"), identity.ErrNoMandate},
		{"liar", liar{}, person, orgnr("5560360793"), identity.ErrNoMandate},
		{"no mandate in answer", noMandate{}, person, orgnr("5560360793"), identity.ErrNoMandate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := identity.ActFor(ctx, tt.rep, tt.p, tt.org)
			require.ErrorIs(t, err, tt.want)
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := identity.ActFor(cancelled, rep, person, orgnr("5560360793"))
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.Is(err, identity.ErrNoMandate), "cannot tell is not no")
}

// liar answers for another organisation.
type liar struct{}

func (liar) Mandates(context.Context, identity.Subject) ([]identity.Party, error) { return nil, nil }
func (liar) Check(context.Context, identity.Subject, identity.Subject) (identity.Party, error) {
	return identity.Party{Kind: identity.PartyCompany, Subject: orgnr("2120000142"),
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, CheckedAt: authTime}}, nil
}

// noMandate answers without a mandate.
type noMandate struct{}

func (noMandate) Mandates(context.Context, identity.Subject) ([]identity.Party, error) {
	return nil, nil
}
func (noMandate) Check(_ context.Context, _ identity.Subject, org identity.Subject) (identity.Party, error) {
	return identity.Party{Kind: identity.PartyCompany, Subject: org}, nil
}

func TestGrantValidates(t *testing.T) {
	t.Parallel()
	rep := identity.NewStaticRepresentation(&identity.StaticOptions{MaxGrants: 1})
	good := identity.Party{Kind: identity.PartyCompany, Subject: orgnr("5560360793"), Mandate: &identity.Mandate{Source: identity.MandateManual}}
	require.ErrorIs(t, rep.Grant(pnr("1"), good), identity.ErrInvalidSubject)
	bad := good
	bad.Mandate = nil
	require.ErrorIs(t, rep.Grant(pnr("191212121212"), bad), identity.ErrNoMandate)
	bad = good
	bad.Subject = pnr("195001182046")
	require.ErrorIs(t, rep.Grant(pnr("191212121212"), bad), identity.ErrInvalidSubject)
	require.NoError(t, rep.Grant(pnr("191212121212"), good))
	require.NoError(t, rep.Grant(pnr("191212121212"), good), "replacing is not a new grant")
	other := good
	other.Subject = orgnr("2120000142")
	require.ErrorIs(t, rep.Grant(pnr("191212121212"), other), identity.ErrNoMandate, "cap")
}
