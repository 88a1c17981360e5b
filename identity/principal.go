package identity

import (
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Role names for officers. A role is scoped to e-services by Role.Services.
const (
	// RoleOfficer is a case officer (handläggare): reads and handles cases
	// of the e-services in scope.
	RoleOfficer = "handlaggare"
	// RoleDisclosureReviewer decides on disclosure requests (utlämnande av
	// allmän handling) and the secrecy review of each item.
	RoleDisclosureReviewer = "utlamnande"
	// RoleAdmin administers forms and e-services (not cases).
	RoleAdmin = "admin"
)

// AllServices, as the only or one of the Services of a Role, scopes the
// role to every e-service.
const AllServices = "*"

// Authentication methods. Providers may use other values; these are the
// ones the SDK ships adapters for.
const (
	MethodBankID  = "bankid"
	MethodFreja   = "freja"
	MethodOIDC    = "oidc"
	MethodSAML    = "saml"
	MethodOfficer = "officer-login"
)

// Limits on a Principal, to bound what a decoded session can carry.
const (
	// MaxRoles caps the number of roles of a Principal.
	MaxRoles = 64
	// MaxServicesPerRole caps the e-services a role is scoped to.
	MaxServicesPerRole = 1024
)

// Role is an officer role scoped to e-services (form IDs).
type Role struct {
	// Name is the role, for example RoleOfficer.
	Name string `json:"name"`
	// Services are the e-service (form) IDs the role applies to;
	// AllServices ("*") means every e-service. An empty list scopes the
	// role to nothing.
	Services []string `json:"services,omitempty"`
}

// Covers reports whether the role applies to service.
func (r Role) Covers(service string) bool {
	return slices.Contains(r.Services, AllServices) || (service != "" && slices.Contains(r.Services, service))
}

// Principal is the authenticated actor: who they are, how strongly they
// proved it, and whom they act for. It is a value: copy it freely, and pass
// it explicitly to every call that makes an access decision.
//
// A Principal holds personal data; String and LogValue show only masked
// identifiers and never names.
type Principal struct {
	// Subject identifies the person (or staff account).
	Subject Subject `json:"subject"`
	// GivenName and FamilyName as asserted by the e-ID provider.
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
	// Assurance is the level of assurance of the authentication.
	Assurance AssuranceLevel `json:"assurance,omitempty"`
	// Method is how the person authenticated: MethodBankID, MethodFreja,
	// MethodOIDC, MethodSAML, MethodOfficer or a provider's own name.
	Method string `json:"method"`
	// AuthTime is when the authentication completed.
	AuthTime time.Time `json:"auth_time"`
	// Protected marks a person with protected identity (sekretessmarkering,
	// skyddad folkbokföring), when the application learns it. Everything
	// they submit is classified confidential.
	Protected bool `json:"protected,omitempty"`
	// Roles are officer roles; citizens have none.
	Roles []Role `json:"roles,omitempty"`
	// Party is whom the principal acts for; the zero Party means self.
	Party Party `json:"party,omitzero"`
}

// IsOfficer reports whether the principal has any role.
func (p Principal) IsOfficer() bool { return len(p.Roles) > 0 }

// HasRole reports whether the principal has role for service (a role
// scoped to AllServices covers every service). An empty service matches
// only roles scoped to AllServices.
func (p Principal) HasRole(role, service string) bool {
	for _, r := range p.Roles {
		if r.Name == role && r.Covers(service) {
			return true
		}
	}
	return false
}

// ActsForSelf reports whether the principal acts for themselves.
func (p Principal) ActsForSelf() bool { return p.Party.IsSelf() }

// AuthenticatedWithin reports whether the authentication happened within d
// before now. An authentication time in the future by more than a minute
// (clock skew) is not trusted and yields false.
func (p Principal) AuthenticatedWithin(now time.Time, d time.Duration) bool {
	if p.AuthTime.IsZero() {
		return false
	}
	age := now.Sub(p.AuthTime)
	return age >= -time.Minute && age <= d
}

// RequireFresh returns nil when the principal authenticated within d before
// now, and an error wrapping ErrStale otherwise.
func (p Principal) RequireFresh(now time.Time, d time.Duration) error {
	if !p.AuthenticatedWithin(now, d) {
		return fmt.Errorf("%w: older than %s", ErrStale, d)
	}
	return nil
}

// RequireAssurance returns nil when the principal's assurance level is at
// least min, and an error wrapping ErrNotAuthorised otherwise.
func (p Principal) RequireAssurance(min AssuranceLevel) error {
	if !p.Assurance.AtLeast(min) {
		return fmt.Errorf("%w: assurance level below %s", ErrNotAuthorised, min.Short())
	}
	return nil
}

// RequireRole returns nil when the principal has role for service, and an
// error wrapping ErrNotAuthorised otherwise.
func (p Principal) RequireRole(role, service string) error {
	if !p.HasRole(role, service) {
		return fmt.Errorf("%w: role %q missing for service %q", ErrNotAuthorised, role, service)
	}
	return nil
}

// Validate checks that the principal is consistent: a valid subject, a
// method, an authentication time, a known (or empty) assurance level,
// bounded names and roles, and a valid party. Errors wrap
// ErrInvalidPrincipal and, where it applies, ErrInvalidSubject or
// ErrNoMandate; they never contain names or identifiers.
func (p Principal) Validate() error {
	if p.Subject.IsZero() {
		return fmt.Errorf("%w: no subject", ErrInvalidPrincipal)
	}
	if err := p.Subject.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPrincipal, err)
	}
	if p.Method == "" || len(p.Method) > 64 {
		return fmt.Errorf("%w: missing or too long method", ErrInvalidPrincipal)
	}
	if p.AuthTime.IsZero() {
		return fmt.Errorf("%w: no authentication time", ErrInvalidPrincipal)
	}
	if p.Assurance != "" && !p.Assurance.Known() {
		return fmt.Errorf("%w: %w", ErrInvalidPrincipal, ErrUnknownAssurance)
	}
	if len(p.GivenName) > MaxTextLen || len(p.FamilyName) > MaxTextLen {
		return fmt.Errorf("%w: name longer than %d bytes", ErrInvalidPrincipal, MaxTextLen)
	}
	if len(p.Roles) > MaxRoles {
		return fmt.Errorf("%w: more than %d roles", ErrInvalidPrincipal, MaxRoles)
	}
	for i, r := range p.Roles {
		if r.Name == "" || len(r.Name) > MaxTextLen {
			return fmt.Errorf("%w: role %d: empty or too long name", ErrInvalidPrincipal, i)
		}
		if len(r.Services) > MaxServicesPerRole {
			return fmt.Errorf("%w: role %d: more than %d services", ErrInvalidPrincipal, i, MaxServicesPerRole)
		}
		for _, s := range r.Services {
			if s == "" || len(s) > MaxTextLen {
				return fmt.Errorf("%w: role %d: empty or too long service", ErrInvalidPrincipal, i)
			}
		}
	}
	if err := p.Party.Validate(); err != nil {
		return fmt.Errorf("%w: party: %w", ErrInvalidPrincipal, err)
	}
	if !p.Party.IsSelf() && p.Party.Subject.Equal(p.Subject) {
		return fmt.Errorf("%w: party equals the subject", ErrInvalidPrincipal)
	}
	return nil
}

// LogValue implements slog.LogValuer: masked subject, party kind and
// masked party subject, assurance, method, auth time and role count.
// Names are never logged.
func (p Principal) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("subject", p.Subject.Masked()),
		slog.String("method", p.Method),
		slog.String("assurance", p.Assurance.Short()),
		slog.Time("auth_time", p.AuthTime),
		slog.Any("party", p.Party),
	}
	if len(p.Roles) > 0 {
		attrs = append(attrs, slog.Int("roles", len(p.Roles)))
	}
	if p.Protected {
		attrs = append(attrs, slog.Bool("protected", true))
	}
	return slog.GroupValue(attrs...)
}

// String returns a masked one-line summary, so that a Principal printed by
// accident leaks no personal data.
func (p Principal) String() string {
	s := p.Subject.Masked() + " via " + p.Method
	if !p.ActsForSelf() {
		s += " for " + p.Party.Subject.Masked()
	}
	return s
}

// GoString returns the masked summary for %#v.
func (p Principal) GoString() string { return fmt.Sprintf("identity.Principal{%q}", p.String()) }
