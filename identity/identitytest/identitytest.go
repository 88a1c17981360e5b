// Package identitytest provides test principals and a scriptable fake
// identity.Provider for tests of packages that take an identity.Principal
// (drafts, submissions, the portal, flowtest).
//
// The personal numbers are Skatteverket test personnummer (open data
// "Testpersonnummer"; see testdata/skatteverket in the repository) and the
// names are invented.
package identitytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/etjanst/etjanst/identity"
)

// MethodTest is the Method of principals made by this package.
const MethodTest = "test"

// Test personal numbers (Skatteverket test personnummer) and organisation
// numbers with valid check digits.
const (
	// PNR is the default citizen's personal number.
	PNR = "195001182046"
	// OtherPNR is a second citizen, for isolation tests.
	OtherPNR = "196001209136"
	// CompanyOrgNr is an aktiebolag's organisationsnummer (group 5).
	CompanyOrgNr = "5560360793"
	// AssociationOrgNr is an ideell förening's organisationsnummer
	// (group 8).
	AssociationOrgNr = "8020000009"
)

// Person returns a valid principal for the se-pnr personal number pnr,
// authenticated at at with level of assurance 3; tb fails if pnr is
// invalid.
func Person(tb testing.TB, pnr string, at time.Time) identity.Principal {
	tb.Helper()
	s, err := identity.ParseSubject(identity.SchemePersonnummer, pnr)
	if err != nil {
		tb.Fatalf("identitytest: %v", err)
	}
	return valid(tb, identity.Principal{
		Subject:    s,
		GivenName:  "Test",
		FamilyName: "Testsson",
		Assurance:  identity.LoA3,
		Method:     MethodTest,
		AuthTime:   at,
		Party:      identity.Party{Kind: identity.PartySelf},
	})
}

// Citizen is Person(tb, PNR, at).
func Citizen(tb testing.TB, at time.Time) identity.Principal {
	tb.Helper()
	return Person(tb, PNR, at)
}

// Foreigner returns a principal with an eIDAS identifier ("NO/SE/...") and
// eIDAS substantial assurance: a user without a personnummer.
func Foreigner(tb testing.TB, eidasID string, at time.Time) identity.Principal {
	tb.Helper()
	return valid(tb, identity.Principal{
		Subject:    identity.Subject{Scheme: identity.SchemeEIDAS, Value: eidasID},
		GivenName:  "Kari",
		FamilyName: "Nordmann",
		Assurance:  identity.EIDASNotifiedSubstantial,
		Method:     identity.MethodSAML,
		AuthTime:   at,
		Party:      identity.Party{Kind: identity.PartySelf},
	})
}

// Officer returns a staff principal (scheme officer) with the given roles.
// Without roles it gets RoleOfficer for every e-service.
func Officer(tb testing.TB, account string, at time.Time, roles ...identity.Role) identity.Principal {
	tb.Helper()
	if len(roles) == 0 {
		roles = []identity.Role{{Name: identity.RoleOfficer, Services: []string{identity.AllServices}}}
	}
	return valid(tb, identity.Principal{
		Subject:    identity.Subject{Scheme: identity.SchemeOfficer, Value: account},
		GivenName:  "Handläggare",
		FamilyName: "Testsson",
		Assurance:  identity.LoA3,
		Method:     identity.MethodOfficer,
		AuthTime:   at,
		Roles:      roles,
		Party:      identity.Party{Kind: identity.PartySelf},
	})
}

// ForOrganisation returns p acting for the organisation orgnr (a company,
// or an association for group 7 and 8 numbers) as a signatory with the
// given permissions (PermissionAll when none), checked at p.AuthTime.
func ForOrganisation(tb testing.TB, p identity.Principal, orgnr string, permissions ...string) identity.Principal {
	tb.Helper()
	org, err := identity.ParseSubject(identity.SchemeOrganisationsnummer, orgnr)
	if err != nil {
		tb.Fatalf("identitytest: %v", err)
	}
	if len(permissions) == 0 {
		permissions = []string{identity.PermissionAll}
	}
	kind := identity.PartyCompany
	if org.Value[0] == '7' || org.Value[0] == '8' {
		kind = identity.PartyAssociation
	}
	p.Party = identity.Party{
		Kind:    kind,
		Subject: org,
		Name:    "Testorganisationen",
		Mandate: &identity.Mandate{Source: identity.MandateSignatory, Permissions: permissions, CheckedAt: p.AuthTime},
	}
	return valid(tb, p)
}

func valid(tb testing.TB, p identity.Principal) identity.Principal {
	tb.Helper()
	if err := p.Validate(); err != nil {
		tb.Fatalf("identitytest: %v", err)
	}
	return p
}

// Provider is a fake identity.Provider. Each method calls its Func field
// when set; otherwise every flow completes at once with Principal (the
// AuthTime set to Now at completion), and Poll reports StateComplete.
// Cancelled or completed references are forgotten: Poll, Complete and
// Cancel on them return identity.ErrFlowNotFound. It is safe for
// concurrent use.
type Provider struct {
	// Principal is the user of default flows.
	Principal identity.Principal
	// Now stamps AuthTime and Evidence times. Defaults to time.Now.
	Now func() time.Time

	StartFunc    func(ctx context.Context, req identity.StartRequest) (identity.Challenge, error)
	PollFunc     func(ctx context.Context, ch identity.Challenge) (identity.Status, error)
	CompleteFunc func(ctx context.Context, ch identity.Challenge, cb identity.Callback) (identity.Result, error)
	CancelFunc   func(ctx context.Context, ch identity.Challenge) error

	mu      sync.Mutex
	pending map[string]bool
	starts  int
}

var _ identity.Provider = (*Provider)(nil)

// NewProvider returns a Provider whose flows complete with p.
func NewProvider(p identity.Principal) *Provider { return &Provider{Principal: p} }

func (f *Provider) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Starts returns how many flows were started.
func (f *Provider) Starts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.starts
}

// Start implements identity.Provider.
func (f *Provider) Start(ctx context.Context, req identity.StartRequest) (identity.Challenge, error) {
	f.mu.Lock()
	f.starts++
	f.mu.Unlock()
	if f.StartFunc != nil {
		return f.StartFunc(ctx, req)
	}
	if err := ctx.Err(); err != nil {
		return identity.Challenge{}, err
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	ch := identity.Challenge{
		Method: MethodTest, Ref: hex.EncodeToString(b[:]), Subject: req.Subject, Sign: req.Sign != nil,
		MinAssurance: req.MinAssurance, SameDevice: req.SameDevice, StartedAt: f.now(),
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		f.pending = map[string]bool{}
	}
	f.pending[ch.Ref] = true
	return ch, nil
}

// Poll implements identity.Provider.
func (f *Provider) Poll(ctx context.Context, ch identity.Challenge) (identity.Status, error) {
	if f.PollFunc != nil {
		return f.PollFunc(ctx, ch)
	}
	res, err := f.finish(ctx, ch)
	if err != nil {
		return identity.Status{}, err
	}
	return identity.Status{State: identity.StateComplete, Result: &res}, nil
}

// Complete implements identity.Provider.
func (f *Provider) Complete(ctx context.Context, ch identity.Challenge, cb identity.Callback) (identity.Result, error) {
	if f.CompleteFunc != nil {
		return f.CompleteFunc(ctx, ch, cb)
	}
	return f.finish(ctx, ch)
}

// Cancel implements identity.Provider.
func (f *Provider) Cancel(ctx context.Context, ch identity.Challenge) error {
	if f.CancelFunc != nil {
		return f.CancelFunc(ctx, ch)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.pending[ch.Ref] {
		return fmt.Errorf("identitytest: %w", identity.ErrFlowNotFound)
	}
	delete(f.pending, ch.Ref)
	return nil
}

func (f *Provider) finish(ctx context.Context, ch identity.Challenge) (identity.Result, error) {
	if err := ctx.Err(); err != nil {
		return identity.Result{}, err
	}
	f.mu.Lock()
	ok := f.pending[ch.Ref]
	delete(f.pending, ch.Ref)
	f.mu.Unlock()
	if !ok {
		return identity.Result{}, fmt.Errorf("identitytest: %w", identity.ErrFlowNotFound)
	}
	p := f.Principal
	if !ch.Subject.IsZero() && !ch.Subject.Equal(p.Subject) {
		return identity.Result{}, fmt.Errorf("identitytest: %w: another person", identity.ErrFlowFailed)
	}
	if !p.Assurance.AtLeast(ch.MinAssurance) {
		return identity.Result{}, fmt.Errorf("identitytest: %w: assurance too low", identity.ErrNotAuthorised)
	}
	now := f.now()
	p.AuthTime = now
	return identity.Result{
		Principal: p,
		Evidence: identity.Evidence{
			Method: p.Method, Provider: "identitytest", Ref: ch.Ref, Sign: ch.Sign,
			StartedAt: ch.StartedAt, CompletedAt: now,
		},
	}, nil
}
