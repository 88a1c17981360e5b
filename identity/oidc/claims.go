package oidc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/idnum"
)

// Claim names of the Swedish OpenID Connect profile ("Claims and Scopes
// Specification for the Swedish OpenID Connect Profile", oidc.se) and of
// its Sweden Connect extension for eIDAS ("OpenID Connect Claims and
// Scopes Specification for Sweden Connect").
const (
	// ClaimPersonalIdentityNumber is a Swedish personnummer, 12 digits.
	ClaimPersonalIdentityNumber = "https://id.oidc.se/claim/personalIdentityNumber"
	// ClaimCoordinationNumber is a Swedish samordningsnummer, 12 digits.
	ClaimCoordinationNumber = "https://id.oidc.se/claim/coordinationNumber"
	// ClaimCoordinationNumberLevel is "confirmed", "probable" or
	// "uncertain".
	ClaimCoordinationNumberLevel = "https://id.oidc.se/claim/coordinationNumberLevel"
	// ClaimAuthnProvider identifies the service that authenticated the user
	// behind a broker.
	ClaimAuthnProvider = "https://id.oidc.se/claim/authnProvider"
	// ClaimAuthnEvidence is the provider's evidence of the authentication
	// (base64: an OCSP response, a SAML assertion, a JWT).
	ClaimAuthnEvidence = "https://id.oidc.se/claim/authnEvidence"
	// ClaimUserSignature is the signature the user made while
	// authenticating (base64).
	ClaimUserSignature = "https://id.oidc.se/claim/userSignature"
	// ClaimPRID is the eIDAS provisional identifier assigned by the Swedish
	// eIDAS connector ("NO:05068907693"): the primary identifier of users
	// authenticated through eIDAS.
	ClaimPRID = "https://id.swedenconnect.se/claim/prid"
	// ClaimPRIDPersistence is "A", "B" or "C": how persistent the prid is.
	ClaimPRIDPersistence = "https://id.swedenconnect.se/claim/pridPersistence"
	// ClaimEIDASPersonIdentifier is the identifier issued by the foreign
	// eIDAS node.
	ClaimEIDASPersonIdentifier = "https://id.swedenconnect.se/claim/eidasPersonIdentifier"
	// ClaimEIDASCountry is the ISO 3166 code of the eIDAS country.
	ClaimEIDASCountry = "https://id.swedenconnect.se/claim/eidasCountry"
	// ClaimTransactionID is the provider's transaction identifier (txn,
	// RFC 8417), mandatory in the Swedish profile.
	ClaimTransactionID = "txn"
)

// Scopes of the Swedish OpenID Connect profile.
const (
	// ScopeNaturalPersonNumber requests the personnummer or
	// samordningsnummer in the ID token.
	ScopeNaturalPersonNumber = "https://id.oidc.se/scope/naturalPersonNumber"
	// ScopeNaturalPersonInfo requests names and birth date (delivered by the
	// UserInfo endpoint; see Options.UserInfo).
	ScopeNaturalPersonInfo = "https://id.oidc.se/scope/naturalPersonInfo"
	// ScopeEIDASNaturalPersonIdentity requests prid, pridPersistence and
	// the eIDAS person identifier (Sweden Connect).
	ScopeEIDASNaturalPersonIdentity = "https://id.swedenconnect.se/scope/eidasNaturalPersonIdentity"
)

// Limits on decoded claims.
const (
	// MaxClaimsBytes caps the JSON of an ID token payload or UserInfo
	// response. Generous, because the Swedish authentication information
	// claims (userSignature, authnEvidence) carry whole signatures.
	MaxClaimsBytes = 256 << 10
	// MaxClaims caps the number of claims in one object.
	MaxClaims = 512
	// MaxRoleValues caps the values of the roles claim that are examined.
	MaxRoleValues = 1024
)

// Claims are the claims of an ID token or a UserInfo response: each claim
// name with its raw JSON value. Build them with ParseClaims.
type Claims map[string]json.RawMessage

// ParseClaims decodes a JSON object of claims. It rejects input larger
// than MaxClaimsBytes, anything but a single JSON object, more than
// MaxClaims members, and duplicate member names (which different JSON
// parsers resolve differently, a known source of token confusion). Errors
// wrap ErrClaims and never contain claim values.
func ParseClaims(data []byte) (Claims, error) {
	if len(data) > MaxClaimsBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrClaims, MaxClaimsBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: not JSON", ErrClaims)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrClaims)
	}
	c := make(Claims)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: malformed JSON", ErrClaims)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("%w: malformed JSON", ErrClaims)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: malformed JSON", ErrClaims)
		}
		if _, dup := c[name]; dup {
			return nil, fmt.Errorf("%w: duplicate claim", ErrClaims)
		}
		if len(c) >= MaxClaims {
			return nil, fmt.Errorf("%w: more than %d claims", ErrClaims, MaxClaims)
		}
		c[name] = raw
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("%w: malformed JSON", ErrClaims)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: trailing data after the object", ErrClaims)
	}
	return c, nil
}

// Has reports whether the claim is present and not JSON null.
func (c Claims) Has(name string) bool {
	raw, ok := c[name]
	return ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// String returns a string claim. ok is false when the claim is absent or
// null; err is set when it is present with another type. The error names
// the claim, never its value.
func (c Claims) String(name string) (s string, ok bool, err error) {
	if !c.Has(name) {
		return "", false, nil
	}
	if err := json.Unmarshal(c[name], &s); err != nil {
		return "", false, fmt.Errorf("%w: %s is not a string", ErrClaims, claimLabel(name))
	}
	return s, true, nil
}

// Time returns a NumericDate claim (seconds since the epoch, possibly
// fractional) as a time in UTC. ok is false when the claim is absent or
// null; err is set for another type or a value outside year 1970 to 9999.
func (c Claims) Time(name string) (t time.Time, ok bool, err error) {
	if !c.Has(name) {
		return time.Time{}, false, nil
	}
	raw := bytes.TrimSpace(c[name])
	var n json.Number
	// json.Number also accepts a quoted number; NumericDate is a JSON number.
	if len(raw) == 0 || raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
		return time.Time{}, false, fmt.Errorf("%w: %s is not a number", ErrClaims, claimLabel(name))
	}
	f, err := n.Float64()
	const maxUnix = 253402300799 // 9999-12-31T23:59:59Z
	if err != nil || math.IsNaN(f) || f < 0 || f > maxUnix {
		return time.Time{}, false, fmt.Errorf("%w: %s is out of range", ErrClaims, claimLabel(name))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

// Bool returns a boolean claim, accepting the strings "true" and "false"
// as some providers send them.
func (c Claims) Bool(name string) (b bool, ok bool, err error) {
	if !c.Has(name) {
		return false, false, nil
	}
	if err := json.Unmarshal(c[name], &b); err == nil {
		return b, true, nil
	}
	var s string
	if err := json.Unmarshal(c[name], &s); err == nil {
		switch s {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		}
	}
	return false, false, fmt.Errorf("%w: %s is not a boolean", ErrClaims, claimLabel(name))
}

// Strings returns a claim holding an array of strings, or a single string
// as a one-element list. At most MaxRoleValues values are accepted.
func (c Claims) Strings(name string) ([]string, bool, error) {
	if !c.Has(name) {
		return nil, false, nil
	}
	raw := bytes.TrimSpace(c[name])
	if len(raw) > 0 && raw[0] == '"' {
		s, _, err := c.String(name)
		if err != nil {
			return nil, false, err
		}
		return []string{s}, true, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, false, fmt.Errorf("%w: %s is not a list of strings", ErrClaims, claimLabel(name))
	}
	if len(list) > MaxRoleValues {
		return nil, false, fmt.Errorf("%w: %s has more than %d values", ErrClaims, claimLabel(name), MaxRoleValues)
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		var s string
		if err := json.Unmarshal(item, &s); err != nil {
			return nil, false, fmt.Errorf("%w: %s is not a list of strings", ErrClaims, claimLabel(name))
		}
		out = append(out, s)
	}
	return out, true, nil
}

// claimLabel shortens a claim name for error messages and caps
// attacker-chosen names.
func claimLabel(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	if len(name) > 64 || !utf8.ValidString(name) {
		return "claim"
	}
	return name
}

// MappingOptions configure MapClaims. A nil *MappingOptions means all
// defaults.
type MappingOptions struct {
	// Method is the Principal's Method. Defaults to identity.MethodOIDC.
	Method string
	// RolesClaim is the claim that lists the user's roles or groups
	// ("roles", "groups"). Defaults to "roles".
	RolesClaim string
	// Roles maps values of RolesClaim to officer roles scoped to
	// e-services. Several values may map to the same role name; their
	// services are merged. Values without a mapping are ignored, so a nil
	// map gives no roles at all (deny by default).
	Roles map[string]identity.Role
	// OfficerClaim is the claim that identifies an officer's staff account
	// (SchemeOfficer) when the claims carry no personal identity number.
	// Defaults to "sub". Note that "sub" is only unique per issuer.
	OfficerClaim string
	// OfficerProvider says the provider is the municipality's own staff
	// identity provider: a user without a personal identity number is an
	// officer (identified by OfficerClaim) even without any mapped role.
	// Defaults to false: only users with at least one mapped role become
	// officers.
	OfficerProvider bool
	// ProtectedClaim is a boolean claim that marks protected identity
	// (sekretessmarkering) when the provider knows it. Defaults to "" (no
	// such claim; the application learns it elsewhere).
	ProtectedClaim string
	// Now is the clock used to reject identity numbers with a birth date in
	// the future. Defaults to time.Now.
	Now func() time.Time
}

// MapClaims maps verified claims to a Principal acting for itself.
//
// The subject is chosen in this order:
//
//  1. ClaimPersonalIdentityNumber or ClaimCoordinationNumber (12 digits,
//     validated with idnum; a coordination number must be one) gives an
//     se-pnr subject. Both at once, with different values, is an error.
//  2. ClaimPRID gives an eidas subject.
//  3. An eIDAS assurance level (acr) without prid gives an eidas subject
//     from "sub".
//  4. An officer (at least one mapped role, or OfficerProvider) gives an
//     officer subject from OfficerClaim.
//
// Anything else is ErrNoSubject. Mapped personal identity numbers from the
// eIDAS identity binding service (mappedPersonalIdentityNumber) are
// deliberately not used: their trust depends on the binding process.
//
// given_name and family_name become the names (the profile's placeholder
// "-" for a missing given name becomes ""), acr the assurance level (an
// unknown acr gives an empty level), auth_time (or iat when auth_time is
// absent) the authentication time, and RolesClaim the roles through
// opts.Roles. Errors wrap ErrClaims and never contain claim values.
func MapClaims(claims Claims, opts *MappingOptions) (identity.Principal, error) {
	var o MappingOptions
	if opts != nil {
		o = *opts
	}
	if o.Method == "" {
		o.Method = identity.MethodOIDC
	}
	if o.RolesClaim == "" {
		o.RolesClaim = "roles"
	}
	if o.OfficerClaim == "" {
		o.OfficerClaim = "sub"
	}
	if o.Now == nil {
		o.Now = time.Now
	}

	p := identity.Principal{Method: o.Method}
	var err error
	if p.GivenName, err = nameClaim(claims, "given_name"); err != nil {
		return identity.Principal{}, err
	}
	if p.FamilyName, err = nameClaim(claims, "family_name"); err != nil {
		return identity.Principal{}, err
	}

	acr, _, err := claims.String("acr")
	if err != nil {
		return identity.Principal{}, err
	}
	if level, err := identity.ParseAssuranceLevel(acr); err == nil && acr != "" {
		p.Assurance = level
	}

	authTime, ok, err := claims.Time("auth_time")
	if err != nil {
		return identity.Principal{}, err
	}
	if !ok {
		if authTime, ok, err = claims.Time("iat"); err != nil {
			return identity.Principal{}, err
		}
	}
	if !ok {
		return identity.Principal{}, fmt.Errorf("%w: neither auth_time nor iat", ErrClaims)
	}
	p.AuthTime = authTime

	if p.Roles, err = mapRoles(claims, o.RolesClaim, o.Roles); err != nil {
		return identity.Principal{}, err
	}

	if o.ProtectedClaim != "" {
		if p.Protected, _, err = claims.Bool(o.ProtectedClaim); err != nil {
			return identity.Principal{}, err
		}
	}

	if p.Subject, err = chooseSubject(claims, p, o); err != nil {
		return identity.Principal{}, err
	}
	if err := p.Validate(); err != nil {
		return identity.Principal{}, fmt.Errorf("%w: %w", ErrClaims, err)
	}
	return p, nil
}

func chooseSubject(claims Claims, p identity.Principal, o MappingOptions) (identity.Subject, error) {
	pnr, hasPnr, err := claims.String(ClaimPersonalIdentityNumber)
	if err != nil {
		return identity.Subject{}, err
	}
	coord, hasCoord, err := claims.String(ClaimCoordinationNumber)
	if err != nil {
		return identity.Subject{}, err
	}
	if hasPnr && hasCoord && pnr != coord {
		return identity.Subject{}, fmt.Errorf("%w: both personalIdentityNumber and coordinationNumber", ErrClaims)
	}
	idOpts := &idnum.Options{Now: o.Now}
	switch {
	case hasPnr:
		n, err := parseIDNumber(pnr, idOpts)
		if err != nil {
			return identity.Subject{}, fmt.Errorf("%w: personalIdentityNumber: %w", ErrClaims, err)
		}
		return identity.Subject{Scheme: identity.SchemePersonnummer, Value: n.String()}, nil
	case hasCoord:
		n, err := parseIDNumber(coord, idOpts)
		if err != nil {
			return identity.Subject{}, fmt.Errorf("%w: coordinationNumber: %w", ErrClaims, err)
		}
		if !n.IsCoordination() {
			return identity.Subject{}, fmt.Errorf("%w: coordinationNumber is not a samordningsnummer", ErrClaims)
		}
		return identity.Subject{Scheme: identity.SchemePersonnummer, Value: n.String()}, nil
	}

	prid, hasPrid, err := claims.String(ClaimPRID)
	if err != nil {
		return identity.Subject{}, err
	}
	if hasPrid {
		return validSubject(identity.SchemeEIDAS, prid, "prid")
	}
	if isEIDAS(p.Assurance) {
		sub, ok, err := claims.String("sub")
		if err != nil {
			return identity.Subject{}, err
		}
		if ok {
			return validSubject(identity.SchemeEIDAS, sub, "sub")
		}
	}
	if len(p.Roles) > 0 || o.OfficerProvider {
		v, ok, err := claims.String(o.OfficerClaim)
		if err != nil {
			return identity.Subject{}, err
		}
		if ok {
			return validSubject(identity.SchemeOfficer, v, claimLabel(o.OfficerClaim))
		}
	}
	return identity.Subject{}, ErrNoSubject
}

// parseIDNumber accepts exactly the profile's format, 12 digits without
// separator, and validates it with idnum (date, check digit).
func parseIDNumber(v string, opts *idnum.Options) (idnum.Personnummer, error) {
	if len(v) != 12 {
		return idnum.Personnummer{}, errors.New("want 12 digits")
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return idnum.Personnummer{}, errors.New("want 12 digits")
		}
	}
	return idnum.ParsePersonnummer(v, opts)
}

func validSubject(scheme identity.Scheme, v, claim string) (identity.Subject, error) {
	s := identity.Subject{Scheme: scheme, Value: v}
	if err := s.Validate(); err != nil {
		return identity.Subject{}, fmt.Errorf("%w: %s: %w", ErrClaims, claim, err)
	}
	return s, nil
}

func isEIDAS(a identity.AssuranceLevel) bool {
	switch a {
	case identity.EIDASLow, identity.EIDASSubstantial, identity.EIDASHigh,
		identity.EIDASNotifiedLow, identity.EIDASNotifiedSubstantial, identity.EIDASNotifiedHigh:
		return true
	}
	return false
}

// nameClaim reads a name claim: valid UTF-8 text of at most
// identity.MaxTextLen bytes without control characters. The Swedish
// profile's placeholder "-" (no given name in the population register)
// becomes "".
func nameClaim(claims Claims, name string) (string, error) {
	v, _, err := claims.String(name)
	if err != nil {
		return "", err
	}
	v = strings.TrimSpace(v)
	if v == "-" {
		return "", nil
	}
	if len(v) > identity.MaxTextLen {
		return "", fmt.Errorf("%w: %s longer than %d bytes", ErrClaims, name, identity.MaxTextLen)
	}
	if !utf8.ValidString(v) || strings.ContainsFunc(v, isControl) {
		return "", fmt.Errorf("%w: %s has control characters", ErrClaims, name)
	}
	return v, nil
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError
}

// mapRoles maps the roles claim through the configured table: merged by
// role name, services deduplicated and sorted, roles sorted by name.
func mapRoles(claims Claims, claim string, table map[string]identity.Role) ([]identity.Role, error) {
	if len(table) == 0 {
		return nil, nil
	}
	values, ok, err := claims.Strings(claim)
	if err != nil || !ok {
		return nil, err
	}
	merged := map[string][]string{}
	for _, v := range values {
		r, ok := table[v]
		if !ok || r.Name == "" {
			continue
		}
		merged[r.Name] = append(merged[r.Name], r.Services...)
	}
	if len(merged) > identity.MaxRoles {
		return nil, fmt.Errorf("%w: more than %d roles", ErrClaims, identity.MaxRoles)
	}
	roles := make([]identity.Role, 0, len(merged))
	for name, services := range merged {
		slices.Sort(services)
		roles = append(roles, identity.Role{Name: name, Services: slices.Compact(services)})
	}
	slices.SortFunc(roles, func(a, b identity.Role) int { return strings.Compare(a.Name, b.Name) })
	if len(roles) == 0 {
		return nil, nil
	}
	return roles, nil
}
