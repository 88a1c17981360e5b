package identity

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/etjanst/etjanst/idnum"
)

// Scheme names the kind of identifier a Subject carries. Never assume that
// every user has a personnummer: foreign users arrive with an eIDAS
// identifier and staff with an officer account.
type Scheme string

// The identifier schemes known to this package.
const (
	// SchemePersonnummer is a Swedish personnummer or samordningsnummer,
	// stored as 12 digits (YYYYMMDDNNNC) without separator.
	SchemePersonnummer Scheme = "se-pnr"
	// SchemeOrganisationsnummer is a Swedish organisationsnummer of a legal
	// person, stored as 10 digits without separator. A sole trader
	// (enskild näringsidkare) is identified by the personnummer instead.
	SchemeOrganisationsnummer Scheme = "se-orgnr"
	// SchemeEIDAS is an eIDAS person identifier ("SE/NO/..."), as relayed
	// by the Swedish eIDAS connector for users without a personnummer.
	SchemeEIDAS Scheme = "eidas"
	// SchemeOfficer is a staff account of the municipality (case officer,
	// administrator), typically the account name in its own IdP.
	SchemeOfficer Scheme = "officer"
)

// MaxSubjectValueLen caps the byte length of a Subject value for the schemes
// with free-form values (eidas, officer). The eIDAS SAML profile allows
// identifiers of up to 256 characters.
const MaxSubjectValueLen = 256

// Known reports whether s is one of the schemes defined by this package.
func (s Scheme) Known() bool {
	switch s {
	case SchemePersonnummer, SchemeOrganisationsnummer, SchemeEIDAS, SchemeOfficer:
		return true
	}
	return false
}

// Subject is a generic identifier: a scheme plus a value in the scheme's
// normal form. The zero Subject means "nobody" (for example the subject of
// a Party acting for itself).
//
// A Subject holds personal data. String, LogValue and GoString show the
// masked form; use Key for map keys and storage, never for logs.
type Subject struct {
	// Scheme is the identifier scheme.
	Scheme Scheme `json:"scheme"`
	// Value is the identifier in the scheme's normal form (12 digits for
	// se-pnr, 10 digits for se-orgnr).
	Value string `json:"value"`
}

// IsZero reports whether s is the zero Subject.
func (s Subject) IsZero() bool { return s.Scheme == "" && s.Value == "" }

// Equal reports whether s and o denote the same identifier.
func (s Subject) Equal(o Subject) bool { return s.Scheme == o.Scheme && s.Value == o.Value }

// Key returns "scheme:value", a stable key for maps, hashing and storage.
// It contains the full identifier: never log it or show it in lists.
func (s Subject) Key() string { return string(s.Scheme) + ":" + s.Value }

// Masked returns "scheme:masked-value" for logs and list views:
//
//   - se-pnr: the birth date is kept and the last four digits masked,
//     "se-pnr:19121212-****";
//   - se-orgnr: shown in full, "se-orgnr:556000-0000" (an organisation
//     number of a legal person is public information);
//   - eidas: the country prefix ("SE/NO/") is kept and the rest masked;
//   - officer and unknown schemes: the first two characters are kept.
//
// The zero Subject masks to "".
func (s Subject) Masked() string {
	if s.IsZero() {
		return ""
	}
	return string(s.Scheme) + ":" + maskValue(s.Scheme, s.Value)
}

// String returns the masked form (see Masked), so that a Subject printed
// by accident with %v or %s leaks no personal data.
func (s Subject) String() string { return s.Masked() }

// GoString returns the masked form for %#v.
func (s Subject) GoString() string { return fmt.Sprintf("identity.Subject{%q}", s.Masked()) }

// LogValue implements slog.LogValuer: only the masked form is logged.
func (s Subject) LogValue() slog.Value { return slog.StringValue(s.Masked()) }

// Validate checks that s has a known scheme and a well-formed value in the
// scheme's normal form: se-pnr must be 12 digits forming a valid
// personnummer or samordningsnummer, se-orgnr 10 digits forming a valid
// organisationsnummer, eidas and officer values non-empty valid UTF-8
// without control characters and at most MaxSubjectValueLen bytes.
// Errors wrap ErrInvalidSubject and never contain the value.
func (s Subject) Validate() error {
	if !s.Scheme.Known() {
		if len(s.Scheme) > 32 || !utf8.ValidString(string(s.Scheme)) {
			return fmt.Errorf("%w: unknown scheme", ErrInvalidSubject)
		}
		return fmt.Errorf("%w: unknown scheme %q", ErrInvalidSubject, string(s.Scheme))
	}
	switch s.Scheme {
	case SchemePersonnummer:
		if len(s.Value) != 12 || !isDigits(s.Value) {
			return fmt.Errorf("%w: se-pnr: want 12 digits", ErrInvalidSubject)
		}
		p, err := idnum.ParsePersonnummer(s.Value, nil)
		if err != nil {
			return fmt.Errorf("%w: se-pnr: %w", ErrInvalidSubject, err)
		}
		if p.String() != s.Value {
			return fmt.Errorf("%w: se-pnr: not in normal form", ErrInvalidSubject)
		}
	case SchemeOrganisationsnummer:
		if len(s.Value) != 10 || !isDigits(s.Value) {
			return fmt.Errorf("%w: se-orgnr: want 10 digits", ErrInvalidSubject)
		}
		if _, err := idnum.ParseOrganisationsnummer(s.Value); err != nil {
			return fmt.Errorf("%w: se-orgnr: %w", ErrInvalidSubject, err)
		}
	default:
		if s.Value == "" {
			return fmt.Errorf("%w: %s: empty value", ErrInvalidSubject, s.Scheme)
		}
		if len(s.Value) > MaxSubjectValueLen {
			return fmt.Errorf("%w: %s: value longer than %d bytes", ErrInvalidSubject, s.Scheme, MaxSubjectValueLen)
		}
		if !utf8.ValidString(s.Value) {
			return fmt.Errorf("%w: %s: value is not valid UTF-8", ErrInvalidSubject, s.Scheme)
		}
		if strings.TrimSpace(s.Value) != s.Value {
			return fmt.Errorf("%w: %s: value has surrounding space", ErrInvalidSubject, s.Scheme)
		}
		for _, r := range s.Value {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return fmt.Errorf("%w: %s: value has control characters", ErrInvalidSubject, s.Scheme)
			}
		}
	}
	return nil
}

// PersonSubject returns the se-pnr Subject of a parsed personnummer or
// samordningsnummer.
func PersonSubject(p idnum.Personnummer) Subject {
	return Subject{Scheme: SchemePersonnummer, Value: p.String()}
}

// OrganisationSubject returns the se-orgnr Subject of a parsed
// organisationsnummer.
func OrganisationSubject(o idnum.Organisationsnummer) Subject {
	return Subject{Scheme: SchemeOrganisationsnummer, Value: o.String()}
}

// ParseSubject builds a Subject from user or provider input and normalises
// the value: se-pnr accepts every form idnum.ParsePersonnummer accepts
// ("19121212-1212", "121212-1212") and stores 12 digits; se-orgnr accepts
// "556036-0793" or "16556036-0793" and stores 10 digits; other schemes are
// taken as is. The result is validated. Errors wrap ErrInvalidSubject (and
// the idnum sentinel, if any) and never contain the value.
func ParseSubject(scheme Scheme, value string) (Subject, error) {
	switch scheme {
	case SchemePersonnummer:
		p, err := idnum.ParsePersonnummer(value, nil)
		if err != nil {
			return Subject{}, fmt.Errorf("%w: se-pnr: %w", ErrInvalidSubject, err)
		}
		return PersonSubject(p), nil
	case SchemeOrganisationsnummer:
		o, err := idnum.ParseOrganisationsnummer(value)
		if err != nil {
			return Subject{}, fmt.Errorf("%w: se-orgnr: %w", ErrInvalidSubject, err)
		}
		return OrganisationSubject(o), nil
	}
	s := Subject{Scheme: scheme, Value: value}
	if err := s.Validate(); err != nil {
		return Subject{}, err
	}
	return s, nil
}

func maskValue(scheme Scheme, v string) string {
	switch scheme {
	case SchemePersonnummer:
		if len(v) == 12 && isDigits(v[:8]) {
			return v[:8] + "-****"
		}
		return "****"
	case SchemeOrganisationsnummer:
		if len(v) == 10 && isDigits(v) {
			return v[:6] + "-" + v[6:]
		}
		return keepPrefix(v, 2)
	case SchemeEIDAS:
		// "SE/NO/unique": the two country codes are not personal data.
		if len(v) > 6 && v[2] == '/' && v[5] == '/' && isUpperASCII(v[:2]) && isUpperASCII(v[3:5]) {
			return v[:6] + "****"
		}
		return keepPrefix(v, 2)
	default:
		return keepPrefix(v, 2)
	}
}

// keepPrefix keeps the first n runes of v (fewer when v is short, so that
// at least half is hidden) and replaces the rest with "****".
func keepPrefix(v string, n int) string {
	if c := utf8.RuneCountInString(v); c <= 2*n {
		n = c / 2
	}
	i, k := 0, 0
	for k < n && i < len(v) {
		_, size := utf8.DecodeRuneInString(v[i:])
		i += size
		k++
	}
	if !utf8.ValidString(v[:i]) {
		return "****"
	}
	return v[:i] + "****"
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
