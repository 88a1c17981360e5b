package identity

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Representation decides whom a person may act for. The SDK ships
// StaticRepresentation for development and tests; a municipality plugs in
// a real registry (see the package documentation, "Representation").
//
// Implementations must be safe for concurrent use, honour ctx, set
// Mandate.CheckedAt to the time the source was consulted, and never put
// identifiers or names in error strings.
type Representation interface {
	// Mandates lists the organisations person may act for, each with Kind,
	// Subject, Name and Mandate. None is an empty list and a nil error.
	Mandates(ctx context.Context, person Subject) ([]Party, error)
	// Check returns the Party for org with person's Mandate, or an error
	// wrapping ErrNoMandate when person may not act for org.
	Check(ctx context.Context, person Subject, org Subject) (Party, error)
}

// ActFor returns a copy of p acting for org, with Party and Mandate from
// rep. p must be valid and a person (se-pnr or eidas subject); org must be
// an organisation subject. Errors wrap ErrInvalidPrincipal,
// ErrInvalidSubject or ErrNoMandate (also when rep returns a party that
// does not match org or has no valid mandate).
func ActFor(ctx context.Context, rep Representation, p Principal, org Subject) (Principal, error) {
	if rep == nil {
		return Principal{}, fmt.Errorf("identity: act for: %w: no representation configured", ErrNoMandate)
	}
	if err := p.Validate(); err != nil {
		return Principal{}, fmt.Errorf("identity: act for: %w", err)
	}
	if p.Subject.Scheme != SchemePersonnummer && p.Subject.Scheme != SchemeEIDAS {
		return Principal{}, fmt.Errorf("identity: act for: %w: only persons act for organisations", ErrInvalidPrincipal)
	}
	if org.Scheme != SchemeOrganisationsnummer {
		return Principal{}, fmt.Errorf("identity: act for: %w: want an organisation", ErrInvalidSubject)
	}
	if err := org.Validate(); err != nil {
		return Principal{}, fmt.Errorf("identity: act for: %w", err)
	}
	party, err := rep.Check(ctx, p.Subject, org)
	if err != nil {
		return Principal{}, fmt.Errorf("identity: act for: %w", err)
	}
	if !party.Subject.Equal(org) {
		return Principal{}, fmt.Errorf("identity: act for: %w: representation answered for another organisation", ErrNoMandate)
	}
	if err := party.Validate(); err != nil {
		return Principal{}, fmt.Errorf("identity: act for: %w", err)
	}
	out := p
	out.Party = party.clone()
	return out, nil
}

// AsSelf returns a copy of p acting for themselves.
func AsSelf(p Principal) Principal {
	p.Party = Party{Kind: PartySelf}
	return p
}

// Permits reports whether the principal may perform permission (for
// example an e-service ID) for its party: always when acting for self,
// otherwise when the mandate allows it.
func (p Principal) Permits(permission string) bool {
	if p.ActsForSelf() {
		return true
	}
	return p.Party.Mandate.Allows(permission)
}

func (p Party) clone() Party {
	if p.Mandate != nil {
		m := *p.Mandate
		m.Permissions = slices.Clone(m.Permissions)
		p.Mandate = &m
	}
	return p
}

// StaticOptions configures a StaticRepresentation. A nil *StaticOptions
// means all defaults.
type StaticOptions struct {
	// Now stamps Mandate.CheckedAt. Defaults to time.Now.
	Now func() time.Time
	// MaxGrants caps the grants held. Defaults to 100000.
	MaxGrants int
}

// StaticRepresentation is an in-memory Representation for development,
// demos and tests: mandates are granted and revoked by code. It is safe
// for concurrent use.
type StaticRepresentation struct {
	now       func() time.Time
	maxGrants int

	mu     sync.RWMutex
	grants map[string][]Party // by person Key
	n      int
}

var _ Representation = (*StaticRepresentation)(nil)

// NewStaticRepresentation returns an empty StaticRepresentation.
func NewStaticRepresentation(opts *StaticOptions) *StaticRepresentation {
	if opts == nil {
		opts = &StaticOptions{}
	}
	r := &StaticRepresentation{now: opts.Now, maxGrants: opts.MaxGrants, grants: map[string][]Party{}}
	if r.now == nil {
		r.now = time.Now
	}
	if r.maxGrants <= 0 {
		r.maxGrants = 100000
	}
	return r
}

// Grant lets person act for party (Kind PartyCompany or PartyAssociation,
// Subject an organisationsnummer, Mandate with Source and Permissions;
// CheckedAt is stamped on every lookup). A second grant for the same
// organisation replaces the first. Errors wrap ErrInvalidSubject or
// ErrNoMandate.
func (r *StaticRepresentation) Grant(person Subject, party Party) error {
	if err := person.Validate(); err != nil {
		return fmt.Errorf("identity: grant: %w", err)
	}
	party = party.clone()
	if party.Mandate != nil && party.Mandate.CheckedAt.IsZero() {
		party.Mandate.CheckedAt = r.now()
	}
	if party.Subject.Scheme != SchemeOrganisationsnummer {
		return fmt.Errorf("identity: grant: %w: want an organisation", ErrInvalidSubject)
	}
	if err := party.Validate(); err != nil {
		return fmt.Errorf("identity: grant: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.grants[person.Key()]
	for i := range list {
		if list[i].Subject.Equal(party.Subject) {
			list[i] = party
			return nil
		}
	}
	if r.n >= r.maxGrants {
		return fmt.Errorf("identity: grant: %w: more than %d grants", ErrNoMandate, r.maxGrants)
	}
	r.grants[person.Key()] = append(list, party)
	r.n++
	return nil
}

// Revoke removes person's mandate for org, if any.
func (r *StaticRepresentation) Revoke(person, org Subject) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := person.Key()
	list := r.grants[key]
	for i := range list {
		if list[i].Subject.Equal(org) {
			r.grants[key] = slices.Delete(list, i, i+1)
			r.n--
			if len(r.grants[key]) == 0 {
				delete(r.grants, key)
			}
			return
		}
	}
}

// Mandates implements Representation.
func (r *StaticRepresentation) Mandates(ctx context.Context, person Subject) ([]Party, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := r.now()
	r.mu.RLock()
	defer r.mu.RUnlock()
	list := r.grants[person.Key()]
	out := make([]Party, 0, len(list))
	for _, p := range list {
		p = p.clone()
		p.Mandate.CheckedAt = now
		out = append(out, p)
	}
	return out, nil
}

// Check implements Representation.
func (r *StaticRepresentation) Check(ctx context.Context, person, org Subject) (Party, error) {
	if err := ctx.Err(); err != nil {
		return Party{}, err
	}
	now := r.now()
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, p := range r.grants[person.Key()] {
		if p.Subject.Equal(org) {
			p = p.clone()
			p.Mandate.CheckedAt = now
			return p, nil
		}
	}
	return Party{}, ErrNoMandate
}
