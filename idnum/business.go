package idnum

import (
	"errors"
	"log/slog"
)

// BusinessID identifies a business for e-services that accept "organisations-
// nummer eller personnummer för enskild firma": either an organisationsnummer
// or, for a sole trader (enskild firma), the owner's personnummer or
// samordningsnummer. Exactly one of the two is set in a non-zero value.
//
// A sole trader's BusinessID is personal data; LogValue masks it.
type BusinessID struct {
	org Organisationsnummer
	pnr Personnummer
}

// ParseBusinessID parses s as an organisationsnummer and, when it is a
// well-formed personnummer or samordningsnummer instead (ParseOrganisations-
// nummer reports ErrSoleTrader), as the personnummer of a sole trader with
// opts (see ParsePersonnummer). It accepts every form either parser accepts.
//
// Errors are those of ParseOrganisationsnummer, or of ParsePersonnummer for
// input shaped like a personnummer; they never contain the input.
func ParseBusinessID(s string, opts *Options) (BusinessID, error) {
	o, err := ParseOrganisationsnummer(s)
	if err == nil {
		return BusinessID{org: o}, nil
	}
	if !errors.Is(err, ErrSoleTrader) {
		return BusinessID{}, err
	}
	p, err := ParsePersonnummer(s, opts)
	if err != nil {
		return BusinessID{}, err
	}
	return BusinessID{pnr: p}, nil
}

// IsSoleTrader reports whether the business is a sole trader identified by
// a personnummer.
func (b BusinessID) IsSoleTrader() bool { return !b.pnr.IsZero() }

// Organisationsnummer returns the organisation number; ok is false for a
// sole trader and for the zero value.
func (b BusinessID) Organisationsnummer() (o Organisationsnummer, ok bool) {
	return b.org, !b.org.IsZero()
}

// Personnummer returns the sole trader's personnummer; ok is false for an
// organisation and for the zero value.
func (b BusinessID) Personnummer() (p Personnummer, ok bool) {
	return b.pnr, !b.pnr.IsZero()
}

// Group returns the legal-form group: GroupSoleTrader for a personnummer,
// the organisationsnummer's group otherwise, GroupUnknown for the zero value.
func (b BusinessID) Group() Group {
	if b.IsSoleTrader() {
		return GroupSoleTrader
	}
	return b.org.Group()
}

// String returns the normal form of the number held: 10 digits for an
// organisationsnummer, 12 for a personnummer (identity schemes se-orgnr and
// se-pnr respectively).
func (b BusinessID) String() string {
	if b.IsSoleTrader() {
		return b.pnr.String()
	}
	return b.org.String()
}

// Format returns the display form: NNNNNN-NNNN for an organisationsnummer,
// YYYYMMDD-NNNC for a personnummer.
func (b BusinessID) Format() string {
	if b.IsSoleTrader() {
		return b.pnr.Format()
	}
	return b.org.Format()
}

// VATNumber returns the VAT registration number the business has if it is
// registered for VAT: "SE", the 10-digit number (YYMMDDNNNC for a sole
// trader) and "01".
func (b BusinessID) VATNumber() string {
	if b.IsSoleTrader() {
		return "SE" + b.pnr.v[2:] + "01"
	}
	return b.org.VATNumber()
}

// Masked returns a form safe for logs and lists: the organisationsnummer in
// full (it identifies a legal person, not personal data) or the sole
// trader's masked personnummer, YYYYMMDD-****.
func (b BusinessID) Masked() string {
	if b.IsSoleTrader() {
		return b.pnr.Masked()
	}
	return b.org.Format()
}

// LogValue implements slog.LogValuer with Masked.
func (b BusinessID) LogValue() slog.Value { return slog.StringValue(b.Masked()) }

// IsZero reports whether b is the zero value, which holds no number.
func (b BusinessID) IsZero() bool { return b.org.IsZero() && b.pnr.IsZero() }
