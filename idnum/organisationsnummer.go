package idnum

import "strings"

// Organisationsnummer is a validated Swedish organisation number (issued by
// Bolagsverket, Skatteverket, SCB or Länsstyrelsen) in its normal form of 10
// digits. The first digit gives the legal-form Group; the third digit (the
// "month position") is 2 or more, which keeps organisation numbers apart
// from personnummer.
//
// A sole trader (enskild firma) has no organisationsnummer: it uses the
// owner's personnummer, which ParseOrganisationsnummer rejects (see
// ErrSoleTrader) and ParseBusinessID accepts.
//
// The zero value holds no number (IsZero). Values are comparable with ==.
type Organisationsnummer struct {
	v string // "" or 10 digits
}

// ParseOrganisationsnummer parses and validates an organisationsnummer.
// Surrounding white space is ignored. Accepted forms:
//
//	NNNNNN-NNNN   NNNNNNNNNN   16NNNNNN-NNNN   16NNNNNNNNNN
//
// The "16" prefix is the century-like prefix some registers use to make
// organisation numbers 12 digits long. The third digit must be 2 or more,
// the first digit must name a group (not 0 or 4), and the last digit is a
// Luhn check digit.
//
// Errors match ErrSyntax or ErrChecksum; input that is a well-formed
// personnummer or samordningsnummer (a sole trader's number) matches both
// ErrSyntax and ErrSoleTrader. Error strings never contain the input.
func ParseOrganisationsnummer(s string) (Organisationsnummer, error) {
	if len(s) > maxInputLen {
		return Organisationsnummer{}, errTooLong
	}
	s = strings.TrimSpace(s)
	var b [10]byte
	shape := true
	switch len(s) {
	case 10:
		copy(b[:], s)
	case 11:
		shape = s[6] == '-'
		copy(b[:6], s[:6])
		copy(b[6:], s[7:])
	case 12:
		shape = s[:2] == "16"
		copy(b[:], s[2:])
	case 13:
		shape = s[:2] == "16" && s[8] == '-'
		copy(b[:6], s[2:8])
		copy(b[6:], s[9:])
	default:
		shape = false
	}
	for _, c := range b {
		shape = shape && isDigit(c)
	}
	if !shape {
		if isPersonnummerShape(s) {
			return Organisationsnummer{}, errOrgIsPnr
		}
		return Organisationsnummer{}, errOrgLength
	}
	if !luhn10(&b) {
		return Organisationsnummer{}, errLuhn
	}
	if b[2] < '2' {
		if isPersonnummerShape(s) {
			return Organisationsnummer{}, errOrgIsPnr
		}
		return Organisationsnummer{}, errOrgMonth
	}
	if _, ok := groupOf(b[0]); !ok {
		return Organisationsnummer{}, errOrgGroup
	}
	return Organisationsnummer{v: string(b[:])}, nil
}

// isPersonnummerShape reports whether s passes every clock-independent check
// of a personnummer or samordningsnummer (shape, check digit, month and day
// ranges) with a plausible century, and is not an interim number.
func isPersonnummerShape(s string) bool {
	sc, err := scan(s)
	if err != nil || sc.interim {
		return false
	}
	return sc.century == -1 || (sc.century >= 18 && sc.century <= 20)
}

// String returns the normal form, 10 digits NNNNNNNNNN. The zero value gives "".
func (o Organisationsnummer) String() string { return o.v }

// Format returns the display form with a hyphen, NNNNNN-NNNN.
func (o Organisationsnummer) Format() string {
	if o.v == "" {
		return ""
	}
	return o.v[:6] + "-" + o.v[6:]
}

// Group returns the legal-form group given by the first digit; GroupUnknown
// for the zero value.
func (o Organisationsnummer) Group() Group {
	if o.v == "" {
		return GroupUnknown
	}
	g, _ := groupOf(o.v[0])
	return g
}

// VATNumber returns the Swedish VAT registration number (momsregistrerings-
// nummer) the organisation has if it is registered for VAT: "SE", the 10
// digits and "01". Whether it is registered is not known from the number.
func (o Organisationsnummer) VATNumber() string {
	if o.v == "" {
		return ""
	}
	return "SE" + o.v + "01"
}

// IsZero reports whether o is the zero value, which holds no number.
func (o Organisationsnummer) IsZero() bool { return o.v == "" }

// MarshalText implements encoding.TextMarshaler with the normal form; the
// zero value gives empty text.
func (o Organisationsnummer) MarshalText() ([]byte, error) { return []byte(o.v), nil }

// UnmarshalText implements encoding.TextUnmarshaler: empty text gives the
// zero value, anything else is parsed with ParseOrganisationsnummer.
func (o *Organisationsnummer) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*o = Organisationsnummer{}
		return nil
	}
	v, err := ParseOrganisationsnummer(string(text))
	if err != nil {
		return err
	}
	*o = v
	return nil
}
