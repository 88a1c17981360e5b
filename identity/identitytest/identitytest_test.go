package identitytest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/identitytest"
)

var at = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

func TestPrincipals(t *testing.T) {
	t.Parallel()
	c := identitytest.Citizen(t, at)
	require.Equal(t, identitytest.PNR, c.Subject.Value)
	require.True(t, c.ActsForSelf())
	o := identitytest.Person(t, identitytest.OtherPNR, at)
	require.False(t, c.Subject.Equal(o.Subject))

	off := identitytest.Officer(t, "anna", at)
	require.True(t, off.HasRole(identity.RoleOfficer, "bygglov"))
	scoped := identitytest.Officer(t, "bo", at, identity.Role{Name: identity.RoleOfficer, Services: []string{"bygglov"}})
	require.False(t, scoped.HasRole(identity.RoleOfficer, "forskola"))

	f := identitytest.Foreigner(t, "NO/SE/05068907693", at)
	require.Equal(t, identity.SchemeEIDAS, f.Subject.Scheme)
	require.True(t, f.Assurance.AtLeast(identity.LoA3))

	co := identitytest.ForOrganisation(t, c, identitytest.CompanyOrgNr, "bygglov")
	require.Equal(t, identity.PartyCompany, co.Party.Kind)
	require.True(t, co.Permits("bygglov"))
	require.False(t, co.Permits("forskola"))
	as := identitytest.ForOrganisation(t, c, identitytest.AssociationOrgNr)
	require.Equal(t, identity.PartyAssociation, as.Party.Kind)
	require.True(t, as.Permits("anything"))
}

func TestFakeProvider(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	later := at.Add(time.Hour)
	p := identitytest.NewProvider(identitytest.Citizen(t, at))
	p.Now = func() time.Time { return later }

	ch, err := p.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.1"})
	require.NoError(t, err)
	st, err := p.Poll(ctx, ch)
	require.NoError(t, err)
	require.Equal(t, identity.StateComplete, st.State)
	require.Equal(t, later, st.Result.Principal.AuthTime)
	_, err = p.Complete(ctx, ch, nil)
	require.ErrorIs(t, err, identity.ErrFlowNotFound, "a flow completes once")

	ch, err = p.Start(ctx, identity.StartRequest{MinAssurance: identity.LoA4})
	require.NoError(t, err)
	_, err = p.Complete(ctx, ch, nil)
	require.ErrorIs(t, err, identity.ErrNotAuthorised)

	ch, err = p.Start(ctx, identity.StartRequest{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: identitytest.OtherPNR}})
	require.NoError(t, err)
	_, err = p.Complete(ctx, ch, nil)
	require.ErrorIs(t, err, identity.ErrFlowFailed)

	ch, err = p.Start(ctx, identity.StartRequest{})
	require.NoError(t, err)
	require.NoError(t, p.Cancel(ctx, ch))
	require.ErrorIs(t, p.Cancel(ctx, ch), identity.ErrFlowNotFound)
	require.Equal(t, 4, p.Starts())

	boom := errors.New("boom")
	p.CompleteFunc = func(context.Context, identity.Challenge, identity.Callback) (identity.Result, error) {
		return identity.Result{}, boom
	}
	_, err = p.Complete(ctx, ch, nil)
	require.ErrorIs(t, err, boom)
}
