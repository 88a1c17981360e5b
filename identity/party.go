package identity

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// PartyKind says on whose behalf a principal acts.
type PartyKind string

// The kinds of party a principal can act for.
const (
	// PartySelf: the principal acts for themselves.
	PartySelf PartyKind = "self"
	// PartyCompany: the principal acts for a company (aktiebolag,
	// handelsbolag, ...), identified by its organisationsnummer.
	PartyCompany PartyKind = "company"
	// PartyAssociation: the principal acts for an association (ideell
	// förening, bostadsrättsförening, stiftelse, ...).
	PartyAssociation PartyKind = "association"
)

// Mandate sources. A power of attorney is written "power-of-attorney:<id>"
// with the identifier of the document in the issuing registry.
const (
	// MandateSelf is the trivial mandate of a person acting for themselves.
	MandateSelf = "self"
	// MandateSignatory: the person is an authorised signatory
	// (firmatecknare) according to the company register.
	MandateSignatory = "signatory"
	// MandatePowerOfAttorneyPrefix prefixes the source of a mandate given by
	// a power of attorney (fullmakt): "power-of-attorney:<id>".
	MandatePowerOfAttorneyPrefix = "power-of-attorney:"
	// MandateManual: an officer verified the mandate by hand.
	MandateManual = "manual"
)

// PermissionAll is the permission that grants every other permission.
const PermissionAll = "*"

// Limits on mandates and parties, to bound what a Representation
// implementation or a decoded session can inject.
const (
	// MaxPermissions caps the number of permissions of a Mandate.
	MaxPermissions = 64
	// MaxTextLen caps names, sources and permission strings (in bytes).
	MaxTextLen = 256
)

// Mandate is the right of a person to act for a party, as established by
// a Representation: where it comes from, what it allows and when it was
// checked. The record of a submission keeps it as evidence.
type Mandate struct {
	// Source is MandateSelf, MandateSignatory, MandateManual or
	// MandatePowerOfAttorneyPrefix + the document id.
	Source string `json:"source"`
	// Permissions the mandate grants, for example e-service IDs or
	// registry permission codes; PermissionAll grants everything.
	Permissions []string `json:"permissions,omitempty"`
	// CheckedAt is when the mandate was last verified against its source.
	CheckedAt time.Time `json:"checked_at"`
}

// Allows reports whether the mandate grants permission perm (or
// PermissionAll). A nil mandate allows nothing.
func (m *Mandate) Allows(perm string) bool {
	if m == nil {
		return false
	}
	return slices.Contains(m.Permissions, PermissionAll) || slices.Contains(m.Permissions, perm)
}

// Validate checks that the mandate has a known source form, a check time
// and bounded permissions. Errors wrap ErrNoMandate.
func (m *Mandate) Validate() error {
	if m == nil {
		return fmt.Errorf("%w: nil mandate", ErrNoMandate)
	}
	switch {
	case m.Source == MandateSelf, m.Source == MandateSignatory, m.Source == MandateManual:
	case strings.HasPrefix(m.Source, MandatePowerOfAttorneyPrefix) &&
		len(m.Source) > len(MandatePowerOfAttorneyPrefix) && len(m.Source) <= MaxTextLen:
	default:
		return fmt.Errorf("%w: unknown mandate source", ErrNoMandate)
	}
	if m.CheckedAt.IsZero() {
		return fmt.Errorf("%w: mandate has no check time", ErrNoMandate)
	}
	if len(m.Permissions) > MaxPermissions {
		return fmt.Errorf("%w: more than %d permissions", ErrNoMandate, MaxPermissions)
	}
	for _, p := range m.Permissions {
		if p == "" || len(p) > MaxTextLen {
			return fmt.Errorf("%w: empty or too long permission", ErrNoMandate)
		}
	}
	return nil
}

// LogValue implements slog.LogValuer. A mandate holds no personal data; the
// power-of-attorney id is logged as is.
func (m *Mandate) LogValue() slog.Value {
	if m == nil {
		return slog.StringValue("none")
	}
	return slog.GroupValue(
		slog.String("source", m.Source),
		slog.Int("permissions", len(m.Permissions)),
		slog.Time("checked_at", m.CheckedAt),
	)
}

// Party is whom a principal acts for: themselves, a company or an
// association. For PartySelf, Subject is zero and Mandate is nil or has
// source MandateSelf. For organisations, Subject is their
// organisationsnummer and Mandate says why the person may act for them.
type Party struct {
	// Kind is the kind of party. The zero value is treated as PartySelf.
	Kind PartyKind `json:"kind,omitempty"`
	// Subject identifies the organisation; zero for PartySelf.
	Subject Subject `json:"subject,omitzero"`
	// Name is the organisation's registered name, for display.
	Name string `json:"name,omitempty"`
	// Mandate is the person's mandate for the organisation.
	Mandate *Mandate `json:"mandate,omitempty"`
}

// IsSelf reports whether the party is the principal themselves.
func (p Party) IsSelf() bool { return (p.Kind == "" || p.Kind == PartySelf) && p.Subject.IsZero() }

// Validate checks the party's consistency: self has no subject; an
// organisation has a valid subject and a valid mandate. Errors wrap
// ErrInvalidSubject or ErrNoMandate.
func (p Party) Validate() error {
	switch p.Kind {
	case "", PartySelf:
		if !p.Subject.IsZero() {
			return fmt.Errorf("%w: self party must not have a subject", ErrInvalidSubject)
		}
		if p.Mandate != nil && p.Mandate.Source != MandateSelf {
			return fmt.Errorf("%w: self party with a non-self mandate", ErrNoMandate)
		}
		return nil
	case PartyCompany, PartyAssociation:
	default:
		return fmt.Errorf("%w: unknown party kind", ErrInvalidSubject)
	}
	if p.Subject.IsZero() {
		return fmt.Errorf("%w: organisation party without subject", ErrInvalidSubject)
	}
	if err := p.Subject.Validate(); err != nil {
		return err
	}
	if len(p.Name) > MaxTextLen {
		return fmt.Errorf("%w: party name longer than %d bytes", ErrInvalidSubject, MaxTextLen)
	}
	if p.Mandate == nil {
		return fmt.Errorf("%w: organisation party without mandate", ErrNoMandate)
	}
	if p.Mandate.Source == MandateSelf {
		return fmt.Errorf("%w: self mandate for an organisation", ErrNoMandate)
	}
	return p.Mandate.Validate()
}

// LogValue implements slog.LogValuer: kind, masked subject and mandate
// source; the name is left out.
func (p Party) LogValue() slog.Value {
	kind := p.Kind
	if kind == "" {
		kind = PartySelf
	}
	attrs := []slog.Attr{slog.String("kind", string(kind))}
	if !p.Subject.IsZero() {
		attrs = append(attrs, slog.String("subject", p.Subject.Masked()))
	}
	if p.Mandate != nil {
		attrs = append(attrs, slog.String("mandate", p.Mandate.Source))
	}
	return slog.GroupValue(attrs...)
}

// String returns a masked summary (kind and masked subject, no name), so
// that a Party printed by accident leaks no personal data.
func (p Party) String() string {
	if p.IsSelf() {
		return string(PartySelf)
	}
	return string(p.Kind) + " " + p.Subject.Masked()
}
