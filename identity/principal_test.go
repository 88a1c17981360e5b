package identity_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity"
)

var authTime = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func citizen() identity.Principal {
	return identity.Principal{
		Subject:    pnr("191212121212"),
		GivenName:  "Tolvan",
		FamilyName: "Tolvansson",
		Assurance:  identity.LoA3,
		Method:     identity.MethodBankID,
		AuthTime:   authTime,
	}
}

func companyParty() identity.Party {
	return identity.Party{
		Kind:    identity.PartyCompany,
		Subject: orgnr("5560360793"),
		Name:    "Exempelbolaget AB",
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, Permissions: []string{"*"}, CheckedAt: authTime},
	}
}

func TestPrincipalValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mutate  func(p *identity.Principal)
		wantErr error
	}{
		{"citizen", func(*identity.Principal) {}, nil},
		{"for company", func(p *identity.Principal) { p.Party = companyParty() }, nil},
		{"explicit self", func(p *identity.Principal) { p.Party = identity.Party{Kind: identity.PartySelf} }, nil},
		{"officer", func(p *identity.Principal) {
			p.Subject = identity.Subject{Scheme: identity.SchemeOfficer, Value: "anna"}
			p.Roles = []identity.Role{{Name: identity.RoleOfficer, Services: []string{"bygglov"}}}
		}, nil},
		{"no subject", func(p *identity.Principal) { p.Subject = identity.Subject{} }, identity.ErrInvalidPrincipal},
		{"bad subject", func(p *identity.Principal) { p.Subject = pnr("191212121213") }, identity.ErrInvalidSubject},
		{"no method", func(p *identity.Principal) { p.Method = "" }, identity.ErrInvalidPrincipal},
		{"no auth time", func(p *identity.Principal) { p.AuthTime = time.Time{} }, identity.ErrInvalidPrincipal},
		{"unknown assurance", func(p *identity.Principal) { p.Assurance = "loa9" }, identity.ErrUnknownAssurance},
		{"company without mandate", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Mandate = nil
		}, identity.ErrNoMandate},
		{"company with self mandate", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Mandate.Source = identity.MandateSelf
		}, identity.ErrNoMandate},
		{"company mandate unknown source", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Mandate.Source = "friend-said-so"
		}, identity.ErrNoMandate},
		{"company mandate power of attorney", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Mandate.Source = identity.MandatePowerOfAttorneyPrefix + "F-2025-1"
		}, nil},
		{"company mandate unchecked", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Mandate.CheckedAt = time.Time{}
		}, identity.ErrNoMandate},
		{"company without subject", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Subject = identity.Subject{}
		}, identity.ErrInvalidSubject},
		{"self with subject", func(p *identity.Principal) {
			p.Party = identity.Party{Kind: identity.PartySelf, Subject: orgnr("5560360793")}
		}, identity.ErrInvalidSubject},
		{"unknown party kind", func(p *identity.Principal) {
			p.Party = companyParty()
			p.Party.Kind = "family"
		}, identity.ErrInvalidSubject},
		{"role without name", func(p *identity.Principal) { p.Roles = []identity.Role{{Services: []string{"*"}}} }, identity.ErrInvalidPrincipal},
		{"too many roles", func(p *identity.Principal) { p.Roles = make([]identity.Role, identity.MaxRoles+1) }, identity.ErrInvalidPrincipal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := citizen()
			tt.mutate(&p)
			err := p.Validate()
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.NotContains(t, err.Error(), "1212121212")
			require.NotContains(t, err.Error(), "Tolvan")
		})
	}
}

func TestPrincipalRoles(t *testing.T) {
	t.Parallel()
	p := identity.Principal{Roles: []identity.Role{
		{Name: identity.RoleOfficer, Services: []string{"bygglov", "serveringstillstand"}},
		{Name: identity.RoleDisclosureReviewer, Services: []string{identity.AllServices}},
	}}
	require.True(t, p.IsOfficer())
	require.True(t, p.HasRole(identity.RoleOfficer, "bygglov"))
	require.False(t, p.HasRole(identity.RoleOfficer, "forskola"))
	require.False(t, p.HasRole(identity.RoleOfficer, ""))
	require.True(t, p.HasRole(identity.RoleDisclosureReviewer, "forskola"))
	require.True(t, p.HasRole(identity.RoleDisclosureReviewer, ""))
	require.False(t, p.HasRole(identity.RoleAdmin, "bygglov"))
	require.ErrorIs(t, p.RequireRole(identity.RoleOfficer, "forskola"), identity.ErrNotAuthorised)
	require.NoError(t, p.RequireRole(identity.RoleOfficer, "bygglov"))
	require.False(t, citizen().IsOfficer())
	require.False(t, identity.Principal{Roles: []identity.Role{{Name: identity.RoleOfficer}}}.HasRole(identity.RoleOfficer, "bygglov"))
}

func TestPrincipalActsForSelf(t *testing.T) {
	t.Parallel()
	p := citizen()
	require.True(t, p.ActsForSelf())
	p.Party = identity.Party{Kind: identity.PartySelf}
	require.True(t, p.ActsForSelf())
	p.Party = companyParty()
	require.False(t, p.ActsForSelf())
}

func TestPrincipalAuthenticatedWithin(t *testing.T) {
	t.Parallel()
	p := citizen()
	tests := []struct {
		name string
		now  time.Time
		d    time.Duration
		want bool
	}{
		{"just now", authTime, 15 * time.Minute, true},
		{"inside", authTime.Add(14 * time.Minute), 15 * time.Minute, true},
		{"at the limit", authTime.Add(15 * time.Minute), 15 * time.Minute, true},
		{"too old", authTime.Add(16 * time.Minute), 15 * time.Minute, false},
		{"small skew", authTime.Add(-30 * time.Second), 15 * time.Minute, true},
		{"far future", authTime.Add(-time.Hour), 15 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, p.AuthenticatedWithin(tt.now, tt.d))
			if tt.want {
				require.NoError(t, p.RequireFresh(tt.now, tt.d))
			} else {
				require.ErrorIs(t, p.RequireFresh(tt.now, tt.d), identity.ErrStale)
			}
		})
	}
	require.False(t, identity.Principal{}.AuthenticatedWithin(authTime, time.Hour))
}

func TestPrincipalRequireAssurance(t *testing.T) {
	t.Parallel()
	p := citizen()
	require.NoError(t, p.RequireAssurance(identity.LoA3))
	require.ErrorIs(t, p.RequireAssurance(identity.LoA4), identity.ErrNotAuthorised)
}

func TestPrincipalNeverLeaks(t *testing.T) {
	t.Parallel()
	p := citizen()
	p.Party = companyParty()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "who", p)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("login", "who", p, "party", p.Party)
	out := buf.String() + fmt.Sprintf("%v %+v %#v %s", p, p, p, p.Party)
	require.Contains(t, out, "19121212-****")
	require.Contains(t, out, "556036-0793")
	for _, secret := range []string{"191212121212", "Tolvan", "Exempelbolaget"} {
		require.NotContains(t, out, secret)
	}
}

func TestMandateAllows(t *testing.T) {
	t.Parallel()
	var none *identity.Mandate
	require.False(t, none.Allows("x"))
	m := &identity.Mandate{Permissions: []string{"bygglov"}}
	require.True(t, m.Allows("bygglov"))
	require.False(t, m.Allows("forskola"))
	all := &identity.Mandate{Permissions: []string{identity.PermissionAll}}
	require.True(t, all.Allows("forskola"))
}
