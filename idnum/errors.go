package idnum

import "errors"

// Sentinel errors. Callers branch on them with errors.Is; the errors returned
// by the parse functions wrap one of them and add a constant reason. No error
// string ever contains the input, which is personal data.
var (
	// ErrSyntax reports input of the wrong shape: wrong length, a character
	// that is not allowed, a bad separator, or an organisationsnummer whose
	// month position is below 20.
	ErrSyntax = errors.New("idnum: invalid format")

	// ErrChecksum reports that the check digit (Luhn, modulus 10) is wrong.
	ErrChecksum = errors.New("idnum: invalid check digit")

	// ErrDate reports a birth date that does not exist, lies in the future,
	// lies before 1800, or contradicts the "+" (100 years or older) separator.
	ErrDate = errors.New("idnum: invalid date")

	// ErrInterim reports a well-formed interim number (a letter in place of
	// the first digit of the birth number) when Options.AllowInterim is false.
	ErrInterim = errors.New("idnum: interim numbers not accepted")

	// ErrSoleTrader is returned by ParseOrganisationsnummer together with
	// ErrSyntax (both match errors.Is) when the input is a well-formed
	// personnummer or samordningsnummer. A sole trader (enskild firma) has
	// no organisationsnummer of its own and is identified by the owner's
	// personnummer; use ParseBusinessID to accept both.
	ErrSoleTrader = errors.New("idnum: personnummer given, sole traders have no organisationsnummer")
)

// reasonError is a sentinel plus a constant, input-free reason.
type reasonError struct {
	reason string
	errs   []error
}

func (e *reasonError) Error() string { return e.errs[0].Error() + ": " + e.reason }

func (e *reasonError) Unwrap() []error { return e.errs }

func newError(reason string, errs ...error) error {
	return &reasonError{reason: reason, errs: errs}
}

// The errors are allocated once: parsing an invalid number must stay cheap,
// and the values are never modified.
var (
	errTooLong    = newError("input too long", ErrSyntax)
	errLength     = newError("want 10 or 12 digits, optionally with a separator", ErrSyntax)
	errSeparator  = newError("separator must be - or +", ErrSyntax)
	errCharacter  = newError("unexpected character", ErrSyntax)
	errLetter     = newError("letter not used in interim numbers", ErrSyntax)
	errSerialZero = newError("birth number 000 is not issued", ErrSyntax)
	errOrgLength  = newError("want 10 digits as NNNNNN-NNNN, optionally prefixed with 16", ErrSyntax)
	errOrgMonth   = newError("third digit must be 2 or more", ErrSyntax)
	errOrgGroup   = newError("first digit is not a legal-form group", ErrSyntax)
	errOrgIsPnr   = newError("input is a personnummer", ErrSyntax, ErrSoleTrader)
	errLuhn       = newError("checksum mismatch", ErrChecksum)
	errMonth      = newError("month out of range", ErrDate)
	errDay        = newError("day out of range", ErrDate)
	errFuture     = newError("birth date in the future", ErrDate)
	errYear       = newError("birth year out of range", ErrDate)
	errPlusYoung  = newError("+ separator but younger than 100 years", ErrDate)
	errInterim    = newError("interim number", ErrInterim)
)
